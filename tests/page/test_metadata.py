"""Correctable metadata on the page (issue 19): confirm zone and year before storing, a 409 with its PATCH,
and editing or deleting a stored report."""

from tests.page.conftest import API_KEY

# Written for these tests: a city report naming two zones equally, so the zone is left to the user.
AMBIGUOUS = """合肥市2024年工作总结
一、2024年工作回顾
合肥经开区、合肥高新区稳居国家级开发区前列,全年新签约亿元以上项目46个,计划总投资320亿元。
二、2025年工作安排
持续优化营商环境,深化“一网通办”改革,压实企业安全生产主体责任。"""

STORED = """示范经开区2023年工作总结
一、2023年工作回顾
全年新签约项目28个,总投资95亿元,新认定高新技术企业12家,研发投入增长11%。
二、2024年工作计划
扎实开展安全生产隐患排查整治,推进基层党组织标准化建设。"""

KEY = {"X-API-Key": API_KEY}


def test_zone_and_year_are_confirmed_before_storing_and_a_409_offers_its_patch(page, service):
    text = AMBIGUOUS.replace("46个", "47个")
    api = service.post("/v1/tag", json={"text": text}).json()
    candidates = [c["zone"] for c in api["detection"]["zone"]["candidates"]]
    assert api["zone"] is None and len(candidates) >= 2
    page.fill("#tag-text", text)
    page.click("#tag-submit")
    page.wait_for_selector("#tag-result .confirm-meta")
    zone, year = page.locator("#tag-result .confirm-zone"), page.locator("#tag-result .confirm-year")
    assert zone.input_value() == "" and year.input_value() == str(api["year"])
    listed = page.eval_on_selector_all(f"#{zone.get_attribute('list')} option", "os => os.map(o => o.value)")
    assert listed == candidates
    assert candidates[0] in page.text_content("#tag-result .zone-candidates")

    page.fill("#api-key", service.key)
    zone.fill(candidates[1])
    year.fill("2023")
    page.click("#tag-result .store-report")
    page.wait_for_selector("#tag-result .edit-toggle")
    report_id = page.get_attribute("#tag-result", "data-report-id")
    stored = service.get(f"/v1/reports/{report_id}").json()
    assert (stored["zone"], stored["year"]) == (candidates[1], 2023)
    assert page.text_content("#tag-result .report-zone") == candidates[1]

    # the same text with another zone: 409, its message, and the offer to correct the stored report
    conflict = service.post("/v1/reports", json={"text": text, "zone": candidates[0], "year": 2023}, headers=KEY)
    assert conflict.status_code == 409
    page.click("#tag-submit")
    page.wait_for_selector("#tag-result .confirm-meta")
    page.fill("#tag-result .confirm-zone", candidates[0])
    page.fill("#tag-result .confirm-year", "2023")
    page.click("#tag-result .store-report")
    box = page.locator("#tag-result .conflict")
    box.wait_for()
    assert conflict.json()["detail"] in box.locator(".conflict-detail").text_content()
    want = f"园区：已存储为 {candidates[1]}，本次为 {candidates[0]}"
    assert box.locator("li[data-field=zone]").text_content() == want
    assert service.get(f"/v1/reports/{report_id}").json()["zone"] == candidates[1]  # nothing changed yet
    box.locator(".apply-patch").click()
    page.wait_for_selector("#tag-result .edit-meta")
    assert page.text_content("#tag-result .report-zone") == candidates[0]
    history = service.get(f"/v1/reports/{report_id}/history").json()
    assert service.get(f"/v1/reports/{report_id}").json()["zone"] == candidates[0]
    assert history["history"][-1]["field"] == "zone" and history["history"][-1]["author"] == "default"
    service_delete(service, report_id)


def service_delete(service, report_id):
    import httpx

    assert httpx.delete(f"{service.base}/v1/reports/{report_id}", headers=KEY, timeout=30).status_code == 204


def test_a_stored_report_is_edited_and_deleted_and_the_list_follows(page, service):
    created = service.post("/v1/reports", json={"text": STORED, "zone": "清远高新区", "year": 2023}, headers=KEY)
    report_id = created.json()["report_id"]
    page.click("#tab-reports")
    row = page.locator(f'#reports-table tr[data-id="{report_id}"]')
    row.locator(".open-report").click()
    page.wait_for_selector("#report-result .edit-meta")
    page.click("#report-result .edit-meta")
    editor = page.locator("#report-result .meta-editor")
    assert editor.locator(".meta-zone").input_value() == "清远高新区"
    assert editor.locator(".meta-year").input_value() == "2023"
    editor.locator(".meta-zone").fill("河源高新技术产业开发区")
    editor.locator(".meta-year").fill("2024")
    editor.locator(".meta-doc-type").select_option("新闻报道")
    editor.locator(".meta-title").fill("示范区2024年工作总结（更正）")
    editor.locator(".meta-note").fill("见正文")
    editor.locator(".save-meta").click()  # no key yet
    page.locator("#report-result .meta-status").filter(has_text="此操作需要 API 密钥").wait_for()
    assert service.get(f"/v1/reports/{report_id}").json()["zone"] == "清远高新区"

    page.fill("#api-key", service.key)
    editor.locator(".save-meta").click()
    page.locator("#report-result .meta-status").filter(has_text="已保存").wait_for()
    stored = service.get(f"/v1/reports/{report_id}").json()
    assert (stored["zone"], stored["year"], stored["doc_type"], stored["title"]) == (
        "河源高新区", 2024, "新闻报道", "示范区2024年工作总结（更正）")  # the zone normalised by the API
    history = service.get(f"/v1/reports/{report_id}/history").json()["history"]
    assert {e["field"] for e in history} == {"zone", "year", "doc_type", "title"}
    assert all(e["note"] == "见正文" and e["author"] == "default" for e in history)
    assert page.text_content("#report-result .report-zone") == "河源高新区"
    row.locator("td").nth(1).filter(has_text="河源高新区").wait_for()  # the list is read again
    assert row.locator("td").nth(2).text_content() == "2024"

    messages = []

    def answer(dialog, accept):
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("#report-result .delete-report")
    assert "示范区2024年工作总结（更正）" in messages[0] and "删除" in messages[0]
    assert service.get(f"/v1/reports/{report_id}").status_code == 200

    page.once("dialog", lambda d: answer(d, True))
    page.click("#report-result .delete-report")
    page.wait_for_selector("#report-result .deleted-note")
    assert service.get(f"/v1/reports/{report_id}").status_code == 404
    row.wait_for(state="detached")
    assert page.locator("#reports-table tbody tr").count() == service.get("/v1/reports?limit=500").json()["total"]
