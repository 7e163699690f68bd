"""Correcting a stored report's metadata (zone, year, document type, title), with its history.

Every change is a ``ReportEdit`` row (who, when, old → new); the report's columns hold the current values,
so coverage and comparisons, which read those columns, follow a correction at once. Callers commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policytag.store.tables import Report, ReportEdit
from policytag.text.report import normalize_zone

FIELDS = ("zone", "year", "doc_type", "title")


def normalized(field: str, value: Any) -> Any:
    """The value as stored: a zone becomes its canonical short name (清远高新技术产业开发区 → 清远高新区)."""
    if field == "zone" and value is not None:
        return normalize_zone(value)
    if isinstance(value, str):
        return value.strip()
    return value


def edit_report(session: Session, report: Report, changes: dict[str, Any], author: str,
                note: str | None = None) -> list[ReportEdit]:
    """Apply ``changes`` (field → new value; ``None`` clears a zone, year or title) and record each real change.

    A new year becomes the report's first reporting year (``years``): kept in front of the detected years
    it is among, else alone. Returns the edits made (none when every value is already stored).
    """
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}: only {', '.join(FIELDS)}")
    edits = []
    for field, value in changes.items():
        new, old = normalized(field, value), getattr(report, field)
        if new == old:
            continue
        setattr(report, field, new)
        if field == "year":
            report.years = [] if new is None else (
                [new, *(y for y in report.years if y != new)] if new in report.years else [new])
        edit = ReportEdit(report_id=report.id, field=field, old=old, new=new, author=author, note=note)
        session.add(edit)
        edits.append(edit)
    return edits


def history(session: Session, report_id: str) -> list[ReportEdit]:
    """A report's edits, oldest first."""
    return list(session.scalars(select(ReportEdit).where(ReportEdit.report_id == report_id)
                                .order_by(ReportEdit.id)))


def conflicts(report: Report, submitted: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields where a re-submission of a stored text names other metadata: field → {stored, sent}.

    Fields not sent (``None``) are no conflict; a sent zone is compared by its canonical name.
    """
    out = {}
    for field, value in submitted.items():
        if value is None:
            continue
        sent, stored = normalized(field, value), getattr(report, field)
        if sent != stored:
            out[field] = {"stored": stored, "sent": sent}
    return out
