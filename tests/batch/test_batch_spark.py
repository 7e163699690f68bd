"""The Spark engine (local[2]) gives the local engine's rows on the seeds: the key test of issue 10."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policytag.seeds import read_manifest
from policytag.text import decode_report
from tests.batch.conftest import read_table, run_cli

EXACT = ["doc_id", "zone", "year", "segment_id", "position", "start", "end", "text", "part", "model_version"]


@pytest.fixture(scope="module")
def spark_seeds_run(spark, model_home, seeds_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch-spark")
    run = run_cli(["--input", str(seeds_dir), "--output", str(tmp / "out"), "--engine", "spark"],
                  model_home, tmp / "data")
    return run.summary, tmp / "out"


def assert_same_segments(got: pd.DataFrame, expected: pd.DataFrame, themes: list[str]) -> None:
    assert len(got) == len(expected) and list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got[EXACT], expected[EXACT])
    assert [list(v) for v in got["labels"]] == [list(v) for v in expected["labels"]]
    assert [list(v) for v in got["heading"]] == [list(v) for v in expected["heading"]]
    for t in themes:
        np.testing.assert_allclose(got[f"score_{t}"], expected[f"score_{t}"], rtol=0, atol=1e-12)


def test_spark_gives_the_local_engines_segments_and_labels(spark_seeds_run, local_seeds_run, champion):
    summary, out = spark_seeds_run
    assert summary["engine"] == "spark" and summary["spark"]["master"] == "local[2]"
    assert summary["spark"]["session"] == "reused"
    assert summary["model"] == local_seeds_run.summary["model"]
    assert (summary["reports"], summary["segments"]) == (5, local_seeds_run.summary["segments"])
    assert_same_segments(read_table(out / "segments.parquet"),
                         read_table(local_seeds_run.out / "segments.parquet"), champion.themes)


def test_spark_documents_and_coverage_equal_the_local_ones(spark_seeds_run, local_seeds_run):
    _, out = spark_seeds_run
    for name in ("documents.parquet", "coverage.parquet"):
        pd.testing.assert_frame_equal(read_table(out / name), read_table(local_seeds_run.out / name))
    assert (out / "segments.parquet").is_dir()  # Spark writes folders of part files


def test_spark_reads_a_parquet_table_itself(spark, local_seeds_run, model_home, seeds_dir, champion, tmp_path):
    manifest = read_manifest(seeds_dir)
    table = tmp_path / "reports.parquet"
    pd.DataFrame({"doc_id": [e.doc_id for e in manifest], "zone": [e.zone for e in manifest],
                  "year": pd.array([e.years[0] for e in manifest], dtype="Int32"),
                  "text": [decode_report((seeds_dir / e.file).read_bytes())[0] for e in manifest]}).to_parquet(table)
    run = run_cli(["--input", str(table), "--output", str(tmp_path / "out"), "--engine", "spark",
                   "--partitions", "3"], model_home, tmp_path)
    assert run.summary["spark"]["tasks"] == 3
    assert_same_segments(read_table(tmp_path / "out" / "segments.parquet"),
                         read_table(local_seeds_run.out / "segments.parquet"), champion.themes)
    broken = tmp_path / "broken.parquet"
    pd.DataFrame({"doc_id": ["a", "a"], "text": ["甲", "乙"]}).to_parquet(broken)
    run = run_cli(["--input", str(broken), "--output", str(tmp_path / "o2"), "--engine", "spark"], model_home, tmp_path)
    assert "duplicate doc_id ['a']" in run.error
    missing = tmp_path / "missing.parquet"
    pd.DataFrame({"doc_id": ["a"], "body": ["甲"]}).to_parquet(missing)
    run = run_cli(["--input", str(missing), "--output", str(tmp_path / "o3"), "--engine", "spark"],
                  model_home, tmp_path)
    assert "missing column text" in run.error
