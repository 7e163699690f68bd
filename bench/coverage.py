"""How well each coverage method estimates a group's theme shares, on held-out documents (issue 18).

    .venv/bin/python bench/coverage.py [--quick] [--cache PATH.npz] [--json PATH]
    policytag bench --coverage [--quick]

Uses the TF-IDF model's out-of-fold predictions of the 5-fold cross-validation grouped by document (seeds
+ corpus; each segment scored by a model that never saw its document, calibrated on the other folds). For
each fold, the thresholds and the error rates come from the *other* folds' predictions, as the served model's
come from all of them, and the groups are drawn from the fold's own documents:

- documents: every held-out document with at least 10 segments;
- synthetic groups: 10–60 segments drawn from 1–4 documents of one fold (like the places the issue measured).

Per method of ``policytag.coverage`` (``cc``, the raw baseline, ``acc``, ``pcc``, ``pacc``) it reports the
mean absolute error of the segment shares in percentage points, the Spearman rank correlation of the groups
per theme, and how often the 95 % interval holds the true share. Targets: MAE ≤ 2 points, Spearman ≥ 0.8 for
every theme, coverage ≥ 90 %. ``--quick`` draws fewer synthetic groups and replicates; ``--cache`` keeps the
out-of-fold predictions (computing them takes about 2 minutes).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policytag import coverage  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
METHODS = tuple(coverage.METHODS)
TARGETS = {"mae_points": 2.0, "spearman": 0.8, "interval_coverage": 0.90}
MIN_DOCUMENT_SEGMENTS = 10


@dataclass
class Predictions:
    """Out-of-fold predictions of the evaluated segments: gold, calibrated scores, fold, document, length."""

    themes: list[str]
    Y: np.ndarray
    P: np.ndarray
    fold: np.ndarray
    doc: np.ndarray
    chars: np.ndarray

    def save(self, path: Path) -> None:
        np.savez(path, themes=np.array(self.themes), Y=self.Y, P=self.P, fold=self.fold,
                 doc=self.doc.astype(str), chars=self.chars)

    @classmethod
    def load(cls, path: Path) -> Predictions:
        z = np.load(path)
        return cls([str(t) for t in z["themes"]], z["Y"], z["P"], z["fold"], z["doc"], z["chars"])


def out_of_fold_predictions(labels: Path = ROOT / "labels") -> Predictions:
    """The TF-IDF model's calibrated out-of-fold predictions on seeds + corpus (about 2 minutes)."""
    from policytag.themes import theme_ids
    from training.data import load_examples
    from training.train import FoldFits, TrainConfig, evaluate_config

    examples, themes = load_examples(labels), theme_ids(labels)
    fits = FoldFits(examples, themes)
    ev = evaluate_config(TrainConfig(model_type="tfidf"), examples, themes, fits)
    fold = np.full(len(examples), -1)
    for k, (_, _, test) in enumerate(fits.folds):
        fold[test] = k
    keep = fold >= 0
    return Predictions(themes, fits.Y[keep], ev.oof[keep], fold[keep],
                       np.array([e.doc for e in examples], dtype=str)[keep],
                       np.array([len(e.text) for e in examples])[keep])


def fold_models(pred: Predictions) -> dict[int, tuple[np.ndarray, coverage.ErrorRates]]:
    """Per fold: thresholds and error rates from the other folds' predictions."""
    from training.evaluate import choose_thresholds, error_rates

    out = {}
    for k in np.unique(pred.fold):
        others = np.flatnonzero(pred.fold != k)
        thresholds = choose_thresholds(pred.Y[others], pred.P[others])
        rates = error_rates(pred.Y, pred.P, [("others", others, others)], thresholds, pred.themes, pred.doc)
        out[int(k)] = thresholds, coverage.ErrorRates.from_dict(rates, pred.themes)
    return out


def document_groups(pred: Predictions) -> list[np.ndarray]:
    docs, n = np.unique(pred.doc, return_counts=True)
    return [np.flatnonzero(pred.doc == d) for d in docs[n >= MIN_DOCUMENT_SEGMENTS]]


def synthetic_groups(pred: Predictions, count: int, seed: int = 0) -> list[np.ndarray]:
    """``count`` groups of 10–60 segments, each drawn from 1–4 documents of one fold."""
    rng = np.random.default_rng(seed)
    folds = np.unique(pred.fold)
    out = []
    while len(out) < count:
        k = rng.choice(folds)
        docs = np.unique(pred.doc[pred.fold == k])
        chosen = rng.choice(docs, size=min(len(docs), int(rng.integers(1, 5))), replace=False)
        pool = np.flatnonzero(np.isin(pred.doc, chosen))
        size = int(rng.integers(10, 61))
        if len(pool) >= 10:
            out.append(np.sort(rng.choice(pool, size=min(size, len(pool)), replace=False)))
    return out


