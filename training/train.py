"""Train, cross-validate, log, register and (maybe) promote theme classifiers."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from policytag import registry
from policytag.model import model_types
from policytag.model.tagger import Tagger
from policytag.text import model_input
from policytag.themes import theme_ids
from training.data import EVALUATED_SOURCES, Example, document_folds, label_matrix, load_examples
from training.evaluate import choose_thresholds, cross_validated_metrics, held_out_index, learning_curve, out_of_fold
from training.tracking import log_run

log = logging.getLogger(__name__)
MODEL_TYPES = tuple(model_types.MODEL_TYPES)
# Whether the innermost heading is prepended to the segment, per model type; see README "Training".
HEADING_HELPS = {name: t.with_heading for name, t in model_types.MODEL_TYPES.items()}


@dataclass(frozen=True)
class TrainConfig:
    model_type: str = "tfidf"
    include_authored: bool = True
    with_heading: bool | None = None  # None: HEADING_HELPS[model_type]
    tfidf_C: float = model_types.DEFAULT_TFIDF_C
    encoder_C: float = model_types.DEFAULT_ENCODER_C

    def __post_init__(self):
        if self.with_heading is None:
            object.__setattr__(self, "with_heading", HEADING_HELPS.get(self.model_type, False))


def make_classifier(config: TrainConfig):
    """A fresh, unfitted classifier for a config (the encoder is loaded once and shared)."""
    return model_types.make_classifier(config.model_type, tfidf_C=config.tfidf_C, encoder_C=config.encoder_C)


def labels_hash(examples: list[Example], themes: list[str]) -> str:
    """Content hash of the theme list and the labelled data a model was evaluated on (order-independent)."""
    rows = sorted(f"{e.id}\t{e.text}\t{','.join(sorted(e.labels))}\t{e.source}" for e in examples)
    return hashlib.sha256("\n".join([",".join(themes), *rows]).encode("utf-8")).hexdigest()[:16]


def code_version() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        from policytag import __version__

        return __version__


@dataclass
class Evaluated:
    config: TrainConfig
    oof: np.ndarray
    cv: dict
    curve: dict[float, dict] | None = None  # fraction of training documents → cross-validated metrics


def evaluate_config(config: TrainConfig, examples: list[Example], themes: list[str]) -> Evaluated:
    """Cross-validation of one configuration, grouped by document."""
    Y = label_matrix(examples, themes)
    folds = document_folds(examples)
    inputs = [model_input(e.text, list(e.heading), with_heading=config.with_heading) for e in examples]
    P = out_of_fold(lambda: make_classifier(config), inputs, Y, folds)
    return Evaluated(config, P, cross_validated_metrics(Y, P, folds, themes, _genres(examples)))


def _genres(examples: list[Example]) -> np.ndarray:
    return np.array([e.genre or "" for e in examples], dtype=object)


def config_learning_curve(config: TrainConfig, examples: list[Example], themes: list[str]) -> dict[float, dict]:
    """Grouped-CV metrics with 25 %, 50 % and 100 % of each fold's training documents."""
    Y = label_matrix(examples, themes)
    inputs = [model_input(e.text, list(e.heading), with_heading=config.with_heading) for e in examples]
    return learning_curve(lambda: make_classifier(config), inputs, Y, document_folds(examples),
                          np.array([e.doc for e in examples], dtype=object),
                          np.array([e.source in EVALUATED_SOURCES for e in examples]), themes,
                          genres=_genres(examples))


def fit_tagger(ev: Evaluated, examples: list[Example], themes: list[str]) -> Tagger:
    """Fit on all examples; thresholds from all out-of-fold predictions."""
    Y = label_matrix(examples, themes)
    evaluated = held_out_index(document_folds(examples))
    thresholds = choose_thresholds(Y[evaluated], ev.oof[evaluated])
    inputs = [model_input(e.text, list(e.heading), with_heading=ev.config.with_heading) for e in examples]
    classifier = make_classifier(ev.config).fit(inputs, Y)
    return Tagger(classifier, themes, [float(t) for t in thresholds], ev.config.with_heading,
                  ev.config.model_type)


