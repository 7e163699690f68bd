"""``/docs`` (Swagger UI) and ``/redoc`` served offline: their scripts and styles come from the
``fastapi-offline`` package's static folder (``/docs-assets``), never from a CDN, so the API's
documentation works on a machine without internet access."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
PREFIX = "/docs-assets"

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    """Swagger UI, from the shipped bundle."""
    return get_swagger_ui_html(openapi_url="/openapi.json", title="policytag API",
                               swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
                               swagger_css_url=f"{PREFIX}/swagger-ui.css",
                               swagger_favicon_url=f"{PREFIX}/favicon.png")


@router.get("/redoc")
def redoc() -> HTMLResponse:
    """ReDoc, from the shipped standalone bundle, without web fonts."""
    return get_redoc_html(openapi_url="/openapi.json", title="policytag API",
                          redoc_js_url=f"{PREFIX}/redoc.standalone.js",
                          redoc_favicon_url=f"{PREFIX}/favicon.png", with_google_fonts=False)


def add_docs(app: FastAPI) -> None:
    """Serve the offline documentation; create the app with ``docs_url=None, redoc_url=None``."""
    app.include_router(router)
    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="docs-assets")
