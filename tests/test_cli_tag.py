"""Issue 19's CLI: one-step ``policytag tag FILE``, ``segment`` output feeding ``predict``, and every bad option
answered with the promised ``{"error": ...}`` JSON on stderr and exit 2 (years bounded as in the API)."""

import json

import pytest
from typer.testing import CliRunner

from policytag.cli import app
from policytag.config import get_settings

runner = CliRunner()
REPORT = ("清远高新区2023年工作总结\n一、2023年工作总结\n(一)招商引资成效明显。一是成立招商专班,赴深圳开展招商推介。"
          "二是签约项目12个,合同投资额30亿元。\n(二)党的建设。开展主题教育,落实全面从严治党主体责任。")


@pytest.fixture
def champion_home(model_home, monkeypatch):
    monkeypatch.setenv("POLICYTAG_HOME", str(model_home))
    get_settings.cache_clear()
    yield model_home
    get_settings.cache_clear()


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "qingyuan-2023.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_tag_prints_segments_themes_and_coverage_of_one_report(champion_home, report):
    result = runner.invoke(app, ["tag", str(report)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["zone"], out["year"], out["doc_type"]) == ("清远高新区", 2023, "工作总结")
    assert out["doc_id"] == "qingyuan-2023"
    assert [s["text"][:4] for s in out["segments"]] == ["一是成立", "二是签约", "开展主题"]
    for s in out["segments"]:
        assert REPORT[s["start"]:s["end"]] == s["text"]
        assert set(s["scores"]) == set(out["coverage"]["themes"]) and set(s["labels"]) <= set(s["scores"])
    assert "investment" in out["segments"][1]["labels"]
    cov = out["coverage"]
    assert cov["segments"] == 3 and cov["themes"]["investment"]["segments"] >= 1
    assert out["model"]["uri"] == "models:/policytag@champion" and out["warnings"] == []
    typed = json.loads(runner.invoke(app, ["tag", str(report), "--zone", "武汉东湖新技术开发区", "--year", "2024",
                                           "--title", "东湖"]).stdout)
    assert (typed["zone"], typed["year"], typed["title"]) == ("东湖高新区", 2024, "东湖")


def test_segment_output_feeds_predict_as_a_file_or_through_stdin(champion_home, report, tmp_path):
    segmented = runner.invoke(app, ["segment", str(report)])
    assert segmented.exit_code == 0, segmented.output
    ids = [s["id"] for s in json.loads(segmented.stdout)["segments"]]
    saved = tmp_path / "segments.json"
    saved.write_text(segmented.stdout, encoding="utf-8")
    from_file = runner.invoke(app, ["predict", "--input", str(saved)])
    from_stdin = runner.invoke(app, ["predict", "--input", "-"], input=segmented.stdout)
    tagged = json.loads(runner.invoke(app, ["tag", str(report)]).stdout)
    for result in (from_file, from_stdin):
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["id"] for r in rows] == ids
        # the same labels as tagging the whole report (the heading path travels with each segment)
        assert [r["labels"] for r in rows] == [s["labels"] for s in tagged["segments"]]


@pytest.mark.parametrize("args, says", [
    (["segment", "{report}", "--year", "1900"], "--year"),
    (["segment", "{report}", "--year", "2101"], "--year"),
    (["segment", "{report}", "--year", "二〇二三"], "--year"),
    (["tag", "{report}", "--year", "1977"], "--year"),
    (["segment", "{report}", "--bogus"], "No such option: --bogus"),
    (["tag"], "Missing argument"),
    (["predict"], "Missing option '--input'"),
    (["no-such-command"], "No such command"),
    (["tag", "{report}", "--title", " "], "--title is blank"),
    (["tag", "{missing}"], "no such file"),
    (["predict", "--input", "{missing}"], "no such file"),
    (["predict", "--input", "{report}"], "not JSON"),
    (["batch", "--input", "x", "--partitions", "0"], "--partitions"),
])
def test_every_bad_option_is_a_json_error_with_exit_2(args, says, report, tmp_path):
    args = [a.format(report=report, missing=tmp_path / "missing.txt") for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    error = json.loads(result.stderr)["error"]
    assert says in error and result.stdout == ""


def test_a_year_within_the_apis_bounds_is_taken(report):
    for year in ("1978", "2100"):
        result = runner.invoke(app, ["segment", str(report), "--year", year])
        assert result.exit_code == 0 and json.loads(result.stdout)["year"] == int(year)
