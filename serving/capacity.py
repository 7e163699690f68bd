"""Bounded concurrency: the worker-thread limit, and a gate for heavy requests (parse + tag).

At most ``slots`` heavy requests run at once and ``queue`` more wait for a slot; one more is answered 503
with ``Retry-After`` at once, instead of stalling every request behind it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import HTTPException

RETRY_AFTER_S = 2


def limit_threads(threads: int) -> None:
    """Blocking work (sync endpoints, database calls, parsing, tagging) runs on at most ``threads`` threads."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


class HeavyGate:
    def __init__(self, slots: int, queue: int):
        self.slots, self.queue = slots, queue
        self._admitted = 0  # running + waiting; only touched on the event loop
        self._semaphore = asyncio.Semaphore(slots)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the block; 503 when ``slots`` are busy and ``queue`` requests already wait."""
        if self._admitted >= self.slots + self.queue:
            raise HTTPException(503, f"the service is busy ({self.slots} reports being tagged, {self.queue} "
                                     f"waiting): retry in {RETRY_AFTER_S} s, or raise POLICYTAG_HEAVY_SLOTS / "
                                     "POLICYTAG_HEAVY_QUEUE", headers={"Retry-After": str(RETRY_AFTER_S)})
        self._admitted += 1
        try:
            async with self._semaphore:
                yield
        finally:
            self._admitted -= 1


class InFlightLimit:
    """ASGI middleware: at most ``limit`` requests inside the app at once; more wait on the event loop, holding
    no thread and no database connection. The pool has more connections than ``limit``, so no request waits
    for one: a request keeps its session's connection until its answer is serialised (in a worker thread), and
    without this bound, requests holding connections while waiting for a thread and threads waiting for a
    connection locked each other up until the pool timeout (64 concurrent reads: 40 × 500).
    ``/healthz`` and ``/readyz`` skip the queue."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self._semaphore = asyncio.Semaphore(limit)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] in ("/healthz", "/readyz"):
            return await self.app(scope, receive, send)
        async with self._semaphore:
            await self.app(scope, receive, send)
