"""Browser fixtures: the main job on a free port (seeds stored, API key set), Debian's chromium driven by
Playwright, a screenshot of the page when a test fails."""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.live_service import Service as LiveService

CHROMIUM = Path("/usr/bin/chromium")
API_KEY = "page-key-7"
SCREENSHOTS = Path(__file__).parent / "screenshots"


class Service:
    def __init__(self, base: str, key: str):
        self.base, self.key = base, key

    def get(self, path: str, **kw) -> httpx.Response:
        return httpx.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return httpx.post(self.base + path, timeout=30, **kw)


@pytest.fixture(scope="session")
def service(model_home, tmp_path_factory):
    """``policytag run`` as a real uvicorn process: stores the five seeds, needs ``API_KEY`` to write."""
    live = LiveService(model_home, tmp_path_factory.mktemp("page-service") / "data", command="run", key=API_KEY,
                       env={"POLICYTAG_BOOTSTRAP_RESAMPLES": "200"}).start()
    yield Service(live.base, API_KEY)
    live.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session (Debian's package; nothing is downloaded)."""
    if not CHROMIUM.exists():
        message = "no /usr/bin/chromium: run `bash scripts/setup_browser.sh` (installs chromium and a CJK font)"
        if os.environ.get("POLICYTAG_SKIP_BROWSER_TESTS") == "1":
            pytest.skip(message)
        pytest.fail(message + ", or set POLICYTAG_SKIP_BROWSER_TESTS=1 to skip the page tests")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
        "--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"])
    yield chromium
    chromium.close()
    pw.stop()


@contextmanager
def open_page(browser, url: str):
    """A fresh tab (own sessionStorage) on ``url``, loaded; fails the test on any script error."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(url)
    tab.wait_for_selector("body[data-ready=true]")
    yield tab
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def page(browser, service):
    with open_page(browser, service.base + "/") as tab:
        yield tab


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test leaves a full-page screenshot in tests/page/screenshots/ (or $POLICYTAG_SCREENSHOTS)."""
    report = yield
    tab = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and tab is not None and not tab.is_closed():
        folder = Path(os.environ.get("POLICYTAG_SCREENSHOTS") or SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (re.sub(r"[^\w.-]+", "_", item.name) + ".png")
        try:
            tab.screenshot(path=str(path), full_page=True)
            report.sections.append(("screenshot", str(path)))
        except Exception as exc:  # noqa: BLE001 - a screenshot must not hide the failure
            report.sections.append(("screenshot", f"could not be taken: {exc}"))
    return report


def open_compare(page) -> None:
    page.click("#tab-compare")
    page.wait_for_selector("#heatmap svg .cell")


def compare_years(page, zone: str, years: tuple[str, ...]) -> None:
    """On the Compare tab, compare one zone over ``years`` and wait for the answer."""
    open_compare(page)
    for box in page.locator("#compare-zones input").all():
        box.set_checked(box.get_attribute("value") == zone)
    for year in years:
        page.check(f'#compare-years input[value="{year}"]')
    page.click("#compare-submit")
    page.locator("#compare-status").filter(has_text=f"{len(years)} 组").wait_for()
