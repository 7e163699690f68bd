"""Zone coverage and comparison over stored reports.

The hand-checked tests use a stub model (``[theme]`` markers in the text decide
the labels) because they are about the arithmetic; the seed tests use the
trained champion.
"""

import csv
import io

from fastapi.testclient import TestClient

from serving.ingest import ingest_seeds
from serving.main import create_app
from tests.serving.conftest import A_2023, A_2024, B_2023, make_settings, store


def share(paragraphs, theme):
    return round(sum(f"[{theme}]" in p for p in paragraphs) / len(paragraphs), 4)


def char_share(paragraphs, theme):
    return round(sum(len(p) for p in paragraphs if f"[{theme}]" in p) / sum(map(len, paragraphs)), 4)


def test_zones_list_reports_and_years(corpus):
    assert corpus.get("/v1/zones").json() == {"zones": [
        {"zone": "乙高新区", "reports": 1, "years": [2023]}, {"zone": "甲高新区", "reports": 2, "years": [2023, 2024]}]}


def test_zone_coverage_by_hand(corpus):
    cov = corpus.get("/v1/zones/甲高新区/coverage").json()
    both = A_2023 + A_2024
    assert (cov["zone"], cov["reports"], cov["segments"], cov["characters"]) == ("甲高新区", 2, 6, sum(map(len, both)))
    inv = cov["themes"]["investment"]
    assert (inv["segments"], inv["segment_share"]) == (3, 0.5)
    assert inv["char_share"] == char_share(both, "investment")
    assert cov["themes"]["party"]["segment_share"] == round(1 / 6, 4)
    assert cov["untagged"]["segments"] == 1 and cov["untagged"]["segment_share"] == round(1 / 6, 4)
    lo, hi = inv["segment_share_ci"]
    assert lo < 0.5 < hi
    one_year = corpus.get("/v1/zones/甲高新区/coverage", params={"year": 2023}).json()
    assert one_year["segments"] == 4 and one_year["reports"] == 1
    assert one_year["themes"]["investment"]["segment_share"] == share(A_2023, "investment") == 0.5
    assert one_year["themes"]["safety"]["segment_share"] == 0.25


def test_zone_coverage_errors(corpus):
    r = corpus.get("/v1/zones/丙高新区/coverage")
    assert r.status_code == 404 and "甲高新区" in r.json()["detail"] and "乙高新区" in r.json()["detail"]
    r = corpus.get("/v1/zones/乙高新区/coverage", params={"year": 2024})
    assert r.status_code == 404 and "2023" in r.json()["detail"]
    r = corpus.get("/v1/zones/乙高新区/coverage", params={"part": "summary"})
    assert r.status_code == 422 and "part" in r.json()["detail"]


def test_compare_zones_by_hand(corpus):
    # 6 and 3 segments: too few to rank or test; their shares are still reported (raw: the stub has no rates)
    out = corpus.get("/v1/compare", params={"zones": "甲高新区,乙高新区"}).json()
    assert out["groups"] == ["甲高新区", "乙高新区"] and out["too_few"] == ["甲高新区", "乙高新区"]
    party = out["relative_emphasis"]["乙高新区"]["party"]
    assert party["share"] == share(B_2023, "party") == round(2 / 3, 4)
    assert (party["emphasis"], party["p_value"], party["others_share"]) == ("too_few", None, None)
    assert out["ranking"]["party"] == [] and out["char_ranking"]["party"] == []
    cov = out["coverage"]["甲高新区"]
    assert (cov["segments"], cov["documents"], cov["too_few"], cov["corrected"], cov["method"]) == (6, 2, True, False,
                                                                                                   "cc")
    assert cov["themes"]["investment"]["segment_share"] == cov["themes"]["investment"]["raw_segment_share"] == 0.5


def test_too_few_thresholds_are_settings(tmp_path, model_home, stub_model, database_url):
    # POLICYTAG_COVERAGE_MIN_SEGMENTS / _MAX_WIDTH: with 2 segments and any width, both zones are ranked
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url,
                             coverage_min_segments=2, coverage_max_width=1.0)
    with TestClient(create_app(settings, model=stub_model)) as client:
        store(client, A_2023 + A_2024, "甲高新区", 2023)
        store(client, B_2023, "乙高新区", 2023)
        out = client.get("/v1/compare").json()
        assert out["too_few"] == [] and out["ranking"]["party"] == ["乙高新区", "甲高新区"]
        assert out["relative_emphasis"]["乙高新区"]["party"]["p_value"] is not None
        assert not client.get("/v1/zones/乙高新区/coverage").json()["too_few"]
        report = client.get("/v1/reports").json()["reports"][0]["id"]
        assert not client.get(f"/v1/reports/{report}").json()["coverage"]["too_few"]
    settings = make_settings(model_home, tmp_path / "data", database_url=database_url,
                             coverage_min_segments=4, coverage_max_width=1.0)
    with TestClient(create_app(settings, model=stub_model)) as client:  # 甲 has 6 segments, 乙 3
        out = client.get("/v1/compare").json()
        assert out["too_few"] == ["乙高新区"] and out["ranking"]["party"] == ["甲高新区"]


