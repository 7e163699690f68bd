"""The analysts' page in a real browser (Debian's chromium through Playwright) against ``policytag run``."""

from datetime import date
from pathlib import Path

from tests.page.conftest import compare_years, open_compare

SEED_ZONES = {"河源高新区", "清远高新区", "阜新高新区", "鹤城高新区"}
ZH = {"investment": "招商引资", "innovation": "科技创新", "bizenv": "营商环境", "party": "党建", "safety": "安全生产"}

# Written for these tests (not from the seeds): investment and work safety in a zone that stores no report.
REPORT = """示范高新区2025年上半年工作总结
一、上半年工作回顾
(一)招商引资
上半年新签约项目21个,其中亿元以上项目9个,计划总投资86亿元,实际到位资金31亿元。组建产业链招商小分队,赴长三角、珠三角开展驻点招商12次。
(二)安全生产
开展安全生产隐患排查整治专项行动,检查企业342家次,整改隐患1076处,危险化学品企业实现在线监测全覆盖,上半年未发生较大及以上生产安全事故。
(三)科技创新
新认定高新技术企业17家,新建省级工程技术研究中心3个,全社会研发投入同比增长14%。
二、下半年工作安排
继续强化招商引资,力争全年签约项目40个;压实企业安全生产主体责任,开展消防和有限空间作业专项检查。"""

UPLOAD = """示范高新区2024年工作总结
一、2024年工作回顾
全年引进产业项目35个,总投资112亿元,其中外资项目4个,招商引资工作取得新突破。
持续优化营商环境,推行企业开办一日办结,为企业减税降费2.3亿元,政务服务事项全部实现网上可办。
二、2025年工作计划
扎实开展党纪学习教育,推进基层党组织标准化规范化建设,以高质量党建引领高质量发展。"""

PAYLOAD_SCRIPT = "<script>window.__pwned=1</script>"
PAYLOAD_IMG = '<img src=x onerror="window.__pwned=2">'
HOSTILE = f"""示范高新区2025年工作要点{PAYLOAD_SCRIPT}
一、招商引资
全年计划新签约项目30个{PAYLOAD_SCRIPT},总投资100亿元,开展产业链精准招商。
二、安全生产
开展安全隐患排查整治{PAYLOAD_IMG},整改隐患500处,压实企业主体责任。"""


def shows(text: str, value: float, digits: int) -> bool:
    """``text`` is ``value`` rounded to ``digits`` (JavaScript rounds halves up, Python to even)."""
    return abs(float(text.rstrip("%")) - value) <= 0.5 * 10 ** -digits + 1e-9


def tag_text(page, text: str, zone: str = "") -> None:
    page.fill("#tag-text", text)
    page.fill("#tag-zone", zone)
    page.click("#tag-submit")
    page.wait_for_selector("#tag-result .segment")


def shown_segments(page, root: str = "#tag-result") -> list[dict]:
    return page.eval_on_selector_all(f"{root} .segment", """els => els.map(e => ({
        id: e.dataset.id, labels: e.dataset.labels ? e.dataset.labels.split(' ') : [], title: e.title,
        text: e.querySelector('.seg-text').textContent,
        marks: [...e.querySelectorAll('.mark')].map(m => m.dataset.theme),
        chips: [...e.querySelectorAll('.chip[data-theme]')].map(c => c.textContent)}))""")


def test_page_loads_with_the_served_model_and_keyboard_tabs(page, service):
    model = service.get("/v1/model").json()
    assert page.text_content("#model-version") == f"policytag v{model['version']} ({model['model_type']})"
    assert "script-src 'self'" in service.get("/").headers["content-security-policy"]
    assert "javascript" in service.get("/page/app.js").headers["content-type"]  # module scripts need it

    page.focus("#tab-tag")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#tab-reports", "aria-selected") == "true"
    assert page.is_visible("#panel-reports") and page.is_hidden("#panel-tag")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "tab-model"
    assert page.is_visible("#panel-model")
    rows = page.eval_on_selector_all("#model-table tbody tr", "rs => rs.map(r => [r.dataset.theme, "
                                     "[...r.cells].map(c => c.textContent)])")
    assert [theme for theme, _ in rows] == [t["id"] for t in model["themes"]]
    for theme, cells in rows:
        assert ZH[theme] in cells[0]
        assert shows(cells[2], model["thresholds"][theme], 3)
        assert shows(cells[5], model["metrics"][f"cv_f1_{theme}"], 3)
    assert page.text_content("#model-facts dt[data-fact=macroF1]") == "宏平均 F1（分组交叉验证）"
    macro_f1 = page.text_content("#model-facts dt[data-fact=macroF1] + dd")
    assert shows(macro_f1, model["metrics"]["cv_macro_f1"], 3)


