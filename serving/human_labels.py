"""What the labels endpoints and commands share: validation, export, and training snapshots."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy.orm import Session

from policytag.labelset import load_labelled, merge_human_labels, write_pulled
from policytag.seeds import read_manifest
from serving import labels_store


def check_labels(labels: list, themes: list[str]) -> str | None:
    """A message when ``labels`` is not a list of known, distinct theme ids."""
    if not isinstance(labels, list) or not all(isinstance(t, str) for t in labels):
        return "labels must be a list of theme ids"
    unknown = sorted(set(labels) - set(themes))
    if unknown:
        return f"unknown theme(s) {unknown}: themes are {themes} (add new ones to labels/themes.yaml first)"
    if len(set(labels)) != len(labels):
        return "labels must not repeat a theme"
    return None


def human_records(session: Session, seeds_dir: Path) -> list[dict]:
    seed_docs = {e.doc_id for e in read_manifest(seeds_dir)} if (seeds_dir / "manifest.csv").is_file() else set()
    return [labels_store.as_record(row, seed_docs) for row in labels_store.latest(session)]


def export(session: Session, labels_dir: Path, seeds_dir: Path) -> list[dict]:
    """All human labels: the gold files with the service's corrections applied, plus new records."""
    gold = load_labelled(labels_dir, include_authored=False, include_corpus=False)
    return merge_human_labels(gold, human_records(session, seeds_dir))


def snapshot(session: Session, labels_dir: Path, seeds_dir: Path, dest: Path) -> Path:
    """A copy of ``labels_dir`` with the service's human labels pulled in: what a retraining reads."""
    shutil.copytree(labels_dir, dest, ignore=shutil.ignore_patterns("*.tmp"))
    write_pulled(dest, human_records(session, seeds_dir))
    return dest
