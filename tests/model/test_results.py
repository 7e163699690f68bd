"""The tagger returns a frozen TaggedReport; its dict form (the API's shape) is made only at the edges."""

import dataclasses

import pytest

from policytag.model.results import TaggedReport, TaggedSegment

TEXT = "一、2023年工作总结\n全年新签约项目32个,总投资120亿元。\n二、2024年工作计划\n压紧压实安全生产责任。"


def test_tag_document_returns_a_frozen_typed_report(champion):
    report = champion.tagger.tag_document(TEXT, "doc", zone="清远高新区", year=2023)
    assert isinstance(report, TaggedReport) and all(isinstance(s, TaggedSegment) for s in report.segments)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.zone = "other"  # type: ignore[misc]
    assert (report.doc_id, report.zone, report.year) == ("doc", "清远高新区", 2023)
    for s in report.segments:
        assert TEXT[s.start:s.end] == s.text and set(s.labels) <= set(champion.themes)


def test_as_dict_is_the_old_plain_shape(champion):
    report = champion.tagger.tag_document(TEXT, "doc")
    d = report.as_dict()
    assert list(d) == ["doc_id", "title", "zone", "year", "years", "doc_type", "segments", "detection"]
    seg = d["segments"][0]
    assert list(seg) == ["id", "start", "end", "text", "heading", "part", "labels", "scores"]
    assert isinstance(seg["heading"], list) and isinstance(seg["labels"], list) and isinstance(d["years"], list)
    d["segments"][0]["labels"].append("x")  # a copy: the report is untouched
    assert "x" not in report.segments[0].labels
