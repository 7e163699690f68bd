"""Labelled examples for training, and the folds that hold documents out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from policytag.labels.files import load_labelled


@dataclass(frozen=True)
class Example:
    id: str
    doc: str
    text: str
    heading: tuple[str, ...]
    labels: tuple[str, ...]
    source: str  # seed | corpus | report (labelled stored reports) | authored | example
    genre: str | None = None  # zone | government (seeds are zone reports); None for written examples


# Labels of real documents: these documents are held out in turn and evaluated.
# Authored and API-submitted examples only ever train.
EVALUATED_SOURCES = ("seed", "corpus", "report")
N_FOLDS = 5


def _genre(record: dict) -> str | None:
    if record.get("genre"):
        return record["genre"]
    return "zone" if record["source"] == "seed" else None


def load_examples(labels_dir: Path, *, include_authored: bool = True, include_corpus: bool = True) -> list[Example]:
    return [Example(r["id"], r.get("doc") or r["source"], r["text"], tuple(r.get("heading") or ()),
                    tuple(r["labels"]), r["source"], _genre(r))
            for r in load_labelled(labels_dir, include_authored=include_authored, include_corpus=include_corpus)]


def label_matrix(examples: list[Example], themes: list[str]) -> np.ndarray:
    """Multi-hot targets, one column per theme."""
    return np.array([[t in e.labels for t in themes] for e in examples], dtype=int).reshape(len(examples), len(themes))


def _stable_order(doc: str) -> str:
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()


def document_folds(examples: list[Example], n_folds: int = N_FOLDS) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Folds grouped by document: ``(name, train_idx, test_idx)``; a document is never on both sides.

    With at most ``n_folds`` evaluation documents each fold holds out one document
    (named after it); otherwise documents are dealt to ``n_folds`` folds in a fixed
    hash order, genre by genre, so every fold holds both genres. Only documents of
    real reports (:data:`EVALUATED_SOURCES`) are held out; authored and API examples
    are always on the training side, never evaluated.
    """
    evaluated = np.array([e.source in EVALUATED_SOURCES for e in examples], dtype=bool)
    docs = sorted({e.doc for e, ev in zip(examples, evaluated) if ev})
    if len(docs) <= n_folds:
        groups = {doc: [doc] for doc in docs}
    else:
        genre_of = {e.doc: e.genre or "" for e, ev in zip(examples, evaluated) if ev}
        dealt = sorted(docs, key=lambda d: (genre_of[d], _stable_order(d)))
        groups = {f"fold{k + 1}": dealt[k::n_folds] for k in range(n_folds)}
    doc_of = np.array([e.doc for e in examples], dtype=object)
    idx = np.arange(len(examples))
    folds = []
    for name, members in groups.items():
        test = evaluated & np.isin(doc_of, members)
        folds.append((name, idx[~test], idx[test]))
    return folds
