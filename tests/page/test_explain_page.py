"""Why a theme on the page: the 为什么 control highlights the clauses driving a segment's themes."""

from tests.page.test_page import REPORT, ZH, tag_text


def why_marks(page, segment) -> list[dict]:
    return segment.locator(".why-mark").evaluate_all(
        "ms => ms.map(m => ({theme: m.dataset.theme, text: m.textContent, alpha: m.style.backgroundColor}))")


def test_why_highlights_the_phrase_driving_a_theme_of_a_tagged_report(page, service):
    api = service.post("/v1/tag", json={"text": REPORT}).json()
    seg = next(s for s in api["segments"] if "safety" in s["labels"] and len(s["text"]) > 40)
    tag_text(page, REPORT)
    segment = page.locator(f'#tag-result .segment[data-id="{seg["id"]}"]')
    button = segment.locator(".why-toggle")
    assert button.text_content() == "为什么" and button.get_attribute("aria-expanded") == "false"
    assert segment.locator(".why-mark").count() == 0

    button.focus()  # keyboard: the control is a button reached and pressed without the mouse
    page.keyboard.press("Enter")
    segment.locator(".why-mark").first.wait_for()
    assert button.get_attribute("aria-expanded") == "true"

    why = service.post("/v1/explain", json={"text": seg["text"], "heading": seg["heading"]}).json()
    safety = next(t for t in why["themes"] if t["theme"] == "safety")
    top = safety["phrases"][0]
    marks = why_marks(page, segment)
    assert {"theme": "safety", "text": top["text"]} in [{k: m[k] for k in ("theme", "text")} for m in marks]
    assert segment.locator(".seg-text").text_content() == seg["text"], "the highlight keeps the text as it is"
    legend = segment.locator('.why-theme[data-theme="safety"]')
    assert ZH["safety"] in legend.text_content() and top["text"] in legend.locator(".why-phrase").first.text_content()

    # the highlighted phrase does drive the theme: without it the served model scores safety lower
    edited = seg["text"][:top["start"]] + seg["text"][top["end"]:]
    again = service.post("/v1/explain", json={"text": edited, "heading": seg["heading"]}).json()
    assert top["weight"] > 0 and top["log_odds_drop"] > 0  # from unrounded scores
    assert next(t["score"] for t in again["themes"] if t["theme"] == "safety") <= safety["score"]  # 4 places

    page.keyboard.press("Enter")  # pressed again: hidden, the plain text back
    assert button.get_attribute("aria-expanded") == "false"
    assert segment.locator(".why-mark").count() == 0 and segment.locator(".why").is_hidden()


def test_why_on_a_stored_segment_in_english(page, service):
    reports = service.get("/v1/reports").json()["reports"]
    stored = service.get(f"/v1/reports/{reports[0]['id']}").json()
    seg = next(s for s in stored["segments"] if s["labels"] and len(s["text"]) > 40)
    theme = seg["labels"][0]
    page.click("#lang-switch")
    page.click("#tab-reports")
    page.click(f'#reports-table tr[data-id="{stored["report_id"]}"] .open-report')
    segment = page.locator(f'#report-result .segment[data-id="{seg["id"]}"]')
    with page.expect_response(lambda r: r.url.endswith(f"/v1/segments/{seg['id']}/explain")) as answer:
        segment.locator(".why-toggle", has_text="Why").click()
    why = answer.value.json()
    assert answer.value.status == 200 and why["segment_id"] == seg["id"]
    segment.locator(".why-mark").first.wait_for()
    top = next(t for t in why["themes"] if t["theme"] == theme)["phrases"][0]
    assert top["log_odds_drop"] > 0
    assert top["text"] in [m["text"] for m in why_marks(page, segment)]
    assert "score" in segment.locator(f'.why-theme[data-theme="{theme}"]').text_content()
