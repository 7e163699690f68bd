"""The MLflow store (SQLite registry + artifacts under ``mlruns/``) and the champion alias."""

from __future__ import annotations

import os
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

MODEL_NAME = "policytag"
CHAMPION = "champion"
EXPERIMENT = "policytag"


def tracking_uri(home: Path) -> str:
    """``MLFLOW_TRACKING_URI`` if set, else ``sqlite:///<home>/mlruns/mlflow.db``."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{(home / 'mlruns' / 'mlflow.db').resolve()}"


def configure(home: Path) -> MlflowClient:
    """Point MLflow at the project's store and make sure the experiment exists."""
    uri = tracking_uri(home)
    artifacts = None
    if uri.startswith("sqlite:///"):  # artifacts live beside the SQLite store: <store>/artifacts
        artifacts = Path(uri.removeprefix("sqlite:///")).parent / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
    user_uri = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    # MLflow also exports the URI to the environment; undo that, so the next
    # configure(home) for another home is not mistaken for a user's choice.
    if user_uri is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = user_uri
    client = MlflowClient()
    if client.get_experiment_by_name(EXPERIMENT) is None:
        client.create_experiment(EXPERIMENT, artifact_location=artifacts.as_uri() if artifacts else None)
    mlflow.set_experiment(EXPERIMENT)
    return client


def champion(client: MlflowClient):
    """The model version under ``@champion``, or None."""
    try:
        return client.get_model_version_by_alias(MODEL_NAME, CHAMPION)
    except MlflowException:
        return None


def champion_uri() -> str:
    return f"models:/{MODEL_NAME}@{CHAMPION}"


def set_champion(client: MlflowClient, version: str) -> None:
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)
