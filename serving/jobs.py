"""Background retraining: one job at a time, in a child process, its state kept in the database.

The child (``policytag retrain``) snapshots the labels, trains, registers, and
moves ``@champion`` only if the new model is better. The service then
swaps to the new champion. Killing the child leaves the champion and every
stored label as they were: nothing is promoted before the very end, and the
child never writes labels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections import deque
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from policytag.config import Settings
from policytag.job_steps import english, parse, step
from policytag.store.tables import Job, utcnow
from serving.served_model import ModelSlot

ACTIVE = ("queued", "running")


class JobRunning(RuntimeError):
    def __init__(self, job_id: str):
        super().__init__(job_id)
        self.job_id = job_id


class RetrainRunner:
    def __init__(self, settings: Settings, sessions: sessionmaker, slot: ModelSlot):
        self.settings, self.sessions, self.slot = settings, sessions, slot
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    def recover(self) -> None:
        """Jobs whose service process stopped did not finish: mark them failed. A job another service process
        (a sibling worker on this host) still follows is left alone."""
        with self.sessions() as session:
            for job in session.scalars(select(Job).where(Job.status.in_(ACTIVE))):
                if _followed(job.pid):
                    continue
                job.status, job.error, job.finished_at = "failed", "the service stopped while the job ran", utcnow()
            session.commit()

    def start(self, requested_by: str, model: str = "all", include_authored: bool = True, force: bool = False) -> str:
        with self._lock:  # one job per process; _lock_jobs makes it one across the processes of a database
            with self.sessions() as session:
                _lock_jobs(session)
                running = session.scalar(select(Job).where(Job.kind == "retrain", Job.status.in_(ACTIVE)))
                if running is not None:
                    raise JobRunning(running.id)
                job = Job(id=uuid.uuid4().hex[:12], kind="retrain", status="running", **at_step("starting"),
                          requested_by=requested_by)
                session.add(job)
                session.commit()
                job_id = job.id
            try:
                log = self._open_log(job_id)
                cmd = [sys.executable, "-m", "policytag.cli", "retrain", "--model", model,
                       "--include-authored" if include_authored else "--no-include-authored",
                       *(["--force"] if force else [])]
                proc = self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True,
                                                     env=self._env())
                self._update(job_id, pid=proc.pid)
            except Exception as exc:  # e.g. a full disk: the job ends failed, it never stays running
                self._update(job_id, status="failed", **at_step("failed"), finished_at=utcnow(),
                             error=f"the job could not start: {exc.__class__.__name__}: {exc}"[:1000])
                raise
        threading.Thread(target=self._watch, args=(job_id, proc, log), daemon=True).start()
        return job_id

    def _open_log(self, job_id: str):
        log_dir = self.settings.data / "jobs"
        log_dir.mkdir(parents=True, exist_ok=True)
        return (log_dir / f"{job_id}.log").open("w", encoding="utf-8")

    def shutdown(self) -> None:
        """Stop a running job with the service (it is then marked failed; nothing was promoted)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    def _env(self) -> dict:
        s = self.settings
        return {**os.environ, "POLICYTAG_HOME": str(s.home), "POLICYTAG_LABELS_DIR": str(s.labels),
                "POLICYTAG_SEEDS_DIR": str(s.seeds), "POLICYTAG_DATA_DIR": str(s.data),
                "POLICYTAG_DATABASE_URL": s.db_url}

    def _watch(self, job_id: str, proc: subprocess.Popen, log) -> None:
        """Follow the child to its end; whatever fails on the way, the job ends ``failed`` with a reason."""
        try:
            self._follow(job_id, proc, log)
        except Exception as exc:  # noqa: BLE001 - the job must never stay running
            self._update(job_id, status="failed", **at_step("failed"), finished_at=utcnow(),
                         error=f"the job failed: {exc.__class__.__name__}: {exc}"[:1000])

    def _follow(self, job_id: str, proc: subprocess.Popen, log) -> None:
        result = None
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(event, dict):
                continue
            if event.get("event") == "progress":
                reported = parse(event.get("step"))  # a step outside the vocabulary keeps the English text only
                self._update(job_id, progress=(english(reported) if reported else str(event.get("message", "")))[:200],
                             progress_step=reported)
            elif event.get("event") == "retrained":
                result = event
        code = proc.wait()
        log.close()
        if code != 0 or result is None:
            self._update(job_id, status="failed", **at_step("failed"), finished_at=utcnow(),
                         error=f"training exited with code {code}; the champion is unchanged. "
                               f"{_last_line(log.name)} (the full log is in the service's data/jobs/{job_id}.log)")
            return
        if result.get("champion_moved"):
            self._update(job_id, **at_step("loading_champion"))
            served = self.slot.reload()
            result["served_version"] = served.version if served else None
            if self.slot.error is not None:
                self._update(job_id, status="failed", **at_step("failed"), result=result, finished_at=utcnow(),
                             error=f"the new champion was registered but the service cannot serve it: "
                                   f"{self.slot.error}")
                return
        self._update(job_id, status="succeeded", **at_step("done"), result=result, finished_at=utcnow())

    def _update(self, job_id: str, **fields) -> None:
        with self.sessions() as session:
            job = session.get(Job, job_id)
            for k, v in fields.items():
                setattr(job, k, v)
            session.commit()


def at_step(name: str, **params: str | int) -> dict:
    """A job's progress fields at a step: the step and its English sentence."""
    reported = step(name, **params)
    return {"progress": english(reported), "progress_step": reported}


JOBS_LOCK_KEY = 21_0001  # the PostgreSQL advisory lock that serialises job starts


def _lock_jobs(session) -> None:
    """Hold, until the transaction ends, the lock that serialises job starts across every process sharing the
    database: PostgreSQL's advisory lock; on SQLite, the database's write lock (a write that changes nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": JOBS_LOCK_KEY})
    else:
        session.execute(text("UPDATE jobs SET status = status WHERE 1 = 0"))


def _followed(pid: int | None) -> bool:
    """Whether a job's child process runs on this host under a live parent (a service process following it)."""
    if not pid:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    parent = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state
    return parent > 1 and Path(f"/proc/{parent}").exists()


def _last_line(path: str) -> str:
    """The log's last line (an exception's message), never the traceback's source lines: job views are public."""
    with open(path, encoding="utf-8", errors="replace") as log:
        lines = [line.strip() for line in deque(log, maxlen=20)]
    last = next((line for line in reversed(lines) if line), "")
    return last[:300]


def job_view(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "status": job.status, "progress": job.progress,
            "progress_step": job.progress_step,
            "requested_by": job.requested_by, "result": job.result, "error": job.error,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}
