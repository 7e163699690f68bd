"""The benchmark's inputs: the five seed reports, and a ~8,000-character report that no request repeats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policytag.seeds import read_manifest
from policytag.text import decode_report, parse_report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
LABELS = ROOT / "labels"
REPORT_CHARS = 8000
_SENTENCE_END = re.compile("。")


@dataclass(frozen=True)
class SeedReport:
    doc_id: str
    text: str
    segments: int


def seed_reports(seeds_dir: Path = SEEDS) -> list[SeedReport]:
    """The decoded seed reports with their segment counts."""
    return [SeedReport(doc_id, text, len(parse_report(text, doc_id).segments))
            for doc_id, text in _seed_texts(seeds_dir)]


@lru_cache(maxsize=2)
def _seed_texts(seeds_dir: Path) -> tuple[tuple[str, str], ...]:
    return tuple((e.doc_id, decode_report((seeds_dir / e.file).read_bytes())[0]) for e in read_manifest(seeds_dir))


def api_report(n: int, seeds_dir: Path = SEEDS, chars: int = REPORT_CHARS) -> str:
    """Seed lines in manifest order up to ``chars`` characters, with ``[n]`` before every 。.

    The marker makes every sentence, hence every segment, differ between
    requests, so the encoder's per-text memo cannot answer a later request
    from an earlier one. The last line is cut at a sentence end so the marked
    text stays within ``chars``.
    """
    lines, size = [], 0
    for _, text in _seed_texts(seeds_dir):
        for line in text.splitlines():
            marked = _SENTENCE_END.sub(f"[{n}]。", line)
            room = chars - size - 1
            if len(marked) > room:
                cut = marked.rfind("。", 0, room) + 1  # the last whole sentence that fits
                return "\n".join(lines + [marked[:cut]] if cut else lines)
            lines.append(marked)
            size += len(marked) + 1
    return "\n".join(lines)


def segment_count(text: str) -> int:
    return len(parse_report(text).segments)


def repeated_segments(a: str, b: str) -> int:
    """How many segment texts of report ``a`` also occur in report ``b``."""
    seen = {s.model_text() for s in parse_report(b).segments}
    return sum(s.model_text() in seen for s in parse_report(a).segments)
