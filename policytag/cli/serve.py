"""``policytag run`` (the main job) and ``policytag serve``."""

from __future__ import annotations

from typing import Annotated

import typer

from policytag.cli.io import emit, fail
from policytag.cli.quiet import quiet_libraries
from policytag.config import get_settings

HostOption = Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")]
PortOption = Annotated[int | None, typer.Option(help="Port (default 8000, or POLICYTAG_PORT).")]


def run(
    host: HostOption = None,
    port: PortOption = None,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API after preparing.")] = True,
    seeds: Annotated[bool, typer.Option(help="Store the seed reports (skipped when already stored).")] = True,
    fine_tune: Annotated[bool, typer.Option(
        "--fine-tune/--no-fine-tune",
        help="After training the first model, fine-tune the transformer in a background retraining job "
             "while serving (most of an hour on two cores); the service swaps to it only if it is better.")] = True,
) -> None:
    """The main job: train a champion if none is registered, store the seeds, serve the API."""
    quiet_libraries()
    from policytag import registry
    from policytag.model.model_types import BACKGROUND_MODEL_TYPE, FIRST_MODEL_TYPE
    from policytag.store.db import make_engine, make_sessionmaker, migrate
    from serving.ingest import ingest_seeds
    from serving.served_model import ModelSlot
    from training.train import train

    settings = _settings(host, port)
    client = registry.configure(settings.home)
    current = registry.champion(client)
    if current is None:
        emit({"event": "training", "reason": "no model registered as @champion",
              "store": registry.tracking_uri(settings.home)})
        emit({"event": "trained", **train(settings.home, settings.labels, [FIRST_MODEL_TYPE])})
    else:
        emit({"event": "champion", "version": str(current.version), "run_id": current.run_id})
    slot = ModelSlot(settings.home)
    model = slot.reload()  # a champion that cannot load (corrupt or missing artifact): serve reads without it
    if model is None:
        emit({"event": "no model", "reason": slot.error,
              "how": "the service starts and serves stored reports; /readyz says why it is not ready"})
    engine = make_engine(settings.db_url)
    migrate(engine)
    if seeds and model is not None:
        for result in ingest_seeds(make_sessionmaker(engine), model, settings.seeds):
            emit({"event": "seed", **result})
    elif seeds:
        emit({"event": "seeds skipped", "reason": "no model to tag them with"})
    engine.dispose()
    if serve_api:
        background = BACKGROUND_MODEL_TYPE if current is None and fine_tune else None
        if background:
            emit({"event": "fine-tuning", "model_type": background,
                  "how": "a background retraining job, listed at /v1/jobs and on the page's model tab; "
                         "the service swaps to the new model only if it beats the champion"})
        _serve(settings, model, background)


def serve(host: HostOption = None, port: PortOption = None) -> None:
    """Serve the API with the registered champion (no training, no seeds)."""
    _serve(_settings(host, port), None)


def _settings(host: str | None, port: int | None):
    from pydantic import ValidationError

    try:
        settings = get_settings()
    except ValidationError as exc:  # a bad setting: refuse to start, saying which and why (never a key)
        fail("bad settings: " + "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()))
    updates = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    return settings.model_copy(update=updates) if updates else settings


def _serve(settings, model, background_retrain: str | None = None) -> None:
    import uvicorn

    from serving.main import create_app

    url = f"http://{settings.host}:{settings.port}"
    emit({"event": "serving", "url": url, "docs": f"{url}/docs", "database": _redacted(settings.db_url),
          "api_key": "required on write endpoints (X-API-Key header)" if settings.write_keys else
          "not set: write endpoints are open; set POLICYTAG_API_KEY=<secret> before starting to protect them"})
    app = create_app(settings, model=model, background_retrain=background_retrain)
    try:
        # Keep-alive 30 s, not uvicorn's 5 s: a pooled client that reuses a connection just as the server
        # closes it gets "connection reset" (the likely cause of one reset seen in the concurrency-16 load test).
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", timeout_keep_alive=30)
    except OSError as exc:
        fail(f"cannot listen on {url}: {exc}; choose another port with --port")


def _redacted(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def register(app: typer.Typer) -> None:
    app.command()(run)
    app.command()(serve)
