"""Reading and writing the stored corpus. Callers own the transaction (``with session.begin()``)."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from policytag.model.results import SegmentTags, TaggedReport
from policytag.store.tables import HumanLabel, Prediction, Report, Segment
from policytag.text import content_hash


def find_by_hash(session: Session, text: str) -> Report | None:
    return session.scalar(select(Report).where(Report.content_hash == content_hash(text)))


def add_report(session: Session, *, text: str, tagged: TaggedReport, model_version: str,
               source: str | None = None) -> Report:
    """Add a tagged document (``Tagger.tag_document`` output) with its segments and predictions."""
    report = Report(id=tagged.doc_id, content_hash=content_hash(text), title=tagged.title,
                    zone=tagged.zone, year=tagged.year, years=list(tagged.years), doc_type=tagged.doc_type,
                    detection=copy.deepcopy(tagged.detection), source=source, text=text, n_chars=len(text),
                    n_segments=len(tagged.segments), model_version=model_version)
    for pos, s in enumerate(tagged.segments):
        segment = Segment(id=s.id, position=pos, start=s.start, end=s.end, text=s.text,
                          heading=list(s.heading), part=s.part)
        segment.predictions.append(Prediction(model_version=model_version, labels=list(s.labels),
                                              scores=dict(s.scores)))
        report.segments.append(segment)
    session.add(report)
    return report


def list_reports(session: Session, *, zone: str | None = None, year: int | None = None,
                 doc_type: str | None = None, search: str | None = None,
                 limit: int = 100, offset: int = 0) -> tuple[int, list[Report]]:
    """The total matching and one page of stored reports, oldest first. ``search`` matches a part of the
    title, zone or source (file name), ignoring ASCII case; ``%`` and ``_`` in it are plain characters."""
    query = select(Report)
    if zone is not None:
        query = query.where(Report.zone == zone)
    if year is not None:
        query = query.where(Report.year == year)
    if doc_type is not None:
        query = query.where(Report.doc_type == doc_type)
    if search:
        query = query.where(or_(*(func.lower(column).contains(search.lower(), autoescape=True)
                                  for column in (Report.title, Report.zone, Report.source))))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Report.created_at, Report.id).limit(limit).offset(offset)).all()
    return total or 0, list(rows)


def get_report(session: Session, report_id: str) -> Report | None:
    return session.scalar(select(Report).where(Report.id == report_id)
                          .options(selectinload(Report.segments).selectinload(Segment.predictions)))


def prediction_for(predictions: Iterable[Prediction], model_version: str) -> Prediction | None:
    """The prediction made by ``model_version`` among a segment's predictions (one per version), or None."""
    return next((p for p in predictions if p.model_version == model_version), None)


def current_prediction(segment: Segment, model_version: str) -> Prediction | None:
    """A segment's prediction under ``model_version`` (its report's current version, for the current one)."""
    return prediction_for(segment.predictions, model_version)


def set_predictions(report: Report, model_version: str, tags: list[SegmentTags]) -> None:
    """Store ``model_version``'s predictions of the report's segments (``tags`` in segment order), replacing
    that version's earlier ones, and make it the report's current version."""
    for segment, out in zip(report.segments, tags, strict=True):
        existing = current_prediction(segment, model_version)
        if existing is None:
            segment.predictions.append(Prediction(model_version=model_version, labels=list(out.labels),
                                                  scores=dict(out.scores)))
        else:
            existing.labels, existing.scores = list(out.labels), dict(out.scores)
    report.model_version = model_version


def zones(session: Session) -> list[dict]:
    """Each known zone with its number of reports and the years they cover."""
    rows = session.execute(select(Report.zone, Report.year, func.count()).where(Report.zone.is_not(None))
                           .group_by(Report.zone, Report.year)).all()
    out: dict[str | None, dict] = {}
    for zone, year, n in rows:
        entry = out.setdefault(zone, {"zone": zone, "reports": 0, "years": []})
        entry["reports"] += n
        if year is not None:
            entry["years"].append(year)
    return [{**e, "years": sorted(e["years"])} for e in sorted(out.values(), key=lambda e: e["zone"])]


def latest_human_labels():
    """Subquery: the newest human label row id per stored segment."""
    return (select(HumanLabel.segment_id, func.max(HumanLabel.id).label("label_id"))
            .where(HumanLabel.segment_id.is_not(None)).group_by(HumanLabel.segment_id).subquery())


def current_labels(predicted: list[str], human: list[str] | None) -> list[str]:
    """A stored segment's themes as coverage counts them: a person's latest labels win over the prediction."""
    return human if human is not None else predicted


def zone_segments_query(*columns, zone: str, year: int | None = None, part: str | None = None,
                        doc_type: str | None = None) -> Select:
    """``(predicted labels, a person's latest labels or None, *columns)`` for every stored segment of a zone
    (optionally one year, part, document type), with the prediction of its report's current model version
    (``current_prediction``, in SQL); :func:`current_labels` turns the first two into the segment's themes."""
    latest = latest_human_labels()
    query = (select(Prediction.labels, HumanLabel.labels, *columns)
             .join(Segment, Prediction.segment_id == Segment.id)
             .join(Report, Segment.report_id == Report.id)
             .outerjoin(latest, latest.c.segment_id == Segment.id)
             .outerjoin(HumanLabel, HumanLabel.id == latest.c.label_id)
             .where(Report.zone == zone, Prediction.model_version == Report.model_version))
    if year is not None:
        query = query.where(Report.year == year)
    if part is not None:
        query = query.where(Segment.part == part)
    if doc_type is not None:
        query = query.where(Report.doc_type == doc_type)
    return query


def tagged_rows(session: Session, *, zone: str, year: int | None = None, part: str | None = None,
                doc_type: str | None = None) -> list[tuple[list[str], int, dict, bool, str, str]]:
    """``(labels, n_chars, scores, known, report_id, model_version)`` for every stored segment of a zone: its
    :func:`current_labels` (``known`` when a person labelled it) with the prediction's scores;
    ``model_version`` is the version that made that prediction."""
    query = zone_segments_query(Segment.end - Segment.start, Prediction.scores, Report.id, Report.model_version,
                                zone=zone, year=year, part=part, doc_type=doc_type)
    return [(current_labels(predicted, human), n, scores or {}, human is not None, report_id, version)
            for predicted, human, n, scores, report_id, version in session.execute(query.order_by(Segment.id))]


def human_labels_of(session: Session, segment_ids: list[str]) -> dict[str | None, HumanLabel]:
    latest = latest_human_labels()
    rows = session.scalars(select(HumanLabel).join(latest, latest.c.label_id == HumanLabel.id)
                           .where(latest.c.segment_id.in_(segment_ids)))
    return {r.segment_id: r for r in rows}
