"""The table of model types: each type's classifier factory and defaults.

Training builds its classifiers from it, and the CLI's ``--model`` choices and the API's retrain
enum are derived from it, so a new type is added here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelType:
    name: str
    # Whether the innermost heading is prepended to the segment: it helps TF-IDF (+0.04 macro-F1 in
    # grouped CV) and hurts the mean-pooled encoder (-0.06), whose single vector it dilutes.
    with_heading: bool
    make: Callable[[float, float], object]  # (tfidf_C, encoder_C) → a fresh, unfitted classifier
    description: str


def _tfidf(tfidf_C: float, encoder_C: float):
    from policytag.model.classifiers import TfidfThemeClassifier

    return TfidfThemeClassifier(C=tfidf_C)


def _encoder(tfidf_C: float, encoder_C: float):
    from policytag.model.classifiers import EncoderThemeClassifier
    from policytag.model.encoder import shared_encoder

    return EncoderThemeClassifier(encoder=shared_encoder(), C=encoder_C)  # the encoder is loaded once, shared


def _ensemble(tfidf_C: float, encoder_C: float):
    from policytag.model.classifiers import MeanEnsemble

    return MeanEnsemble([_tfidf(tfidf_C, encoder_C), _encoder(tfidf_C, encoder_C)])


MODEL_TYPES: dict[str, ModelType] = {t.name: t for t in (
    ModelType("tfidf", True, _tfidf, "jieba + character n-gram TF-IDF, one-vs-rest logistic regression"),
    ModelType("encoder", False, _encoder, "multilingual-e5-small embeddings, one-vs-rest logistic regression"),
    ModelType("ensemble", False, _ensemble, "the mean of the tfidf and encoder probabilities"),
)}
ALL = "all"
# What the main job trains when no model is registered: the best type on the grouped evaluation
# (README "Training"), trained in about 100 s with the corpus; `policytag train --model all` adds the others.
FIRST_MODEL_TYPE = "tfidf"
CHOICES: tuple[str, ...] = (*MODEL_TYPES, ALL)  # what --model and the retrain API accept
DEFAULT_TFIDF_C = 3.0
DEFAULT_ENCODER_C = 10.0


def make_classifier(model_type: str, *, tfidf_C: float = DEFAULT_TFIDF_C, encoder_C: float = DEFAULT_ENCODER_C):
    """A fresh, unfitted classifier of ``model_type``."""
    if model_type not in MODEL_TYPES:
        raise ValueError(f"unknown model type {model_type!r}; choose one of {tuple(MODEL_TYPES)}")
    return MODEL_TYPES[model_type].make(tfidf_C, encoder_C)


def expand(choice: str) -> list[str]:
    """The model types a ``--model`` choice names (``all``: every type, in table order)."""
    return list(MODEL_TYPES) if choice == ALL else [choice]
