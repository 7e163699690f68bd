"""Turn raw report bytes into text: UTF-8 (with or without BOM) or GB18030/GBK."""

from __future__ import annotations


class ReportDecodeError(ValueError):
    """The bytes are not a text report in a supported encoding."""


EMPTY = "the file is empty: send a report's text"


def decode_report(data: bytes) -> tuple[str, str]:
    """Decode report bytes and return ``(text, encoding)``.

    Tries UTF-8 with BOM, UTF-8, then GB18030 (a superset of GBK and GB2312).
    Raises :class:`ReportDecodeError` for empty input, binary data, or bytes
    that none of these decode.
    """
    if not data or not data.strip():
        raise ReportDecodeError(EMPTY)
    if b"\x00" in data[:4096]:
        raise ReportDecodeError(
            "the file looks binary (it contains NUL bytes): send plain text in UTF-8 or GB18030"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():  # a BOM, or Unicode spaces, alone
            raise ReportDecodeError(EMPTY)
        if _looks_like_text(text):
            return text, encoding
    raise ReportDecodeError(
        "the bytes are not valid UTF-8 or GB18030/GBK text: re-save the report as UTF-8"
    )


def _looks_like_text(text: str) -> bool:
    """Reject decodings dominated by control or private-use characters."""
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad <= max(2, len(text) // 100)
