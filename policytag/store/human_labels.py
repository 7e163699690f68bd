"""Human labels in the database (corrections of stored segments, submitted examples) and what is built from
them: label records, the export, and the labels snapshot a retraining reads."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policytag.labels.files import load_labelled
from policytag.labels.pull import merge_human_labels, write_pulled
from policytag.seeds import read_manifest
from policytag.store.tables import HumanLabel, Report, Segment
from policytag.text import content_id


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


def human_records(session: Session, seeds_dir: Path) -> list[dict]:
    seed_docs = {e.doc_id for e in read_manifest(seeds_dir)} if (seeds_dir / "manifest.csv").is_file() else set()
    return [as_record(row, seed_docs) for row in latest(session)]


def export(session: Session, labels_dir: Path, seeds_dir: Path) -> list[dict]:
    """All human labels: the gold files with the service's corrections applied, plus new records."""
    gold = load_labelled(labels_dir, include_authored=False, include_corpus=False)
    return merge_human_labels(gold, human_records(session, seeds_dir))


def snapshot(session: Session, labels_dir: Path, seeds_dir: Path, dest: Path) -> Path:
    """A copy of ``labels_dir`` with the service's human labels pulled in: what a retraining reads."""
    shutil.copytree(labels_dir, dest, ignore=shutil.ignore_patterns("*.tmp"))
    write_pulled(dest, human_records(session, seeds_dir))
    return dest
