"""Database engine, sessions and migrations (Alembic, applied on start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
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


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_database(url: str) -> sessionmaker:
    """Engine + migrations + sessions: what a command needs to use the service's database."""
    engine = make_engine(url)
    migrate(engine)
    return make_sessionmaker(engine)
