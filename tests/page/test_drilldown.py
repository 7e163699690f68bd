"""Drill-down on the compare view: a heatmap or relative-emphasis cell opens the segments behind it
(GET /v1/segments), paged, with a person's correction winning over the prediction as in the shares."""

import httpx

from tests.page.conftest import compare_years, open_page
from tests.page.test_page import ZH


def drilled(page) -> dict:
    return page.eval_on_selector("#drill", """d => ({
        hidden: d.hidden, title: d.querySelector('#drill-title').textContent,
        status: d.querySelector('#drill-status').textContent, filters: d.querySelector('#drill-filters').textContent,
        prev: d.querySelector('#drill-prev').disabled, next: d.querySelector('#drill-next').disabled,
        items: [...d.querySelectorAll('#drill-list li')].map(li => ({id: li.dataset.id,
            corrected: li.dataset.corrected === 'true', where: li.querySelector('.drill-where').textContent,
            text: li.querySelector('.drill-text').textContent,
            meta: li.querySelector('.drill-meta').textContent}))})""")


def wait_for_page(page, first_id: str) -> None:
    page.wait_for_function("id => document.querySelector('#drill-list li')?.dataset.id === id", arg=first_id)


# More investment paragraphs than one page holds (20), in a zone of their own.
PAGING_ZONE = "翻页高新区"
PAGING_REPORT = "翻页高新区2025年招商引资工作总结\n一、2025年招商引资工作回顾\n" + "\n".join(
    f"第{i}批次新签约招商引资项目{i + 3}个,计划总投资{10 * i + 5}亿元,引进外资企业{i}家,开展产业链精准招商和驻点招商。"
    for i in range(1, 31))


def test_a_heatmap_cell_opens_its_segments_paged(browser, service):
    r = service.post("/v1/reports", json={"text": PAGING_REPORT, "zone": PAGING_ZONE, "year": 2025},
                     headers={"X-API-Key": service.key})
    assert r.status_code in (200, 201), r.text
    zone = r.json()["zone"]
    api = service.get("/v1/compare").json()
    cov = api["coverage"][zone]["themes"]
    theme = max(api["themes"], key=lambda th: cov[th]["segments"])
    expected = service.get("/v1/segments", params={"zone": zone, "theme": theme}).json()
    assert expected["total"] == cov[theme]["segments"] > 20, "more than one page"
    with open_page(browser, service.base + "/#compare") as page:
        page.wait_for_selector("#heatmap svg .cell")
        drill_pages(page, service, zone, theme, expected)


def drill_pages(page, service, zone: str, theme: str, expected: dict) -> None:
    page.click(f'#heatmap g.cell[data-group="{zone}"][data-theme="{theme}"]')
    wait_for_page(page, expected["segments"][0]["id"])
    shown = drilled(page)
    assert not shown["hidden"] and zone in shown["title"] and ZH[theme] in shown["title"]
    assert [s["id"] for s in shown["items"]] == [s["id"] for s in expected["segments"]]
    assert [s["text"] for s in shown["items"]] == [s["text"] for s in expected["segments"]]
    first, seg = shown["items"][0], expected["segments"][0]
    assert (seg["report_title"] or "（无标题）") in first["where"] and " › ".join(seg["heading"]) in first["where"]
    assert ZH[theme] in first["meta"] and f"{seg['score']:.2f}" in first["meta"]
    assert f"共 {expected['total']} 个段落" in shown["status"] and "第 1–20 个" in shown["status"]
    assert shown["prev"] and not shown["next"]
    assert "园区：" in shown["filters"] and zone in shown["filters"] and "年份：全部" in shown["filters"]

    page.click("#drill-next")  # the next page
    second = service.get("/v1/segments", params={"zone": zone, "theme": theme, "offset": 20}).json()
    wait_for_page(page, second["segments"][0]["id"])
    shown = drilled(page)
    assert [s["id"] for s in shown["items"]] == [s["id"] for s in second["segments"]]
    assert not shown["prev"] and f"第 21–{20 + len(second['segments'])} 个" in shown["status"]
    page.click("#drill-prev")
    wait_for_page(page, expected["segments"][0]["id"])
    page.click("#drill-close")
    assert page.is_hidden("#drill")


