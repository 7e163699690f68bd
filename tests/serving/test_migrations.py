"""The Alembic migrations build exactly the tables the code declares."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from policytag.store.db import make_engine, migrate
from policytag.store.tables import Base


def test_migrations_match_the_models_and_are_idempotent(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/db/policytag.db")
    migrate(engine)
    migrate(engine)  # a second start changes nothing
    assert {"reports", "segments", "predictions", "alembic_version"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
