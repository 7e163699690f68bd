"""Exact, lean scoring with a fitted TF-IDF → one-vs-rest logistic-regression pipeline.

scikit-learn's ``transform``/``predict_proba`` build every n-gram as a Python
string, count them one by one (an exception per unknown n-gram) and validate
their input at every layer; on a report that costs almost as much again as
jieba itself. This computes the same probabilities from the fitted
vocabularies, idf weights and coefficients: character n-grams as integer keys
in numpy, word n-grams by dictionary look-up, counting in numpy
(``tests/model/test_tfidf_scoring.py`` checks equality with scikit-learn).
"""

from __future__ import annotations

import re
from itertools import chain, repeat

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from policytag.model.tokenize import jieba_tokens, jieba_tokens_many

_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyzer
_BITS = 21  # a Unicode code point fits in 21 bits, so three fit in one int64 key
_MAX_CHAR_N = 3


class _Features:
    """One fitted ``TfidfVectorizer``: vocabulary indices of the texts' n-grams → TF-IDF rows."""

    def __init__(self, vectorizer):
        self.idf = vectorizer.idf_
        self.sublinear = vectorizer.sublinear_tf
        self.lo, self.hi = vectorizer.ngram_range

    def indices(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, vocabulary index) of every n-gram occurrence; -1 for n-grams outside the vocabulary."""
        raise NotImplementedError

    def matrix(self, texts: list[str]) -> sparse.csr_matrix:
        """The l2-normalised TF-IDF rows of the texts."""
        row, index = self.indices(texts)
        known = index >= 0
        cells, counts = np.unique(row[known] * len(self.idf) + index[known], return_counts=True)
        row, index = np.divmod(cells, len(self.idf))
        data = np.log(counts) + 1 if self.sublinear else counts.astype(np.float64)
        data *= self.idf[index]
        data /= np.sqrt(np.bincount(row, weights=data * data, minlength=len(texts)))[row]
        indptr = np.searchsorted(row, np.arange(len(texts) + 1))
        return sparse.csr_matrix((data, index, indptr), shape=(len(texts), len(self.idf)))


class _WordFeatures(_Features):
    """Word n-grams of the vectorizer's tokenizer (jieba heading prefixes are cut once per call)."""

    def __init__(self, vectorizer):
        super().__init__(vectorizer)
        self.vocabulary = vectorizer.vocabulary_
        tokenizer = vectorizer.tokenizer
        self.tokenize_many = jieba_tokens_many if tokenizer is jieba_tokens else (lambda ts: list(map(tokenizer, ts)))

    def _ngrams(self, tokens: list[str]) -> list[str]:
        grams = list(tokens) if self.lo == 1 else []
        for n in range(max(self.lo, 2), self.hi + 1):
            grams += map(" ".join, zip(*(tokens[i:] for i in range(n))))
        return grams

    def indices(self, texts):
        grams = [self._ngrams(tokens) for tokens in self.tokenize_many(texts)]
        lengths = list(map(len, grams))
        index = np.fromiter(map(self.vocabulary.get, chain.from_iterable(grams), repeat(-1)), dtype=np.intp,
                            count=sum(lengths))
        return np.repeat(np.arange(len(texts)), lengths), index


class _CharFeatures(_Features):
    """Character n-grams as integer keys (code points packed into 21-bit fields), found by binary search."""

    def __init__(self, vectorizer):
        super().__init__(vectorizer)
        self.lowercase = vectorizer.lowercase
        self.keys = {}  # n → (sorted keys of the vocabulary's n-grams, their vocabulary indices)
        for n in range(self.lo, self.hi + 1):
            grams = [(g, i) for g, i in vectorizer.vocabulary_.items() if len(g) == n]
            if not grams:
                continue
            keys = np.array([_key(g) for g, _ in grams], dtype=np.int64)
            order = np.argsort(keys)
            self.keys[n] = keys[order], np.array([i for _, i in grams], dtype=np.intp)[order]

    def indices(self, texts):
        texts = [_WHITE_SPACES.sub(" ", t.lower() if self.lowercase else t) for t in texts]
        points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        lengths = np.array(list(map(len, texts)), dtype=np.intp)
        row = np.repeat(np.arange(len(texts)), lengths)
        room = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(points))  # characters left in its text
        rows, found = [], []
        for n, (keys, vocab_index) in self.keys.items():
            starts = np.flatnonzero(room >= n)
            key = np.zeros(len(starts), dtype=np.int64)
            for j in range(n):
                key = (key << _BITS) | points[starts + j]
            at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
            rows.append(row[starts])
            found.append(np.where(keys[at] == key, vocab_index[at], -1))
        return np.concatenate(rows), np.concatenate(found)


def _key(gram: str) -> int:
    key = 0
    for char in gram:
        key = (key << _BITS) | ord(char)
    return key


class TfidfScorer:
    """``predict_proba`` of a fitted ``Pipeline([("features", FeatureUnion([...TfidfVectorizer])),
    ("clf", OneVsRestClassifier(LogisticRegression))])``, without its per-call overhead."""

    def __init__(self, pipeline):
        vectorizers = [v for _, v in pipeline.named_steps["features"].transformer_list]
        self.features = [_CharFeatures(v) if v.analyzer == "char" else _WordFeatures(v) for v in vectorizers]
        estimators = pipeline.named_steps["clf"].estimators_
        coef = np.zeros((sum(len(f.idf) for f in self.features), len(estimators)))
        self.intercept = np.zeros(len(estimators))
        self.constant = {}  # theme column → fixed probability (a theme constant in the training data)
        for k, est in enumerate(estimators):
            if isinstance(est, LogisticRegression):
                coef[:, k] = est.coef_[0]
                self.intercept[k] = est.intercept_[0]
            else:  # scikit-learn's _ConstantPredictor
                self.constant[k] = float(est.y_[0])
        edges = np.cumsum([0] + [len(f.idf) for f in self.features])
        self.coefs = [coef[a:b] for a, b in zip(edges, edges[1:])]  # one block per vectorizer

    @staticmethod
    def supports(pipeline) -> bool:
        """Whether every part is one this scorer reproduces exactly (else use the pipeline itself)."""
        vectorizers = [v for _, v in pipeline.named_steps["features"].transformer_list]
        estimators = pipeline.named_steps["clf"].estimators_
        plain = all(v.norm == "l2" and v.use_idf and not v.binary and v.dtype == np.float64
                    and v.preprocessor is None and v.strip_accents is None and v.stop_words is None
                    and ((v.analyzer == "char" and v.ngram_range[1] <= _MAX_CHAR_N)
                         or (v.analyzer == "word" and v.tokenizer is not None and not v.lowercase))
                    for v in vectorizers)
        binary = all(not isinstance(e, LogisticRegression) or len(e.classes_) == 2 for e in estimators)
        return plain and binary and len(estimators) > 1 and pipeline.named_steps["clf"].multilabel_

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        logits = self.intercept + sum(f.matrix(texts) @ w for f, w in zip(self.features, self.coefs))
        proba = expit(logits)
        for k, p in self.constant.items():
            proba[:, k] = p
        return proba
