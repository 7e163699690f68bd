"""Corrections, submitted examples, export, pull and the review queue."""

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from policytag.cli import app as cli
from policytag.config import get_settings
from policytag.labels.files import read_jsonl
from serving.ingest import ingest_seeds
from serving.main import create_app
from tests.serving.conftest import ROOT, make_settings

KEYS = {"alice": {"X-API-Key": "ka"}, "bob": {"X-API-Key": "kb"}}
GOLD = read_jsonl(ROOT / "labels" / "gold" / "seeds.jsonl")


@pytest.fixture
def labels_dir(tmp_path):
    import shutil

    shutil.copytree(ROOT / "labels", tmp_path / "labels")
    return tmp_path / "labels"


@pytest.fixture
def keyed(tmp_path, model_home, champion, labels_dir, database_url):
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url,
                             labels_dir=labels_dir, api_keys="alice:ka,bob:kb")
    with TestClient(create_app(settings, model=champion)) as c:
        yield c


@pytest.fixture
def seeded(keyed, champion):
    ingest_seeds(keyed.app.state.sessions, champion, ROOT / "seeds")
    return keyed


def first_segment(client, report_id="004_34edc68766f1ed87"):
    return client.get(f"/v1/reports/{report_id}").json()["segments"][0]


def test_corrections_keep_history_and_the_latest_wins(seeded):
    seg = first_segment(seeded)
    url = f"/v1/segments/{seg['id']}/labels"
    assert seeded.put(url, json={"labels": ["party"]}).status_code == 401
    r = seeded.put(url, json={"labels": ["party"], "note": "ritual opening"}, headers=KEYS["alice"])
    assert r.status_code == 200, r.text
    r = seeded.put(url, json={"labels": ["party", "bizenv"]}, headers=KEYS["bob"])
    out = r.json()
    assert out["labels"] == ["party", "bizenv"] and out["predicted"] == seg["labels"]
    assert [(h["author"], h["labels"]) for h in out["history"]] == [("alice", ["party"]), ("bob", ["party", "bizenv"])]
    assert seeded.get(url).json() == out
    view = seeded.get("/v1/reports/004_34edc68766f1ed87").json()["segments"][0]
    assert view["correction"]["labels"] == ["party", "bizenv"] and view["correction"]["author"] == "bob"


@pytest.mark.parametrize("body, status, message", [
    ({"labels": ["tourism"]}, 422, "unknown theme"),
    ({"labels": ["party", "party"]}, 422, "repeat"),
    ({"labels": "party"}, 422, "labels"),
])
def test_bad_corrections_are_refused(seeded, body, status, message):
    seg = first_segment(seeded)
    r = seeded.put(f"/v1/segments/{seg['id']}/labels", json=body, headers=KEYS["alice"])
    assert r.status_code == status and message in r.json()["detail"]
    assert seeded.get(f"/v1/segments/{seg['id']}/labels").json()["history"] == []
    r = seeded.put("/v1/segments/nope/labels", json={"labels": []}, headers=KEYS["alice"])
    assert r.status_code == 404


def test_coverage_counts_corrections_instead_of_predictions(stub_client):
    r = stub_client.post("/v1/reports", json={"text": "引进项目十二个[investment]。\n召开年度工作会议。",
                                              "zone": "甲高新区", "year": 2023})
    segs = r.json()["segments"]
    before = stub_client.get("/v1/zones/甲高新区/coverage").json()["themes"]
    assert (before["investment"]["segments"], before["party"]["segments"]) == (1, 0)
    stub_client.put(f"/v1/segments/{segs[1]['id']}/labels", json={"labels": ["party"]})
    stub_client.put(f"/v1/segments/{segs[0]['id']}/labels", json={"labels": []})
    after = stub_client.get("/v1/zones/甲高新区/coverage").json()
    assert (after["themes"]["investment"]["segments"], after["themes"]["party"]["segment_share"]) == (0, 0.5)
    assert after["untagged"]["segments"] == 1
    report = stub_client.get(f"/v1/reports/{r.json()['report_id']}").json()
    assert report["coverage"]["themes"]["party"]["segments"] == 1


def test_examples_are_validated_all_or_nothing(keyed):
    good = [{"text": "新建社区卫生服务中心2个。", "labels": []},
            {"id": "ex-1", "text": "全年新签约项目32个,总投资156亿元。", "labels": ["investment"], "doc": "memo"}]
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in good)
    bad = body + '\n{"text": "x", "labels": ["tourism"]}\nnot json\n'
    r = keyed.post("/v1/labels", content=bad, headers={**KEYS["alice"], "content-type": "application/x-ndjson"})
    assert r.status_code == 422 and "line 3" in r.json()["detail"] and "line 4" in r.json()["detail"]
    assert len(export(keyed)) == len(GOLD)
    assert keyed.post("/v1/labels", content=body, headers={"content-type": "application/x-ndjson"}).status_code == 401
    r = keyed.post("/v1/labels", files={"file": ("new.jsonl", body.encode(), "application/x-ndjson")},
                   headers=KEYS["bob"])
    assert r.status_code == 201 and r.json()["added"] == 2 and r.json()["ids"][1] == "ex-1"
    plain = {**KEYS["bob"], "content-type": "text/plain"}
    assert keyed.post("/v1/labels", content=b"", headers=plain).status_code == 422


