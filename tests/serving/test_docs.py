"""/docs and /redoc work offline: every script, style and icon they load is served by the service itself."""

import re


def test_docs_and_redoc_load_only_local_assets(stub_client):
    for path, bundle in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = stub_client.get(path)
        assert html.status_code == 200 and "text/html" in html.headers["content-type"]
        urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html.text) + re.findall(r"url:\s*'([^']+)'", html.text)
        assert urls and not [u for u in urls if "//" in u], f"{path} loads from another site: {urls}"
        assert f"/docs-assets/{bundle}" in urls
        for url in urls:
            r = stub_client.get(url)
            assert r.status_code == 200 and r.content, url
        assert len(stub_client.get(f"/docs-assets/{bundle}").content) > 500_000  # the real bundle, not a stub
    assert stub_client.get("/openapi.json").json()["info"]["title"] == "policytag"
