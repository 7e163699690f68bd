"""Retraining through the API: a background job, one at a time, the champion rule, an atomic switch,
re-tagging, a killed job, and a new theme end to end. Each test trains real TF-IDF models."""

import json
import os
import shutil
import signal
import threading
import time

import pytest
from fastapi.testclient import TestClient

from policytag import registry
from policytag.job_steps import ENGLISH, english
from serving.ingest import ingest_seeds
from serving.main import create_app
from tests.serving.conftest import ROOT, make_settings
from training.train import train

KEY = {"X-API-Key": "ka"}
NEW_THEME = ROOT / "tests" / "data" / "new_theme"


@pytest.fixture(scope="module")
def homes() -> dict[str, object]:
    return {}


@pytest.fixture
def home(homes, database_url, tmp_path_factory):
    """A project home per database for this module: a labels copy and a registry with a TF-IDF champion.

    The tests of each database run in file order and each moves the champion at most once. They test the
    retraining machinery, so the labels are the seeds and examples without the corpus
    (each retraining then takes seconds, not a minute).
    """
    backend = "sqlite" if database_url is None else "postgresql"
    if backend not in homes:
        home = tmp_path_factory.mktemp(f"retrain-home-{backend}")
        shutil.copytree(ROOT / "labels", home / "labels", ignore=shutil.ignore_patterns("corpus"))
        train(home, home / "labels", ["tfidf"])
        homes[backend] = home
    return homes[backend]


@pytest.fixture
def client(home, tmp_path, database_url):
    settings = make_settings(home, tmp_path / "data", database_url=database_url,
                             labels_dir=home / "labels", api_keys="alice:ka")
    with TestClient(create_app(settings)) as c:
        ingest_seeds(c.app.state.sessions, c.app.state.model.get(), ROOT / "seeds")
        yield c


def wait(client, job_id, until=("succeeded", "failed"), timeout=300, seen: list | None = None) -> dict:
    """Poll the job until its status is one of ``until``; ``seen`` collects every view of it on the way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if seen is not None:
            seen.append(job)
        if job["status"] in until:
            return job
        time.sleep(0.3)
    pytest.fail(f"job {job_id} still {job['status']} after {timeout} s")


def test_requests_in_flight_finish_on_the_model_they_started_with(client):
    text = (ROOT / "seeds" / "001_00093f6ce3acc11d.txt").read_text(encoding="utf-8")
    slot = client.app.state.model
    old = slot.get()
    versions, errors = [], []

    def tag():
        r = client.post("/v1/tag", json={"text": text})
        (versions if r.status_code == 200 else errors).append(r.json()["model"]["version"] if r.status_code == 200
                                                               else r.text)

    threads = [threading.Thread(target=tag) for _ in range(6)]
    for t in threads:
        t.start()
    reloaded = client.post("/v1/models/reload", headers=KEY).json()
    for t in threads:
        t.join()
    assert errors == [] and set(versions) == {"1"} and reloaded["version"] == "1"
    assert slot.get() is not old  # a fresh object replaced the old one; the old one stayed usable
    assert old.tagger.tag_segments(["全年新签约项目32个。"])[0].scores


def test_a_killed_job_leaves_champion_and_labels_untouched(client, home):
    seg = client.get("/v1/reports/004_34edc68766f1ed87").json()["segments"][1]
    client.put(f"/v1/segments/{seg['id']}/labels", json={"labels": ["safety"]}, headers=KEY)
    label_files = {p: p.read_bytes() for p in (home / "labels").rglob("*") if p.is_file()}
    job_id = client.post("/v1/models/retrain", json={"model": "tfidf"}, headers=KEY).json()["job_id"]
    job = wait(client, job_id, until=("running",))
    deadline = time.monotonic() + 120
    while (job["progress_step"] or {}).get("step") != "cross_validating" and job["status"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = client.get(f"/v1/jobs/{job_id}").json()
    step = job["progress_step"]
    assert step["model_type"] == "tfidf" and isinstance(step["examples"], int) and step["examples"] > 100, job
    assert job["progress"] == f"cross-validating tfidf on {step['examples']} examples"  # the English, as before
    kill(client, job_id)
    job = wait(client, job_id)
    assert job["status"] == "failed" and "code -9" in job["error"] and "champion is unchanged" in job["error"]
    assert job["progress_step"] == {"step": "failed"} and job["progress"] == "failed"
    assert client.get("/v1/model").json()["version"] == "1"
    client_mlflow = registry.configure(home)
    assert str(registry.champion(client_mlflow).version) == "1"
    assert client.get(f"/v1/segments/{seg['id']}/labels").json()["labels"] == ["safety"]
    assert {p: p.read_bytes() for p in (home / "labels").rglob("*") if p.is_file()} == label_files
    again = client.post("/v1/models/retrain", json={"model": "tfidf"}, headers=KEY)
    assert again.status_code == 202  # the slot is free again
    kill(client, again.json()["job_id"])  # (so it cannot move the champion under the next test)
    assert wait(client, again.json()["job_id"])["status"] == "failed"


def kill(client, job_id: str) -> None:
    from policytag.store.tables import Job

    with client.app.state.sessions() as s:
        os.kill(s.get(Job, job_id).pid, signal.SIGKILL)


def test_retrain_job_serves_the_new_champion_and_retags(client, home):
    before = client.get("/v1/model").json()["version"]
    new = str(int(before) + 1)
    seg = client.get("/v1/reports/004_34edc68766f1ed87").json()["segments"][0]
    client.put(f"/v1/segments/{seg['id']}/labels", json={"labels": []}, headers=KEY)
    assert client.post("/v1/models/retrain", json={"model": "tfidf"}).status_code == 401
    r = client.post("/v1/models/retrain", json={"model": "tfidf"}, headers=KEY)
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    second = client.post("/v1/models/retrain", json={"model": "tfidf"}, headers=KEY)
    assert second.status_code == 409 and second.json()["job_id"] == job_id
    seen: list[dict] = []
    job = wait(client, job_id, seen=seen)
    assert job["status"] == "succeeded", job
    assert_steps_in_order(seen, last="done")
    result = job["result"]
    assert result["runs"][0]["model_type"] == "tfidf" and result["champion_moved"] is True
    assert result["served_version"] == result["champion_version"] == new
    assert client.get("/v1/model").json()["version"] == new
    # the correction changed the evaluated labels: the champion's configuration retrained on them replaces it
    assert f"champion v{before}'s configuration retrained" in result["reason"]
    assert client.get("/v1/reports/004_34edc68766f1ed87").json()["model"]["version"] == before
    r = client.post("/v1/reports/retag", headers=KEY)
    assert r.json() == {"model_version": new, "reports": 5, "segments": 184}
    report = client.get("/v1/reports/004_34edc68766f1ed87").json()
    assert report["model"]["version"] == new and report["segments"][0]["correction"]["labels"] == []
    assert client.post("/v1/reports/retag", headers=KEY).json()["reports"] == 0
    with client.app.state.sessions() as s:
        from sqlalchemy import func, select

        from policytag.store.tables import Prediction
        by_version = select(Prediction.model_version, func.count()).group_by(Prediction.model_version)
        versions = dict(s.execute(by_version).all())
    assert versions == {before: 184, new: 184}
    queue = client.get("/v1/review-queue", params={"n": 200}).json()["segments"]
    disagree = [q for q in queue if q["models_disagree"]]
    assert queue[:len(disagree)] == disagree  # segments the two versions label differently come first


def assert_steps_in_order(views: list[dict], last: str) -> None:
    """Every view of a job carries a step of the vocabulary with its English sentence as ``progress``, the steps
    come in the vocabulary's order (a retraining of one model type), and the last one is ``last``."""
    steps = [view["progress_step"] for view in views]
    assert all(s is not None and s["step"] in ENGLISH for s in steps), steps
    assert [view["progress"] for view in views] == [english(s) for s in steps]
    order = list(ENGLISH)
    positions = [order.index(s["step"]) for s in steps]
    assert positions == sorted(positions), steps
    assert steps[-1] == {"step": last}


