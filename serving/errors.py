"""A full disk answers 507 with what to do, never a bare 500: SQLite's "database or disk is full", PostgreSQL's
``disk_full`` (SQLSTATE 53100) and the OS's ``ENOSPC``. The request's transaction is rolled back (its session
closes without a commit), so nothing of it is stored and everything stored before stays."""

from __future__ import annotations

import errno
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

log = logging.getLogger("policytag.serving")

DISK_FULL_DETAIL = ("the server's disk is full: nothing of this request was stored, and what was stored before is "
                    "intact; free disk space on the server (the database's or the data folder's) and send it again")
POSTGRES_DISK_FULL = "53100"


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or the driver error it wraps) says the disk is full."""
    if isinstance(exc, OperationalError):
        orig = exc.orig
        return (getattr(orig, "sqlstate", None) == POSTGRES_DISK_FULL
                or "database or disk is full" in str(orig) or is_disk_full(orig))
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC


async def _disk_full(request: Request, exc: Exception) -> JSONResponse:
    if not is_disk_full(exc):
        raise exc  # any other database or OS error: the server error it always was
    log.error("%s %s: the disk is full (%s)", request.method, request.url.path, exc.__class__.__name__)
    return JSONResponse({"detail": DISK_FULL_DETAIL}, 507)


def add_disk_full_handler(app: FastAPI) -> None:
    for kind in (OperationalError, OSError):
        app.add_exception_handler(kind, _disk_full)
