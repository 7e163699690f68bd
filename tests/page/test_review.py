"""The review view: the least certain stored segments one at a time, themes toggled with 1–5, Enter saves,
J/K move, a progress count and a model-versus-person marker."""

from tests.page.test_page import ZH


def item(page) -> dict:
    return page.eval_on_selector("#review-item", """v => ({
        id: v.dataset.id, saved: v.dataset.saved,
        heading: v.querySelector('.review-heading').textContent,
        text: v.querySelector('.review-text').textContent,
        themes: [...v.querySelectorAll('.review-themes li')].map(li => ({
            id: li.dataset.theme, on: li.dataset.on === 'true', model: li.dataset.model === 'true',
            name: li.querySelector('label').textContent, score: li.querySelector('.review-score').textContent,
            diff: li.querySelector('.review-diff')?.textContent || ''}))})""")


def test_review_the_ten_least_certain_segments_with_the_keyboard(page, service):
    model = service.get("/v1/model").json()
    themes = [th["id"] for th in model["themes"]]
    page.click("#tab-review")
    page.wait_for_selector("#review-item:not([hidden])")
    queue = service.get("/v1/review-queue?n=10").json()["segments"]
    assert len(queue) == 10
    assert page.text_content("#review-progress") == "已复核 0 / 10（当前第 1 段）"

    first = item(page)
    assert first["id"] == queue[0]["segment_id"] and first["text"] == queue[0]["text"]
    assert first["heading"] == (" › ".join(queue[0]["heading"]) or "（无标题）")
    assert [th["id"] for th in first["themes"]] == themes
    for i, th in enumerate(first["themes"]):
        assert th["name"].startswith(str(i + 1)) and ZH[th["id"]] in th["name"]
        assert abs(float(th["score"].split(" ")[0]) - queue[0]["scores"][th["id"]]) < 6e-4
        assert th["on"] == th["model"] == (th["id"] in queue[0]["labels"]) and th["diff"] == ""

    # J/K move; the page keeps what was toggled on each segment
    page.keyboard.press("j")
    assert item(page)["id"] == queue[1]["segment_id"]
    page.keyboard.press("k")
    assert item(page)["id"] == queue[0]["segment_id"]

    # 1 and 5 toggle the first and fifth themes: each differs from the model now, and says so
    page.keyboard.press("1")
    page.keyboard.press("5")
    toggled = {th["id"]: th for th in item(page)["themes"]}
    for theme in (themes[0], themes[4]):
        assert toggled[theme]["on"] != toggled[theme]["model"]
        assert toggled[theme]["diff"] == ("人工添加" if toggled[theme]["on"] else "人工去除")
    assert page.get_attribute(".review-compare", "data-differs") == "true"
    wanted = [th for th in themes if toggled[th]["on"]]

    page.keyboard.press("Enter")  # no key: nothing saved, the page says why
    page.wait_for_selector("#review-status[data-kind=error]")
    assert "API 密钥" in page.text_content("#review-status")
    assert service.get(f"/v1/segments/{queue[0]['segment_id']}/labels").json()["labels"] is None

    page.fill("#api-key", service.key)
    page.click("#review-item blockquote")  # back from the key field to the segment
    page.keyboard.press("Enter")
    page.wait_for_selector("#review-status[data-kind=ok]")
    stored = service.get(f"/v1/segments/{queue[0]['segment_id']}/labels").json()
    assert stored["labels"] == wanted and stored["predicted"] == queue[0]["labels"]
    assert page.get_attribute("#review-progress", "data-done") == "1"
    assert page.text_content("#review-progress") == "已复核 1 / 10（当前第 2 段）"
    assert item(page)["id"] == queue[1]["segment_id"]  # Enter moved on to the next unsaved one

    page.keyboard.press("Enter")  # the model's themes unchanged: a person confirms them
    page.wait_for_selector("#review-progress[data-done='2']")
    assert service.get(f"/v1/segments/{queue[1]['segment_id']}/labels").json()["labels"] == \
        [th for th in themes if th in queue[1]["labels"]]
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert item(page)["saved"] == "true" and page.is_visible("text=此段落已复核并保存")


def score_band(margin: float) -> str:
    """The page's bands of the distance to the threshold: near ≤ 0.05 < mid ≤ 0.15 < far."""
    return "near" if margin <= 0.05 else "mid" if margin <= 0.15 else "far"


def test_review_filtered_by_zone_theme_and_score_band(page, service):
    queue = service.get("/v1/review-queue?n=500").json()["segments"]
    first = queue[0]  # its zone, nearest theme and band: the filters of this test, whatever the model's margins
    zone, theme, band = first["zone"], first["nearest_theme"], score_band(first["margin"])
    wanted = [q["segment_id"] for q in queue
              if q["zone"] == zone and q["nearest_theme"] == theme and score_band(q["margin"]) == band][:5]
    page.click("#tab-review")
    page.wait_for_selector("#review-item:not([hidden])")
    page.fill("#review-n", "5")
    page.fill("#review-zone", zone)
    page.select_option("#review-theme", theme)
    page.select_option("#review-band", band)
    page.click("#review-load")
    page.wait_for_selector(f"#review-progress:text('0 / {len(wanted)}')")
    seen = []
    for _ in wanted:
        seen.append(page.get_attribute("#review-item", "data-id"))
        assert ZH[theme] in page.text_content(".review-margin")
        page.keyboard.press("j")
    assert seen == wanted
