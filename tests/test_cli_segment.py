import json

from typer.testing import CliRunner

from policytag.cli import app

runner = CliRunner()


def test_segment_prints_the_contract(seeds_dir):
    result = runner.invoke(app, ["segment", str(seeds_dir / "000_22baaaceb30652c6.txt")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"zone", "year", "doc_type", "segments"} <= set(out)
    assert out["zone"] == "清远高新区" and out["year"] == 2023
    assert set(out["segments"][0]) == {"id", "start", "end", "text", "heading", "part"}


def test_segment_reads_gb18030_and_honours_overrides(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("阜新高新区2023年工作总结\n一是成立招商专班。二是专利授权300件。".encode("gb18030"))
    result = runner.invoke(app, ["segment", str(path), "--zone", "某某高新区", "--year", "2022"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["zone"], out["year"]) == ("某某高新区", 2022)
    assert [s["text"] for s in out["segments"]] == ["一是成立招商专班。", "二是专利授权300件。"]


def test_bad_input_exits_2_with_a_message(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    for path, message in [(empty, "empty"), (junk, "binary"), (tmp_path / "missing.txt", "no such file")]:
        result = runner.invoke(app, ["segment", str(path)])
        assert result.exit_code == 2
        assert message in json.loads(result.stderr)["error"]


def test_segment_reads_an_html_file_as_text_not_tags(tmp_path):
    """Issue 19: ``policytag segment page.html`` segments the page's text."""
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>清远高新区2023年工作总结</title><style>p{color:red}</style></head><body>"
                    "<p>清远高新区2023年工作总结</p><p>一是成立招商专班。二是专利授权300件。</p></body></html>",
                    encoding="utf-8")
    result = runner.invoke(app, ["segment", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["zone"] == "清远高新区"
    assert not any("<" in s["text"] or "color" in s["text"] for s in out["segments"])
    assert any("招商专班" in s["text"] for s in out["segments"])
