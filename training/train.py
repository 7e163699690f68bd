"""Train, cross-validate, log, register and (maybe) promote theme classifiers."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import subprocess
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from policytag import registry
from policytag.job_steps import step
from policytag.model import model_types
from policytag.model.calibration import PlattCalibration
from policytag.model.classifiers import MeanEnsemble
from policytag.model.tagger import Tagger
from policytag.text import model_input
from policytag.themes import theme_ids
from training.data import EVALUATED_SOURCES, Example, document_folds, label_matrix, load_examples
from training.evaluate import (
    OutOfFold,
    calibration_error,
    choose_thresholds,
    cross_fitted_calibration,
    cross_validated_metrics,
    error_rates,
    held_out_index,
    learning_curve,
    mean_of,
    out_of_fold,
)
from training.tracking import log_run

log = logging.getLogger(__name__)
MODEL_TYPES = tuple(model_types.MODEL_TYPES)
# Whether the innermost heading is prepended to the segment, per model type; see README "Training".
INT8_TOLERANCE = 0.01  # the int8 graph is served when its grouped-CV macro-F1 is at most this below fp32's
HEADING_HELPS = {name: t.with_heading for name, t in model_types.MODEL_TYPES.items()}


@dataclass(frozen=True)
class TrainConfig:
    model_type: str = "tfidf"
    include_authored: bool = True
    with_heading: bool | None = None  # None: HEADING_HELPS[model_type]
    tfidf_C: float = model_types.DEFAULT_TFIDF_C
    encoder_C: float = model_types.DEFAULT_ENCODER_C
    device: str = "cpu"  # where fine-tuning runs (cpu | cuda)

    def __post_init__(self):
        if self.with_heading is None:
            object.__setattr__(self, "with_heading", HEADING_HELPS.get(self.model_type, False))

    def options(self, finetune_epochs: int | None = None) -> model_types.ClassifierOptions:
        return model_types.ClassifierOptions(self.tfidf_C, self.encoder_C, finetune_epochs, self.device)


def make_classifier(config: TrainConfig, finetune_epochs: int | None = None):
    """A fresh, unfitted classifier for a config (the encoder is loaded once and shared)."""
    return model_types.make_classifier(config.model_type, config.options(finetune_epochs))


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
    oof: np.ndarray  # calibrated out-of-fold probabilities (each fold calibrated on the other folds)
    cv: dict
    raw_oof: np.ndarray | None = None  # the classifier's own out-of-fold probabilities
    fold_fits: list[dict] = field(default_factory=list)  # per fold, what fitting chose (the fine-tuned epochs)
    int8: bool = False  # the final model predicts with its int8 graph (raw_oof then holds int8 predictions)
    curve: dict[float, dict] | None = None  # fraction of training documents → cross-validated metrics


class FoldFits:
    """Out-of-fold predictions and final fits on one set of examples, computed once per (model type, heading).

    An ensemble type is the mean of its members' probabilities, so its out-of-fold predictions and
    its final classifier are built from its members' (the costly fine-tuning runs once for both).
    """

    def __init__(self, examples: list[Example], themes: list[str], progress=lambda reported: None):
        self.examples, self.themes, self.progress = examples, themes, progress
        self.Y = label_matrix(examples, themes)
        self.folds = document_folds(examples)
        self.groups = np.array([e.doc for e in examples], dtype=object)
        self._oof: dict[tuple, OutOfFold] = {}
        self._final: dict[tuple, object] = {}

    def inputs(self, with_heading: bool) -> list[str]:
        return [model_input(e.text, list(e.heading), with_heading=with_heading) for e in self.examples]

    def oof(self, config: TrainConfig) -> OutOfFold:
        key = (config.model_type, config.with_heading, config.tfidf_C, config.encoder_C)
        if key not in self._oof:
            members = model_types.MODEL_TYPES[config.model_type].members
            if members:
                self._oof[key] = mean_of([self.oof(replace(config, model_type=m)) for m in members])
            else:
                self.progress(step("cross_validating", model_type=config.model_type, examples=len(self.examples)))
                self._oof[key] = out_of_fold(lambda: make_classifier(config), self.inputs(bool(config.with_heading)),
                                             self.Y, self.folds, self.groups)
        return self._oof[key]

    def final(self, config: TrainConfig, fold_fits: list[dict]):
        key = (config.model_type, config.with_heading, config.tfidf_C, config.encoder_C)
        if key not in self._final:
            members = model_types.MODEL_TYPES[config.model_type].members
            if members:
                self._final[key] = MeanEnsemble.of_fitted(
                    [self.final(replace(config, model_type=m), self.oof(replace(config, model_type=m)).fits)
                     for m in members])
            else:
                self.progress(step("fitting", model_type=config.model_type, examples=len(self.examples)))
                epochs = [f["best_epoch"] for f in fold_fits if "best_epoch" in f]
                classifier = make_classifier(config, int(np.median(epochs)) if epochs else None)
                self._final[key] = classifier.fit(self.inputs(bool(config.with_heading)), self.Y)
        return self._final[key]


def evaluate_config(config: TrainConfig, examples: list[Example], themes: list[str],
                    fits: FoldFits | None = None) -> Evaluated:
    """Cross-validation of one configuration, grouped by document, with calibrated scores."""
    fits = fits or FoldFits(examples, themes)
    oof = fits.oof(config)
    int8_f1 = None
    if oof.P_int8 is not None:  # serve int8 if it loses at most INT8_TOLERANCE macro-F1 against fp32
        int8_f1 = _cv(oof.P_int8, fits, themes, examples)["macro_f1"]
    fp32_cv = _cv(oof.P, fits, themes, examples)
    use_int8 = int8_f1 is not None and int8_f1 >= fp32_cv["macro_f1"] - INT8_TOLERANCE
    raw = oof.P_int8 if use_int8 and oof.P_int8 is not None else oof.P
    calibrated = cross_fitted_calibration(fits.Y, raw, fits.folds)
    cv = _cv(raw, fits, themes, examples)
    evaluated = held_out_index(fits.folds)
    cv["calibration_error"] = calibration_error(fits.Y[evaluated], calibrated[evaluated])
    cv["calibration_error_uncalibrated"] = calibration_error(fits.Y[evaluated], raw[evaluated])
    if int8_f1 is not None:
        cv["inference"] = {"served": "onnx-int8" if use_int8 else "torch-fp32", "fp32_macro_f1": fp32_cv["macro_f1"],
                           "int8_macro_f1": int8_f1}
    return Evaluated(config, calibrated, cv, raw, oof.fits, use_int8)


def _cv(raw: np.ndarray, fits: FoldFits, themes: list[str], examples: list[Example]) -> dict:
    """Grouped-CV metrics of calibrated scores (each fold calibrated and thresholded on the other folds)."""
    return cross_validated_metrics(fits.Y, cross_fitted_calibration(fits.Y, raw, fits.folds), fits.folds, themes,
                                   _genres(examples))


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


def fit_tagger(ev: Evaluated, examples: list[Example], themes: list[str], fits: FoldFits | None = None) -> Tagger:
    """Fit on all examples; calibration and thresholds from all out-of-fold predictions."""
    fits = fits or FoldFits(examples, themes)
    evaluated = held_out_index(fits.folds)
    raw = ev.raw_oof if ev.raw_oof is not None else ev.oof
    calibration = PlattCalibration.fit(fits.Y[evaluated], raw[evaluated])
    thresholds = choose_thresholds(fits.Y[evaluated], calibration.apply(raw[evaluated]))
    classifier = fits.final(ev.config, ev.fold_fits)
    if ev.int8:  # a copy: the fp32 fit is shared with the ensembles built from it, which chose for themselves
        classifier = copy.deepcopy(classifier).quantize()
    return Tagger(classifier, themes, [float(t) for t in thresholds], bool(ev.config.with_heading),
                  ev.config.model_type, calibration=calibration)


def train(home: Path, labels_dir: Path, model_types: list[str], *, include_authored: bool = True,
          include_corpus: bool = True,
          with_heading: bool | None = None, force: bool = False, with_learning_curve: bool = False,
          device: str = "cpu", progress=lambda reported: None) -> dict:
    """Train each model type, log and register it; move ``@champion`` to the best if it is better.

    ``with_learning_curve`` also cross-validates on 25 % and 50 % of the training
    documents and logs the curve with the run. ``progress(step)`` is called as
    each stage starts (a step of ``policytag.job_steps``). ``device`` is where fine-tuning runs (``cpu`` or ``cuda``).
    """
    client = registry.configure(home)
    themes = theme_ids(labels_dir)
    examples = load_examples(labels_dir, include_authored=include_authored, include_corpus=include_corpus)
    lhash = labels_hash([e for e in examples if e.source in EVALUATED_SOURCES], themes)
    summary = {"labels_hash": lhash, "examples": len(examples), "runs": []}
    fits = FoldFits(examples, themes, progress)
    for model_type in model_types:
        started = time.time()  # the run spans the training, from here
        config = TrainConfig(model_type=model_type, include_authored=include_authored, with_heading=with_heading,
                             device=device)
        ev = evaluate_config(config, examples, themes, fits)
        if with_learning_curve:
            progress(step("learning_curve", model_type=model_type))
            ev.curve = config_learning_curve(config, examples, themes)
        tagger = fit_tagger(ev, examples, themes, fits)
        progress(step("registering", model_type=model_type))
        tagger.info = {"cv": _compact(ev.cv), "labels_hash": lhash, "config": asdict(config),
                       "trained_on": [e.id for e in examples],
                       "error_rates": error_rates(fits.Y, ev.oof, fits.folds, tagger.thresholds, themes, fits.groups)}
        run_id, version = log_run(tagger, ev, examples, themes, lhash, code_version(), started=started)
        summary["runs"].append({"model_type": model_type, "run_id": run_id, "version": version,
                                "config": asdict(config),
                                "macro_f1": ev.cv["macro_f1"], "micro_f1": ev.cv["micro_f1"],
                                "fold_macro_f1_std": ev.cv["fold_macro_f1_std"],
                                "genres": {g: round(m["macro_f1"], 4) for g, m in ev.cv.get("genres", {}).items()},
                                **({"learning_curve": {f"{int(f * 100)}%": round(m["macro_f1"], 4)
                                                       for f, m in ev.curve.items()}} if ev.curve else {})})
    best = max(summary["runs"], key=lambda r: r["macro_f1"])
    progress(step("comparing"))
    summary.update(promote(client, best, lhash, examples, themes, force=force, fits=fits))
    return summary


def promote(client, best: dict, lhash: str, examples: list[Example], themes: list[str], *, force: bool,
            fits: FoldFits | None = None) -> dict:
    """Move ``@champion`` to ``best`` if its macro-F1 beats the champion's on the same labels; a tie keeps it.

    When the labels changed, the champion's configuration is re-evaluated on today's labels. If ``best`` is
    that same configuration, it *is* the champion retrained on today's labels (corrections, examples, a new
    theme), and it replaces it.
    """
    current = registry.champion(client)
    if current is None or force:
        registry.set_champion(client, best["version"])
        return {"champion_moved": True, "champion_version": best["version"],
                "reason": "forced" if current is not None else "no champion yet"}
    run = client.get_run(current.run_id)
    config = TrainConfig(**json.loads(run.data.params["config"]))
    if run.data.params.get("labels_hash") == lhash:
        current_f1 = run.data.metrics["cv_macro_f1"]
    else:  # labels changed: re-evaluate the champion's configuration on today's labels
        current_f1 = evaluate_config(config, examples, themes, fits).cv["macro_f1"]
        if "config" in best and _same_model(config, TrainConfig(**best["config"])):
            registry.set_champion(client, best["version"])
            return {"champion_moved": True, "champion_version": best["version"],
                    "reason": f"champion v{current.version}'s configuration retrained on the changed labels "
                              f"(macro-F1 {best['macro_f1']:.4f})"}
    if best["macro_f1"] > current_f1:
        registry.set_champion(client, best["version"])
        return {"champion_moved": True, "champion_version": best["version"],
                "reason": f"macro-F1 {best['macro_f1']:.4f} > champion v{current.version} {current_f1:.4f}"}
    return {"champion_moved": False, "champion_version": str(current.version),
            "reason": f"macro-F1 {best['macro_f1']:.4f} <= champion v{current.version} {current_f1:.4f}"}


def _same_model(a: TrainConfig, b: TrainConfig) -> bool:
    """The same classifier on the same inputs (where it trains does not matter)."""
    return replace(a, device="cpu") == replace(b, device="cpu")


def _compact(cv: dict) -> dict:
    return {k: v for k, v in cv.items() if k != "folds"}
