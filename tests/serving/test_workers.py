"""Several service processes on one database (uvicorn --workers, or several behind a proxy): one retraining job
across all of them, taken under a database lock; each process swaps to a new @champion by itself."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from policytag.store.tables import Job
from serving import jobs as jobs_module
from serving import served_model
from serving.jobs import JobRunning
from serving.main import create_app
from tests.serving.conftest import make_settings


@pytest.fixture
def two_workers(database_url, model_home, champion, tmp_path, monkeypatch):
    """Two apps, each with its own engine and pool (as two processes have), on one database; a retraining
    job's child is a sleeper, so only the starting is tested."""
    real_popen = subprocess.Popen
    monkeypatch.setattr(jobs_module.subprocess, "Popen", lambda cmd, **kw: real_popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], **kw))
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url)
    with TestClient(create_app(settings, model=champion)) as a, TestClient(create_app(settings, model=champion)) as b:
        yield a.app.state.jobs, b.app.state.jobs
        a.app.state.jobs.shutdown()
        b.app.state.jobs.shutdown()
        _until_no_job_runs(a.app.state.sessions)  # the watchers' last write, before the database is dropped


def _until_no_job_runs(sessions, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with sessions() as session:
            if not session.scalars(select(Job).where(Job.status.in_(jobs_module.ACTIVE))).first():
                return
        time.sleep(0.1)


def test_one_retraining_job_across_processes(two_workers, monkeypatch):
    """Was: each process allowed one (a lock per process plus a query, racing between processes)."""
    real_uuid4 = jobs_module.uuid.uuid4

    def slow_uuid4():  # widen the window between "no job is running" and storing the new job
        time.sleep(0.5)
        return real_uuid4()

    monkeypatch.setattr(jobs_module.uuid, "uuid4", slow_uuid4)
    started, refused = [], []
    both = threading.Barrier(2)

    def start(runner):
        both.wait()
        try:
            started.append(runner.start("t", "tfidf"))
        except JobRunning as exc:
            refused.append(exc.job_id)

    threads = [threading.Thread(target=start, args=(runner,)) for runner in two_workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(started) == 1 and refused == started


def test_a_process_started_later_leaves_a_sibling_s_running_job_alone(two_workers, model_home, champion,
                                                                       tmp_path):
    first, _ = two_workers
    job_id = first.start("t", "tfidf")
    first.recover()  # what a sibling worker does when it starts
    with first.sessions() as session:
        assert session.get(jobs_module.Job, job_id).status == "running"


def test_every_process_swaps_to_a_new_champion_by_itself(model_home, champion, monkeypatch):
    slot = served_model.ModelSlot(model_home)
    slot.reload()
    assert slot.follow_champion() is False  # the champion did not move
    moved = served_model.ServedModel("policytag", "99", "champion", "run", champion.tagger)
    real_resolve = served_model.registry.resolve
    monkeypatch.setattr(served_model.registry, "resolve", lambda home: replace(real_resolve(home), version="99"))
    monkeypatch.setattr(served_model, "load_champion", lambda home: moved)
    assert slot.follow_champion() is True and slot.get().version == "99"
    assert slot.follow_champion() is False
