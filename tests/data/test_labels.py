"""Data checks on the label files."""

from collections import Counter
from pathlib import Path

import pytest

from policytag.labels.files import load_labelled, read_jsonl
from policytag.labels.realign import realign
from policytag.labels.validate import check_records
from policytag.seeds import load_seed, read_manifest
from policytag.text import parse_report
from policytag.themes import load_themes, theme_ids

LABELS = Path(__file__).resolve().parents[2] / "labels"


@pytest.fixture(scope="module")
def gold():
    return read_jsonl(LABELS / "gold" / "seeds.jsonl")


@pytest.fixture(scope="module")
def segments(seeds_dir):
    return {s.id: s for e in read_manifest(seeds_dir) for s in load_seed(seeds_dir, e).segments}


def test_themes_schema():
    themes = load_themes(LABELS)
    assert [(t.id, t.zh) for t in themes] == [("investment", "招商引资"), ("innovation", "科技创新"),
                                             ("bizenv", "营商环境"), ("party", "党建"), ("safety", "安全生产")]
    assert all(t.en and t.definition for t in themes)


def test_every_seed_segment_is_labelled_exactly_once(gold, segments):
    counts = Counter(r["id"] for r in gold)
    assert set(counts) == set(segments), "gold ids differ from today's segmentation: run 'policytag labels realign'"
    assert max(counts.values()) == 1


def test_gold_text_and_offsets_match_the_segmenter(gold, segments):
    for r in gold:
        s = segments[r["id"]]
        assert (r["start"], r["end"], r["text"]) == (s.start, s.end, s.text)


def test_all_label_files_are_consistent():
    records = load_labelled(LABELS)
    assert check_records(records, theme_ids(LABELS)) == []
    assert {r["source"] for r in records} == {"seed", "authored", "corpus"}
    assert all(r["annotator"] and r["date"] for r in records if r["source"] != "corpus")
    assert all(r["passes"]["a"] is not None and r["passes"]["b"] is not None for r in records if r["source"] == "corpus")


def test_check_records_finds_problems():
    records = [{"id": "a", "text": "排查隐患。", "labels": ["safety"], "source": "seed"},
               {"id": "a", "text": "排查隐患。", "labels": [], "source": "seed"},
               {"id": "b", "text": "x", "labels": ["tourism"], "source": "seed"}]
    problems = check_records(records, ["safety"])
    assert any("labelled more than once" in p for p in problems)
    assert any("other labels" in p for p in problems)
    assert any("unknown theme" in p for p in problems)


def test_realign_follows_id_text_and_overlap_and_reports_orphans():
    old = parse_report("一是成立招商专班。\n二是专利授权1011件。\n三是排查隐患。\n四是开展主题教育。", "d").segments
    records = [{"id": s.id, "start": s.start, "end": s.end, "text": s.text, "labels": [str(i)]}
               for i, s in enumerate(old)]
    # New segmentation: a new first line shifts offsets; item 3 is reworded; item 4 is gone.
    new = parse_report("标题\n\n一是成立招商专班。\n二是专利授权1011件。\n三是排查整治隐患。", "d").segments
    result = realign(records, new)
    assert [r["labels"] for r in result.kept] == [["0"], ["1"]]
    assert [r["start"] for r in result.kept] == [new[0].start, new[1].start]
    assert [r["labels"] for r in result.overlapped] == [["2"]] and result.overlapped[0]["needs_review"]
    assert [r["labels"] for r in result.orphaned] == [["3"]]