def test_enter_on_a_table_cell_of_a_year_opens_that_years_segments(page, service):
    compare_years(page, "清远高新区", ("2023", "2024"))
    api = service.get("/v1/compare", params={"zones": "清远高新区", "year": "2023,2024"}).json()
    counts = {th: api["coverage"]["清远高新区 2024"]["themes"][th]["segments"] for th in api["themes"]}
    theme = next(th for th, n in counts.items() if 0 < n <= 20)  # one page
    expected = service.get("/v1/segments", params={"zone": "清远高新区", "year": 2024, "theme": theme}).json()
    assert expected["total"] == counts[theme]
    assert {s["year"] for s in expected["segments"]} == {2024}
    page.focus(f'#emphasis-table td[data-group="清远高新区 2024"][data-theme="{theme}"]')
    page.keyboard.press("Enter")
    wait_for_page(page, expected["segments"][0]["id"])
    shown = drilled(page)
    assert [s["id"] for s in shown["items"]] == [s["id"] for s in expected["segments"]]
    assert "清远高新区 2024" in shown["title"] and shown["prev"] and shown["next"]
    assert page.evaluate("document.activeElement.id") == "drill-title"  # focus follows to the segments

    # the heatmap's cells are reachable with the keyboard as well
    cell = page.locator('#heatmap g.cell[data-group="清远高新区 2023"][data-theme="investment"]')
    assert cell.get_attribute("tabindex") == "0" and cell.get_attribute("role") == "button"
    before = service.get("/v1/segments", params={"zone": "清远高新区", "year": 2023, "theme": "investment"}).json()
    cell.focus()
    page.keyboard.press("Enter")
    wait_for_page(page, before["segments"][0]["id"])
    assert "清远高新区 2023" in drilled(page)["title"]


def test_a_persons_correction_wins_in_the_drill_down(browser, service):
    key = {"X-API-Key": service.key}
    text = ("钻取高新区2025年工作总结\n一、2025年工作回顾\n"
            "全年新签约招商引资项目18个,计划总投资65亿元,开展产业链精准招商。\n"
            "新认定高新技术企业12家,建设省级研发平台2个,研发投入增长10%。\n召开年度工作会议,部署全年重点任务。")
    stored = service.post("/v1/reports", json={"text": text, "zone": "钻取高新区", "year": 2025}, headers=key).json()
    zone = stored["zone"]
    plain = next(s for s in stored["segments"] if "investment" not in s["labels"])
    r = httpx.put(f"{service.base}/v1/segments/{plain['id']}/labels", json={"labels": ["investment"]}, headers=key,
                  timeout=30)
    assert r.status_code == 200, r.text
    expected = service.get("/v1/segments", params={"zone": zone, "theme": "investment"}).json()
    assert plain["id"] in [s["id"] for s in expected["segments"]]
    coverage = service.get(f"/v1/zones/{zone}/coverage").json()
    assert expected["total"] == coverage["themes"]["investment"]["segments"]

    with open_page(browser, service.base + "/#compare") as page:
        page.click(f'#heatmap g.cell[data-group="{zone}"][data-theme="investment"]')
        wait_for_page(page, expected["segments"][0]["id"])
        shown = {s["id"]: s for s in drilled(page)["items"]}
        assert list(shown) == [s["id"] for s in expected["segments"]]
        assert shown[plain["id"]]["corrected"] and "人工更正" in shown[plain["id"]]["meta"]
        assert all(not s["corrected"] and "模型预测" in s["meta"] for i, s in shown.items() if i != plain["id"])
