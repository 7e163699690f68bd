import pytest

from policytag.text import ReportDecodeError, decode_report, parse_report

SAMPLE = "清远高新区2023年工作总结\n一是成立招商引资工作专班,新引进项目178个。"


def test_utf8():
    assert decode_report(SAMPLE.encode("utf-8")) == (SAMPLE, "utf-8")


def test_utf8_bom_is_removed():
    text, encoding = decode_report(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    assert (text, encoding) == (SAMPLE, "utf-8-sig")


def test_gb18030_and_gbk():
    assert decode_report(SAMPLE.encode("gb18030")) == (SAMPLE, "gb18030")
    assert decode_report(SAMPLE.encode("gbk"))[0] == SAMPLE


def test_empty_file_is_rejected():
    with pytest.raises(ReportDecodeError, match="empty"):
        decode_report(b"")
    with pytest.raises(ReportDecodeError, match="empty"):
        decode_report(b" \n\r\n ")


def test_binary_junk_is_rejected():
    junk = bytes(range(256)) * 8
    with pytest.raises(ReportDecodeError, match="binary"):
        decode_report(junk)


def test_undecodable_bytes_are_rejected():
    # Latin-1 bytes that are neither UTF-8 nor valid GB18030 sequences.
    with pytest.raises(ReportDecodeError, match="UTF-8 or GB18030"):
        decode_report(b"\x80\xff\xfe\x81\x30" * 20)


def test_text_without_chinese_is_rejected():
    with pytest.raises(ValueError, match="no Chinese"):
        parse_report("Annual report of the zone. Nothing in Chinese here.")
