"""``policytag bench``: the benchmark in ``bench/run.py`` (speed, memory, accuracy, each against its limit)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policytag.cli.io import fail
from policytag.config import PROJECT_ROOT


def bench(
    quick: Annotated[bool, typer.Option(help="TF-IDF only, fewer passes and requests (under a minute).")] = False,
    output: Annotated[Path | None, typer.Option(help="JSON results file (default bench/results.json, "
                                                        "or bench/results-quick.json with --quick).")] = None,
    coverage: Annotated[bool, typer.Option(help="Instead: the coverage methods' error and interval coverage "
                                                "on held-out documents (bench/coverage.py).")] = False,
    finetuned: Annotated[bool, typer.Option(help="Instead: the fine-tuned model's training budget, int8 against "
                                                 "fp32 throughput, and (with --home) API latency "
                                                 "(bench/finetuned.py).")] = False,
    home: Annotated[Path | None, typer.Option(help="With --finetuned: the project home whose champion "
                                                   "serves the API measurement.")] = None,
) -> None:
    """Measure throughput, API latency, cold start, memory, training time and CV macro-F1; print a table."""
    if not (PROJECT_ROOT / "bench" / "run.py").is_file():
        fail(f"the benchmark needs a source checkout: {PROJECT_ROOT / 'bench' / 'run.py'} not found")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    if coverage:
        from bench.coverage import main as coverage_main

        coverage_main(["--quick"] * quick + (["--json", str(output)] if output else []))
        return
    if finetuned:
        from bench.finetuned import main as finetuned_main

        finetuned_main((["--home", str(home)] if home else []) + (["--json", str(output)] if output else []))
        return
    from bench.run import main

    main(["--quick"] * quick + (["--json", str(output)] if output else []))


def register(app: typer.Typer) -> None:
    app.command()(bench)
