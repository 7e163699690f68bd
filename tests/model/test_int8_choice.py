"""Serving a model type in int8 is that type's choice alone: the fp32 fit it shares with the ensembles built
from it stays fp32 (``policytag train --model all`` fits the fine-tuned model once for both)."""

import numpy as np

from training.data import Example
from training.train import Evaluated, FoldFits, TrainConfig, fit_tagger

THEMES = ["investment", "innovation"]


class Quantizable:
    def __init__(self):
        self.int8 = False

    def quantize(self) -> "Quantizable":
        self.int8 = True
        return self

    def predict_proba(self, inputs: list[str]) -> np.ndarray:
        return np.full((len(inputs), len(THEMES)), 0.5)


def test_a_type_served_in_int8_leaves_the_fit_its_ensembles_share_in_fp32(monkeypatch):
    examples = [Example(f"d{d}-{i}", f"d{d}", f"文本{d}-{i}", (), (THEMES[(d + i) % 2],), "corpus", "zone")
                for d in range(10) for i in range(4)]
    fits = FoldFits(examples, THEMES)
    shared = Quantizable()
    monkeypatch.setattr(FoldFits, "final", lambda self, config, fold_fits: shared)
    raw = np.random.default_rng(0).random((len(examples), len(THEMES)))

    int8 = fit_tagger(Evaluated(TrainConfig(model_type="finetuned"), raw, {}, raw, int8=True), examples, THEMES,
                      fits)
    assert int8.classifier.int8 and not shared.int8
    fp32 = fit_tagger(Evaluated(TrainConfig(model_type="finetuned_tfidf"), raw, {}, raw), examples, THEMES, fits)
    assert fp32.classifier is shared and not fp32.classifier.int8
