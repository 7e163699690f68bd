"""The review queue: stored segments whose labels are least certain, so the next labels help most; and the
segments people already corrected, each with the model's labels beside the person's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from policytag.store import crud
from policytag.store.tables import HumanLabel, Prediction, Report, Segment
from serving.served_model import ServedModel

CHUNK = 500  # ids per IN (...) list


def review_queue(session: Session, model: ServedModel, *, n: int, zone: str | None = None) -> list[dict]:
    """Unlabelled segments, most uncertain first, each with its neighbours in the report.

    Uncertainty: the smallest distance of any theme's score to that theme's
    threshold under the served model. Segments whose labels changed between the
    report's previous and current model versions (the models disagree) come first.
    """
    labelled = select(HumanLabel.segment_id).where(HumanLabel.segment_id.is_not(None))
    query = (select(Segment, Report.zone, Report.model_version)
             .join(Report, Segment.report_id == Report.id)
             .where(Segment.id.not_in(labelled)))
    if zone is not None:
        query = query.where(Report.zone == zone)
    rows = session.execute(query).all()
    predictions = _predictions(session, [seg.id for seg, _, _ in rows])
    queue = []
    for seg, seg_zone, version in rows:
        item = _item(seg, seg_zone, version, predictions.get(seg.id, []), model)
        if item is not None:
            queue.append(item)
    queue.sort(key=lambda q: (not q["models_disagree"], q["margin"]))
    return _with_neighbours(session, queue[:n])


def corrected_segments(session: Session, model: ServedModel, *, n: int, zone: str | None = None) -> list[dict]:
    """Segments a person labelled, the latest correction first: the queue's fields plus ``human`` (the
    person's latest labels, ``author``, ``note``, ``created_at``) and ``differs`` (the person's themes are
    not the model's)."""
    latest = crud.latest_human_labels()
    query = (select(Segment, Report.zone, Report.model_version, HumanLabel)
             .join(Report, Segment.report_id == Report.id)
             .join(latest, latest.c.segment_id == Segment.id)
             .join(HumanLabel, HumanLabel.id == latest.c.label_id)
             .order_by(HumanLabel.id.desc()))
    if zone is not None:
        query = query.where(Report.zone == zone)
    rows = session.execute(query.limit(n)).all()
    predictions = _predictions(session, [seg.id for seg, _, _, _ in rows])
    out = []
    for seg, seg_zone, version, label in rows:
        item = _item(seg, seg_zone, version, predictions.get(seg.id, []), model)
        if item is None:
            continue
        item["human"] = {"labels": label.labels, "author": label.author, "note": label.note,
                         "created_at": label.created_at.isoformat()}
        item["differs"] = sorted(label.labels) != sorted(item["labels"])
        out.append(item)
    return _with_neighbours(session, out)


def _predictions(session: Session, ids: list[str]) -> dict[str, list[Prediction]]:
    out: dict[str, list[Prediction]] = {}
    for chunk in range(0, len(ids), CHUNK):
        for p in session.scalars(select(Prediction).where(Prediction.segment_id.in_(ids[chunk:chunk + CHUNK]))
                                 .order_by(Prediction.id)):
            out.setdefault(p.segment_id, []).append(p)
    return out


def _item(seg: Segment, zone: str | None, version: str, preds: list[Prediction], model: ServedModel) -> dict | None:
    """A segment with its current prediction's labels and scores, its least certain theme and whether the
    report's previous model labelled it otherwise; None without a prediction by the report's version."""
    current = crud.prediction_for(preds, version)
    if current is None:
        return None
    thresholds = dict(zip(model.themes, model.tagger.thresholds))
    margins = {t: abs(current.scores.get(t, 0.0) - th) for t, th in thresholds.items()}
    theme = min(margins, key=margins.get)
    earlier = [p for p in preds if p.model_version != version]
    disagree = bool(earlier) and sorted(earlier[-1].labels) != sorted(current.labels)
    return {"segment_id": seg.id, "report_id": seg.report_id, "position": seg.position, "zone": zone,
            "text": seg.text, "heading": seg.heading, "part": seg.part, "labels": current.labels,
            "scores": current.scores, "model_version": version, "nearest_theme": theme,
            "margin": round(margins[theme], 4), "models_disagree": disagree}


def _with_neighbours(session: Session, items: list[dict]) -> list[dict]:
    """Each item with ``previous`` and ``next``: the segments before and after it in its report
    (``{segment_id, text, heading}``, null at either end)."""
    wanted = {(it["report_id"], it["position"] + step) for it in items for step in (-1, 1)}
    reports = sorted({r for r, _ in wanted})
    found: dict[tuple[str, int], dict] = {}
    for chunk in range(0, len(reports), CHUNK):
        query = select(Segment.report_id, Segment.position, Segment.id, Segment.text, Segment.heading).where(
            Segment.report_id.in_(reports[chunk:chunk + CHUNK]),
            Segment.position.in_(sorted({p for _, p in wanted})))
        for report_id, position, seg_id, text, heading in session.execute(query):
            if (report_id, position) in wanted:
                found[(report_id, position)] = {"segment_id": seg_id, "text": text, "heading": heading}
    for it in items:
        it["previous"] = found.get((it["report_id"], it["position"] - 1))
        it["next"] = found.get((it["report_id"], it["position"] + 1))
    return items
