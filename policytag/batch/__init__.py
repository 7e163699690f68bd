"""Batch tagging of a whole archive with the registered model, locally or on Apache Spark.

``policytag batch --input PATH --output PATH [--engine local|spark]`` (``policytag/cli/batch.py``);
docs/batch.md describes the tables and the engines. The model comes from ``policytag.registry``
(resolved once on the driver, loaded once per process). Modules, one job each:

* ``inputs``: read and check the input (folder of report files, JSONL, Parquet)
* ``rows``: the one per-document step (``Tagger.tag_document`` → rows) both engines run
* ``schema``: the tables' columns, as Arrow and Spark schemas
* ``local``: the local engine; ``spark_session``, ``spark_engine``, ``worker``: the Spark engine
* ``coverage_table``: the per-zone coverage table; ``output``: the output folder
* ``load``: ``--load`` into the service's database; ``run``: one run, end to end
"""

from policytag.batch.inputs import BatchInputError
from policytag.batch.run import BatchOptions, run_batch
from policytag.registry import NoModelError

__all__ = ["BatchInputError", "BatchOptions", "NoModelError", "run_batch"]
