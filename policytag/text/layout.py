"""Recover a report's layout: title, headings and body paragraphs, with offsets.

Works line by line on the decoded text and never copies or rewrites it: every
block is a ``(start, end)`` span into the original string. A line that holds several
headings (a report pasted as one long line) is first cut before each inline heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policytag.text.chrome import is_chrome, is_photo_credit
from policytag.text.items import cn_number

PART_RE = re.compile(r"^[一二三四五六七八九十]{1,3}\s*、")
SECTION_RE = re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]")
NUMBERED_RE = re.compile(r"^\d{1,2}\s*[.．、](?!\d)")
# (pattern, heading level, longest first sentence that still reads as a title)
HEADING_MARKERS = ((PART_RE, 1, 60), (SECTION_RE, 2, 60), (NUMBERED_RE, 3, 40))
SENTENCE_END = "。!！?？;；"
# A paragraph ending with none of these continues on the next line (a hard wrap).
PARAGRAPH_END = SENTENCE_END + "…:："
# A closing quote or bracket ends a paragraph only right after a sentence end (。” but not “三个年”).
CLOSING_MARKS = "”’\"）)】」"
UNMARKED_HEADING_MAX = 40
# In one-line text a heading with no full stop ends where a space parts two words (一、2020 年工作总结 今年以来).
WORD_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
MIN_GAP_TITLE = 4  # a shorter title before a gap is spaced-out text (一、 加 强), not a heading
# A part (一、) or section ((一)) heading inside a line; 一、二、三产业 is a list, not a heading.
INLINE_HEADING_RE = re.compile(r"[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]"
                               r"|([一二三四五六七八九十]{1,3})\s*、(?![一二三四五六七八九十]{1,3}\s*、)")
# What an inline heading may follow across a space: not a clause mark or an opening bracket.
NOT_BEFORE_GAP_HEADING = ",，、:：(（“‘《[【"


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


def _paragraph_ends(line: str) -> bool:
    """Whether a line's last character closes its paragraph, so the next line does not continue it."""
    last = line[-1]
    if last in CLOSING_MARKS:
        return len(line) > 1 and (line[-2] in PARAGRAPH_END or line[-2] in CLOSING_MARKS)
    return last in PARAGRAPH_END


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
        gap = next((g for g in WORD_GAP_RE.finditer(line, m.end(), min(end, m.end() + max_title + 1))
                    if len(line[m.end():g.start()].strip()) >= MIN_GAP_TITLE), None)
        end = gap.start() if gap else end  # a heading without a full stop ends at a word gap
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


def _heading_number(line: str) -> tuple[str, int] | None:
    """``("part", n)`` or ``("section", n)`` for a line opening with 一、 or (一)."""
    m = INLINE_HEADING_RE.match(line)
    if not m:
        return None
    return ("section", cn_number(m.group(1))) if m.group(1) else ("part", cn_number(m.group(2)))


def _after_boundary(text: str, pos: int, line_start: int) -> bool:
    """Whether an inline heading at ``pos`` follows a sentence end, or a space after a word or title."""
    i = pos - 1
    while i >= line_start and text[i].isspace():
        i -= 1
    if i < line_start:
        return False
    return text[i] in SENTENCE_END or (i < pos - 1 and text[i] not in NOT_BEFORE_GAP_HEADING)


class _InlineCutter:
    """Cuts lines before inline headings that continue the report's numbering (一、 then 二、; (一) then (二))."""

    def __init__(self) -> None:
        self.last = {"part": 0, "section": 0}

    def _follows(self, kind: str, number: int) -> bool:
        return number == 1 or number == self.last[kind] + 1

    def _seen(self, kind: str, number: int) -> None:
        self.last[kind] = number
        if kind == "part":
            self.last["section"] = 0

    def cut(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        line = text[start:end]
        opening = _heading_number(line) if _marked_heading(line) else None
        if opening:
            self._seen(*opening)
        cuts = [start]
        for m in INLINE_HEADING_RE.finditer(text, start + 1, end):
            kind_number = _heading_number(m.group())
            if (kind_number and self._follows(*kind_number) and _after_boundary(text, m.start(), start)
                    and _marked_heading(text[m.start():end])):
                self._seen(*kind_number)
                cuts.append(m.start())
        pieces = []
        for a, b in zip(cuts, [*cuts[1:], end]):
            stripped = text[a:b].rstrip()
            pieces.append((a, a + len(stripped)))
        return pieces


def _units(text: str) -> list[tuple[int, int]]:
    """Line spans, a line holding inline headings cut before each (chrome lines are kept whole)."""
    cutter = _InlineCutter()
    units: list[tuple[int, int]] = []
    for start, end in _lines(text):
        units.extend([(start, end)] if is_chrome(text[start:end]) else cutter.cut(text, start, end))
    return units


def read_layout(text: str) -> Layout:
    """Split ``text`` into title, headings and paragraphs, dropping page chrome."""
    layout = Layout()
    path: list[Heading] = []
    spans = _units(text)
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
        if prev and not _paragraph_ends(text[prev.start:prev.end]) and prev.headings == path:
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
