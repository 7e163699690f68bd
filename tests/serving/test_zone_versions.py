"""Zone coverage and comparisons correct only predictions of the served model version, as a stored report does.

A report tagged by an older version keeps that version's predictions until it is re-tagged; the served
model's error rates say nothing about that version's errors, so a zone or comparison holding such segments
is given as raw counts (``corrected: false``) with the number of those segments.
"""

import pytest
from fastapi.testclient import TestClient

from serving.main import create_app
from tests.serving.test_report_coverage import TEXT, served

OTHER = "\n".join(["推进科技企业孵化器建设[innovation]。", "加强基层党组织建设[party]。", "完成年度目标任务。"])


def test_zone_coverage_is_raw_while_another_version_tagged_some_segments(settings):
    with TestClient(create_app(settings, model=served("v1"))) as client:
        old = client.post("/v1/reports", json={"text": TEXT, "zone": "甲高新区", "year": 2023}).json()
        cov = client.get("/v1/zones/甲高新区/coverage").json()
        assert (cov["method"], cov["corrected"], cov["other_version_segments"]) == ("pcc", True, 0)
        assert cov["themes"]["investment"]["segment_share"] == pytest.approx((0.6 + 5 * 0.1) / 6, abs=1e-4)
    with TestClient(create_app(settings, model=served("v2"))) as client:
        assert client.post("/v1/reports", json={"text": OTHER, "zone": "甲高新区", "year": 2024}).status_code == 201
        cov = client.get("/v1/zones/甲高新区/coverage").json()
        # six of nine segments come from v1: v2's rates would mis-correct them, so the zone is counted raw
        assert (cov["method"], cov["corrected"], cov["other_version_segments"]) == ("cc", False, 6)
        for entry in cov["themes"].values():
            assert entry["segment_share"] == entry["raw_segment_share"]
        only_new = client.get("/v1/zones/甲高新区/coverage", params={"year": 2024}).json()
        assert (only_new["corrected"], only_new["other_version_segments"]) == (True, 0)
        # a person's labels are known, whatever version tagged their report
        first = old["segments"][0]["id"]
        assert client.put(f"/v1/segments/{first}/labels", json={"labels": ["investment"]}).status_code == 200
        assert client.get("/v1/zones/甲高新区/coverage").json()["other_version_segments"] == 5
        assert client.post("/v1/reports/retag").status_code == 200
        cov = client.get("/v1/zones/甲高新区/coverage").json()
        assert (cov["method"], cov["corrected"], cov["other_version_segments"]) == ("pcc", True, 0)


def test_comparison_is_raw_for_every_group_while_one_holds_another_versions_segments(settings):
    with TestClient(create_app(settings, model=served("v1"))) as client:
        assert client.post("/v1/reports", json={"text": TEXT, "zone": "甲高新区", "year": 2023}).status_code == 201
    with TestClient(create_app(settings, model=served("v2"))) as client:
        assert client.post("/v1/reports", json={"text": OTHER, "zone": "乙高新区", "year": 2023}).status_code == 201
        result = client.get("/v1/compare").json()
        assert (result["corrected"], result["other_version_segments"]) == (False, 6)
        counts = {g: (c["corrected"], c["other_version_segments"]) for g, c in result["coverage"].items()}
        # 乙 alone could be corrected, but its corrected shares set against 甲's raw ones would compare a
        # correction with the tagger's bias: every group is counted raw
        assert counts == {"甲高新区": (False, 6), "乙高新区": (False, 0)}
        party = result["coverage"]["乙高新区"]["themes"]["party"]
        assert party["segment_share"] == party["raw_segment_share"] == round(1 / 3, 4)
        assert client.post("/v1/reports/retag").status_code == 200
        result = client.get("/v1/compare").json()
        assert (result["corrected"], result["other_version_segments"]) == (True, 0)
        assert all(c["corrected"] and c["method"] == "pcc" for c in result["coverage"].values())
