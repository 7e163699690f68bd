"""Split a paragraph into its enumerated items, and over-long items at sentence ends."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
MAX_SEGMENT_CHARS = 400  # paragraphs longer than this are cut at sentence ends
HARD_MAX_SEGMENT_CHARS = 2 * MAX_SEGMENT_CHARS  # no segment is longer, sentence ends or not
# An item marker counts only at the start of the body or right after one of these.
ITEM_BOUNDARY = "。;；!！?？:："
SENTENCE_END = "。!！?？;；"
CLAUSE_END = "，,、:：)）”"


def cn_number(s: str) -> int:
    """一..九十九 to int (0 when not a Chinese numeral)."""
    if not s or any(c not in CN_DIGITS and c != "十" for c in s):
        return 0
    if "十" not in s:
        return CN_DIGITS.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)


# Enumerator families: a pattern whose group(1) gives the item's number.
ENUMERATORS: dict[str, tuple[re.Pattern[str], Callable[[str], int]]] = {
    "shi": (re.compile(r"([一二三四五六七八九十]{1,3})是"), cn_number),
    "di": (re.compile(r"第([一二三四五六七八九十]{1,3})(?=[,，、:：]|是)"), cn_number),
    "paren": (re.compile(r"[（(](\d{1,2})[)）]"), int),
    "dot": (re.compile(r"(\d{1,2})[.．、](?!\d)"), int),
    "circled": (re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩])"), lambda c: ord(c) - ord("①") + 1),
    "aspect": (re.compile(r"(另)?一方面"), lambda g: 2 if g else 1),
}


def starts_with_item_marker(text: str) -> bool:
    """True when ``text`` opens with an enumerator such as 一是, (1), 1. or 第一,."""
    return any(pattern.match(text) for pattern, _ in ENUMERATORS.values())


def _at_boundary(text: str, pos: int, body_start: int) -> bool:
    i = pos - 1
    while i >= body_start and text[i].isspace():
        i -= 1
    return i < body_start or text[i] in ITEM_BOUNDARY


def item_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets where the items of the paragraph ``text[start:end]`` begin.

    Picks the enumerator family whose run 1, 2, 3... begins earliest; nested
    enumerations of other families stay inside their item. A family may run
    again from 1 after a run of at least two (一是…三是, then 一是…二是 in a
    report pasted as one line); a run of one item is no enumeration.
    """
    best: list[int] = []
    for pattern, to_int in ENUMERATORS.values():
        runs: list[list[int]] = [[]]
        for m in pattern.finditer(text, start, end):
            number, run = to_int(m.group(1)), runs[-1]
            if number not in (len(run) + 1, 1) or not _at_boundary(text, m.start(), start):
                continue
            if number == len(run) + 1:
                run.append(m.start())
            elif len(run) >= 2:
                runs.append([m.start()])
        starts = [pos for run in runs if len(run) >= 2 for pos in run]
        if starts and (not best or starts[0] < best[0]):
            best = starts
    return best


def sentence_chunks(text: str, start: int, end: int, limit: int = MAX_SEGMENT_CHARS) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` at sentence ends into near-equal chunks of at most ~limit chars.

    A chunk still longer than twice the limit (no sentence end in it) is cut at
    clause marks, or else at the hard limit itself.
    """
    length = end - start
    if length <= limit:
        return [(start, end)]
    target = length / math.ceil(length / limit)
    chunks, chunk_start = [], start
    for i in range(start, end):
        if text[i] in SENTENCE_END and i + 1 - chunk_start >= target and end - (i + 1) > 20:
            chunks.append((chunk_start, i + 1))
            chunk_start = i + 1
    chunks.append((chunk_start, end))
    return [piece for a, b in chunks for piece in _capped(text, a, b, 2 * limit)]


def _capped(text: str, start: int, end: int, cap: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``cap`` chars, cut after the last clause mark that fits."""
    pieces = []
    while end - start > cap:
        last_mark = max(text.rfind(mark, start + cap // 2, start + cap) for mark in CLAUSE_END)
        cut = last_mark + 1 if last_mark >= 0 else start + cap
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Segment spans of one paragraph: lead-in, items, each cut if over-long."""
    cuts = item_starts(text, start, end)
    bounds = [start, *cuts, end] if cuts and cuts[0] > start else [*(cuts or [start]), end]
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        a, b = strip_span(text, a, b)
        if b - a >= 2:
            chunks = (strip_span(text, *chunk) for chunk in sentence_chunks(text, a, b))
            spans.extend((c, d) for c, d in chunks if d > c)  # a hard cut inside a run of spaces leaves blanks
    return spans
