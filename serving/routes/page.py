"""The analysts' web page: ``/`` serves ``serving/page/index.html``, ``/page/*`` its script and style."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

PAGE_DIR = Path(__file__).resolve().parents[1] / "page"
# The page loads only its own files; report text is inserted as text, and this keeps any slip from running.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"])
def index() -> FileResponse:
    """The page."""
    return FileResponse(PAGE_DIR / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


class PageAssets(StaticFiles):
    """The page's static files, revalidated on every load so an upgrade is seen at once."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers.update({"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
        return response


def add_page(app: FastAPI) -> None:
    """Serve the page at ``/`` and its assets under ``/page``."""
    app.include_router(router)
    app.mount("/page", PageAssets(directory=PAGE_DIR), name="page")
