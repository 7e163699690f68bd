"""Carry the labels of a document over to a new segmentation of it (by id, text, then overlap)."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from policytag.text import Segment, normalize_for_model


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
