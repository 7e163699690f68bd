"""The labelled corpus (``labels/corpus``): source documents cut into records, and merged passes.

A *source* is one public document: a government work report from ``../shared/corpus``
or a development-zone page found with the search tool (``labels/corpus/sources/*.jsonl``).
Every source is cut with the service's own pipeline (``parse_report``), so training
examples look like what the service tags. Each segment becomes a *record*; two
independent annotation passes and, where they differ, an adjudication give its labels.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from policytag.labels.agreement import agreement
from policytag.labels.files import read_jsonl
from policytag.text import decode_report, parse_report

GENRE_ZONE = "zone"
GENRE_GOVERNMENT = "government"


@dataclass(frozen=True)
class Source:
    doc: str
    genre: str
    region: str | None
    year: int | None
    text: str
    zone: str | None = None
    kind: str | None = None
    template: bool = False
    url: str | None = None
    repo: str | None = None
    path: str | None = None
    title: str | None = None

    def meta(self) -> dict:
        meta = {"doc": self.doc, "genre": self.genre, "region": self.region, "zone": self.zone,
                "year": self.year, "kind": self.kind, "template": self.template}
        meta.update({k: v for k, v in (("url", self.url), ("repo", self.repo), ("path", self.path)) if v})
        return meta


def government_sources(corpus_dir: Path, files: list[str] | None = None) -> list[Source]:
    """The shared corpus's government reports (``manifest.csv``), optionally only ``files``."""
    sources = []
    with (corpus_dir / "manifest.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if files is not None and row["file"] not in files:
                continue
            text, _ = decode_report((corpus_dir / row["file"]).read_bytes())
            repo = row["collection"].split()[0]
            sources.append(Source(
                doc="gov-" + Path(row["file"]).stem, genre=GENRE_GOVERNMENT, region=row["region"],
                year=int(row["year"]), text=text, kind="report", url=row["source_url"],
                repo=repo, path=row["file"]))
    return sources


def zone_doc_id(url: str) -> str:
    return "zone-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]


def zone_sources(paths: list[Path]) -> list[Source]:
    """Development-zone pages collected from the search tool, one JSON object per line."""
    sources, seen_urls, seen_texts = [], set(), set()
    for path in paths:
        for r in read_jsonl(path):
            text_key = hashlib.sha256(r["text"].strip().encode("utf-8")).hexdigest()
            if r["url"] in seen_urls or text_key in seen_texts:
                continue
            seen_urls.add(r["url"])
            seen_texts.add(text_key)
            sources.append(Source(
                doc=zone_doc_id(r["url"]), genre=GENRE_ZONE, region=r.get("region"),
                year=r.get("year"), text=r["text"], zone=r.get("zone"), kind=r.get("kind"),
                template=bool(r.get("template")), url=r["url"], title=r.get("title")))
    return sources


def segment_source(source: Source) -> list[dict]:
    """The unlabelled records of one source, in reading order, one per distinct segment."""
    report = parse_report(source.text, source.doc, zone=source.zone, year=source.year)
    return [{"id": s.id, **source.meta(), "start": s.start, "end": s.end, "text": s.text,
             "heading": list(s.heading), "part": s.part} for s in report.segments]


# --- merging the annotation passes -----------------------------------------------------------

def merge_passes(tasks: list[dict], pass_a: dict[str, list[str]], pass_b: dict[str, list[str]],
                 adjudicated: dict[str, dict], reviewed: dict[str, dict] | None = None
                 ) -> tuple[list[dict], list[str]]:
    """Labelled records from two passes; where they differ, the adjudication's labels and reason.

    ``reviewed`` holds relabellings made when a decided case was added after the passes
    (labels and reason); they override the merged labels. Returns ``(records,
    unresolved_ids)``: a task missing a pass, or whose passes differ without an
    adjudication, is left out and reported.
    """
    records, unresolved = [], []
    for task in tasks:
        a, b = pass_a.get(task["id"]), pass_b.get(task["id"])
        if a is None or b is None:
            unresolved.append(task["id"])
            continue
        record = {**task, "passes": {"a": sorted(a), "b": sorted(b)}}
        if set(a) == set(b):
            record["labels"] = sorted(a)
        elif task["id"] in adjudicated:
            decision = adjudicated[task["id"]]
            record["labels"] = sorted(decision["labels"])
            record["adjudication"] = decision["reason"]
        else:
            unresolved.append(task["id"])
            continue
        if reviewed and task["id"] in reviewed and set(reviewed[task["id"]]["labels"]) != set(record["labels"]):
            record["labels"] = sorted(reviewed[task["id"]]["labels"])
            record["relabelled"] = reviewed[task["id"]]["reason"]
        records.append(record)
    return records, unresolved


# --- the held-out sources -----------------------------------------------------------------------

@dataclass(frozen=True)
class HeldOut:
    """Sources listed in ``heldout.md``: never labelled, trained or tuned on.

    ``allowed_paths`` are the files of a listed repository that may be used (the
    list says so for the provincial reports copied into the shared corpus).
    """
    urls: frozenset[str]
    repos: frozenset[str]
    allowed_paths: frozenset[str]

    def reason(self, record: dict) -> str | None:
        """Why a record's source is held out, or None."""
        url = record.get("url")
        if url and normalize_url(url) in self.urls:
            return f"url {url} is held out"
        repo = (record.get("repo") or "").removeprefix("github:")
        if repo in self.repos and not any(record.get("path", "").startswith(p) for p in self.allowed_paths):
            return f"repository {repo} is held out"
        return None


def normalize_url(url: str) -> str:
    """Scheme, ``www.``/``m.`` prefix, big5 gateways and a trailing slash do not make another source."""
    url = url.strip().split("#")[0].lower()
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    url = url.removeprefix("big5.").removeprefix("www.").removeprefix("m.")
    return url.rstrip("/")


def read_heldout(path: Path) -> HeldOut:
    urls, repos, allowed = set(), set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line.startswith("- "):
            continue
        item = line[2:].strip()
        if item.startswith("github:"):
            repo, _, rest = item.partition(" ")
            repos.add(repo.removeprefix("github:"))
            if "use only" in rest:  # "(use only ../shared/corpus/provincial-2026/)"
                allowed.add(rest.split("corpus/")[-1].rstrip(")").strip())
        elif item.startswith("http"):
            urls.add(normalize_url(item.split()[0]))
    return HeldOut(frozenset(urls), frozenset(repos), frozenset(allowed))


def corpus_agreement(records: list[dict], themes: list[str]) -> dict:
    """Pass A against pass B over the corpus, overall and per genre (see ``policytag.labels.agreement``)."""
    def passes(rs: list[dict], which: str) -> list[dict]:
        return [{"id": r["id"], "labels": r["passes"][which]} for r in rs]

    out: dict = {"all": agreement(passes(records, "a"), passes(records, "b"), themes)}
    for genre in sorted({r["genre"] for r in records}):
        rs = [r for r in records if r["genre"] == genre]
        out[genre] = agreement(passes(rs, "a"), passes(rs, "b"), themes)
    out["adjudicated"] = sum("adjudication" in r for r in records)
    return out


def annotation_batches(tasks: list[dict], size: int) -> list[list[dict]]:
    """Consecutive batches of about ``size`` tasks, in reading order, each line numbered ``k`` from 1."""
    n = max(1, round(len(tasks) / size))
    bounds = [round(i * len(tasks) / n) for i in range(n + 1)]
    return [[{"k": k, "id": t["id"], "doc": t["doc"], "heading": t["heading"], "text": t["text"]}
             for k, t in enumerate(tasks[a:b], 1)] for a, b in zip(bounds, bounds[1:])]


def corpus_stats(records: list[dict], themes: list[str]) -> dict:
    """What the data card reports: counts per genre, theme, region and year, and the documents."""
    from collections import Counter

    def count(key) -> dict:
        return dict(sorted(Counter(key(r) for r in records).items(), key=lambda kv: str(kv[0])))

    zone = [r for r in records if r["genre"] == GENRE_ZONE]
    return {
        "segments": len(records),
        "documents": len({r["doc"] for r in records}),
        "genres": {g: {"segments": sum(r["genre"] == g for r in records),
                       "documents": len({r["doc"] for r in records if r["genre"] == g}),
                       "positives": {t: sum(t in r["labels"] and r["genre"] == g for r in records) for t in themes},
                       "none": sum(not r["labels"] and r["genre"] == g for r in records)}
                   for g in (GENRE_ZONE, GENRE_GOVERNMENT)},
        "zone_documents_real": len({r["doc"] for r in zone if not r.get("template")}),
        "zone_documents_template": len({r["doc"] for r in zone if r.get("template")}),
        "positives": {t: sum(t in r["labels"] for r in records) for t in themes},
        "regions": count(lambda r: r["region"] or "(unknown)"),
        "years": count(lambda r: r["year"] or 0),
        "document_kinds": dict(Counter(r["kind"] for r in {r["doc"]: r for r in records}.values())),
    }
