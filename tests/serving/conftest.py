"""Serving fixtures: one TF-IDF champion trained into a temporary MLflow store, an app per test, each test on
SQLite and on a fresh PostgreSQL database (``database_url``)."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from policytag.config import Settings
from policytag.model.tagger import Tagger
from serving.main import create_app
from serving.served_model import ServedModel
from tests.databases import BACKENDS, fresh_database

ROOT = Path(__file__).resolve().parents[2]
THEMES = ["investment", "innovation", "bizenv", "party", "safety"]


def make_settings(home: Path, data: Path, **overrides) -> Settings:
    defaults = dict(seeds_dir=ROOT / "seeds", labels_dir=ROOT / "labels", database_url=None, api_key=None,
                    bootstrap_resamples=200)
    return Settings(**{**defaults, "home": home, "data_dir": data, **overrides})


@pytest.fixture(params=BACKENDS)
def database_url(request) -> Iterator[str | None]:
    """None (SQLite under the data folder), or a fresh PostgreSQL database dropped after the test."""
    with fresh_database(request.param) as url:
        yield url


@pytest.fixture
def settings(model_home, tmp_path, database_url) -> Settings:
    return make_settings(model_home, tmp_path / "data", database_url=database_url)


@pytest.fixture
def client(settings, champion):
    with TestClient(create_app(settings, model=champion)) as c:
        yield c


class MarkerClassifier:
    """A stub for arithmetic tests only: theme t scores 1.0 when the text contains ``[t]``."""

    def predict_proba(self, inputs: list[str]) -> np.ndarray:
        return np.array([[1.0 if f"[{t}]" in text else 0.0 for t in THEMES] for text in inputs])


@pytest.fixture
def stub_model() -> ServedModel:
    tagger = Tagger(MarkerClassifier(), THEMES, [0.5] * len(THEMES), with_heading=False, model_type="stub")
    return ServedModel("policytag", "stub-1", "champion", "no-run", tagger)


@pytest.fixture
def stub_client(tmp_path, model_home, stub_model, database_url):
    with TestClient(create_app(make_settings(model_home, tmp_path / "data", database_url=database_url),
                               model=stub_model)) as c:
        yield c


# Zone 甲: 2023 has 4 segments, 2024 has 2; zone 乙 (2023) has 3. One paragraph is one segment.
A_2023 = ["全年引进项目十二个,签约金额三十亿元[investment]。",
          "新建研发平台五个,引进项目两个[innovation][investment]。",
          "召开年度工作会议,部署全年任务。", "开展安全生产大检查,整改隐患四十处[safety]。"]
A_2024 = ["新签约项目二十个[investment]。", "组织党员干部集中学习[party]。"]
B_2023 = ["加强基层党组织建设[party]。", "推进科技企业孵化器建设[innovation][party]。", "完成年度目标任务。"]


def store(client, paragraphs, zone, year):
    r = client.post("/v1/reports", json={"text": "\n".join(paragraphs), "zone": zone, "year": year})
    assert r.status_code == 201, r.text
    assert len(r.json()["segments"]) == len(paragraphs)


@pytest.fixture
def corpus(stub_client):
    """The stub model's stored corpus: zone 甲 in 2023 and 2024, zone 乙 in 2023."""
    store(stub_client, A_2023, "甲高新区", 2023)
    store(stub_client, A_2024, "甲高新区", 2024)
    store(stub_client, B_2023, "乙高新区", 2023)
    return stub_client
