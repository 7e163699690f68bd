"""A stored report's coverage is corrected with the error rates of the model that tagged it, like /v1/tag's."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from policytag.model.tagger import Tagger
from serving.main import create_app
from serving.served_model import ServedModel
from tests.serving.conftest import THEMES, make_settings

TEXT = "\n".join(["全年引进项目十二个[investment]。", "新建研发平台五个[innovation]。", "召开年度工作会议。",
                  "开展安全生产大检查[safety]。", "组织党员干部集中学习[party]。", "完成年度目标任务。"])
RATE = {"positives": 100, "negatives": 400, "true_positives": 80, "false_positives": 20, "score_pos": 0.6,
        "score_neg": 0.1, "score_pos_sd": 0.1, "score_neg_sd": 0.05}


class ScoredMarkers:
    """Theme t scores 0.6 when the text contains ``[t]``, else 0.1: its mean score (pcc) is not the label count."""

    def predict_proba(self, inputs: list[str]) -> np.ndarray:
        return np.array([[0.6 if f"[{t}]" in text else 0.1 for t in THEMES] for text in inputs])


def served(version: str, with_rates: bool = True) -> ServedModel:
    tagger = Tagger(ScoredMarkers(), THEMES, [0.5] * len(THEMES), with_heading=False, model_type="stub")
    if with_rates:
        tagger.info["error_rates"] = {t: dict(RATE) for t in THEMES}
    return ServedModel("policytag", version, "champion", "no-run", tagger)


@pytest.fixture
def settings(model_home, tmp_path, database_url):
    return make_settings(model_home, tmp_path / "data", database_url=database_url)


def test_stored_report_coverage_is_corrected_like_the_tag_response(settings):
    with TestClient(create_app(settings, model=served("v1"))) as client:
        tagged = client.post("/v1/tag", json={"text": TEXT, "zone": "甲高新区", "year": 2024}).json()
        created = client.post("/v1/reports", json={"text": TEXT, "zone": "甲高新区", "year": 2024})
        assert created.status_code == 201, created.text
        stored = client.get(f"/v1/reports/{created.json()['report_id']}").json()
        again = client.post("/v1/reports", json={"text": TEXT, "zone": "甲高新区", "year": 2024})
    assert again.status_code == 200
    for view in (created.json(), stored, again.json()):
        cov = view["coverage"]
        assert (cov["method"], cov["corrected"]) == ("pcc", True)
        inv = cov["themes"]["investment"]
        assert inv["raw_segment_share"] == round(1 / 6, 4)  # one of six segments carries it
        assert inv["segment_share"] == pytest.approx((0.6 + 5 * 0.1) / 6, abs=1e-4)  # the mean score
        assert cov == tagged["coverage"]


def test_a_correction_counts_as_known_in_the_stored_coverage(settings):
    with TestClient(create_app(settings, model=served("v1"))) as client:
        report = client.post("/v1/reports", json={"text": TEXT, "zone": "甲高新区", "year": 2024}).json()
        meeting = report["segments"][2]["id"]  # 召开年度工作会议: no theme, scored 0.1 for each
        assert client.put(f"/v1/segments/{meeting}/labels", json={"labels": ["party"]}).status_code == 200
        cov = client.get(f"/v1/reports/{report['report_id']}").json()["coverage"]
    assert cov["corrected"] and cov["themes"]["party"]["raw_segment_share"] == round(2 / 6, 4)
    assert cov["themes"]["party"]["segment_share"] == pytest.approx((1.0 + 0.6 + 4 * 0.1) / 6, abs=1e-4)


def test_a_report_tagged_by_another_version_shows_raw_coverage_marked_uncorrected(settings):
    with TestClient(create_app(settings, model=served("v1"))) as client:
        report_id = client.post("/v1/reports", json={"text": TEXT}).json()["report_id"]
    with TestClient(create_app(settings, model=served("v2"))) as client:
        cov = client.get(f"/v1/reports/{report_id}").json()["coverage"]
    assert (cov["method"], cov["corrected"]) == ("cc", False)
    assert cov["themes"]["investment"]["segment_share"] == cov["themes"]["investment"]["raw_segment_share"]
    with TestClient(create_app(settings, model=served("v1", with_rates=False))) as client:
        cov = client.get(f"/v1/reports/{report_id}").json()["coverage"]
    assert not cov["corrected"]
