"""Batch fixtures: the CLI run with the session's TF-IDF champion, one local run on the seeds shared by the
package, and ONE Spark session (local[2]) for every Spark test."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from policytag.cli import app
from policytag.config import get_settings

ROOT = Path(__file__).resolve().parents[2]
SPARK_TEST_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict:
        assert self.exit_code == 0, self.stderr or self.stdout
        return json.loads(self.stdout)

    @property
    def error(self) -> str:
        assert self.exit_code == 2, self.stdout
        lines = self.stderr.strip().splitlines()
        return json.loads(lines[-1])["error"]


def run_cli(args: list[str], home: Path, data: Path) -> Run:
    """``policytag <args>`` in-process, with the project home (MLflow store) and the service data folder given."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYTAG_HOME", str(home))
        mp.setenv("POLICYTAG_DATA_DIR", str(data))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.delenv("DATABASE_URL", raising=False)
        mp.delenv("POLICYTAG_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, ["batch", *args])
        finally:
            get_settings.cache_clear()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def read_table(path: Path) -> pd.DataFrame:
    """A batch table (a file or a folder of part files), rows in segment or document id order."""
    frame = pd.read_parquet(path)
    key = "segment_id" if "segment_id" in frame else "doc_id" if "level" not in frame else None
    if key is None:
        return frame.sort_values(["zone", "level", "year", "doc_type", "part"], na_position="last",
                                 kind="stable").reset_index(drop=True)
    return frame.sort_values(key).reset_index(drop=True)


@dataclass
class LocalRun:
    summary: dict
    out: Path


@pytest.fixture(scope="package")
def local_seeds_run(model_home, seeds_dir, tmp_path_factory) -> LocalRun:
    """The local engine on the seeds folder (manifest zones and years)."""
    tmp = tmp_path_factory.mktemp("batch-local")
    run = run_cli(["--input", str(seeds_dir), "--output", str(tmp / "out")], model_home, tmp / "data")
    return LocalRun(run.summary, tmp / "out")


@pytest.fixture(scope="package")
def spark():
    """One local[2] Spark session for all Spark tests. Without pyspark or Java these tests FAIL, saying
    what to install, unless POLICYTAG_SKIP_SPARK_TESTS=1 (then they are skipped)."""
    skip = os.environ.get("POLICYTAG_SKIP_SPARK_TESTS") == "1"
    problem = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        problem = 'pyspark is not installed: pip install -e ".[spark]" (scripts/setup.sh installs it with [test])'
    if problem is None and not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        problem = "Java 17 is not installed: bash scripts/setup_java.sh (apt-get install openjdk-17-jre-headless)"
    if problem:
        if skip:
            pytest.skip(f"Spark tests skipped (POLICYTAG_SKIP_SPARK_TESTS=1): {problem}")
        pytest.fail(f"Spark tests need pyspark and Java 17: {problem}; "
                    "or set POLICYTAG_SKIP_SPARK_TESTS=1 to skip them", pytrace=False)
    from policytag.batch.spark_session import get_session, shutdown

    mp = pytest.MonkeyPatch()
    mp.setenv("PYSPARK_PYTHON", sys.executable)  # the venv's Python runs the workers
    session, started = get_session("local[2]", SPARK_TEST_CONF)
    assert started, "a Spark session was already running"
    yield session
    shutdown(session)
    mp.undo()
