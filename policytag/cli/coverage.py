"""``policytag coverage``: per-group theme coverage of pre-cut segments, corrected for the tagger's errors.

The same arithmetic as the API's coverage (``policytag.coverage``): the served model's error rates correct
the shares; a model without them gives the raw counts (``"corrected": false``). ``too_few`` and the interval's
resamples follow the same settings (``POLICYTAG_COVERAGE_MIN_SEGMENTS``, ``_MAX_WIDTH``, ``BOOTSTRAP_RESAMPLES``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from policytag.cli.io import emit, fail, read_segments


def coverage(
    input: Annotated[Path, typer.Option("--input", help="JSONL: {\"id\", \"text\", FIELD: value, ...} per segment.")],
    group_by: Annotated[str, typer.Option("--group-by", help="The field whose values form the groups.")],
    model_uri: Annotated[str | None, typer.Option(help="MLflow model URI (default: the @champion).")] = None,
    method: Annotated[str, typer.Option(help="pcc | acc | pacc | cc (raw).")] = "",
) -> None:
    """Print {"groups": [{"group", "segments", "themes": {theme: {"share", "raw_share", "low", "high"}}}]}:
    shares are fractions of segments, raw_share the plain classify-and-count, low/high the 95 % interval."""
    from policytag import coverage as cov
    from policytag.cli.model import _load_model
    from policytag.config import get_settings

    method = method or cov.DEFAULT_METHOD
    if method not in cov.METHODS:
        fail(f"--method must be one of {', '.join(cov.METHODS)}, not {method!r}")
    rows = _read(input, group_by)
    tagger = _load_model(model_uri).unwrap_python_model().tagger
    tags = tagger.tag_segments([r["text"] for r in rows])
    rates = cov.ErrorRates.of_tagger(tagger)
    groups: dict[str, list[tuple]] = {}
    for row, tag in zip(rows, tags):
        groups.setdefault(json.dumps(row[group_by], ensure_ascii=False), []).append(
            (list(tag.labels), len(row["text"]), tag.scores, False, str(row.get("doc", row["id"]))))
    out = []
    for key, members in groups.items():
        seg = cov.TaggedSegments.from_rows(members, tagger.themes)
        if not any("doc" in r for r in rows):
            seg.docs = None  # no "doc" field: the segments' documents are unknown
        c = cov.coverage(seg, rates=rates, method=method, **cov.options(get_settings()))
        out.append({"group": json.loads(key), "segments": c["segments"], "corrected": c["corrected"],
                    "method": c["method"], "too_few": c["too_few"],
                    "themes": {t: {"share": e["segment_share"], "raw_share": e["raw_segment_share"],
                                   "low": e["segment_share_ci"][0], "high": e["segment_share_ci"][1]}
                               for t, e in c["themes"].items()}})
    emit({"groups": out})


def _read(path: Path, field: str) -> list[dict]:
    """The segments of ``path`` (as ``policytag predict`` reads them), each with the grouping ``field``."""
    rows = read_segments(path)
    for n, row in enumerate(rows, 1):
        if field not in row:
            fail(f"{path}: segment {n} ({row['id']!r}) has no {field!r} field to group by")
    return rows


def register(app: typer.Typer) -> None:
    app.command()(coverage)
