"""Correctable metadata (issue 19): PATCH /v1/reports/{id} with history and author, the 409 of a re-posted text
with other metadata, and coverage following the corrected zone and year. A stub model: no training needed."""

import pytest
from fastapi.testclient import TestClient

from bench.pages import load_pages
from policytag.text import parse_report
from policytag.text.detect import DOC_TYPES
from serving.main import create_app
from tests.serving.conftest import make_settings

TEXT = "清远高新区2023年工作总结\n全年引进项目十二个[investment]。\n新建研发平台五个[innovation]。\n召开年度工作会议。"
KEY = {"X-API-Key": "k-alice"}


@pytest.fixture
def api(tmp_path, stub_model, database_url):
    settings = make_settings(tmp_path / "home", tmp_path / "data", database_url=database_url,
                             api_keys="alice:k-alice,bob:k-bob")
    with TestClient(create_app(settings, model=stub_model)) as c:
        yield c


@pytest.fixture
def stored(api):
    r = api.post("/v1/reports", json={"text": TEXT}, headers=KEY)
    assert r.status_code == 201, r.text
    assert (r.json()["zone"], r.json()["year"]) == ("清远高新区", 2023)
    return r.json()["report_id"]


def test_patch_corrects_zone_and_year_with_history_and_author(api, stored):
    r = api.patch(f"/v1/reports/{stored}", json={"zone": "武汉东湖新技术开发区", "year": 2024, "note": "见正文"},
                  headers=KEY)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["zone"], out["year"], out["years"]) == ("东湖高新区", 2024, [2024])  # normalised by the gazetteer
    assert sorted(out["changed"]) == ["year", "zone"]
    assert [(e["field"], e["old"], e["new"], e["author"], e["note"]) for e in out["history"]] == [
        ("zone", "清远高新区", "东湖高新区", "alice", "见正文"), ("year", 2023, 2024, "alice", "见正文")]
    assert all(e["created_at"].endswith(("Z", "+00:00")) for e in out["history"])

    r = api.patch(f"/v1/reports/{stored}", json={"doc_type": "工作计划", "title": "东湖高新区2024年工作计划"},
                  headers={"X-API-Key": "k-bob"})
    assert r.status_code == 200 and r.json()["history"][-1]["author"] == "bob"
    got = api.get(f"/v1/reports/{stored}").json()
    assert (got["zone"], got["year"], got["doc_type"], got["title"]) == (
        "东湖高新区", 2024, "工作计划", "东湖高新区2024年工作计划")
    assert got["text"] == TEXT and len(got["segments"]) == 3  # the report itself is untouched
    history = api.get(f"/v1/reports/{stored}/history").json()["history"]
    assert [e["field"] for e in history] == ["zone", "year", "doc_type", "title"]


def test_patch_with_the_stored_values_changes_nothing(api, stored):
    r = api.patch(f"/v1/reports/{stored}", json={"zone": "清远高新技术产业开发区", "year": 2023}, headers=KEY)
    assert r.status_code == 200 and r.json()["changed"] == [] and r.json()["history"] == []


def test_null_clears_and_an_unknown_zone_is_kept_with_a_warning(api, stored):
    out = api.patch(f"/v1/reports/{stored}", json={"year": None}, headers=KEY).json()
    assert (out["year"], out["years"]) == (None, [])
    out = api.patch(f"/v1/reports/{stored}", json={"zone": " 某某工业园 "}, headers=KEY).json()
    assert out["zone"] == "某某工业园" and "gazetteer" in out["warnings"][0]


def test_coverage_and_compare_follow_the_corrected_zone_and_year(api, stored):
    assert api.get("/v1/zones/清远高新区/coverage").status_code == 200
    api.patch(f"/v1/reports/{stored}", json={"zone": "东湖高新区", "year": 2024}, headers=KEY)
    assert api.get("/v1/zones/清远高新区/coverage").status_code == 404
    cov = api.get("/v1/zones/东湖高新区/coverage", params={"year": 2024})
    assert cov.status_code == 200, cov.text
    assert cov.json()["segments"] == 3
    assert api.get("/v1/zones/东湖高新区/coverage", params={"year": 2023}).status_code == 404  # no 2023 report
    assert [z["zone"] for z in api.get("/v1/zones").json()["zones"]] == ["东湖高新区"]
    assert api.get("/v1/reports", params={"zone": "东湖高新区", "year": 2024}).json()["total"] == 1
    other = api.post("/v1/reports", json={"text": "召开年度工作会议[party]。", "zone": "清远高新区", "year": 2024},
                     headers=KEY)
    assert other.status_code == 201
    compare = api.get("/v1/compare", params={"zones": "东湖高新区,清远高新区", "year": 2024})
    assert compare.status_code == 200, compare.text
    assert {z: c["segments"] for z, c in compare.json()["coverage"].items()} == {"东湖高新区": 3, "清远高新区": 1}


