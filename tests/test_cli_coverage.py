"""``policytag coverage`` on pre-cut segments with the session's TF-IDF champion: the issue's output contract."""

import json

from typer.testing import CliRunner

from policytag.cli import app
from policytag.config import get_settings

INVESTMENT = "成立招商引资专班,赴深圳开展招商推介,签约项目12个,合同投资额30亿元。"
PARTY = "开展主题教育,落实全面从严治党主体责任,加强党风廉政建设。"


def test_coverage_per_group_corrected_with_the_models_error_rates(model_home, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYTAG_HOME", str(model_home))
    get_settings.cache_clear()
    source = tmp_path / "segments.jsonl"
    rows = [{"id": i, "text": INVESTMENT, "zone": "甲"} for i in range(25)]
    rows += [{"id": 100 + i, "text": PARTY, "zone": "乙"} for i in range(3)]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["coverage", "--input", str(source), "--group-by", "zone"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    groups = {g["group"]: g for g in out["groups"]}
    assert set(groups) == {"甲", "乙"} and groups["甲"]["segments"] == 25 and groups["乙"]["segments"] == 3
    a = groups["甲"]
    assert a["corrected"] is True and a["method"] == "pcc" and not a["too_few"] and groups["乙"]["too_few"]
    inv = a["themes"]["investment"]
    assert set(inv) == {"share", "raw_share", "low", "high"} and inv["raw_share"] == 1.0
    assert 0 <= inv["low"] <= inv["share"] <= inv["high"] <= 1 and inv["share"] > 0.5
    assert groups["乙"]["themes"]["party"]["raw_share"] == 1.0
    raw = json.loads(CliRunner().invoke(app, ["coverage", "--input", str(source), "--group-by", "zone",
                                              "--method", "cc"]).stdout)
    assert raw["groups"][0]["themes"]["investment"]["share"] == 1.0
    result = CliRunner().invoke(app, ["coverage", "--input", str(source), "--group-by", "year"])
    assert result.exit_code == 2 and "no 'year' field" in result.stderr
    get_settings.cache_clear()


def test_too_few_thresholds_come_from_the_settings(model_home, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYTAG_HOME", str(model_home))
    source = tmp_path / "segments.jsonl"
    rows = [{"id": i, "text": INVESTMENT, "zone": "甲"} for i in range(25)]
    rows += [{"id": 100 + i, "text": PARTY, "zone": "乙"} for i in range(3)]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")

    def too_few(**env: str) -> dict:
        for name, value in env.items():
            monkeypatch.setenv(f"POLICYTAG_COVERAGE_{name.upper()}", value)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, ["coverage", "--input", str(source), "--group-by", "zone"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        return {g["group"]: g["too_few"] for g in json.loads(result.stdout)["groups"]}

    assert too_few() == {"甲": False, "乙": True}  # defaults: 20 segments, 50 points
    assert too_few(min_segments="30") == {"甲": True, "乙": True}
    assert too_few(min_segments="2", max_width="1.0") == {"甲": False, "乙": False}
