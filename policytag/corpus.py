"""Moved to :mod:`policytag.labels.corpus`; this name stays only for the corpus work's tests and scripts
(issue 15: tests/data/test_corpus*.py, labels/corpus/work/), until they import the new one."""

from policytag.labels.corpus import *  # noqa: F403
