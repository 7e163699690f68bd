"""What a data scientist reads in the MLflow UI after training: run names, experiment kind, datasets,
durations, fold metrics, and the registered version's description and tags (issue 17)."""

import json
import shutil
import time
from pathlib import Path

import pytest

import training.train as train_module
from policytag import registry
from training.tracking import EXPERIMENT_KIND, EXPERIMENT_KIND_TAG

LABELS = Path(__file__).resolve().parents[2] / "labels"
SEED_SEGMENTS = 15  # per seed report (the smallest has 15)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """TF-IDF trained on a small copy of the labels: 15 segments of each seed report, two service corrections."""
    tmp = tmp_path_factory.mktemp("tracking")
    labels = tmp / "labels"
    labels.mkdir()
    shutil.copy(LABELS / "themes.yaml", labels / "themes.yaml")
    (labels / "gold").mkdir()
    kept: dict[str, int] = {}
    with (LABELS / "gold" / "seeds.jsonl").open(encoding="utf-8") as src, \
            (labels / "gold" / "seeds.jsonl").open("w", encoding="utf-8") as dest:
        for line in src:  # the first SEED_SEGMENTS segments of each seed report
            doc = json.loads(line)["doc"]
            kept[doc] = kept.get(doc, 0) + 1
            if kept[doc] <= SEED_SEGMENTS:
                dest.write(line)
    with (labels / "gold" / "service.jsonl").open("w", encoding="utf-8") as f:
        for i, text in enumerate(["新引进项目12个。", "开展安全生产大检查。"]):
            f.write(json.dumps({"id": f"rep{i}-x", "doc": f"rep{i}", "text": text, "labels": [], "source": "report"},
                               ensure_ascii=False) + "\n")
    mp = pytest.MonkeyPatch()
    mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp}/mlflow.db")
    real = train_module.evaluate_config
    cv_started = []

    def timed_evaluate_config(*args, **kwargs):
        cv_started.append(time.time())
        return real(*args, **kwargs)

    mp.setattr(train_module, "evaluate_config", timed_evaluate_config)
    before = time.time()
    summary = train_module.train(tmp, labels, ["tfidf"])
    client = registry.configure(tmp)
    (run,) = summary["runs"]
    yield client, summary, client.get_run(run["run_id"]), (before, cv_started[0])
    mp.undo()


def test_run_is_named_and_spans_the_training(trained):
    client, summary, run, (before, cv_started) = trained
    assert run.info.run_name.startswith("tfidf 20") and run.info.run_name.endswith(summary["labels_hash"][:8])
    # the run starts before cross-validation, not when logging begins
    assert int(before * 1000) <= run.info.start_time <= int(cv_started * 1000) < run.info.end_time
    assert run.info.status == "FINISHED"
    assert run.data.tags["model_type"] == "tfidf" and run.data.tags.get("mlflow.user")
    assert "macro-F1" in run.data.tags["mlflow.note.content"]


def test_experiment_opens_as_model_training(trained):
    client, _, run, _ = trained
    assert client.get_experiment(run.info.experiment_id).tags[EXPERIMENT_KIND_TAG] == EXPERIMENT_KIND


def test_training_and_evaluation_datasets_are_logged(trained):
    client, summary, run, _ = trained
    inputs = {d.tags[0].value: d.dataset for d in run.inputs.dataset_inputs}
    assert set(inputs) == {"training", "evaluation"}
    assert inputs["evaluation"].name == "policytag-evaluation"
    assert inputs["evaluation"].digest == summary["labels_hash"]
    assert json.loads(inputs["training"].profile)["num_rows"] == summary["examples"]
    assert json.loads(inputs["evaluation"].profile)["num_rows"] == 5 * SEED_SEGMENTS + 2


def test_fold_metrics_are_named_by_fold_and_genre(trained):
    _, _, run, _ = trained
    metrics, params = run.data.metrics, run.data.params
    assert params["cv"] == "5-fold grouped by document"  # five seed reports; the corrections pooled into them
    for k in range(1, 6):
        assert {f"fold{k}_macro_f1", f"fold{k}_micro_f1", f"fold{k}_zone_macro_f1"} <= set(metrics)
        assert 0.3 < metrics[f"fold{k}_macro_f1"] <= 1.0
    assert sorted(int(params[f"fold{k}_documents"]) for k in range(1, 6)) == [1, 1, 1, 2, 2]
    assert sum(int(params[f"fold{k}_segments"]) for k in range(1, 6)) == 5 * SEED_SEGMENTS + 2
    assert not [m for m in metrics if m.startswith("fold_")]


def test_registered_version_has_a_description_and_tags(trained):
    client, summary, run, _ = trained
    version = client.get_model_version(registry.MODEL_NAME, summary["runs"][0]["version"])
    assert version.description.startswith("tfidf trained on") and summary["labels_hash"] in version.description
    assert "Calibration error" in version.description
    tags = version.tags
    assert tags["model_type"] == "tfidf" and tags["labels_hash"] == summary["labels_hash"]
    assert float(tags["macro_f1"]) == pytest.approx(run.data.metrics["cv_macro_f1"], abs=1e-4)
    assert float(tags["macro_f1_zone"]) == pytest.approx(run.data.metrics["cv_zone_macro_f1"], abs=1e-4)
    assert 0 <= float(tags["calibration_error"]) < 0.5 and "calibration_error_uncalibrated" in tags
