"""Re-tag stored reports with the served model, keeping earlier predictions (one row per model version)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from policytag.store import crud
from policytag.store.tables import Prediction, Report
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
        with sessions() as session:
            try:
                n = _retag_one(session, model, report_id)
            except CHANGED_MEANWHILE:  # deleted meanwhile, or a concurrent retag stored the same predictions
                session.rollback()
                continue
        if n is not None:
            segments += n
            done += 1
    return {"model_version": model.version, "reports": done, "segments": segments}


def _retag_one(session, model: ServedModel, report_id: str) -> int | None:
    """Store ``model``'s predictions for one report in one transaction; its segment count, None if it is gone."""
    report = session.get(Report, report_id)
    if report is None:  # deleted since the list was read
        return None
    tagged = model.tagger.tag_segments([s.text for s in report.segments], [s.heading for s in report.segments])
    for seg, out in zip(report.segments, tagged):
        existing = crud.current_prediction(seg, model.version)
        if existing is None:
            seg.predictions.append(Prediction(model_version=model.version, labels=list(out.labels),
                                              scores=out.scores))
        else:
            existing.labels, existing.scores = list(out.labels), out.scores
    report.model_version = model.version
    session.commit()
    return len(tagged)
