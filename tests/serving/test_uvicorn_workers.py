"""Real ``uvicorn --workers 2`` on one PostgreSQL database, as docs/reliability.md documents: two retraining
requests at once start one job (the second is 409, whichever process each reached), and both worker processes
serve the new champion afterwards (the one that ran the job at once, the other by following ``@champion``).

Each HTTP connection stays with the worker process that accepted it; which one that is, is read from
``/proc`` (the process holding the server side of the connection's socket)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.databases import POSTGRES_ENV, fresh_database
from tests.live_service import ROOT, Service, private_copy

pytestmark = pytest.mark.skipif(not os.environ.get(POSTGRES_ENV),
                                reason=f"{POSTGRES_ENV} is not set (scripts/test.sh sets it)")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _worker_of(conn: http.client.HTTPConnection, server_port: int, workers: list[int]) -> int | None:
    """The worker process holding the server side of ``conn`` (after a request on it, so it was accepted)."""
    client_port = conn.sock.getsockname()[1]
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == server_port and int(fields[2].split(":")[1], 16) == client_port:
            inodes.add(f"socket:[{fields[9]}]")
    for pid in workers:
        try:
            if any(os.readlink(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir()):
                return pid
        except OSError:
            continue
    return None


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, dict]:
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, json.loads(r.read())


@pytest.fixture
def workers(model_home, tmp_path):
    """Two uvicorn workers on a fresh PostgreSQL database, with a private model store (the job moves its
    champion) and labels without the corpus (a retraining takes seconds)."""
    home = private_copy(model_home, tmp_path)
    shutil.copytree(ROOT / "labels", home / "labels", ignore=shutil.ignore_patterns("corpus"))
    with fresh_database("postgresql") as url:
        svc = Service(home, tmp_path / "data", command="workers:2", database_url=url,
                      env={"POLICYTAG_LABELS_DIR": str(home / "labels"), "POLICYTAG_CHAMPION_POLL_S": "1"})
        svc.start()
        yield svc
        svc.stop()


def test_two_workers_share_one_job_and_both_serve_the_new_champion(workers):
    worker_pids = _children(workers.proc.pid)
    pinned: dict[int, http.client.HTTPConnection] = {}  # one kept-alive connection per worker process
    for _ in range(60):
        conn = http.client.HTTPConnection("127.0.0.1", workers.port, timeout=30)
        assert _get(conn, "/healthz")[0] == 200
        pid = _worker_of(conn, workers.port, worker_pids)
        if pid is not None and pid not in pinned:
            pinned[pid] = conn
        else:
            conn.close()
        if len(pinned) == 2:
            break
    assert len(pinned) == 2, f"connections reached only {list(pinned)} of the workers {worker_pids}"
    assert {_get(conn, "/v1/model")[1]["version"] for conn in pinned.values()} == {"1"}

    both = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def retrain():
        with workers.client() as client:
            both.wait()
            answers.append(client.post("/v1/models/retrain", json={"model": "tfidf", "force": True}))

    threads = [threading.Thread(target=retrain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in answers) == [202, 409], [r.text for r in answers]
    started = next(r for r in answers if r.status_code == 202).json()["job_id"]
    assert next(r for r in answers if r.status_code == 409).json()["job_id"] == started

    with workers.client() as client:
        deadline = time.monotonic() + 300
        while (job := client.get(f"/v1/jobs/{started}").json())["status"] == "running":
            assert time.monotonic() < deadline, job
            time.sleep(0.5)
    assert job["status"] == "succeeded", job
    new_version = job["result"]["served_version"]
    assert new_version not in (None, "1")

    deadline = time.monotonic() + 30  # the other worker follows @champion within its poll (1 s here)
    served: dict[int, str] = {}
    while time.monotonic() < deadline:
        served = {pid: _get(conn, "/v1/model")[1]["version"] for pid, conn in pinned.items()}
        if set(served.values()) == {new_version}:
            break
        time.sleep(0.5)
    assert served == dict.fromkeys(pinned, new_version)
    for conn in pinned.values():
        conn.close()
