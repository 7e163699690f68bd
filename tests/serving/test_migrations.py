"""The Alembic migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from policytag.store.db import make_engine, migrate
from policytag.store.tables import Base
from tests.databases import BACKENDS, fresh_database

ROOT = Path(__file__).resolve().parents[2]


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


MIGRATE = "import sys; from policytag.store.db import make_engine, migrate; migrate(make_engine(sys.argv[1]))"


@pytest.mark.parametrize("backend", BACKENDS)
def test_processes_starting_at_once_migrate_one_after_the_other(backend, tmp_path):
    """Was: ``uvicorn --workers 2`` on a fresh PostgreSQL database stopped with a duplicate-key error, both
    workers creating the tables at once (on SQLite: "table alembic_version already exists")."""
    with fresh_database(backend) as url:
        url = url or f"sqlite:///{tmp_path}/db/policytag.db"
        procs = [subprocess.Popen([sys.executable, "-c", MIGRATE, url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        failures = [err[-500:] for proc in procs if (err := proc.communicate(timeout=120)[1]) and proc.returncode]
        assert failures == []
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        finally:
            engine.dispose()
