"""The review view's context: the segment's neighbours in its report, dimmed around it; and the corrected
segments, each with the person's themes beside the model's."""

import httpx

from tests.page.conftest import API_KEY
from tests.page.test_page import ZH


def neighbours(page) -> dict:
    return page.eval_on_selector_all("#review-item .review-neighbour", """ps => Object.fromEntries(ps.map(p =>
        [p.dataset.which, {id: p.dataset.id || null,
                           text: p.querySelector('.review-neighbour-text')?.textContent ?? null}]))""")


def test_each_segment_is_shown_between_its_neighbours(page, service):
    queue = service.get("/v1/review-queue?n=10").json()["segments"]
    page.click("#tab-review")
    page.wait_for_selector("#review-item:not([hidden])")
    for item in queue[:4]:
        assert page.get_attribute("#review-item", "data-id") == item["segment_id"]
        shown = neighbours(page)
        for which in ("previous", "next"):
            seg = item[which] or {"segment_id": None, "text": None}  # none: the report's start or end
            assert shown[which] == {"id": seg["segment_id"], "text": seg["text"]}
        page.keyboard.press("j")
    where = page.eval_on_selector("#review-item", """v => ['[data-which=previous]', '.review-text',
        '[data-which=next]'].map(sel => [...v.children].indexOf(v.querySelector(sel)))""")
    assert 0 <= where[0] < where[1] < where[2]  # before, the segment, after


def test_corrected_segments_show_the_person_beside_the_model(page, service):
    queue = service.get("/v1/review-queue?n=500").json()["segments"]
    target = next(s for s in reversed(queue) if s["labels"])  # a segment the model gave a theme
    human = ["safety"] if target["labels"] != ["safety"] else ["party"]
    r = httpx.put(f"{service.base}/v1/segments/{target['segment_id']}/labels", json={"labels": human, "note": "复核"},
                  headers={"X-API-Key": API_KEY}, timeout=30)
    assert r.status_code == 200
    page.click("#tab-review")
    page.wait_for_selector("#review-item:not([hidden])")
    page.select_option("#review-mode", "corrected")
    page.click("#review-load")
    page.wait_for_selector(f'#review-item[data-id="{target["segment_id"]}"]')
    who = page.text_content(".review-corrected")
    assert "已由 default 于" in who and "复核" in who
    marks = page.eval_on_selector_all(".review-themes li", """lis => lis.map(li => [li.dataset.theme,
        li.dataset.on === 'true', li.dataset.model === 'true', li.querySelector('.review-diff')?.textContent || ''])""")
    for theme, on, model, diff in marks:
        assert on == (theme in human) and model == (theme in target["labels"])
        assert diff == ("" if on == model else "人工添加" if on else "人工去除")
    assert page.get_attribute(".review-compare", "data-differs") == "true"
    compare = page.text_content(".review-compare")
    assert all(ZH[th] in compare.split("人工")[1] for th in human)
    assert neighbours(page)["previous"]["text"] == (target["previous"] or {}).get("text")
