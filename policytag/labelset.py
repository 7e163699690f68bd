"""Labelled segments on disk (``labels/gold``, ``labels/authored``): read, check, realign."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from policytag.text import Segment, normalize_for_model

GOLD_DIR = "gold"
AUTHORED_DIR = "authored"
CORPUS_FILE = "corpus/records.jsonl"  # the double-annotated corpus (policytag.corpus)
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


def check_records(records: list[dict], themes: list[str]) -> list[str]:
    """Problems in a label set: unknown themes, duplicate ids, conflicting duplicate texts."""
    problems: list[str] = []
    ids: set[str | None] = set()
    by_text: dict[str, list[str]] = {}
    for r in records:
        for key in ("id", "text", "labels", "source") + (CORPUS_FIELDS if r.get("source") == "corpus" else ()):
            if key not in r:
                problems.append(f"{r.get('id', '?')}: missing field {key!r}")
        if r.get("source") == "corpus":
            if r.get("genre") not in GENRES:
                problems.append(f"{r.get('id')}: genre must be one of {GENRES}")
            if not (r.get("url") or (r.get("repo") and r.get("path"))):
                problems.append(f"{r.get('id')}: no source (url, or repo + path)")
        unknown = set(r.get("labels", [])) - set(themes)
        if unknown:
            problems.append(f"{r.get('id')}: unknown theme(s) {sorted(unknown)}")
        if r.get("id") in ids:
            problems.append(f"{r['id']}: labelled more than once")
        ids.add(r.get("id"))
        key = normalize_for_model(r.get("text", ""))
        labels = sorted(r.get("labels", []))
        if key in by_text and by_text[key] != labels:
            problems.append(f"{r.get('id')}: same text as another record with other labels")
        by_text.setdefault(key, labels)
    return problems


@dataclass
class Realignment:
    kept: list[dict] = field(default_factory=list)  # same id
    moved: list[dict] = field(default_factory=list)  # same text, new id/offsets
    overlapped: list[dict] = field(default_factory=list)  # text changed; most similar segment
    orphaned: list[dict] = field(default_factory=list)  # no segment to carry the label

    def records(self) -> list[dict]:
        return self.kept + self.moved + self.overlapped

    def summary(self) -> dict:
        return {k: len(getattr(self, k)) for k in ("kept", "moved", "overlapped", "orphaned")}


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, normalize_for_model(a), normalize_for_model(b), autojunk=False).ratio()


def realign(records: list[dict], segments: list[Segment], *, min_overlap: float = 0.6) -> Realignment:
    """Carry labels of one document over to a new segmentation of it.

    A label follows its segment by id, then by identical normalised text, then to
    the segment whose text overlaps it most (difflib ratio ≥ ``min_overlap``;
    marked ``needs_review``). Offsets are not trusted for this, since any edit
    above a segment shifts them. Anything else is returned as orphaned, never
    dropped silently.
    """
    result = Realignment()
    by_id = {s.id: s for s in segments}
    by_text = {normalize_for_model(s.text): s for s in segments}
    taken: set[str] = set()

    def carry(record: dict, seg: Segment, bucket: list, **extra) -> None:
        taken.add(seg.id)
        bucket.append({**record, "id": seg.id, "start": seg.start, "end": seg.end, "text": seg.text,
                       "heading": seg.heading, "part": seg.part, **extra})

    for r in records:
        if r["id"] in by_id and r["id"] not in taken:
            carry(r, by_id[r["id"]], result.kept)
            continue
        seg = by_text.get(normalize_for_model(r["text"]))
        if seg and seg.id not in taken:
            carry(r, seg, result.moved)
            continue
        scored = [(_similarity(r["text"], s.text), s) for s in segments if s.id not in taken]
        score, best = max(scored, key=lambda x: x[0], default=(0.0, None))
        if best and score >= min_overlap:
            carry(r, best, result.overlapped, needs_review=True)
        else:
            result.orphaned.append(r)
    return result


def agreement(pass_a: list[dict], pass_b: list[dict], themes: list[str]) -> dict:
    """Per-theme Cohen's kappa and F1 of pass A scored against pass B, plus macro-F1."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    b = {r["id"]: set(r["labels"]) for r in pass_b}
    ids = [r["id"] for r in pass_a if r["id"] in b]
    a = {r["id"]: set(r["labels"]) for r in pass_a}
    out: dict = {"segments": len(ids), "exact_match": sum(a[i] == b[i] for i in ids) / max(len(ids), 1),
           "themes": {}}
    f1s = []
    for t in themes:
        ya = [t in a[i] for i in ids]
        yb = [t in b[i] for i in ids]
        f1 = f1_score(yb, ya, zero_division=0.0)
        f1s.append(f1)
        out["themes"][t] = {"kappa": cohen_kappa_score(ya, yb), "f1": f1,
                            "positives_a": sum(ya), "positives_b": sum(yb)}
    out["macro_f1"] = sum(f1s) / len(f1s)
    return out


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
