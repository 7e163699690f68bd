"""Grouped cross-validation, per-theme thresholds and metrics.

Thresholds are always chosen on held-out predictions: for the cross-validated
figures, those of the *other* held-out documents (so a document's score never
uses its own labels); for the final model, all out-of-fold predictions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import precision_recall_curve

from policytag.model.calibration import PlattCalibration

DEFAULT_THRESHOLD = 0.5
MIN_DOCUMENT_SEGMENTS = 10  # documents that measure how a document's error rates stray


def choose_thresholds(Y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Per theme, the probability cut that maximises F1 on these held-out predictions."""
    thresholds = np.full(Y.shape[1], DEFAULT_THRESHOLD)
    for k in range(Y.shape[1]):
        if Y[:, k].sum() == 0:
            continue
        precision, recall, cuts = precision_recall_curve(Y[:, k], P[:, k])
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
        best = int(np.argmax(f1[:-1])) if len(cuts) else None
        if best is not None:
            thresholds[k] = float(cuts[best])
    return thresholds


def metrics(Y: np.ndarray, P: np.ndarray, thresholds: np.ndarray, themes: list[str]) -> dict:
    """Per-theme precision/recall/F1/support and micro/macro F1 of thresholded predictions.

    Macro-F1 averages the themes that have positives in ``Y``.
    """
    pred = P >= thresholds
    gold = Y.astype(bool)
    tp = (pred & gold).sum(axis=0)
    fp = (pred & ~gold).sum(axis=0)
    fn = (~pred & gold).sum(axis=0)
    out = {"themes": {}}
    f1s = []
    for k, theme in enumerate(themes):
        precision = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 0.0
        recall = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else 0.0
        f1 = 2 * tp[k] / (2 * tp[k] + fp[k] + fn[k]) if tp[k] + fp[k] + fn[k] else 0.0
        out["themes"][theme] = {"precision": float(precision), "recall": float(recall), "f1": float(f1),
                                "support": int(gold[:, k].sum())}
        if gold[:, k].any():
            f1s.append(float(f1))
    total = 2 * tp.sum() + fp.sum() + fn.sum()
    out["micro_f1"] = float(2 * tp.sum() / total) if total else 0.0
    out["macro_f1"] = float(np.mean(f1s)) if f1s else 0.0
    return out


def held_out_index(folds) -> np.ndarray:
    """Indices of every example some fold evaluates (the seed segments)."""
    return np.concatenate([test for _, _, test in folds])


@dataclass
class OutOfFold:
    """Out-of-fold probabilities, what fitting chose per fold (``best_epoch`` where a model stops early on
    held-out documents), and, for models that can run int8 (``quantize()``), their int8 probabilities."""

    P: np.ndarray
    fits: list[dict]
    P_int8: np.ndarray | None = None


def out_of_fold(make_model: Callable, inputs: list[str], Y: np.ndarray, folds,
                groups: np.ndarray | None = None) -> OutOfFold:
    """Probabilities for every evaluated example from a model that never saw its document."""
    P = np.full(Y.shape, np.nan)
    P_int8 = None
    fits = []
    for name, train, test in folds:
        model = make_model().fit([inputs[i] for i in train], Y[train],
                                 groups=None if groups is None else groups[train])
        test_inputs = [inputs[i] for i in test]
        P[test] = model.predict_proba(test_inputs)
        fits.append({"fold": name, **({"best_epoch": int(model.best_epoch_),
                                       "validation_loss": list(model.validation_loss_)}
                                      if hasattr(model, "best_epoch_") else {})})
        if hasattr(model, "quantize"):
            P_int8 = np.full(Y.shape, np.nan) if P_int8 is None else P_int8
            P_int8[test] = model.quantize().predict_proba(test_inputs)
    return OutOfFold(P, fits, P_int8)


def mean_of(parts: list[OutOfFold]) -> OutOfFold:
    """The out-of-fold predictions of the mean of these models (int8 where a member has it)."""
    P_int8 = None
    if any(p.P_int8 is not None for p in parts):
        P_int8 = np.mean([p.P_int8 if p.P_int8 is not None else p.P for p in parts], axis=0)
    return OutOfFold(np.mean([p.P for p in parts], axis=0), [f for p in parts for f in p.fits], P_int8)


def cross_fitted_calibration(Y: np.ndarray, P: np.ndarray, folds) -> np.ndarray:
    """Calibrated out-of-fold probabilities: each fold's with a calibration fitted on the other folds."""
    evaluated = held_out_index(folds)
    out = P.copy()
    for _, _, test in folds:
        others = np.setdiff1d(evaluated, test)
        out[test] = PlattCalibration.fit(Y[others], P[others]).apply(P[test])
    return out


