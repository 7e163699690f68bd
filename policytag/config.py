"""Typed settings, read from the environment (``POLICYTAG_*``) when asked for, never at import."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYTAG_", hide_input_in_errors=True)  # keys stay out

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
    # Concurrency (serving/capacity.py): worker threads for blocking work (database, parsing, tagging); requests
    # inside the app at once (the database pool is sized from it, ``db_pool_size``, so none waits for a
    # connection); heavy requests (parse + tag) run at once / allowed to wait, beyond both a 503 + Retry-After.
    threads: int = Field(24, ge=2, le=1000)
    max_requests: int = Field(48, ge=2, le=10_000)  # requests inside the app at once; more wait their turn
    heavy_slots: int = Field(4, ge=1, le=256)
    heavy_queue: int = Field(32, ge=0, le=10_000)
    # how often a service process checks whether @champion moved (a retraining job run by another worker,
    # or `policytag train`) and swaps to it; 0: only at start and on POST /v1/models/reload
    champion_poll_s: float = Field(30.0, ge=0)
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
        keys = dict(_named_keys(self.api_keys.get_secret_value())) if self.api_keys else {}
        if self.api_key is not None:
            keys[self.api_key.get_secret_value()] = "default"
        return keys

    @model_validator(mode="after")
    def _check_keys(self) -> Settings:
        """Refuse key settings that would silently leave writes open or make a key unusable (start-up fails
        with the message; the keys themselves are never in it)."""
        if self.api_key is not None:
            key = self.api_key.get_secret_value()
            if not key.strip():
                raise ValueError("POLICYTAG_API_KEY is set but empty: set it to a secret, or unset it to leave "
                                 "write endpoints open")
            if key != key.strip():
                raise ValueError("POLICYTAG_API_KEY starts or ends with spaces: remove them")
        if self.api_keys is not None:
            _named_keys(self.api_keys.get_secret_value())
        return self

    @property
    def db_pool_size(self) -> int:
        """Connections per process: one per request in the app (each holds at most one), two for /readyz and
        the jobs' bookkeeping; so no request ever waits for a connection."""
        return self.max_requests + 2

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data / 'policytag.db').resolve()}"


def _named_keys(value: str) -> list[tuple[str, str]]:
    """``"alice:key1,bob:key2"`` → [(key1, alice), (key2, bob)]; ValueError naming the entry (not the key)."""
    form = "POLICYTAG_API_KEYS must look like 'alice:key1,bob:key2'"
    if not value.strip():
        raise ValueError(f"{form}, and is set but empty: set it, or unset it to leave write endpoints open")
    keys: list[tuple[str, str]] = []
    for n, item in enumerate(value.split(","), start=1):
        name, colon, key = item.partition(":")
        if not colon or not name.strip() or not key:
            raise ValueError(f"{form}: entry {n} is {'empty' if not item.strip() else 'not name:key'}")
        if key != key.strip() or name != name.strip():
            raise ValueError(f"{form}: entry {n} ({name.strip()}) has spaces around its name or key; remove them")
        if any(key == other for other, _ in keys):
            raise ValueError(f"{form}: entry {n} ({name}) repeats another entry's key")
        keys.append((key, name))
    return keys


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # every field has a default or comes from the environment
