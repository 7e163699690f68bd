import io
import re
import zipfile

import pytest

from policytag.text import ReportDecodeError
from policytag.text.uploads import (
    DOCX_TYPE,
    SUPPORTED,
    InvalidUpload,
    UnsupportedUpload,
    UploadTooLarge,
    read_upload,
)

SENTENCE = "清远高新区2023年工作总结：新引进项目178个。"
SUPPORTED_NAMED = re.escape("supported types: .txt, .html, .htm, .docx")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:document xmlns:w="{W_NS}"><w:body>'
    "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>"
    '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
    '<w:r><w:t xml:space="preserve">新引进项目</w:t></w:r>'
    "<w:r><w:rPr><w:b/></w:rPr><w:t>178个。</w:t></w:r></w:p>"
    "<w:p/>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表内</w:t><w:tab/><w:t>数据</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
    "</w:body></w:document>"
)


def make_zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def make_docx(document: str = DOCUMENT) -> bytes:
    return make_zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document})


# --- plain text -------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_txt_round_trips(encoding):
    assert read_upload(SENTENCE.encode(encoding), "report.txt") == SENTENCE


def test_extension_is_case_insensitive_and_path_is_ignored():
    assert read_upload(SENTENCE.encode(), "C:\\报告\\REPORT.TXT") == SENTENCE


def test_undecodable_txt_raises_decode_error():
    with pytest.raises(ReportDecodeError, match="NUL bytes"):
        read_upload(bytes(range(256)) * 8, "report.txt")
    with pytest.raises(ReportDecodeError, match="empty"):
        read_upload(b"", "report.txt")


# --- HTML -------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>页面标题</title>
<style>p { color: red; }</style>
<script>alert(1)</script></head>
<body>
<h1>清远高新区  工作总结</h1>
<div><p>一是成立招商引资&nbsp;工作专班</p><p>产学研 &amp; 创新</p>
<div>第一行<br>第二行<br/>第三行</div></div>
<noscript>请启用脚本</noscript>
<ul><li>项目178个</li><li>投资&lt;50亿元&gt;</li></ul>
<table><tr><td>指标</td><td>数值</td></tr></table>
<script type="text/javascript">document.write("<p>injected</p>");</script>
</body></html>
"""


def test_html_visible_text_by_lines():
    text = read_upload(HTML.encode("utf-8"), "report.html")
    assert text == "\n".join([
        "清远高新区 工作总结",
        "一是成立招商引资 工作专班",
        "产学研 & 创新",
        "第一行",
        "第二行",
        "第三行",
        "项目178个",
        "投资<50亿元>",
        "指标 数值",
    ])
    assert "alert" not in text and "injected" not in text and "color" not in text


def test_htm_in_gb18030():
    data = f"<html><body><p>{SENTENCE}</p></body></html>".encode("gb18030")
    assert read_upload(data, "report.htm") == SENTENCE


# --- Word -------------------------------------------------------------------------------------

def test_docx_paragraphs_and_table_in_order():
    assert read_upload(make_docx(), "report.docx") == "\n".join([
        "一、总体情况",
        "新引进项目178个。",
        "表内\t数据",
        "第一行\n第二行",
    ])


def test_corrupt_docx_is_rejected():
    with pytest.raises(UnsupportedUpload, match=r"not a valid \.docx file \(it is not a readable zip archive"):
        read_upload(bytes(range(7, 250)) * 20, "report.docx")


def test_zip_without_document_is_rejected():
    data = make_zip({"[Content_Types].xml": CONTENT_TYPES, "word/other.xml": "<x/>"})
    with pytest.raises(UnsupportedUpload, match=r"not a valid \.docx file \(it has no word/document\.xml\)"):
        read_upload(data, "report.docx")


def test_docx_with_broken_xml_is_rejected():
    with pytest.raises(UnsupportedUpload, match="not well-formed XML"):
        read_upload(make_docx("<w:document>"), "report.docx")


def test_docx_with_entities_is_rejected():
    bomb = '<!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    with pytest.raises(UnsupportedUpload, match="declares a DTD"):
        read_upload(make_docx(bomb), "report.docx")


def test_docx_with_entities_in_utf16_is_rejected():
    """Was: the DTD check was a byte search, which UTF-16 bypassed; the parser itself now refuses a DTD."""
    bomb = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'.encode("utf-16")
    assert b"<!DOCTYPE" not in bomb
    with pytest.raises(InvalidUpload, match="declares a DTD"):
        read_upload(make_docx(bomb), "report.docx")  # type: ignore[arg-type]


def test_docx_of_too_many_xml_elements_is_refused_early(monkeypatch):
    """Was: 8 million empty <w:p/> (75 KB zipped) took 11 s and 800 MB to parse."""
    monkeypatch.setattr("policytag.text.uploads.MAX_DOCX_NODES", 1000)
    many = DOCUMENT.replace("<w:body>", "<w:body>" + "<w:p/>" * 1000)
    with pytest.raises(UploadTooLarge, match="more than 1,000 XML elements"):
        read_upload(make_docx(many), "report.docx")
    assert read_upload(make_docx(), "report.docx")  # a normal document is well below


def test_oversized_docx_part_is_rejected(monkeypatch):
    monkeypatch.setattr("policytag.text.uploads.MAX_DOCX_XML", 100)
    with pytest.raises(UnsupportedUpload, match="text part is larger than"):
        read_upload(make_docx(), "report.docx")


# --- choosing the reader ----------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "hint"), [
    ("report.pdf", "PDF is not supported: save the report as .docx or .txt"),
    ("report.doc", r"old Word \(\.doc\) is not supported: .*save it as \.docx"),
    ("report.xyz", r"\.xyz files are not supported"),
])
def test_unsupported_extensions_name_the_supported_types(filename, hint):
    with pytest.raises(UnsupportedUpload, match=f"{hint}.*{SUPPORTED_NAMED}"):
        read_upload(b"%PDF-1.7 whatever", filename)


def test_known_unsupported_extension_beats_content_type():
    with pytest.raises(UnsupportedUpload, match="PDF is not supported"):
        read_upload(b"text", "report.pdf", "text/plain")


@pytest.mark.parametrize(("content_type", "data", "expected"), [
    ("text/plain; charset=utf-8", SENTENCE.encode(), SENTENCE),
    ("TEXT/HTML", f"<p>{SENTENCE}</p><script>x()</script>".encode(), SENTENCE),
    (DOCX_TYPE, make_docx(), "一、总体情况\n新引进项目178个。\n表内\t数据\n第一行\n第二行"),
])
def test_content_type_chooses_when_there_is_no_name(content_type, data, expected):
    assert read_upload(data, None, content_type) == expected


def test_content_type_used_for_a_name_without_a_known_extension():
    assert read_upload(SENTENCE.encode(), "2023年度报告", "text/plain") == SENTENCE


def test_no_name_and_no_usable_type():
    with pytest.raises(UnsupportedUpload, match=f"cannot tell the file type.*{SUPPORTED_NAMED}"):
        read_upload(SENTENCE.encode(), None, "application/octet-stream")
    with pytest.raises(UnsupportedUpload, match="PDF is not supported"):
        read_upload(b"%PDF", None, "application/pdf")


def test_supported_tuple():
    assert SUPPORTED == (".txt", ".html", ".htm", ".docx")
