"""Re-tag stored reports with the served model, keeping earlier predictions (one row per model version)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from policytag.store import crud
from policytag.store.tables import Prediction, Report
from serving.served_model import ServedModel


def retag_reports(sessions: sessionmaker, model: ServedModel, *, all_reports: bool = False) -> dict:
    """Tag every stored segment of reports not yet tagged by ``model`` (or all), one transaction per report.

    Segments are not re-cut: their ids, and the corrections that point at them, stay.
    """
    with sessions() as session:
        query = select(Report.id)
        if not all_reports:
            query = query.where(Report.model_version != model.version)
        report_ids = list(session.scalars(query.order_by(Report.created_at)))
    segments = 0
    for report_id in report_ids:
        with sessions() as session:
            report = session.get(Report, report_id)
            tagged = model.tagger.tag_segments([s.text for s in report.segments],
                                               [s.heading for s in report.segments])
            for seg, out in zip(report.segments, tagged):
                existing = crud.current_prediction(seg, model.version)
                if existing is None:
                    seg.predictions.append(Prediction(model_version=model.version, labels=list(out.labels),
                                                      scores=out.scores))
                else:
                    existing.labels, existing.scores = list(out.labels), out.scores
            report.model_version = model.version
            session.commit()
            segments += len(tagged)
    return {"model_version": model.version, "reports": len(report_ids), "segments": segments}
