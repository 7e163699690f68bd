"""The API through TestClient: every endpoint and its error paths, with the trained TF-IDF champion."""

import io
import threading
import zipfile

import pytest
from fastapi.testclient import TestClient

from policytag.store import crud
from serving.main import create_app
from tests.serving.conftest import ROOT, THEMES, make_settings

SEED = (ROOT / "seeds" / "004_34edc68766f1ed87.txt").read_text(encoding="utf-8")
SHORT = ("河源高新区2024年工作总结\n一、招商引资\n全年新签约项目32个,计划总投资156亿元,引进深圳企业12家。\n"
         "二、安全生产\n开展安全隐患排查整治,整改隐患1200处,全年未发生较大安全事故。\n")


def test_tag_returns_segments_offsets_themes_and_coverage_without_storing(client):
    r = client.post("/v1/tag", json={"text": SEED})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["zone"] == "鹤城高新区" and doc["year"] == 2024 and doc["report_id"] is None
    assert doc["model"] == {"name": "policytag", "version": "1"}
    assert len(doc["segments"]) == 15
    for s in doc["segments"]:
        assert SEED[s["start"]:s["end"]] == s["text"]
        assert set(s["scores"]) == set(THEMES) and set(s["labels"]) <= set(THEMES)
        assert all(s["scores"][t] >= 0.0 for t in s["labels"])
    cov = doc["coverage"]
    assert cov["segments"] == 15 and set(cov["themes"]) == set(THEMES)
    tagged = sum("safety" in s["labels"] for s in doc["segments"])
    assert cov["themes"]["safety"]["segments"] == tagged
    # the raw count is the labels'; the default share is corrected (pcc: the mean calibrated score), as the
    # champion logged its error rates
    assert cov["themes"]["safety"]["raw_segment_share"] == round(tagged / 15, 4)
    assert (cov["method"], cov["corrected"]) == ("pcc", True)
    mean_score = sum(s["scores"]["safety"] for s in doc["segments"]) / 15
    assert cov["themes"]["safety"]["segment_share"] == pytest.approx(mean_score, abs=1e-4)
    assert client.get("/v1/reports").json()["total"] == 0


def test_tag_overrides_and_warnings(client):
    doc = client.post("/v1/tag", json={"text": "全年新签约项目32个,计划总投资156亿元。", "zone": "某高新区",
                                       "year": 2023, "title": "自拟标题"}).json()
    assert (doc["zone"], doc["year"], doc["title"]) == ("某高新区", 2023, "自拟标题")
    assert doc["warnings"] == []
    doc = client.post("/v1/tag", json={"text": "全年新签约项目32个,计划总投资156亿元。"}).json()
    assert any("zone not detected" in w for w in doc["warnings"])


def docx(paragraphs: list[str]) -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>')
    return buf.getvalue()


