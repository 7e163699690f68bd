"""The review queue: stored segments whose labels are least certain, so the next labels help most."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from policytag.store import crud
from policytag.store.tables import HumanLabel, Prediction, Report, Segment
from serving.served_model import ServedModel


def review_queue(session: Session, model: ServedModel, *, n: int, zone: str | None = None) -> list[dict]:
    """Unlabelled segments, most uncertain first.

    Uncertainty: the smallest distance of any theme's score to that theme's
    threshold under the served model. Segments whose labels changed between the
    report's previous and current model versions (the models disagree) come first.
    """
    thresholds = dict(zip(model.themes, model.tagger.thresholds))
    labelled = select(HumanLabel.segment_id).where(HumanLabel.segment_id.is_not(None))
    query = (select(Segment, Report.zone, Report.model_version)
             .join(Report, Segment.report_id == Report.id)
             .where(Segment.id.not_in(labelled)))
    if zone is not None:
        query = query.where(Report.zone == zone)
    rows = session.execute(query).all()
    predictions: dict[str, list[Prediction]] = {}
    ids = [seg.id for seg, _, _ in rows]
    for chunk in range(0, len(ids), 500):
        for p in session.scalars(select(Prediction).where(Prediction.segment_id.in_(ids[chunk:chunk + 500]))
                                 .order_by(Prediction.id)):
            predictions.setdefault(p.segment_id, []).append(p)
    queue = []
    for seg, seg_zone, version in rows:
        preds = predictions.get(seg.id, [])
        current = crud.prediction_for(preds, version)
        if current is None:
            continue
        margins = {t: abs(current.scores.get(t, 0.0) - th) for t, th in thresholds.items()}
        theme = min(margins, key=margins.get)
        earlier = [p for p in preds if p.model_version != version]
        disagree = bool(earlier) and sorted(earlier[-1].labels) != sorted(current.labels)
        queue.append({"segment_id": seg.id, "report_id": seg.report_id, "zone": seg_zone, "text": seg.text,
                      "heading": seg.heading, "labels": current.labels, "scores": current.scores,
                      "model_version": version, "nearest_theme": theme, "margin": round(margins[theme], 4),
                      "models_disagree": disagree})
    queue.sort(key=lambda q: (not q["models_disagree"], q["margin"]))
    return queue[:n]
