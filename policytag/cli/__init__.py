"""The ``policytag`` command line, the top layer: one module per command group; every command prints
JSON/JSONL; exit 0 ok, 2 bad input.

``segment`` (one report), ``tag`` (one report: segments, themes, coverage), ``model`` (train, predict,
evaluate), ``serve`` (run, serve), ``labels`` (check, realign, agreement, corpus tools), ``retrain`` (export,
pull, correct), ``batch``, ``bench``, ``coverage``; ``io`` holds the output conventions they share, and turns
Click's own errors (a bad option or value) into the same ``{"error": ...}`` JSON.
"""

from __future__ import annotations

import typer

from policytag.cli import batch, bench, coverage, labels, model, retrain, segment, serve, tag
from policytag.cli.io import JsonErrorsGroup

app = typer.Typer(cls=JsonErrorsGroup, add_completion=False, no_args_is_help=True,
                  help="Tag Chinese zone work reports with policy themes.")


@app.callback()
def root() -> None:
    """Tag Chinese zone work reports with policy themes."""


segment.register(app)
tag.register(app)
app.add_typer(labels.labels_app, name="labels")
model.register(app)
serve.register(app)
retrain.register(app, labels.labels_app)
bench.register(app)
batch.register(app)
coverage.register(app)
