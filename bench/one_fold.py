"""One grouped fold, model against model: a quick look before the full cross-validation (issue 17).

    .venv/bin/python bench/one_fold.py [--fold 5] [--models tfidf,finetuned]

Trains each model on the other folds' documents (the fine-tuned one stops early on 15 % of them) and scores
the fold's held-out documents: average precision per theme (threshold-free), macro-F1 at 0.5 and macro-F1 at
the best thresholds on these documents (an upper bound, not an estimate). The comparison the README reports
is the full grouped cross-validation of ``policytag train --model all``; this takes a fifth of its time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import average_precision_score  # noqa: E402

from policytag.model import model_types  # noqa: E402
from policytag.text import model_input  # noqa: E402
from policytag.themes import theme_ids  # noqa: E402
from training.data import document_folds, label_matrix, load_examples  # noqa: E402
from training.evaluate import choose_thresholds, metrics  # noqa: E402

LABELS = Path(__file__).resolve().parents[1] / "labels"


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", type=int, default=5, help="which of the 5 grouped folds is held out")
    parser.add_argument("--models", default="tfidf,finetuned,finetuned_tfidf",
                        help="comma-separated model types; an ensemble after its members reuses their predictions")
    args = parser.parse_args(argv)
    examples, themes = load_examples(LABELS), theme_ids(LABELS)
    Y = label_matrix(examples, themes)
    _, train, test = document_folds(examples)[args.fold - 1]
    groups = np.array([e.doc for e in examples], dtype=object)
    rows, predicted = [], {}

    def predict(name: str, heading: bool):
        """A fresh model of ``name`` trained on the other folds; its predictions for the held-out documents."""
        if (name, heading) not in predicted:
            members = model_types.MODEL_TYPES[name].members
            if members:  # an ensemble: the mean of its members' predictions, with the ensemble's inputs
                predicted[name, heading] = (np.mean([predict(m, heading)[0] for m in members], axis=0), None)
            else:
                inputs = [model_input(e.text, list(e.heading), with_heading=heading) for e in examples]
                model = model_types.make_classifier(name).fit([inputs[i] for i in train], Y[train],
                                                              groups=groups[train])
                predicted[name, heading] = (model.predict_proba([inputs[i] for i in test]), model)
        return predicted[name, heading]

    for name in args.models.split(","):
        start = time.perf_counter()
        P, model = predict(name, model_types.MODEL_TYPES[name].with_heading)
        ap = [float(average_precision_score(Y[test][:, k], P[:, k])) for k in range(len(themes))]
        row = {"model": name, "fold": args.fold, "test_segments": len(test),
               "fit_s": round(time.perf_counter() - start),
               "mean_average_precision": round(float(np.mean(ap)), 4),
               "average_precision": {t: round(a, 3) for t, a in zip(themes, ap)},
               "macro_f1_at_0.5": round(metrics(Y[test], P, np.full(len(themes), 0.5), themes)["macro_f1"], 4),
               "macro_f1_best_thresholds": round(
                   metrics(Y[test], P, choose_thresholds(Y[test], P), themes)["macro_f1"], 4),
               **({"validation_loss": model.validation_loss_, "best_epoch": model.best_epoch_}
                  if model is not None and hasattr(model, "best_epoch_") else {})}
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    return rows


if __name__ == "__main__":
    main()
