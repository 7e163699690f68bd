"""The segments behind a coverage figure: a zone's stored segments that carry one theme, as coverage counts
them (``crud.current_labels``: a person's labels win over the prediction), one page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from policytag.store.crud import current_labels, zone_segments_query
from policytag.store.tables import Prediction, Report, Segment

# reading order: a zone's reports by year and storing time, each report's segments in order
_ORDER = (Report.year, Report.created_at, Report.id, Segment.position)


@dataclass(frozen=True)
class ThemeSegment:
    """One segment carrying the theme, with its report and whose labels those are."""

    id: str
    report_id: str
    report_title: str | None
    year: int | None
    doc_type: str
    position: int
    heading: list[str]
    part: str
    text: str
    labels: list[str]  # the segment's themes as coverage counts them
    corrected: bool  # labels are a person's (else the model's)
    model_labels: list[str]  # the current prediction's labels
    score: float | None  # the model's score for the theme


def segments_with_theme(session: Session, *, theme: str, zone: str, year: int | None = None,
                        part: str | None = None, doc_type: str | None = None, limit: int = 20,
                        offset: int = 0) -> tuple[int, list[ThemeSegment]]:
    """How many of the zone's segments (optionally one year, part, document type) carry ``theme``, and the
    page ``offset``…``offset + limit`` of them in reading order."""
    def query(*columns):
        return zone_segments_query(*columns, zone=zone, year=year, part=part, doc_type=doc_type)

    # the themes are JSON lists, so the theme is picked here rather than in SQL (as coverage reads them all)
    ids = [seg_id for predicted, human, seg_id in session.execute(
        query(Segment.id).order_by(*_ORDER)) if theme in current_labels(predicted, human)]
    page = ids[offset:offset + limit]
    if not page:
        return len(ids), []
    rows = session.execute(query(Segment.id, Report.id, Report.title, Report.year, Report.doc_type, Segment.position,
                                 Segment.heading, Segment.part, Segment.text, Prediction.scores)
                           .where(Segment.id.in_(page)))
    found = {}
    for predicted, human, seg_id, report_id, title, seg_year, kind, position, heading, seg_part, text, scores in rows:
        found[seg_id] = ThemeSegment(
            id=seg_id, report_id=report_id, report_title=title, year=seg_year, doc_type=kind, position=position,
            heading=list(heading or []), part=seg_part, text=text, labels=list(current_labels(predicted, human)),
            corrected=human is not None, model_labels=list(predicted),
            score=(scores or {}).get(theme))
    return len(ids), [found[i] for i in page if i in found]  # one deleted meanwhile is left out
