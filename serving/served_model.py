"""The champion model the service tags with: loaded once from the MLflow registry, swapped atomically."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from policytag import registry
from policytag.model.tagger import Tagger
from policytag.registry import NoModelError


@dataclass(frozen=True)
class ServedModel:
    name: str
    version: str
    alias: str
    run_id: str
    tagger: Tagger
    metrics: dict = field(default_factory=dict)
    loaded_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def themes(self) -> list[str]:
        return self.tagger.themes


def load_champion(home: Path) -> ServedModel:
    """Load ``models:/policytag@champion`` (only ever from the configured registry)."""
    ref = registry.resolve(home)
    return ServedModel(ref.name, ref.version, registry.CHAMPION, ref.run_id, registry.load(ref),
                       registry.cv_metrics(ref))


class ModelSlot:
    """Holds the served model; readers take a reference, a reload replaces it in one assignment."""

    def __init__(self, home: Path, model: ServedModel | None = None):
        self.home = home
        self._model = model
        self.error: str | None = None
        self._lock = threading.Lock()
        self._tried: str | None = None  # the champion version last loaded or tried

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def get(self) -> ServedModel:
        model = self._model
        if model is None:
            raise NoModelError(self.error or "the model is not loaded yet")
        return model

    def reload(self) -> ServedModel | None:
        """Load the current champion; if it cannot be loaded (none registered, a missing or corrupt artifact)
        keep serving the model held so far (or none), and say why in ``error``."""
        with self._lock:
            try:
                self._tried = registry.resolve(self.home).version
                self._model = load_champion(self.home)
                self.error = None
            except NoModelError as exc:
                self.error = str(exc)
            except Exception as exc:  # noqa: BLE001 - a broken artifact fails in any way; reads must go on
                kept = f"; still serving version {self._model.version}" if self._model else ""
                self.error = f"the @champion model cannot be loaded ({exc.__class__.__name__}: {exc}){kept}"[:1000]
            return self._model

    def follow_champion(self) -> bool:
        """Reload if ``@champion`` names a version not yet tried (another process moved it); True if it did."""
        try:
            version = registry.resolve(self.home).version
        except NoModelError:
            return False
        if version == self._tried:
            return False
        self.reload()
        return True
