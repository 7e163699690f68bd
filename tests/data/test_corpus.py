"""Data checks on the double-annotated corpus (labels/corpus): sources, schema, spread, agreement."""

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from policytag.labels.corpus import (corpus_agreement, government_sources, read_heldout, segment_source,
                                     zone_sources)
from policytag.labels.files import load_labelled, read_corpus
from policytag.labels.validate import check_records
from policytag.themes import theme_ids

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "labels"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(LABELS)


def test_no_record_comes_from_a_held_out_source(corpus):
    heldout_list = SHARED / "heldout.md"
    assert heldout_list.is_file(), "../shared/heldout.md is needed to check the corpus' sources"
    heldout = read_heldout(heldout_list)
    assert len(heldout.urls) > 50 and heldout.repos  # the list was read, not silently empty
    every_record = load_labelled(LABELS)
    assert [(r["id"], why) for r in every_record if (why := heldout.reason(r))] == []
    for r in corpus:
        assert r.get("url") or (r.get("repo") and r.get("path")), f"{r['id']}: no source"


def test_corpus_schema_and_consistency(corpus):
    assert check_records(load_labelled(LABELS), theme_ids(LABELS)) == []
    for r in corpus:
        a, b = r["passes"]["a"], r["passes"]["b"]
        if "relabelled" in r:
            assert r["relabelled"].strip(), f"{r['id']}: relabelled without a reason"
        elif set(a) == set(b):
            assert sorted(r["labels"]) == sorted(a) and "adjudication" not in r
        else:
            assert r["adjudication"].strip(), f"{r['id']}: passes differ and no adjudication reason"


def test_corpus_meets_size_and_spread_targets(corpus):
    zone = [r for r in corpus if r["genre"] == "zone"]
    zone_docs = {r["doc"] for r in zone}
    real_zone_docs = {r["doc"] for r in zone if not r["template"]}
    positives = Counter(t for r in corpus for t in r["labels"])
    years = {r["year"] for r in corpus if r["year"]}
    assert len(corpus) >= 4000
    assert len({r["doc"] for r in corpus}) >= 150
    assert len(zone) >= 800 and len(zone_docs) >= 150
    assert len(real_zone_docs) >= 100, "templates count for at most a third of the zone target"
    assert len({r["region"] for r in corpus if r["region"] and r["region"] != "全国"}) >= 20
    assert min(positives[t] for t in theme_ids(LABELS)) >= 300, positives
    assert min(years) <= 2002 and max(years) >= 2025


def test_records_are_cut_by_the_service_pipeline(corpus):
    """Every record is a segment that today's pipeline cuts from its source, with the same offsets; or, marked
    ``stale_cut``, the exact span it was labelled on, of a source that the pipeline now cuts differently and
    that awaits re-annotation (labels/README.md, "Stale cuts")."""
    by_doc = defaultdict(list)
    for r in corpus:
        by_doc[r["doc"]].append(r)
    sources = zone_sources(sorted((LABELS / "corpus" / "sources").glob("*.jsonl")))
    files = sorted({r["path"] for r in corpus if r["genre"] == "government"})
    sources += government_sources(SHARED / "corpus", files)
    assert {s.doc for s in sources} >= set(by_doc)
    stale = 0
    for source in sources:
        if source.doc not in by_doc:
            continue
        cut = {t["id"]: (t["start"], t["end"], t["text"]) for t in segment_source(source)}
        for r in by_doc[source.doc]:
            span = (r["start"], r["end"], r["text"])
            if r.get("stale_cut"):
                stale += 1
                assert source.text[r["start"]:r["end"]] == r["text"], f"{r['id']}: not a span of {source.doc}"
                assert cut.get(r["id"]) != span, f"{r['id']}: cut like this again today; drop its stale_cut mark"
            else:
                assert cut.get(r["id"]) == span, f"{r['id']}: not a segment of {source.doc} today (mark or re-cut)"
    assert stale <= 150, f"{stale} records are cut differently today: re-annotate them"


def test_passes_agree_to_the_target_kappa(corpus):
    figures = corpus_agreement(corpus, theme_ids(LABELS))
    kappas = {t: m["kappa"] for t, m in figures["all"]["themes"].items()}
    assert min(kappas.values()) >= 0.85, kappas


def test_cli_check_and_agreement_cover_the_corpus():
    from typer.testing import CliRunner

    from policytag.cli import app

    runner = CliRunner()
    check = runner.invoke(app, ["labels", "check"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.output)["problems"] == []
    agreement = json.loads(runner.invoke(app, ["labels", "agreement"]).output)
    assert set(agreement["corpus"]) >= {"all", "zone", "government", "adjudicated"}
    assert agreement["corpus"]["all"]["segments"] == len(read_corpus(LABELS))
