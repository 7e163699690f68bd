"""SIGKILL the service in the middle of writes: after a restart the database is consistent and every
acknowledged write is there, on SQLite and PostgreSQL."""

import threading
import time

import httpx
import pytest

from tests.databases import BACKENDS, fresh_database
from tests.live_service import CONSISTENT, Service, consistency, report_text

WRITERS = 8


def write_until_killed(service: Service, work, after: int) -> list:
    """Run ``work(client, writer, k)`` in ``WRITERS`` threads, k = 0, 1, ...; SIGKILL the service once
    ``after`` writes were acknowledged. Returns the acknowledged ``(writer, k, response json)``."""
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def writer(w: int):
        with service.client() as client:
            for k in range(10_000):
                if stop.is_set():
                    return
                try:
                    body = work(client, w, k)
                except httpx.TransportError:  # the kill: this write was never acknowledged
                    return
                with lock:
                    acknowledged.append((w, k, body))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < after and time.monotonic() < deadline:
        time.sleep(0.01)
    service.kill()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(acknowledged) >= after, "writes too slow to reach the kill point"
    return acknowledged


@pytest.fixture(params=BACKENDS)
def service(request, model_home, tmp_path):
    with fresh_database(request.param) as url:
        svc = Service(model_home, tmp_path / "data", database_url=url)
        yield svc
        svc.stop()


def test_kill_during_ingestion_keeps_every_acknowledged_report_and_no_half_report(service):
    service.start()

    def ingest(client, w, k):
        r = client.post("/v1/reports", json={"text": report_text(w * 10_000 + k)})
        assert r.status_code == 201, r.text
        return r.json()

    acknowledged = write_until_killed(service, ingest, after=60)
    service.start()  # the same database after the kill
    with service.db() as db:
        stored = set(db.exec_driver_sql("SELECT id FROM reports").scalars())
        assert consistency(db) == CONSISTENT
    assert {body["report_id"] for _, _, body in acknowledged} <= stored
    assert len(stored) <= len(acknowledged) + WRITERS  # at most the writes in flight at the kill
    # each acknowledged report is whole: its segments and their predictions, as the answer gave them
    with service.client() as client:
        for _, _, body in acknowledged[:: max(1, len(acknowledged) // 10)]:
            again = client.get(f"/v1/reports/{body['report_id']}").json()
            assert [s["id"] for s in again["segments"]] == [s["id"] for s in body["segments"]]
            assert [s["labels"] for s in again["segments"]] == [s["labels"] for s in body["segments"]]


def test_kill_during_corrections_keeps_every_acknowledged_correction_in_order(service):
    service.start()
    with service.client() as client:
        r = client.post("/v1/reports", json={"text": "\n".join(report_text(n) for n in range(3))})
        segments = [s["id"] for s in r.json()["segments"]][:WRITERS]
    assert len(segments) == WRITERS
    themes = ["investment", "innovation", "bizenv", "party", "safety"]

    def correct(client, w, k):  # writer w corrects its own segment: k-th correction, note "k"
        r = client.put(f"/v1/segments/{segments[w]}/labels",
                       json={"labels": [themes[k % len(themes)]], "note": str(k)})
        assert r.status_code == 200, r.text
        return r.json()

    acknowledged = write_until_killed(service, correct, after=80)
    service.start()
    with service.db() as db:
        assert consistency(db) == CONSISTENT
    with service.client() as client:
        for w, segment in enumerate(segments):
            acked = sorted(k for writer, k, _ in acknowledged if writer == w)
            notes = [int(e["note"]) for e in client.get(f"/v1/segments/{segment}/labels").json()["history"]]
            assert notes[:len(acked)] == acked == list(range(len(acked)))
            assert len(notes) - len(acked) in (0, 1)  # plus the one in flight at the kill, if it committed
