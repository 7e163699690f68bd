"""The access log without query strings: a key sent as ``?api_key=…`` (or any other secret) never reaches it."""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class RedactQuery(logging.Filter):
    """uvicorn's access record is ``(client, method, path with query, http version, status)``: keep the path,
    replace the query by ``?…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def redact_access_log() -> None:
    """Install the filter once on uvicorn's access logger."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactQuery) for f in logger.filters):
        logger.addFilter(RedactQuery())
