"""The page speaks Chinese by default and English on request, from one translation table (serving/page/i18n.js)."""

import re

from tests.page.conftest import open_compare
from tests.page.test_page import REPORT, ZH, shown_segments, tag_text

EN = {"investment": "Investment attraction", "innovation": "Technological innovation"}

# Latin words a Chinese reader may see: names of things (the product, formats, statistics) and the switch itself.
ALLOWED = {"policytag", "API", "CSV", "SVG", "PNG", "Holm", "English", "default", "txt", "html", "docx"}


def latin_words(page, selector: str = "body") -> set[str]:
    """Latin words of three or more letters in the visible text and the tooltips under ``selector``."""
    text = page.eval_on_selector(selector, """root => root.innerText + ' ' +
        [...root.querySelectorAll('[title]')].map(e => e.title).join(' ') + ' ' +
        [...root.querySelectorAll('[placeholder]')].map(e => e.placeholder).join(' ') + ' ' +
        [...root.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label')).join(' ')""")
    return set(re.findall(r"[A-Za-z]{3,}", text))


def test_both_languages_have_the_same_texts(page):
    keys = page.evaluate("""async () => {
        const { table } = await import('/page/i18n.js');
        const t = table();
        return { zh: Object.keys(t.zh).sort(), en: Object.keys(t.en).sort(),
                 blank: Object.entries(t).flatMap(([l, x]) => Object.entries(x).filter(([, v]) => !v.trim())
                                                  .map(([k]) => `${l}:${k}`)) };
    }""")
    assert keys["zh"] == keys["en"] and len(keys["zh"]) > 100
    assert keys["blank"] == []


def test_chinese_by_default_with_no_english_left(page, service):
    model = service.get("/v1/model").json()
    allowed = ALLOWED | {model["name"], model["model_type"], model["alias"],
                         *re.findall(r"[A-Za-z]{3,}", model["run_id"] or "")}
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.text_content("#tab-tag") == "标注" and page.text_content("#tag-submit") == "标注"
    undated = REPORT.replace("2025年", "")
    api = service.post("/v1/tag", json={"text": undated}).json()
    assert api["year"] is None and api["warnings"]
    tag_text(page, undated)  # no year found: the page warns in Chinese, not with the API's English
    warnings = page.eval_on_selector_all("#tag-result .warnings li", "ls => ls.map(l => l.textContent)")
    assert len(warnings) == len(api["warnings"]) and any("未识别出年份" in w for w in warnings)
    assert latin_words(page, "#panel-tag") <= allowed
    page.click("#tab-reports")
    page.wait_for_selector("#reports-table tbody tr")
    page.click("#reports-table tbody tr .open-report")
    page.wait_for_selector("#report-result .segment")
    page.locator("#report-result .edit-toggle").first.click()
    assert latin_words(page, "#panel-reports") <= allowed
    open_compare(page)
    assert latin_words(page, "#panel-compare") <= allowed
    page.click("#tab-model")
    assert latin_words(page, "#model-facts") <= allowed
    theme_cells = page.eval_on_selector_all("#model-table tbody th", "ts => ts.map(t => t.childNodes[1].textContent)")
    assert [c.strip() for c in theme_cells] == [ZH[t["id"]] for t in model["themes"]]


def test_english_switch_translates_what_is_shown_and_is_remembered(page, service):
    tag_text(page, REPORT)
    chips_zh = shown_segments(page)
    page.click("#lang-switch")
    assert page.get_attribute("html", "lang") == "en"
    assert page.text_content("#tab-tag") == "Tag" and page.text_content("#lang-switch") == "中文"
    assert page.get_attribute("#api-key", "placeholder") == "for store / correct"
    # the report already drawn is drawn again in English: chips, hint and coverage caption
    chips_en = shown_segments(page)
    themes = {t["id"]: t["en"] for t in service.get("/v1/model").json()["themes"]}
    assert [s["chips"] for s in chips_en] == [[themes[t] for t in s["labels"]] for s in chips_zh]
    assert "segments; hover a segment" in page.text_content("#tag-result")
    assert "share of the" in page.text_content("#tag-result .cov-caption")
    open_compare(page)
    assert "Relative emphasis" in page.text_content("#panel-compare")
    assert "lang=en" in page.get_attribute("#export-csv", "href")

    page.reload()  # the choice is kept
    page.wait_for_selector("body[data-ready=true]")
    assert page.text_content("#tab-reports") == "Reports"
    page.click("#lang-switch")
    assert page.text_content("#tab-reports") == "报告" and page.get_attribute("html", "lang") == "zh-CN"
