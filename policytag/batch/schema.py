"""The columns of the batch tables, declared once and turned into Arrow and Spark schemas.

Types are Spark DDL names (``string``, ``int``, ``double``, ``boolean``, ``array<string>``, ``array<int>``);
the Arrow writer of the local engine and ``mapInPandas`` of the Spark engine use the
same list, so both engines write the same schema. Scores are one ``double`` column per
theme, ``score_<theme>``, in the model's theme order (see docs/batch.md).
"""

from __future__ import annotations

import re

Columns = list[tuple[str, str]]

INPUT: Columns = [("doc_id", "string"), ("zone", "string"), ("year", "int"), ("text", "string"),
                  ("source", "string"), ("error", "string")]

_KEY: Columns = [("doc_id", "string"), ("zone", "string"), ("year", "int")]
_THEME_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def check_themes(themes: list[str]) -> None:
    bad = [t for t in themes if not _THEME_ID.match(t)]
    if bad:
        raise ValueError(f"theme ids must be lower-case identifiers to name columns, not {bad}")


def score_column(theme: str) -> str:
    return f"score_{theme}"


def segment_columns(themes: list[str]) -> Columns:
    """One row per segment: where it is, what it says, which themes it carries and their scores."""
    return [*_KEY, ("segment_id", "string"), ("position", "int"), ("start", "int"), ("end", "int"),
            ("text", "string"), ("heading", "array<string>"), ("part", "string"), ("labels", "array<string>"),
            *[(score_column(t), "double") for t in themes], ("model_version", "string")]


def count_columns(themes: list[str]) -> Columns:
    """Per document: segments and characters in all, and carrying each theme (``untagged``: none)."""
    cols: Columns = [("segments", "int"), ("characters", "int")]
    for name in [*themes, "untagged"]:
        cols += [(f"{name}_segments", "int"), (f"{name}_characters", "int")]
    return cols


def document_columns(themes: list[str]) -> Columns:
    """One row per input report, tagged or not (``error`` says why not)."""
    return [*_KEY, ("years", "array<int>"), ("doc_type", "string"), ("title", "string"),
            ("detection", "string"), ("source", "string"), ("n_chars", "int"), ("content_hash", "string"),
            *count_columns(themes), ("error", "string"), ("model_version", "string")]


def tagged_columns(themes: list[str]) -> Columns:
    """What a Spark task returns: segment and document rows in one frame, told apart by ``kind``."""
    seen, cols = set(), [("kind", "string")]
    for name, kind in segment_columns(themes) + document_columns(themes):
        if name not in seen:
            seen.add(name)
            cols.append((name, kind))
    return cols


def coverage_columns(themes: list[str]) -> Columns:
    """One row per group (zone, zone × year, zone × document type, zone × part, document type, part; the
    key columns a level does not group by are null): the service's coverage (corrected shares, intervals,
    raw shares)."""
    cols: Columns = [("level", "string"), ("zone", "string"), ("year", "int"), ("doc_type", "string"),
                     ("part", "string"), ("reports", "int"),
                     ("segments", "int"), ("characters", "int"), ("method", "string"), ("corrected", "boolean"),
                     ("too_few", "boolean")]
    for name in [*themes, "untagged"]:
        cols += [(f"{name}_segments", "int"), (f"{name}_characters", "int")]
        for share in ("segment_share", "char_share"):
            cols += [(f"{name}_{share}", "double"), (f"{name}_{share}_low", "double"),
                     (f"{name}_{share}_high", "double")]
        cols += [(f"{name}_raw_segment_share", "double"), (f"{name}_raw_char_share", "double")]
    return cols


def names(columns: Columns) -> list[str]:
    return [name for name, _ in columns]


def arrow_schema(columns: Columns):
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int32(), "double": pa.float64(), "boolean": pa.bool_(),
             "array<string>": pa.list_(pa.string()), "array<int>": pa.list_(pa.int32())}
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns])


def spark_ddl(columns: Columns) -> str:
    return ", ".join(f"`{name}` {kind}" for name, kind in columns)
