"""A full disk answers 507 with what to do, never a bare 500, and loses nothing stored: the driver's own error
(SQLite's "database or disk is full", PostgreSQL's DiskFull) raised where the statement runs, and the OS's
ENOSPC where a file is written; on SQLite and PostgreSQL."""

from __future__ import annotations

import errno
import sqlite3
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from serving.jobs import RetrainRunner
from serving.main import create_app
from tests.live_service import report_text
from tests.serving.conftest import make_settings

KEY = {"X-API-Key": "ka"}


@pytest.fixture
def client(database_url, model_home, champion, tmp_path):
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url, api_keys="alice:ka")
    with TestClient(create_app(settings, model=champion), raise_server_exceptions=False) as c:
        yield c


def _driver_disk_full(dialect: str) -> Exception:
    if dialect == "sqlite":
        return sqlite3.OperationalError("database or disk is full")
    import psycopg.errors

    return psycopg.errors.DiskFull('could not extend file "base/16384/16500": No space left on device')


@contextmanager
def disk_full_on_writes(client):
    """Every INSERT or UPDATE fails as on a full disk, raised by the driver under SQLAlchemy (which wraps it)."""
    engine = client.app.state.sessions.kw["bind"]

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise _driver_disk_full(engine.dialect.name)

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def test_a_full_disk_is_507_and_keeps_what_was_stored(client):
    first = client.post("/v1/reports", json={"text": report_text(1)}, headers=KEY)
    assert first.status_code == 201
    segment = first.json()["segments"][0]["id"]
    with disk_full_on_writes(client):
        r = client.post("/v1/reports", json={"text": report_text(2)}, headers=KEY)
        assert r.status_code == 507, r.text
        assert "disk is full" in r.json()["detail"] and "nothing of this request was stored" in r.json()["detail"]
        r = client.put(f"/v1/segments/{segment}/labels", json={"labels": ["safety"]}, headers=KEY)
        assert r.status_code == 507, r.text
        assert client.get("/v1/reports").json()["total"] == 1  # reads go on
    # nothing of the refused writes stored, the first report whole
    assert client.get(f"/v1/segments/{segment}/labels").json()["history"] == []
    again = client.get(f"/v1/reports/{first.json()['report_id']}").json()
    assert [s["labels"] for s in again["segments"]] == [s["labels"] for s in first.json()["segments"]]
    # with space again, the same write succeeds
    assert client.post("/v1/reports", json={"text": report_text(2)}, headers=KEY).status_code == 201
    assert client.get("/v1/reports").json()["total"] == 2


def test_no_space_for_a_file_is_507(client, monkeypatch):
    def no_space(self, job_id):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(RetrainRunner, "_open_log", no_space)
    r = client.post("/v1/models/retrain", json={"model": "tfidf"}, headers=KEY)
    assert r.status_code == 507 and "disk is full" in r.json()["detail"], r.text
    jobs = client.get("/v1/jobs").json()["jobs"]
    assert jobs[0]["status"] == "failed" and "No space left on device" in jobs[0]["error"]


def test_other_database_errors_stay_server_errors(client):
    """Only a full disk is 507: another operational error is not dressed up as one."""
    engine = client.app.state.sessions.kw["bind"]

    def broken(conn, cursor, statement, parameters, context, executemany):
        raise sqlite3.OperationalError("disk I/O error") if engine.dialect.name == "sqlite" else \
            __import__("psycopg").errors.AdminShutdown("terminating connection")

    event.listen(engine, "before_cursor_execute", broken)
    try:
        assert client.get("/v1/reports").status_code == 500
    finally:
        event.remove(engine, "before_cursor_execute", broken)
