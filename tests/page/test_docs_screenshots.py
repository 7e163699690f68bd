"""Screenshots of the page's main views for docs/page.md: each view is drawn from the API and fits in one PNG
under ``LIMIT`` bytes. They go to a temporary folder; with ``POLICYTAG_DOCS_SCREENSHOTS=1`` to ``docs/page/``
(``POLICYTAG_DOCS_SCREENSHOTS=1 .venv/bin/python -m pytest tests/page/test_docs_screenshots.py``), to commit."""

import os
from pathlib import Path

from tests.page.conftest import open_compare
from tests.page.test_page import REPORT, tag_text

DOCS = Path(__file__).resolve().parents[2] / "docs" / "page"
LIMIT = 300_000
VIEWPORT = {"width": 1200, "height": 820}


def test_screenshots_of_the_main_views(page, service, tmp_path):
    folder = DOCS if os.environ.get("POLICYTAG_DOCS_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(VIEWPORT)

    def shot(name: str) -> None:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size < LIMIT, path

    tag_text(page, REPORT)
    page.hover("#tag-result .segment >> nth=1")
    shot("tag")

    page.click("#tab-reports")
    page.wait_for_selector("#reports-table tbody tr")
    first = service.get("/v1/reports?limit=1").json()["reports"][0]["id"]
    page.click(f'#reports-table tr[data-id="{first}"] .open-report')
    page.wait_for_selector("#report-result .segment")
    page.evaluate("window.scrollTo(0, 0)")
    shot("reports")

    page.click("#tab-review")
    page.wait_for_selector("#review-item:not([hidden]) .review-neighbour")
    page.keyboard.press("j")  # a segment with a neighbour on each side, most likely
    shot("review")

    open_compare(page)
    page.evaluate("document.querySelector('#compare-result').scrollIntoView()")
    shot("compare")

    page.click("#tab-model")
    page.wait_for_selector("#model-table tbody tr")
    shot("model")
    assert sorted(p.name for p in folder.glob("*.png")) >= ["compare.png", "model.png", "reports.png", "review.png",
                                                            "tag.png"]
