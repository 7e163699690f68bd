"""Which registered model a batch tags with, and loading it once per process.

The driver resolves ``@champion`` (or the version asked for) to a version number once;
every worker then loads ``models:/policytag/<version>`` from the same tracking URI, so
all rows of a run come from one model even if the alias moves meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_CACHE: dict[tuple[str, str], object] = {}  # (tracking URI, model URI) → Tagger, per process


class NoModelError(RuntimeError):
    """No model is registered under the alias or version asked for."""


@dataclass(frozen=True)
class ModelRef:
    tracking_uri: str
    name: str
    version: str

    @property
    def uri(self) -> str:
        return f"models:/{self.name}/{self.version}"


def resolve(home: Path, version: str | None = None) -> ModelRef:
    """The champion's (or ``version``'s) number in the project's registry."""
    from mlflow.exceptions import MlflowException

    from training import registry

    client = registry.configure(home)
    if version is None:
        found = registry.champion(client)
        if found is None:
            raise NoModelError(f"no model is registered as {registry.MODEL_NAME}@{registry.CHAMPION} in "
                               f"{registry.tracking_uri(home)}; train one with 'policytag train'")
        version = str(found.version)
    else:
        try:
            client.get_model_version(registry.MODEL_NAME, str(version))
        except MlflowException:
            raise NoModelError(f"{registry.MODEL_NAME} has no version {version} in "
                               f"{registry.tracking_uri(home)}") from None
    return ModelRef(registry.tracking_uri(home), registry.MODEL_NAME, str(version))


def load_tagger(ref: ModelRef):
    """The model's :class:`~policytag.model.tagger.Tagger`, loaded from the registry once per process."""
    key = (ref.tracking_uri, ref.uri)
    if key not in _CACHE:
        import mlflow
        import mlflow.pyfunc

        user_uri = os.environ.get("MLFLOW_TRACKING_URI")
        mlflow.set_tracking_uri(ref.tracking_uri)
        mlflow.set_registry_uri(ref.tracking_uri)
        try:
            _CACHE[key] = mlflow.pyfunc.load_model(ref.uri).unwrap_python_model().tagger
        finally:  # MLflow exports the URI to the environment: leave the environment as it was
            if user_uri is None:
                os.environ.pop("MLFLOW_TRACKING_URI", None)
            else:
                os.environ["MLFLOW_TRACKING_URI"] = user_uri
    return _CACHE[key]
