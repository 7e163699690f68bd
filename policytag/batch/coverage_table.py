"""The per-zone coverage table: the service's shares (``policytag.coverage``), summed from document counts.

A segment *carries* a theme when the theme is among its labels. For each zone (``level`` =
``zone``, all its years) and each zone × year (``level`` = ``zone_year``): reports, segments,
characters, and per theme (and ``untagged``) the segments and characters that carry it, their
segment share (segments carrying / segments) and character share (characters carrying /
characters) — the point estimates of ``GET /v1/zones/{zone}/coverage``, unrounded and without
bootstrap intervals. Reports whose zone was neither given nor detected are grouped under a null
zone (the service leaves them out). Reports with an ``error`` are not counted.
"""

from __future__ import annotations

from policytag.batch.schema import count_columns, coverage_columns, names
from policytag.coverage import share


def coverage_rows(documents: list[dict], themes: list[str]) -> list[dict]:
    """Coverage rows from document rows (only their ``zone``, ``year``, counts and ``error`` are read)."""
    sums = count_columns(themes)
    groups: dict[tuple, dict] = {}
    for doc in documents:
        if doc.get("error"):
            continue
        for key in (("zone", doc["zone"], None), ("zone_year", doc["zone"], doc["year"])):
            total = groups.setdefault(key, {"reports": 0, **{name: 0 for name, _ in sums}})
            total["reports"] += 1
            for name, _ in sums:
                total[name] += int(doc[name])
    rows = []
    for (level, zone, year), total in sorted(groups.items(), key=lambda kv: _order(kv[0])):
        row = {"level": level, "zone": zone, "year": year, **total}
        for name in [*themes, "untagged"]:
            row[f"{name}_segment_share"] = share(total[f"{name}_segments"], total["segments"])
            row[f"{name}_char_share"] = share(total[f"{name}_characters"], total["characters"])
        rows.append({c: row[c] for c in names(coverage_columns(themes))})
    return rows


def _order(key: tuple) -> tuple:
    level, zone, year = key
    return (zone is None, zone or "", level != "zone", year is None, year or 0)
