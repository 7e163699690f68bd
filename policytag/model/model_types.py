"""The table of model types: each type's classifier factory and defaults.

Training builds its classifiers from it, and the CLI's ``--model`` choices and the API's retrain
enum are derived from it, so a new type is added here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_TFIDF_C = 3.0
DEFAULT_ENCODER_C = 10.0


@dataclass(frozen=True)
class ClassifierOptions:
    tfidf_C: float = DEFAULT_TFIDF_C
    encoder_C: float = DEFAULT_ENCODER_C
    finetune_epochs: int | None = None  # None: early stopping on held-out documents (at most MAX_EPOCHS)
    device: str = "cpu"  # where fine-tuning runs: cpu or cuda


@dataclass(frozen=True)
class ModelType:
    name: str
    # Whether the innermost heading is prepended to the segment: it helps TF-IDF (+0.04 macro-F1 in
    # grouped CV) and hurts the mean-pooled encoder (-0.06), whose single vector it dilutes.
    with_heading: bool
    make: Callable[[ClassifierOptions], object]  # options → a fresh, unfitted classifier
    description: str
    slow: bool = False  # most of an hour on two cores: the main job leaves it to a background retraining
    members: tuple[str, ...] = ()  # an ensemble: the mean of these types' probabilities


def _tfidf(options: ClassifierOptions):
    from policytag.model.classifiers import TfidfThemeClassifier

    return TfidfThemeClassifier(C=options.tfidf_C)


def _encoder(options: ClassifierOptions):
    from policytag.model.classifiers import EncoderThemeClassifier
    from policytag.model.encoder import shared_encoder

    return EncoderThemeClassifier(encoder=shared_encoder(), C=options.encoder_C)  # loaded once, shared


def _ensemble(options: ClassifierOptions):
    from policytag.model.classifiers import MeanEnsemble

    return MeanEnsemble([_tfidf(options), _encoder(options)])


def _finetuned(options: ClassifierOptions):
    from policytag.model.finetuned import MAX_EPOCHS, FineTunedThemeClassifier

    if options.finetune_epochs is None:
        return FineTunedThemeClassifier(epochs=MAX_EPOCHS, device=options.device)
    return FineTunedThemeClassifier(epochs=options.finetune_epochs, validation_share=0.0, device=options.device)


def _finetuned_tfidf(options: ClassifierOptions):
    from policytag.model.classifiers import MeanEnsemble

    return MeanEnsemble([_tfidf(options), _finetuned(options)])


MODEL_TYPES: dict[str, ModelType] = {t.name: t for t in (
    ModelType("tfidf", True, _tfidf, "jieba + character n-gram TF-IDF, one-vs-rest logistic regression"),
    ModelType("encoder", False, _encoder, "multilingual-e5-small embeddings, one-vs-rest logistic regression"),
    ModelType("ensemble", False, _ensemble, "the mean of the tfidf and encoder probabilities",
              members=("tfidf", "encoder")),
    ModelType("finetuned", False, _finetuned, "multilingual-e5-small with its top layers and a multi-label "
              "head fine-tuned on the labels", slow=True),
    ModelType("finetuned_tfidf", False, _finetuned_tfidf, "the mean of the tfidf and finetuned probabilities",
              slow=True, members=("tfidf", "finetuned")),
)}
ALL = "all"
FAST = "fast"  # every type that is not slow
# What the main job trains when no model is registered: the best type on the grouped evaluation
# (README "Training"), trained in about 100 s with the corpus; `policytag train --model all` adds the others.
FIRST_MODEL_TYPE = "tfidf"
# What the main job then retrains in the background while serving (README "Training"): the slow type that is
# best on the grouped evaluation; its members' cross-validation is shared, so it costs one fine-tuning.
BACKGROUND_MODEL_TYPE = "finetuned_tfidf"
CHOICES: tuple[str, ...] = (*MODEL_TYPES, FAST, ALL)  # what --model and the retrain API accept
DEVICES = ("cpu", "cuda")


def make_classifier(model_type: str, options: ClassifierOptions | None = None):
    """A fresh, unfitted classifier of ``model_type``."""
    if model_type not in MODEL_TYPES:
        raise ValueError(f"unknown model type {model_type!r}; choose one of {tuple(MODEL_TYPES)}")
    return MODEL_TYPES[model_type].make(options or ClassifierOptions())


def expand(choice: str) -> list[str]:
    """The model types a ``--model`` choice names (``all``: every type; ``fast``: those not slow; table order)."""
    if choice == ALL:
        return list(MODEL_TYPES)
    if choice == FAST:
        return [name for name, t in MODEL_TYPES.items() if not t.slow]
    return [choice]
