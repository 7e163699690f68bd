"""The Alembic migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from policytag.store.db import make_engine, migrate
from policytag.store.tables import Base
from tests.databases import BACKENDS, fresh_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_match_the_models_and_are_idempotent(backend, tmp_path):
    with fresh_database(backend) as url:
        engine = make_engine(url or f"sqlite:///{tmp_path}/db/policytag.db")
        try:
            migrate(engine)
            migrate(engine)  # a second start changes nothing
            assert {"reports", "segments", "predictions", "alembic_version"} <= set(inspect(engine).get_table_names())
            with engine.connect() as conn:
                assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
                if backend == "sqlite":
                    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        finally:
            engine.dispose()
