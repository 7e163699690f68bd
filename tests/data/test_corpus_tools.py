"""The corpus tools on small made-up inputs: held-out list, merging passes, batches."""

from policytag.labels.corpus import annotation_batches, merge_passes, normalize_url, read_heldout

HELDOUT = """# Held out
## Repositories
- github:someone/reports-2026 (use only ../shared/corpus/provincial-2026/)
- github:other/analysis
## Web pages
- http://www.example.gov.cn/art/2020/1/1/art_1.html
- https://news.example.com/a/b.html
"""


def test_held_out_sources_are_recognised_in_any_url_spelling(tmp_path):
    path = tmp_path / "heldout.md"
    path.write_text(HELDOUT, encoding="utf-8")
    heldout = read_heldout(path)
    assert heldout.reason({"url": "https://example.gov.cn/art/2020/1/1/art_1.html"})
    assert heldout.reason({"url": "http://big5.news.example.com/a/b.html/"})
    assert heldout.reason({"url": "http://www.example.gov.cn/art/2020/1/1/art_2.html"}) is None
    assert heldout.reason({"repo": "github:other/analysis", "path": "x.txt"})
    assert heldout.reason({"repo": "github:someone/reports-2026", "path": "raw/x.txt"})
    assert heldout.reason({"repo": "github:someone/reports-2026", "path": "provincial-2026/x.txt"}) is None
    assert normalize_url("HTTP://www.A.cn/x/") == "a.cn/x"


def test_merge_keeps_both_passes_and_needs_an_adjudication_where_they_differ():
    tasks = [{"id": i, "text": i} for i in ("s1", "s2", "s3", "s4")]
    a = {"s1": ["party"], "s2": ["safety"], "s3": [], "s4": []}
    b = {"s1": ["party"], "s2": [], "s3": ["bizenv"]}
    adjudicated = {"s2": {"labels": ["safety"], "reason": "隐患排查 is safety work"}}
    records, unresolved = merge_passes(tasks, a, b, adjudicated)
    assert [(r["id"], r["labels"]) for r in records] == [("s1", ["party"]), ("s2", ["safety"])]
    assert records[1]["passes"] == {"a": ["safety"], "b": []}
    assert records[1]["adjudication"] == "隐患排查 is safety work" and "adjudication" not in records[0]
    assert unresolved == ["s3", "s4"]  # differing without adjudication; pass b missing
    reviewed = {"s1": {"labels": [], "reason": "case 22: framing"}, "s2": {"labels": ["safety"], "reason": "same"}}
    records, _ = merge_passes(tasks, a, b, adjudicated, reviewed)
    assert records[0]["labels"] == [] and records[0]["relabelled"] == "case 22: framing"
    assert records[0]["passes"] == {"a": ["party"], "b": ["party"]}  # the passes stay as they were
    assert "relabelled" not in records[1]  # a review that keeps the labels changes nothing


def test_batches_are_consecutive_numbered_and_even():
    tasks = [{"id": str(i), "doc": "d", "heading": [], "text": "x"} for i in range(10)]
    batches = annotation_batches(tasks, 3)
    assert [len(b) for b in batches] == [3, 4, 3]
    assert [t["id"] for b in batches for t in b] == [str(i) for i in range(10)]
    assert [t["k"] for t in batches[1]] == [1, 2, 3, 4]


def test_the_corpus_is_written_in_files_of_bounded_size_and_read_back_whole(tmp_path, monkeypatch):
    from policytag.labels import files

    monkeypatch.setattr(files, "CORPUS_FILE_RECORDS", 2)
    records = [{"id": str(i), "genre": "zone" if i % 3 else "government"} for i in range(7)]
    (tmp_path / files.CORPUS_DIR).mkdir(parents=True)
    (tmp_path / files.CORPUS_DIR / "stale.jsonl").write_text('{"id": "old", "genre": "zone"}\n')
    files.write_corpus(tmp_path, records)
    names = sorted(p.name for p in (tmp_path / files.CORPUS_DIR).glob("*.jsonl"))
    assert names == ["government-1.jsonl", "government-2.jsonl", "zone-1.jsonl", "zone-2.jsonl"]
    assert sorted(r["id"] for r in files.read_corpus(tmp_path)) == sorted(r["id"] for r in records)
