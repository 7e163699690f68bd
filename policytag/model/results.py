"""What the tagger returns: :class:`SegmentTags` for pre-cut segments, a frozen :class:`TaggedReport`
of :class:`TaggedSegment` s for a whole report.

This is the contract between the model and whatever stores or shows its output (the store, the batch
tables, the API). Dicts appear only at those edges, through :meth:`TaggedReport.as_dict`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SegmentTags:
    labels: tuple[str, ...]  # theme ids whose score reaches the theme's threshold
    scores: dict[str, float]  # theme id → probability (rounded to 4 places)


@dataclass(frozen=True)
class TaggedSegment:
    id: str
    start: int  # offset of the first character in the report text
    end: int  # one past the last: text == report[start:end]
    text: str
    heading: tuple[str, ...]  # heading path, outermost first
    part: str  # review | plan | problems | other
    labels: tuple[str, ...]  # theme ids whose score reaches the theme's threshold
    scores: dict[str, float]  # theme id → probability (rounded to 4 places)

    def as_dict(self) -> dict:
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text,
                "heading": list(self.heading), "part": self.part, "labels": list(self.labels),
                "scores": dict(self.scores)}


@dataclass(frozen=True)
class TaggedReport:
    doc_id: str
    title: str | None
    zone: str | None
    year: int | None
    years: tuple[int, ...]
    doc_type: str
    segments: tuple[TaggedSegment, ...]
    detection: dict = field(default_factory=dict)  # how zone and years were found (value, source, evidence)

    def as_dict(self) -> dict:
        """Plain dicts and lists (a deep copy): the shape of the API's tagged report."""
        return {"doc_id": self.doc_id, "title": self.title, "zone": self.zone, "year": self.year,
                "years": list(self.years), "doc_type": self.doc_type, "segments": [s.as_dict() for s in self.segments],
                "detection": copy.deepcopy(self.detection)}
