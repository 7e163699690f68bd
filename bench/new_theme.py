"""Few-shot new theme: how well does each model type learn `health` from 10 examples?

Fits tfidf and encoder on the project's labels plus tests/data/new_theme/health_train.jsonl
(10 examples), then scores the 30 held-out records of health_test.jsonl (10 health,
20 not, 4 of them hard negatives). Prints JSON: average precision (threshold-free),
and precision/recall/F1 at the default 0.5 cut (a new theme has no held-out
report to choose its threshold on). Usage: .venv/bin/python bench/new_theme.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_fscore_support

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policytag.labels.files import read_jsonl  # noqa: E402
from policytag.text import model_input  # noqa: E402
from policytag.themes import theme_ids  # noqa: E402
from training.data import label_matrix, load_examples  # noqa: E402
from training.train import TrainConfig, make_classifier  # noqa: E402

DATA = ROOT / "tests" / "data" / "new_theme"


def main() -> None:
    themes = theme_ids(ROOT / "labels") + ["health"]
    base = load_examples(ROOT / "labels")
    extra = read_jsonl(DATA / "health_train.jsonl")
    test = read_jsonl(DATA / "health_test.jsonl")
    y_test = np.array(["health" in r["labels"] for r in test])
    out = {"train_examples": len(base) + len(extra), "health_train": len(extra), "test": len(test),
           "test_health": int(y_test.sum()), "models": {}}
    for model_type in ("tfidf", "encoder"):
        config = TrainConfig(model_type=model_type)
        texts = [model_input(e.text, list(e.heading), with_heading=config.with_heading) for e in base]
        texts += [model_input(r["text"], [], with_heading=config.with_heading) for r in extra]
        Y = np.vstack([label_matrix(base, themes), [[t in r["labels"] for t in themes] for r in extra]])
        clf = make_classifier(config).fit(texts, Y)
        p = clf.predict_proba([model_input(r["text"], [], with_heading=config.with_heading) for r in test])
        health = p[:, themes.index("health")]
        prec, rec, f1, _ = precision_recall_fscore_support(y_test, health >= 0.5, average="binary", zero_division=0)
        out["models"][model_type] = {
            "average_precision": round(float(average_precision_score(y_test, health)), 3),
            "precision_at_0.5": round(float(prec), 3), "recall_at_0.5": round(float(rec), 3),
            "f1_at_0.5": round(float(f1), 3),
            "mean_score_health": round(float(health[y_test].mean()), 3),
            "mean_score_other": round(float(health[~y_test].mean()), 3)}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
