"""Read a report file (.txt, .html/.htm, .docx) into text for the pipeline: the service's uploads and batch folders."""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from xml.etree import ElementTree

from policytag.text.decode import decode_report


class UnsupportedUpload(ValueError):
    """The file type cannot be read; the message says which types can."""


class InvalidUpload(UnsupportedUpload):
    """A supported type whose content is broken (a damaged .docx); the message says what to do."""


class UploadTooLarge(InvalidUpload):
    """The file unpacks to more than the readers' bounds (MAX_DOCX_XML bytes, MAX_DOCX_NODES XML elements)."""


SUPPORTED = (".txt", ".html", ".htm", ".docx")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_DOCX_XML = 50 * 1024 * 1024  # uncompressed bytes of word/document.xml
# XML elements of word/document.xml: a 300-page report has about 200,000; 8 million empty <w:p/> fit in 75 KB
# zipped and would take seconds and most of a gigabyte to parse. This bounds the time and memory of a parse.
MAX_DOCX_NODES = 1_000_000

_CONTENT_TYPES = {
    "text/plain": ".txt",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    DOCX_TYPE: ".docx",
}
_SAVE_AS = "save the report as .docx or .txt and upload that"
# Known unsupported types, by extension and by content type: what to tell the user.
_HINTS = {
    ".pdf": f"PDF is not supported: {_SAVE_AS}",
    ".doc": "old Word (.doc) is not supported: open the file in Word or WPS, save it as .docx and upload that",
    ".wps": "WPS (.wps) is not supported: open the file in WPS, save it as .docx and upload that",
    ".rtf": f"RTF is not supported: {_SAVE_AS}",
    ".odt": f"OpenDocument text (.odt) is not supported: {_SAVE_AS}",
    ".xls": f"spreadsheets are not supported: {_SAVE_AS}",
    ".xlsx": f"spreadsheets are not supported: {_SAVE_AS}",
    ".ppt": f"presentations are not supported: {_SAVE_AS}",
    ".pptx": f"presentations are not supported: {_SAVE_AS}",
    ".jpg": f"images are not supported (the text cannot be read from them): {_SAVE_AS}",
    ".jpeg": f"images are not supported (the text cannot be read from them): {_SAVE_AS}",
    ".png": f"images are not supported (the text cannot be read from them): {_SAVE_AS}",
    ".zip": "archives are not supported: upload each report on its own",
}
_TYPE_HINTS = {
    "application/pdf": _HINTS[".pdf"],
    "application/msword": _HINTS[".doc"],
}


def read_upload(data: bytes, filename: str | None, content_type: str | None = None) -> str:
    """Return the text of an uploaded report, choosing the reader by extension, then by content type.

    Raises :class:`UnsupportedUpload` for a type that cannot be read or a broken .docx, and lets
    :class:`policytag.text.ReportDecodeError` through for empty or undecodable text.
    """
    return _READERS[_choose_type(filename, content_type)](data)


def _choose_type(filename: str | None, content_type: str | None) -> str:
    """The supported extension to read the file as, or raise UnsupportedUpload."""
    ext = _extension(filename)
    if ext in SUPPORTED:
        return ext
    if ext in _HINTS:  # a known type we cannot read: its name wins over the content type
        raise _unsupported(_HINTS[ext])
    mime = _mime(content_type)
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    if mime in _TYPE_HINTS:
        raise _unsupported(_TYPE_HINTS[mime])
    if ext:
        raise _unsupported(f"{ext} files are not supported: {_SAVE_AS}")
    raise _unsupported(f"cannot tell the file type: name the file with one of the extensions {_supported_list()}")


def _extension(filename: str | None) -> str:
    """Lower-cased extension of the file's base name ('' when there is none)."""
    if not filename:
        return ""
    name = re.split(r"[\\/]", filename.strip())[-1]  # browsers may send a full Windows path
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext else ""


def _mime(content_type: str | None) -> str:
    """The bare media type, without parameters such as charset."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _supported_list() -> str:
    return ", ".join(SUPPORTED)


def _unsupported(reason: str) -> UnsupportedUpload:
    return UnsupportedUpload(f"{reason} (supported types: {_supported_list()})")


# --- plain text -------------------------------------------------------------------------------

def _read_text(data: bytes) -> str:
    return decode_report(data)[0]


# --- HTML -------------------------------------------------------------------------------------

def _read_html(data: bytes) -> str:
    """Visible text of an HTML page, one line per block; nothing is fetched or run."""
    parser = _VisibleText()
    parser.feed(decode_report(data)[0])
    parser.close()
    return _tidy_lines("".join(parser.parts))


_ABRUPT_COMMENT = re.compile(r"<!---?>")
_COMMENT_END = re.compile(r"--!?>")


class _VisibleText(HTMLParser):
    """Collects text outside script/style-like elements, with a line break at each block."""

    HIDDEN = frozenset({"script", "style", "noscript", "template", "title"})
    BLOCKS = frozenset({
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
        "table", "ul", "ol", "blockquote", "pre", "hr", "header", "footer", "main", "aside", "nav",
        "dl", "dt", "dd", "figure", "figcaption", "caption", "address", "body",
    })
    CELLS = frozenset({"td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0  # depth inside hidden elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        self._separate(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        self._separate(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.HIDDEN:
            self.handle_endtag(tag)
        elif tag in self.CDATA_CONTENT_ELEMENTS:  # <script/> opens a script, as in a browser
            self.set_cdata_mode(tag)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    # Where html.parser (Python 3.11) departs from the HTML5 rules that browsers follow, these follow the
    # browsers, so that script, style and comment contents never become report text.

    def set_cdata_mode(self, elem: str, *args, **kwargs) -> None:
        """A script or style ends at ``</script`` followed by a space, ``/`` or ``>``; ``</ script>`` is content."""
        super().set_cdata_mode(elem, *args, **kwargs)
        self.interesting = re.compile(rf"</{re.escape(elem.lower())}(?=[\t\n\r\f />])", re.IGNORECASE)

    def parse_comment(self, i: int, report: bool = True) -> int:
        """``<!-->`` and ``<!--->`` are empty comments, ``--!>`` ends one too, and one never closed runs to the
        end of the page (which is fed whole, in one call)."""
        rawdata = self.rawdata
        abrupt = _ABRUPT_COMMENT.match(rawdata, i)
        if abrupt:
            return abrupt.end()
        close = _COMMENT_END.search(rawdata, i + 4)
        if report:
            self.handle_comment(rawdata[i + 4:close.start() if close else len(rawdata)])
        return close.end() if close else len(rawdata)

    def _separate(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in self.CELLS:
            self.parts.append(" ")


def _tidy_lines(text: str) -> str:
    """Collapse whitespace inside each line, strip lines, drop empty ones."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# --- Word (.docx) -----------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PARAGRAPH, _TEXT, _TAB, _BREAK, _CR = (_W + "p", _W + "t", _W + "tab", _W + "br", _W + "cr")
