"""A registered model carries only the text pipeline and the model (plus the settings they read)."""

from pathlib import Path

from training.tracking import CARRIED, model_code


def test_model_code_is_text_model_and_settings(tmp_path):
    code = model_code(tmp_path)
    assert code == tmp_path / "policytag"
    assert sorted(p.name for p in code.iterdir()) == sorted(CARRIED)
    assert (code / "text" / "report.py").is_file() and (code / "model" / "tagger.py").is_file()
    assert not list(code.rglob("__pycache__"))
    for absent in ("cli.py", "batch", "store", "registry.py", "labels", "coverage.py"):
        assert not (code / absent).exists(), absent


def test_the_registered_champion_carries_no_cli_batch_or_store(model_home):
    import mlflow.artifacts

    from policytag import registry

    ref = registry.resolve(model_home)
    client = registry.configure(model_home)
    source = client.get_model_version(ref.name, ref.version).source
    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=source))
    carried = local / "code" / "policytag"
    assert sorted(p.name for p in carried.iterdir() if p.name != "__pycache__") == sorted(CARRIED)
