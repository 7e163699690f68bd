"""The stored corpus: reports, their segments, and each segment's predictions per model version."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """``DateTime(timezone=True)`` that reads back as an aware UTC datetime on every database.

    SQLite keeps no zone, so its values come back naive (the API then showed times without an offset,
    which are not RFC 3339 date-times); they were written in UTC, and are returned as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo is not None else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    pass


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    zone: Mapped[str | None] = mapped_column(String(100), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    years: Mapped[list] = mapped_column(JSON, default=list)
    doc_type: Mapped[str] = mapped_column(String(50))
    detection: Mapped[dict] = mapped_column(JSON, default=dict)  # how zone and years were found
    source: Mapped[str | None] = mapped_column(String(255))  # uploaded file name, if any
    text: Mapped[str] = mapped_column(Text)
    n_chars: Mapped[int] = mapped_column(Integer)
    n_segments: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(32))  # the version whose predictions are current
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    segments: Mapped[list[Segment]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                   order_by="Segment.position", passive_deletes=True)


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    heading: Mapped[list] = mapped_column(JSON, default=list)
    part: Mapped[str] = mapped_column(String(20))

    report: Mapped[Report] = relationship(back_populates="segments")
    predictions: Mapped[list[Prediction]] = relationship(back_populates="segment", cascade="all, delete-orphan",
                                                         passive_deletes=True)


class Prediction(Base):
    __tablename__ = "predictions"
    __table_args__ = (UniqueConstraint("segment_id", "model_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(32))
    labels: Mapped[list] = mapped_column(JSON)
    scores: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    segment: Mapped[Segment] = relationship(back_populates="predictions")


class HumanLabel(Base):
    """A person's themes for a text: a correction of a stored segment, or a submitted example.

    Rows are never updated: every correction is a new row (the history); the
    latest row per ``record_id`` wins. The text and context are copied in, so a
    label outlives the deletion of its report.
    """

    __tablename__ = "human_labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(100), index=True)  # segment id, or the example's id
    segment_id: Mapped[str | None] = mapped_column(ForeignKey("segments.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # correction | example
    doc: Mapped[str | None] = mapped_column(String(100))
    zone: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    heading: Mapped[list] = mapped_column(JSON, default=list)
    part: Mapped[str | None] = mapped_column(String(20))
    labels: Mapped[list] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class ReportEdit(Base):
    """One corrected metadata field of a stored report: who changed it, when, and from what to what.

    Rows are never updated; the report's own columns hold the current values.
    """

    __tablename__ = "report_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # zone | year | doc_type | title
    old: Mapped[str | int | None] = mapped_column(JSON)
    new: Mapped[str | int | None] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Job(Base):
    """A background job (retraining): its state survives the process that ran it."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)  # queued | running | succeeded | failed
    progress: Mapped[str | None] = mapped_column(String(200))
    progress_step: Mapped[dict | None] = mapped_column(JSON)  # policytag.job_steps: {"step": name, **params}
    pid: Mapped[int | None] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(100))
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