# Not entered when reading a paragraph: nested paragraphs (text boxes) are read on their own,
# properties hold tab-stop definitions, and Fallback repeats its AlternateContent's Choice.
_PARAGRAPH_SKIP = frozenset({_PARAGRAPH, _W + "pPr", _W + "rPr", _FALLBACK})
_BODY_SKIP = frozenset({_FALLBACK})
_RUN_TEXT = {_TAB: "\t", _BREAK: "\n", _CR: "\n"}


def _read_docx(data: bytes) -> str:
    """The document's paragraphs (body and tables, in order), one per line; empty ones skipped."""
    root = _parse_xml(_document_xml(data))
    paragraphs = (_paragraph_text(el) for el in _walk(root, _BODY_SKIP) if el.tag == _PARAGRAPH)
    return "\n".join(text for text in paragraphs if text.strip())


def _invalid_docx(reason: str) -> InvalidUpload:
    return InvalidUpload(f"not a valid .docx file ({reason}): open it in Word or WPS, save it as .docx "
                             f"again or as .txt, and upload that")


def _document_xml(data: bytes) -> bytes:
    """The bytes of word/document.xml, refusing broken archives and oversized (zip bomb) parts."""
    try:
        xml = _read_member(data, "word/document.xml")
    except UnsupportedUpload:
        raise
    # Damaged archives fail in many ways inside zipfile and its decompressors.
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, RuntimeError,
            OSError, ValueError) as exc:
        raise _invalid_docx(f"it is not a readable zip archive: {exc}") from exc
    if len(xml) > MAX_DOCX_XML:  # the declared size lied
        raise _too_large()
    return xml


def _read_member(data: bytes, name: str) -> bytes:
    """One archive member's bytes, at most MAX_DOCX_XML + 1 of them."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise _invalid_docx(f"it has no {name}") from None
        if info.file_size > MAX_DOCX_XML:
            raise _too_large()
        with archive.open(info) as member:
            return member.read(MAX_DOCX_XML + 1)


def _too_large(what: str = f"its text part is larger than {MAX_DOCX_XML // 2**20} MB") -> UploadTooLarge:
    return UploadTooLarge(f"the .docx is too large to read ({what}): split the report into several files, "
                          "or save it as .txt and upload that")


class _BoundedBuilder(ElementTree.TreeBuilder):
    """Builds the tree, refusing a DTD (in any encoding, as the parser sees it) and more than MAX_DOCX_NODES
    elements, so a parse stops early instead of exhausting time and memory."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes = 0

    def start(self, tag, attrs):
        self.nodes += 1
        if self.nodes > MAX_DOCX_NODES:
            raise _too_large(f"its document.xml has more than {MAX_DOCX_NODES:,} XML elements")
        return super().start(tag, attrs)

    def doctype(self, name, pubid, system):
        raise _invalid_docx("its document.xml declares a DTD")


def _parse_xml(xml: bytes) -> ElementTree.Element:
    """Parse document.xml; a DTD has no place in .docx, so entity tricks are refused outright."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # the common case, before parsing anything
        raise _invalid_docx("its document.xml declares a DTD")
    parser = ElementTree.XMLParser(target=_BoundedBuilder())
    try:
        parser.feed(xml)
        return parser.close()
    except ElementTree.ParseError as exc:
        raise _invalid_docx(f"its document.xml is not well-formed XML: {exc}") from exc


def _walk(element: ElementTree.Element, skip: frozenset[str]) -> Iterator[ElementTree.Element]:
    """Descendants in document order, not entering those whose tag is in ``skip`` (no recursion)."""
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        yield child
        if child.tag not in skip:
            stack.append(iter(child))


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    parts = []
    for el in _walk(paragraph, _PARAGRAPH_SKIP):
        if el.tag == _TEXT:
            parts.append(el.text or "")
        elif el.tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[el.tag])
    return "".join(parts)


_READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
}
