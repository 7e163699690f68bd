"""The text pipeline on the five seed reports, checked against the manifest and by hand."""

from collections import Counter

import pytest

from policytag.seeds import load_seed, read_manifest

CHROME_STRINGS = ["您当前的位置", "首页 >", "【字体", "打印", "返回列表", "扫一扫在手机打开当前页",
                  "访问量", "浏览量", "/摄", "相关附件", "文字大小", "本报记者"]


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    return {e.doc_id[:3]: (e, load_seed(seeds_dir, e)) for e in read_manifest(seeds_dir)}


def test_manifest_lists_five_reports(seeds):
    assert sorted(seeds) == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_zone_years_and_type_match_manifest(seeds, key):
    entry, report = seeds[key]
    assert report.zone == entry.zone
    assert tuple(report.years) == entry.years
    assert report.year == entry.years[0]
    assert report.doc_type == entry.doc_type
    assert report.detection["zone"]["source"] != "override"


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_offsets_round_trip_and_ids_are_unique(seeds, seeds_dir, key):
    entry, report = seeds[key]
    original = (seeds_dir / entry.file).read_text(encoding="utf-8")
    assert report.segments
    for s in report.segments:
        assert original[s.start:s.end] == s.text
        assert s.text == s.text.strip()
    assert len({s.id for s in report.segments}) == len(report.segments)


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_no_chrome_survives(seeds, key):
    _, report = seeds[key]
    for s in report.segments:
        for chrome in CHROME_STRINGS:
            assert chrome not in s.text, (chrome, s.text[:40])


def test_parts_of_seed_000_counted_by_hand(seeds):
    _, report = seeds["000"]
    assert Counter(s.part for s in report.segments) == {"other": 1, "review": 25, "problems": 3, "plan": 24}


def test_parts_of_seed_001_counted_by_hand(seeds):
    # The 存在问题 passage of 001 has no heading of its own: it sits under (七) of part 一.
    _, report = seeds["001"]
    assert Counter(s.part for s in report.segments) == {"other": 1, "review": 21, "problems": 4, "plan": 36}
    problems = [s.text[:2] for s in report.segments if s.part == "problems"]
    assert problems == ["虽然", "一是", "二是", "三是"]


def test_seed_000_innovation_paragraph_yields_its_four_items(seeds):
    _, report = seeds["000"]
    items = [s for s in report.segments if s.heading and s.heading[-1].startswith("(二)强化科技创新驱动")]
    assert [s.text[:2] for s in items] == ["一是", "二是", "三是", "四是"]
    assert all(s.heading[0] == "一、2023年工作总结" for s in items)


def test_news_article_segments_by_paragraph_under_its_subheadings(seeds):
    _, report = seeds["003"]
    assert report.title == "清远高新区向新攀高积蓄发展新动能"
    headings = {s.heading[-1] for s in report.segments if s.heading}
    assert headings == {"以产业之“进”支撑发展之“稳”", "以科技创新驱动新质生产力形成", "以改革创新营造一流营商环境"}
    assert all(15 <= len(s.text) <= 400 for s in report.segments)
    assert len(report.segments) == 27


def test_seed_002_zone_comes_from_body_and_local_names(seeds):
    _, report = seeds["002"]
    assert report.title is None
    assert report.detection["zone"]["source"] == "body"
