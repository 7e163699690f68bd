"""Key settings are checked at start-up: a bad one stops the service with a message that names the setting
(never the key); the start-up line tells the truth about write access; query strings stay out of the log."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from pydantic import ValidationError

from policytag.config import Settings
from tests.live_service import Service

SECRET = "k-never-log-51c2"


@pytest.mark.parametrize("env, message", [
    ({"POLICYTAG_API_KEY": ""}, "POLICYTAG_API_KEY is set but empty"),  # was: writes silently open
    ({"POLICYTAG_API_KEY": f" {SECRET}"}, "spaces"),
    ({"POLICYTAG_API_KEYS": f"alice:{SECRET},"}, "entry 2 is empty"),  # was: started, then every write a 500
    ({"POLICYTAG_API_KEYS": f"alice: {SECRET}"}, "entry 1 (alice) has spaces"),  # was: the key unusable
    ({"POLICYTAG_API_KEYS": SECRET}, "entry 1 is not name:key"),
    ({"POLICYTAG_API_KEYS": f"alice:{SECRET},bob:{SECRET}"}, "repeats another entry's key"),
    ({"POLICYTAG_API_KEYS": ""}, "is set but empty"),
])
def test_bad_key_settings_are_refused_naming_the_setting_not_the_key(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert message in str(caught.value) and SECRET not in str(caught.value)


def test_good_key_settings_name_each_author(monkeypatch):
    monkeypatch.setenv("POLICYTAG_API_KEYS", "alice:k1,bob:k2")
    monkeypatch.setenv("POLICYTAG_API_KEY", "k0")
    assert Settings().write_keys == {"k1": "alice", "k2": "bob", "k0": "default"}


def test_the_service_refuses_to_start_with_a_bad_key_setting(tmp_path):
    env = {**os.environ, "POLICYTAG_API_KEYS": f"alice:{SECRET},", "POLICYTAG_DATA_DIR": str(tmp_path)}
    env.pop("POLICYTAG_API_KEY", None)
    proc = subprocess.run([sys.executable, "-m", "policytag.cli", "serve", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert json.loads(proc.stderr.strip().splitlines()[-1])["error"].startswith("bad settings: POLICYTAG_API_KEYS")
    assert SECRET not in proc.stderr + proc.stdout


@pytest.fixture(scope="module")
def keys_only(model_home, tmp_path_factory):
    svc = Service(model_home, tmp_path_factory.mktemp("keys"), key="kb",
                  env={"POLICYTAG_API_KEY": None, "POLICYTAG_API_KEYS": "alice:ka,bob:kb"}).start()
    yield svc
    svc.stop()


def test_startup_line_says_writes_need_a_key_when_only_api_keys_is_set(keys_only):
    """Was: 'not set: write endpoints are open' although POLICYTAG_API_KEYS protected them."""
    serving = [json.loads(line) for line in keys_only.log.read_text().splitlines() if line.startswith('{"event"')]
    assert "required on write endpoints" in serving[-1]["api_key"]
    assert httpx.post(keys_only.base + "/v1/reports", json={"text": "招商引资。"}).status_code == 401


def test_query_strings_never_reach_the_access_log(keys_only):
    """Was: a key sent as ?api_key=… was logged verbatim."""
    r = httpx.get(keys_only.base + f"/v1/reports?api_key={SECRET}&zone=x")
    assert r.status_code == 200
    httpx.get(keys_only.base + "/healthz")  # the access log is written; flushed by the time this answers
    log = keys_only.log.read_text()
    assert '"GET /v1/reports?… HTTP/1.1" 200' in log and SECRET not in log and "zone=x" not in log
