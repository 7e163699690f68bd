"""Database engine, sessions and migrations (Alembic, applied on start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


POOL_TIMEOUT_S = 10  # the pool is sized to the threads, so waiting for a connection means something is wrong


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine holding up to ``pool_size`` connections (no overflow: the service sizes the pool to its
    threads, ``Settings.db_pool_size``); SQLite gets its parent folder, foreign keys, WAL and a busy timeout."""
    pool = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": POOL_TIMEOUT_S}
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **pool)
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    else:
        pool = {}  # an in-memory database has one connection (SingletonThreadPool / StaticPool)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


MIGRATION_LOCK_KEY = 21_0002  # the PostgreSQL advisory lock that serialises migrations


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision. Several processes starting at once on one database
    (``uvicorn --workers``) migrate one after the other, under PostgreSQL's advisory lock or SQLite's write lock:
    the first creates the tables, the others find them (was: a duplicate-key error that stopped every worker)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        elif engine.dialect.name == "sqlite":  # the write lock first (others wait: busy timeout)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_database(url: str) -> sessionmaker:
    """Engine + migrations + sessions: what a command needs to use the service's database."""
    engine = make_engine(url)
    migrate(engine)
    return make_sessionmaker(engine)