def train(home: Path, labels_dir: Path, model_types: list[str], *, include_authored: bool = True,
          include_corpus: bool = True,
          with_heading: bool | None = None, force: bool = False, with_learning_curve: bool = False,
          progress=lambda message: None) -> dict:
    """Train each model type, log and register it; move ``@champion`` to the best if it is at least as good.

    ``with_learning_curve`` also cross-validates on 25 % and 50 % of the training
    documents and logs the curve with the run. ``progress(message)`` is called as
    each stage starts.
    """
    client = registry.configure(home)
    themes = theme_ids(labels_dir)
    examples = load_examples(labels_dir, include_authored=include_authored, include_corpus=include_corpus)
    lhash = labels_hash([e for e in examples if e.source in EVALUATED_SOURCES], themes)
    summary = {"labels_hash": lhash, "examples": len(examples), "runs": []}
    for model_type in model_types:
        config = TrainConfig(model_type=model_type, include_authored=include_authored, with_heading=with_heading)
        progress(f"cross-validating {model_type} on {len(examples)} examples")
        ev = evaluate_config(config, examples, themes)
        if with_learning_curve:
            progress(f"learning curve of {model_type}")
            ev.curve = config_learning_curve(config, examples, themes)
        progress(f"fitting and registering {model_type}")
        tagger = fit_tagger(ev, examples, themes)
        tagger.info = {"cv": _compact(ev.cv), "labels_hash": lhash, "config": asdict(config),
                       "trained_on": [e.id for e in examples]}
        run_id, version = log_run(tagger, ev, examples, themes, lhash, code_version())
        summary["runs"].append({"model_type": model_type, "run_id": run_id, "version": version,
                                "macro_f1": ev.cv["macro_f1"], "micro_f1": ev.cv["micro_f1"],
                                "fold_macro_f1_std": ev.cv["fold_macro_f1_std"],
                                "genres": {g: round(m["macro_f1"], 4) for g, m in ev.cv.get("genres", {}).items()},
                                **({"learning_curve": {f"{int(f * 100)}%": round(m["macro_f1"], 4)
                                                       for f, m in ev.curve.items()}} if ev.curve else {})})
    best = max(summary["runs"], key=lambda r: r["macro_f1"])
    progress("comparing with the champion")
    summary.update(promote(client, best, lhash, examples, themes, force=force))
    return summary


def promote(client, best: dict, lhash: str, examples: list[Example], themes: list[str], *, force: bool) -> dict:
    """Move ``@champion`` to ``best`` if its macro-F1 is at least the champion's on the same labels."""
    current = registry.champion(client)
    if current is None or force:
        registry.set_champion(client, best["version"])
        return {"champion_moved": True, "champion_version": best["version"],
                "reason": "forced" if current is not None else "no champion yet"}
    run = client.get_run(current.run_id)
    if run.data.params.get("labels_hash") == lhash:
        current_f1 = run.data.metrics["cv_macro_f1"]
    else:  # labels changed: re-evaluate the champion's configuration on today's labels
        config = TrainConfig(**json.loads(run.data.params["config"]))
        current_f1 = evaluate_config(config, examples, themes).cv["macro_f1"]
    if best["macro_f1"] >= current_f1:
        registry.set_champion(client, best["version"])
        return {"champion_moved": True, "champion_version": best["version"],
                "reason": f"macro-F1 {best['macro_f1']:.4f} >= champion v{current.version} {current_f1:.4f}"}
    return {"champion_moved": False, "champion_version": str(current.version),
            "reason": f"macro-F1 {best['macro_f1']:.4f} < champion v{current.version} {current_f1:.4f}"}


def _compact(cv: dict) -> dict:
    return {k: v for k, v in cv.items() if k != "folds"}
