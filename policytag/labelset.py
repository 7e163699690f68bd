"""Moved to :mod:`policytag.labels`; this name stays only for the corpus work's tests (issue 15:
tests/data/test_corpus.py), until they import the new modules."""

from policytag.labels.files import CORPUS_FILE, load_labelled, read_jsonl
from policytag.labels.validate import check_records

__all__ = ["CORPUS_FILE", "check_records", "load_labelled", "read_jsonl"]
