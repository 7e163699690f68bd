"""The main job against a real uvicorn process on 127.0.0.1: seeds stored, API answering, key enforced."""

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.serving.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(model_home, tmp_path):
    port = free_port()
    env = {**os.environ, "POLICYTAG_HOME": str(model_home), "POLICYTAG_DATA_DIR": str(tmp_path / "data"),
           "POLICYTAG_SEEDS_DIR": str(ROOT / "seeds"), "POLICYTAG_LABELS_DIR": str(ROOT / "labels"),
           "POLICYTAG_API_KEY": "k-123"}
    env.pop("MLFLOW_TRACKING_URI", None)
    proc = subprocess.Popen([sys.executable, "-m", "policytag.cli", "run", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail(f"service did not become ready: {proc.stderr.read()[-2000:]}")
    yield base, proc
    proc.terminate()
    proc.wait(timeout=30)


def test_main_job_serves_the_seeds_over_http(served):
    base, proc = served
    zones = httpx.get(f"{base}/v1/zones").json()["zones"]
    assert sorted(z["zone"] for z in zones) == ["河源高新区", "清远高新区", "阜新高新区", "鹤城高新区"]
    assert httpx.get(f"{base}/v1/reports").json()["total"] == 5
    report = "鹤城高新区2025年工作计划\n全年新签约项目20个,引进企业15家,到位资金30亿元。"
    assert httpx.post(f"{base}/v1/reports", json={"text": report}).status_code == 401
    r = httpx.post(f"{base}/v1/reports", json={"text": report}, headers={"X-API-Key": "k-123"})
    assert r.status_code == 201 and r.json()["year"] == 2025
    cov = httpx.get(f"{base}/v1/zones/鹤城高新区/coverage", params={"year": 2025}).json()
    assert cov["segments"] == 1 and cov["reports"] == 1
    r = httpx.get(f"{base}/v1/compare", params={"format": "csv"})
    assert r.status_code == 200 and r.text.startswith("\ufeffgroup,theme,")  # UTF-8 BOM for Excel
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["champion"] + ["seed"] * 5 + ["serving"]
    assert events[-1]["docs"] == f"{base}/docs" and "X-API-Key" in events[-1]["api_key"]
    assert "k-123" not in out
