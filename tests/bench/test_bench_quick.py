"""Smoke test of the benchmark: quick mode end to end (about a minute), JSON shape and sane values only."""

import json
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from policytag.cli.bench import register

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_sane_json(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "bench/run.py", "--quick", "--json", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Targets" in proc.stdout and str(out) in proc.stdout
    r = json.loads(out.read_text(encoding="utf-8"))
    assert r["mode"] == "quick" and r["skipped"]
    assert {"machine", "other_load", "workload", "training", "training_budget", "champion", "throughput",
            "service", "targets"} <= r.keys()
    assert r["machine"]["cores"] >= 1 and r["workload"]["segments"] > 0
    assert r["workload"]["api_repeated_segments"] == 0 and 7000 <= r["workload"]["api_report_chars"] <= 8000
    assert r["training"]["tfidf"]["train_s"] > 0 and 0 < r["training"]["tfidf"]["cv_macro_f1"] <= 1
    assert r["champion"] == {"model_type": "tfidf", "version": r["training"]["tfidf"]["version"]}
    assert {(row["path"], row["threads"]) for row in r["throughput"]} == {
        ("document", 1), ("document", 2), ("segments", 1), ("segments", 2)}
    for row in r["throughput"]:
        assert row["segments_per_s"] >= row["segments_per_s_median"] > 0 and row["chars_per_s"] > 0
        assert row["limit"]["name"] == "jieba" and row["limit"]["segments_per_s"] > 0 and row["ratio"] > 0
    svc = r["service"]["tfidf"]
    assert 0 < svc["cold_start"]["ready_s"] <= svc["cold_start"]["first_tag_s"]
    assert [p["concurrency"] for p in svc["load"]] == [1, 4]
    for phase in svc["load"]:
        assert phase["errors"] == 0 and phase["requests_per_s"] > 0
        assert 0 < phase["p50_ms"] <= phase["p95_ms"] <= phase["p99_ms"]
    assert svc["peak_rss_mib"]["total"] >= svc["cold_start"]["peak_rss_mib"] > 50
    assert svc["in_process"]["tag_document_ms"] > 0 and svc["in_process"]["limit_ms"] > 0
    assert r["targets"] and all(t["status"] in ("PASS", "MISS") for t in r["targets"])


def test_bench_command_is_registered():
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "--quick" in result.output and "--output" in result.output
