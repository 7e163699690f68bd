"""``policytag tag FILE``: one report in one step: its segments, their themes and the report's coverage, as JSON.

What ``POST /v1/tag`` answers, without a service: the model is the registry's ``@champion`` (or
``--model-uri``), the coverage is corrected with the model's error rates (raw counts when it logged none).
"""

from __future__ import annotations

from typing import Annotated

import typer

from policytag.cli.io import YearOption, emit, fail
from policytag.cli.segment import FileArgument, ZoneOption, read_report_text


def tag(
    file: FileArgument,
    zone: ZoneOption = None,
    year: YearOption = None,
    title: Annotated[str | None, typer.Option(help="Title; overrides detection.")] = None,
    model_uri: Annotated[str | None, typer.Option(help="MLflow model URI (default: the @champion).")] = None,
) -> None:
    """Segment and tag one report: {zone, year, years, doc_type, title, detection, model, segments (with labels
    and scores), coverage, warnings}."""
    from dataclasses import replace

    from policytag import coverage as cov
    from policytag.cli.model import _load_model
    from policytag.config import get_settings
    from policytag.registry import champion_uri
    from policytag.text import EmptyReportError, ReportTooLargeError

    if title is not None and not title.strip():
        fail("--title is blank: leave it out to use the detected title")
    text = read_report_text(file)
    settings = get_settings()
    model = _load_model(model_uri)
    tagger = model.unwrap_python_model().tagger
    try:
        tagged = tagger.tag_document(text, file.stem, zone=zone, year=year, max_segments=settings.max_segments)
    except EmptyReportError as exc:
        fail(f"{file}: {exc}")
    except ReportTooLargeError as exc:
        fail(f"{file}: {exc} (or raise POLICYTAG_MAX_SEGMENTS)")
    if not tagged.segments:
        fail(f"{file}: no paragraph of the report could be segmented: give the report's body text")
    if title:
        tagged = replace(tagged, title=title.strip())
    out = tagged.as_dict()
    out["model"] = {"uri": model_uri or champion_uri(), "run_id": model.metadata.run_id,
                    "type": tagger.model_type}
    rows = [(s["labels"], s["end"] - s["start"], s["scores"], False, tagged.doc_id) for s in out["segments"]]
    out["coverage"] = cov.coverage(cov.TaggedSegments.from_rows(rows, tagger.themes),
                                   rates=cov.ErrorRates.of_tagger(tagger), resamples=settings.bootstrap_resamples)
    out["warnings"] = _warnings(out)
    emit(out)


def _warnings(doc: dict) -> list[str]:
    out = []
    if doc["zone"] is None:
        candidates = [c["zone"] for c in (doc["detection"].get("zone") or {}).get("candidates", [])]
        out.append("zone not detected: pass --zone" + (f" (candidates: {', '.join(candidates)})" if candidates
                                                        else ""))
    if doc["year"] is None:
        out.append("year not detected: pass --year")
    return out


def register(app: typer.Typer) -> None:
    app.command()(tag)
