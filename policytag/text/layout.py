"""Recover a report's layout: title, headings and body paragraphs, with offsets.

Works line by line on the decoded text and never copies or rewrites it: every
block is a ``(start, end)`` span into the original string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policytag.text.chrome import is_chrome, is_photo_credit

PART_RE = re.compile(r"^[一二三四五六七八九十]{1,3}\s*、")
SECTION_RE = re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]")
NUMBERED_RE = re.compile(r"^\d{1,2}\s*[.．、](?!\d)")
# (pattern, heading level, longest first sentence that still reads as a title)
HEADING_MARKERS = ((PART_RE, 1, 60), (SECTION_RE, 2, 60), (NUMBERED_RE, 3, 40))
SENTENCE_END = "。!！?？;；"
# A paragraph ending with none of these continues on the next line (a hard wrap).
PARAGRAPH_END = SENTENCE_END + "…”’\"）)】」:："
UNMARKED_HEADING_MAX = 40


@dataclass
class Heading:
    level: int
    start: int
    end: int
    title: str


@dataclass
class Paragraph:
    start: int
    end: int
    headings: list[Heading]  # the heading path in force, outermost first


@dataclass
class Layout:
    title: str | None = None
    title_lines: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)  # web page debris: navigation, metadata, footers
    salutations: list[str] = field(default_factory=list)  # 各位代表: and the like, before the body


def _lines(text: str) -> list[tuple[int, int]]:
    """Stripped non-empty line spans."""
    spans = []
    for m in re.finditer(r"[^\r\n]+", text):
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = m.start() + (len(line) - len(line.lstrip()))
        spans.append((start, start + len(stripped)))
    return spans


def _first_sentence_end(line: str, offset: int) -> int | None:
    for i in range(offset, len(line)):
        if line[i] in SENTENCE_END:
            return i + 1
    return None


def _marked_heading(line: str) -> tuple[int, int] | None:
    """For a line that opens with a heading marker, ``(level, title_length)``."""
    for pattern, level, max_title in HEADING_MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        end = _first_sentence_end(line, m.end())
        if end is None:
            end = len(line)
        if end - m.end() <= max_title and end > m.end():
            return level, end
        return None
    return None


def _is_unmarked_heading(line: str) -> bool:
    """A short line with no sentence punctuation: a title or a news sub-heading.

    Commas are allowed only in very short lines: a longer line with commas is
    the first part of a hard-wrapped paragraph.
    """
    return (len(line) <= UNMARKED_HEADING_MAX and not any(c in SENTENCE_END for c in line)
            and line[-1] not in ",，、:：" and (len(line) <= 20 or not any(c in ",，" for c in line)))


def read_layout(text: str) -> Layout:
    """Split ``text`` into title, headings and paragraphs, dropping page chrome."""
    layout = Layout()
    path: list[Heading] = []
    spans = _lines(text)
    seen_body = False
    for i, (start, end) in enumerate(spans):
        line = text[start:end]
        next_line = text[slice(*spans[i + 1])] if i + 1 < len(spans) else ""
        if is_chrome(line) or (next_line and is_photo_credit(next_line) and not _marked_heading(line)):
            layout.chrome.append(line)  # chrome, or a photo caption above its credit
            continue
        if len(line) <= 15 and line[-1] in ":：" and not seen_body:
            layout.salutations.append(line)  # a salutation such as 市政府:
            continue
        marked = _marked_heading(line)
        if marked:
            level, title_len = marked
            title = line[:title_len].rstrip(SENTENCE_END + " ")
            heading = Heading(level, start, start + title_len, title)
            path = [h for h in path if h.level < level] + [heading]
            layout.headings.append(heading)
            rest = line[title_len:]
            if rest.strip():
                body_start = start + title_len + (len(rest) - len(rest.lstrip()))
                layout.paragraphs.append(Paragraph(body_start, end, list(path)))
                seen_body = True
            continue
        prev = layout.paragraphs[-1] if layout.paragraphs else None
        if prev and text[prev.end - 1] not in PARAGRAPH_END and prev.headings == path:
            prev.end = end  # a hard-wrapped paragraph continues
            continue
        if _is_unmarked_heading(line):
            if not seen_body and not layout.headings:
                layout.title_lines.append(line)
                layout.title = layout.title or line
                continue
            heading = Heading(2, start, end, line)
            path = [h for h in path if h.level < 2] + [heading]
            layout.headings.append(heading)
            continue
        layout.paragraphs.append(Paragraph(start, end, list(path)))
        seen_body = True
    return layout
