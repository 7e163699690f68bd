"""A real ``policytag serve``/``run`` process on 127.0.0.1 for the page, fuzz, load and fault tests, and a look
into its database (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import Connection, create_engine

ROOT = Path(__file__).resolve().parents[1]
KEY = "k-reliability"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_copy(home: Path, into: Path) -> Path:
    """A copy of a project home whose MLflow store refers only to itself.

    The registry keeps absolute artifact locations; they are rewritten, so that a retraining run in the
    copy writes its artifacts into the copy (and a damaged copy damages only itself), never the original store.
    """
    copy = into / "home"
    shutil.copytree(home, copy)
    old, new = str(home.resolve()), str(copy.resolve())
    with sqlite3.connect(copy / "mlruns" / "mlflow.db") as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for _, column, kind, *_ in db.execute(f'PRAGMA table_info("{table}")').fetchall():
                if kind.upper().startswith(("VARCHAR", "TEXT")):
                    db.execute(f'UPDATE "{table}" SET "{column}" = replace("{column}", ?, ?) WHERE "{column}" LIKE ?',
                               (old, new, f"%{old}%"))
    return copy


def damaged_copy(home: Path, into: Path, damage: str) -> Path:
    """A private copy of ``home`` whose champion cannot load: its pickle cut in half (``corrupt``) or its
    artifacts deleted (``missing``)."""
    copy = private_copy(home, into)
    (model_dir,) = (copy / "mlruns" / "artifacts" / "models").iterdir()
    if damage == "corrupt":
        pickle = model_dir / "artifacts" / "python_model.pkl"
        pickle.write_bytes(pickle.read_bytes()[: pickle.stat().st_size // 2])
    else:
        shutil.rmtree(model_dir / "artifacts")
    return copy


class Service:
    """``policytag <command>`` on a free port, with the model store ``home`` and the database under ``data``.

    ``command`` is ``serve`` (no seeds) or ``run`` (the main job: stores the seeds, then serves), or
    ``workers:N``: ``uvicorn --factory serving.main:create_app --workers N``, as docs/reliability.md documents;
    ``database_url`` a PostgreSQL database (``tests/databases.py``), None for SQLite under ``data``.
    """

    def __init__(self, home: Path, data: Path, *, command: str = "serve", key: str = KEY,
                 env: dict[str, str | None] | None = None, database_url: str | None = None):
        self.home, self.data, self.command, self.key = home, data, command, key
        self.database_url = database_url or f"sqlite:///{(data / 'policytag.db').resolve()}"
        self.extra_env = {"POLICYTAG_BOOTSTRAP_RESAMPLES": "100", "POLICYTAG_DATABASE_URL": database_url,
                          **(env or {})}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = data / "service.log"

    def start(self, wait_ready: bool = True) -> Service:
        """Start the process and wait until ``/readyz`` is 200 (or, ``wait_ready=False``, until it answers)."""
        self.data.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "POLICYTAG_HOME": str(self.home), "POLICYTAG_DATA_DIR": str(self.data),
               "POLICYTAG_SEEDS_DIR": str(ROOT / "seeds"), "POLICYTAG_LABELS_DIR": str(ROOT / "labels"),
               "POLICYTAG_API_KEY": self.key}
        for name in ("MLFLOW_TRACKING_URI", "POLICYTAG_API_KEYS", "DATABASE_URL", "POLICYTAG_DATABASE_URL"):
            env.pop(name, None)
        env.update(self.extra_env)  # a value None unsets the variable
        env = {k: v for k, v in env.items() if v is not None}
        with self.log.open("a") as log:  # a file, not a pipe: a full pipe would stall the server
            self.proc = subprocess.Popen(self._command_line(), env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200 or not wait_ready:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        self.kill()
        raise RuntimeError(f"service not ready in 120 s: {self.log.read_text()[-2000:]}")

    def _command_line(self) -> list[str]:
        if self.command.startswith("workers:"):
            return [sys.executable, "-m", "uvicorn", "--factory", "serving.main:create_app", "--host", "127.0.0.1",
                    "--port", str(self.port), "--workers", self.command.removeprefix("workers:"),
                    "--timeout-keep-alive", "600"]
        return [sys.executable, "-m", "policytag.cli", self.command, "--port", str(self.port)]

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a power cut or an OOM kill."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"X-API-Key": self.key}, timeout=60)

    @contextmanager
    def db(self) -> Iterator[Connection]:
        """A connection to the service's database (SQLite or PostgreSQL), for checks after the fact."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()


def report_text(n: int, zone: str = "鹤城高新区", year: int = 2024) -> str:
    """A short report, different for every ``n`` (three paragraphs, three segments)."""
    return (f"{zone}{year}年工作总结(第{n}号)\n"
            f"全年新签约项目{n % 50 + 10}个,计划总投资{n % 90 + 20}亿元,引进企业{n % 30 + 5}家。\n"
            f"新增高新技术企业{n % 40 + 3}家,建成省级研发平台{n % 7 + 1}个,发明专利授权{n}件。\n"
            f"开展安全隐患排查整治,整改隐患{n * 3}处,全年未发生较大生产安全事故。")


CONSISTENT = {"integrity": "ok", "foreign_keys": [], "reports_with_missing_segments": [],
              "segments_without_prediction": []}


def consistency(db: Connection) -> dict:
    """Integrity figures of the stored data, ``CONSISTENT`` for a consistent database. The storage's own check
    (SQLite's ``integrity_check``; PostgreSQL's ``amcheck`` over every B-tree index), rows whose parent is gone,
    and reports not stored whole."""
    rows = db.exec_driver_sql
    if db.dialect.name == "sqlite":
        integrity = rows("PRAGMA integrity_check").scalar()
        foreign_keys = [tuple(r) for r in rows("PRAGMA foreign_key_check")]
    else:
        rows("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = rows("SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a "
                       "ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE a.amname = 'btree' AND n.nspname = 'public'").scalars().all()
        for oid in indexes:  # raises on a corrupt index
            rows(f"SELECT bt_index_check({int(oid)}, true)")
        integrity = "ok" if indexes else "no index checked"
        foreign_keys = [tuple(r) for r in rows(
            "SELECT 'segments', id FROM segments WHERE report_id NOT IN (SELECT id FROM reports) UNION ALL "
            "SELECT 'predictions', CAST(id AS TEXT) FROM predictions "
            "WHERE segment_id NOT IN (SELECT id FROM segments)")]
    return {
        "integrity": integrity,
        "foreign_keys": foreign_keys,
        "reports_with_missing_segments": [tuple(r) for r in rows(
            "SELECT id FROM reports r WHERE n_segments != (SELECT COUNT(*) FROM segments s WHERE s.report_id = r.id)"
        )],
        "segments_without_prediction": [tuple(r) for r in rows(
            "SELECT id FROM segments WHERE id NOT IN (SELECT segment_id FROM predictions)")],
    }
