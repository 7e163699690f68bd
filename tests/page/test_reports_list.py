"""The Reports tab's list: filters by zone, year and document type, a search on title and zone, paging; what it
shows is what ``GET /v1/reports`` answers for the same choice."""

import httpx
import pytest

from tests.page.conftest import API_KEY

KEY = {"X-API-Key": API_KEY}
ZONE = "示范翻页区"  # a zone no other test stores


def report_text(i: int, year: int) -> str:
    return (f"{ZONE}{year}年第{i}份工作总结\n一、{year}年工作回顾\n全年新签约项目{20 + i}个,总投资{40 + i}亿元,"
            f"新认定高新技术企业{i}家。\n二、下一年工作计划\n扎实开展安全生产隐患排查整治{i}次。")


@pytest.fixture
def stored(service):
    """Twelve reports of one zone over 2021 and 2022, the last one corrected to a news report; deleted after."""
    ids = []
    for i in range(12):
        r = service.post("/v1/reports", json={"text": report_text(i, 2021 + i % 2), "zone": ZONE,
                                              "year": 2021 + i % 2}, headers=KEY)
        assert r.status_code == 201, r.text
        ids.append(r.json()["report_id"])
    r = httpx.patch(f"{service.base}/v1/reports/{ids[-1]}", json={"doc_type": "新闻报道"}, headers=KEY, timeout=30)
    assert r.status_code == 200, r.text
    yield ids
    for report_id in ids:
        httpx.delete(f"{service.base}/v1/reports/{report_id}", headers=KEY, timeout=30)


def rows(page) -> list[str]:
    return page.eval_on_selector_all("#reports-table tbody tr", "trs => trs.map(tr => tr.dataset.id)")


def api_ids(service, query: str) -> list[str]:
    return [r["id"] for r in service.get(f"/v1/reports?{query}").json()["reports"]]


def shows(page, ids: list[str]) -> None:
    """Wait until the table holds exactly ``ids``, in that order."""
    page.wait_for_function("ids => JSON.stringify([...document.querySelectorAll('#reports-table tbody tr')]"
                           ".map(tr => tr.dataset.id)) === JSON.stringify(ids)", arg=ids)


def test_filter_search_and_page_through_the_stored_reports(page, service, stored):
    page.click("#tab-reports")
    page.wait_for_selector("#reports-table tbody tr")
    everything = service.get("/v1/reports?limit=50").json()
    assert rows(page) == [r["id"] for r in everything["reports"]]
    assert page.text_content("#reports-status") == f"共 {everything['total']} 份已存储报告"

    # one zone: its twelve reports on one page; its years are the year filter's choices
    page.select_option("#reports-zone", ZONE)
    shows(page, stored)
    assert page.text_content("#reports-status") == "符合条件的报告共 12 份"
    assert page.is_hidden("#reports-pager")
    years = page.eval_on_selector_all("#reports-year option", "os => os.map(o => o.value)")
    assert years == ["", "2021", "2022"]

    # ten per page: two pages, Next and Previous
    page.select_option("#reports-limit", "10")
    shows(page, stored[:10])
    assert page.is_visible("#reports-pager") and page.is_disabled("#reports-prev")
    assert page.text_content("#reports-page") == "第 1 / 2 页（第 1–10 份，共 12 份）"
    page.click("#reports-next")
    shows(page, api_ids(service, f"zone={ZONE}&limit=10&offset=10"))
    assert rows(page) == stored[10:] and page.is_disabled("#reports-next")
    assert page.text_content("#reports-page") == "第 2 / 2 页（第 11–12 份，共 12 份）"
    page.click("#reports-prev")
    shows(page, stored[:10])

    # a year, then a document type: a new filter starts at the first page
    page.click("#reports-next")
    shows(page, stored[10:])
    page.select_option("#reports-year", "2022")
    shows(page, api_ids(service, f"zone={ZONE}&year=2022&limit=10"))
    assert len(rows(page)) == 6 and page.is_hidden("#reports-pager")
    types = page.eval_on_selector_all("#reports-type option", "os => os.map(o => o.value)")
    assert "新闻报道" in types and "工作总结" in types
    page.select_option("#reports-type", "新闻报道")
    shows(page, [stored[-1]])
    assert page.text_content(f'#reports-table tr[data-id="{stored[-1]}"] td:nth-child(4)') == "新闻报道"

    # the search, over every zone once the filters are cleared; nothing found says so
    for select in ("#reports-zone", "#reports-year", "#reports-type"):
        page.select_option(select, "")
    page.fill("#reports-q", "第7份")
    shows(page, api_ids(service, "q=第7份&limit=10"))
    assert rows(page) == [stored[7]]
    page.fill("#reports-q", ZONE[2:])  # part of the zone's name
    shows(page, stored[:10])
    page.fill("#reports-q", "没有这样的报告")
    shows(page, [])
    assert page.text_content("#reports-status") == "没有符合条件的报告"

    # a report found is opened from the filtered list
    page.fill("#reports-q", "第3份")
    shows(page, [stored[3]])
    page.click(f'#reports-table tr[data-id="{stored[3]}"] .open-report')
    page.wait_for_selector(f'#report-result[data-report-id="{stored[3]}"] .segment')
    assert f"{ZONE}2022年第3份工作总结" in page.text_content("#report-result .report-title")


def test_a_bad_search_shows_the_apis_detail(page, service):
    page.click("#tab-reports")
    page.wait_for_selector("#reports-table tbody tr")
    page.eval_on_selector("#reports-q", "q => q.removeAttribute('maxlength')")
    page.fill("#reports-q", "长" * 101)
    page.wait_for_selector("#reports-status[data-kind=error]")
    detail = service.get("/v1/reports?q=" + "长" * 101).json()["detail"]
    assert page.text_content("#reports-status") == f"输入有误：{detail}"


def test_a_late_answer_to_an_older_choice_does_not_replace_the_newer_one(page, service, stored):
    page.click("#tab-reports")
    page.wait_for_selector("#reports-table tbody tr")
    held = []
    page.route("**/v1/reports?*q=%E7%AC%AC7%E4%BB%BD*", lambda route: held.append(route))  # "第7份": held back
    page.fill("#reports-q", "第7份")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the first search never went out"
    page.fill("#reports-q", "第3份")
    shows(page, [stored[3]])
    with page.expect_response(lambda response: "%E7%AC%AC7" in response.url):
        held[0].continue_()
    page.wait_for_timeout(500)  # time for the page to handle the late answer: it is dropped
    assert rows(page) == [stored[3]]
