"""Several files stored at once from the Tag tab: one request per file, each file's state (waiting, storing,
stored, already stored, error with the API's detail), a count over all; a failing file does not stop the rest."""

import httpx

from tests.page.conftest import API_KEY

KEY = {"X-API-Key": API_KEY}
ZONE = "示范上传区"  # a zone no other test stores


def report_text(name: str, projects: int) -> str:
    return (f"{ZONE}2024年{name}工作总结\n一、2024年工作回顾\n全年新签约项目{projects}个,总投资{projects * 3}亿元,"
            "持续优化营商环境,推行企业开办一日办结。\n二、2025年工作计划\n推进基层党组织标准化规范化建设。")


def states(page) -> list[tuple[str, str, str]]:
    return page.eval_on_selector_all("#upload-list li", """lis => lis.map(li => [li.dataset.name, li.dataset.state,
        li.querySelector('.upload-state').textContent])""")


def test_several_files_are_stored_one_by_one_with_their_states(page, service, tmp_path):
    files = {"一号.txt": report_text("一号", 31), "报告.pdf": "%PDF-1.4 not a report",
             "二号.txt": report_text("二号", 32), "三号.txt": report_text("三号", 33)}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = service.post("/v1/reports", files={"file": ("三号.txt", files["三号.txt"].encode(), "text/plain")},
                          data={"zone": ZONE, "year": "2024"}, headers=KEY)
    assert before.status_code == 201  # the third text is stored already: it is "already stored"
    pdf_detail = service.post("/v1/tag", files={"file": ("报告.pdf", b"%PDF-1.4 not a report",
                                                         "application/pdf")}).json()["detail"]

    posts, held = [], []  # the second file's request is held, to see the states while it is under way

    def hold_the_second(route):
        if route.request.method == "POST":
            posts.append(route)
            if len(posts) == 2:
                held.append(route)
                return
        route.continue_()

    page.route("**/v1/reports", hold_the_second)
    page.fill("#api-key", service.key)
    page.fill("#tag-zone", ZONE)
    page.fill("#tag-year", "2024")
    page.set_input_files("#tag-file", [str(tmp_path / name) for name in files])
    page.click("#tag-submit")  # Tag (without storing) takes one file at a time, and says so
    page.locator("#tag-status[data-kind=error]").filter(has_text="已选择 4 个文件").wait_for()

    page.click("#tag-and-store")
    page.wait_for_selector("#upload-list li:nth-child(2)[data-state=storing]")
    while not held:  # the page marks the file before its request leaves
        page.wait_for_timeout(20)
    assert [tuple(s[:2]) for s in states(page)] == [("一号.txt", "stored"), ("报告.pdf", "storing"),
                                                    ("二号.txt", "waiting"), ("三号.txt", "waiting")]
    assert states(page)[2][2] == "等待中"
    assert page.text_content("#upload-progress") == "已处理 1 / 4"
    assert page.is_disabled("#tag-and-store")
    held[0].continue_()

    page.wait_for_selector("#upload-progress[data-done='4']")
    shown = states(page)
    assert [tuple(s[:2]) for s in shown] == [("一号.txt", "stored"), ("报告.pdf", "error"), ("二号.txt", "stored"),
                                      ("三号.txt", "already")]
    assert shown[1][2] == f"不支持的文件类型：{pdf_detail}"
    assert shown[3][2].startswith("此前已存储") and ZONE in shown[3][2]
    assert page.text_content("#upload-progress") == "已处理 4 / 4"
    assert page.text_content(".upload-summary") == "新存储 2 个，此前已存储 1 个，出错 1 个"
    assert page.text_content("#tag-status") == "已处理 4 个文件，其中 3 个成功"

    stored = service.get(f"/v1/reports?zone={ZONE}").json()["reports"]
    try:
        names = ("一号", "二号", "三号")
        assert sorted(r["title"] for r in stored) == sorted(f"{ZONE}2024年{n}工作总结" for n in names)
        assert all(r["year"] == 2024 and r["source"].endswith(".txt") for r in stored)
        first = next(r for r in stored if r["source"] == "一号.txt")
        count = len(service.get(f"/v1/reports/{first['id']}").json()["segments"])
        assert f"{count} 个段落" in shown[0][2]

        # a stored file opens in the Tag tab as a stored report
        page.locator("#upload-list li").nth(0).locator(".upload-open").click()
        page.wait_for_selector(f'#tag-result[data-report-id="{first["id"]}"] .segment')
        assert page.locator("#tag-result .segment").count() == count

        page.click("#lang-switch")  # the list is drawn again in English
        assert page.text_content("#upload-progress") == "4 / 4 done"
        assert states(page)[0][2].startswith("stored (")
        page.click("#lang-switch")
    finally:
        for r in stored:
            httpx.delete(f"{service.base}/v1/reports/{r['id']}", headers=KEY, timeout=30)
