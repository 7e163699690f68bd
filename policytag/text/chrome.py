"""Recognise web-page chrome lines (navigation, counters, credits) in scraped reports."""

from __future__ import annotations

import re

_NAV_WORDS = r"(?:打印|分享|返回列表|返回顶部|关闭窗口|关闭|收藏|打印本页|【打印】|【关闭】)"

_CHROME_PATTERNS = [
    re.compile(r"^(?:您)?当前(?:的)?位置"),  # breadcrumbs
    re.compile(r"【\s*字体"),
    re.compile(r"字体\s*[:：]\s*[大中小]"),
    re.compile(r"文字大小\s*[:：]?"),
    re.compile(rf"^{_NAV_WORDS}(?:\s*{_NAV_WORDS})*$"),
    re.compile(r"扫一扫在手机"),
    re.compile(r"^相关附件\s*[:：]?\s*$"),
    re.compile(r"^附件\s*[:：]\s*$"),
    re.compile(r"(?:访问量|浏览量|浏览次数|阅读量|点击量|点击数)\s*[:：]"),
    re.compile(r"^(?:发布)?(?:时间|日期)\s*[:：]\s*\d{4}"),
    re.compile(r"^来源\s*[:：]"),
    re.compile(r"^(?:责任)?编辑\s*[:：]"),
    # photo credit; the separator has one way to match (\s*[、\s]\s* backtracked exponentially over spaces)
    re.compile(r"^[\u4e00-\u9fff·]{2,4}(?:(?:\s*、\s*|\s+)[\u4e00-\u9fff·]{2,4})*\s*/?\s*摄$"),
    # byline
    re.compile(r"^[►▶■●]?\s*(?:[\u4e00-\u9fff]{2,4}\s+)*(?:本报|本台)?(?:记者|通讯员)\s*[\u4e00-\u9fff\s]{2,20}$"),
    re.compile(r"^\d{4}\s*[年-]\s*\d{1,2}\s*[月-]\s*\d{1,2}\s*日?$"),  # a date alone
]

PHOTO_CREDIT = _CHROME_PATTERNS[12]


def is_chrome(line: str) -> bool:
    """True when a stripped line is page chrome rather than report text."""
    if len(line) > 160:
        return False
    return any(p.search(line) for p in _CHROME_PATTERNS)


def is_photo_credit(line: str) -> bool:
    return bool(PHOTO_CREDIT.search(line))
