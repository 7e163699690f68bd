"""Tag a submission with the served model and shape the API's view of a (stored) report."""

from __future__ import annotations

from dataclasses import replace

from fastapi import HTTPException

from policytag import coverage
from policytag.config import Settings
from policytag.model.results import TaggedReport
from policytag.store.crud import current_prediction
from policytag.store.tables import Report
from policytag.text import EmptyReportError, ReportTooLargeError, content_id
from serving.served_model import ServedModel
from serving.submission import Submission


def tag_submission(model: ServedModel, sub: Submission, settings: Settings) -> TaggedReport:
    """Tag a submission (its title, if given, replaces the detected one); HTTP errors when it cannot be."""
    try:
        tagged = model.tagger.tag_document(sub.text, content_id(sub.text, 16), zone=sub.zone, year=sub.year,
                                           max_segments=settings.max_segments)
    except EmptyReportError as exc:
        raise HTTPException(422, str(exc)) from exc
    except ReportTooLargeError as exc:
        raise HTTPException(413, f"{exc} (or raise POLICYTAG_MAX_SEGMENTS)") from exc
    if not tagged.segments:
        raise HTTPException(422, "no paragraph of the report could be segmented: send the report's body text")
    return replace(tagged, title=sub.title) if sub.title else tagged


def tagged_view(model: ServedModel, sub: Submission, settings: Settings) -> dict:
    """The API's view of a submission tagged and not stored (``TagResponse`` schema fields)."""
    doc = tag_submission(model, sub, settings).as_dict()
    doc["source"] = sub.source
    doc["model"] = {"name": model.name, "version": model.version}
    doc["coverage"] = document_coverage(doc["segments"], model.themes, settings,
                                        coverage.ErrorRates.of_tagger(model.tagger))
    doc["warnings"] = warnings(doc)
    return doc


def document_coverage(segments: list[dict], themes: list[str], settings: Settings,
                      rates: coverage.ErrorRates | None = None) -> dict:
    """A report's coverage: corrected with the model's error rates when given, a person's labels as known."""
    rows = [(s["labels"], s["end"] - s["start"], s.get("scores") or {}, bool(s.get("correction")), "report")
            for s in segments]
    return coverage.coverage(coverage.TaggedSegments.from_rows(rows, themes), rates=rates,
                             **coverage.options(settings))


def warnings(doc: dict) -> list[str]:
    out = []
    if doc["zone"] is None:
        out.append("zone not detected: pass 'zone' so the report counts in zone coverage and comparisons")
    if doc["year"] is None:
        out.append("year not detected: pass 'year' to compare this report across years")
    return out


def stored_view(report: Report, settings: Settings, human: dict | None = None,
                rates: coverage.ErrorRates | None = None) -> dict:
    """A stored report as ``StoredReport`` fields: current predictions, and people's corrections in
    ``correction`` (which coverage counts instead of the prediction). ``rates``, the error rates of the
    model that tagged the report, correct its coverage; without them it is the raw count."""
    segments, themes, human = [], [], human or {}
    for seg in report.segments:
        pred = current_prediction(seg, report.model_version)
        fix = human.get(seg.id)
        segments.append({"id": seg.id, "start": seg.start, "end": seg.end, "text": seg.text, "heading": seg.heading,
                         "part": seg.part, "labels": pred.labels if pred else [],
                         "scores": pred.scores if pred else {},
                         "correction": {"labels": fix.labels, "author": fix.author,
                                        "created_at": fix.created_at.isoformat()} if fix else None})
        if pred and not themes:
            themes = list(pred.scores)
    doc = {"report_id": report.id, "title": report.title, "zone": report.zone, "year": report.year,
           "years": report.years, "doc_type": report.doc_type, "detection": report.detection, "source": report.source,
           "model": {"name": "policytag", "version": report.model_version}, "segments": segments,
           "text": report.text, "created_at": report.created_at}
    effective = [{**s, "labels": s["correction"]["labels"] if s["correction"] else s["labels"]} for s in segments]
    if rates is not None and set(rates.themes) == set(themes):
        themes = list(rates.themes)  # the order of the rates' columns
    elif themes:
        rates = None  # rates of another theme list cannot correct these predictions
    doc["coverage"] = document_coverage(effective, themes, settings, rates)
    doc["warnings"] = warnings(doc)
    return doc


def rates_for(model: ServedModel | None, model_version: str | None) -> coverage.ErrorRates | None:
    """The served model's error rates when it is the version that tagged a report, else None (raw counts)."""
    if model is None or model.version != model_version:
        return None
    return coverage.ErrorRates.of_tagger(model.tagger)
