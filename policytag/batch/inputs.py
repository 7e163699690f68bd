"""Read a batch's input: a folder of report files, or a JSONL or Parquet table of reports.

* folder: every ``.txt``, ``.html``/``.htm`` and ``.docx`` file directly inside it, decoded as
  the service decodes uploads (``policytag.text.uploads.read_upload``); ``doc_id`` is the file's stem.
  A ``manifest.csv`` beside them (as in ``seeds/``: ``file``, ``zone``, ``year`` or
  ``years_covered``) gives zone and year for the files it lists; the rest are detected.
* ``.jsonl``: one object per line with ``doc_id`` and ``text``; ``zone`` and ``year`` may be null
  or absent (then detected).
* ``.parquet`` (a file, or a folder of part files): columns ``doc_id`` and ``text``; ``zone``
  (string) and ``year`` (integer) may be null or absent.

Structural faults (missing path or column, duplicate or empty ``doc_id``, a bad line) raise
:class:`BatchInputError` before anything is tagged. A single report that cannot be read or holds
no text is not a structural fault: it becomes a document row with an ``error``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from policytag.text.uploads import SUPPORTED as REPORT_SUFFIXES

MANIFEST = "manifest.csv"
MAX_DOC_ID = 64  # the service's limit on a report id (policytag.store.tables.Report.id)
YEARS = (1000, 9999)  # a year is a four-digit number
REQUIRED = ("doc_id", "text")
OPTIONAL = ("zone", "year")


class BatchInputError(ValueError):
    """The input cannot be read as a batch (the CLI exits 2 with this message)."""


@dataclass(frozen=True)
class InputDoc:
    doc_id: str
    text: str
    zone: str | None = None
    year: int | None = None
    source: str | None = None  # the file name, for folder input
    error: str | None = None  # why the report could not be read


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # folder | jsonl | parquet


def open_source(path: Path) -> Source:
    """Tell the input's kind from the path, or raise :class:`BatchInputError`."""
    if not path.exists():
        raise BatchInputError(f"no such input: {path}")
    if path.suffix.lower() == ".parquet":
        return Source(path, "parquet")
    if path.is_dir():
        return Source(path, "folder")
    if path.suffix.lower() == ".jsonl":
        return Source(path, "jsonl")
    raise BatchInputError(f"{path}: the input must be a folder of report files, a .jsonl or a .parquet table")


def validate(source: Source) -> int:
    """Check the whole input's structure without tagging; the number of reports."""
    ids = _ids_of(source)
    if not ids:
        raise BatchInputError(f"{source.path}: no reports in the input")
    check_ids(source.path, ids)
    return len(ids)


def iter_documents(source: Source) -> Iterator[InputDoc]:
    """The reports in input order (validate first: this reads without re-checking ids)."""
    if source.kind == "folder":
        yield from _folder_documents(source.path)
    elif source.kind == "jsonl":
        for _, row in _jsonl_rows(source.path):
            yield row
    else:
        yield from _parquet_documents(source.path)


def read_frame(source: Source):
    """All reports as a pandas frame with the columns of ``schema.INPUT`` (what Spark is given)."""
    import pandas as pd

    from policytag.batch.schema import INPUT, names

    cols = names(INPUT)
    rows = [asdict(doc) for doc in iter_documents(source)]
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in cols})


def check_ids(path: Path, ids: list) -> None:
    if any(i is None or i == "" for i in ids):
        raise BatchInputError(f"{path}: doc_id is empty or null in some rows; every report needs an id")
    long = [i for i in ids if len(i) > MAX_DOC_ID]
    if long:
        raise BatchInputError(f"{path}: doc_id longer than {MAX_DOC_ID} characters: {long[0]!r}")
    seen, dup = set(), []
    for i in ids:
        if i in seen:
            dup.append(i)
        seen.add(i)
    if dup:
        raise BatchInputError(f"{path}: duplicate doc_id {sorted(set(dup))[:5]}; ids must be unique")


def check_columns(path: Path, types: dict[str, str]) -> None:
    """``types``: column → ``string`` | ``integer`` | ``float`` | ``null`` | other; raise on a missing or
    mistyped column (a float year column is accepted: pandas writes integers with nulls as floats)."""
    missing = [c for c in REQUIRED if c not in types]
    if missing:
        raise BatchInputError(f"{path}: missing column{'s' * (len(missing) > 1)} {', '.join(missing)} "
                              f"(needs doc_id, text; zone, year optional)")
    expected = {"doc_id": ("string", "integer"), "text": ("string", "null"), "zone": ("string", "null"),
                "year": ("integer", "float", "null")}
    for col, allowed in expected.items():
        if col in types and types[col] not in allowed:
            raise BatchInputError(f"{path}: column {col} must be {' or '.join(allowed)}, not {types[col]}")


# --- folder ----------------------------------------------------------------------------------

def _report_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)


