"""A quiet main job: the steps a user cares about (training, seeds, serving at a URL) without library noise,
namely MLflow's warnings (CloudPickle versions, signatures, pandas deprecations) and its "Downloading
artifacts" progress bars. Errors still show; ``POLICYTAG_VERBOSE=1`` keeps everything."""

from __future__ import annotations

import logging
import os
import warnings

NOISY_LOGGERS = ("mlflow", "alembic", "urllib3", "git")


def quiet_libraries() -> None:
    """Silence library warnings and progress bars for this process and its children (retraining jobs)."""
    if os.environ.get("POLICYTAG_VERBOSE") == "1":
        return
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # child processes: warnings filters are not inherited
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
