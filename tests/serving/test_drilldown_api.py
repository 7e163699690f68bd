"""The segments behind a coverage cell (GET /v1/segments) and the comparison as an Excel workbook
(GET /v1/compare?format=xlsx), over the stub model's stored corpus (tests/serving/conftest.py)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.serving.conftest import A_2023, A_2024, B_2023, store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def texts(answer: dict) -> list[str]:
    return [s["text"] for s in answer["segments"]]


def test_segments_of_a_cell_are_those_coverage_counts(corpus):
    for zone, year, paragraphs in (("甲高新区", None, A_2023 + A_2024), ("甲高新区", 2024, A_2024),
                                   ("乙高新区", 2023, B_2023)):
        for theme in ("investment", "innovation", "party", "safety", "bizenv"):
            params = {"zone": zone, "theme": theme, **({"year": year} if year else {})}
            out = corpus.get("/v1/segments", params=params).json()
            expected = [p for p in paragraphs if f"[{theme}]" in p]  # reading order: by year, then position
            assert texts(out) == expected, (zone, year, theme)
            cov = corpus.get(f"/v1/zones/{zone}/coverage", params={k: v for k, v in params.items() if k != "theme"
                                                                     and k != "zone"}).json()
            assert out["total"] == cov["themes"][theme]["segments"]
    out = corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment"}).json()
    first = out["segments"][0]
    assert (first["year"], first["position"], first["corrected"]) == (2023, 0, False)
    assert first["labels"] == first["model_labels"] == ["investment"] and first["score"] == 1.0
    report = corpus.get(f"/v1/reports/{first['report_id']}").json()
    assert first["report_title"] == report["title"] and first["doc_type"] == report["doc_type"]
    stored = report["segments"][0]
    assert (stored["id"], stored["heading"], stored["part"], stored["text"]) == (
        first["id"], first["heading"], first["part"], first["text"])


def test_a_persons_correction_wins_as_in_coverage(corpus):
    out = corpus.get("/v1/segments", params={"zone": "乙高新区", "theme": "party"}).json()
    assert out["total"] == 2
    segment = out["segments"][1]  # 推进科技企业孵化器建设[innovation][party]: a person says innovation only
    r = corpus.put(f"/v1/segments/{segment['id']}/labels", json={"labels": ["innovation"]})
    assert r.status_code == 200, r.text
    party = corpus.get("/v1/segments", params={"zone": "乙高新区", "theme": "party"}).json()
    assert party["total"] == 1 == corpus.get("/v1/zones/乙高新区/coverage").json()["themes"]["party"]["segments"]
    assert segment["id"] not in [s["id"] for s in party["segments"]]
    # a third paragraph gains a theme from a person
    plain = corpus.get("/v1/reports").json()["reports"][-1]["id"]
    last = corpus.get(f"/v1/reports/{plain}").json()["segments"][-1]
    assert corpus.put(f"/v1/segments/{last['id']}/labels", json={"labels": ["bizenv"]}).status_code == 200
    bizenv = corpus.get("/v1/segments", params={"zone": "乙高新区", "theme": "bizenv"}).json()
    assert [(s["id"], s["corrected"], s["labels"], s["model_labels"]) for s in bizenv["segments"]] == [
        (last["id"], True, ["bizenv"], [])]


def test_segments_are_paged(corpus):
    everything = corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment"}).json()
    assert everything["total"] == 3 and len(everything["segments"]) == 3
    pages = [corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment", "limit": 2,
                                                "offset": offset}).json() for offset in (0, 2, 4)]
    assert [len(p["segments"]) for p in pages] == [2, 1, 0] and {p["total"] for p in pages} == {3}
    assert [s["id"] for p in pages for s in p["segments"]] == [s["id"] for s in everything["segments"]]


def test_segments_filters_part_and_doc_type(corpus):
    doc_type = corpus.get("/v1/reports").json()["reports"][0]["doc_type"]
    out = corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment", "doc_type": doc_type})
    assert out.json()["total"] == 3 and out.json()["doc_type"] == doc_type
    other = "新闻报道" if doc_type != "新闻报道" else "工作总结"
    assert corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment",
                                              "doc_type": other}).json()["total"] == 0
    part = out.json()["segments"][0]["part"]
    same = corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment", "part": part}).json()
    assert same["total"] == sum(s["part"] == part for s in out.json()["segments"]) and same["part"] == part
    other_part = "problems" if part != "problems" else "plan"
    none = corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment", "part": other_part})
    assert none.json()["total"] == 0


@pytest.mark.parametrize(("params", "status", "words"), [
    ({"zone": "甲高新区", "theme": "tourism"}, 422, "unknown theme 'tourism'"),
    ({"zone": "甲高新区"}, 422, "theme"),
    ({"theme": "party"}, 422, "zone"),
    ({"zone": "丙高新区", "theme": "party"}, 404, "甲高新区"),
    ({"zone": "乙高新区", "theme": "party", "year": 2024}, 404, "2023"),
    ({"zone": "甲高新区", "theme": "party", "year": 1900}, 422, "year"),
    ({"zone": "甲高新区", "theme": "party", "limit": 101}, 422, "limit"),
    ({"zone": "甲高新区", "theme": "party", "limit": 0}, 422, "limit"),
    ({"zone": "甲高新区", "theme": "party", "offset": -1}, 422, "offset"),
    ({"zone": "甲高新区", "theme": "party", "part": "summary"}, 422, "part"),
])
def test_segments_bad_parameters(corpus, params, status, words):
    r = corpus.get("/v1/segments", params=params)
    assert r.status_code == status and words in r.json()["detail"], r.text


def test_compare_names_each_groups_zone_and_year(corpus):
    out = corpus.get("/v1/compare", params={"zones": "甲高新区", "year": "2023,2024"}).json()
    assert out["group_keys"] == {"甲高新区 2023": {"zone": "甲高新区", "year": 2023},
                                 "甲高新区 2024": {"zone": "甲高新区", "year": 2024}}
    out = corpus.get("/v1/compare", params={"year": "2023"}).json()
    assert out["group_keys"] == {g: {"zone": g, "year": 2023} for g in ("甲高新区", "乙高新区")}


def workbook(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert 'filename="policytag-compare.xlsx"' in response.headers["content-disposition"]
    return load_workbook(io.BytesIO(response.content))


def test_compare_as_xlsx_holds_the_json_comparison(corpus):
    part = corpus.get("/v1/segments", params={"zone": "甲高新区", "theme": "investment"}).json()["segments"][0]["part"]
    params = {"zones": "甲高新区,乙高新区", "part": part}
    api = corpus.get("/v1/compare", params=params).json()
    book = workbook(corpus.get("/v1/compare", params={**params, "format": "xlsx"}))
    assert book.sheetnames == ["segment shares", "character shares", "details"]
    head = [c.value for c in book["segment shares"][1] if c.value is not None]
    assert head == ["policytag comparison", "zones: 甲高新区, 乙高新区", "years: all", f"part: {part}",
                    "document type: all", "model: vstub-1", "corrected: no",
                    f"date: {datetime.now(UTC).date().isoformat()}"]
    for sheet, key, size in (("segment shares", "segment_share", "segments"),
                             ("character shares", "char_share", "characters")):
        rows = [[c.value for c in row] for row in book[sheet].iter_rows(min_row=3)]
        assert rows[0] == ["group", "zone", "year", size, "reports", "too few", *api["themes"]]
        assert [r[0] for r in rows[1:]] == api["groups"]
        for row in rows[1:]:
            cov = api["coverage"][row[0]]
            assert row[1:6] == [row[0], None, cov[size], cov["documents"], "yes" if cov["too_few"] else "no"]
            assert row[6:] == [cov["themes"][t][key] for t in api["themes"]]
    csv_rows = corpus.get("/v1/compare", params={**params, "format": "csv"}).content.decode("utf-8-sig")
    details = [[as_csv(c.value) for c in row] for row in book["details"].iter_rows(min_row=3)]
    assert details == [[as_csv(number(v)) for v in row] for row in csv.reader(io.StringIO(csv_rows))]


def number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def as_csv(value) -> str:
    """A cell as the CSV writes it, numbers compared as numbers (a workbook reads 0.0 back as 0)."""
    return "" if value is None else repr(float(value)) if isinstance(value, int | float) and not isinstance(
        value, bool) else str(value)


def test_compare_as_xlsx_in_chinese_with_filters(corpus):
    doc_type = corpus.get("/v1/reports").json()["reports"][0]["doc_type"]
    params = {"zones": "甲高新区", "year": "2023,2024", "doc_type": doc_type, "lang": "zh"}
    api = corpus.get("/v1/compare", params=params).json()
    book = workbook(corpus.get("/v1/compare", params={**params, "format": "xlsx"}))
    assert book.sheetnames == ["段落份额", "字符份额", "明细"]
    sheet = book["段落份额"]
    head = [c.value for c in sheet[1] if c.value is not None]
    assert head[1:5] == ["园区：甲高新区", "年份：2023、2024", "报告部分：全文", f"文档类型：{doc_type}"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0] == ["组", "园区", "年份", "段落数", "报告数", "段落太少", "招商引资", "科技创新", "营商环境", "党建",
                       "安全生产"]
    assert [r[:3] for r in rows[1:]] == [["甲高新区 2023", "甲高新区", 2023], ["甲高新区 2024", "甲高新区", 2024]]
    assert rows[2][6:] == [api["coverage"]["甲高新区 2024"]["themes"][t]["segment_share"] for t in api["themes"]]
    assert sheet.cell(4, 7).number_format == "0.0%"
    details = [[c.value for c in row] for row in book["明细"].iter_rows(min_row=3, max_row=4)]
    assert details[0][:3] == ["组", "主题", "段落数"] and details[1][:2] == ["甲高新区 2023", "招商引资"]
    assert corpus.get("/v1/compare", headers={"Accept": XLSX}).headers["content-type"] == XLSX


def test_xlsx_keeps_a_formula_like_zone_as_text(stub_client):
    zone = "=HYPERLINK(\"http://x\",\"a\")高新区"
    store(stub_client, B_2023, zone, 2023)
    store(stub_client, A_2023, "甲高新区", 2023)
    book = workbook(stub_client.get("/v1/compare", params={"format": "xlsx"}))
    cell = book["segment shares"]["A5"] if book["segment shares"]["A4"].value == "甲高新区" else \
        book["segment shares"]["A4"]
    assert cell.value == zone and cell.data_type == "s"