def test_compare_one_zone_across_years(corpus):
    out = corpus.get("/v1/compare", params={"zones": "甲高新区", "year": "2023,2024"}).json()
    assert out["groups"] == ["甲高新区 2023", "甲高新区 2024"] and out["year"] == [2023, 2024]
    assert out["coverage"]["甲高新区 2024"]["themes"]["party"]["segment_share"] == 0.5
    assert out["coverage"]["甲高新区 2024"]["documents"] == 1


def test_compare_as_csv(corpus):
    for kwargs in ({"params": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}):
        r = corpus.get("/v1/compare", **kwargs)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.content.startswith(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, for Excel
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert len(rows) == 2 * 5
        row = next(x for x in rows if (x["group"], x["theme"]) == ("乙高新区", "party"))
        assert (row["tagged_segments"], row["too_few"], row["emphasis"], row["rank"]) == ("2", "True", "too_few", "")


def test_compare_as_csv_in_chinese(corpus):
    r = corpus.get("/v1/compare", params={"format": "csv", "lang": "zh"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert list(rows[0])[:3] == ["组", "主题", "段落数"] and len(rows) == 2 * 5
    row = next(x for x in rows if (x["组"], x["主题"]) == ("乙高新区", "党建"))
    assert (row["段落太少"], row["相对侧重"], row["排名"]) == ("是", "段落太少", "")
    assert corpus.get("/v1/compare", params={"format": "csv", "lang": "fr"}).status_code == 422


def test_document_type_filter(corpus):
    doc_type = corpus.get("/v1/reports").json()["reports"][0]["doc_type"]
    cov = corpus.get("/v1/zones/甲高新区/coverage", params={"doc_type": doc_type}).json()
    assert (cov["segments"], cov["reports"], cov["doc_type"]) == (6, 2, doc_type)
    other = "新闻报道" if doc_type != "新闻报道" else "工作总结"
    none = corpus.get("/v1/zones/甲高新区/coverage", params={"doc_type": other}).json()
    assert (none["segments"], none["reports"]) == (0, 0)
    r = corpus.get("/v1/compare", params={"doc_type": other})
    assert r.status_code == 422 and "at least two groups" in r.json()["detail"]


def test_compare_errors(corpus):
    r = corpus.get("/v1/compare", params={"zones": "甲高新区"})
    assert r.status_code == 422 and "at least two groups" in r.json()["detail"]
    r = corpus.get("/v1/compare", params={"zones": "甲高新区,丙高新区"})
    assert r.status_code == 404 and "丙高新区" in r.json()["detail"]
    r = corpus.get("/v1/compare", params={"year": "last"})
    assert r.status_code == 422 and "2023,2024" in r.json()["detail"]
    assert corpus.get("/v1/compare", params={"format": "xml"}).status_code == 422


def test_seeds_ingest_once_and_compare(client, settings, champion):
    app = client.app
    first = ingest_seeds(app.state.sessions, champion, settings.seeds)
    assert [r["created"] for r in first] == [True] * 5 and [r["segments"] for r in first] == [53, 62, 27, 27, 15]
    assert [r["created"] for r in ingest_seeds(app.state.sessions, champion, settings.seeds)] == [False] * 5
    zones = {z["zone"]: z for z in client.get("/v1/zones").json()["zones"]}
    assert zones["清远高新区"] == {"zone": "清远高新区", "reports": 2, "years": [2023, 2024]}
    assert len(zones) == 4
    cov = client.get("/v1/zones/清远高新区/coverage").json()
    assert cov["segments"] == 53 + 27
    out = client.get("/v1/compare").json()
    assert out["groups"] == sorted(zones)
    for theme, order in out["ranking"].items():
        shares = [out["coverage"][g]["themes"][theme]["segment_share"] for g in order]
        assert shares == sorted(shares, reverse=True)
    plan = client.get("/v1/zones/鹤城高新区/coverage", params={"part": "plan"}).json()
    assert 0 < plan["segments"] < 15
