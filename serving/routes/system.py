"""``/v1/model``, ``/healthz`` and ``/readyz``."""

from __future__ import annotations

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from policytag.themes import load_themes
from serving.deps import ModelDep, SettingsDep
from serving.schemas import ModelInfo, Problem

router = APIRouter(tags=["system"])


@router.get("/v1/model", response_model=ModelInfo, responses={503: {"model": Problem}})
def model_info(model: ModelDep, settings: SettingsDep) -> dict:
    """The served model: registry name, version, alias, grouped-CV metrics, themes and thresholds."""
    names = {t.id: t for t in load_themes(settings.labels)}
    tagger = model.tagger
    return {"name": model.name, "version": model.version, "alias": model.alias, "run_id": model.run_id,
            "model_type": tagger.model_type,
            "themes": [{"id": t, "zh": names[t].zh if t in names else t, "en": names[t].en if t in names else t}
                       for t in tagger.themes],
            "thresholds": dict(zip(tagger.themes, tagger.thresholds)), "metrics": model.metrics,
            "loaded_at": model.loaded_at}


@router.get("/healthz")
async def healthz() -> dict:
    """The process is up (answered on the event loop: never waits for a worker thread)."""
    return {"status": "ok"}


READY_DB_TIMEOUT_S = 5


@router.get("/readyz", responses={503: {"description": "Not ready: the reason is in 'detail'."}})
async def readyz(request: Request):
    """Ready when a model is loaded and the database answers (within 5 s, on its own thread: the check
    answers even while every worker thread is busy)."""
    state = request.app.state
    problems = []
    if not state.model.loaded:
        problems.append(state.model.error or "model not loaded")
    try:
        with anyio.fail_after(READY_DB_TIMEOUT_S):
            await anyio.to_thread.run_sync(_ping, state.sessions, limiter=_ready_limiter(state))
    except TimeoutError:
        problems.append(f"database unavailable: no answer within {READY_DB_TIMEOUT_S} s")
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        problems.append(f"database unavailable: {exc.__class__.__name__}")
    if problems:
        return JSONResponse({"status": "not ready", "detail": "; ".join(problems)}, 503)
    return {"status": "ready", "model_version": state.model.get().version}


def _ping(sessions) -> None:
    with sessions() as session:
        session.execute(text("SELECT 1"))


def _ready_limiter(state) -> anyio.CapacityLimiter:
    """Readiness checks' own thread (one at a time), apart from the request threads."""
    if getattr(state, "ready_limiter", None) is None:
        state.ready_limiter = anyio.CapacityLimiter(1)
    return state.ready_limiter