def test_a_new_theme_with_ten_examples_reaches_the_api(client, home):
    themes = home / "labels" / "themes.yaml"
    themes.write_text(themes.read_text(encoding="utf-8") + (
        "  - id: health\n    zh: 医疗卫生\n    en: Health care\n"
        "    definition: Medical and public-health services for residents and employees.\n"), encoding="utf-8")
    examples = (NEW_THEME / "health_train.jsonl").read_text(encoding="utf-8")
    assert len(examples.splitlines()) == 10
    r = client.post("/v1/labels", content=examples.encode(), headers={**KEY, "content-type": "application/x-ndjson"})
    assert r.status_code == 201 and r.json()["added"] == 10
    job = wait(client, client.post("/v1/models/retrain", json={"model": "tfidf"}, headers=KEY).json()["job_id"])
    assert job["status"] == "succeeded", job
    assert client.get("/v1/model").json()["themes"][-1] == {"id": "health", "zh": "医疗卫生", "en": "Health care"}
    held_out = [json.loads(line) for line in (NEW_THEME / "health_test.jsonl").read_text(encoding="utf-8").splitlines()]
    positive = next(r["text"] for r in held_out if "health" in r["labels"])
    negative = next(r["text"] for r in held_out if r["labels"] == ["investment"])
    doc = client.post("/v1/tag", json={"text": f"{positive}\n{negative}", "zone": "某高新区"}).json()
    pos, neg = doc["segments"]
    assert set(pos["scores"]) == {"investment", "innovation", "bizenv", "party", "safety", "health"}
    assert pos["scores"]["health"] > neg["scores"]["health"]
    assert "health" in doc["coverage"]["themes"]


def test_the_main_job_retrains_in_the_background_while_serving(home, tmp_path, database_url):
    """`policytag run` on a fresh machine starts the slow model's retraining as a job once the app is up
    (here TF-IDF, to take seconds): it is listed like any job and the champion moves only if it wins."""
    from sqlalchemy import select

    from policytag.store.tables import Job

    settings = make_settings(home, tmp_path / "data", database_url=database_url,
                             labels_dir=home / "labels", api_keys="alice:ka")
    with TestClient(create_app(settings, background_retrain="tfidf")) as c:
        assert c.get("/readyz").status_code == 200  # serving while the job runs
        with c.app.state.sessions() as s:
            (job_id,) = s.scalars(select(Job.id).where(Job.requested_by == "main job"))
        listed = c.get("/v1/jobs").json()["jobs"][0]
        assert listed["id"] == job_id and listed["progress_step"]["step"] in ENGLISH  # the newest job first
        assert c.get("/v1/jobs", params={"limit": 0}).status_code == 422
        job = wait(c, job_id)
        assert job["status"] == "succeeded", job
        assert c.get("/v1/model").json()["version"] == job["result"]["champion_version"]
