"""The FastAPI application: ``create_app()`` wires settings, database, model and routes."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from policytag import __version__
from policytag.config import Settings, get_settings
from policytag.store.db import make_engine, make_sessionmaker, migrate
from serving.jobs import RetrainRunner
from serving.limits import BodySizeLimit, RequestTimeLimit
from serving.routes import labels, models, report_metadata, reports, system, tag, zones
from serving.routes.docs import add_docs
from serving.routes.page import add_page
from serving.served_model import ModelSlot, ServedModel

log = logging.getLogger("policytag.serving")

DESCRIPTION = """Tag the segments of Chinese zone work reports with policy themes, store them,
and compare theme coverage across zones and years. Write endpoints need the `X-API-Key`
header when the service runs with `POLICYTAG_API_KEY` set."""


def create_app(settings: Settings | None = None, *, model: ServedModel | None = None,
               load_model: bool = True, background_retrain: str | None = None) -> FastAPI:
    """The app; ``model`` serves an already loaded model, ``load_model=False`` starts without one;
    ``background_retrain`` (a model type) starts a retraining job of that type once the app is up."""
    settings = settings or get_settings()
    engine = make_engine(settings.db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        migrate(engine)
        app.state.jobs.recover()
        if load_model and not app.state.model.loaded:
            app.state.model.reload()
            if not app.state.model.loaded:
                log.warning("serving without a model: %s", app.state.model.error)
        if background_retrain:
            job_id = app.state.jobs.start("main job", background_retrain)
            log.info("retraining %s in the background: follow /v1/jobs/%s", background_retrain, job_id)
        yield
        app.state.jobs.shutdown()
        engine.dispose()

    app = FastAPI(title="policytag", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # served offline by add_docs
    app.state.settings = settings
    app.state.sessions = make_sessionmaker(engine)
    app.state.model = ModelSlot(settings.home, model)
    app.state.jobs = RetrainRunner(settings, app.state.sessions, app.state.model)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestTimeLimit, seconds=settings.request_timeout_s)  # outermost: body upload included
    app.add_exception_handler(RequestValidationError, _validation_error)
    for router in (tag.router, reports.router, report_metadata.router, zones.router, labels.router,
                   models.router):
        app.include_router(router, prefix="/v1")
    app.include_router(system.router)
    add_docs(app)
    add_page(app)
    return app


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with one readable sentence (plus FastAPI's itemised errors)."""
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return JSONResponse({"detail": "invalid request: " + "; ".join(parts),
                         "errors": jsonable_encoder(exc.errors())}, 422)