def test_tag_pasted_report_highlights_each_segment_like_the_api(page, service):
    api = service.post("/v1/tag", json={"text": REPORT}).json()
    tag_text(page, REPORT)
    shown = shown_segments(page)
    assert len(shown) == len(api["segments"]) >= 4
    assert any(s["labels"] for s in api["segments"])
    for seg, want in zip(shown, api["segments"]):
        assert seg["id"] == want["id"] and seg["text"] == want["text"]
        assert seg["labels"] == want["labels"] and seg["marks"] == want["labels"]
        assert seg["chips"] == [ZH[t] for t in want["labels"]]
        for theme, score in want["scores"].items():  # the hover text has every theme's score
            assert f"{ZH[theme]}：{score:.2f}" in seg["title"]
        if want["heading"]:
            assert " › ".join(want["heading"]) in seg["title"]
    headings = page.eval_on_selector_all("#tag-result .heading-path", "els => els.map(e => e.textContent)")
    assert " › ".join(api["segments"][0]["heading"]) in headings
    # the coverage bar: one row per theme and "no theme", with the API's shares
    rows = page.eval_on_selector_all("#tag-result .cov-row", "rs => rs.map(r => [r.dataset.theme, "
                                     "r.querySelector('.cov-value').textContent])")
    assert [r[0] for r in rows] == [*ZH, "untagged"]
    for theme, value in rows[:-1]:
        assert shows(value.split()[0], api["coverage"]["themes"][theme]["segment_share"] * 100, 0)
    # an unstored result offers "store", never the correction control
    assert page.is_visible("#tag-result .store-report")
    assert page.locator("#tag-result .edit-toggle").count() == 0
    assert "未存储" in page.text_content("#tag-result .meta")
    page.hover("#tag-result .segment >> nth=0")


