"""Serving fixtures: one TF-IDF champion trained into a temporary MLflow store, an app per test."""

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from policytag.config import Settings
from policytag.model.tagger import Tagger
from serving.main import create_app
from serving.served_model import ServedModel

ROOT = Path(__file__).resolve().parents[2]
THEMES = ["investment", "innovation", "bizenv", "party", "safety"]


def make_settings(home: Path, data: Path, **overrides) -> Settings:
    defaults = dict(seeds_dir=ROOT / "seeds", labels_dir=ROOT / "labels", database_url=None, api_key=None,
                    bootstrap_resamples=200)
    return Settings(**{**defaults, "home": home, "data_dir": data, **overrides})


@pytest.fixture
def settings(model_home, tmp_path) -> Settings:
    return make_settings(model_home, tmp_path / "data")


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
def stub_client(tmp_path, model_home, stub_model):
    with TestClient(create_app(make_settings(model_home, tmp_path / "data"), model=stub_model)) as c:
        yield c
