"""A bounded load test against a real uvicorn process: mixed traffic at concurrency 16, no errors, and the
database holds exactly the reports that were acknowledged (none lost, none duplicated)."""

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_service import KEY, Service, consistency, report_text

CLIENTS = 16
REQUESTS = 2000
REPORTS = 300  # distinct reports ingested, each sent twice
ZONES = ["鹤城高新区", "清远高新区", "河源高新区", "阜新高新区"]


@pytest.fixture(scope="module")
def service(model_home, tmp_path_factory):
    svc = Service(model_home, tmp_path_factory.mktemp("load")).start()
    yield svc
    svc.stop()


WARM_UP = [("ingest", n) for n in range(len(ZONES))]  # one report per zone first: coverage/compare have data


def plan(seed: int = 7) -> list[tuple[str, int]]:
    """The request mix, shuffled: every report ingested twice (warm-up included), the rest tag / coverage /
    compare / list."""
    ingests = [("ingest", n) for n in range(REPORTS)] * 2  # 600 of the 2,000 requests
    for item in WARM_UP:
        ingests.remove(item)
    others = REQUESTS - len(ingests)
    kinds = ["tag"] * (others * 4 // 10) + ["coverage"] * (others * 2 // 10) + ["compare"] * (others * 2 // 10)
    kinds += ["list"] * (others - len(kinds))
    mix = ingests + [(kind, i) for i, kind in enumerate(kinds)]
    random.Random(seed).shuffle(mix)
    return mix


def send(client, kind: str, n: int):
    zone = ZONES[n % len(ZONES)]
    if kind == "ingest":
        return client.post("/v1/reports", json={"text": report_text(n, zone, 2023 + n % 2)})
    if kind == "tag":
        return client.post("/v1/tag", json={"text": report_text(10_000 + n, zone)})
    if kind == "coverage":
        return client.get(f"/v1/zones/{zone}/coverage")
    if kind == "compare":
        return client.get("/v1/compare", params={"format": "csv"} if n % 2 else {})
    return client.get("/v1/reports", params={"limit": 50})


def test_mixed_load_at_concurrency_16_loses_and_duplicates_nothing(service):
    mix = plan()
    chunks = [mix[i::CLIENTS] for i in range(CLIENTS)]

    def worker(chunk):
        out = []
        with service.client() as client:
            for kind, n in chunk:
                r = send(client, kind, n)
                out.append((kind, n, r.status_code, r.json() if kind == "ingest" and r.status_code < 300 else None))
        return out

    results = worker(WARM_UP)
    with ThreadPoolExecutor(CLIENTS) as pool:
        results += [row for rows in pool.map(worker, chunks) for row in rows]

    statuses = Counter((kind, status) for kind, _, status, _ in results)
    assert len(results) == len(WARM_UP) + REQUESTS
    assert all(status in (200, 201) for _, status in statuses), statuses
    # each report: created exactly once, answered "already stored" the other time, same id both times
    by_report: dict[int, list] = {}
    for kind, n, status, body in results:
        if kind == "ingest":
            by_report.setdefault(n, []).append((status, body["report_id"], body["created"]))
    assert len(by_report) == REPORTS
    for n, answers in by_report.items():
        assert sorted(created for _, _, created in answers) == [False, True], (n, answers)
        assert len({rid for _, rid, _ in answers}) == 1
    acknowledged = {answers[0][1] for answers in by_report.values()}

    with service.db() as db:
        stored = {row[0] for row in db.execute("SELECT id FROM reports")}
        assert stored == acknowledged
        assert db.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == REPORTS
        assert db.execute("SELECT COUNT(DISTINCT content_hash) FROM reports").fetchone()[0] == REPORTS
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert consistency(db) == {"integrity": "ok", "foreign_keys": [], "reports_with_missing_segments": [],
                                   "segments_without_prediction": []}
    log = service.log.read_text()
    assert "POST /v1/reports" in log and KEY not in log  # uvicorn's access log, without the key
