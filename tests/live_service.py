"""A real ``policytag serve``/``run`` process on 127.0.0.1 for the page, fuzz, load and fault tests, and a look
into its database."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
KEY = "k-reliability"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """``policytag <command>`` on a free port, with the model store ``home`` and the database under ``data``.

    ``command`` is ``serve`` (no seeds) or ``run`` (the main job: stores the seeds, then serves).
    """

    def __init__(self, home: Path, data: Path, *, command: str = "serve", key: str = KEY,
                 env: dict[str, str | None] | None = None):
        self.home, self.data, self.command, self.key = home, data, command, key
        self.extra_env = {"POLICYTAG_BOOTSTRAP_RESAMPLES": "100", **(env or {})}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = data / "service.log"

    def start(self) -> Service:
        self.data.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "POLICYTAG_HOME": str(self.home), "POLICYTAG_DATA_DIR": str(self.data),
               "POLICYTAG_SEEDS_DIR": str(ROOT / "seeds"), "POLICYTAG_LABELS_DIR": str(ROOT / "labels"),
               "POLICYTAG_API_KEY": self.key}
        for name in ("MLFLOW_TRACKING_URI", "POLICYTAG_API_KEYS", "DATABASE_URL", "POLICYTAG_DATABASE_URL"):
            env.pop(name, None)
        env.update(self.extra_env)  # a value None unsets the variable
        env = {k: v for k, v in env.items() if v is not None}
        with self.log.open("a") as log:  # a file, not a pipe: a full pipe would stall the server
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "policytag.cli", self.command, "--port", str(self.port)],
                env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        self.kill()
        raise RuntimeError(f"service not ready in 120 s: {self.log.read_text()[-2000:]}")

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

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data / "policytag.db")


def report_text(n: int, zone: str = "鹤城高新区", year: int = 2024) -> str:
    """A short report, different for every ``n`` (three paragraphs, three segments)."""
    return (f"{zone}{year}年工作总结(第{n}号)\n"
            f"全年新签约项目{n % 50 + 10}个,计划总投资{n % 90 + 20}亿元,引进企业{n % 30 + 5}家。\n"
            f"新增高新技术企业{n % 40 + 3}家,建成省级研发平台{n % 7 + 1}个,发明专利授权{n}件。\n"
            f"开展安全隐患排查整治,整改隐患{n * 3}处,全年未发生较大生产安全事故。")


def consistency(db: sqlite3.Connection) -> dict:
    """Integrity figures of the stored data: all must be empty/ok for a consistent database."""
    return {
        "integrity": db.execute("PRAGMA integrity_check").fetchone()[0],
        "foreign_keys": db.execute("PRAGMA foreign_key_check").fetchall(),
        "reports_with_missing_segments": db.execute(
            "SELECT id FROM reports r WHERE n_segments != (SELECT COUNT(*) FROM segments s WHERE s.report_id = r.id)"
        ).fetchall(),
        "segments_without_prediction": db.execute(
            "SELECT id FROM segments WHERE id NOT IN (SELECT segment_id FROM predictions)").fetchall(),
    }