def export(client) -> list[dict]:
    r = client.get("/v1/labels/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in r.text.splitlines()]


def test_export_is_gold_plus_corrections_plus_examples(seeded):
    seed_seg = first_segment(seeded)
    seeded.put(f"/v1/segments/{seed_seg['id']}/labels", json={"labels": ["safety"]}, headers=KEYS["alice"])
    other = seeded.post("/v1/reports", json={"text": "清远高新区2024年工作总结\n全年新签约项目32个,总投资156亿元。"},
                        headers=KEYS["alice"]).json()
    seeded.put(f"/v1/segments/{other['segments'][0]['id']}/labels", json={"labels": ["investment"]},
               headers=KEYS["bob"])
    seeded.post("/v1/labels", content='{"id": "ex-9", "text": "开展消防演练。", "labels": ["safety"]}',
                headers={**KEYS["bob"], "content-type": "application/x-ndjson"})
    records = {r["id"]: r for r in export(seeded)}
    assert len(records) == len(GOLD) + 2
    fixed = records[seed_seg["id"]]
    assert (fixed["labels"], fixed["annotator"], fixed["source"]) == (["safety"], "alice", "seed")
    gold = next(g for g in GOLD if g["id"] == seed_seg["id"])
    assert (fixed["start"], fixed["end"], fixed["text"]) == (gold["start"], gold["end"], gold["text"])
    new = records[other["segments"][0]["id"]]
    assert (new["source"], new["doc"], new["labels"], new["zone"]) == ("report", other["report_id"], ["investment"],
                                                                      "清远高新区")
    assert records["ex-9"]["source"] == "example"
    untouched = next(g for g in GOLD if g["id"] != seed_seg["id"])
    assert records[untouched["id"]] == untouched


def test_labels_pull_writes_reviewable_files(seeded, labels_dir, monkeypatch):
    seed_seg = first_segment(seeded)
    seeded.put(f"/v1/segments/{seed_seg['id']}/labels", json={"labels": ["safety"]}, headers=KEYS["alice"])
    seeded.post("/v1/labels", content='{"id": "ex-9", "text": "开展消防演练。", "labels": ["safety"]}',
                headers={**KEYS["bob"], "content-type": "application/x-ndjson"})
    settings = seeded.app.state.settings
    monkeypatch.setenv("POLICYTAG_DATABASE_URL", settings.db_url)
    monkeypatch.setenv("POLICYTAG_LABELS_DIR", str(labels_dir))
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["labels", "pull"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"pulled": 2, "written": {"seeds.jsonl": 1, "service.jsonl": 1}}
    seeds = read_jsonl(labels_dir / "gold" / "seeds.jsonl")
    assert len(seeds) == len(GOLD) and next(r for r in seeds if r["id"] == seed_seg["id"])["labels"] == ["safety"]
    assert [r["id"] for r in read_jsonl(labels_dir / "gold" / "service.jsonl")] == ["ex-9"]


def test_labels_correct_cli(seeded, monkeypatch):
    seg = first_segment(seeded)
    monkeypatch.setenv("POLICYTAG_DATABASE_URL", seeded.app.state.settings.db_url)
    get_settings.cache_clear()
    ok = CliRunner().invoke(cli, ["labels", "correct", seg["id"], "--labels", "party,safety", "--author", "carol"])
    bad = CliRunner().invoke(cli, ["labels", "correct", seg["id"], "--labels", "tourism", "--author", "carol"])
    get_settings.cache_clear()
    assert ok.exit_code == 0, ok.output
    assert bad.exit_code == 2 and "unknown theme" in bad.stderr
    history = seeded.get(f"/v1/segments/{seg['id']}/labels").json()["history"]
    assert [(h["author"], h["labels"]) for h in history] == [("carol", ["party", "safety"])]


def test_review_queue_puts_the_least_certain_first(seeded, champion):
    queue = seeded.get("/v1/review-queue", params={"n": 10}).json()
    assert queue["model_version"] == champion.version and len(queue["segments"]) == 10
    margins = [s["margin"] for s in queue["segments"]]
    assert margins == sorted(margins)
    thresholds = dict(zip(champion.themes, champion.tagger.thresholds))
    top = queue["segments"][0]
    assert top["margin"] == pytest.approx(min(abs(top["scores"][t] - th) for t, th in thresholds.items()), abs=1e-4)
    # every other stored segment is at least as certain
    everything = seeded.get("/v1/review-queue", params={"n": 500}).json()["segments"]
    assert len(everything) == 184 and min(s["margin"] for s in everything) == margins[0]
    seeded.put(f"/v1/segments/{top['segment_id']}/labels", json={"labels": []}, headers=KEYS["alice"])
    after = seeded.get("/v1/review-queue", params={"n": 500}).json()["segments"]
    assert top["segment_id"] not in {s["segment_id"] for s in after} and len(after) == 183
    assert seeded.get("/v1/review-queue", params={"n": 0}).status_code == 422
