"""Real report pages in, the right zone and year out: the text pipeline measured on the fixture corpus.

``python -m bench.pages`` (or ``python -m bench.pages --show`` for every page) reads the annotated page texts
under ``tests/fixtures/pages/`` and prints zone accuracy (pages that name their zone), invented zones, year
and title accuracy, and chrome precision and recall (lines). Each fixture file is::

    url: <where the text was read>
    title: <expected title, or ->
    zone: <expected canonical zone, or - when the page names none>
    years: <expected reporting years, space-separated, or - when not scored>
    ---
    <the page text; a line starting with "[chrome] " is page chrome, without that marker in the text>
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from policytag.text import parse_report, zones
from policytag.text.layout import read_layout

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"
CHROME_MARK = "[chrome] "


@dataclass
class Page:
    name: str
    url: str
    title: str | None
    zone: str | None  # None: the page names no zone
    years: list[int] | None  # None: not scored
    text: str
    chrome: list[str]  # the annotated chrome lines, stripped


def load_pages(folder: Path = FIXTURES) -> list[Page]:
    pages = []
    for path in sorted(folder.glob("*.txt")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        lines, chrome = [], []
        for line in body.splitlines():
            if line.startswith(CHROME_MARK):
                line = line[len(CHROME_MARK):]
                chrome.append(line.strip())
            lines.append(line)
        years = meta["years"]
        pages.append(Page(path.stem, meta["url"], None if meta["title"] == "-" else meta["title"],
                          None if meta["zone"] == "-" else meta["zone"],
                          None if years == "-" else [int(y) for y in years.split()], "\n".join(lines), chrome))
    return pages


def evaluate(pages: list[Page]) -> dict:
    named = [p for p in pages if p.zone]
    rows, zone_hits, invented, year_hits, title_hits = [], 0, [], 0, 0
    tp = fp = fn = 0
    for page in pages:
        report = parse_report(page.text, page.name)
        found = set(read_layout(page.text).chrome)
        expected = set(page.chrome)
        tp, fp, fn = tp + len(found & expected), fp + len(found - expected), fn + len(expected - found)
        zone_ok = report.zone == page.zone
        zone_hits += bool(page.zone) and zone_ok
        if report.zone and report.zone != page.zone and zones.by_name(report.zone) is None:
            invented.append(f"{page.name}: {report.zone}")
        elif report.zone and not page.zone:
            invented.append(f"{page.name}: {report.zone} (the page names no zone)")
        year_hits += page.years is not None and report.years == page.years
        title_hits += report.title == page.title
        rows.append({"page": page.name, "zone": report.zone, "expected_zone": page.zone, "years": report.years,
                     "expected_years": page.years, "title": report.title, "expected_title": page.title,
                     "chrome_missed": sorted(expected - found), "chrome_extra": sorted(found - expected)})
    scored_years = [p for p in pages if p.years is not None]
    return {
        "pages": len(pages),
        "pages_naming_their_zone": len(named),
        "zone_accuracy": round(zone_hits / len(named), 3) if named else None,
        "invented_zones": invented,
        "year_accuracy": round(year_hits / len(scored_years), 3) if scored_years else None,
        "pages_with_years": len(scored_years),
        "title_accuracy": round(title_hits / len(pages), 3),
        "chrome_precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "chrome_recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "chrome_lines": tp + fn,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every page's result too")
    args = parser.parse_args(argv)
    result = evaluate(load_pages())
    rows = result.pop("rows")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.show:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
