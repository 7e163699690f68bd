"""``POST /v1/tag``: tag a report without storing it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from serving.deps import ModelDep, SettingsDep
from serving.schemas import Problem, TagResponse
from serving.submission import OPENAPI_BODY, read_submission
from serving.tagging import tagged_view

router = APIRouter(tags=["tag"])
ERRORS = {413: {"model": Problem}, 415: {"model": Problem}, 422: {"model": Problem}, 503: {"model": Problem}}


@router.post("/tag", response_model=TagResponse, responses=ERRORS, openapi_extra=OPENAPI_BODY)
async def tag(request: Request, model: ModelDep, settings: SettingsDep) -> dict:
    """Segment and tag a report (JSON text, uploaded file, or plain-text body); nothing is stored."""
    await request.body()  # the upload first: a slow client holds no tagging slot
    async with request.app.state.heavy.slot():
        sub = await read_submission(request)
        return await run_in_threadpool(tagged_view, model, sub, settings)
