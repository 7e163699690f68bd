"""The compare view's document-type and part filters, carried into the chart captions, the exports and the
drill-down, and its Excel export (GET /v1/compare?format=xlsx) downloaded from the page."""

import io
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from openpyxl import load_workbook

from tests.page.conftest import open_page
from tests.page.test_page import SEED_ZONES, ZH
from tests.page.test_zone_trend import PART_ZH

# A 工作总结 like a seed's (河源高新区 2024): with it, one document type and part hold two zones.
SUMMARY = """筛选高新区2024年工作总结
一、2024年工作回顾
全年新签约招商引资项目26个,计划总投资88亿元,到位资金35亿元。
新认定高新技术企业19家,新建省级研发平台4个,研发投入增长12%。
持续优化营商环境,企业开办一日办结,为企业减税降费1.6亿元。
开展安全生产隐患排查整治,整改隐患860处,全年未发生较大生产安全事故。"""


def test_filters_carry_into_captions_exports_and_drill_down(browser, service):
    r = service.post("/v1/reports", json={"text": SUMMARY, "zone": "筛选高新区", "year": 2024},
                     headers={"X-API-Key": service.key})
    assert r.status_code in (200, 201), r.text
    with open_page(browser, service.base + "/") as page:
        check_filters(page, service)


def check_filters(page, service) -> None:
    reports = service.get("/v1/reports", params={"limit": 500}).json()["reports"]
    page.click("#tab-compare")
    page.wait_for_selector("#heatmap svg .cell")
    offered = page.eval_on_selector_all("#compare-doctype option", "os => os.map(o => o.value)")
    assert offered == ["", *sorted({r["doc_type"] for r in reports})]  # "" = all types
    zones_of = Counter(doc_type for doc_type, _ in {(r["doc_type"], r["zone"]) for r in reports if r["zone"]})
    doc_type, part = next((d, p) for d, _ in zones_of.most_common() for p in PART_ZH  # two groups or more
                          if service.get("/v1/compare", params={"doc_type": d, "part": p}).status_code == 200)
    page.select_option("#compare-doctype", doc_type)
    page.select_option("#compare-part", part)
    page.click("#compare-submit")
    page.wait_for_function("t => document.querySelector('#heatmap svg text.caption')?.textContent.includes(t)",
                           arg=f"文档类型：{doc_type}")

    href = page.get_attribute("#export-xlsx", "href")
    query = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
    assert (query["doc_type"], query["part"], query["format"], query["lang"]) == (doc_type, part, "xlsx", "zh")
    csv_query = {k: v[0] for k, v in parse_qs(urlparse(page.get_attribute("#export-csv", "href")).query).items()}
    assert csv_query == {**query, "format": "csv"}
    params = {k: v for k, v in query.items() if k not in ("format", "lang")}
    api = service.get("/v1/compare", params=params).json()
    assert (api["doc_type"], api["part"]) == (doc_type, part)
    assert page.eval_on_selector_all("#heatmap .group-label", "ts => ts.map(t => t.textContent)") == api["groups"]
    for chart in ("#heatmap", "#bars"):
        caption = page.text_content(f"{chart} svg text.caption")
        assert f"文档类型：{doc_type}" in caption and f"部分：{PART_ZH[part]}" in caption

    model = service.get("/v1/model").json()
    with page.expect_download() as dl:
        page.click("#export-xlsx")
    assert dl.value.suggested_filename == "policytag-compare.xlsx"
    book = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))  # the download has no .xlsx name
    assert book.sheetnames == ["段落份额", "字符份额", "明细"]
    head = [c.value for c in book["段落份额"][1] if c.value is not None]
    assert f"文档类型：{doc_type}" in head and f"报告部分：{PART_ZH[part]}" in head and "年份：全部" in head
    assert f"模型：v{model['version']}" in head and any(date.today().isoformat() in h for h in head)
    for sheet, key in (("段落份额", "segment_share"), ("字符份额", "char_share")):
        rows = [[c.value for c in row] for row in book[sheet].iter_rows(min_row=3)]
        assert rows[0][6:] == [ZH[th] for th in api["themes"]]
        assert [r[0] for r in rows[1:]] == api["groups"]
        for row in rows[1:]:
            assert row[6:] == [api["coverage"][row[0]]["themes"][th][key] for th in api["themes"]]

    # a cell of the filtered comparison opens the segments of that part and document type only
    group = next(g for g in api["groups"] if g in SEED_ZONES)
    theme = max(api["themes"], key=lambda th: api["coverage"][group]["themes"][th]["segments"])
    expected = service.get("/v1/segments", params={"zone": group, "theme": theme, "part": part,
                                                   "doc_type": doc_type}).json()
    assert expected["total"] == api["coverage"][group]["themes"][theme]["segments"] > 0
    assert {s["part"] for s in expected["segments"]} == {part}
    assert {s["doc_type"] for s in expected["segments"]} == {doc_type}
    page.click(f'#heatmap g.cell[data-group="{group}"][data-theme="{theme}"]')
    page.wait_for_function("id => document.querySelector('#drill-list li')?.dataset.id === id",
                           arg=expected["segments"][0]["id"])
    ids = page.eval_on_selector_all("#drill-list li", "ls => ls.map(l => l.dataset.id)")
    assert ids == [s["id"] for s in expected["segments"]]
    filters = page.text_content("#drill-filters")
    assert f"文档类型：{doc_type}" in filters and f"部分：{PART_ZH[part]}" in filters
