"""The per-zone coverage table: the service's coverage (``policytag.coverage.coverage``) of the archive's segments.

For each zone (``level`` = ``zone``, all its years) and each zone × year (``level`` = ``zone_year``):
reports, segments, characters, and per theme (and ``untagged``) the segments and characters that carry
it, the corrected segment and character shares with their 95 % intervals, and the raw shares, computed
from the segments' labels and calibrated scores with the model's error rates, exactly as
``GET /v1/zones/{zone}/coverage`` does (``too_few`` with the same thresholds). Reports whose zone was
neither given nor detected are grouped under a null zone (the service leaves them out). Reports with an
``error`` are not counted.

:func:`group_row` turns one group's segment rows (a pandas frame) into its coverage row; the local engine
applies it to the segment table, the Spark engine through ``applyInPandas`` on the executors.
"""

from __future__ import annotations

import numpy as np

from policytag import coverage
from policytag.batch.schema import coverage_columns, names, score_column

LEVELS = {"zone": ["zone"], "zone_year": ["zone", "year"]}


def segment_columns(themes: list[str]) -> list[str]:
    """The columns of the segment table a group's coverage reads."""
    return ["doc_id", "zone", "year", "segment_id", "start", "end", "labels", *[score_column(t) for t in themes]]


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
    row: dict = {"level": level, "zone": _key(first.get("zone")),
                 "year": _year(first.get("year")) if level == "zone_year" else None,
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


def group_frame(frame, level: str, themes: list[str], rates: coverage.ErrorRates | None, options: dict):
    """:func:`group_row` as a one-row pandas frame of the table's columns (what ``applyInPandas`` returns)."""
    import pandas as pd

    row = group_row(frame, level, themes, rates, options)
    return pd.DataFrame({c: pd.Series([row[c]], dtype=object) for c in names(coverage_columns(themes))})


def coverage_rows(documents: list[dict], grouped: dict[tuple, dict], themes: list[str]) -> list[dict]:
    """The table: one row per group of the tagged documents (``zone``, ``year``, ``segments``, ``error``),
    from ``grouped`` (``(level, zone, year)`` → :func:`group_row`); ``reports`` counts the documents."""
    reports: dict[tuple, int] = {}
    for doc in documents:
        if doc.get("error"):
            continue
        for key in (("zone", doc["zone"], None), ("zone_year", doc["zone"], doc["year"])):
            reports[key] = reports.get(key, 0) + 1
    empty = group_row(_empty_frame(themes), "zone", themes, None, {})
    rows = []
    for key in sorted(reports, key=_order):
        level, zone, year = key
        row = dict(grouped.get(key) or {**empty, "level": level, "zone": zone, "year": year})
        row["reports"] = reports[key]
        rows.append({c: row[c] for c in names(coverage_columns(themes))})
    return rows


def local_groups(segments, themes: list[str], rates: coverage.ErrorRates | None, options: dict) -> dict[tuple, dict]:
    """``(level, zone, year)`` → coverage row, from the whole segment table as a pandas frame."""
    out = {}
    for level, keys in LEVELS.items():
        for _, frame in segments.groupby(keys, dropna=False, sort=False):
            row = group_row(frame, level, themes, rates, options)
            out[(level, row["zone"], row["year"])] = row
    return out


def key_of(row: dict) -> tuple:
    return row["level"], _key(row["zone"]), _year(row["year"])


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
    level, zone, year = key
    return (zone is None, zone or "", level != "zone", year is None, year or 0)
