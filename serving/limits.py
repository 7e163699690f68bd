"""Request limits: body size, enforced while the body streams in (Content-Length may be absent or lie),
and time to the start of the answer."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import HTTPException
from fastapi.responses import JSONResponse


def too_large(max_bytes: int) -> str:
    return f"request body is larger than {max_bytes} bytes: send a smaller report or raise POLICYTAG_MAX_BODY_BYTES"


class BodySizeLimit:
    """ASGI middleware: 413 when a request body exceeds ``max_bytes``.

    A declared Content-Length is checked up front; otherwise reading past the
    limit raises an HTTPException(413) from ``receive``, which the app renders.
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await JSONResponse({"detail": too_large(self.max_bytes)}, 413)(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, too_large(self.max_bytes))
            return message

        await self.app(scope, limited_receive, send)


class RequestTimeLimit:
    """ASGI middleware: 503 when the app has not started its answer within ``seconds``.

    Work already handed to a thread (tagging, a write) is not killed: it finishes
    in the background, so a timed-out write may still be stored; sending the same
    report again is safe (stored reports are deduplicated by content).
    """

    def __init__(self, app, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = asyncio.Event()

        async def tracked_send(message):
            started.set()
            await send(message)

        app = asyncio.ensure_future(self.app(scope, receive, tracked_send))
        answer_started = asyncio.ensure_future(started.wait())
        try:  # only the start of the answer is timed: a long answer (a big CSV, a slow client) is not cut
            await asyncio.wait({app, answer_started}, timeout=self.seconds, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            app.cancel()
            raise
        finally:
            answer_started.cancel()
        if not app.done() and not started.is_set():
            app.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await app
            detail = (f"the request took longer than {self.seconds:g} s: send a shorter report "
                      "or raise POLICYTAG_REQUEST_TIMEOUT_S")
            await JSONResponse({"detail": detail}, 503)(scope, receive, send)
            return
        await app


class RefuseNulInUrl:
    """ASGI middleware: 422 when the path or query holds a NUL (``%00``), on every endpoint: PostgreSQL cannot
    compare with it (a 500 there), SQLite can; the same request gets the same answer on both."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and ("\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")
                                        or b"%00" in (scope.get("raw_path") or b"")):
            body = {"detail": "the URL contains a NUL character (%00): remove it"}
            return await JSONResponse(body, 422)(scope, receive, send)
        await self.app(scope, receive, send)
