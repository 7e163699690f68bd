"""``policytag batch``: tag a whole archive with the registered model, locally or on Apache Spark."""

from __future__ import annotations

from typing import Annotated

import typer

from policytag.cli.io import emit, fail
from policytag.config import get_settings


def batch(
    input: Annotated[str, typer.Option("--input", help="Folder of report files (.txt/.html/.docx, optional "
                                                        "manifest.csv), or a .jsonl / .parquet table with "
                                                        "doc_id, zone, year, text.")],
    output: Annotated[str, typer.Option("--output", help="Output folder: segments.parquet, documents.parquet, "
                                                         "coverage.parquet.")],
    engine: Annotated[str, typer.Option(help="local (one process) or spark.")] = "local",
    spark_master: Annotated[str | None, typer.Option(help="Spark master URL (default local[*]): local[2], "
                                                             "spark://host:7077, yarn, ...")] = None,
    spark_conf: Annotated[list[str] | None, typer.Option(help="KEY=VALUE Spark setting; repeatable.")] = None,
    partitions: Annotated[int | None, typer.Option(min=1, help="Spark tasks (default 3 per core).")] = None,
    model_version: Annotated[str | None, typer.Option(help="Registry version to tag with "
                                                              "(default: the @champion's).")] = None,
    load: Annotated[bool, typer.Option("--load", help="Also store the tagged reports in the service's "
                                                      "database (reports already stored are skipped).")] = False,
) -> None:
    """Tag every report of an archive; write one row per segment and a per-zone coverage table (Parquet)."""
    from policytag.batch import BatchInputError, BatchOptions, NoModelError, run_batch
    from policytag.batch.spark_session import SparkUnavailable

    if spark_master and engine != "spark":
        fail("--spark-master needs --engine spark")
    conf = {}
    for item in spark_conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(f"--spark-conf must look like KEY=VALUE, not {item!r}")
        conf[key.strip()] = value
    opts = BatchOptions(input=input, output=output, engine=engine, spark_master=spark_master or "local[*]",
                        spark_conf=conf, partitions=partitions, model_version=model_version, load=load)
    try:
        emit(run_batch(opts, get_settings()))
    except (BatchInputError, NoModelError, SparkUnavailable) as exc:
        fail(str(exc))


def register(app: typer.Typer) -> None:
    app.command()(batch)