@pytest.mark.parametrize("body, says", [
    ({}, "nothing to change"),
    ({"note": "only a note"}, "nothing to change"),
    ({"year": 1900}, "year"),
    ({"year": "二〇二四"}, "year"),
    ({"zone": ""}, "zone"),
    ({"zone": "   "}, "blank"),
    ({"zone": "区" * 101}, "zone"),
    ({"doc_type": "年度报告"}, "doc_type must be one of"),
    ({"doc_type": None}, "doc_type must be one of"),
    ({"years": [2024]}, "years"),  # not a field that can be changed
])
def test_bad_patches_are_422_and_change_nothing(api, stored, body, says):
    r = api.patch(f"/v1/reports/{stored}", json=body, headers=KEY)
    assert r.status_code == 422 and says in r.json()["detail"], r.text
    got = api.get(f"/v1/reports/{stored}").json()
    assert (got["zone"], got["year"], got["doc_type"]) == ("清远高新区", 2023, "工作总结")


def test_patch_needs_the_api_key_and_an_existing_report(api, stored):
    assert api.patch(f"/v1/reports/{stored}", json={"year": 2024}).status_code == 401
    assert api.patch(f"/v1/reports/{stored}", json={"text": "not a field"}).status_code == 401  # the key first
    assert api.patch(f"/v1/reports/{stored}", json={"year": 2024}, headers={"X-API-Key": "no"}).status_code == 401
    assert api.get(f"/v1/reports/{stored}").json()["year"] == 2023
    r = api.patch("/v1/reports/nope", json={"year": 2024}, headers=KEY)
    assert r.status_code == 404 and "GET /v1/reports" in r.json()["detail"]
    assert api.get("/v1/reports/nope/history").status_code == 404
    r = api.patch(f"/v1/reports/{stored}", content=b"{not json", headers={**KEY, "content-type": "application/json"})
    assert r.status_code == 422


def test_reposting_with_other_metadata_is_409_with_the_stored_values(api, stored):
    r = api.post("/v1/reports", json={"text": TEXT, "zone": "东湖高新区", "year": 2023}, headers=KEY)
    assert r.status_code == 409, r.text
    out = r.json()
    assert out["report_id"] == stored and f"PATCH /v1/reports/{stored}" in out["detail"]
    assert out["stored"] == {"zone": "清远高新区", "year": 2023, "doc_type": "工作总结",
                             "title": "清远高新区2023年工作总结"}
    assert out["conflicts"] == {"zone": {"stored": "清远高新区", "sent": "东湖高新区"}}
    assert out["change_with"] == {"method": "PATCH", "url": f"/v1/reports/{stored}", "body": {"zone": "东湖高新区"}}
    assert api.get(f"/v1/reports/{stored}").json()["zone"] == "清远高新区"  # nothing changed
    # following the advice works, and the same post is then no conflict
    assert api.patch(out["change_with"]["url"], json=out["change_with"]["body"], headers=KEY).status_code == 200
    again = api.post("/v1/reports", json={"text": TEXT, "zone": "东湖高新区"}, headers=KEY)
    assert again.status_code == 200 and again.json()["created"] is False


def test_reposting_with_the_same_or_no_metadata_is_still_200(api, stored):
    for body in ({"text": TEXT}, {"text": TEXT, "zone": "清远高新技术产业开发区", "year": 2023}):
        r = api.post("/v1/reports", json=body, headers=KEY)
        assert r.status_code == 200 and r.json()["report_id"] == stored, r.text
    r = api.post("/v1/reports", files={"file": ("r.txt", TEXT.encode(), "text/plain")}, data={"year": "2022"},
                 headers=KEY)
    assert r.status_code == 409 and r.json()["conflicts"] == {"year": {"stored": 2023, "sent": 2022}}


def test_deleting_a_report_deletes_its_history(api, stored):
    api.patch(f"/v1/reports/{stored}", json={"year": 2024}, headers=KEY)
    assert api.delete(f"/v1/reports/{stored}", headers=KEY).status_code == 204
    assert api.get(f"/v1/reports/{stored}/history").status_code == 404


def test_every_detected_document_type_can_be_set():
    detected = {parse_report(p.text).doc_type for p in load_pages()}
    assert len(detected) >= 3 and detected <= set(DOC_TYPES)
