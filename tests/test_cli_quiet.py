"""The main job's log keeps the user's steps and drops library noise (MLflow warnings, progress bars)."""

import logging
import os
import subprocess
import sys
import warnings

from policytag.cli.quiet import quiet_libraries


def test_quiet_libraries_silences_mlflow_warnings_and_progress_bars(monkeypatch):
    for name in ("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "TQDM_DISABLE", "PYTHONWARNINGS", "TRANSFORMERS_VERBOSITY",
                 "POLICYTAG_VERBOSE"):
        monkeypatch.delenv(name, raising=False)
    with warnings.catch_warnings():
        quiet_libraries()
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn("The version of CloudPickle that was used to save the model differs", UserWarning,
                          stacklevel=1)
        assert caught == []
    assert logging.getLogger("mlflow.pyfunc").getEffectiveLevel() == logging.ERROR
    assert os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] == "false"
    code = "from mlflow.environment_variables import MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR as v; print(v.get())"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert child.stdout.strip() == "False"  # retraining subprocesses inherit the quiet settings
    logging.getLogger("mlflow").setLevel(logging.NOTSET)


def test_verbose_keeps_everything(monkeypatch):
    monkeypatch.setenv("POLICYTAG_VERBOSE", "1")
    monkeypatch.delenv("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", raising=False)
    quiet_libraries()
    assert "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR" not in os.environ
