"""``/v1/reports/{id}`` metadata: correct a stored report's zone, year, document type and title, with history;
and the 409 a re-posted text gets when it names other metadata than the stored report."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from policytag.store import report_edits
from policytag.store.tables import Report
from policytag.text import zones
from policytag.text.detect import DOC_TYPES
from serving.deps import Author, SessionDep
from serving.schemas import INVALID, UNREADABLE, CleanStr, Problem
from serving.submission import Submission

router = APIRouter(prefix="/reports", tags=["reports"])


class MetadataPatch(BaseModel):
    """The fields to change; a field left out is kept, ``null`` clears a zone, year or title."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"zone": "清远高新区", "year": 2024, "note": "the title names 清远高新区"}]})

    zone: CleanStr | None = Field(None, min_length=1, max_length=100,
                             description="Zone; a known name becomes its canonical short name.")
    year: int | None = Field(None, ge=1978, le=2100, description="Reporting year.")
    doc_type: str | None = Field(None, description="One of: " + ", ".join(DOC_TYPES) + ".")
    title: CleanStr | None = Field(None, min_length=1, max_length=500)
    note: CleanStr | None = Field(None, max_length=2000, description="Why, for the history.")


class MetadataEdit(BaseModel):
    field: str
    old: str | int | None
    new: str | int | None
    author: str
    note: str | None
    created_at: datetime


class ReportMetadata(BaseModel):
    report_id: str
    title: str | None
    zone: str | None
    year: int | None
    years: list[int]
    doc_type: str
    changed: list[str] = Field([], description="The fields this request changed (none: already so).")
    history: list[MetadataEdit] = Field(description="Every change, oldest first.")
    warnings: list[str] = []


class ResubmissionConflict(BaseModel):
    detail: str
    report_id: str
    stored: dict = Field(description="The stored report's zone, year, doc_type and title.")
    conflicts: dict = Field(description="field → {stored, sent}: the metadata that differ.")
    change_with: dict = Field(description="The request that corrects the stored report instead.")


@router.patch("/{report_id}", response_model=ReportMetadata,
              responses={401: {"model": Problem}, 404: {"model": Problem}, **INVALID, **UNREADABLE})
def correct_metadata(report_id: str, body: MetadataPatch, session: SessionDep, author: Author) -> dict:
    """Correct a stored report's zone, year, document type or title. Each change is kept in the history (who,
    when, old → new); coverage and comparisons follow the corrected zone and year."""
    changes = body.model_dump(include=set(report_edits.FIELDS) & body.model_fields_set)
    if not changes:
        raise HTTPException(422, "nothing to change: send one or more of zone, year, doc_type, title")
    blank = [f for f in ("zone", "title") if isinstance(changes.get(f), str) and not changes[f].strip()]
    if blank:
        raise HTTPException(422, f"{blank[0]} is blank: send a name, or null to clear it")
    if "doc_type" in changes and changes["doc_type"] not in DOC_TYPES:
        raise HTTPException(422, f"doc_type must be one of {', '.join(DOC_TYPES)}, not {changes['doc_type']!r}")
    report = _report(session, report_id)
    edits = report_edits.edit_report(session, report, changes, author, body.note)
    session.commit()
    return _metadata(session, report, changed=[e.field for e in edits])


@router.get("/{report_id}/history", response_model=ReportMetadata, responses={404: {"model": Problem}, **INVALID})
def metadata_history(report_id: str, session: SessionDep) -> dict:
    """A stored report's metadata and every correction made to it."""
    return _metadata(session, _report(session, report_id))


def resubmission_conflict(report: Report, sub: Submission) -> JSONResponse | None:
    """409 when a stored text is posted again with another zone, year or title: nothing is changed, and the
    answer shows the stored values and the PATCH that would correct them."""
    found = report_edits.conflicts(report, {"zone": sub.zone, "year": sub.year, "title": sub.title})
    if not found:
        return None
    url = f"/v1/reports/{report.id}"
    listed = "; ".join(f"{field}: stored {v['stored']!r}, sent {v['sent']!r}" for field, v in found.items())
    body = {
        "detail": f"this text is already stored as report {report.id} with other metadata ({listed}); nothing "
                  f"was changed: to correct the stored report send PATCH {url} with the new values",
        "report_id": report.id,
        "stored": {field: getattr(report, field) for field in report_edits.FIELDS},
        "conflicts": found,
        "change_with": {"method": "PATCH", "url": url, "body": {f: v["sent"] for f, v in found.items()}},
    }
    return JSONResponse(jsonable_encoder(body), status_code=409)


def _report(session, report_id: str) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise HTTPException(404, f"no stored report has id {report_id!r}: list them with GET /v1/reports")
    return report


def _metadata(session, report: Report, changed: list[str] | None = None) -> dict:
    warnings = []
    if report.zone and zones.by_name(report.zone) is None:
        warnings.append(f"zone {report.zone!r} is not in the gazetteer of development zones: kept as given")
    return {"report_id": report.id, "title": report.title, "zone": report.zone, "year": report.year,
            "years": list(report.years or []), "doc_type": report.doc_type, "changed": changed or [],
            "history": [{"field": e.field, "old": e.old, "new": e.new, "author": e.author, "note": e.note,
                         "created_at": e.created_at} for e in report_edits.history(session, report.id)],
            "warnings": warnings}
