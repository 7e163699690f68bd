"""``policytag segment``: one report file, segmented, as JSON (zone, years, type, segments)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policytag.cli.io import emit, fail
from policytag.text import EmptyReportError, ReportDecodeError, decode_report, parse_report
from policytag.text.uploads import UnsupportedUpload, read_upload


def read_report_file(path: Path, zone: str | None = None, year: int | None = None):
    """Read (.txt, .html/.htm, .docx: the text, never the tags) and segment one report file; the document id is
    the file's stem."""
    if not path.is_file():
        fail(f"no such file: {path}")
    try:
        data = path.read_bytes()  # any other name is read as plain text, as before
        rich = path.suffix.lower() in (".html", ".htm", ".docx")
        text = read_upload(data, path.name) if rich else decode_report(data)[0]
        return parse_report(text, path.stem, zone=zone, year=year)
    except (ReportDecodeError, EmptyReportError, UnsupportedUpload) as exc:
        fail(f"{path}: {exc}")


def segment(
    file: Annotated[Path, typer.Argument(help="Report file: .txt (UTF-8 or GB18030), .html/.htm or .docx.")],
    zone: Annotated[str | None, typer.Option(help="Zone name; overrides detection.")] = None,
    year: Annotated[int | None, typer.Option(help="Reporting year; overrides detection.")] = None,
) -> None:
    """Segment one report and print its zone, years, type and segments as JSON."""
    report = read_report_file(file, zone, year)
    out = report.as_dict()
    out["segments"] = [{k: s[k] for k in ("id", "start", "end", "text", "heading", "part")}
                       for s in out["segments"]]
    emit(out)


def register(app: typer.Typer) -> None:
    app.command()(segment)
