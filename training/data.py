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
# The documents of the label files; a human label whose text is one of their segments belongs to that document.
FILE_SOURCES = ("seed", "corpus")
N_FOLDS = 5
# A document with fewer evaluated segments than this (a report an analyst corrected a segment or two of) is
# never a fold on its own: it is pooled into a fold that holds a larger document.
MIN_DOCUMENT_SEGMENTS = 10


def _genre(record: dict) -> str | None:
    if record.get("genre"):
        return record["genre"]
    return "zone" if record["source"] == "seed" else None


def load_examples(labels_dir: Path, *, include_authored: bool = True, include_corpus: bool = True) -> list[Example]:
    """The labelled examples, each with its document.

    A human label (a correction of a stored report, a submitted or authored example) names its report in
    ``doc``; if its text is a segment of a seed or corpus document, it joins that document (and its genre),
    so that the same text is never on both sides of a fold.
    """
    records = load_labelled(labels_dir, include_authored=include_authored, include_corpus=include_corpus)
    home: dict[str, tuple[str, str | None]] = {}
    for r in records:
        if r["source"] in FILE_SOURCES and r.get("doc"):
            home.setdefault(r["text"], (r["doc"], _genre(r)))
    examples = []
    for r in records:
        doc, genre = r.get("doc") or r["source"], _genre(r)
        if r["source"] not in FILE_SOURCES and r["text"] in home:
            doc, file_genre = home[r["text"]]
            genre = genre or file_genre
        examples.append(Example(r["id"], doc, r["text"], tuple(r.get("heading") or ()), tuple(r["labels"]),
                                r["source"], genre))
    return examples


def label_matrix(examples: list[Example], themes: list[str]) -> np.ndarray:
    """Multi-hot targets, one column per theme."""
    return np.array([[t in e.labels for t in themes] for e in examples], dtype=int).reshape(len(examples), len(themes))


def _stable_order(doc: str) -> str:
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()


def document_folds(examples: list[Example], n_folds: int = N_FOLDS,
                   min_segments: int = MIN_DOCUMENT_SEGMENTS) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Folds grouped by document: ``(name, train_idx, test_idx)``, named ``fold1``, ``fold2``…; a document
    is never on both sides.

    Only documents of real reports (:data:`EVALUATED_SOURCES`) are held out and scored. Documents with at
    least ``min_segments`` evaluated segments anchor the folds: with at most ``n_folds`` of them each fold
    holds out one; otherwise they are dealt to ``n_folds`` folds in a fixed hash order, genre by genre.
    Smaller documents (a report with one corrected segment) are then pooled, genre by genre, each into the
    fold with the fewest segments of its genre, so that none is scored alone. (If no document is that large,
    every document is an anchor.) Every example of a held-out document is left out of that fold's
    training side, evaluated or not (an example submitted for that report); authored and API examples
    of no evaluated document always train.
    """
    evaluated = np.array([e.source in EVALUATED_SOURCES for e in examples], dtype=bool)
    size: dict[str, int] = {}
    genre_of: dict[str, str] = {}
    for e, ev in zip(examples, evaluated):
        if ev:
            size[e.doc] = size.get(e.doc, 0) + 1
            genre_of.setdefault(e.doc, e.genre or "")
    order = sorted(size, key=lambda d: (genre_of[d] == "", genre_of[d], _stable_order(d)))  # no genre last
    anchors = [d for d in order if size[d] >= min_segments] or order
    k = min(n_folds, len(anchors))
    members: list[list[str]] = [anchors[i::k] for i in range(k)]
    filled = [{g: sum(size[d] for d in fold if genre_of[d] == g) for g in set(genre_of.values())} for fold in members]
    anchored = set(anchors)
    for doc in order:
        if doc in anchored:
            continue
        target = min(range(k), key=lambda i: (filled[i][genre_of[doc]], sum(filled[i].values()), i))
        members[target].append(doc)
        filled[target][genre_of[doc]] += size[doc]
    doc_of = np.array([e.doc for e in examples], dtype=object)
    idx = np.arange(len(examples))
    folds = []
    for i, docs in enumerate(members):
        held_out = np.isin(doc_of, docs)
        folds.append((f"fold{i + 1}", idx[~held_out], idx[held_out & evaluated]))
    return folds


def fold_documents(examples: list[Example], folds) -> dict[str, dict[str, int]]:
    """Per fold, the held-out documents and their number of evaluated segments."""
    out: dict[str, dict[str, int]] = {}
    for name, _, test in folds:
        docs: dict[str, int] = {}
        for i in test:
            docs[examples[i].doc] = docs.get(examples[i].doc, 0) + 1
        out[name] = docs
    return out
