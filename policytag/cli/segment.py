"""``policytag segment``: one report file, segmented, as JSON (zone, years, type, segments)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policytag.cli.io import YearOption, emit, fail
from policytag.text import EmptyReportError, ReportDecodeError, decode_report, parse_report
from policytag.text.uploads import UnsupportedUpload, read_upload

FileArgument = Annotated[Path, typer.Argument(help="Report file: .txt (UTF-8 or GB18030), .html/.htm or .docx.")]
ZoneOption = Annotated[str | None, typer.Option(help="Zone name; overrides detection (a known name is normalised).")]
SEGMENT_FIELDS = ("id", "start", "end", "text", "heading", "part")


def read_report_text(path: Path) -> str:
    """A report file's text: .html/.htm and .docx through the upload readers (the text, never the tags), any
    other name decoded as plain text."""
    if not path.is_file():
        fail(f"no such file: {path}")
    try:
        data = path.read_bytes()
        rich = path.suffix.lower() in (".html", ".htm", ".docx")
        return read_upload(data, path.name) if rich else decode_report(data)[0]
    except (ReportDecodeError, UnsupportedUpload, ValueError) as exc:
        fail(f"{path}: {exc}")


def read_report_file(path: Path, zone: str | None = None, year: int | None = None):
    """Read and segment one report file; the document id is the file's stem."""
    text = read_report_text(path)
    try:
        return parse_report(text, path.stem, zone=zone, year=year)
    except EmptyReportError as exc:
        fail(f"{path}: {exc}")


def segment(file: FileArgument, zone: ZoneOption = None, year: YearOption = None) -> None:
    """Segment one report and print its zone, years, type and segments as JSON (``policytag predict --input``
    reads this output as it is)."""
    report = read_report_file(file, zone, year)
    out = report.as_dict()
    out["segments"] = [{k: s[k] for k in SEGMENT_FIELDS} for s in out["segments"]]
    emit(out)


def register(app: typer.Typer) -> None:
    app.command()(segment)