def test_upload_a_txt_file_and_see_the_apis_errors(page, service, tmp_path):
    report = tmp_path / "示范高新区2024.txt"
    report.write_bytes(UPLOAD.encode("gb18030"))
    api = service.post("/v1/tag", files={"file": (report.name, report.read_bytes(), "text/plain")},
                       data={"zone": "鹤城高新区", "year": "2024"}).json()
    page.set_input_files("#tag-file", str(report))
    page.fill("#tag-zone", "鹤城高新区")
    page.fill("#tag-year", "2024")
    page.click("#tag-submit")
    page.wait_for_selector("#tag-result .segment")
    shown = shown_segments(page)
    assert [s["labels"] for s in shown] == [s["labels"] for s in api["segments"]]
    assert [s["text"] for s in shown] == [s["text"] for s in api["segments"]]
    assert page.text_content("#tag-result .report-zone") == "鹤城高新区"

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a report")
    detail = service.post("/v1/tag", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")}).json()["detail"]
    page.set_input_files("#tag-file", str(pdf))
    page.click("#tag-submit")
    status = page.locator("#tag-status")
    status.filter(has_text=detail[:30]).wait_for()
    assert detail in status.text_content() and status.get_attribute("data-kind") == "error"
    assert status.text_content().startswith("不支持的文件类型")  # the page's words first, then the API's detail


def test_store_then_correct_a_segment_needs_the_key(page, service):
    text = REPORT.replace("上半年", "前三季度")
    tag_text(page, text, zone="鹤城高新区")
    stored_before = service.get("/v1/reports").json()["total"]
    page.click("#tag-result .store-report")  # no key yet
    page.locator("#tag-result .actions .status").filter(has_text="此操作需要 API 密钥").wait_for()
    assert service.get("/v1/reports").json()["total"] == stored_before

    page.fill("#api-key", service.key)
    assert page.evaluate("sessionStorage.getItem('policytag.apiKey')") == service.key
    page.click("#tag-result .store-report")
    page.wait_for_selector("#tag-result .edit-toggle")
    assert page.text_content("#tag-status") == "已存储"
    report_id = page.get_attribute("#tag-result", "data-report-id")
    assert service.get("/v1/reports").json()["total"] == stored_before + 1
    assert service.get(f"/v1/reports/{report_id}").json()["zone"] == "鹤城高新区"
    assert page.locator("#tag-result .store-report").count() == 0
    segments = shown_segments(page)
    first = segments[0]
    chosen = ["bizenv", "party"] if first["labels"] != ["bizenv", "party"] else ["safety"]

    def correct(index: int, themes: list[str]):
        seg = page.locator("#tag-result .segment").nth(index)
        seg.locator(".edit-toggle").click()
        for box in seg.locator(".editor input[type=checkbox]").all():
            box.set_checked(box.get_attribute("value") in themes)
        seg.locator(".save-labels").click()
        return seg

    page.fill("#api-key", "")  # a correction without the key is refused, and the page says why
    seg = correct(0, chosen)
    seg.locator(".editor .status").filter(has_text="此操作需要 API 密钥").wait_for()
    assert service.get(f"/v1/segments/{first['id']}/labels").json()["labels"] is None

    page.fill("#api-key", service.key)
    seg.locator(".save-labels").click()
    page.wait_for_selector(f'#tag-result .segment.corrected[data-id="{first["id"]}"]')
    stored = service.get(f"/v1/segments/{first['id']}/labels").json()
    assert stored["labels"] == chosen and stored["history"][-1]["author"] == "default"
    assert shown_segments(page)[0]["marks"] == chosen

    # the stored report, opened from the Reports tab, shows the correction distinctly
    page.click("#tab-reports")
    page.click(f'#reports-table tr[data-id="{report_id}"] .open-report')
    corrected = page.locator(f'#report-result .segment.corrected[data-id="{first["id"]}"]')
    corrected.wait_for()
    assert "由 default 更正" in corrected.locator(".correction-note").text_content()
    assert corrected.get_attribute("data-labels") == " ".join(chosen)
    assert page.locator("#report-result .segment.corrected").count() == 1


def test_seed_reports_can_be_opened_and_read(page, service):
    seeds = service.get("/v1/reports").json()["reports"][:5]
    page.click("#tab-reports")
    page.wait_for_selector("#reports-table tbody tr")
    titles = page.eval_on_selector_all("#reports-table tbody tr td:first-child", "tds => tds.map(t => t.textContent)")
    assert titles[:5] == [r["title"] or "（无标题）" for r in seeds]
    page.click(f'#reports-table tr[data-id="{seeds[0]["id"]}"] .open-report')
    page.wait_for_selector("#report-result .segment")
    api = service.get(f"/v1/reports/{seeds[0]['id']}").json()
    shown = shown_segments(page, "#report-result")
    assert [s["labels"] for s in shown] == [s["labels"] for s in api["segments"]]
    assert page.locator("#report-result .edit-toggle").count() == len(api["segments"])
    assert "清远高新区" in page.text_content("#report-result .meta")


def test_compare_draws_the_seed_zones_and_exports(page, service):
    api = service.get("/v1/compare").json()
    assert SEED_ZONES <= set(api["groups"])
    page.click("#tab-compare")
    page.wait_for_selector("#heatmap svg .cell")
    zones = page.eval_on_selector_all("#compare-zones input:checked", "bs => bs.map(b => b.value)")
    assert set(zones) == set(api["groups"])
    n_cells = len(api["groups"]) * len(api["themes"])
    assert page.locator("#heatmap svg g.cell").count() == n_cells
    assert page.locator("#bars svg g.bar").count() == n_cells
    assert page.locator("#bars svg .whisker").count() == n_cells
    assert page.eval_on_selector_all("#heatmap .group-label", "ts => ts.map(t => t.textContent)") == api["groups"]
    first, theme = api["groups"][0], api["themes"][0]
    cell = api["coverage"][first]["themes"][theme]
    assert shows(page.text_content(f'#heatmap g.cell[data-group="{first}"][data-theme="{theme}"] text'),
                 cell["segment_share"] * 100, 0)
    assert page.locator("#emphasis-table tbody tr").count() == len(api["groups"])
    assert page.locator("#ranking li").count() == len(api["themes"])
    assert "Noto Sans CJK SC" in page.get_attribute("#heatmap svg text", "font-family")

    with page.expect_download() as dl:
        page.click("#export-csv")
    csv_bytes = Path(dl.value.path()).read_bytes()
    assert csv_bytes.startswith("\ufeff组,主题,段落数".encode())  # a BOM for Excel, and a Chinese header
    assert csv_bytes == service.get("/v1/compare?format=csv&lang=zh").content
    model = service.get("/v1/model").json()

    with page.expect_download() as dl:
        page.click("#export-heatmap-svg")
    assert dl.value.suggested_filename == "policytag-heatmap.svg"
    svg = Path(dl.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert all(zone in svg for zone in SEED_ZONES) and "WenQuanYi Micro Hei" in svg
    caption = page.text_content("#heatmap svg text.caption")  # the filters, model version and date travel along
    assert caption in svg and f"模型 v{model['version']}" in caption and "年份：全部" in caption
    assert date.today().isoformat() in caption and "依据：段落" in caption

    with page.expect_download() as dl:
        page.click("#export-bars-png")
    png = Path(dl.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_compare_one_zone_across_years(page, service):
    compare_years(page, "清远高新区", ("2023", "2024"))
    labels = page.eval_on_selector_all("#heatmap .group-label", "ts => ts.map(t => t.textContent)")
    assert labels == ["清远高新区 2023", "清远高新区 2024"]
    assert "year=2023%2C2024" in page.get_attribute("#export-csv", "href")
    assert "年份：2023、2024" in page.text_content("#bars svg text.caption")

    page.uncheck('#compare-years input[value="2023"]')  # one zone, one year: a single group is refused
    page.click("#compare-submit")
    detail = service.get("/v1/compare", params={"zones": "清远高新区", "year": "2024"}).json()["detail"]
    page.locator("#compare-status").filter(has_text=detail[:30]).wait_for()
    assert page.is_hidden("#compare-result")


def test_report_text_renders_as_text_and_never_runs(page, service):
    tag_text(page, HOSTILE)
    texts = " ".join(s["text"] for s in shown_segments(page))
    assert PAYLOAD_SCRIPT in texts and PAYLOAD_IMG in texts
    page.get_by_text(PAYLOAD_IMG, exact=False).first.wait_for(state="visible")
    assert page.locator("#tag-result script, #tag-result img").count() == 0

    # stored under a hostile zone name, it shows as text in the report list and in the charts too
    zone = '<img src=x onerror="window.__pwned=3">高新区'
    r = service.post("/v1/reports", json={"text": HOSTILE, "zone": zone}, headers={"X-API-Key": service.key})
    assert r.status_code == 201
    page.click("#tab-reports")
    page.locator("#reports-table td", has_text=zone).wait_for()
    page.click(f'#reports-table tr[data-id="{r.json()["report_id"]}"] .open-report')
    page.wait_for_selector("#report-result .segment")
    assert page.text_content("#report-result .report-zone") == zone
    page.click("#tab-compare")
    page.wait_for_selector("#heatmap svg .cell")
    assert zone in page.eval_on_selector_all("#heatmap .group-label", "ts => ts.map(t => t.textContent)")
    assert page.locator("img, main script").count() == 0
    assert page.evaluate("window.__pwned") is None


def heatmap_by_group(page) -> dict:
    """Per group (zone names may hold quotes, so no CSS selectors on them): its n line and cells by theme."""
    return page.evaluate("""() => {
        const out = {};
        for (const t of document.querySelectorAll('#heatmap text.group-n')) {
            out[t.dataset.group] = {n: t.textContent, cells: {}};
        }
        for (const c of document.querySelectorAll('#heatmap g.cell')) out[c.dataset.group].cells[c.dataset.theme] = {
            tooFew: c.dataset.tooFew, fill: c.querySelector('rect').getAttribute('fill'),
            title: c.querySelector('title').textContent, share: c.querySelector('text').textContent};
        return out;
    }""")


def emphasis_by_group(page) -> dict:
    return page.evaluate("""() => {
        const out = {};
        for (const r of document.querySelectorAll('#emphasis-table tbody tr')) {
            const cells = {};
            for (const td of r.querySelectorAll('td[data-emphasis]')) cells[td.dataset.theme] = {
                mark: td.dataset.emphasis, title: td.title, share: td.querySelector('.share').textContent};
            out[r.querySelector('th').textContent] = {cls: r.className, cells};
        }
        return out;
    }""")


def test_heatmap_shows_n_per_group_and_greys_out_too_few_groups(page, service):
    api = service.get("/v1/compare").json()
    few = set(api["too_few"])
    assert few and few < set(api["groups"]), "the seeds give both small and large enough zones"
    open_compare(page)
    shown = heatmap_by_group(page)
    assert set(shown) == set(api["groups"])
    for g in api["groups"]:
        cov = api["coverage"][g]
        assert shown[g]["n"].startswith(f"n = {cov['segments']} 个段落 · {cov['documents']} 份报告")
        assert ("太少" in shown[g]["n"]) == (g in few)
        assert set(shown[g]["cells"]) == set(api["themes"])
        for c in shown[g]["cells"].values():
            assert c["tooFew"] == ("true" if g in few else "false")
            assert (c["fill"] == "#9aa0a6") == (g in few)  # grey, not the theme's colour
            assert ("段落太少" in c["title"]) == (g in few)
    # too_few groups are left out of the ranking, and the page says so
    ranking = page.text_content("#ranking")
    assert not any(f"{g} (" in ranking for g in few)
    note = page.text_content("#not-ranked")
    assert "未参与排名或检验" in note and all(g in note for g in few)
    table = emphasis_by_group(page)
    for g in api["groups"]:
        assert (table[g]["cls"] == "too-few") == (g in few)
        assert {t: c["mark"] for t, c in table[g]["cells"].items()} == {
            t: api["relative_emphasis"][g][t]["emphasis"] for t in api["themes"]}


def test_one_measure_throughout_heatmap_table_and_ranking(page, service):
    api = service.get("/v1/compare").json()
    ranked = [g for g in api["groups"] if g not in api["too_few"]]
    open_compare(page)
    for measure, share, emphasis, ranking in (("char", "char_share", "char_relative_emphasis", "char_ranking"),
                                              ("segment", "segment_share", "relative_emphasis", "ranking")):
        page.select_option("#compare-measure", measure)
        unit = "字符" if measure == "char" else "段落"
        assert unit in page.text_content("#measure-note")
        shown, table = heatmap_by_group(page), emphasis_by_group(page)
        for g in api["groups"]:
            cov = api["coverage"][g]
            assert shown[g]["n"].startswith(f"n = {cov['characters']} 个字符" if measure == "char"
                                            else f"n = {cov['segments']} 个段落")
            for t in api["themes"]:
                assert shows(shown[g]["cells"][t]["share"], cov["themes"][t][share] * 100, 0)
                e, cell = api[emphasis][g][t], table[g]["cells"][t]
                assert cell["mark"] == e["emphasis"] and f"占{unit}的份额" in cell["title"]
                assert shows(cell["share"], e["share"] * 100, 0)
        items = page.eval_on_selector_all("#ranking li", "ls => ls.map(l => l.textContent)")
        for t, item in zip(api["themes"], items):
            order = api[ranking][t]
            assert sorted(order) == sorted(ranked)
            positions = [item.index(f"{g} (") for g in order]
            assert positions == sorted(positions)  # in the order of this measure's ranking
            for g in order:
                value = item.split(f"{g} (")[1].split(")")[0]
                assert shows(value, api["coverage"][g]["themes"][t][share] * 100, 0)


def test_a_non_significant_difference_is_never_called_similar(page, service):
    api = service.get("/v1/compare").json()
    open_compare(page)
    not_significant = [(g, t) for g in api["groups"] for t in api["themes"]
                       if api["relative_emphasis"][g][t]["emphasis"] == "not_significant"]
    assert not_significant
    g, t = not_significant[0]
    title = emphasis_by_group(page)[g]["cells"][t]["title"]
    assert "不显著" in title and "并不能证明两者一样" in title
    assert "数据无法区分这两个份额" in page.text_content("#emphasis-hint")
    for measure in ("segment", "char"):
        page.select_option("#compare-measure", measure)
        words = page.eval_on_selector("#panel-compare", "p => p.innerText + ' ' + [...p.querySelectorAll('[title]')]"
                                      ".map(e => e.title).join(' ') + ' ' + [...p.querySelectorAll('title')]"
                                      ".map(e => e.textContent).join(' ')")
        assert "相似" not in words and "相近" not in words and "一样" in words
        assert "Fisher" not in words  # the test is not Fisher's exact test any more


def test_report_coverage_says_corrected_and_warns_when_too_few(page, service):
    api = service.post("/v1/tag", json={"text": REPORT}).json()
    assert api["coverage"]["too_few"] and api["coverage"]["corrected"]
    tag_text(page, REPORT)
    block = page.locator("#tag-result .coverage")
    assert block.get_attribute("data-corrected") == "true" and block.get_attribute("data-too-few") == "true"
    assert "已按标注模型测得的误差校正" in page.text_content("#tag-result .cov-caption")
    note = page.text_content("#tag-result .cov-note")
    assert f"仅 {api['coverage']['segments']} 个段落" in note and "段落太少" in note
    for theme in ZH:
        entry = api["coverage"]["themes"][theme]
        title = page.get_attribute(f'#tag-result .cov-row[data-theme="{theme}"] .cov-track', "title")
        assert f"{api['coverage']['segments']} 个段落中有 {entry['segments']} 个带此标签" in title
        value = page.text_content(f'#tag-result .cov-row[data-theme="{theme}"] .cov-value').split()[0]
        assert shows(value, entry["segment_share"] * 100, 0)