@pytest.mark.parametrize("name, data, kind", [
    ("report.txt", SHORT.encode("gb18030"), "text/plain"),
    ("report.html", f"<html><script>alert(1)</script><body><p>{SHORT.replace(chr(10), '</p><p>')}</p></body></html>"
     .encode(), "text/html"),
    ("report.docx", docx(SHORT.splitlines()), "application/octet-stream"),
])
def test_tag_uploaded_files(client, name, data, kind):
    r = client.post("/v1/tag", files={"file": (name, data, kind)}, data={"year": "2024"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["zone"] == "河源高新区" and doc["year"] == 2024 and doc["source"] == name
    texts = [s["text"] for s in doc["segments"]]
    assert any("签约项目32个" in t for t in texts) and not any("alert" in t for t in texts)
    by_text = {s["text"]: s["labels"] for s in doc["segments"]}
    assert "investment" in next(v for k, v in by_text.items() if "签约" in k)
    assert "safety" in next(v for k, v in by_text.items() if "隐患" in k)


def test_plain_text_body(client):
    r = client.post("/v1/tag", content=SHORT.encode("gb18030"), headers={"content-type": "text/plain"})
    assert r.status_code == 200 and r.json()["zone"] == "河源高新区"


@pytest.mark.parametrize("kwargs, status, message", [
    ({"json": {"text": ""}}, 422, "empty"),
    ({"json": {"text": "   \n "}}, 422, "empty"),
    ({"json": {"text": "Annual report of the zone, in English only."}}, 422, "no Chinese"),
    ({"json": {"txt": "招商"}}, 422, "text"),
    ({"json": {"text": "招商引资。", "year": "last year"}}, 422, "year"),
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "invalid JSON"),
    ({"content": b"\x00\x01\x02\xff\xfe\x00binary", "headers": {"content-type": "text/plain"}}, 422, ""),
    ({"content": b"<x/>", "headers": {"content-type": "application/xml"}}, 415, "unsupported Content-Type"),
    ({"files": {"file": ("r.pdf", b"%PDF-1.7", "application/pdf")}}, 415, "PDF"),
    ({"files": {"file": ("r.doc", b"\xd0\xcf\x11\xe0", "application/msword")}}, 415, ".docx"),
    ({"files": {"file": ("r.docx", b"not a zip", "application/octet-stream")}}, 422, "not a valid .docx"),
    ({"files": {"other": ("r.txt", "招商".encode(), "text/plain")}}, 422, "'file'"),
    ({"files": {"file": ("r.txt", "招商引资。".encode(), "text/plain")}, "data": {"year": "二〇二四"}}, 422, "year"),
    ({"files": {"file": ("r.txt", "招商引资。".encode(), "text/plain")}, "data": {"year": "2⁰24"}}, 422, "year"),
])
def test_bad_input_gets_4xx_with_a_message(client, kwargs, status, message):
    r = client.post("/v1/tag", **kwargs)
    assert r.status_code == status, r.text
    assert message in r.json()["detail"]


def test_body_over_the_limit_is_413(tmp_path, model_home, champion, database_url):
    app = create_app(make_settings(model_home, tmp_path / "data", database_url=database_url,
                                   max_body_bytes=1000), model=champion)
    with TestClient(app) as small:
        r = small.post("/v1/tag", json={"text": "招商引资。" * 400})
        assert r.status_code == 413 and "POLICYTAG_MAX_BODY_BYTES" in r.json()["detail"]
        # no Content-Length (streamed, chunked): the limit still holds
        r = small.post("/v1/tag", content=iter([b"x" * 600, b"y" * 600]), headers={"content-type": "text/plain"})
        assert r.status_code == 413
        r = small.post("/v1/reports", files={"file": ("big.txt", "招商引资。".encode() * 200, "text/plain")})
        assert r.status_code == 413
        assert small.get("/v1/reports").json()["total"] == 0


def test_store_read_list_and_delete(client):
    r = client.post("/v1/reports", json={"text": SEED})
    assert r.status_code == 201, r.text
    stored = r.json()
    rid = stored["report_id"]
    assert stored["created"] is True and r.headers["location"] == f"/v1/reports/{rid}"
    again = client.post("/v1/reports", json={"text": SEED})
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["report_id"] == rid
    other_zone = client.post("/v1/reports", json={"text": SEED, "zone": "别的区"})  # issue 19: no silent 200
    assert other_zone.status_code == 409 and other_zone.json()["report_id"] == rid
    assert client.get("/v1/reports").json()["total"] == 1
    got = client.get(f"/v1/reports/{rid}").json()
    assert got["text"] == SEED and got["zone"] == "鹤城高新区"
    assert [s["labels"] for s in got["segments"]] == [s["labels"] for s in stored["segments"]]
    assert got["coverage"] == stored["coverage"]
    client.post("/v1/reports", json={"text": SHORT})
    listing = client.get("/v1/reports", params={"zone": "河源高新区"}).json()
    assert listing["total"] == 1 and listing["reports"][0]["n_segments"] == 2
    assert client.get("/v1/reports", params={"limit": 1, "offset": 1}).json()["reports"][0]["zone"] == "河源高新区"
    assert client.get("/v1/reports", params={"limit": 0}).status_code == 422
    assert client.delete(f"/v1/reports/{rid}").status_code == 204
    r = client.get(f"/v1/reports/{rid}")
    assert r.status_code == 404 and "GET /v1/reports" in r.json()["detail"]
    assert client.delete(f"/v1/reports/{rid}").status_code == 404
    assert client.get("/v1/reports").json()["total"] == 1


def test_concurrent_posts_of_one_text_store_it_once(client):
    results = []

    def post():
        results.append(client.post("/v1/reports", json={"text": SHORT}).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[0] in (200, 201) and results.count(201) == 1
    assert client.get("/v1/reports").json()["total"] == 1


def test_a_failed_write_leaves_nothing_half_written(tmp_path, model_home, champion, monkeypatch, database_url):
    app = create_app(make_settings(model_home, tmp_path / "data", database_url=database_url), model=champion)
    real = crud.add_report

    def add_then_fail(session, **kw):
        real(session, **kw)
        session.flush()  # the rows reached the database inside the transaction
        raise RuntimeError("disk full")

    with TestClient(app, raise_server_exceptions=False) as c:
        monkeypatch.setattr(crud, "add_report", add_then_fail)
        assert c.post("/v1/reports", json={"text": SEED}).status_code == 500
        monkeypatch.undo()
        with app.state.sessions() as session:
            from sqlalchemy import func, select

            from policytag.store.tables import Prediction, Report, Segment
            counts = [session.scalar(select(func.count()).select_from(t)) for t in (Report, Segment, Prediction)]
            assert counts == [0, 0, 0]
        assert c.post("/v1/reports", json={"text": SEED}).status_code == 201


def test_write_endpoints_need_the_api_key_when_set(tmp_path, model_home, champion, database_url):
    app = create_app(make_settings(model_home, tmp_path / "data", database_url=database_url,
                                   api_key="s3cret"), model=champion)
    with TestClient(app) as c:
        r = c.post("/v1/reports", json={"text": SHORT})
        assert r.status_code == 401 and "X-API-Key" in r.json()["detail"]
        assert c.post("/v1/reports", json={"text": SHORT}, headers={"X-API-Key": "wrong"}).status_code == 401
        r = c.post("/v1/reports", json={"text": SHORT}, headers={"X-API-Key": "s3cret"})
        assert r.status_code == 201
        rid = r.json()["report_id"]
        assert c.delete(f"/v1/reports/{rid}").status_code == 401
        assert c.get(f"/v1/reports/{rid}").status_code == 200  # reads stay open, the report is intact
        assert c.post("/v1/tag", json={"text": SHORT}).status_code == 200
        assert c.delete(f"/v1/reports/{rid}", headers={"X-API-Key": "s3cret"}).status_code == 204


def test_model_health_and_readiness(client):
    info = client.get("/v1/model").json()
    assert info["name"] == "policytag" and info["version"] == "1" and info["alias"] == "champion"
    assert info["model_type"] == "tfidf" and [t["id"] for t in info["themes"]] == THEMES
    assert info["themes"][0]["zh"] == "招商引资" and 0.5 < info["metrics"]["cv_macro_f1"] <= 1
    assert set(info["thresholds"]) == set(THEMES)
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "model_version": "1"}


def test_without_a_model_the_service_says_so(tmp_path, database_url):
    app = create_app(make_settings(tmp_path, tmp_path / "data", database_url=database_url))  # an empty registry
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503 and "policytag train" in r.json()["detail"]
        r = c.post("/v1/tag", json={"text": SHORT})
        assert r.status_code == 503 and "policytag train" in r.json()["detail"]
        assert c.get("/v1/reports").json()["total"] == 0


def test_openapi_documents_every_endpoint_with_examples(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ["/v1/tag", "/v1/reports", "/v1/reports/{report_id}", "/v1/zones", "/v1/zones/{zone}/coverage",
                 "/v1/compare", "/v1/model", "/healthz", "/readyz"]:
        assert path in paths, path
    body = paths["/v1/tag"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data", "text/plain"} <= set(body)
    assert body["application/json"]["schema"]["examples"][0]["zone"] == "清远高新区"
    assert "APIKeyHeader" in spec["components"]["securitySchemes"]
