"""The label files on disk (``labels/gold``, ``labels/authored``, ``labels/corpus``): paths, read, write."""

from __future__ import annotations

import json
from pathlib import Path

GOLD_DIR = "gold"
AUTHORED_DIR = "authored"
CORPUS_DIR = "corpus/records"  # the double-annotated corpus, files per genre (policytag.labels.corpus)
CORPUS_FIELDS = ("doc", "heading", "genre", "region", "year", "passes")
GENRES = ("zone", "government")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)


def read_corpus(labels_dir: Path) -> list[dict]:
    """The corpus records, genre by genre (empty when there is no corpus)."""
    return [r for path in sorted((labels_dir / CORPUS_DIR).glob("*.jsonl")) for r in read_jsonl(path)]


CORPUS_FILE_RECORDS = 2000  # records per corpus file, so each file stays a reviewable size (a few MB)


def write_corpus(labels_dir: Path, records: list[dict]) -> None:
    """Write the corpus as files of at most ``CORPUS_FILE_RECORDS`` records per genre, replacing the old files."""
    folder = labels_dir / CORPUS_DIR
    for old in folder.glob("*.jsonl"):
        old.unlink()
    for genre in sorted({r["genre"] for r in records}):
        of_genre = [r for r in records if r["genre"] == genre]
        for part, start in enumerate(range(0, len(of_genre), CORPUS_FILE_RECORDS), 1):
            write_jsonl(folder / f"{genre}-{part}.jsonl", of_genre[start:start + CORPUS_FILE_RECORDS])


def load_labelled(labels_dir: Path, *, include_authored: bool = True, include_corpus: bool = True) -> list[dict]:
    """Gold seed segments, the corpus (optionally), then authored examples (optionally)."""
    records = []
    for path in sorted((labels_dir / GOLD_DIR).glob("*.jsonl")):
        records.extend(read_jsonl(path))
    if include_corpus:
        records.extend(read_corpus(labels_dir))
    if include_authored:
        for path in sorted((labels_dir / AUTHORED_DIR).glob("*.jsonl")):
            records.extend(read_jsonl(path))
    return records
