"""Batch tagging throughput: the local engine against Spark ``local[1]`` and ``local[2]``.

    .venv/bin/python bench/batch.py [--reports N] [--quick] [--json PATH] [--home PATH]

Builds a synthetic archive — the five seed reports repeated with changed zone names
(``样本0001高新区`` ...; each seed's zone name replaced in its text, the zone given in
the row), ``--reports`` rows (default 2,000; ``--quick``: 200) — as JSONL in a temporary
folder, and tags it with the registered champion of ``--home`` (default: the project):

* local engine: one process, the reference work ``W`` (seconds to read, tag and write);
* Spark ``local[1]`` and ``local[2]``, each in a fresh JVM: start-up time; a warm-up run on
  as many reports as cores (starts the Python workers, loads the model in each); a run on
  one report (the fixed cost of a run: its five small Spark jobs); then the archive
  (default partitions: 3 per core). Segments/s is over the archive run's wall time.
  Per-task overhead, two ways: ``(cores × wall − W) / tasks`` (all time not spent on
  the local engine's work, spread over the tasks), and from a partition sweep on the
  first 200 reports in ``local[2]`` (2 tasks vs 40): ``cores × Δwall / Δtasks``.

Prints a table and writes JSON (default ``bench/batch-results.json``, or
``bench/batch-results-quick.json`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``policytag`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import OtherLoad, describe  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SWEEP_REPORTS, SWEEP_TASKS = 200, (2, 40)
SPARK_CONF = {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.driver.memory": "1g"}


def build_archive(n: int, folder: Path, seeds_dir: Path = ROOT / "seeds") -> Path:
    """``n`` JSONL rows: the seeds in turn, each copy with its zone renamed (zone k holds one copy of each)."""
    from policytag.seeds import read_manifest
    from policytag.text import decode_report

    seeds = []
    for e in read_manifest(seeds_dir):
        text = decode_report((seeds_dir / e.file).read_bytes())[0]
        full = e.zone.removesuffix("高新区") + "高新技术产业开发区"
        seeds.append((e, text, full))
    path = folder / f"archive-{n}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            e, text, full = seeds[i % len(seeds)]
            zone = f"样本{i // len(seeds):04d}高新区"
            new_full = zone.removesuffix("高新区") + "高新技术产业开发区"
            renamed = text.replace(full, new_full).replace(e.zone, zone)
            f.write(json.dumps({"doc_id": f"{i:05d}_{e.doc_id}", "zone": zone, "year": e.years[0],
                                "text": renamed}, ensure_ascii=False) + "\n")
    return path


def head(path: Path, n: int, folder: Path) -> Path:
    out = folder / f"{path.stem}-head{n}.jsonl"
    with path.open(encoding="utf-8") as f:
        out.write_text("".join(line for _, line in zip(range(n), f)), encoding="utf-8")
    return out


def batch(settings, source: Path, out: Path, engine: str = "local", partitions: int | None = None) -> dict:
    from policytag.batch import BatchOptions, run_batch

    t0 = time.perf_counter()
    summary = run_batch(BatchOptions(input=str(source), output=str(out), engine=engine, partitions=partitions),
                        settings)
    summary["wall_s"] = round(time.perf_counter() - t0, 2)
    return summary


def spark_config(master: str, cores: int, settings, archive: Path, tmp: Path, work_s: float,
                 sweep: Path | None) -> dict:
    """One fresh Spark JVM on ``master``: start-up, warm-up, one-report run, archive run (and the sweep)."""
    from policytag.batch.spark_session import get_session, shutdown

    t0 = time.perf_counter()
    spark, _ = get_session(master, SPARK_CONF)
    startup = time.perf_counter() - t0
    try:
        warm = batch(settings, head(archive, cores, tmp), tmp / "warm", "spark", partitions=cores)
        one = batch(settings, head(archive, 1, tmp), tmp / "one", "spark", partitions=1)
        full = batch(settings, archive, tmp / f"out-{cores}", "spark")
        tasks = full["spark"]["tasks"]
        result = {"master": master, "cores": cores, "startup_s": round(startup, 2), "warm_up_s": warm["wall_s"],
                  "one_report_run_s": one["wall_s"], "wall_s": full["wall_s"], "tasks": tasks,
                  "segments": full["segments"], "segments_per_s": round(full["segments"] / full["wall_s"], 1),
                  "per_task_overhead_s": round((cores * full["wall_s"] - work_s) / tasks, 3)}
        if sweep is not None:
            runs = {k: batch(settings, sweep, tmp / f"sweep-{k}", "spark", partitions=k)["wall_s"]
                    for k in SWEEP_TASKS}
            lo, hi = SWEEP_TASKS
            result["sweep"] = {"reports": SWEEP_REPORTS, "wall_s_by_tasks": runs,
                               "per_task_overhead_s": round(cores * (runs[hi] - runs[lo]) / (hi - lo), 3)}
        return result
    finally:
        shutdown(spark)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=None, help="archive size (default 2000; --quick: 200)")
    parser.add_argument("--quick", action="store_true", help="200 reports")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--home", type=Path, default=ROOT, help="project home whose MLflow store holds @champion")
    args = parser.parse_args(argv)
    n = args.reports or (200 if args.quick else 2000)
    json_path = args.json or ROOT / "bench" / ("batch-results-quick.json" if args.quick else "batch-results.json")

    from policytag.config import Settings
    from policytag.registry import load, resolve

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = Settings(home=args.home)
    load(resolve(settings.home))  # the driver's copy, loaded before any timing
    with tempfile.TemporaryDirectory(prefix="policytag-batch-bench-") as name, OtherLoad() as load:
        tmp = Path(name)
        archive = build_archive(n, tmp)
        sweep = head(archive, SWEEP_REPORTS, tmp) if n >= SWEEP_REPORTS else None
        local = batch(settings, archive, tmp / "out-local")
        work = local["engine_s"]
        results = {"local": {"wall_s": local["wall_s"], "engine_s": work, "segments": local["segments"],
                             "segments_per_s": round(local["segments"] / work, 1)},
                   "spark": [spark_config("local[1]", 1, settings, archive, tmp, work, None),
                             spark_config("local[2]", 2, settings, archive, tmp, work, sweep)]}
    out = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "reports": n,
           "segments": local["segments"], "model": local["model"],
           "command": " ".join(["bench/batch.py", *(sys.argv[1:] if argv is None else argv)]),
           **results, "machine": describe(), "other_load": load.summary()}
    json_path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(out)
    print(f"JSON: {json_path}")
    return out


def print_table(out: dict) -> None:
    print(f"{out['reports']} reports, {out['segments']} segments, model v{out['model']['version']}")
    print(f"{'engine':<12}{'wall s':>9}{'seg/s':>9}{'start s':>9}{'warm-up s':>11}{'1-report s':>12}"
          f"{'tasks':>7}{'s/task':>8}")
    loc = out["local"]
    print(f"{'local':<12}{loc['engine_s']:>9}{loc['segments_per_s']:>9}")
    for s in out["spark"]:
        print(f"{s['master']:<12}{s['wall_s']:>9}{s['segments_per_s']:>9}{s['startup_s']:>9}{s['warm_up_s']:>11}"
              f"{s['one_report_run_s']:>12}{s['tasks']:>7}{s['per_task_overhead_s']:>8}")
        if "sweep" in s:
            print(f"  sweep {s['sweep']['reports']} reports: wall by tasks {s['sweep']['wall_s_by_tasks']}, "
                  f"per-task overhead {s['sweep']['per_task_overhead_s']} s")
    print(f"other load: {out['other_load']}")


if __name__ == "__main__":
    main()
