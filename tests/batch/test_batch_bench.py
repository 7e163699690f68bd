"""The benchmark's synthetic archive (bench/batch.py): seeds repeated with changed zone names."""

from __future__ import annotations

import json

from bench.batch import build_archive


def test_synthetic_archive_renames_zones_and_keeps_ids_unique(tmp_path, seeds_dir):
    path = build_archive(12, tmp_path, seeds_dir)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 12 and len({r["doc_id"] for r in rows}) == 12
    assert [r["zone"] for r in rows[:6]] == ["样本0000高新区"] * 5 + ["样本0001高新区"]
    first = rows[0]  # a copy of the first seed: its zone name (清远高新区) replaced in the text
    assert "清远高新区" not in first["text"] and first["text"].count("样本0000高新区") >= 1
    assert rows[0]["text"] != rows[5]["text"] and rows[0]["year"] == rows[5]["year"] == 2023
