"""Re-tag stored reports with the served model, keeping earlier predictions (one row per model version)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from policytag.store import crud
from policytag.store.tables import Report
from serving.served_model import ServedModel

CHANGED_MEANWHILE = (IntegrityError, StaleDataError, ObjectDeletedError)


def retag_reports(sessions: sessionmaker, model: ServedModel, *, all_reports: bool = False) -> dict:
    """Tag every stored segment of reports not yet tagged by ``model`` (or all), one transaction per report.

    Segments are not re-cut: their ids, and the corrections that point at them, stay.
    """
    with sessions() as session:
        query = select(Report.id)
        if not all_reports:
            query = query.where(Report.model_version != model.version)
        report_ids = list(session.scalars(query.order_by(Report.created_at)))
    segments = done = 0
    for report_id in report_ids:
        n = _retag_one(sessions, model, report_id)
        if n is not None:
            segments += n
            done += 1
    return {"model_version": model.version, "reports": done, "segments": segments}


def _retag_one(sessions: sessionmaker, model: ServedModel, report_id: str) -> int | None:
    """Tag one report's segments with no transaction open (a PostgreSQL session is never left idle in
    transaction while the model works), then store the predictions in one short transaction. The segment count,
    or None if the report was deleted or changed meanwhile (it is skipped; the retag goes on)."""
    with sessions() as session:
        report = crud.get_report(session, report_id)
        if report is None:  # deleted since the list was read
            return None
        segment_ids = [s.id for s in report.segments]
        texts, headings = [s.text for s in report.segments], [s.heading for s in report.segments]
    tagged = model.tagger.tag_segments(texts, headings)
    with sessions() as session:
        try:
            report = crud.get_report(session, report_id)
            if report is None or [s.id for s in report.segments] != segment_ids:
                return None
            crud.set_predictions(report, model.version, tagged)
            session.commit()
        except CHANGED_MEANWHILE:  # deleted meanwhile, or a concurrent retag stored the same predictions
            session.rollback()
            return None
    return len(tagged)
