"""A champion that cannot load, a reload that fails, a retraining job that fails at any stage: reads go on,
the answers say why (503 with a message), jobs end ``failed`` with a reason and no traceback, and
``@champion`` never moves to a version that does not load."""

from __future__ import annotations

import sys
import textwrap
import uuid

import pytest
from fastapi.testclient import TestClient

from policytag import registry
from policytag.store.tables import Job
from serving import served_model
from serving.main import create_app
from tests.serving.conftest import make_settings

KEY = {"X-API-Key": "ka"}


def _broken(home):
    raise EOFError("Ran out of input")  # what a truncated model pickle raises


@pytest.fixture
def broken_champion(monkeypatch):
    monkeypatch.setattr(served_model, "load_champion", _broken)


def test_a_champion_that_cannot_load_still_serves_reads_and_says_so(tmp_path, model_home, champion,
                                                                     broken_champion, database_url):
    """Was: the service did not start (exit 3), reads included; POST /v1/models/reload was a bare 500."""
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url, api_keys="alice:ka")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/reports").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "cannot be loaded (EOFError: Ran out of input)" in ready.json()["detail"]
        r = client.post("/v1/models/reload", headers=KEY)
        assert r.status_code == 503 and "EOFError" in r.json()["detail"]
        r = client.post("/v1/tag", json={"text": "全年新签约项目32个。"})
        assert r.status_code == 503 and "no model is served" in r.json()["detail"]


def test_a_failed_reload_keeps_serving_the_model_it_had(tmp_path, model_home, champion, monkeypatch, database_url):
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url, api_keys="alice:ka")
    with TestClient(create_app(settings, model=champion), raise_server_exceptions=False) as client:
        monkeypatch.setattr(served_model, "load_champion", _broken)
        r = client.post("/v1/models/reload", headers=KEY)
        assert r.status_code == 503 and f"still serving version {champion.version}" in r.json()["detail"]
        assert client.post("/v1/tag", json={"text": "全年新签约项目32个。"}).status_code == 200


def _run_job(client, child: str) -> dict:
    """Run the retraining watcher on a child process running ``child`` (Python), as a real job would."""
    import subprocess

    runner = client.app.state.jobs
    job_id = uuid.uuid4().hex[:12]
    with client.app.state.sessions() as session:
        session.add(Job(id=job_id, kind="retrain", status="running", progress="starting", requested_by="t"))
        session.commit()
    log = runner._open_log(job_id)
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(child)], stdout=subprocess.PIPE, stderr=log,
                            text=True)
    runner._watch(job_id, proc, log)
    return client.get(f"/v1/jobs/{job_id}").json()


MOVED = 'import json; print(json.dumps({"event": "retrained", "champion_moved": True}))'


def test_a_job_whose_new_champion_cannot_load_ends_failed(tmp_path, model_home, champion, monkeypatch, database_url):
    """Was: the watcher thread died and the job stayed 'loading the new champion'; every retrain was a 409."""
    with TestClient(create_app(make_settings(model_home, tmp_path / "data", database_url=database_url),
                               model=champion)) as client:
        monkeypatch.setattr(served_model, "load_champion", _broken)
        job = _run_job(client, MOVED)
        assert job["status"] == "failed" and "cannot serve it" in job["error"] and "EOFError" in job["error"]
        assert job["finished_at"] is not None


def test_a_job_failing_anywhere_ends_failed_with_a_reason(tmp_path, model_home, champion, monkeypatch, database_url):
    with TestClient(create_app(make_settings(model_home, tmp_path / "data", database_url=database_url),
                               model=champion)) as client:
        def explode():
            raise RuntimeError("disk full")
        monkeypatch.setattr(client.app.state.model, "reload", explode)
        job = _run_job(client, MOVED)
        assert job["status"] == "failed" and job["error"] == "the job failed: RuntimeError: disk full"


def test_a_failed_job_shows_the_reason_and_no_traceback(tmp_path, model_home, champion, database_url):
    with TestClient(create_app(make_settings(model_home, tmp_path / "data", database_url=database_url),
                               model=champion)) as client:
        job = _run_job(client, """
            def train(heading):
                return heading.strip()
            train(5)
        """)
        assert job["status"] == "failed"
        assert "AttributeError: 'int' object has no attribute 'strip'" in job["error"]
        for source_line in ("Traceback", 'File "', "heading.strip()"):
            assert source_line not in job["error"]


class _Client:
    """An MlflowClient stand-in that records alias moves, on the real store of ``model_home``."""

    def __init__(self, uri: str):
        self.tracking_uri, self.moves = uri, []

    def set_registered_model_alias(self, name, alias, version):
        self.moves.append(version)


def test_champion_moves_only_to_a_version_that_loads(model_home, champion, monkeypatch):
    client = _Client(registry.tracking_uri(model_home))
    registry.set_champion(client, champion.version)  # type: ignore[arg-type]
    assert client.moves == [champion.version]
    import mlflow.pyfunc

    monkeypatch.setattr(mlflow.pyfunc, "load_model", lambda uri: _broken(uri))
    with pytest.raises(registry.NoModelError, match="cannot be loaded, so it does not become @champion"):
        registry.set_champion(client, champion.version)  # type: ignore[arg-type]
    assert client.moves == [champion.version]
