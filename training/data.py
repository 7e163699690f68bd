"""Labelled examples for training, and the leave-one-document-out folds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from policytag.labelset import load_labelled


@dataclass(frozen=True)
class Example:
    id: str
    doc: str
    text: str
    heading: tuple[str, ...]
    labels: tuple[str, ...]
    source: str  # seed | report (labelled stored reports) | authored | example


# Labels of real reports: these documents are held out in turn and evaluated.
# Authored and API-submitted examples only ever train.
EVALUATED_SOURCES = ("seed", "report")


def load_examples(labels_dir: Path, *, include_authored: bool = True) -> list[Example]:
    return [Example(r["id"], r.get("doc") or r["source"], r["text"], tuple(r.get("heading") or ()),
                    tuple(r["labels"]), r["source"])
            for r in load_labelled(labels_dir, include_authored=include_authored)]


def label_matrix(examples: list[Example], themes: list[str]) -> np.ndarray:
    """Multi-hot targets, one column per theme."""
    return np.array([[t in e.labels for t in themes] for e in examples], dtype=int).reshape(len(examples), len(themes))


def document_folds(examples: list[Example]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Leave one evaluation document out at a time: ``(doc, train_idx, test_idx)``.

    Only documents of real reports (:data:`EVALUATED_SOURCES`) are held out;
    authored and API examples are always in the training side, never evaluated.
    """
    docs = sorted({e.doc for e in examples if e.source in EVALUATED_SOURCES})
    idx = np.arange(len(examples))
    folds = []
    for doc in docs:
        test = np.array([e.doc == doc and e.source in EVALUATED_SOURCES for e in examples])
        folds.append((doc, idx[~test], idx[test]))
    return folds
