"""The FastAPI application: ``create_app()`` wires settings, database, model and routes."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policytag import __version__
from policytag.config import Settings, get_settings
from policytag.store.db import make_engine, make_sessionmaker, migrate
from serving.access_log import redact_access_log
from serving.capacity import HeavyGate, InFlightLimit, limit_threads
from serving.errors import add_disk_full_handler
from serving.jobs import RetrainRunner
from serving.limits import BodySizeLimit, RefuseNulInUrl, RequestTimeLimit
from serving.retag import CHANGED_MEANWHILE
from serving.routes import explain, labels, models, report_metadata, reports, system, tag, zones
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
    engine = make_engine(settings.db_url, pool_size=settings.db_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        limit_threads(settings.threads)
        redact_access_log()  # here, after uvicorn has configured its loggers
        migrate(engine)
        app.state.jobs.recover()
        if load_model and not app.state.model.loaded:
            app.state.model.reload()
            if not app.state.model.loaded:
                log.warning("serving without a model: %s", app.state.model.error)
        follower = asyncio.create_task(_follow_champion(app.state.model, settings.champion_poll_s))
        if background_retrain:
            job_id = app.state.jobs.start("main job", background_retrain)
            log.info("retraining %s in the background: follow /v1/jobs/%s", background_retrain, job_id)
        yield
        follower.cancel()
        app.state.jobs.shutdown()
        engine.dispose()

    app = FastAPI(title="policytag", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # served offline by add_docs
    app.state.settings = settings
    app.state.sessions = make_sessionmaker(engine)
    app.state.model = ModelSlot(settings.home, model)
    app.state.jobs = RetrainRunner(settings, app.state.sessions, app.state.model)
    app.state.heavy = HeavyGate(settings.heavy_slots, settings.heavy_queue)
    app.add_middleware(InFlightLimit, limit=settings.max_requests)
    app.add_middleware(RefuseNulInUrl)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestTimeLimit, seconds=settings.request_timeout_s)  # outermost: body upload included
    app.add_exception_handler(RequestValidationError, _validation_error)
    add_disk_full_handler(app)
    for changed in CHANGED_MEANWHILE:
        app.add_exception_handler(changed, _changed_meanwhile)
    for router in (tag.router, reports.router, report_metadata.router, zones.router, labels.router,
                   models.router, explain.router):
        app.include_router(router, prefix="/v1")
    app.include_router(system.router)
    add_docs(app)
    add_page(app)
    return app


async def _follow_champion(slot: ModelSlot, every_s: float) -> None:
    """Swap to a new @champion moved by another process (every worker serves the same model within
    ``every_s`` seconds of a retraining job finishing in any of them)."""
    while every_s > 0:
        await asyncio.sleep(every_s)
        try:
            if await run_in_threadpool(slot.follow_champion):
                log.info("@champion moved: now serving %s", slot.get().version if slot.loaded else slot.error)
        except Exception:  # noqa: BLE001 - the registry may be briefly unreachable; try again next time
            log.warning("could not check @champion", exc_info=True)


async def _changed_meanwhile(request: Request, exc: Exception) -> JSONResponse:
    """A write that raced another one (a DELETE of the report it changes, the same row stored twice): 409,
    nothing of it stored (its transaction is rolled back), never a 500."""
    log.info("%s %s raced another request: %s", request.method, request.url.path, exc.__class__.__name__)
    return JSONResponse({"detail": "the data changed while this request ran (another request deleted or "
                                   "stored the same thing): nothing was changed; check it and send again"}, 409)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with one readable sentence (plus FastAPI's itemised errors)."""
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return JSONResponse({"detail": "invalid request: " + "; ".join(parts),
                         "errors": jsonable_encoder(exc.errors())}, 422)
