"""Pull the service's human labels into the label files: the human labels win over gold records."""

from __future__ import annotations

from pathlib import Path

from policytag.labels.files import GOLD_DIR, read_jsonl, write_jsonl

SERVICE_FILE = "service.jsonl"  # labels pulled from the service that no gold file held before


def merge_human_labels(gold: list[dict], human: list[dict]) -> list[dict]:
    """Gold records with the service's human labels applied: same id → the human labels win (latest last)."""
    merged = {r["id"]: dict(r) for r in gold}
    for h in human:
        if h["id"] in merged:
            base = merged[h["id"]]
            merged[h["id"]] = {**base, "labels": h["labels"], "annotator": h["annotator"], "date": h["date"],
                               **({"note": h["note"]} if h.get("note") else {})}
        else:
            merged[h["id"]] = dict(h)
    return list(merged.values())


def write_pulled(labels_dir: Path, human: list[dict]) -> dict[str, int]:
    """Apply human labels to ``labels/gold``: changed records stay in their file, new ones go to ``service.jsonl``.

    Returns the number of records written per file.
    """
    gold_dir = labels_dir / GOLD_DIR
    files = {p.name: read_jsonl(p) for p in sorted(gold_dir.glob("*.jsonl"))}
    files.setdefault(SERVICE_FILE, [])
    home_of = {r["id"]: name for name, records in files.items() for r in records}
    by_file: dict[str, list[dict]] = {name: [] for name in files}
    for h in human:
        by_file[home_of.get(h["id"], SERVICE_FILE)].append(h)
    written = {}
    for name, records in files.items():
        if by_file[name]:
            write_jsonl(gold_dir / name, merge_human_labels(records, by_file[name]))
            written[name] = len(by_file[name])
    return written
