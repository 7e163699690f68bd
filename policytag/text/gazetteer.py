"""Chinese place names (provinces, cities, districts, counties) with their city.

Read from the administrative-division table that the ``cpca`` package ships
(MIT licence), so zone detection can tell ``河源`` (a place) from ``制定`` (a verb).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

_SUFFIX = re.compile(r"(?:(?:[\u4e00-\u9fff]{1,6}?族)+自治(?:县|州|旗)|自治(?:县|州|旗|区)|"
                     r"特别行政区|地区|新区|林区|市|区|县|州|旗|盟|省)$")


def short_name(name: str) -> str:
    """``河源市`` → ``河源``, ``阜新蒙古族自治县`` → ``阜新``."""
    return _SUFFIX.sub("", name)


@lru_cache(maxsize=1)
def _places() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    # Located without importing cpca, whose import builds a matcher we do not need.
    spec = find_spec("cpca")
    assert spec is not None and spec.submodule_search_locations, "the cpca package is not installed"
    path = Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = short_name(row["name"])
            if len(name) >= 2:
                table.setdefault(name, set()).add(row["adcode"][:4])  # 4 digits: the city
    return {k: frozenset(v) for k, v in table.items()}


class _Places:
    """Lazy mapping: short place name → the 4-digit codes of the cities it lies in."""

    def __contains__(self, name: str) -> bool:
        return name in _places()

    def __getitem__(self, name: str) -> frozenset[str]:
        return _places()[name]


PLACES = _Places()


@lru_cache(maxsize=1)
def _names_by_city() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for name, cities in _places().items():
        for city in cities:
            index.setdefault(city, []).append(name)
    return index


def city_mentions(text: str, cities) -> Counter:
    """How often the text names places (the city itself, its districts and counties) of each given city."""
    index = _names_by_city()
    return Counter({city: sum(text.count(name) for name in index.get(city, ())) for city in cities})
