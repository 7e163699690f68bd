"""``/v1/model``, ``/healthz`` and ``/readyz``."""

from __future__ import annotations

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
def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready: the reason is in 'detail'."}})
def readyz(request: Request):
    """Ready when a model is loaded and the database answers."""
    state = request.app.state
    problems = []
    if not state.model.loaded:
        problems.append(state.model.error or "model not loaded")
    try:
        with state.sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        problems.append(f"database unavailable: {exc.__class__.__name__}")
    if problems:
        return JSONResponse({"status": "not ready", "detail": "; ".join(problems)}, 503)
    return {"status": "ready", "model_version": state.model.get().version}
