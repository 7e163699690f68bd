"""The Spark engine: reports → ``mapInPandas(worker.tag_partition)`` → Parquet tables written by Spark.

A folder or JSONL input is read on the driver (the same reader as the local engine) and handed to
Spark; a Parquet input is read by Spark itself, so it may live on HDFS or S3 and be larger than the
driver's memory. Reports are spread round-robin over ``partitions`` tasks. The tagged rows are
persisted once and written as ``segments.parquet`` and ``documents.parquet`` (folders of part
files); each group's coverage (zone, zone × year, × document type, × part, document type, part) is
computed on the executors from the written segment table (``applyInPandas``, the local engine's
function), and the small table is written as ``coverage.parquet`` (one part file).
"""

from __future__ import annotations

from functools import partial

from policytag.batch import output, schema
from policytag.batch.inputs import MAX_DOC_ID, YEARS, BatchInputError, Source, check_columns, read_frame
from policytag.batch.worker import tag_partition
from policytag.registry import ModelRef

TASKS_PER_CORE = 3  # default partitions per core: evens out reports of unequal length


def input_frame(spark, source: Source | None, uri: str | None = None):
    """``(DataFrame with the columns of schema.INPUT, number of reports)``: from a local source read on
    the driver, or from a Parquet table at ``uri`` read by Spark."""
    if source is not None:
        frame = read_frame(source)
        return spark.createDataFrame(frame, schema=schema.spark_ddl(schema.INPUT)), len(frame)
    return _parquet_frame(spark, uri)


def _parquet_frame(spark, uri: str | None):
    from pyspark.sql import functions as F

    try:
        data = spark.read.parquet(uri)
    except Exception as exc:  # noqa: BLE001 - AnalysisException and friends: not readable as Parquet
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BatchInputError(f"{uri}: cannot read as Parquet: {first}") from None
    kinds = {f.name: _spark_kind(f.dataType) for f in data.schema.fields}
    check_columns(uri, kinds)  # type: ignore[arg-type]  # a URI names the table in messages
    if kinds.get("year") in ("integer", "float"):  # whole four-digit numbers (pandas writes floats)
        year = F.col("year")
        if kinds["year"] == "float":
            data = data.withColumn("year", F.when(F.isnan(year), None).otherwise(year))
        bad = year.isNotNull() & ((year != F.floor(year)) | (year < YEARS[0]) | (year > YEARS[1]))
        if data.where(bad).limit(1).count():
            raise BatchInputError(f"{uri}: column year holds values that are not four-digit years")
    cols = [F.col("doc_id").cast("string").alias("doc_id"),
            *[(F.col(c) if c in data.columns else F.lit(None)).cast(kind).alias(c)
              for c, kind in (("zone", "string"), ("year", "int"))],
            F.coalesce(F.col("text"), F.lit("")).alias("text"),
            F.lit(None).cast("string").alias("source"), F.lit(None).cast("string").alias("error")]
    frame = data.select(*cols).select(*schema.names(schema.INPUT))
    stats = frame.agg(F.count(F.lit(1)).alias("n"), F.count("doc_id").alias("ids"),
                      F.countDistinct("doc_id").alias("distinct"), F.max(F.length("doc_id")).alias("longest"),
                      F.sum((F.col("doc_id") == "").cast("int")).alias("blank")).first()
    if stats["n"] == 0:
        raise BatchInputError(f"{uri}: no reports in the input")
    if stats["ids"] < stats["n"] or stats["blank"]:
        raise BatchInputError(f"{uri}: doc_id is empty or null in some rows; every report needs an id")
    if stats["longest"] > MAX_DOC_ID:
        raise BatchInputError(f"{uri}: doc_id longer than {MAX_DOC_ID} characters")
    if stats["distinct"] < stats["n"]:
        dup = [r["doc_id"] for r in frame.groupBy("doc_id").count().where("count > 1").limit(5).collect()]
        raise BatchInputError(f"{uri}: duplicate doc_id {sorted(dup)}; ids must be unique")
    return frame, stats["n"]


