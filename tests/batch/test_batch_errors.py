"""Bad input, no model, no pyspark: exit 2 with a one-line JSON error, nothing tagged."""

from __future__ import annotations

import json
import sys

import pandas as pd

from tests.batch.conftest import run_cli


def _jsonl(path, rows) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_missing_column_exits_2_with_a_message(model_home, tmp_path):
    bad = _jsonl(tmp_path / "bad.jsonl", [{"doc_id": "a", "text": "园区新引进项目12个。"},
                                          {"doc_id": "b", "zone": "某高新区"}])
    run = run_cli(["--input", bad, "--output", str(tmp_path / "out")], model_home, tmp_path)
    assert "bad.jsonl:2: missing column text" in run.error
    parquet = tmp_path / "bad.parquet"
    pd.DataFrame({"id": ["a"], "text": ["园区新引进项目12个。"]}).to_parquet(parquet)
    run = run_cli(["--input", str(parquet), "--output", str(tmp_path / "out")], model_home, tmp_path)
    assert "missing column doc_id" in run.error
    assert not (tmp_path / "out").exists()  # checked before anything is written


def test_bad_paths_values_and_duplicates_exit_2(model_home, tmp_path):
    cases = [
        (["--input", str(tmp_path / "nowhere"), "--output", str(tmp_path / "o")], "no such input"),
        (["--input", _jsonl(tmp_path / "dup.jsonl", [{"doc_id": "a", "text": "甲"}, {"doc_id": "a", "text": "乙"}]),
          "--output", str(tmp_path / "o")], "duplicate doc_id ['a']"),
        (["--input", _jsonl(tmp_path / "year.jsonl", [{"doc_id": "a", "text": "甲", "year": "去年"}]),
          "--output", str(tmp_path / "o")], "year must be an integer"),
        (["--input", _jsonl(tmp_path / "ok.jsonl", [{"doc_id": "a", "text": "甲"}]), "--output", str(tmp_path / "o"),
          "--spark-master", "local[2]"], "--spark-master needs --engine spark"),
        (["--input", str(tmp_path / "ok.jsonl"), "--output", str(tmp_path / "o"), "--engine", "dask"],
         "--engine must be one of local, spark"),
        (["--input", str(tmp_path / "ok.jsonl"), "--output", str(tmp_path / "o"), "--engine", "spark",
          "--spark-conf", "nonsense"], "--spark-conf must look like KEY=VALUE"),
        (["--input", str(tmp_path), "--output", str(tmp_path)], "--output must not be the input"),
    ]
    for args, message in cases:
        run = run_cli(args, model_home, tmp_path)
        assert message in run.error, (args, run.stderr)


def test_no_registered_model_exits_2(model_home, tmp_path):
    ok = _jsonl(tmp_path / "ok.jsonl", [{"doc_id": "a", "text": "园区新引进项目12个。"}])
    run = run_cli(["--input", ok, "--output", str(tmp_path / "o"), "--model-version", "99"], model_home, tmp_path)
    assert "policytag has no version 99" in run.error
    empty_home = tmp_path / "empty-home"
    empty_home.mkdir()
    run = run_cli(["--input", ok, "--output", str(tmp_path / "o")], empty_home, tmp_path)
    assert "no model is registered as policytag@champion" in run.error


def test_spark_engine_without_pyspark_names_the_extra(model_home, tmp_path, monkeypatch):
    ok = _jsonl(tmp_path / "ok.jsonl", [{"doc_id": "a", "text": "园区新引进项目12个。"}])
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark → ImportError
    run = run_cli(["--input", ok, "--output", str(tmp_path / "o"), "--engine", "spark"], model_home, tmp_path)
    assert 'pip install -e ".[spark]"' in run.error and "Java 17" in run.error


def test_a_report_that_cannot_be_tagged_is_an_error_row_not_a_failure(model_home, tmp_path):
    rows = [{"doc_id": "ok", "zone": "某某高新区", "year": 2024,
             "text": "一、招商引资\n园区新引进项目12个,到位资金30亿元。"},
            {"doc_id": "english", "text": "No Chinese text here."}, {"doc_id": "empty", "text": None}]
    run = run_cli(["--input", _jsonl(tmp_path / "mixed.jsonl", rows), "--output", str(tmp_path / "o")],
                  model_home, tmp_path)
    summary = run.summary
    assert (summary["reports"], summary["tagged"], summary["errors"]) == (3, 1, 2)
    assert {e["doc_id"] for e in summary["error_examples"]} == {"english", "empty"}
    documents = pd.read_parquet(tmp_path / "o" / "documents.parquet").set_index("doc_id")
    assert "no Chinese text" in documents.loc["english", "error"] and documents.loc["empty", "segments"] == 0
    coverage = pd.read_parquet(tmp_path / "o" / "coverage.parquet")
    by_zone = coverage[coverage["level"].isin(["zone", "zone_year"])]
    assert list(by_zone["reports"]) == [1, 1]  # the zone, and the zone × 2024
    assert coverage[coverage["level"] == "doc_type"]["reports"].sum() == 1  # the error rows count nowhere


def test_folder_of_mixed_files_is_read_as_uploads_are(model_home, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_bytes("某某高新区2023年工作总结\n一是成立招商专班,新引进项目12个。"
                                   .encode("gb18030"))
    (folder / "b.html").write_text("<html><head><script>var x='隐藏';</script></head><body>"
                                   "<h1>某某高新区2024年工作总结</h1><p>一是开展安全生产隐患排查整治。</p>"
                                   "</body></html>", encoding="utf-8")
    (folder / "c.docx").write_bytes(b"not a zip")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")  # not a report type: ignored
    run = run_cli(["--input", str(folder), "--output", str(tmp_path / "o")], model_home, tmp_path)
    summary = run.summary
    assert (summary["reports"], summary["tagged"], summary["errors"]) == (3, 2, 1)
    assert "not a valid .docx" in summary["error_examples"][0]["error"]
    segments = pd.read_parquet(tmp_path / "o" / "segments.parquet")
    assert set(segments["doc_id"]) == {"a", "b"} and not segments["text"].str.contains("隐藏").any()
    documents = pd.read_parquet(tmp_path / "o" / "documents.parquet").set_index("doc_id")
    assert list(documents["source"]) == ["a.txt", "b.html", "c.docx"]
    assert documents.loc["a", "year"] == 2023 and documents.loc["b", "year"] == 2024
