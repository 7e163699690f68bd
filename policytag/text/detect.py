"""Detect a report's zone, reporting years, document type and part kinds."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from policytag.text import gazetteer
from policytag.text.layout import Layout

ZONE_SUFFIXES = (
    (re.compile(r"(?:国家级?)?(?:高新技术产业开发区|高新技术开发区|高新区)"), "高新区"),
    (re.compile(r"(?:国家级?)?(?:经济技术开发区|经济开发区|经开区)"), "经开区"),
)
HAN_RUN_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,6}$")
YEAR_RE = re.compile(r"(20\d{2})\s*年")
PART_KINDS = (  # checked in this order: 存在问题 before the others
    ("problems", re.compile(r"问题|不足|短板|困难|差距")),
    ("plan", re.compile(r"计划|安排|打算|思路|展望|工作重点|目标任务")),
    ("review", re.compile(r"总结|回顾|情况|成绩|成效|完成")),
)
PLAN_WORD = re.compile(r"(计划|安排|打算|思路)")
NEWS_CUES = re.compile(r"记者|通讯员|/摄|据介绍|据悉")


@dataclass
class Detection:
    value: Any  # str (zone) or list[int] (years)
    source: str  # override | title | heading | meta | body | default
    confidence: float
    evidence: str

    def as_dict(self) -> dict:
        return {"value": self.value, "source": self.source, "confidence": round(self.confidence, 2),
                "evidence": self.evidence}


def part_kind(heading: str) -> str:
    """Classify a top-level part heading as review, plan, problems or other."""
    for kind, pattern in PART_KINDS:
        if pattern.search(heading):
            return kind
    return "other"


def _zone_mentions(text: str):
    """Yield ``(han_run, kind, formal)`` for each zone mention; the run is the Han text before it."""
    for pattern, kind in ZONE_SUFFIXES:
        for m in pattern.finditer(text):
            before = HAN_RUN_BEFORE.search(text, max(0, m.start() - 6), m.start())
            if before:
                yield before.group(), kind, m.group().startswith("国家")


def detect_zone(layout: Layout, text: str) -> Detection | None:
    """Canonical short zone name (``清远高新区``) from title, page metadata and body.

    A mention ``XX高新区`` votes for the place names that end right before it
    (title 3, headings and page metadata 2, body 1, doubled for the formal
    ``XX国家高新区``); only names in the gazetteer count, so verbs such as
    ``制定高新区`` do not. Mentions of the districts and counties of the same
    city (``源城``, ``东源`` for 河源) add support. Without any gazetteer name,
    the title's own ``XX高新区`` is used.
    """
    sources = [("title", 3, "\n".join(layout.title_lines)),
               ("meta", 2, "\n".join(layout.chrome + [h.title for h in layout.headings])),
               ("body", 1, text)]
    votes: Counter = Counter()
    where: dict = {}
    title_guess = None
    for source, weight, chunk in sources:
        for run, kind, formal in _zone_mentions(chunk):
            if source == "title" and title_guess is None:
                title_guess = (run[-2:], kind)
            for n in range(2, min(4, len(run)) + 1):
                if run[-n:] in gazetteer.PLACES:
                    key = (run[-n:], kind)
                    votes[key] += weight * (2 if formal else 1)
                    where.setdefault(key, (source, run[-n:] + kind))
    if not votes:
        if title_guess:
            return Detection("".join(title_guess), "title", 0.5, "".join(title_guess))
        return None
    local = gazetteer.city_mentions(text, {city for place, _ in votes for city in gazetteer.PLACES[place]})
    scores = {key: v + 0.5 * max(local.get(city, 0) for city in gazetteer.PLACES[key[0]])
              for key, v in votes.items()}
    best = max(scores, key=lambda k: (scores[k], len(k[0])))
    source, evidence = where[best]
    return Detection(best[0] + best[1], source, scores[best] / sum(scores.values()), evidence)


def detect_years(layout: Layout, text: str) -> Detection | None:
    """Reporting years: those named in the title and part headings, else the body's commonest."""
    part_titles = [h.title for h in layout.headings if h.level == 1]
    named = sorted({int(y) for line in layout.title_lines + part_titles for y in YEAR_RE.findall(line)})
    if named:
        source = "title" if any(YEAR_RE.search(t) for t in layout.title_lines) else "heading"
        return Detection(named, source, 1.0, " / ".join(layout.title_lines + part_titles))
    counts = Counter(int(y) for y in YEAR_RE.findall(text))
    if not counts:
        return None
    year, n = counts.most_common(1)[0]
    return Detection([year], "body", n / sum(counts.values()), f"{year}年 ×{n}")


def detect_doc_type(layout: Layout, text: str) -> str:
    """工作总结, 工作计划, 工作总结及工作安排..., or 新闻报道."""
    parts = [h.title for h in layout.headings if h.level == 1]
    title = " ".join(layout.title_lines)
    has_review = "总结" in title or any(part_kind(p) == "review" for p in parts)
    plan_words = PLAN_WORD.findall(title) + [w for p in parts if part_kind(p) == "plan"
                                             for w in PLAN_WORD.findall(p)]
    if not parts and "总结" not in title and not plan_words and (
            any(NEWS_CUES.search(c) for c in layout.chrome) or len(NEWS_CUES.findall(text)) >= 2):
        return "新闻报道"
    if plan_words and has_review:
        return f"工作总结及工作{plan_words[0]}"
    if plan_words:
        return f"工作{plan_words[0]}"
    return "工作总结"
