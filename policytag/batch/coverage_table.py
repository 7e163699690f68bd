"""The coverage table: the service's coverage (``policytag.coverage.coverage``) of the archive's segments.

One row per group, its ``level`` saying which: each zone (``zone``, all its years), zone × year
(``zone_year``), zone × document type (``zone_doc_type``), zone × part (``zone_part``), and over the whole
archive each document type (``doc_type``) and each part (``part``: review, plan, problems, other). A row has
reports, segments, characters, and per theme (and ``untagged``) the segments and characters that carry it,
the corrected segment and character shares with their 95 % intervals, and the raw shares, computed from the
segments' labels and calibrated scores with the model's error rates, exactly as
``GET /v1/zones/{zone}/coverage`` does (``too_few`` with the same thresholds). The key columns a level does
not group by are null. Reports whose zone was neither given nor detected are grouped under a null zone (the
service leaves them out). Reports with an ``error`` are not counted.

:func:`group_row` turns one group's segment rows (a pandas frame) into its coverage row; the local engine
applies it to the segment table, the Spark engine through ``applyInPandas`` on the executors.
"""

from __future__ import annotations

import numpy as np

from policytag import coverage
from policytag.batch.schema import coverage_columns, names, score_column

KEYS = ["zone", "year", "doc_type", "part"]
LEVELS = {"zone": ["zone"], "zone_year": ["zone", "year"], "zone_doc_type": ["zone", "doc_type"],
          "zone_part": ["zone", "part"], "doc_type": ["doc_type"], "part": ["part"]}
# levels whose groups are unions of whole documents: their ``reports`` count the tagged documents, even
# one without segments; a part's group counts the reports that have segments in it
DOCUMENT_LEVELS = ["zone", "zone_year", "zone_doc_type", "doc_type"]


def segment_columns(themes: list[str]) -> list[str]:
    """The columns of the segment table a group's coverage reads (``doc_type`` joined from the documents)."""
    return ["doc_id", "zone", "year", "part", "segment_id", "start", "end", "labels",
            *[score_column(t) for t in themes]]


def with_doc_type(segments, doc_types: dict):
    """The segment frame with each segment's report's ``doc_type`` (``doc_id`` → type)."""
    return segments.assign(doc_type=segments["doc_id"].map(doc_types).astype(object))


def group_row(frame, level: str, themes: list[str], rates: coverage.ErrorRates | None, options: dict) -> dict:
    """The coverage row of one group from its segment rows (``segment_columns``), in segment id order so
    that both engines draw the same intervals."""
    frame = frame.sort_values("segment_id", kind="stable")
    carried = [[t in set(labels) for t in themes] for labels in frame["labels"]]
    seg = coverage.TaggedSegments(
        themes, np.array(carried, dtype=bool).reshape(-1, len(themes)),
        (frame["end"] - frame["start"]).to_numpy(dtype=float),
        frame[[score_column(t) for t in themes]].to_numpy(dtype=float).reshape(-1, len(themes)),
        np.zeros(len(frame), dtype=bool),
        frame["doc_id"].astype(str).to_numpy(dtype=object))
    cov = coverage.coverage(seg, rates=rates, **options)
    first = frame.iloc[0] if len(frame) else {}
    keys = {k: (_year if k == "year" else _key)(first.get(k)) if k in LEVELS[level] else None for k in KEYS}
    row: dict = {"level": level, **keys,
                 "reports": cov["documents"] or 0, "segments": cov["segments"], "characters": cov["characters"],
                 "method": cov["method"], "corrected": cov["corrected"], "too_few": cov["too_few"]}
    for name in [*themes, "untagged"]:
        entry = cov["untagged"] if name == "untagged" else cov["themes"][name]
        row[f"{name}_segments"], row[f"{name}_characters"] = entry["segments"], entry["characters"]
        for share, ci in (("segment_share", "segment_share_ci"), ("char_share", "char_share_ci")):
            low, high = entry[ci] or (None, None)
            row[f"{name}_{share}"], row[f"{name}_{share}_low"], row[f"{name}_{share}_high"] = entry[share], low, high
        row[f"{name}_raw_segment_share"] = entry["raw_segment_share"]
        row[f"{name}_raw_char_share"] = entry["raw_char_share"]
    return row


def group_frame(frame, themes: list[str], rates: coverage.ErrorRates | None, options: dict):
    """:func:`group_row` as a one-row pandas frame of the table's columns (what ``applyInPandas`` returns);
    the group's level is its frame's ``level`` column."""
    import pandas as pd

    row = group_row(frame, str(frame["level"].iloc[0]), themes, rates, options)
    return pd.DataFrame({c: pd.Series([row[c]], dtype=object) for c in names(coverage_columns(themes))})


def coverage_rows(documents: list[dict], grouped: dict[tuple, dict], themes: list[str]) -> list[dict]:
    """The table: one row per group, from ``grouped`` (:func:`key_of` → :func:`group_row`) and the tagged
    documents (``zone``, ``year``, ``doc_type``, ``error``), whose count is the ``reports`` of the levels
    made of whole documents (a document without segments still counts, in a row of its own if need be)."""
    reports: dict[tuple, int] = {}
    for doc in documents:
        if doc.get("error"):
            continue
        for level in DOCUMENT_LEVELS:
            key = key_of({"level": level, **{k: doc.get(k) if k in LEVELS[level] else None for k in KEYS}})
            reports[key] = reports.get(key, 0) + 1
    empty = group_row(_empty_frame(themes), "zone", themes, None, {})
    rows = []
    for key in sorted(set(reports) | set(grouped), key=_order):
        row = dict(grouped.get(key) or {**empty, "level": key[0], **dict(zip(KEYS, key[1:]))})
        if key in reports:
            row["reports"] = reports[key]
        rows.append({c: row[c] for c in names(coverage_columns(themes))})
    return rows


def local_groups(segments, themes: list[str], rates: coverage.ErrorRates | None, options: dict) -> dict[tuple, dict]:
    """:func:`key_of` → coverage row, from the whole segment table (with ``doc_type``) as a pandas frame."""
    out = {}
    for level, keys in LEVELS.items():
        for _, frame in segments.groupby(keys, dropna=False, sort=False):
            row = group_row(frame, level, themes, rates, options)
            out[key_of(row)] = row
    return out


def key_of(row: dict) -> tuple:
    """``(level, zone, year, doc_type, part)`` of a coverage row."""
    return row["level"], *[(_year if k == "year" else _key)(row.get(k)) for k in KEYS]


def _empty_frame(themes: list[str]):
    import pandas as pd

    return pd.DataFrame({c: pd.Series([], dtype=object) for c in segment_columns(themes)})


def _key(value):
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _year(value) -> int | None:
    value = _key(value)
    return None if value is None else int(value)


def _order(key: tuple) -> tuple:
    """Each zone's rows together (the zone, its years, document types, parts), then the archive's document
    types and parts; nulls last."""
    level, zone, year, doc_type, part = key
    return ("zone" not in LEVELS[level], list(LEVELS).index(level) if "zone" not in LEVELS[level] else 0,
            zone is None, zone or "", list(LEVELS).index(level), year is None, year or 0,
            doc_type is None, doc_type or "", part is None, part or "")
