"""The model registry: the MLflow store, the ``@champion`` alias, and loading a registered tagger once per process.

Every loader goes through here: the service (``serving.served_model``), the batch engines, the CLI and the
benchmark. :func:`resolve` turns ``@champion`` (or a version asked for) into a :class:`ModelRef`, a fixed
version number, so that whatever loads it later gets the same model even if the alias moves meanwhile;
:func:`load` loads it, cached per process by (tracking URI, version).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from policytag.model.tagger import Tagger

MODEL_NAME = "policytag"
CHAMPION = "champion"
EXPERIMENT = "policytag"
CACHE_SIZE = 4  # loaded models kept per process: a reload after retraining adds one, old ones drop out

_CACHE: OrderedDict[tuple[str, str], Any] = OrderedDict()  # (tracking URI, models:/name/version) → pyfunc model
_CACHE_LOCK = threading.Lock()


class NoModelError(RuntimeError):
    """No model is registered under the alias or version asked for, or it cannot be loaded."""


@dataclass(frozen=True)
class ModelRef:
    """One registered model version, in one store (picklable: Spark workers load from it)."""

    tracking_uri: str
    name: str
    version: str
    run_id: str = ""
    alias: str | None = None  # the alias it was resolved from, if any

    @property
    def uri(self) -> str:
        return f"models:/{self.name}/{self.version}"


def tracking_uri(home: Path) -> str:
    """``MLFLOW_TRACKING_URI`` if set, else ``sqlite:///<home>/mlruns/mlflow.db``."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{(home / 'mlruns' / 'mlflow.db').resolve()}"


def redacted(uri: str) -> str:
    """The tracking URI without a password."""
    parts = urlsplit(uri)
    if parts.password:
        host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    return uri


@contextmanager
def _store(uri: str) -> Iterator[None]:
    """Point MLflow at ``uri``; MLflow also exports it to the environment: leave the environment as it was,
    so that the next call for another home is not mistaken for a user's choice."""
    import mlflow

    user_uri = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    try:
        yield
    finally:
        if user_uri is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = user_uri


def configure(home: Path) -> MlflowClient:
    """Point MLflow at the project's store and make sure the experiment exists."""
    import mlflow
    from mlflow import MlflowClient

    uri = tracking_uri(home)
    artifacts = None
    if uri.startswith("sqlite:///"):  # artifacts live beside the SQLite store: <store>/artifacts
        artifacts = Path(uri.removeprefix("sqlite:///")).parent / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
    with _store(uri):
        pass
    client = MlflowClient()
    if client.get_experiment_by_name(EXPERIMENT) is None:
        client.create_experiment(EXPERIMENT, artifact_location=artifacts.as_uri() if artifacts else None)
    mlflow.set_experiment(EXPERIMENT)
    return client


def champion(client: MlflowClient):
    """The model version under ``@champion``, or None."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_model_version_by_alias(MODEL_NAME, CHAMPION)
    except MlflowException:
        return None


def champion_uri() -> str:
    return f"models:/{MODEL_NAME}@{CHAMPION}"


def set_champion(client: MlflowClient, version: str) -> None:
    """Move ``@champion`` to ``version``, only once that version has loaded and tagged a sentence here: a
    model the service could not load never becomes the champion (NoModelError, the alias stays)."""
    check_loads(client, version)
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)


def check_loads(client: MlflowClient, version: str) -> None:
    """Load ``version`` afresh from the client's store and tag one sentence; NoModelError if it cannot."""
    import mlflow.pyfunc

    try:
        with _store(client.tracking_uri):
            tagger = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}/{version}").unwrap_python_model().tagger
        tagger.tag_segments(["全年新签约项目32个，计划总投资120亿元。"])
    except Exception as exc:  # noqa: BLE001 - a broken artifact fails in any way
        raise NoModelError(f"{MODEL_NAME} version {version} cannot be loaded, so it does not become "
                           f"@{CHAMPION}: {exc.__class__.__name__}: {exc}") from exc


def resolve(home: Path, version: str | None = None) -> ModelRef:
    """The champion's (or ``version``'s) number in the project's registry; NoModelError if there is none."""
    from mlflow.exceptions import MlflowException

    client = configure(home)
    uri = tracking_uri(home)
    if version is None:
        found = champion(client)
        if found is None:
            raise NoModelError(f"no model is registered as {MODEL_NAME}@{CHAMPION}; "
                               "train one with 'policytag train' (or start the main job)")
        return ModelRef(uri, MODEL_NAME, str(found.version), found.run_id or "", CHAMPION)
    try:
        found = client.get_model_version(MODEL_NAME, str(version))
    except MlflowException:
        raise NoModelError(f"{MODEL_NAME} has no version {version} in {redacted(uri)}") from None
    return ModelRef(uri, MODEL_NAME, str(version), found.run_id or "")


def load_model(ref: ModelRef):
    """The registered pyfunc model (``ThemeTaggerModel``), loaded once per process."""
    import mlflow.pyfunc

    key = (ref.tracking_uri, ref.uri)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    with _store(ref.tracking_uri):
        model = mlflow.pyfunc.load_model(ref.uri)
    with _CACHE_LOCK:
        _CACHE[key] = model
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return model


def load_uri(home: Path, uri: str):
    """Any MLflow model URI (``runs:/…``, ``models:/name@alias``…) from the project's store; not cached,
    since what such a URI names can change."""
    import mlflow.pyfunc

    configure(home)
    return mlflow.pyfunc.load_model(uri)


def load(ref: ModelRef) -> Tagger:
    """The model's :class:`~policytag.model.tagger.Tagger`, loaded from the registry once per process."""
    return load_model(ref).unwrap_python_model().tagger


def cv_metrics(ref: ModelRef) -> dict[str, float]:
    """The grouped cross-validation figures (``cv_*``) logged with the model's training run."""
    from mlflow import MlflowClient

    if not ref.run_id:
        return {}
    with _store(ref.tracking_uri):
        run = MlflowClient(ref.tracking_uri, ref.tracking_uri).get_run(ref.run_id)
    return {k: round(v, 4) for k, v in run.data.metrics.items() if k.startswith("cv_")}
