"""One table of model types drives training, the CLI choices and the API enum; pins come from the metadata."""

import tomllib
from pathlib import Path
from typing import get_args

import pytest

from policytag.model import model_types

ROOT = Path(__file__).resolve().parents[2]


def test_cli_and_api_choices_are_the_table_plus_all():
    from policytag.cli.model import MODEL_CHOICES
    from serving.routes.models import RetrainRequest
    from training.train import HEADING_HELPS, MODEL_TYPES

    assert MODEL_CHOICES == model_types.CHOICES == ("tfidf", "encoder", "ensemble", "all")
    assert get_args(RetrainRequest.model_fields["model"].annotation) == model_types.CHOICES
    assert MODEL_TYPES == ("tfidf", "encoder", "ensemble")
    assert HEADING_HELPS == {"tfidf": True, "encoder": False, "ensemble": False}
    assert model_types.expand("all") == list(MODEL_TYPES) and model_types.expand("tfidf") == ["tfidf"]


def test_unknown_model_type_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown model type 'svm'; choose one of \('tfidf', 'encoder', 'ensemble'\)"):
        model_types.make_classifier("svm")


def test_model_pins_are_the_pyproject_pins():
    from training.tracking import MODEL_PACKAGES, pip_requirements

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pinned = {d.split("==")[0].lower(): d.split("#")[0].strip() for d in declared}
    requirements = pip_requirements()
    assert requirements[:len(MODEL_PACKAGES)] == [pinned[n] for n in MODEL_PACKAGES]
    assert all("==" in r for r in requirements[:len(MODEL_PACKAGES)])
