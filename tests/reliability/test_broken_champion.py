"""``policytag run`` and ``policytag serve`` as real processes whose champion cannot load (its artifact cut in
half or deleted): the process starts and stays up, serves reads, and says why on ``/readyz`` and
``/v1/model``; writes that need the model answer 503 with the reason. Was: ``policytag run`` exited."""

from __future__ import annotations

import pytest

from tests.live_service import Service, damaged_copy, report_text


@pytest.fixture(scope="module")
def stored_data(model_home, tmp_path_factory):
    """A data folder holding one report, stored by a service with a working champion."""
    data = tmp_path_factory.mktemp("stored") / "data"
    svc = Service(model_home, data).start()
    try:
        with svc.client() as client:
            r = client.post("/v1/reports", json={"text": report_text(7)})
            assert r.status_code == 201, r.text
            report_id = r.json()["report_id"]
    finally:
        svc.stop()
    return data, report_id


@pytest.mark.parametrize(("command", "damage"), [("run", "corrupt"), ("serve", "missing")])
def test_a_champion_that_cannot_load_still_starts_and_serves_reads(command, damage, model_home, stored_data,
                                                                  tmp_path):
    data, report_id = stored_data
    home = damaged_copy(model_home, tmp_path, damage)
    svc = Service(home, data, command=command).start(wait_ready=False)
    try:
        ready = svc.client().get("/readyz")
        assert ready.status_code == 503 and "cannot be loaded" in ready.json()["detail"], ready.text
        with svc.client() as client:
            assert client.get("/healthz").status_code == 200
            assert client.get(f"/v1/reports/{report_id}").status_code == 200
            assert report_id in [r["id"] for r in client.get("/v1/reports").json()["reports"]]
            model = client.get("/v1/model")  # what the page shows as the reason
            assert model.status_code == 503 and "cannot be loaded" in model.json()["detail"]
            tag = client.post("/v1/tag", json={"text": report_text(8)})
            assert tag.status_code == 503 and "no model is served" in tag.json()["detail"]
        assert svc.proc is not None and svc.proc.poll() is None  # still running
        if command == "run":
            assert '"event": "no model"' in svc.log.read_text()
    finally:
        svc.stop()
