"""Training with a real (temporary) MLflow store: log, register, champion alias, pyfunc, CLI."""

import json
import shutil
from pathlib import Path

import mlflow.pyfunc
import pandas as pd
import pytest
from typer.testing import CliRunner

from policytag import registry
from policytag.cli import app
from policytag.config import get_settings
from training.train import promote, train

LABELS = Path(__file__).resolve().parents[2] / "labels"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A temporary tracking store with one trained TF-IDF champion."""
    tmp = tmp_path_factory.mktemp("mlruns")
    mp = pytest.MonkeyPatch()
    mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp}/mlflow.db")
    summary = train(tmp, LABELS, ["tfidf"])
    yield tmp, summary
    mp.undo()


def test_training_registers_a_champion_with_honest_metrics(store):
    tmp, summary = store
    (run,) = summary["runs"]
    assert summary["champion_moved"] and summary["champion_version"] == run["version"] == "1"
    assert 0.5 < run["macro_f1"] <= 1.0
    client = registry.configure(tmp)
    logged = client.get_run(run["run_id"])
    assert logged.data.params["cv"] == "5-fold grouped by document"
    assert logged.data.params["labels_hash"] == summary["labels_hash"]
    assert int(logged.data.params["n_corpus"]) >= 4000
    assert {f"fold{i}_macro_f1" for i in range(1, 6)} <= set(logged.data.metrics)
    assert {"cv_zone_macro_f1", "cv_government_macro_f1", "cv_zone_f1_innovation"} <= set(logged.data.metrics)
    assert set(run["genres"]) == {"zone", "government"}
    assert {"cv_f1_safety", "cv_precision_party", "cv_recall_investment"} <= set(logged.data.metrics)
    artifacts = {a.path for a in client.list_artifacts(run["run_id"], "evaluation")}
    assert "evaluation/pr_curve_safety.png" in artifacts and "evaluation/worst_errors.json" in artifacts
    assert (tmp / "artifacts").is_dir()  # artifacts beside the temporary store, not in the project


def test_champion_moves_only_when_better(store):
    tmp, summary = store
    client = registry.configure(tmp)
    current = summary["runs"][0]
    worse = {**current, "macro_f1": current["macro_f1"] - 0.01, "version": "1"}
    assert promote(client, worse, summary["labels_hash"], [], [], force=False)["champion_moved"] is False
    assert promote(client, worse, summary["labels_hash"], [], [], force=True)["champion_moved"] is True
    equal = {**current, "macro_f1": current["macro_f1"]}
    tie = promote(client, equal, summary["labels_hash"], [], [], force=False)
    assert tie["champion_moved"] is False and "<=" in tie["reason"]  # a tie keeps the champion
    better = {**current, "macro_f1": current["macro_f1"] + 0.001}
    assert promote(client, better, summary["labels_hash"], [], [], force=False)["champion_moved"] is True


def test_pyfunc_tags_segments_and_whole_documents(store, seeds_dir):
    tmp, _ = store
    registry.configure(tmp)
    model = mlflow.pyfunc.load_model(registry.champion_uri())
    text = (seeds_dir / "004_34edc68766f1ed87.txt").read_text(encoding="utf-8")
    frame = pd.DataFrame({"id": ["s1", "doc"], "text": ["深入开展消防安全隐患排查整治,整改隐患300处。", text],
                          "kind": ["segment", "document"]})
    out = model.predict(frame)
    assert out.iloc[0]["id"] == "s1" and "safety" in out.iloc[0]["labels"]
    doc_rows = out[out["doc_id"] == "doc"]
    assert len(doc_rows) == 15
    for _, row in doc_rows.iterrows():
        assert set(row["scores"]) == {"investment", "innovation", "bizenv", "party", "safety"}
        assert text[row["start"]:row["end"]].strip()


def test_predict_and_evaluate_cli(store, tmp_path, monkeypatch):
    tmp, _ = store
    monkeypatch.setenv("POLICYTAG_HOME", str(tmp))
    get_settings.cache_clear()
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": 1, "text": "成立招商引资专班,赴深圳开展招商推介,签约项目12个,合同投资额30亿元。",
         "labels": ["investment"]},
        {"id": 2, "text": "开展主题教育,落实全面从严治党主体责任,加强党风廉政建设。", "labels": ["party"]}]),
        encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", "--input", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["1", "2"]
    assert "investment" in lines[0]["labels"] and "party" in lines[1]["labels"]
    result = CliRunner().invoke(app, ["evaluate", "--labels", str(source)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["examples"] == 2 and out["seen_in_training"] == 0 and "warning" not in out
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", "--input", str(bad)])
    assert result.exit_code == 2 and "not JSON" in result.stderr
    get_settings.cache_clear()


def test_main_job_trains_when_no_champion_then_reuses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.setenv("POLICYTAG_DATA_DIR", str(tmp_path / "data"))
    # The main job's flow, on the labels without the corpus (seconds; the tests above cover the corpus).
    shutil.copytree(LABELS, tmp_path / "labels", ignore=shutil.ignore_patterns("corpus"))
    monkeypatch.setenv("POLICYTAG_LABELS_DIR", str(tmp_path / "labels"))
    get_settings.cache_clear()
    first = CliRunner().invoke(app, ["run", "--no-serve"])
    assert first.exit_code == 0, first.output
    events = [json.loads(line) for line in first.stdout.splitlines()]
    assert events[0]["event"] == "training" and events[1]["event"] == "trained"
    assert [r["model_type"] for r in events[1]["runs"]] == ["tfidf"]  # the main job trains one type
    seeds = [e for e in events if e["event"] == "seed"]
    assert [e["created"] for e in seeds] == [True] * 5 and sum(e["segments"] for e in seeds) == 184
    assert (tmp_path / "data" / "policytag.db").is_file()
    second = CliRunner().invoke(app, ["run", "--no-serve"])
    events = [json.loads(line) for line in second.stdout.splitlines()]
    assert events[0] == {"event": "champion", "version": "1", "run_id": first_run_id(first)}
    assert [e["created"] for e in events[1:]] == [False] * 5
    get_settings.cache_clear()


def first_run_id(result) -> str:
    return json.loads(result.stdout.splitlines()[1])["runs"][0]["run_id"]
