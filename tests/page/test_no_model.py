"""The page of a service whose champion cannot load (its artifact cut in half): it loads without a script
error, the header says no model is served, and the model tab gives the reason the service reports."""

import pytest

from tests.live_service import Service as LiveService
from tests.live_service import damaged_copy
from tests.page.conftest import open_page


@pytest.fixture(scope="module")
def broken_service(model_home, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("no-model")
    live = LiveService(damaged_copy(model_home, tmp, "corrupt"), tmp / "data", command="run").start(wait_ready=False)
    yield live
    live.stop()


def test_the_page_says_the_champion_cannot_load_and_why(browser, broken_service):
    with open_page(browser, broken_service.base + "/") as tab:
        tab.wait_for_function("document.querySelector('#model-version').textContent === '未加载模型'")
        tab.click("#tab-model")
        tab.wait_for_selector("#model-status[data-kind=error]")
        status = tab.text_content("#model-status")
        assert "cannot be loaded" in status and "still serving" not in status, status
        tab.click("#tab-reports")  # reads still work: the reports list loads (empty: no seed could be tagged)
        tab.wait_for_selector("#panel-reports:not([hidden])")
