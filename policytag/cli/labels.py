"""``policytag labels …``: check, realign and measure the label files."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated

import typer

from policytag.cli.io import emit, fail
from policytag.config import get_settings
from policytag.labels.agreement import agreement
from policytag.labels.corpus import (
    annotation_batches,
    corpus_agreement,
    corpus_stats,
    government_sources,
    merge_passes,
    read_heldout,
    segment_source,
    zone_sources,
)
from policytag.labels.files import GOLD_DIR, load_labelled, read_corpus, read_jsonl, write_corpus, write_jsonl
from policytag.labels.realign import realign
from policytag.labels.validate import check_records
from policytag.seeds import load_seed, read_manifest
from policytag.themes import theme_ids

labels_app = typer.Typer(no_args_is_help=True, help="Check, realign and measure the label files.")


@labels_app.command("check")
def check() -> None:
    """Validate gold and authored labels against themes.yaml and today's segmentation."""
    settings = get_settings()
    records = load_labelled(settings.labels)
    problems = check_records(records, theme_ids(settings.labels))
    gold_ids = {r["id"] for r in records if r["source"] == "seed"}
    seg_ids = {s.id for e in read_manifest(settings.seeds) for s in load_seed(settings.seeds, e).segments}
    problems += [f"{i}: labelled but not produced by the segmenter (run 'policytag labels realign')"
                 for i in sorted(gold_ids - seg_ids)]
    problems += [f"{i}: seed segment without a label" for i in sorted(seg_ids - gold_ids)]
    heldout_list = settings.shared / "heldout.md"
    if not heldout_list.is_file():
        fail(f"{heldout_list} not found: the held-out list is needed to check the corpus' sources")
    heldout = read_heldout(heldout_list)
    problems += [f"{r['id']}: {why}" for r in records if (why := heldout.reason(r))]
    counts = Counter(t for r in records for t in r["labels"])
    emit({"records": len(records), "problems": problems, "theme_counts": dict(counts)})
    if problems:
        fail(f"{len(problems)} label problem(s)")


@labels_app.command("realign")
def realign_gold(
    write: Annotated[bool, typer.Option(help="Rewrite labels/gold/seeds.jsonl with the result.")] = False,
) -> None:
    """Carry the seed labels over to the current segmentation (by id, text, then overlap)."""
    settings = get_settings()
    path = settings.labels / GOLD_DIR / "seeds.jsonl"
    by_doc: defaultdict[str, list[dict]] = defaultdict(list)
    for r in read_jsonl(path):
        by_doc[r["doc"]].append(r)
    records: list[dict] = []
    orphans: list[dict] = []
    summary: Counter[str] = Counter()
    for entry in read_manifest(settings.seeds):
        result = realign(by_doc.pop(entry.doc_id, []), load_seed(settings.seeds, entry).segments)
        records += result.records()
        orphans += result.orphaned
        summary.update(result.summary())
    orphans += [r for rs in by_doc.values() for r in rs]  # documents no longer in the manifest
    emit({**summary, "orphaned": len(orphans), "orphans": [o["id"] for o in orphans]})
    if write:
        write_jsonl(path, records)
        if orphans:
            write_jsonl(path.with_name("orphans.jsonl"), orphans)
    if orphans:
        fail(f"{len(orphans)} label(s) found no segment: review labels/gold/orphans.jsonl")


@labels_app.command("agreement")
def agreement_cmd() -> None:
    """Agreement of the two independent annotation passes: seeds (labels/passes/) and corpus, per genre."""
    settings = get_settings()
    passes = settings.labels / "passes"
    themes = theme_ids(settings.labels)
    out = {"seeds": agreement(read_jsonl(passes / "pass_a.jsonl"), read_jsonl(passes / "pass_b.jsonl"), themes)}
    if corpus := read_corpus(settings.labels):
        out["corpus"] = corpus_agreement(corpus, themes)
    emit(out)


@labels_app.command("corpus-tasks")
def corpus_tasks(
    name: Annotated[str, typer.Argument(
        help="Name of this set of tasks, e.g. 'g' or 'z2' (batch files NAME1, NAME2…).")],
    government: Annotated[list[str], typer.Option(
        help="A file of the shared corpus' manifest (repeat; 'all' for all).")] = [],  # noqa: B006
    zone_pages: Annotated[list[Path], typer.Option(help="A JSONL file of collected zone pages (repeat).")] = [],  # noqa: B006
    batch_size: Annotated[int, typer.Option(min=1)] = 375,
    work: Annotated[Path, typer.Option(help="Annotation workspace.")] = Path("labels/corpus/work"),
) -> None:
    """Cut sources with the service's pipeline into unlabelled tasks and annotation batches."""
    settings = get_settings()
    sources = []
    if government:
        files = None if "all" in government else list(government)
        sources += government_sources(settings.shared / "corpus", files)
    missing = [str(p) for p in zone_pages if not p.is_file()]
    if missing:
        fail(f"no such zone page file: {', '.join(missing)}")
    sources += zone_sources(zone_pages)
    heldout = read_heldout(settings.shared / "heldout.md")
    tasks: list[dict] = []
    skipped: list[str] = []
    for source in sources:
        if why := heldout.reason(source.meta()):
            skipped.append(f"{source.doc}: {why}")
            continue
        seen: set[str] = set()
        for t in segment_source(source):
            if t["id"] not in seen:
                seen.add(t["id"])
                tasks.append(t)
    write_jsonl(work / f"tasks-{name}.jsonl", tasks)
    batches = annotation_batches(tasks, batch_size)
    for i, batch in enumerate(batches, 1):
        write_jsonl(work / "batches" / f"{name}{i}.jsonl", batch)
    emit({"documents": len({t["doc"] for t in tasks}), "tasks": len(tasks), "batches": [len(b) for b in batches],
          "skipped": skipped, "zone_page_files": [str(p) for p in zone_pages]})


@labels_app.command("corpus-merge")
def corpus_merge(
    work: Annotated[Path, typer.Option(help="Annotation workspace.")] = Path("labels/corpus/work"),
) -> None:
    """Merge tasks, passes a and b, the adjudications (passes/c) and the rule reviews (passes/r)
    into labels/corpus/records/ (files per genre)."""
    settings = get_settings()
    tasks = [t for p in sorted(work.glob("tasks-*.jsonl")) for t in read_jsonl(p)]

    def labels_of(which: str) -> dict[str, list[str]]:
        return {r["id"]: r["labels"] for p in sorted((work / "passes" / which).glob("*.jsonl")) for r in read_jsonl(p)}

    def decisions(which: str) -> dict[str, dict]:
        return {r["id"]: r for p in sorted((work / "passes" / which).glob("*.jsonl")) for r in read_jsonl(p)}

    records, unresolved = merge_passes(tasks, labels_of("a"), labels_of("b"), decisions("c"), decisions("r"))
    for r in records:
        r["source"] = "corpus"
    write_corpus(settings.labels, records)
    emit({"records": len(records), "unresolved": len(unresolved), "unresolved_ids": unresolved[:50],
          "adjudicated": sum("adjudication" in r for r in records),
          "relabelled": sum("relabelled" in r for r in records)})


@labels_app.command("corpus-stats")
def corpus_stats_cmd() -> None:
    """Counts of the corpus per genre, theme, region, year and document kind (the data card's figures)."""
    settings = get_settings()
    emit(corpus_stats(read_corpus(settings.labels), theme_ids(settings.labels)))
