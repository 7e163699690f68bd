"""A zone over the years on the compare view: one line per theme in the theme colours, the 95% interval as a
band, the shares those of GET /v1/compare with the zone's years, the caption carrying the filters."""

from datetime import date

from tests.page.test_page import ZH

PART_ZH = {"review": "工作回顾", "plan": "工作计划", "problems": "存在问题", "other": "其他"}
PALETTE = {"investment": "#d97a1e", "innovation": "#2f78c4", "bizenv": "#2e9462", "party": "#c23b32",
           "safety": "#8a55b3"}


def series(page) -> list[dict]:
    return page.eval_on_selector_all("#trend-chart svg g.series", """gs => gs.map(g => ({
        theme: g.dataset.theme, colour: g.querySelector('polyline.line').getAttribute('stroke'),
        band: g.querySelector('polygon.band').getAttribute('points').trim().split(/\\s+/).length,
        points: [...g.querySelectorAll('circle.point')].map(c => ({year: Number(c.dataset.year),
            share: c.dataset.share === undefined ? null : Number(c.dataset.share),
            ci: c.dataset.ci ? c.dataset.ci.split(',').map(Number) : null, fill: c.getAttribute('fill'),
            title: c.querySelector('title').textContent}))}))""")


def show_trend(page, zone: str) -> None:
    page.select_option("#trend-zone", zone)
    page.click("#trend-submit")


def test_follow_a_zone_over_the_years(page, service):
    zones = {z["zone"]: z["years"] for z in service.get("/v1/zones").json()["zones"]}
    zone = "清远高新区"
    assert len(zones[zone]) >= 2
    page.click("#tab-compare")
    page.wait_for_selector("#heatmap svg .cell")
    show_trend(page, zone)
    page.locator("#trend-status").filter(has_text=f"{len(zones[zone])} 个年份").wait_for()
    api = service.get("/v1/compare", params={"zones": zone, "year": ",".join(map(str, zones[zone]))}).json()
    by_year = {api["group_keys"][g]["year"]: api["coverage"][g] for g in api["groups"]}

    def check(measure_key: str, ci_key: str) -> None:
        shown = series(page)
        assert [s["theme"] for s in shown] == api["themes"]
        for s in shown:
            assert s["colour"] == PALETTE[s["theme"]]
            assert s["band"] == 2 * len(by_year)  # the interval's upper edge, then the lower edge back
            assert [p["year"] for p in s["points"]] == sorted(by_year)
            for p in s["points"]:
                entry = by_year[p["year"]]["themes"][s["theme"]]
                assert p["share"] == entry[measure_key] and p["ci"] == entry[ci_key]
                assert ZH[s["theme"]] in p["title"] and str(p["year"]) in p["title"]
                assert (p["fill"] == "#fff") == by_year[p["year"]]["too_few"]  # hollow: too few that year

    check("segment_share", "segment_share_ci")
    caption = page.text_content("#trend-chart svg text.caption")
    model = service.get("/v1/model").json()
    assert f"园区：{zone}" in caption and "年份：" + "、".join(map(str, zones[zone])) in caption
    assert f"模型 v{model['version']}" in caption and date.today().isoformat() in caption and "依据：段落" in caption
    legend = page.eval_on_selector_all("#trend-chart svg > text", "ts => ts.map(t => t.textContent)")
    assert all(ZH[th] in legend for th in api["themes"])

    page.select_option("#compare-measure", "char")  # the measure switch redraws the trend too
    check("char_share", "char_share_ci")
    assert "依据：字符" in page.text_content("#trend-chart svg text.caption")

    with page.expect_download() as dl:
        page.click("#export-trend-svg")
    assert dl.value.suggested_filename == "policytag-trend.svg"

    # a part: the trend of that part of the reports (one that both years have)
    years = ",".join(map(str, zones[zone]))
    part = next(p for p in ("review", "plan", "problems", "other")
                if service.get("/v1/compare", params={"zones": zone, "year": years, "part": p}).status_code == 200)
    page.select_option("#compare-measure", "segment")
    page.select_option("#compare-part", part)
    show_trend(page, zone)
    page.wait_for_function("p => document.querySelector('#trend-chart svg text.caption')?.textContent.includes(p)",
                           arg="部分：" + PART_ZH[part])
    plan = service.get("/v1/compare", params={"zones": zone, "year": years, "part": part}).json()
    shown = {s["theme"]: s["points"] for s in series(page)}
    for g in plan["groups"]:
        year = plan["group_keys"][g]["year"]
        for th in plan["themes"]:
            point = next(p for p in shown[th] if p["year"] == year)
            assert point["share"] == plan["coverage"][g]["themes"][th]["segment_share"]

    one = next(z for z, years in zones.items() if len(years) == 1)  # a zone with one year has no trend
    show_trend(page, one)
    page.locator("#trend-status").filter(has_text="至少需要两个年份").wait_for()
    assert one in page.text_content("#trend-status") and page.is_hidden("#trend-result")
