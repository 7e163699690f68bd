"""Multi-label theme classifiers over model-input strings, following the estimator contract.

Each has ``fit(texts, Y, groups=None)`` with a multi-hot ``Y`` (one column per theme; ``groups``, the
documents of the texts, is used by models that stop early on held-out documents) and
``predict_proba(texts) -> (n, n_themes)``.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from policytag.model.tfidf_scoring import TfidfScorer
from policytag.model.tokenize import jieba_tokens


def _one_vs_rest(C: float) -> OneVsRestClassifier:
    return OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", solver="liblinear"))


def _fit_quietly(estimator, X, Y):
    """Fit, silencing the warning for a theme without positives in this training set."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
        warnings.filterwarnings("ignore", message="Label not .* is present in all training examples")
        return estimator.fit(X, Y)


class TfidfThemeClassifier(ClassifierMixin, BaseEstimator):
    """jieba word 1-2-grams (+ character 2-3-grams) → TF-IDF → one-vs-rest logistic regression."""

    def __init__(self, C: float = 3.0, char_ngrams: bool = True):
        self.C = C
        self.char_ngrams = char_ngrams

    def fit(self, X: list[str], Y: np.ndarray, groups=None) -> TfidfThemeClassifier:
        features = [("words", TfidfVectorizer(tokenizer=jieba_tokens, token_pattern=None, lowercase=False,
                                              ngram_range=(1, 2), sublinear_tf=True))]
        if self.char_ngrams:
            features.append(("chars", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True,
                                                      min_df=2)))
        self.pipeline_ = Pipeline([("features", FeatureUnion(features)), ("clf", _one_vs_rest(self.C))])
        _fit_quietly(self.pipeline_, list(X), np.asarray(Y))
        self._compile()
        return self

    def predict_proba(self, X: list[str]) -> np.ndarray:
        return (self._scorer or self.pipeline_).predict_proba(list(X))

    def _compile(self) -> None:
        """The lean scorer for the fitted pipeline (same probabilities); rebuilt on unpickling, never stored."""
        self._scorer = TfidfScorer(self.pipeline_) if TfidfScorer.supports(self.pipeline_) else None

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: the base class may hand back ``__dict__`` itself
        state.pop("_scorer", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if hasattr(self, "pipeline_"):
            self._compile()


class EncoderThemeClassifier(ClassifierMixin, BaseEstimator):
    """Frozen sentence encoder (mean-pooled embeddings) → one-vs-rest logistic regression."""

    def __init__(self, encoder=None, C: float = 1.0):
        self.encoder = encoder
        self.C = C

    def fit(self, X: list[str], Y: np.ndarray, groups=None) -> EncoderThemeClassifier:
        self.head_ = _fit_quietly(_one_vs_rest(self.C), self.encoder.embed(list(X)), np.asarray(Y))
        return self

    def predict_proba(self, X: list[str]) -> np.ndarray:
        return self.head_.predict_proba(self.encoder.embed(list(X)))


class MeanEnsemble(ClassifierMixin, BaseEstimator):
    """The mean of its members' probabilities."""

    def __init__(self, members: list | None = None):
        self.members = members

    def fit(self, X: list[str], Y: np.ndarray, groups=None) -> MeanEnsemble:
        self.members_ = [m.fit(X, Y, groups=groups) for m in self.members or []]
        return self

    @classmethod
    def of_fitted(cls, members: list) -> MeanEnsemble:
        """An ensemble of members already fitted (on the same examples)."""
        ensemble = cls(members)
        ensemble.members_ = list(members)
        return ensemble

    def predict_proba(self, X: list[str]) -> np.ndarray:
        return np.mean([m.predict_proba(X) for m in self.members_], axis=0)

    def quantize(self) -> MeanEnsemble:
        """Members that can run int8 do so from now on."""
        for m in self.members_:
            if hasattr(m, "quantize"):
                m.quantize()
        return self
