"""One table of model types drives training, the CLI choices and the API enum; pins come from the metadata."""

import tomllib
from pathlib import Path
from typing import get_args

import pytest

from policytag.model import model_types

ROOT = Path(__file__).resolve().parents[2]


def test_cli_and_api_choices_are_the_table_plus_fast_and_all():
    from policytag.cli.model import MODEL_CHOICES
    from serving.routes.models import RetrainRequest
    from training.train import HEADING_HELPS, MODEL_TYPES

    table = ("tfidf", "encoder", "ensemble", "finetuned", "finetuned_tfidf")
    assert MODEL_CHOICES == model_types.CHOICES == (*table, "fast", "all")
    assert get_args(RetrainRequest.model_fields["model"].annotation) == model_types.CHOICES
    assert MODEL_TYPES == table
    assert HEADING_HELPS == {"tfidf": True, "encoder": False, "ensemble": False, "finetuned": False,
                             "finetuned_tfidf": False}
    assert model_types.expand("all") == list(MODEL_TYPES) and model_types.expand("tfidf") == ["tfidf"]
    assert model_types.expand("fast") == ["tfidf", "encoder", "ensemble"]


def test_ensembles_name_their_members_and_make_mean_ensembles():
    from policytag.model.classifiers import MeanEnsemble

    for name, t in model_types.MODEL_TYPES.items():
        assert all(m in model_types.MODEL_TYPES and not model_types.MODEL_TYPES[m].members for m in t.members)
        if t.members:
            assert isinstance(model_types.make_classifier(name), MeanEnsemble)


def test_unknown_model_type_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown model type 'svm'; choose one of \('tfidf', 'encoder', 'ensemble'"):
        model_types.make_classifier("svm")


def test_model_pins_are_the_pyproject_pins():
    from training.tracking import MODEL_PACKAGES, pip_requirements

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pinned = {d.split("==")[0].lower(): d.split("#")[0].strip() for d in declared}
    requirements = pip_requirements()
    assert requirements[:len(MODEL_PACKAGES)] == [pinned[n] for n in MODEL_PACKAGES]
    assert all("==" in r for r in requirements[:len(MODEL_PACKAGES)])
