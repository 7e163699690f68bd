"""The gazetteer of development zones, zone detection that never invents a zone, the government page
templates, the year and part fixes of issue 19, and the annotated page corpus (bench/pages.py)."""

from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench.pages import evaluate, load_pages
from policytag.text import parse_report, zones
from policytag.text.chrome import is_chrome
from policytag.text.detect import part_kind

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.mark.parametrize("typed, canonical", [
    ("清远高新技术产业开发区", "清远高新区"), ("清远国家高新区", "清远高新区"), ("清远高新区", "清远高新区"),
    ("武汉东湖新技术开发区", "东湖高新区"), ("武汉东湖高新区", "东湖高新区"), ("东湖高新区", "东湖高新区"),
    ("苏州工业园区", "苏州工业园区"), ("中关村科技园区", "中关村"), ("中关村", "中关村"),
    ("中山火炬开发区", "中山火炬高新区"), ("厦门火炬高新区", "厦门火炬高新区"), ("厦门高新区", "厦门火炬高新区"),
    ("马鞍山慈湖高新技术产业开发区", "慈湖高新区"), ("慈湖高新区", "慈湖高新区"),
    ("马鞍山高新区", "慈湖高新区"),
    ("昆山开发区", "昆山经开区"), ("呼和浩特经开区", "呼和浩特经开区"), ("天津经济技术开发区", "天津经开区"),
])
def test_typed_names_map_to_the_canonical_short_name(typed, canonical):
    assert zones.normalize(typed).short == canonical


@pytest.mark.parametrize("name", ["正文高新区", "中共经开区", "新闻经开区", "半年经开区", "怀版经开区", "临港经开区"])
def test_unknown_or_ambiguous_names_are_not_normalised(name):
    assert zones.normalize(name) is None


def test_every_zone_has_a_unique_short_name_a_city_and_a_province():
    rows = zones.zones()
    assert len(rows) >= 400
    assert len({z.short for z in rows}) == len(rows)
    assert all(z.city and z.province.endswith(("省", "市", "自治区")) for z in rows)
    assert zones.DATA.read_text(encoding="utf-8").startswith("# Development zones")  # the sources are in the file


def _zone(text):
    return parse_report(text).detection["zone"]


def test_invented_zones_from_the_issue_are_never_stored():
    for text in ("新闻经开区召开会议。今年上半年工作总结如下。", "半年经开区工作。一、主要成绩。",
                 "正文高新区\n一、工作回顾。",
                 "中共经开区工委召开会议。", "怀版经开区\n今年以来,我们扎实工作。"):
        report = parse_report(text)
        assert report.zone is None, text


def test_cihu_named_three_times_is_recognised():
    text = "今年以来,慈湖高新区坚持稳中求进。慈湖高新区地区生产总值增长。全力推动慈湖高新区高质量发展。"
    assert parse_report(text).zone == "慈湖高新区"


@pytest.mark.parametrize("text, zone", [
    ("苏州工业园区2023年工作总结\n一、主要成绩\n园区经济稳中向好。", "苏州工业园区"),
    ("武汉东湖新技术开发区管委会\n2023年,光谷经济稳步增长。", "东湖高新区"),
    ("中山火炬开发区召开工作总结大会。火炬开发区全年地区生产总值增长5.0%。", "中山火炬高新区"),
    ("中关村管委会发布年度报告。中关村企业总收入增长。", "中关村"),
])
def test_zones_the_old_detector_missed(text, zone):
    assert parse_report(text).zone == zone


def test_an_unknown_place_zone_in_the_body_is_a_candidate_not_a_zone():
    det = _zone("今年以来,慈溪经济开发区全力推进项目建设,实现工业产值增长。")
    assert det["value"] is None
    assert det["candidates"][0] == {"zone": "慈溪经开区", "confidence": 1.0, "known": False}


def test_an_ambiguous_stem_is_resolved_by_the_city_named_in_the_text_or_left_to_the_user():
    assert _zone("临港经开区今年工作扎实。")["value"] is None
    assert {c["zone"] for c in _zone("临港经开区今年工作扎实。")["candidates"]} >= {"威海临港经开区", "沧州临港经开区"}
    assert parse_report("威海市临港经开区今年工作扎实,威海发展良好。").zone == "威海临港经开区"


