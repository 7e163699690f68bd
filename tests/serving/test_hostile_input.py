"""Hostile input gets a 422 that says what to fix, with the same limits on SQLite and PostgreSQL: NUL anywhere
(refused, never stripped: PostgreSQL cannot store it), over-long fields, wrong types in examples, deep nesting."""

from __future__ import annotations

import json

import pytest

from tests.serving.conftest import ROOT

TEXT = (ROOT / "seeds" / "001_00093f6ce3acc11d.txt").read_text(encoding="utf-8")[:400]



@pytest.mark.parametrize("kwargs, message", [
    ({"json": {"text": TEXT + "\x00"}}, "NUL"),
    ({"json": {"text": TEXT, "zone": "鹤城\x00高新区"}}, "NUL"),
    ({"json": {"text": TEXT, "title": "\x00"}}, "NUL"),
    ({"content": (TEXT + "\x00").encode(), "headers": {"content-type": "text/plain"}}, "NUL"),
    ({"files": {"file": ("r.txt", TEXT.encode(), "text/plain")}, "data": {"zone": "a\x00b"}}, "NUL"),
    ({"files": {"file": ("r" * 300 + ".txt", TEXT.encode(), "text/plain")}}, "more than 255"),
    ({"files": {"file": ("r.txt", TEXT.encode(), "text/plain")}, "data": {"year": "2⁰24"}}, "year"),
])
def test_reports_with_nul_or_oversized_fields_are_refused(client, kwargs, message):
    r = client.post("/v1/reports", **kwargs)
    assert r.status_code == 422 and message in r.json()["detail"], r.text
    assert client.get("/v1/reports").json()["total"] == 0


@pytest.mark.parametrize("url", ["/v1/reports?zone=%00", "/v1/reports/%00x", "/v1/zones/%00/coverage",
                                 "/v1/segments/a%00/labels"])
def test_nul_in_the_url_is_422_on_read_endpoints(client, url):
    """Was a 500 on PostgreSQL (no key needed)."""
    r = client.get(url)
    assert r.status_code == 422 and "NUL" in r.json()["detail"]


EXAMPLE = {"text": "全年新签约项目32个。", "labels": ["investment"]}


@pytest.mark.parametrize("line, message", [
    ({**EXAMPLE, "heading": 5}, "heading"),  # was: 201, then every retrain failed with TypeError
    ({**EXAMPLE, "heading": [5]}, "heading"),
    ({**EXAMPLE, "doc": {}}, "doc"),  # was: 500
    ({**EXAMPLE, "note": {}}, "note"),
    ({**EXAMPLE, "id": "x" * 101}, "id"),  # was: 500 on PostgreSQL only
    ({**EXAMPLE, "part": "p" * 21}, "part"),
    ({**EXAMPLE, "text": "招商\x00引资"}, "NUL"),
    ({**EXAMPLE, "zone": "\x00"}, "NUL"),
])
def test_bad_examples_are_refused_and_nothing_is_stored(client, line, message):
    body = json.dumps(EXAMPLE) + "\n" + json.dumps(line, ensure_ascii=False) + "\n"
    r = client.post("/v1/labels", content=body.encode(), headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 422 and "line 2" in r.json()["detail"] and message in r.json()["detail"], r.text
    assert client.get("/v1/labels/export").text.count("全年新签约项目32个") == 0


def test_deeply_nested_jsonl_is_422_not_a_recursion_error(client):
    body = b"[" * 100_000 + b"]" * 100_000
    r = client.post("/v1/labels", content=body, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]


def test_a_correction_note_with_nul_is_refused(client):
    seg = client.post("/v1/reports", json={"text": TEXT}).json()["segments"][0]["id"]
    r = client.put(f"/v1/segments/{seg}/labels", json={"labels": [], "note": "a\x00"})
    assert r.status_code == 422 and "NUL" in r.json()["detail"]
    report = client.get("/v1/reports").json()["reports"][0]["id"]
    r = client.patch(f"/v1/reports/{report}", json={"zone": "鹤城\x00高新区"})
    assert r.status_code == 422 and "NUL" in r.json()["detail"]


@pytest.mark.parametrize("params, message", [
    ({"year": ",".join(str(y) for y in range(2000, 2031))}, "31 years named: compare at most 30"),  # 3,000: 7 s
    ({"zones": ",".join(f"{n}号高新区" for n in range(51))}, "51 zones named: compare at most 50"),
    ({"year": "2⁰24"}, "1978–2100"),  # isdigit() but not int(): was a 500
    ({"year": "1000,2024"}, "1978–2100"),
])
def test_compare_bounds_its_groups(client, params, message):
    r = client.get("/v1/compare", params=params)
    assert r.status_code == 422 and message in r.json()["detail"], r.text
