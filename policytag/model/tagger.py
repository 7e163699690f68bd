"""A fitted theme tagger: classifier + calibration + themes + thresholds + how to build its input text.

This is what the registered MLflow model wraps (``pyfunc.py``). It runs the one
text pipeline (``policytag.text``) itself, so whatever serves the model gets the
same segmentation and normalisation that training used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from policytag.model.calibration import PlattCalibration
from policytag.model.results import SegmentTags, TaggedReport, TaggedSegment
from policytag.text import model_input, parse_report


@dataclass
class Tagger:
    classifier: Any  # fit(texts, Y) / predict_proba(texts)
    themes: list[str]
    thresholds: list[float]
    with_heading: bool = True
    model_type: str = ""
    info: dict = field(default_factory=dict)
    calibration: PlattCalibration | None = None  # None: the classifier's probabilities as they are

    def scores(self, texts: list[str], headings: list[list[str]] | None = None) -> np.ndarray:
        """Per-theme (calibrated) probabilities for raw segment texts (normalised here)."""
        headings = headings or [[] for _ in texts]
        inputs = [model_input(t, h, with_heading=self.with_heading) for t, h in zip(texts, headings)]
        if not inputs:
            return np.zeros((0, len(self.themes)))
        P = self.classifier.predict_proba(inputs)
        return self.calibration.apply(P) if self.calibration is not None else P

    def tag_segments(self, texts: list[str], headings: list[list[str]] | None = None) -> list[SegmentTags]:
        """Labels and scores of each pre-cut segment."""
        return [self._tags(p) for p in self.scores(texts, headings)]

    def tag_document(self, text: str, doc_id: str | None = None, *, zone: str | None = None,
                     year: int | None = None, max_segments: int | None = None) -> TaggedReport:
        """Segment a whole report and tag every segment (offsets into ``text``)."""
        report = parse_report(text, doc_id, zone=zone, year=year, max_segments=max_segments)
        P = self.scores([s.text for s in report.segments], [s.heading for s in report.segments])
        segments = []
        for s, p in zip(report.segments, P):
            tags = self._tags(p)
            segments.append(TaggedSegment(s.id, s.start, s.end, s.text, tuple(s.heading), s.part,
                                          tags.labels, tags.scores))
        return TaggedReport(report.doc_id, report.title, report.zone, report.year, tuple(report.years),
                            report.doc_type, tuple(segments), report.detection)

    def _tags(self, p: np.ndarray) -> SegmentTags:
        return SegmentTags(tuple(t for t, s, th in zip(self.themes, p, self.thresholds) if s >= th),
                           {t: round(float(s), 4) for t, s in zip(self.themes, p)})
