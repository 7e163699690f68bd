"""Session fixtures shared by every test package: the seeds, and one TF-IDF champion trained per run."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def model_home(tmp_path_factory) -> Path:
    """A project home whose MLflow store holds a TF-IDF champion (trained once per session)."""
    from training.train import train

    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.delenv("MLFLOW_TRACKING_URI", raising=False)
    train(home, ROOT / "labels", ["tfidf"])
    mp.undo()
    return home


@pytest.fixture(scope="session")
def champion(model_home):
    from serving.served_model import load_champion

    return load_champion(model_home)
