"""Retraining from the page's model tab: start a job with the key, follow it, see the new model next to the
champion, the header moving to the new champion without a reload, and re-tagging the stored reports.

A service of its own (it moves the champion): a TF-IDF champion on the labels without the corpus, as in
tests/serving/test_retraining.py, so a retraining takes seconds."""

import re
import shutil

import pytest

from tests.live_service import ROOT
from tests.live_service import Service as LiveService
from tests.page.conftest import open_page

KEY = "retrain-key-3"


@pytest.fixture(scope="module")
def retrain_service(tmp_path_factory):
    from training.train import train

    home = tmp_path_factory.mktemp("retrain-page-home")
    shutil.copytree(ROOT / "labels", home / "labels", ignore=shutil.ignore_patterns("corpus"))
    mp = pytest.MonkeyPatch()
    mp.delenv("MLFLOW_TRACKING_URI", raising=False)
    train(home, home / "labels", ["tfidf"])
    mp.undo()
    live = LiveService(home, home / "data", command="run", key=KEY,
                       env={"POLICYTAG_LABELS_DIR": str(home / "labels")}).start()
    yield live
    live.stop()


@pytest.fixture
def tab(browser, retrain_service):
    with open_page(browser, retrain_service.base + "/#model") as page:
        yield page


def test_retrain_from_the_page_serves_the_new_champion_and_retags(tab, retrain_service):
    import httpx

    base = retrain_service.base
    before = httpx.get(base + "/v1/model").json()
    assert tab.get_attribute("#model-version", "data-version") == before["version"]
    choices = tab.eval_on_selector_all("#retrain-model option", "os => os.map(o => o.value)")
    assert {"tfidf", "fast", "all"} <= set(choices) and tab.input_value("#retrain-model") == "fast"

    # a person's correction changes the labels, so the champion's configuration retrained on them replaces it
    report = httpx.get(base + "/v1/reports/004_34edc68766f1ed87").json()
    seg = report["segments"][1]
    r = httpx.put(f"{base}/v1/segments/{seg['id']}/labels", json={"labels": ["safety"]}, headers={"X-API-Key": KEY})
    assert r.status_code == 200, r.text

    tab.select_option("#retrain-model", "tfidf")
    tab.click("#retrain-start")  # no key yet: the API's 401 in the page's words
    tab.wait_for_selector("#retrain-status[data-kind=error]")
    assert "API 密钥" in tab.text_content("#retrain-status")

    tab.fill("#api-key", KEY)
    record_progress(tab)
    tab.click("#retrain-start")
    tab.wait_for_selector("#jobs-table tbody tr[data-status]")
    tab.wait_for_selector("#retrain-runs", timeout=240_000)
    job = httpx.get(base + "/v1/jobs").json()["jobs"][0]
    assert job["status"] == "succeeded" and job["requested_by"]
    assert tab.get_attribute("#jobs-table tbody tr", "data-id") == job["id"]
    assert tab.text_content("#jobs-table tbody tr td:nth-child(2)") == "已完成"
    assert_progress_in_chinese(tab, job)

    result = job["result"]
    champion = tab.eval_on_selector("#retrain-runs tr[data-role=champion]", "r => [...r.cells].map(c => c.textContent)")
    assert champion[2] == f"v{before['version']}"
    assert abs(float(champion[3]) - before["metrics"]["cv_macro_f1"]) < 6e-4
    new = tab.eval_on_selector_all("#retrain-runs tr[data-role=new]",
                                   "rs => rs.map(r => [...r.cells].map(c => c.textContent))")
    assert [(c[1], c[2]) for c in new] == [(run["model_type"], f"v{run['version']}") for run in result["runs"]]
    assert abs(float(new[0][3]) - result["runs"][0]["macro_f1"]) < 6e-4
    assert tab.get_attribute("#retrain-verdict", "data-moved") == str(result["champion_moved"]).lower()
    assert result["reason"] in tab.text_content("#retrain-reason")

    # the page reads the served model again when the job ends: the header shows the new champion, no reload
    after = httpx.get(base + "/v1/model").json()
    assert result["champion_moved"] and after["version"] != before["version"]
    tab.wait_for_selector(f"#model-version[data-version='{after['version']}']")
    assert tab.text_content("#model-version") == f"policytag v{after['version']} ({after['model_type']})"
    assert after["version"] in tab.text_content("#model-status")

    tab.click("#retag-start")
    tab.wait_for_selector("#retag-status[data-kind=ok]", timeout=60_000)
    reports = httpx.get(base + "/v1/reports").json()["reports"]
    assert reports and {r["model_version"] for r in reports} == {after["version"]}
    assert f"v{after['version']}" in tab.text_content("#retag-status")
    assert f"{len(reports)} 份报告" in tab.text_content("#retag-status")


def record_progress(tab) -> None:
    """Keep every running message and every job row's progress cell the page shows from now on."""
    tab.evaluate("""() => {
        window.progressSeen = { status: [], cells: [] };
        const record = () => {
            const status = document.querySelector('#retrain-status');
            if (status.dataset.kind === 'busy') window.progressSeen.status.push(status.textContent);
            for (const row of document.querySelectorAll('#jobs-table tbody tr')) {
                const cell = row.querySelector('td.job-progress');
                window.progressSeen.cells.push([row.dataset.id, cell.dataset.step, cell.textContent]);
            }
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    }""")


def assert_progress_in_chinese(tab, job: dict) -> None:
    """While the job ran, the page named its steps in Chinese (the API's English sentences never showed), and
    the finished job's row says 完成."""
    zh = tab.evaluate("""async () => (await import('/page/i18n.js')).table().zh""")
    steps = {k.removeprefix("job.step."): v for k, v in zh.items() if k.startswith("job.step.")}
    step_text = "|".join(pattern(v, {}) for v in steps.values())
    running = re.compile(pattern(zh["retrain.running"], {"id": re.escape(job["id"]), "progress": f"(?:{step_text})"}))
    seen = tab.evaluate("() => window.progressSeen")
    shown = [text for text in seen["status"] if text != zh["retrain.started"].replace("{id}", job["id"])]
    assert shown and all(running.fullmatch(text) for text in shown), shown
    cells = [(step, text) for row, step, text in seen["cells"] if row == job["id"]]
    assert all(re.fullmatch(step_text, text) for _, text in cells), cells
    assert {step for step, _ in cells} - {"done"}, cells  # a step shown while the job ran
    # Latin words left are the job's id and the model type; none of the API's English step sentences
    latin = {w for _, text in cells for w in re.findall(r"[A-Za-z]{3,}", text)} | {
        w for text in shown for w in re.findall(r"[A-Za-z]{3,}", text.replace(job["id"], ""))}
    assert latin <= {"tfidf"}, latin
    row = tab.locator(f"#jobs-table tbody tr[data-id='{job['id']}'] td.job-progress")
    assert row.get_attribute("data-step") == "done" and row.text_content() == steps["done"]


def pattern(template: str, values: dict[str, str]) -> str:
    """A page text as a regular expression: each ``{name}`` is ``values[name]``, else any text."""
    parts = re.split(r"({\w+})", template)
    return "".join(values.get(p[1:-1], ".+") if re.fullmatch(r"{\w+}", p) else re.escape(p) for p in parts)