def measure(pred: Predictions, groups: list[np.ndarray], models: dict, resamples: int) -> dict:
    """Per method: MAE (points), Spearman per theme, interval coverage and mean width over ``groups``."""
    from scipy.stats import spearmanr

    truth = np.array([pred.Y[g].mean(axis=0) for g in groups])
    out = {}
    for method in METHODS:
        points, hits, widths = [], [], []
        for i, g in enumerate(groups):
            thresholds, rates = models[int(pred.fold[g[0]])]
            seg = coverage.TaggedSegments(pred.themes, pred.P[g] >= thresholds, pred.chars[g].astype(float),
                                          pred.P[g], None, pred.doc[g])
            est = coverage.estimate(seg, np.ones(len(g)), method, rates, resamples=resamples, seed=i)
            ci = est.interval()
            points.append(est.point)
            hits.append((ci[:, 0] - 1e-9 <= truth[i]) & (truth[i] <= ci[:, 1] + 1e-9))
            widths.append(ci[:, 1] - ci[:, 0])
        P, H = np.array(points), np.array(hits)
        errors = np.abs(P - truth) * 100
        rho = {t: _spearman(spearmanr, P[:, j], truth[:, j]) for j, t in enumerate(pred.themes)}
        out[method] = {"mae_points": round(float(errors.mean()), 2),
                       "mae_points_per_theme": {t: round(float(errors[:, j].mean()), 2)
                                                for j, t in enumerate(pred.themes)},
                       "bias_points_per_theme": {t: round(float((P[:, j] - truth[:, j]).mean() * 100), 2)
                                                 for j, t in enumerate(pred.themes)},
                       "spearman": rho, "spearman_min": min(v for v in rho.values()),
                       "interval_coverage": round(float(H.mean()), 3),
                       "interval_coverage_per_theme": {t: round(float(H[:, j].mean()), 3)
                                                       for j, t in enumerate(pred.themes)},
                       "mean_width_points": round(float(np.mean(widths) * 100), 1)}
    return out


def _spearman(spearmanr, a: np.ndarray, b: np.ndarray) -> float:
    rho = spearmanr(a, b)[0]
    return round(float(rho), 3) if np.isfinite(rho) else 0.0


def verdict(results: dict) -> dict:
    """Per group set and method: which targets it meets."""
    out = {}
    for name, methods in results.items():
        out[name] = {m: {"mae": r["mae_points"] <= TARGETS["mae_points"],
                         "spearman": r["spearman_min"] >= TARGETS["spearman"],
                         "interval_coverage": r["interval_coverage"] >= TARGETS["interval_coverage"]}
                     for m, r in methods.items()}
    return out


def run(pred: Predictions, *, synthetic: int = 400, resamples: int = 1000, seed: int = 0) -> dict:
    models = fold_models(pred)
    groups = {"documents": document_groups(pred), "synthetic": synthetic_groups(pred, synthetic, seed)}
    results = {name: measure(pred, g, models, resamples) for name, g in groups.items()}
    sizes = {name: {"groups": len(g), "mean_segments": round(float(np.mean([len(x) for x in g])), 1)}
             for name, g in groups.items()}
    best = min(METHODS, key=lambda m: results["documents"][m]["mae_points"] + results["synthetic"][m]["mae_points"])
    return {"segments": len(pred.Y), "documents": len(np.unique(pred.doc)), "groups": sizes,
            "targets": TARGETS, "results": results, "meets": verdict(results), "lowest_error": best,
            "default_method": coverage.DEFAULT_METHOD}


def table(out: dict) -> str:
    lines = [f"{'groups':<11}{'method':<7}{'MAE pts':>8}{'min rho':>9}{'coverage':>10}{'width pts':>10}  "
             "Spearman per theme"]
    for name, methods in out["results"].items():
        for m, r in methods.items():
            rho = " ".join(f"{t}={v:.2f}" for t, v in r["spearman"].items())
            lines.append(f"{name:<11}{m:<7}{r['mae_points']:>8.2f}{r['spearman_min']:>9.2f}"
                         f"{r['interval_coverage']:>10.3f}{r['mean_width_points']:>10.1f}  {rho}")
    lines.append(f"lowest error: {out['lowest_error']}; default: {out['default_method']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 synthetic groups, 300 replicates")
    parser.add_argument("--cache", type=Path, help="out-of-fold predictions (.npz): read if present, else written")
    parser.add_argument("--json", type=Path, help="where to write the JSON results")
    args = parser.parse_args(argv)
    if args.cache and args.cache.is_file():
        pred = Predictions.load(args.cache)
    else:
        pred = out_of_fold_predictions()
        if args.cache:
            pred.save(args.cache)
    out = run(pred, synthetic=100 if args.quick else 400, resamples=300 if args.quick else 1000)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(out), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
