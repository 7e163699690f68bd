"""Configured limits answer 413/503 with a message that says what to do, and store nothing; CORS stays off;
keys never reach the logs."""

import logging
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from policytag.model.tagger import Tagger
from serving.main import create_app
from serving.served_model import ServedModel
from tests.serving.conftest import THEMES, make_settings

# Five short paragraphs, so five segments; new text written for these tests.
FIVE = "\n".join(f"鹤城高新区第{n}批项目集中签约,总投资{n * 10}亿元。" for n in range(1, 6))


class SlowClassifier:
    """A stub that takes ``seconds`` per call (a stand-in for a slow model; scores are meaningless)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def predict_proba(self, inputs):
        time.sleep(self.seconds)
        return np.zeros((len(inputs), len(THEMES)))


def test_too_many_segments_is_413_and_nothing_is_stored(model_home, tmp_path, champion, database_url):
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url, max_segments=4)
    with TestClient(create_app(settings, model=champion)) as client:
        r = client.post("/v1/tag", json={"text": FIVE})
        assert r.status_code == 413
        assert "5 segments" in r.json()["detail"] and "POLICYTAG_MAX_SEGMENTS" in r.json()["detail"]
        assert client.post("/v1/reports", json={"text": FIVE}).status_code == 413
        assert client.get("/v1/reports").json()["total"] == 0
        assert client.post("/v1/tag", json={"text": FIVE.rsplit("\n", 1)[0]}).status_code == 200


def test_request_over_the_time_limit_is_503_with_the_setting_to_raise(model_home, tmp_path, database_url):
    slow = ServedModel("policytag", "slow-1", "champion", "no-run",
                       Tagger(SlowClassifier(0.5), THEMES, [0.5] * len(THEMES), model_type="stub"))
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url, request_timeout_s=0.1)
    with TestClient(create_app(settings, model=slow)) as client:
        r = client.post("/v1/tag", json={"text": FIVE})
        assert r.status_code == 503
        assert "0.1 s" in r.json()["detail"] and "POLICYTAG_REQUEST_TIMEOUT_S" in r.json()["detail"]
        assert client.get("/healthz").status_code == 200  # quick requests are unaffected


def test_cors_is_off_by_default(client):
    r = client.options("/v1/tag", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    r = client.get("/v1/zones", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_api_keys_never_reach_the_logs(model_home, tmp_path, champion, caplog, database_url):
    secret = "k-never-log-7f3a9"
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url, api_keys=f"alice:{secret}")
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(settings, model=champion)) as client:
        assert client.post("/v1/reports", json={"text": FIVE}, headers={"X-API-Key": "wrong"}).status_code == 401
        r = client.post("/v1/reports", json={"text": FIVE}, headers={"X-API-Key": secret})
        assert r.status_code == 201
        seg = r.json()["segments"][0]["id"]
        assert client.put(f"/v1/segments/{seg}/labels", json={"labels": ["investment"]},
                          headers={"X-API-Key": secret}).status_code == 200
    logged = "\n".join(f"{rec.getMessage()} {rec.args}" for rec in caplog.records)
    assert caplog.records and secret not in logged and "wrong" not in logged
    assert secret not in repr(settings) and secret not in str(settings.model_dump())


@pytest.mark.parametrize("limit", [5, 20])
def test_settings_come_from_the_environment(monkeypatch, limit):
    from policytag.config import Settings

    monkeypatch.setenv("POLICYTAG_MAX_SEGMENTS", str(limit))
    monkeypatch.setenv("POLICYTAG_REQUEST_TIMEOUT_S", "7.5")
    s = Settings()
    assert s.max_segments == limit and s.request_timeout_s == 7.5
