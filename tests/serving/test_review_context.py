"""``GET /v1/review-queue``: each segment with its neighbours in the report, and ``corrected=true``, the segments
people corrected with their labels beside the model's; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from serving.ingest import ingest_seeds
from serving.main import create_app
from tests.serving.conftest import ROOT, make_settings

KEY = {"X-API-Key": "kr"}


@pytest.fixture
def seeded(database_url, model_home, tmp_path, champion):
    with TestClient(create_app(make_settings(model_home, tmp_path / "data", database_url=database_url,
                                             api_key="kr"), model=champion)) as c:
        ingest_seeds(c.app.state.sessions, champion, ROOT / "seeds")
        yield c


def report_segments(client, report_id: str) -> list[dict]:
    return client.get(f"/v1/reports/{report_id}").json()["segments"]


def neighbour(segments: list[dict], index: int) -> dict | None:
    if not 0 <= index < len(segments):
        return None
    seg = segments[index]
    return {"segment_id": seg["id"], "text": seg["text"], "heading": seg["heading"]}


def test_each_queued_segment_comes_with_its_neighbours(seeded):
    queue = seeded.get("/v1/review-queue", params={"n": 500}).json()["segments"]
    reports = {}
    ends = 0
    for item in queue:
        segments = reports.setdefault(item["report_id"], report_segments(seeded, item["report_id"]))
        at = [s["id"] for s in segments].index(item["segment_id"])
        assert item["position"] == at and item["heading"] == segments[at]["heading"]
        assert item["previous"] == neighbour(segments, at - 1)
        assert item["next"] == neighbour(segments, at + 1)
        ends += item["previous"] is None or item["next"] is None
    assert 0 < ends < len(queue)  # first and last segments of a report have one neighbour


def test_corrected_segments_show_the_person_beside_the_model(seeded):
    queue = seeded.get("/v1/review-queue", params={"n": 3}).json()["segments"]
    changed, confirmed = queue[0], queue[1]
    other = sorted({"investment", "safety"} ^ set(changed["labels"]))
    assert seeded.put(f"/v1/segments/{changed['segment_id']}/labels", json={"labels": other, "note": "见原文"},
                      headers=KEY).status_code == 200
    assert seeded.put(f"/v1/segments/{confirmed['segment_id']}/labels", json={"labels": confirmed["labels"]},
                      headers=KEY).status_code == 200

    answer = seeded.get("/v1/review-queue", params={"corrected": "true", "n": 10}).json()
    assert answer["corrected"] is True
    got = answer["segments"]
    assert [s["segment_id"] for s in got] == [confirmed["segment_id"], changed["segment_id"]]  # latest first
    latest, earlier = got
    assert latest["human"]["labels"] == confirmed["labels"] and latest["differs"] is False
    assert earlier["human"]["labels"] == other and earlier["labels"] == changed["labels"]
    assert earlier["differs"] is True and earlier["human"]["note"] == "见原文"
    assert earlier["human"]["author"] == "default" and earlier["human"]["created_at"]
    assert earlier["previous"] == changed["previous"] and earlier["next"] == changed["next"]

    one = seeded.get("/v1/review-queue", params={"corrected": "true", "n": 1}).json()["segments"]
    assert [s["segment_id"] for s in one] == [confirmed["segment_id"]]
    elsewhere = next(z["zone"] for z in seeded.get("/v1/zones").json()["zones"]
                     if z["zone"] not in {changed["zone"], confirmed["zone"]})
    assert seeded.get("/v1/review-queue", params={"corrected": "true", "zone": elsewhere}).json()["segments"] == []
    unlabelled = seeded.get("/v1/review-queue", params={"n": 500}).json()["segments"]
    assert {changed["segment_id"], confirmed["segment_id"]}.isdisjoint(s["segment_id"] for s in unlabelled)


@pytest.mark.parametrize("query", ["corrected=maybe", "n=501", "zone=" + "园" * 101])
def test_bad_review_queue_parameters_are_422(seeded, query):
    r = seeded.get(f"/v1/review-queue?{query}")
    assert r.status_code == 422 and query.split("=")[0] in r.json()["detail"], r.text
