"""Moved to :mod:`policytag.labels.corpus`; this name stays only for the corpus work's scratch scripts
(issue 15: labels/corpus/work/make_batches.py), until they import the new one."""

from policytag.labels.corpus import *  # noqa: F403
