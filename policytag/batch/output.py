"""The output folder: ``segments.parquet``, ``documents.parquet`` and ``coverage.parquet``.

The local engine writes each as one Parquet file, through a temporary name that replaces the
old table only once complete. The Spark engine writes each as a folder of part files
(``segments.parquet/part-*.parquet``); pyarrow, pandas, DuckDB and Spark read either form
with the same call (``pd.read_parquet(OUTPUT / "segments.parquet")``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from policytag.batch.inputs import BatchInputError
from policytag.batch.schema import Columns, arrow_schema

SEGMENTS, DOCUMENTS, COVERAGE = "segments.parquet", "documents.parquet", "coverage.parquet"
ROWS_PER_GROUP = 20_000


def prepare(output: Path) -> Path:
    if output.exists() and not output.is_dir():
        raise BatchInputError(f"{output}: the output must be a folder (it is a file)")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchInputError(f"{output}: cannot create the output folder ({exc.strerror})") from None
    return output


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class TableWriter:
    """Stream rows into one Parquet file; ``close()`` puts it in place of any earlier table."""

    def __init__(self, path: Path, columns: Columns):
        import pyarrow.parquet as pq

        self.path, self.schema = path, arrow_schema(columns)
        self.tmp = path.with_name(f".{path.name}.tmp")
        _remove(self.tmp)
        self._writer = pq.ParquetWriter(self.tmp, self.schema)
        self._rows: list[dict] = []
        self.written = 0

    def add(self, rows: list[dict]) -> None:
        self._rows.extend(rows)
        if len(self._rows) >= ROWS_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self.written += len(self._rows)
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
        _remove(self.path)
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self._writer.close()
        _remove(self.tmp)


def write_rows(path: Path, rows: list[dict], columns: Columns) -> None:
    writer = TableWriter(path, columns)
    writer.add(rows)
    writer.close()


def read_table(path: Path, columns: list[str] | None = None):
    """A table written by either engine (one file or a folder of part files), as a pyarrow Table."""
    import pyarrow.dataset as ds

    return ds.dataset(path, format="parquet").to_table(columns=columns)
