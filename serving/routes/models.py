"""Retraining jobs and the served model: start a retrain, follow it, reload the champion."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from policytag.model import model_types
from policytag.store.tables import Job
from serving.deps import Author, SessionDep
from serving.jobs import JobRunning, job_view
from serving.schemas import INVALID, UNREADABLE, Problem

router = APIRouter(tags=["models"])


class RetrainRequest(BaseModel):
    model: Literal[model_types.CHOICES] = model_types.ALL  # type: ignore[valid-type]  # the table's choices
    include_authored: bool = True
    force: bool = False  # serve the new model even if it does not beat the champion


@router.post("/models/retrain", status_code=202,
             responses={401: {"model": Problem}, 409: {"model": Problem}, **INVALID, **UNREADABLE})
def retrain(request: Request, author: Author, body: RetrainRequest | None = None) -> dict:
    """Start retraining on all human labels in the background (one job at a time); follow it at
    ``/v1/jobs/{id}``. The new model is served only if it beats the champion (a tie keeps it)."""
    body = body or RetrainRequest()
    try:
        job_id = request.app.state.jobs.start(author, body.model, body.include_authored, body.force)
    except JobRunning as exc:
        return JSONResponse({"detail": f"a retraining job is already running: follow /v1/jobs/{exc.job_id}",
                             "job_id": exc.job_id}, 409)
    return {"job_id": job_id, "status": "running", "url": f"/v1/jobs/{job_id}"}


@router.get("/jobs", responses={**INVALID})
def list_jobs(session: SessionDep, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
    """The newest jobs first: the main job's background retraining, and those started through the API."""
    jobs = session.scalars(select(Job).order_by(Job.created_at.desc()).limit(limit))
    return {"jobs": [job_view(job) for job in jobs]}


@router.get("/jobs/{job_id}", responses={404: {"model": Problem}, **INVALID})
def get_job(job_id: str, session: SessionDep) -> dict:
    """A job's status (running, succeeded, failed), progress (English, and ``progress_step``: the step and its
    parameters, ``policytag.job_steps``), result and error."""
    job = session.get(Job, job_id)
    if job is None:
        raise HTTPException(404, f"no job has id {job_id!r}")
    return job_view(job)


@router.post("/models/reload", responses={401: {"model": Problem}, 503: {"model": Problem}})
def reload_model(request: Request, author: Author) -> dict:
    """Serve the current ``@champion`` (after training from the command line); requests in flight finish
    on the model they started with."""
    slot = request.app.state.model
    served = slot.reload()
    if slot.error is not None or served is None:
        raise HTTPException(503, f"the champion was not reloaded: {slot.error or 'no model'}")
    return {"name": served.name, "version": served.version, "alias": served.alias}
