"""``GET /v1/segments/{id}/explain`` and ``POST /v1/explain``: shape, agreement with the tagger, bounds."""

from policytag.model.explain import MAX_CHARS, MAX_CLAUSES

# Written for this test: investment and work safety, each in clauses of their own.
REPORT = """示范园区2025年工作总结
一、招商引资
全年新签约项目26个，计划总投资93亿元；赴长三角开展驻点招商8次，园区绿化道路3公里。
二、安全生产
开展安全生产隐患排查整治，检查企业300家次，整改隐患812处，未发生较大生产安全事故。"""


def check_shape(body: dict, text: str, themes: list[str], version: str) -> None:
    assert body["method"] == "occlusion" and body["model"]["version"] == version
    assert body["text"] == text and body["max_clauses"] == MAX_CLAUSES
    assert 1 <= body["clauses"] <= MAX_CLAUSES
    assert [t["theme"] for t in body["themes"]] == themes
    for theme in body["themes"]:
        assert theme["label"] == (theme["score"] >= theme["threshold"])
        assert len(theme["phrases"]) == body["clauses"]
        for p in theme["phrases"]:
            assert text[p["start"]:p["end"]] == p["text"]
        drops = [p["log_odds_drop"] for p in theme["phrases"]]
        assert drops == sorted(drops, reverse=True)


def test_explain_a_stored_segment_and_an_unstored_text(client, champion):
    stored = client.post("/v1/reports", json={"text": REPORT}).json()
    segment = next(s for s in stored["segments"] if "safety" in s["labels"])
    r = client.get(f"/v1/segments/{segment['id']}/explain")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["segment_id"] == segment["id"] and body["heading"] == segment["heading"]
    check_shape(body, segment["text"], champion.themes, champion.version)
    safety = next(t for t in body["themes"] if t["theme"] == "safety")
    assert safety["label"] and abs(safety["score"] - segment["scores"]["safety"]) < 1e-3
    top = safety["phrases"][0]
    assert top["log_odds_drop"] > 0 and top["weight"] > 0  # tiny where the score is sure: weights keep 4 digits
    edited = segment["text"][:top["start"]] + segment["text"][top["end"]:]
    rescored = champion.tagger.scores([edited], [segment["heading"]])[0, champion.themes.index("safety")]
    assert rescored < safety["score"]
    assert safety["ngrams"] and all(n["weight"] > 0 for n in safety["ngrams"]), "the TF-IDF champion's n-grams"

    # the same text unstored, as the Tag tab sends it
    r = client.post("/v1/explain", json={"text": segment["text"], "heading": segment["heading"]})
    assert r.status_code == 200, r.text
    unstored = r.json()
    assert unstored["segment_id"] is None
    check_shape(unstored, segment["text"], champion.themes, champion.version)
    assert unstored["themes"] == body["themes"]


def test_explain_errors(client):
    r = client.get("/v1/segments/no-such-segment/explain")
    assert r.status_code == 404 and "no-such-segment" in r.json()["detail"]
    r = client.post("/v1/explain", json={"text": "安全" * (MAX_CHARS // 2 + 1)})
    assert r.status_code == 413 and str(MAX_CHARS) in r.json()["detail"]
    r = client.post("/v1/explain", json={"text": " ，。 "})
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    r = client.post("/v1/explain", json={"text": "招商\x00引资"})
    assert r.status_code == 422 and "NUL" in r.json()["detail"]
    r = client.post("/v1/explain", json={"heading": ["一、招商引资"]})
    assert r.status_code == 422 and "text" in r.json()["detail"]


def test_explain_needs_a_served_model(settings):
    from fastapi.testclient import TestClient

    from serving.main import create_app

    with TestClient(create_app(settings, load_model=False)) as bare:
        r = bare.post("/v1/explain", json={"text": "全年新签约项目26个。"})
    assert r.status_code == 503 and "no model" in r.json()["detail"]
