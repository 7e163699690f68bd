"""Typed settings, read from the environment (``POLICYTAG_*``) when asked for, never at import."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYTAG_")

    home: Path = PROJECT_ROOT
    seeds_dir: Path | None = None
    labels_dir: Path | None = None

    @property
    def seeds(self) -> Path:
        return self.seeds_dir or self.home / "seeds"

    @property
    def labels(self) -> Path:
        return self.labels_dir or self.home / "labels"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
