"""``GET /v1/reports``: filters by zone, year and document type, a text search on title, zone and file name,
paging; the same answers on SQLite and PostgreSQL, and a 422 that says what to fix for bad parameters."""

from __future__ import annotations

import pytest

# title, zone, year; one paragraph each (the stub model tags nothing without [theme] markers)
REPORTS = [("甲高新区2023年工作总结", "甲高新区", 2023), ("甲高新区2024年工作计划", "甲高新区", 2024),
           ("乙开发区2023年工作总结", "乙开发区", 2023), ("Annual REPORT 100%_done", "乙开发区", 2024)]


@pytest.fixture
def client(stub_client):
    return stub_client


@pytest.fixture
def stored(client) -> dict[str, str]:
    """title → report id; the last report is corrected to a news report."""
    ids = {}
    for i, (title, zone, year) in enumerate(REPORTS):
        r = client.post("/v1/reports", json={"text": f"第{i}份报告。全年完成任务{i}项。", "title": title,
                                             "zone": zone, "year": year})
        assert r.status_code == 201, r.text
        ids[title] = r.json()["report_id"]
    r = client.patch(f"/v1/reports/{ids[REPORTS[3][0]]}", json={"doc_type": "新闻报道"})
    assert r.status_code == 200, r.text
    files = {"file": ("园区简报.txt", "丙园区简报。\n本月完成三项任务。".encode(), "text/plain")}
    r = client.post("/v1/reports", files=files, data={"zone": "丙园区", "year": "2024", "title": "简报"})
    assert r.status_code == 201, r.text
    ids["简报"] = r.json()["report_id"]
    return ids


def titles(client, query: str) -> list[str]:
    r = client.get(f"/v1/reports?{query}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] >= len(body["reports"])
    return [rep["title"] for rep in body["reports"]]


def test_filters_combine(client, stored):
    assert titles(client, "zone=甲高新区") == [REPORTS[0][0], REPORTS[1][0]]
    assert titles(client, "year=2023") == [REPORTS[0][0], REPORTS[2][0]]
    assert titles(client, "zone=乙开发区&year=2024") == [REPORTS[3][0]]
    assert titles(client, "doc_type=新闻报道") == [REPORTS[3][0]]
    assert REPORTS[3][0] not in titles(client, "doc_type=工作总结")
    assert titles(client, "zone=甲高新区&doc_type=新闻报道") == []


def test_search_matches_title_zone_and_file_name(client, stored):
    assert titles(client, "q=工作计划") == [REPORTS[1][0]]
    assert titles(client, "q=开发区") == [REPORTS[2][0], REPORTS[3][0]]  # by zone and title
    assert titles(client, "q=园区简报") == ["简报"]  # by file name only
    assert titles(client, "q=annual report") == [REPORTS[3][0]]  # ASCII case ignored
    assert titles(client, "q=100%25_") == [REPORTS[3][0]]  # % and _ are characters, not wildcards
    assert titles(client, "q=%25") == [REPORTS[3][0]]
    assert titles(client, "q=_") == [REPORTS[3][0]]
    assert titles(client, "q=%20%20") == titles(client, "") and len(titles(client, "")) == 5  # blank: no filter
    assert titles(client, "q=不存在") == []


def test_paging_counts_every_match(client, stored):
    first = client.get("/v1/reports?year=2024&limit=2").json()
    second = client.get("/v1/reports?year=2024&limit=2&offset=2").json()
    assert first["total"] == second["total"] == 3
    assert len(first["reports"]) == 2 and len(second["reports"]) == 1
    assert {r["id"] for r in first["reports"]}.isdisjoint(r["id"] for r in second["reports"])


@pytest.mark.parametrize("query, field", [("doc_type=年报", "doc_type"), ("q=" + "x" * 101, "q"),
                                          ("zone=" + "园" * 101, "zone"), ("limit=501", "limit"),
                                          ("offset=-1", "offset"), ("year=1900", "year")])
def test_bad_parameters_are_422_naming_the_field(client, query, field):
    r = client.get(f"/v1/reports?{query}")
    assert r.status_code == 422 and field in r.json()["detail"], r.text
