"""The seed reports shipped in ``seeds/`` and their manifest."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from policytag.text import Report, decode_report, parse_report


@dataclass(frozen=True)
class SeedEntry:
    file: str
    zone: str
    years: tuple[int, ...]
    doc_type: str
    province: str
    publisher: str

    @property
    def doc_id(self) -> str:
        return Path(self.file).stem


def read_manifest(seeds_dir: Path) -> list[SeedEntry]:
    with (seeds_dir / "manifest.csv").open(encoding="utf-8") as f:
        return [SeedEntry(row["file"], row["zone"], tuple(int(y) for y in row["years_covered"].split(";")),
                          row["doc_type"], row["province"], row["publisher"])
                for row in csv.DictReader(f)]


def load_seed(seeds_dir: Path, entry: SeedEntry, *, use_manifest: bool = False) -> Report:
    """Segment one seed report; ``use_manifest`` takes zone and year from the manifest."""
    text, _ = decode_report((seeds_dir / entry.file).read_bytes())
    if use_manifest:
        return parse_report(text, entry.doc_id, zone=entry.zone, year=entry.years[0])
    return parse_report(text, entry.doc_id)
