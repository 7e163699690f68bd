"""Request limits: body size, enforced while the body streams in (Content-Length may be absent or lie),
and time to the start of the answer."""

from __future__ import annotations

import asyncio

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
        started = False

        async def tracked_send(message):
            nonlocal started
            started = True
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, tracked_send), self.seconds)
        except TimeoutError:
            if started:
                raise
            detail = (f"the request took longer than {self.seconds:g} s: send a shorter report "
                      "or raise POLICYTAG_REQUEST_TIMEOUT_S")
            await JSONResponse({"detail": detail}, 503)(scope, receive, send)