def test_a_city_report_naming_two_zones_equally_gets_no_zone():
    det = _zone("合肥市政府工作报告\n合肥经开区、合肥高新区稳居国家级开发区前列。")
    assert det["value"] is None and len(det["candidates"]) == 2


def test_a_typed_zone_is_normalised():
    assert parse_report("一、工作回顾\n今年以来工作扎实。", zone="清远高新技术产业开发区").zone == "清远高新区"
    # unknown: kept as typed
    assert parse_report("一、工作回顾\n今年以来工作扎实。", zone="某某新区").zone == "某某新区"


@pytest.mark.parametrize("line", [
    "索引号: | 11440000/2024-00123 |", "索   引   号 20191202-189769 分        类 其他;", "发布机构: | 区办公室 |",
    "成文日期: | 2024-03-12 | 公开方式: | 主动公开 |", "主题分类: 政府工作",
    "首页/ 政务公开 / 规划计划 / 正文", "首页 > 工作报告 > 党政报告", "首页 | 政务公开 | 网上办事 | 互动交流",
    "首     页 政 务 公 开 网 上 办 事 互 动 交 流", "智能问答   |   无障碍浏览   |   长者专区   |   ENGLISH",
    "主办:某某高新区管委会 备案号:粤ICP备12345678号 技术支持:某某公司",
    "申明敬告:本站所有内容均由合作方或网友上传,本站不对文档的完整性、权威性及其观点立场正确性做任何保证或承诺!",
    "本文档由用户上传,版权归属用户,汇文网负责整理代发布。", "2024-10-02 12:45",
])
def test_government_and_document_site_templates_are_chrome(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", [
    "一、2023年工作总结", "清远高新区2023年工作总结及2024年工作计划",
    "2023年,全区实现地区生产总值170亿元,同比增长25%。",
    "各位代表:", "政 府 工 作 报 告", "(一)坚持项目为王理念,筑牢主体经济根基。",
])
def test_report_lines_are_not_chrome(line):
    assert not is_chrome(line)


def test_a_navigation_bar_no_longer_becomes_the_title():
    report = parse_report("首页 | 政务公开 | 规划计划 | 计划总结\n某某高新区2023年工作总结\n"
                          "一、主要成绩\n今年以来工作扎实。")
    assert report.title == "某某高新区2023年工作总结"


def test_a_footer_no_longer_becomes_a_segment():
    report = parse_report("一、主要成绩\n今年以来工作扎实。\n主办:某某管委会 粤ICP备12345678号 技术支持:某某公司")
    assert all("ICP" not in s.text for s in report.segments)


def test_2024_main_work_is_a_review_part():
    assert part_kind("一、2024年主要工作") == "review"
    assert part_kind("二、2025年主要工作安排") == "plan"


def test_the_second_year_without_a_title():
    text = ("今年以来,开发区2023年工作总结和2024年工作计划如下。2023年完成产值10亿元。\n"
            "一是招商引资。2023年新签约项目29个。\n二是项目建设。")
    assert parse_report(text).years == [2023, 2024]


def test_the_page_corpus_meets_the_issue_targets():
    result = evaluate(load_pages())
    assert result["pages"] >= 30 and result["pages_naming_their_zone"] >= 10
    assert result["zone_accuracy"] >= 0.9
    assert result["invented_zones"] == []
    assert result["year_accuracy"] >= 0.9
    assert result["chrome_precision"] >= 0.95 and result["chrome_recall"] >= 0.85


def test_no_fixture_page_comes_from_a_held_out_host():
    heldout_md = SHARED / "heldout.md"
    if not heldout_md.is_file():
        pytest.skip("../shared/heldout.md is not here")
    hosts = {urlparse(line.split()[1]).hostname for line in heldout_md.read_text(encoding="utf-8").splitlines()
             if line.startswith("- http")}
    assert hosts
    for page in load_pages():
        assert urlparse(page.url).hostname not in hosts, page.name
