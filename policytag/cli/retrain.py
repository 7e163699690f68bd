"""``policytag retrain``, ``policytag labels pull`` and ``policytag labels correct``: the retraining loop."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from policytag.cli.io import emit, fail
from policytag.config import get_settings
from policytag.job_steps import english, step
from policytag.model import model_types


def retrain(
    model: Annotated[str, typer.Option(help=" | ".join(model_types.CHOICES))] = model_types.ALL,
    include_authored: Annotated[bool, typer.Option(help="Train on labels/authored/ too.")] = True,
    force: Annotated[bool, typer.Option(help="Move @champion to the new model even if worse.")] = False,
    device: Annotated[str, typer.Option(help="Where fine-tuning runs: cpu | cuda.")] = "cpu",
) -> None:
    """Train on all human labels (label files + the service's corrections and examples); move @champion
    only if the new model is better. Prints JSON progress lines (``message`` and ``step``), then the summary."""
    from policytag.store.db import open_database
    from policytag.store.human_labels import human_records, snapshot
    from training.train import train

    if model not in model_types.CHOICES:
        fail(f"--model must be one of {', '.join(model_types.CHOICES)}, not {model!r}")
    if device not in model_types.DEVICES:
        fail(f"--device must be one of {', '.join(model_types.DEVICES)}, not {device!r}")
    settings = get_settings()
    sessions = open_database(settings.db_url)
    with tempfile.TemporaryDirectory(prefix="policytag-labels-") as tmp, sessions() as session:
        labels_dir = snapshot(session, settings.labels, settings.seeds, Path(tmp) / "labels")
        report_progress(step("labels_snapshot", labels=len(human_records(session, settings.seeds))))
        types = model_types.expand(model)
        summary = train(settings.home, labels_dir, types, include_authored=include_authored, force=force, device=device,
                        progress=report_progress)
    emit({"event": "retrained", **summary})


def report_progress(reported: dict) -> None:
    """A progress line: the step (``policytag.job_steps``) and its English sentence."""
    emit({"event": "progress", "message": english(reported), "step": reported})


def pull() -> None:
    """Write the service's human labels into labels/gold/ (changed records in place, new ones in
    service.jsonl) so they can be reviewed and committed."""
    from policytag.labels.pull import write_pulled
    from policytag.store.db import open_database
    from policytag.store.human_labels import human_records

    settings = get_settings()
    with open_database(settings.db_url)() as session:
        records = human_records(session, settings.seeds)
    emit({"pulled": len(records), "written": write_pulled(settings.labels, records)})


def correct(
    segment_id: Annotated[str, typer.Argument(help="A stored segment's id (see GET /v1/reports/{id}).")],
    labels: Annotated[str, typer.Option(help="Comma-separated theme ids; empty for none.")],
    author: Annotated[str, typer.Option(help="Who decided.")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Record a person's themes for a stored segment (as PUT /v1/segments/{id}/labels does)."""
    from policytag.labels.validate import check_labels
    from policytag.store import human_labels
    from policytag.store.db import open_database
    from policytag.store.tables import Segment
    from policytag.themes import theme_ids

    settings = get_settings()
    chosen = [t.strip() for t in labels.split(",") if t.strip()]
    problem = check_labels(chosen, theme_ids(settings.labels))
    if problem:
        fail(problem)
    with open_database(settings.db_url)() as session:
        segment = session.get(Segment, segment_id)
        if segment is None:
            fail(f"no stored segment has id {segment_id!r}")
        row = human_labels.add_correction(session, segment, chosen, author, note)
        session.commit()
        emit({"segment_id": segment_id, "labels": row.labels, "author": row.author,
              "created_at": row.created_at.isoformat()})


def register(app: typer.Typer, labels_app: typer.Typer) -> None:
    app.command()(retrain)
    labels_app.command()(pull)
    labels_app.command()(correct)
