"""``policytag labels …``: check, realign and measure the label files."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Annotated

import typer

from policytag.cli_io import emit, fail

from policytag.config import get_settings
from policytag.labelset import (GOLD_DIR, agreement, check_records, load_labelled, read_jsonl, realign,
                                write_jsonl)
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
    by_doc = defaultdict(list)
    for r in read_jsonl(path):
        by_doc[r["doc"]].append(r)
    records, orphans, summary = [], [], Counter()
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
    """Agreement of the two independent annotation passes in labels/passes/."""
    settings = get_settings()
    passes = settings.labels / "passes"
    emit(agreement(read_jsonl(passes / "pass_a.jsonl"), read_jsonl(passes / "pass_b.jsonl"),
                   theme_ids(settings.labels)))
