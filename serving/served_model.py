"""The champion model the service tags with: loaded once from the MLflow registry, swapped atomically."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from policytag.model.tagger import Tagger


@dataclass(frozen=True)
class ServedModel:
    name: str
    version: str
    alias: str
    run_id: str
    tagger: Tagger
    metrics: dict = field(default_factory=dict)
    loaded_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @property
    def themes(self) -> list[str]:
        return self.tagger.themes


class NoModelError(RuntimeError):
    """No model is registered under the alias the service serves."""


def load_champion(home: Path) -> ServedModel:
    """Load ``models:/policytag@champion`` (only ever from the configured registry)."""
    import mlflow.pyfunc

    from training import registry

    client = registry.configure(home)
    version = registry.champion(client)
    if version is None:
        raise NoModelError(f"no model is registered as {registry.MODEL_NAME}@{registry.CHAMPION}; "
                           "train one with 'policytag train' (or start the main job)")
    model = mlflow.pyfunc.load_model(f"models:/{registry.MODEL_NAME}/{version.version}")
    metrics = {k: round(v, 4) for k, v in client.get_run(version.run_id).data.metrics.items()
               if k.startswith("cv_")}
    return ServedModel(registry.MODEL_NAME, str(version.version), registry.CHAMPION, version.run_id,
                       model.unwrap_python_model().tagger, metrics)


class ModelSlot:
    """Holds the served model; readers take a reference, a reload replaces it in one assignment."""

    def __init__(self, home: Path, model: ServedModel | None = None):
        self.home = home
        self._model = model
        self.error: str | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def get(self) -> ServedModel:
        model = self._model
        if model is None:
            raise NoModelError(self.error or "the model is not loaded yet")
        return model

    def reload(self) -> ServedModel | None:
        with self._lock:
            try:
                self._model = load_champion(self.home)
                self.error = None
            except NoModelError as exc:
                self.error = str(exc)
            return self._model
