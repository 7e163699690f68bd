"""The ``policytag`` command line: every command prints JSON/JSONL; exit 0 ok, 2 bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policytag.cli_batch import register as register_batch_command
from policytag.cli_bench import register as register_bench_command
from policytag.cli_io import emit, fail
from policytag.cli_labels import labels_app
from policytag.cli_model import register as register_model_commands
from policytag.cli_retrain import register as register_retrain_commands
from policytag.cli_serve import register as register_serve_commands
from policytag.text import EmptyReportError, ReportDecodeError, decode_report, parse_report

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Tag Chinese zone work reports with policy themes.")

@app.callback()
def root() -> None:
    """Tag Chinese zone work reports with policy themes."""


def read_report_file(path: Path, zone: str | None = None, year: int | None = None):
    """Decode and segment one report file; the document id is the file's stem."""
    if not path.is_file():
        fail(f"no such file: {path}")
    try:
        text, _ = decode_report(path.read_bytes())
        return parse_report(text, path.stem, zone=zone, year=year)
    except (ReportDecodeError, EmptyReportError) as exc:
        fail(f"{path}: {exc}")


@app.command()
def segment(
    file: Annotated[Path, typer.Argument(help="Report file (.txt in UTF-8 or GB18030).")],
    zone: Annotated[str | None, typer.Option(help="Zone name; overrides detection.")] = None,
    year: Annotated[int | None, typer.Option(help="Reporting year; overrides detection.")] = None,
) -> None:
    """Segment one report and print its zone, years, type and segments as JSON."""
    report = read_report_file(file, zone, year)
    out = report.as_dict()
    out["segments"] = [{k: s[k] for k in ("id", "start", "end", "text", "heading", "part")}
                       for s in out["segments"]]
    emit(out)


app.add_typer(labels_app, name="labels")
register_model_commands(app)
register_serve_commands(app)
register_retrain_commands(app, labels_app)
register_bench_command(app)
register_batch_command(app)

if __name__ == "__main__":  # pragma: no cover
    app()
