"""Human labels in the database: corrections of stored segments and submitted examples."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policytag.text import content_id
from serving.tables import HumanLabel, Report, Segment


def add_correction(session: Session, segment: Segment, labels: list[str], author: str,
                   note: str | None = None) -> HumanLabel:
    report: Report = segment.report
    row = HumanLabel(record_id=segment.id, segment_id=segment.id, kind="correction", doc=report.id,
                     zone=report.zone, start=segment.start, end=segment.end, text=segment.text,
                     heading=segment.heading, part=segment.part, labels=labels, author=author, note=note)
    session.add(row)
    return row


def add_example(session: Session, record: dict, author: str) -> HumanLabel:
    """A labelled text that is not a stored segment (id: given, or a hash of the text)."""
    row = HumanLabel(record_id=str(record.get("id") or f"example-{content_id(record['text'])}"), kind="example",
                     doc=record.get("doc"), zone=record.get("zone"), text=record["text"],
                     heading=record.get("heading") or [], part=record.get("part"), labels=record["labels"],
                     author=author, note=record.get("note"))
    session.add(row)
    return row


def history(session: Session, record_id: str) -> list[HumanLabel]:
    return list(session.scalars(select(HumanLabel).where(HumanLabel.record_id == record_id)
                                .order_by(HumanLabel.id)))


def latest(session: Session) -> list[HumanLabel]:
    """The latest human label of every record, oldest record first."""
    newest = select(func.max(HumanLabel.id)).group_by(HumanLabel.record_id)
    return list(session.scalars(select(HumanLabel).where(HumanLabel.id.in_(newest)).order_by(HumanLabel.id)))


def as_record(row: HumanLabel, seed_docs: set[str]) -> dict:
    """A human label in the format of ``labels/gold/*.jsonl``."""
    source = "example" if row.kind == "example" else ("seed" if row.doc in seed_docs else "report")
    record = {"id": row.record_id, "doc": row.doc or "examples", "zone": row.zone, "start": row.start,
              "end": row.end, "text": row.text, "heading": row.heading, "part": row.part, "labels": row.labels,
              "source": source, "annotator": row.author, "date": row.created_at.date().isoformat()}
    if row.note:
        record["note"] = row.note
    return record