def _spark_kind(t) -> str:
    from pyspark.sql import types as T

    if isinstance(t, T.StringType):
        return "string"
    if isinstance(t, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return "integer"
    if isinstance(t, (T.FloatType, T.DoubleType)):
        return "float"
    return "null" if isinstance(t, T.NullType) else t.simpleString()


def run_spark(spark, frame, n_reports: int, out: str, ref: ModelRef, themes: list[str],
              partitions: int | None = None) -> tuple[list[dict], int]:
    """Tag ``frame`` and write the segment and document tables under ``out`` (a path or URI Spark
    writes to); the document rows' zone, year, counts and error, and the number of tasks."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    parts = partitions or max(1, min(n_reports, spark.sparkContext.defaultParallelism * TASKS_PER_CORE))
    tagged = (frame.repartition(parts)
              .mapInPandas(partial(tag_partition, ref=ref, themes=themes),
                           schema=schema.spark_ddl(schema.tagged_columns(themes)))
              .persist(StorageLevel.MEMORY_AND_DISK))
    keep = ["doc_id", "zone", "year", "doc_type", "error", *schema.names(schema.count_columns(themes))]
    try:
        segments = tagged.where(F.col("kind") == "segment").select(*schema.names(schema.segment_columns(themes)))
        segments.write.mode("overwrite").parquet(f"{out}/{output.SEGMENTS}")
        documents = tagged.where(F.col("kind") == "document").select(*schema.names(schema.document_columns(themes)))
        documents.write.mode("overwrite").parquet(f"{out}/{output.DOCUMENTS}")
        summary = [row.asDict() for row in documents.select(*keep).collect()]
    finally:
        tagged.unpersist()
    return summary, parts


def coverage_groups(spark, out: str, themes: list[str], rates, options: dict) -> dict[tuple, dict]:
    """``key_of`` → coverage row, each group's row computed on an executor from the written segment table
    joined with its reports' document types (``applyInPandas`` with the local engine's function, one job
    over every level: each level's copy of the segments has the keys it does not group by set to null);
    only the rows are collected."""
    from pyspark.sql import functions as F

    from policytag.batch.coverage_table import KEYS, LEVELS, group_frame, key_of, segment_columns

    segments = (spark.read.parquet(f"{out}/{output.SEGMENTS}").select(*segment_columns(themes))
                .join(spark.read.parquet(f"{out}/{output.DOCUMENTS}").select("doc_id", "doc_type"), "doc_id", "left"))
    types = dict(schema.coverage_columns(themes))
    rest = [c for c in segments.columns if c not in KEYS]
    levels = None
    for level, keys in LEVELS.items():
        copy = segments.select(F.lit(level).alias("level"), *[F.col(k) if k in keys else F.lit(None).cast(types[k])
                                                              .alias(k) for k in KEYS], *rest)
        levels = copy if levels is None else levels.unionByName(copy)
    assert levels is not None
    frame = levels.groupBy("level", *KEYS).applyInPandas(_per_group(group_frame, themes, rates, options),
                                                         schema=schema.spark_ddl(schema.coverage_columns(themes)))
    return {key_of(found): found for found in (row.asDict() for row in frame.collect())}


def _per_group(fn, *args):
    """``pdf -> fn(pdf, *args)`` as a one-argument function (Spark reads a second argument as the group key,
    and warns on a ``partial``, whose type hints it cannot inspect)."""
    def one_group(pdf):
        return fn(pdf, *args)
    return one_group


def write_coverage(spark, rows: list[dict], out: str, themes: list[str]) -> None:
    columns = schema.coverage_columns(themes)
    frame = spark.createDataFrame([tuple(r[c] for c in schema.names(columns)) for r in rows],
                                  schema=schema.spark_ddl(columns))
    frame.coalesce(1).write.mode("overwrite").parquet(f"{out}/{output.COVERAGE}")