def calibration_error(Y: np.ndarray, P: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error, averaged over themes: per theme, the mean |score − observed rate| over
    ten equal-width score bins, weighted by the bin's share of segments."""
    errors = []
    for k in range(Y.shape[1]):
        which = np.minimum((P[:, k] * bins).astype(int), bins - 1)
        error = 0.0
        for b in range(bins):
            in_bin = which == b
            if in_bin.any():
                error += in_bin.mean() * abs(P[in_bin, k].mean() - Y[in_bin, k].mean())
        errors.append(error)
    return float(np.mean(errors))


def cross_validated_metrics(Y: np.ndarray, P: np.ndarray, folds, themes: list[str],
                            genres: np.ndarray | None = None) -> dict:
    """Pooled, per-fold and (given each example's genre) per-genre metrics.

    Each fold's thresholds come from the other folds' predictions.
    """
    evaluated = held_out_index(folds)
    pooled_pred = np.zeros_like(Y)
    per_fold = {}
    for doc, _, test in folds:
        others = np.setdiff1d(evaluated, test)
        thresholds = choose_thresholds(Y[others], P[others])
        per_fold[doc] = metrics(Y[test], P[test], thresholds, themes)
        pooled_pred[test] = (P[test] >= thresholds).astype(int)
    pooled = metrics(Y[evaluated], pooled_pred[evaluated].astype(float), np.full(len(themes), 0.5), themes)
    macro = [m["macro_f1"] for m in per_fold.values()]
    pooled["fold_macro_f1_mean"] = float(np.mean(macro))
    pooled["fold_macro_f1_std"] = float(np.std(macro))
    pooled["folds"] = per_fold
    if genres is not None:
        pooled["genres"] = {}
        for genre in sorted({g for g in genres[evaluated] if g}):
            idx = evaluated[genres[evaluated] == genre]
            m = metrics(Y[idx], pooled_pred[idx].astype(float), np.full(len(themes), 0.5), themes)
            pooled["genres"][genre] = {**m, "segments": int(len(idx))}
    return pooled


def learning_curve(make_model: Callable, inputs: list[str], Y: np.ndarray, folds, docs: np.ndarray,
                   evaluated: np.ndarray, themes: list[str], fractions=(0.25, 0.5, 1.0),
                   genres: np.ndarray | None = None, seed: int = 0) -> dict[float, dict]:
    """Cross-validated metrics when each fold trains on only a fraction of its training documents.

    The same folds and test documents every time; the kept training documents are a
    seeded random choice (nested: 25 % is inside 50 %). Examples that are never
    evaluated (authored, API) always train.
    """
    rng = np.random.default_rng(seed)
    order = {d: r for d, r in zip(sorted(set(docs[evaluated])), rng.permutation(len(set(docs[evaluated]))))}
    out = {}
    for fraction in fractions:
        P = np.full(Y.shape, np.nan)
        for _, train, test in folds:
            train_docs = sorted({docs[i] for i in train if evaluated[i]}, key=order.get)
            keep = set(train_docs[:max(1, int(np.ceil(fraction * len(train_docs))))])
            subset = [i for i in train if not evaluated[i] or docs[i] in keep]
            model = make_model().fit([inputs[i] for i in subset], Y[subset], groups=docs[subset])
            P[test] = model.predict_proba([inputs[i] for i in test])
        out[fraction] = cross_validated_metrics(Y, P, folds, themes, genres)
    return out


def error_rates(Y: np.ndarray, P: np.ndarray, folds, thresholds, themes: list[str],
                docs: np.ndarray | None = None) -> dict:
    """Per theme, how the tagger errs on held-out documents, for coverage's corrected shares
    (``policytag.coverage.ErrorRates``), from the calibrated out-of-fold scores ``P`` of the evaluated rows:
    the counts behind the true and false positive rates of the thresholded scores; the mean and spread of
    the score of segments that do (``score_pos``) and do not (``score_neg``) carry the theme; and, given
    each row's document (``docs``), how far a document's own errors stray from these pooled ones
    (``heterogeneity``: per method, the standard deviation between documents beyond chance)."""
    evaluated = held_out_index(folds)
    Y, P = Y[evaluated].astype(bool), P[evaluated]
    pred = P >= np.asarray(thresholds)
    out = {}
    for k, theme in enumerate(themes):
        pos, neg = Y[:, k], ~Y[:, k]
        tp, fp = int((pred[:, k] & pos).sum()), int((pred[:, k] & neg).sum())
        entry = {"positives": int(pos.sum()), "negatives": int(neg.sum()), "true_positives": tp,
                 "false_positives": fp, "tpr": tp / max(int(pos.sum()), 1), "fpr": fp / max(int(neg.sum()), 1),
                 **{f"score_{name}{stat}": float(fn(P[rows, k])) if rows.any() else 0.0
                    for name, rows in (("pos", pos), ("neg", neg)) for stat, fn in (("", np.mean), ("_sd", np.std))}}
        if docs is not None:
            entry["heterogeneity"] = _heterogeneity(Y[:, k], P[:, k], pred[:, k], np.asarray(docs)[evaluated], entry)
        out[theme] = entry
    return out


def _heterogeneity(y: np.ndarray, p: np.ndarray, pred: np.ndarray, docs: np.ndarray, rates: dict) -> dict:
    """Per coverage method, the standard deviation of a document's observed rate around what the pooled error
    rates expect of it, beyond the binomial noise of its segments (method of moments, documents of at least
    :data:`MIN_DOCUMENT_SEGMENTS` segments)."""
    bases = {"acc": (pred, rates["fpr"], rates["tpr"], rates["fpr"] * (1 - rates["fpr"]),
                     rates["tpr"] * (1 - rates["tpr"])),
             "pacc": (p, rates["score_neg"], rates["score_pos"], rates["score_neg_sd"] ** 2,
                      rates["score_pos_sd"] ** 2),
             "pcc": (p, 0.0, 1.0, rates["score_neg_sd"] ** 2, rates["score_pos_sd"] ** 2)}
    names, which, sizes = np.unique(docs, return_inverse=True, return_counts=True)
    big = sizes >= MIN_DOCUMENT_SEGMENTS
    truth = np.bincount(which, weights=y) / sizes
    out = {}
    for method, (x, neg, pos, var_neg, var_pos) in bases.items():
        observed = np.bincount(which, weights=x.astype(float)) / sizes
        expected = neg + (pos - neg) * truth
        within = (truth * var_pos + (1 - truth) * var_neg) / sizes
        excess = ((observed - expected) ** 2 - within)[big]
        out[method] = float(np.sqrt(max(0.0, excess.mean()))) if big.any() else 0.0
    return out
