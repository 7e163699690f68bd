"""``/v1/reports``: store tagged reports, list, read and delete them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool

from policytag.store import crud
from policytag.text.detect import DOC_TYPES
from serving.deps import ModelDep, SessionDep, SettingsDep, WriteAccess
from serving.retag import retag_reports
from serving.routes.report_metadata import ResubmissionConflict, resubmission_conflict
from serving.routes.tag import ERRORS
from serving.schemas import INVALID, Problem, ReportList, StoredReport, YearQuery
from serving.served_model import ServedModel
from serving.submission import OPENAPI_BODY, Submission, read_submission
from serving.tagging import rates_for, stored_view, tag_submission

router = APIRouter(prefix="/reports", tags=["reports"])
DocTypeFilter = Annotated[Literal[DOC_TYPES] | None, Query(description="Only reports of this document type.")]
SearchQuery = Annotated[str | None, Query(max_length=100, description="Only reports whose title, zone or file "
                                                                     "name contains this (ASCII case ignored).")]
NOT_FOUND = {404: {"model": Problem}, **INVALID}


@router.post("", response_model=StoredReport, status_code=201, dependencies=[WriteAccess],
             responses={**ERRORS, 200: {"model": StoredReport, "description": "Already stored (same text)."},
                        401: {"model": Problem},
                        409: {"model": ResubmissionConflict, "description": "Already stored with other metadata: "
                              "nothing changed; correct it with PATCH /v1/reports/{report_id}."}},
             openapi_extra=OPENAPI_BODY)
async def create_report(request: Request, response: Response, model: ModelDep, settings: SettingsDep) -> Any:
    """Tag a report and store it with its segments and predictions; the same text is stored once (posted
    again with another zone, year or title: 409, and the stored report is corrected with PATCH)."""
    await request.body()  # the upload first: a slow client holds no tagging slot
    async with request.app.state.heavy.slot():
        sub = await read_submission(request)
        status, view = await run_in_threadpool(_store, request.app.state.sessions, model, sub, settings)
    if isinstance(view, Response):  # the 409 of a resubmission with other metadata
        return view
    response.status_code = status
    if status == 201:
        response.headers["Location"] = f"/v1/reports/{view['report_id']}"
    return view


def _store(sessions: sessionmaker, model: ServedModel, sub: Submission, settings) -> tuple[int, Response | dict]:
    """In a worker thread: tag the submission unless its text is stored, store it, and build its view. No
    database transaction is open while tagging (a PostgreSQL session is never left idle in transaction)."""
    with sessions() as session:
        existing = crud.find_by_hash(session, sub.text)
        if existing is not None and (conflict := resubmission_conflict(existing, sub)) is not None:
            return 409, conflict
        stored_id = existing.id if existing is not None else None
    if stored_id is None:
        tagged = tag_submission(model, sub, settings)
        with sessions() as session:
            crud.add_report(session, text=sub.text, tagged=tagged, model_version=model.version, source=sub.source)
            try:
                session.commit()
            except IntegrityError:  # stored meanwhile by a concurrent request
                session.rollback()
            else:
                return 201, _view(session, tagged.doc_id, settings, model, created=True)
    with sessions() as session:
        found = crud.find_by_hash(session, sub.text)
        if found is None:  # deleted meanwhile
            raise HTTPException(409, "the report was deleted while it was being stored: send it again")
        return 200, _view(session, found.id, settings, model, created=False)


@router.post("/retag", dependencies=[WriteAccess],
             responses={401: {"model": Problem}, 503: {"model": Problem}, **INVALID})
def retag(request: Request, model: ModelDep, all: bool = False) -> dict:
    """Re-tag stored reports with the served model (those tagged by another version, or ``all``); earlier
    predictions are kept, each with its model version."""
    return retag_reports(request.app.state.sessions, model, all_reports=all)


@router.get("", response_model=ReportList, responses=INVALID)
def list_reports(session: SessionDep, zone: Annotated[str | None, Query(max_length=100)] = None,
                 year: YearQuery = None, doc_type: DocTypeFilter = None, q: SearchQuery = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100,
                 offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> dict:
    """Stored reports, oldest first, optionally of one zone, year and/or document type, or whose title,
    zone or file name contains ``q``."""
    total, rows = crud.list_reports(session, zone=zone, year=year, doc_type=doc_type, search=(q or "").strip(),
                                    limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "reports": rows}


@router.get("/{report_id}", response_model=StoredReport, responses=NOT_FOUND)
def get_report(report_id: str, request: Request, session: SessionDep, settings: SettingsDep) -> dict:
    """A stored report: its text, segments with current predictions, and coverage (corrected for the
    tagger's errors when the served model tagged it)."""
    slot = request.app.state.model
    return _view(session, report_id, settings, slot.get() if slot.loaded else None)


@router.delete("/{report_id}", status_code=204, dependencies=[WriteAccess],
               responses={**NOT_FOUND, 401: {"model": Problem}})
def delete_report(report_id: str, session: SessionDep) -> Response:
    """Delete a stored report with its segments and predictions."""
    report = crud.get_report(session, report_id)
    if report is None:
        raise _not_found(report_id)
    session.delete(report)
    session.commit()
    return Response(status_code=204)


def _view(session, report_id: str, settings, model: ServedModel | None, created: bool | None = None) -> dict:
    """The stored report's view; its coverage uses ``model``'s error rates if that model tagged it."""
    session.expire_all()
    report = crud.get_report(session, report_id)
    if report is None:
        raise _not_found(report_id)
    human = crud.human_labels_of(session, [s.id for s in report.segments])
    view = stored_view(report, settings, human, rates_for(model, report.model_version))
    view["created"] = created
    return view


def _not_found(report_id: str) -> HTTPException:
    return HTTPException(404, f"no stored report has id {report_id!r}: list them with GET /v1/reports")
