"""The label files on disk (``labels/gold``, ``labels/authored``, ``labels/corpus``): paths, read, write."""

from __future__ import annotations

import json
from pathlib import Path

GOLD_DIR = "gold"
AUTHORED_DIR = "authored"
CORPUS_FILE = "corpus/records.jsonl"  # the double-annotated corpus (policytag.labels.corpus)
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


def load_labelled(labels_dir: Path, *, include_authored: bool = True, include_corpus: bool = True) -> list[dict]:
    """Gold seed segments, the corpus (optionally), then authored examples (optionally)."""
    records = []
    for path in sorted((labels_dir / GOLD_DIR).glob("*.jsonl")):
        records.extend(read_jsonl(path))
    if include_corpus and (labels_dir / CORPUS_FILE).is_file():
        records.extend(read_jsonl(labels_dir / CORPUS_FILE))
    if include_authored:
        for path in sorted((labels_dir / AUTHORED_DIR).glob("*.jsonl")):
            records.extend(read_jsonl(path))
    return records
