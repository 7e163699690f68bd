"""The ``policytag`` command line: every command prints JSON/JSONL; exit 0 ok, 2 bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from policytag.cli_io import emit, fail
from policytag.cli_labels import labels_app
from policytag.cli_model import register as register_model_commands
from policytag.config import get_settings
from policytag.seeds import read_manifest
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
    zone: Annotated[Optional[str], typer.Option(help="Zone name; overrides detection.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Reporting year; overrides detection.")] = None,
) -> None:
    """Segment one report and print its zone, years, type and segments as JSON."""
    report = read_report_file(file, zone, year)
    out = report.as_dict()
    out["segments"] = [{k: s[k] for k in ("id", "start", "end", "text", "heading", "part")}
                       for s in out["segments"]]
    emit(out)


@app.command()
def run() -> None:
    """The main job: train a champion if none is registered, then tag the seeds and print coverage."""
    import mlflow.pyfunc

    from training import registry
    from training.train import MODEL_TYPES, train

    settings = get_settings()
    client = registry.configure(settings.home)
    current = registry.champion(client)
    if current is None:
        emit({"event": "training", "reason": "no model registered as @champion", "store": registry.tracking_uri(settings.home)})
        summary = train(settings.home, settings.labels, list(MODEL_TYPES))
        emit({"event": "trained", **summary})
    else:
        emit({"event": "champion", "version": str(current.version), "run_id": current.run_id})
    tagger = mlflow.pyfunc.load_model(registry.champion_uri()).unwrap_python_model().tagger
    for entry in read_manifest(settings.seeds):
        text, _ = decode_report((settings.seeds / entry.file).read_bytes())
        doc = tagger.tag_document(text, entry.doc_id)
        n = len(doc["segments"])
        coverage = {t: round(sum(t in s["labels"] for s in doc["segments"]) / n, 3) for t in tagger.themes}
        emit({"doc_id": doc["doc_id"], "zone": doc["zone"], "years": doc["years"], "doc_type": doc["doc_type"],
              "segments": n, "coverage": coverage})


app.add_typer(labels_app, name="labels")
register_model_commands(app)

if __name__ == "__main__":  # pragma: no cover
    app()
