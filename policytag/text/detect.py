"""Detect a report's zone, reporting years, document type and part kinds."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from policytag.text import gazetteer, zones
from policytag.text.layout import Layout

YEAR_RE = re.compile(r"(20\d{2})\s*年")
HEADING_YEAR_RE = re.compile(r"(20\d{2})(?:\s*年|(?=\s*[,，、]))")  # 一、回顾2023,推动… names its year too
PART_KINDS = (  # checked in this order: 存在问题 before the others
    ("problems", re.compile(r"问题|不足|短板|困难|差距")),
    ("plan", re.compile(r"计划|安排|打算|思路|展望|工作重点|目标任务")),
    ("review", re.compile(r"总结|回顾|情况|成绩|成效|完成|主要工作")),  # 一、2024年主要工作: what was done
)
# A report's own title, when layout found none: its first line names the years it covers.
REPORT_TITLE = re.compile(r"工作(?:总结|计划|安排|思路|打算|要点|报告)")
PLAN_YEAR = re.compile(r"(20\d{2})\s*年(?:工作)?(?:计划|安排|打算|思路|工作要点|重点工作|主要目标)")
PLAN_WORDS = ("计划", "安排", "打算", "思路")
PLAN_WORD = re.compile(f"({'|'.join(PLAN_WORDS)})")
# Every document type detect_doc_type names (and a person may correct a report to).
DOC_TYPES = ("工作总结", *(f"工作{w}" for w in PLAN_WORDS), *(f"工作总结及工作{w}" for w in PLAN_WORDS), "新闻报道")
NEWS_CUES = re.compile(r"记者|通讯员|/摄|据介绍|据悉")


@dataclass
class Detection:
    value: Any  # str (zone), list[int] (years), or None (a zone to confirm: see candidates)
    source: str  # override | title | heading | meta | body | default
    confidence: float
    evidence: str
    candidates: list[dict] = field(default_factory=list)  # zones: [{"zone", "confidence", "known"}], best first

    def as_dict(self) -> dict:
        out = {"value": self.value, "source": self.source, "confidence": round(self.confidence, 2),
               "evidence": self.evidence}
        return {**out, "candidates": self.candidates} if self.candidates or self.value is None else out


def part_kind(heading: str) -> str:
    """Classify a top-level part heading as review, plan, problems or other."""
    for kind, pattern in PART_KINDS:
        if pattern.search(heading):
            return kind
    return "other"


def detect_zone(layout: Layout, text: str) -> Detection | None:
    """The zone a report is about, from the gazetteer of development zones (``policytag.text.zones``).

    Every mention of a known zone in the whole text votes (title 3, headings and page metadata 2, body 1,
    doubled for the formal name); a stem that may mean several zones (临港经开区) votes for each, and each
    zone gains half a vote per mention of its city. The zone with the most votes wins when no other ties it.
    A name the gazetteer does not know is never made up from arbitrary characters (正文高新区, 新闻经开区): a
    mention whose last words are a real place (``XX经济开发区`` with XX a county) becomes a candidate, and the
    result is ``value=None`` with the candidates and their confidence, for the user to confirm; only the
    title's own place-checked name, alone, is taken (confidence 0.5), as most provincial zones are not listed.
    """
    sources = [("title", 3, "\n".join(layout.title_lines)),
               ("meta", 2, "\n".join(layout.chrome + [h.title for h in layout.headings])),
               ("body", 1, text)]
    votes: Counter = Counter()
    unknown: Counter = Counter()
    where: dict = {}
    for source, weight, chunk in sources:
        for m in zones.mentions(chunk):
            w = weight * (2 if m.formal else 1)
            for zone in m.zones:
                votes[zone] += w
                where.setdefault(zone, (source, chunk[m.start:m.end]))
            place = _known_place(m.stem) if not m.zones else None
            if place:
                name = place + _suffix_word(chunk[m.start + len(m.stem):m.end])
                unknown[name] += w
                where.setdefault(name, (source, chunk[m.start:m.end]))
    if not votes and not unknown:
        return None
    scores = {z.short: v + 0.5 * min(text.count(zones.city_stem(z.city)), 10) for z, v in votes.items()}
    by_short = {z.short: z for z in votes}
    total = sum(scores.values()) + sum(unknown.values())
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    candidates = [{"zone": name, "confidence": round(score / total, 2), "known": True} for name, score in ranked[:5]]
    candidates += [{"zone": name, "confidence": round(score / total, 2), "known": False}
                   for name, score in unknown.most_common(3)]
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        best, score = ranked[0]
        source, evidence = where[by_short[best]]
        return Detection(best, source, score / total, evidence, candidates if len(candidates) > 1 else [])
    key = by_short[ranked[0][0]] if ranked else unknown.most_common(1)[0][0]
    source, evidence = where[key]
    if not ranked and source == "title" and len(unknown) == 1:  # a provincial zone the title names: 鹤城高新区
        return Detection(key, source, 0.5, evidence, candidates)
    return Detection(None, source, 0.0, evidence, candidates)


def _known_place(stem: str) -> str | None:
    """The longest place name (province, city, district, county) that ends ``stem``: 慈溪 in 宁波慈溪."""
    for n in range(min(4, len(stem)), 1, -1):
        if stem[-n:] in gazetteer.PLACES:
            return stem[-n:]
    return None


def _suffix_word(suffix: str) -> str:
    suffix = suffix.replace("国家级", "").replace("国家", "")
    return "高新区" if "高" in suffix or suffix.startswith("新技术") else "经开区" if "经" in suffix else suffix


def detect_years(layout: Layout, text: str) -> Detection | None:
    """Reporting years: those named in the title and part headings, else the body's commonest."""
    part_titles = [h.title for h in layout.headings if h.level == 1]
    named = sorted({int(y) for line in layout.title_lines + part_titles for y in HEADING_YEAR_RE.findall(line)})
    if named:
        source = "title" if any(YEAR_RE.search(t) for t in layout.title_lines) else "heading"
        return Detection(named, source, 1.0, " / ".join(layout.title_lines + part_titles))
    first_line = next((text[p.start:p.end] for p in layout.paragraphs[:1]), "").split("。")[0][:80]
    if REPORT_TITLE.search(first_line) and YEAR_RE.search(first_line):  # 2023年工作总结和2024年工作计划 ...
        return Detection(sorted({int(y) for y in YEAR_RE.findall(first_line)}), "body", 0.8, first_line)
    body = "\n".join(text[p.start:p.end] for p in layout.paragraphs) or text  # not the page chrome
    counts = Counter(int(y) for y in YEAR_RE.findall(body))
    if not counts:
        return None
    year, n = counts.most_common(1)[0]
    plan_years = {int(y) for y in PLAN_YEAR.findall(body)}
    years = sorted({year} | ({year + 1} & plan_years))  # the review year, and the plan year that follows it
    return Detection(years, "body", n / sum(counts.values()), f"{year}年 ×{n}")


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
