"""Turn a report's text into addressable segments with heading context and metadata."""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field

from policytag.text import zones
from policytag.text.detect import Detection, detect_doc_type, detect_years, detect_zone, part_kind
from policytag.text.items import split_paragraph, starts_with_item_marker
from policytag.text.layout import read_layout
from policytag.text.normalize import model_input, normalize_for_model

# A paragraph that opens a list of shortcomings without a heading of its own.
PROBLEMS_LEAD = re.compile(r"(?:存在|还有|仍有|仍然存在)[^。]{0,20}(?:问题|不足|差距|短板)")


@dataclass
class Segment:
    id: str
    start: int
    end: int
    text: str  # exactly original[start:end]
    heading: list[str]  # heading path, outermost first
    part: str  # review | plan | problems | other

    def model_text(self, with_heading: bool = False) -> str:
        """The normalised copy a model reads, optionally prefixed with the innermost heading."""
        return model_input(self.text, self.heading, with_heading=with_heading)


@dataclass
class Report:
    doc_id: str
    title: str | None
    zone: str | None
    year: int | None
    years: list[int]
    doc_type: str
    segments: list[Segment]
    detection: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """A deep copy as plain dicts and lists (what ``dataclasses.asdict`` gives, several times faster)."""
        return {**vars(self), "years": list(self.years), "detection": copy.deepcopy(self.detection),
                "segments": [{**vars(s), "heading": list(s.heading)} for s in self.segments]}


def content_id(text: str, n: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def content_hash(text: str) -> str:
    """The full SHA-256 of a report's text: the key reports are stored (and deduplicated) under."""
    return content_id(text, 64)


def normalize_zone(name: str) -> str:
    """A typed zone's canonical short name (清远高新技术产业开发区 → 清远高新区); a name the gazetteer does not
    know is kept as typed, stripped: the user's own choice."""
    known = zones.normalize(name)
    return known.short if known else name.strip()


class EmptyReportError(ValueError):
    """The text holds nothing to tag."""


class ReportTooLargeError(ValueError):
    """The report has more segments than the caller accepts."""


def parse_report(text: str, doc_id: str | None = None, *, zone: str | None = None,
                 year: int | None = None, max_segments: int | None = None) -> Report:
    """Segment a decoded report and detect its zone, years and type.

    ``zone`` and ``year`` override detection; a typed zone is normalised (``normalize_zone``).
    Segment ids combine ``doc_id``
    (default: a hash of the text) with a hash of the segment's own text, so they
    do not move when another paragraph changes. More than ``max_segments``
    segments raise ``ReportTooLargeError`` before zone and year detection.
    """
    if not text.strip():
        raise EmptyReportError("the report is empty: send a report's text")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        raise EmptyReportError("the report contains no Chinese text: policytag tags Chinese reports")
    doc_id = doc_id or content_id(text)
    layout = read_layout(text)
    has_parts = any(h.level == 1 for h in layout.headings)
    doc_type = detect_doc_type(layout, text)
    default_part = "other" if has_parts or doc_type == "新闻报道" else (
        "plan" if doc_type.startswith("工作") and "总结" not in doc_type else "review")

    segments: list[Segment] = []
    seen: dict[str, int] = {}
    problems_under = None  # the heading path under which an unheaded 存在问题 passage began
    for para in layout.paragraphs:
        heading = [h.title for h in para.headings]
        top = next((h.title for h in para.headings if h.level == 1), None)
        part = part_kind(top) if top else default_part
        first_sentence = re.match(r"[^。!?！？]*", text[para.start:para.end]).group()  # type: ignore[union-attr]  # always matches
        if PROBLEMS_LEAD.search(first_sentence) and not starts_with_item_marker(first_sentence):
            problems_under = heading
        elif problems_under != heading:
            problems_under = None
        if problems_under is not None:
            part = "problems"
        for start, end in split_paragraph(text, para.start, para.end):
            seg_text = text[start:end]
            digest = content_id(normalize_for_model(seg_text), 8)
            seen[digest] = seen.get(digest, 0) + 1
            suffix = "" if seen[digest] == 1 else f".{seen[digest]}"
            segments.append(Segment(f"{doc_id}-{digest}{suffix}", start, end, seg_text, heading, part))

    if max_segments is not None and len(segments) > max_segments:
        raise ReportTooLargeError(f"the report has {len(segments)} segments, more than the {max_segments} "
                                  "tagged per report: split it into several reports")
    zone_det = Detection(normalize_zone(zone), "override", 1.0, zone) if zone else detect_zone(layout, text)
    years_det = (Detection([int(year)], "override", 1.0, "given") if year
                 else detect_years(layout, text))
    years = list(years_det.value) if years_det else []
    return Report(
        doc_id=doc_id,
        title=layout.title,
        zone=zone_det.value if zone_det else None,
        year=years[0] if years else None,
        years=years,
        doc_type=doc_type,
        segments=segments,
        detection={"zone": zone_det.as_dict() if zone_det else None,
                   "years": years_det.as_dict() if years_det else None},
    )
