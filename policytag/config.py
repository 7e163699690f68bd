"""Typed settings, read from the environment (``POLICYTAG_*``) when asked for, never at import."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYTAG_")

    home: Path = PROJECT_ROOT
    seeds_dir: Path | None = None
    labels_dir: Path | None = None
    data_dir: Path | None = None
    shared_dir: Path | None = None  # the steering folder beside the project: raw corpus, held-out list
    # SQLAlchemy URL; default: SQLite file <data>/policytag.db. PostgreSQL: postgresql+psycopg://...
    database_url: str | None = Field(None, validation_alias=AliasChoices("POLICYTAG_DATABASE_URL", "DATABASE_URL"))
    api_key: SecretStr | None = None  # required on write endpoints when set (its name: "default")
    api_keys: SecretStr | None = None  # several named keys: "alice:key1,bob:key2"
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 5_000_000
    max_segments: int = 5_000  # per report
    request_timeout_s: float = 120.0
    bootstrap_resamples: int = 1000
    # coverage groups below this many segments, or with a segment-share interval wider than this
    # (a fraction: 0.5 = 50 points), are ``too_few``: shown, but neither ranked nor tested
    coverage_min_segments: int = Field(20, ge=1)
    coverage_max_width: float = Field(0.5, gt=0.0, le=1.0)
    cache: Path | None = None  # POLICYTAG_CACHE: where the converted encoder is kept (~/.cache/policytag)

    @property
    def seeds(self) -> Path:
        return self.seeds_dir or self.home / "seeds"

    @property
    def labels(self) -> Path:
        return self.labels_dir or self.home / "labels"

    @property
    def shared(self) -> Path:
        return self.shared_dir or self.home.parent / "shared"

    @property
    def encoder_cache(self) -> Path:
        return self.cache or Path.home() / ".cache" / "policytag"

    @property
    def data(self) -> Path:
        return self.data_dir or self.home / "data"

    @property
    def write_keys(self) -> dict[str, str]:
        """Accepted write keys → the name recorded as the author of a change."""
        keys = {}
        if self.api_keys:
            for item in self.api_keys.get_secret_value().split(","):
                name, _, key = item.strip().partition(":")
                if not key:
                    raise ValueError("POLICYTAG_API_KEYS must look like 'alice:key1,bob:key2'")
                keys[key] = name
        if self.api_key:
            keys[self.api_key.get_secret_value()] = "default"
        return keys

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data / 'policytag.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # every field has a default or comes from the environment
