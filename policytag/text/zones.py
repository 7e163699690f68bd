"""The gazetteer of development zones (``data/zones.tsv``): names in a text or typed by a user → canonical zones.

A zone is named in many ways: its formal name (清远高新技术产业开发区), its short name (清远高新区), with 国家
(清远国家高新区), without its city (慈湖高新区 for 马鞍山慈湖) or by a nickname (光谷, 中关村). A *mention* is a
run of Han characters followed by a zone suffix; its *stem* (the characters before the suffix) is looked up
among the stems of the zones of that kind. Nothing outside the gazetteer becomes a zone here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "zones.tsv"
HIGH_TECH, ETDZ = "国家高新区", "国家级经开区"

# One pattern, longest suffixes first; the group name says which zones a stem may belong to.
MENTION = re.compile(
    r"(?P<stem>[\u4e00-\u9fff\-—]{1,10}?)(?:国家级?)?"
    r"(?:(?P<htz>农业高新技术产业示范区|高新技术产业开发区|高新技术产业园区|高新技术开发区|高技术产业开发区|新技术产业开发区"
    r"|新技术开发区|高新区)"
    r"|(?P<etdz>经济技术开发区|经济开发区|经开区)"
    r"|(?P<any>开发区|工业园区|科技园区|台商投资区))")
# Words that end a run before a stem: a mention's stem never spans them (本届政府支持清远高新区 → 清远).
_STEM_BREAK = re.compile(r".*(?:[的和与及在对向把将为是了、]|支持|推动|加快|建设|全力|推进)")
# Generic stems that name no zone: 全市高新区, 省级高新区, 本开发区.
_GENERIC = frozenset({"全国", "全省", "全市", "本市", "我市", "市级", "省级", "国家", "各", "该", "本", "我", "全",
                      "市",
                      "省",
                      "区", "新区", "园区", "各类", "各级", "两个", "这个", "新", "高新", "经济", "技术", "产业"})


@dataclass(frozen=True)
class Zone:
    short: str
    formal: str
    kind: str
    city: str
    province: str
    aliases: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"zone": self.short, "formal": self.formal, "kind": self.kind, "city": self.city,
                "province": self.province}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    stem: str
    zones: tuple[Zone, ...]  # the gazetteer zones the stem may mean (empty: not a known zone)
    formal: bool  # written with 国家 or the formal suffix


def _kind_of(m: re.Match) -> str | None:
    return HIGH_TECH if m.group("htz") else ETDZ if m.group("etdz") else None


@lru_cache(maxsize=1)
def zones() -> tuple[Zone, ...]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("short\t"):
            continue
        short, formal, kind, city, province, aliases = line.split("\t")
        rows.append(Zone(short, formal, kind, city, province, tuple(a for a in aliases.split("、") if a)))
    return tuple(rows)


@lru_cache(maxsize=1)
def _indexes() -> tuple[dict[str, Zone], dict[tuple[str, str], tuple[Zone, ...]], dict[str, Zone]]:
    """``names`` (every short, formal and alias name), ``stems`` ((stem, kind) → zones), ``nicknames``
    (names that carry no zone suffix, found by plain search: 中关村, 光谷)."""
    names: dict[str, Zone] = {}
    stems: dict[tuple[str, str], list[Zone]] = {}
    nicknames: dict[str, Zone] = {}
    for zone in zones():
        for name in (zone.short, zone.formal, *zone.aliases):
            names.setdefault(name, zone)
            m = MENTION.fullmatch(name)
            if m is None:
                nicknames.setdefault(name, zone)
                continue
            stem, kind = m.group("stem"), _kind_of(m) or zone.kind
            if kind == zone.kind and zone not in stems.setdefault((stem, kind), []):
                stems[(stem, kind)].append(zone)
    # The formal stem without its city names the zone too, and may name several: 临港 (威海, 沧州, 宜宾).
    for zone in zones():
        m, city = MENTION.fullmatch(zone.formal), city_stem(zone.city)
        rest = m.group("stem")[len(city):] if m and m.group("stem").startswith(city) else ""
        if len(rest) >= 2 and zone not in stems.setdefault((rest, zone.kind), []):
            stems[(rest, zone.kind)].append(zone)
    # The city alone names the zone when it is the city's only zone of its kind: 马鞍山高新区 → 慈湖高新区.
    per_city: dict[tuple[str, str], list[Zone]] = {}
    for zone in zones():
        per_city.setdefault((city_stem(zone.city), zone.kind), []).append(zone)
    for key, in_city in per_city.items():
        if len(in_city) == 1 and key not in stems:
            stems[key] = in_city
    return names, {k: tuple(v) for k, v in stems.items()}, nicknames


def city_stem(city: str) -> str:
    """``马鞍山市`` → ``马鞍山``; ``延边朝鲜族自治州`` stays (no zone is named that way)."""
    return city[:-1] if city.endswith("市") and len(city) > 2 else city


def by_name(name: str) -> Zone | None:
    """The zone a full name means exactly (short, formal or alias), else None."""
    return _indexes()[0].get(name.strip())


def _lookup(run: str, kind: str | None) -> tuple[str, tuple[Zone, ...]]:
    """The longest stem ending ``run`` that the gazetteer knows for ``kind`` (any kind when None)."""
    stems = _indexes()[1]
    kinds = (kind,) if kind else (ETDZ, HIGH_TECH)  # a bare 开发区 is first an ETDZ: 昆山开发区
    for n in range(len(run), 1, -1):
        tail = run[-n:]
        for candidate in (tail, tail[:-1]) if tail.endswith("市") else (tail,):
            for k in kinds:
                if (candidate, k) in stems:
                    return candidate, stems[(candidate, k)]
    return run, ()


def mentions(text: str) -> Iterator[Mention]:
    """Every zone mention in ``text``, known to the gazetteer or not; nicknames (光谷) too."""
    nicknames = _indexes()[2]
    taken: list[tuple[int, int]] = []
    for m in MENTION.finditer(text):
        stem_end = m.end("stem")
        run = re.search(r"[\u4e00-\u9fff\-—]*$", text[max(0, stem_end - 8):stem_end]).group()  # type: ignore[union-attr]  # always matches
        stem, found = _lookup(run, _kind_of(m))
        if not found:  # an unknown name: only its last words, never a verb or a generic word before the suffix
            cut = _STEM_BREAK.match(run)
            run = run[cut.end():] if cut else run
            if len(run) < 2 or run in _GENERIC:
                continue
        formal = "国家" in m.group() or len(m.group()) - len(m.group("stem")) >= 5
        start = stem_end - len(stem) if found else stem_end - min(len(run), 4)
        taken.append((start, m.end()))
        yield Mention(start, m.end(), stem if found else text[start:stem_end], found, formal)
    for name, zone in nicknames.items():
        for hit in re.finditer(re.escape(name), text):
            if not any(a <= hit.start() < b for a, b in taken):
                taken.append((hit.start(), hit.end()))
                yield Mention(hit.start(), hit.end(), name, (zone,), False)


def normalize(name: str) -> Zone | None:
    """The zone a typed name means: 清远高新技术产业开发区, 清远国家高新区 and 清远高新区 → 清远高新区; None if unknown
    or ambiguous."""
    name = re.sub(r"\s+", "", name)
    exact = by_name(name)
    if exact:
        return exact
    found = {z for m in mentions(name) if m.end - m.start >= len(name) - 2 for z in m.zones}
    return found.pop() if len(found) == 1 else None
