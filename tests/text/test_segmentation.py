from policytag.text import normalize_for_model, parse_report
from policytag.text.chrome import is_chrome
from policytag.text.items import HARD_MAX_SEGMENT_CHARS, MAX_SEGMENT_CHARS


def texts(report):
    return [s.text for s in report.segments]


def test_report_without_headings_is_split_into_paragraphs():
    text = "今年园区新引进项目12个。\n\n  全年专利授权300件,同比增长8%。\n园区未发生安全生产事故。"
    report = parse_report(text)
    assert texts(report) == ["今年园区新引进项目12个。", "全年专利授权300件,同比增长8%。", "园区未发生安全生产事故。"]
    assert all(s.heading == [] for s in report.segments)


def test_offsets_index_the_original_text_exactly():
    text = "\ufeff标题\r\n\r\n  (一)强化创新。一是建平台,　新增3家。二是育企业;新增高企5家。\r\n"
    report = parse_report(text)
    assert texts(report) == ["一是建平台,　新增3家。", "二是育企业;新增高企5家。"]
    for s in report.segments:
        assert text[s.start:s.end] == s.text


def test_enumerator_families():
    cases = {
        "工作如下:(1)建设平台。(2)培育企业。(3)引进人才。":
            ["工作如下:", "(1)建设平台。", "(2)培育企业。", "(3)引进人才。"],
        "重点抓好:1.建设平台;2.培育企业。": ["重点抓好:", "1.建设平台;", "2.培育企业。"],
        "第一,抓招商。第二,抓创新。": ["第一,抓招商。", "第二,抓创新。"],
        "一方面,完善设施。另一方面,提升服务。": ["一方面,完善设施。", "另一方面,提升服务。"],
    }
    for text, expected in cases.items():
        assert texts(parse_report(text)) == expected, text


def test_numbers_and_words_are_not_enumerators():
    text = "全年完成投资1.5亿元,增长2.3%。实现统一是关键,唯一是目标。"
    assert texts(parse_report(text)) == [text]


def test_out_of_sequence_markers_do_not_split():
    text = "二是项目建设提速。其中三是重点。"
    assert texts(parse_report(text)) == [text]


def test_long_item_is_cut_at_sentence_ends():
    sentence = "园区持续推进重点项目建设并强化服务保障工作取得积极成效。"  # 28 chars
    text = "一是" + sentence * 40
    segments = parse_report(text).segments
    assert len(segments) > 1
    assert all(len(s.text) <= MAX_SEGMENT_CHARS + len(sentence) for s in segments)
    assert all(s.text.endswith("。") for s in segments)
    assert "".join(texts(parse_report(text))) == text


def test_hard_wrapped_paragraph_is_joined():
    body = "2024年,主导产业完成工业增加值63.27亿元,占规模以上工业的比重提升至\n\n52.3%,拉动增长8.9个百分点。"
    report = parse_report("园区向新攀高\n\n" + body)
    assert report.title == "园区向新攀高"
    assert texts(report) == [body]


def test_headings_are_context_not_segments():
    text = ("一、2023年工作总结\n(一)强化科技创新驱动,助推企业高质量发展。一是培育创新主体。二是推动成果转化。\n"
            "二、存在问题\n一是财政压力大。二是配套不完善。\n三、2024年工作计划\n(一)深化改革。推进一网通办。")
    report = parse_report(text)
    assert [(s.text, s.part) for s in report.segments] == [
        ("一是培育创新主体。", "review"), ("二是推动成果转化。", "review"),
        ("一是财政压力大。", "problems"), ("二是配套不完善。", "problems"),
        ("推进一网通办。", "plan")]
    assert report.segments[0].heading == ["一、2023年工作总结", "(一)强化科技创新驱动,助推企业高质量发展"]
    assert report.segments[-1].heading == ["三、2024年工作计划", "(一)深化改革"]


def test_segment_ids_do_not_move_when_another_paragraph_changes():
    before = parse_report("一是成立招商专班。\n二是专利授权1011件。\n三是排查隐患。", "doc")
    after = parse_report("一是成立招商专班,新引进项目12个。\n二是专利授权1011件。\n三是排查隐患。", "doc")
    assert before.segments[1].id == after.segments[1].id
    assert before.segments[2].id == after.segments[2].id
    assert before.segments[0].id != after.segments[0].id


def test_repeated_text_gets_distinct_ids():
    report = parse_report("园区未发生安全事故。\n园区未发生安全事故。", "doc")
    ids = [s.id for s in report.segments]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_chrome_lines_are_dropped():
    for line in ["您当前的位置:首页 > 政务公开", "【字体:大 中 小】", "打印 分享 返回列表", "打印",
                 "扫一扫在手机打开当前页", "时间:2024-02-08 14:47:37 来源:管委会 访问量: -",
                 "陈相如/摄", "相关附件:", "► 何晓晴 本报记者 叶伟", "2024年1月15日"]:
        assert is_chrome(line), line
    for line in ["分享发展经验,推动园区提质增效。", "一是打印机制造项目投产。", "来源地招商取得实效,新签约项目8个。"]:
        assert not is_chrome(line), line


def test_photo_caption_and_credit_are_not_segments():
    text = "园区召开推进会。\n\n签约仪式在园区举行。\n张三/摄\n\n全年专利授权300件。"
    assert texts(parse_report(text)) == ["园区召开推进会。", "全年专利授权300件。"]


def test_model_copy_is_normalised_but_stored_text_is_not():
    text = "一是推进“一网通办”，办件量增长１２％；\u3000二是开展（第三方）评估。"
    report = parse_report(text)
    assert report.segments[0].text == "一是推进“一网通办”，办件量增长１２％；"
    assert normalize_for_model(report.segments[0].text) == "一是推进“一网通办”,办件量增长12%;"


def test_zone_and_year_overrides():
    report = parse_report("清远高新区2023年工作总结\n一是招商。二是创新。", zone="测试高新区", year=2030)
    assert (report.zone, report.year, report.years) == ("测试高新区", 2030, [2030])
    assert report.detection["zone"]["source"] == "override"


def test_paragraph_without_sentence_ends_is_still_cut_at_clause_marks_or_the_hard_limit():
    clauses = "园区持续推进重点项目建设，" * 300  # 3,900 characters, no sentence end
    no_marks = "园区持续推进重点项目建设" * 300
    for text in (clauses, no_marks):
        segments = parse_report(text).segments
        assert len(segments) > 1
        assert all(len(s.text) <= HARD_MAX_SEGMENT_CHARS for s in segments)
        assert "".join(texts(parse_report(text))) == text
    assert all(s.text.endswith("，") for s in parse_report(clauses).segments)
