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

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from policytag.config import Settings
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
        """Jobs a previous service process left running did not finish: mark them failed."""
        with self.sessions() as session:
            for job in session.scalars(select(Job).where(Job.status.in_(ACTIVE))):
                job.status, job.error, job.finished_at = "failed", "the service stopped while the job ran", utcnow()
            session.commit()

    def start(self, requested_by: str, model: str = "all", include_authored: bool = True, force: bool = False) -> str:
        with self._lock:
            with self.sessions() as session:
                running = session.scalar(select(Job).where(Job.kind == "retrain", Job.status.in_(ACTIVE)))
                if running is not None:
                    raise JobRunning(running.id)
                job = Job(id=uuid.uuid4().hex[:12], kind="retrain", status="running", progress="starting",
                          requested_by=requested_by)
                session.add(job)
                session.commit()
                job_id = job.id
            log_dir = self.settings.data / "jobs"
            log_dir.mkdir(parents=True, exist_ok=True)
            log = (log_dir / f"{job_id}.log").open("w", encoding="utf-8")
            cmd = [sys.executable, "-m", "policytag.cli", "retrain", "--model", model,
                   "--include-authored" if include_authored else "--no-include-authored",
                   *(["--force"] if force else [])]
            proc = self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, env=self._env())
            self._update(job_id, pid=proc.pid)
        threading.Thread(target=self._watch, args=(job_id, proc, log), daemon=True).start()
        return job_id

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
        result = None
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("event") == "progress":
                self._update(job_id, progress=event["message"][:200])
            elif event.get("event") == "retrained":
                result = event
        code = proc.wait()
        log.close()
        if code == 0 and result is not None:
            if result.get("champion_moved"):
                self._update(job_id, progress="loading the new champion")
                served = self.slot.reload()
                result["served_version"] = served.version if served else None
            self._update(job_id, status="succeeded", progress="done", result=result, finished_at=utcnow())
        else:
            tail = "".join(deque(open(log.name, encoding="utf-8", errors="replace"), maxlen=5)).strip()
            self._update(job_id, status="failed", progress="failed", finished_at=utcnow(),
                         error=f"training exited with code {code}; the champion is unchanged. {tail[-1000:]}")

    def _update(self, job_id: str, **fields) -> None:
        with self.sessions() as session:
            job = session.get(Job, job_id)
            for k, v in fields.items():
                setattr(job, k, v)
            session.commit()


def job_view(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "status": job.status, "progress": job.progress,
            "requested_by": job.requested_by, "result": job.result, "error": job.error,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}
