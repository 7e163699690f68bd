"""Why a segment got its themes: ``GET /v1/segments/{id}/explain`` (stored) and ``POST /v1/explain`` (any text).

Read-only and bounded (``policytag.model.explain``: clauses and characters capped); the scoring runs in a
worker thread inside the heavy-work gate, never on the event loop.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool

from policytag.model import explain as why
from policytag.store.tables import Segment
from serving.deps import ModelDep
from serving.schemas import INVALID, UNREADABLE, ExplainRequest, Explanation, Problem
from serving.served_model import ServedModel

router = APIRouter(tags=["explain"])
ERRORS = {413: {"model": Problem, "description": f"More than {why.MAX_CHARS} characters."},
          503: {"model": Problem}, **INVALID}


@router.get("/segments/{segment_id}/explain", response_model=Explanation,
            responses={404: {"model": Problem}, **ERRORS})
async def explain_segment(segment_id: str, request: Request, model: ModelDep) -> dict:
    """Why the served model gives a stored segment its themes: per theme its score and each clause's score drop
    when the clause is removed (plus the top TF-IDF n-grams for TF-IDF models)."""
    text, heading = await run_in_threadpool(_stored_segment, request.app.state.sessions, segment_id)
    async with request.app.state.heavy.slot():
        view = await run_in_threadpool(explanation, model, text, heading)
    return {**view, "segment_id": segment_id}


@router.post("/explain", response_model=Explanation, responses={**ERRORS, **UNREADABLE})
async def explain_text(body: ExplainRequest, request: Request, model: ModelDep) -> dict:
    """The same for a segment that is not stored (e.g. from ``POST /v1/tag``): send its text and heading."""
    async with request.app.state.heavy.slot():
        return await run_in_threadpool(explanation, model, body.text, body.heading)


def _stored_segment(sessions: sessionmaker, segment_id: str) -> tuple[str, list[str]]:
    with sessions() as session:
        segment = session.get(Segment, segment_id)
        if segment is None:
            raise HTTPException(404, f"no stored segment has id {segment_id!r}: segment ids are in "
                                     "GET /v1/reports/{report_id}; explain an unstored text with POST /v1/explain")
        return segment.text, list(segment.heading or [])


def explanation(model: ServedModel, text: str, heading: list[str]) -> dict:
    """In a worker thread: the ``Explanation`` fields, or a 413/422 saying what to send instead."""
    try:
        found = why.explain(model.tagger, text, heading)
    except why.TextTooLongError as exc:
        raise HTTPException(413, str(exc)) from exc
    except why.ExplainError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {**found.as_dict(), "segment_id": None, "model": {"name": model.name, "version": model.version},
            "max_clauses": why.MAX_CLAUSES}
