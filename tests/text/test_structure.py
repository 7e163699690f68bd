"""Structure recovery in one-line and hard-wrapped text (issue 19): inline headings, a second enumeration run
inside one paragraph, hard wraps across closing quotes."""

from bench.pages import load_pages
from policytag.text import parse_report
from policytag.text.items import split_paragraph


def texts(report):
    return [s.text for s in report.segments]


def test_one_line_fixture_is_split_at_inline_headings_and_items():
    page = next(p for p in load_pages() if p.name.startswith("24-"))
    report = parse_report(page.text, page.name)
    assert report.title == "2020年工作总结暨2021年工作思路"
    first_section = ["一、2020 年工作总结", "(一)拔钉清障,园区开发赢得新突破"]
    second_section = ["一、2020 年工作总结", "(二)外引内扶,产业发展迈上新台阶"]
    assert [(s.text[:6], s.heading) for s in report.segments] == [
        ("今年以来,在", ["一、2020 年工作总结"]),
        ("一是狠抓征迁", first_section), ("二是提速建设", first_section), ("三是夯实基础", first_section),
        ("一是全员招商", second_section)]
    assert all(s.part == "review" for s in report.segments)
    for s in report.segments:  # still spans of the original text
        assert page.text[s.start:s.end] == s.text


def test_one_line_report_with_parts_sections_and_two_runs():
    text = ("园区2023年工作总结和2024年工作计划 一、2023年工作总结 全年经济平稳。 (一)项目建设提速。一是抓开工。"
            "二是抓竣工。三是抓投产。 (二)创新能力增强。一是建平台。二是育主体。 二、2024年工作计划 "
            "(一)深化改革。一是推进一网通办。二是优化审批。")
    report = parse_report(text)
    assert report.title == "园区2023年工作总结和2024年工作计划"
    assert [(s.text, s.heading[-1], s.part) for s in report.segments] == [
        ("全年经济平稳。", "一、2023年工作总结", "review"),
        ("一是抓开工。", "(一)项目建设提速", "review"), ("二是抓竣工。", "(一)项目建设提速", "review"),
        ("三是抓投产。", "(一)项目建设提速", "review"),
        ("一是建平台。", "(二)创新能力增强", "review"), ("二是育主体。", "(二)创新能力增强", "review"),
        ("一是推进一网通办。", "(一)深化改革", "plan"), ("二是优化审批。", "(一)深化改革", "plan")]


def test_a_second_run_inside_one_paragraph_is_split():
    text = "园区稳中求进。一是抓招商。二是抓项目。三是抓创新。下一步重点如下。一是强服务。二是优环境。"
    assert [text[a:b] for a, b in split_paragraph(text, 0, len(text))] == [
        "园区稳中求进。", "一是抓招商。", "二是抓项目。", "三是抓创新。下一步重点如下。",
        "一是强服务。", "二是优环境。"]


def test_a_restart_of_one_item_is_no_run():
    text = "一是抓招商。二是抓项目。一是强服务。"
    assert texts(parse_report(text)) == ["一是抓招商。", "二是抓项目。一是强服务。"]


def test_inline_markers_that_are_not_headings_stay_in_their_paragraph():
    for text in ("全年推动一、二、三产业融合发展。二、三产业增加值增长5%,占比提升。",  # a list of numbers
                 "主要做法:(一)建平台,(二)育企业,成效明显。",  # after a colon or comma
                 "园区推进项目建设。(三)是重点,全年完成投资20亿元。"):  # out of sequence
        assert texts(parse_report(text)) == [text], text


def test_hard_wrap_continues_across_a_closing_quote():
    first = "2023年,园区以习近平新时代中国特色社会主义思想为指导,全力推进“三个年”"  # ends in ” mid-sentence
    rest = "建设,经济运行总体呈现平稳向好态势,主导产业完成工业增加值63.27亿元。"
    report = parse_report("园区工作总结\n" + first + "\n" + rest + "\n全年专利授权300件。")
    assert texts(report) == [first + "\n" + rest, "全年专利授权300件。"]


def test_a_quote_closing_a_sentence_still_ends_the_paragraph():
    said = "会上,主任指出:“要坚持项目为王,全力以赴抓招商、上项目、优服务。”"
    report = parse_report("园区工作总结\n" + said + "\n全年专利授权300件,同比增长8%。")
    assert texts(report) == [said, "全年专利授权300件,同比增长8%。"]