def _manifest(folder: Path) -> dict[str, tuple[str | None, int | None]]:
    """file name → (zone, year) from ``manifest.csv``, when there is one."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if "file" not in (reader.fieldnames or []):
            raise BatchInputError(f"{path}: a manifest needs a 'file' column")
        out = {}
        for n, row in enumerate(reader, 2):
            year = (row.get("year") or row.get("years_covered") or "").split(";")[0].strip()
            if year and not year.isdigit():
                raise BatchInputError(f"{path}:{n}: year {year!r} is not a year")
            out[row["file"]] = ((row.get("zone") or "").strip() or None, int(year) if year else None)
    missing = [f for f in out if not (folder / f).is_file()]
    if missing:
        raise BatchInputError(f"{path}: lists files that are not in the folder: {missing[:5]}")
    return out


def _folder_documents(folder: Path) -> Iterator[InputDoc]:
    from policytag.text import ReportDecodeError
    from policytag.text.uploads import UnsupportedUpload, read_upload

    manifest = _manifest(folder)
    for path in _report_files(folder):
        zone, year = manifest.get(path.name, (None, None))
        try:
            text, error = read_upload(path.read_bytes(), path.name), None
        except (UnsupportedUpload, ReportDecodeError, ValueError) as exc:
            text, error = "", str(exc)
        except OSError as exc:
            text, error = "", f"cannot read the file: {exc.strerror}"
        yield InputDoc(path.stem, text, zone, year, path.name, error)


# --- JSONL -----------------------------------------------------------------------------------

def _jsonl_rows(path: Path) -> Iterator[tuple[int, InputDoc]]:
    n = 0
    try:
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    yield n, _jsonl_doc(path, n, line)
    except UnicodeDecodeError:
        raise BatchInputError(f"{path}:{n + 1}: not UTF-8 text; JSONL input must be UTF-8") from None


def _jsonl_doc(path: Path, n: int, line: str) -> InputDoc:
    where = f"{path}:{n}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BatchInputError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise BatchInputError(f"{where}: each line must be a JSON object")
    missing = [c for c in REQUIRED if c not in row]
    if missing:
        raise BatchInputError(f"{where}: missing column{'s' * (len(missing) > 1)} {', '.join(missing)} "
                              f"(needs doc_id, text; zone, year optional)")
    doc_id, text, zone, year = row["doc_id"], row["text"], row.get("zone"), row.get("year")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise BatchInputError(f"{where}: doc_id must be a string or an integer")
    if text is not None and not isinstance(text, str):
        raise BatchInputError(f"{where}: text must be a string")
    if zone is not None and not isinstance(zone, str):
        raise BatchInputError(f"{where}: zone must be a string or null")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise BatchInputError(f"{where}: year must be an integer or null")
    return InputDoc(str(doc_id), text or "", zone or None, _year(where, year))


# --- Parquet ---------------------------------------------------------------------------------

def _dataset(path: Path):
    import pyarrow.dataset as ds

    try:
        data = ds.dataset(path, format="parquet")
    except Exception as exc:  # noqa: BLE001 - any pyarrow failure is an unreadable input
        raise BatchInputError(f"{path}: cannot read as Parquet: {exc}") from None
    check_columns(path, {f.name: _arrow_kind(f.type) for f in data.schema})
    return data


def _arrow_kind(t) -> str:
    import pyarrow.types as pt

    if pt.is_string(t) or pt.is_large_string(t) or pt.is_string_view(t):
        return "string"
    if pt.is_integer(t):
        return "integer"
    if pt.is_floating(t):
        return "float"
    return "null" if pt.is_null(t) else str(t)


def _parquet_documents(path: Path) -> Iterator[InputDoc]:
    data = _dataset(path)
    cols = [c for c in (*REQUIRED, *OPTIONAL) if c in data.schema.names]
    for batch in data.to_batches(columns=cols, batch_size=256):
        rows, blank = batch.to_pydict(), [None] * batch.num_rows
        for doc_id, text, zone, year in zip(rows["doc_id"], rows["text"], rows.get("zone", blank),
                                            rows.get("year", blank)):
            yield InputDoc(str(doc_id), text or "", zone or None, _year(path, year))


def _year(where, year) -> int | None:
    """A year from a table: None, or a whole number of four digits (floats as pandas writes them)."""
    if year is None or (isinstance(year, float) and year != year):  # null or NaN
        return None
    if isinstance(year, float) and not year.is_integer():
        raise BatchInputError(f"{where}: year {year} is not a whole number")
    if not YEARS[0] <= year <= YEARS[1]:
        raise BatchInputError(f"{where}: year {year} is not a four-digit year")
    return int(year)


# --- ids, for validation ---------------------------------------------------------------------

def _ids_of(source: Source) -> list:
    ids: list[str | None]
    if source.kind == "folder":
        _manifest(source.path)
        ids = [p.stem for p in _report_files(source.path)]
    elif source.kind == "jsonl":
        ids = [doc.doc_id for _, doc in _jsonl_rows(source.path)]
    else:
        data = _dataset(source.path)
        table = data.to_table(columns=[c for c in ("doc_id", "year") if c in data.schema.names])
        ids = [None if i is None else str(i) for i in table.column("doc_id").to_pylist()]
        if "year" in table.column_names:
            for year in table.column("year").to_pylist():
                _year(source.path, year)
    return ids
