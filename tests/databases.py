"""The databases the storage tests run against: SQLite always; PostgreSQL when ``POLICYTAG_TEST_POSTGRES_URL``
names a server (``scripts/test.sh`` starts a throwaway cluster and sets it), each test on a fresh database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "POLICYTAG_TEST_POSTGRES_URL"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} is not set (scripts/test.sh sets it)")),
]


@contextmanager
def fresh_database(backend: str) -> Iterator[str | None]:
    """A database URL for one test or module: None for SQLite (the settings' file under the data folder), or
    a new, empty PostgreSQL database, dropped afterwards."""
    if backend == "sqlite":
        yield None
        return
    admin_url = os.environ[POSTGRES_ENV]
    name = f"policytag_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
