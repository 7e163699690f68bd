"""One batch run: resolve the model, read and check the input, tag with an engine, write the tables,
build the coverage table (corrected with the model's error rates), optionally load the reports into the
service's database; a JSON summary."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from policytag import coverage
from policytag.batch import output, schema
from policytag.batch.coverage_table import coverage_rows, local_groups, segment_columns, with_doc_type
from policytag.batch.inputs import BatchInputError, open_source, validate
from policytag.registry import NoModelError, load, redacted, resolve

ENGINES = ("local", "spark")
MAX_ERRORS_SHOWN = 20


@dataclass
class BatchOptions:
    input: str
    output: str
    engine: str = "local"
    spark_master: str = "local[*]"
    spark_conf: dict[str, str] = field(default_factory=dict)
    partitions: int | None = None
    model_version: str | None = None
    load: bool = False


def is_uri(path: str) -> bool:
    """``hdfs://…``, ``s3a://…``, ``file:/…``: a location only Spark reads or writes."""
    return "://" in path or path.startswith("file:")


def run_batch(opts: BatchOptions, settings) -> dict:
    """Run one batch; raises BatchInputError, NoModelError or SparkUnavailable for the CLI to report."""
    if opts.engine not in ENGINES:
        raise BatchInputError(f"--engine must be one of {', '.join(ENGINES)}, not {opts.engine!r}")
    started = time.perf_counter()
    if opts.engine == "spark":
        from policytag.batch.spark_session import require_spark

        require_spark()  # before reading anything: say at once that pyspark or Java is missing
    remote_in, remote_out = is_uri(opts.input), is_uri(opts.output)
    if opts.engine == "local" and (remote_in or remote_out):
        raise BatchInputError("the local engine reads and writes local paths; use --engine spark for URIs")
    if opts.load and (remote_in or remote_out):
        raise BatchInputError("--load reads the input and the output on this machine: give local paths")
    if remote_in and not opts.input.rstrip("/").lower().endswith(".parquet"):
        raise BatchInputError(f"{opts.input}: only a Parquet table (*.parquet) can be read from a URI")
    if opts.input.rstrip("/") == opts.output.rstrip("/") or (
            not (remote_in or remote_out) and Path(opts.input).resolve() == Path(opts.output).resolve()):
        raise BatchInputError("--output must not be the input")
    source = None if remote_in else open_source(Path(opts.input))
    spark_reads = opts.engine == "spark" and (source is None or source.kind == "parquet")
    if not spark_reads:  # Spark checks a Parquet input itself, where it reads it
        assert source is not None  # a URI input is read by Spark
        validate(source)
    ref = resolve(settings.home, opts.model_version)
    try:
        tagger = load(ref)
        themes = list(tagger.themes)
    except Exception as exc:  # noqa: BLE001 - a registered version whose artifacts cannot be loaded
        raise NoModelError(f"cannot load {ref.uri} from {redacted(ref.tracking_uri)}: {exc}") from None
    try:
        schema.check_themes(themes)
    except ValueError as exc:
        raise NoModelError(f"{ref.uri}: {exc}") from None
    out = opts.output if remote_out else str(output.prepare(Path(opts.output)).resolve())
    rates, cov_options = coverage.ErrorRates.of_tagger(tagger), coverage.options(settings)

    summary: dict = {"engine": opts.engine, "input": opts.input}
    engine_started = time.perf_counter()
    if opts.engine == "local":
        from policytag.batch.local import run_local

        assert source is not None  # the local engine reads local paths only (checked above)
        documents = run_local(source, Path(out), ref)
        segments = output.read_table(Path(out) / output.SEGMENTS, segment_columns(themes)).to_pandas()
        segments = with_doc_type(segments, {doc["doc_id"]: doc["doc_type"] for doc in documents})
        grouped = local_groups(segments, themes, rates, cov_options)
        output.write_rows(Path(out) / output.COVERAGE, coverage_rows(documents, grouped, themes),
                          schema.coverage_columns(themes))
    else:
        uri = opts.input if remote_in else Path(opts.input).resolve().as_uri()
        documents, spark_info = _run_spark(opts, None if spark_reads else source, uri, out, ref, themes,
                                           (rates, cov_options))
        summary["spark"] = spark_info
    summary.update(_counts(documents, time.perf_counter() - started, time.perf_counter() - engine_started))
    summary.update(model={"name": ref.name, "version": ref.version, "uri": ref.uri,
                          "tracking_uri": redacted(ref.tracking_uri)},
                   themes=themes, output={name.removesuffix(".parquet"): f"{out}/{name}"
                                          for name in (output.SEGMENTS, output.DOCUMENTS, output.COVERAGE)})
    if opts.load:
        from policytag.batch.load import load_into_service

        assert source is not None  # --load reads local paths only (checked above)
        summary["load"] = load_into_service(source, Path(out), settings.db_url)
    return summary


def _run_spark(opts: BatchOptions, source, input_uri: str, out: str, ref, themes: list[str],
               cov: tuple) -> tuple[list[dict], dict]:
    """Tag on Spark: ``source`` read on the driver, or (None) the Parquet table at ``input_uri`` read by Spark;
    ``cov``: the model's error rates and the coverage options."""
    from policytag.batch.spark_session import get_session

    t0 = time.perf_counter()
    spark, started = get_session(opts.spark_master, opts.spark_conf)
    startup = time.perf_counter() - t0
    try:
        from policytag.batch.spark_engine import coverage_groups, input_frame, run_spark, write_coverage

        t1 = time.perf_counter()
        target = out if is_uri(out) else Path(out).as_uri()  # a local path means this file system
        frame, n_reports = input_frame(spark, source, input_uri)
        documents, tasks = run_spark(spark, frame, n_reports, target, ref, themes, opts.partitions)
        grouped = coverage_groups(spark, target, themes, *cov)
        write_coverage(spark, coverage_rows(documents, grouped, themes), target, themes)
        info = {"master": spark.sparkContext.master, "default_parallelism": spark.sparkContext.defaultParallelism,
                "tasks": tasks, "startup_s": round(startup, 2), "job_s": round(time.perf_counter() - t1, 2),
                "session": "started" if started else "reused"}
    finally:
        if started:
            spark.stop()
    return documents, info


def _counts(documents: list[dict], seconds: float, engine_seconds: float) -> dict:
    """Counts and times: ``seconds`` all in, ``engine_s`` reading, tagging and writing (for Spark including
    its start-up), ``segments_per_s`` over ``engine_s``."""
    errors = [{"doc_id": d["doc_id"], "error": d["error"]} for d in documents if d["error"]]
    segments = sum(int(d["segments"]) for d in documents)
    return {"reports": len(documents), "tagged": len(documents) - len(errors), "segments": segments,
            "zones": len({d["zone"] for d in documents if d["zone"] and not d["error"]}),
            "errors": len(errors), "error_examples": errors[:MAX_ERRORS_SHOWN],
            "seconds": round(seconds, 2), "engine_s": round(engine_seconds, 2),
            "segments_per_s": round(segments / engine_seconds, 1) if engine_seconds else None}
