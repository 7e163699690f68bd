"""``policytag train | predict | evaluate``: the model commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from policytag.cli.io import emit, fail, read_segments
from policytag.config import get_settings
from policytag.model import model_types

MODEL_CHOICES = model_types.CHOICES


def train(
    model: Annotated[str, typer.Option(help=" | ".join(MODEL_CHOICES))] = model_types.ALL,
    include_authored: Annotated[bool, typer.Option(help="Train on labels/authored/ too (never evaluated).")] = True,
    include_corpus: Annotated[bool, typer.Option(help="Train and evaluate on labels/corpus/ too.")] = True,
    force: Annotated[bool, typer.Option(help="Move @champion to the best new model even if worse.")] = False,
    device: Annotated[str, typer.Option(help="Where fine-tuning runs: cpu | cuda.")] = "cpu",
    learning_curve: Annotated[bool, typer.Option(
        help="Also cross-validate on 25 % and 50 % of the training documents and log the curve.")] = False,
) -> None:
    """Train, cross-validate by document, log to MLflow, register, and move @champion only if better."""
    from training.train import train as run_training

    if model not in MODEL_CHOICES:
        fail(f"--model must be one of {', '.join(MODEL_CHOICES)}, not {model!r}")
    if device not in model_types.DEVICES:
        fail(f"--device must be one of {', '.join(model_types.DEVICES)}, not {device!r}")
    settings = get_settings()
    types = model_types.expand(model)
    emit(run_training(settings.home, settings.labels, types, include_authored=include_authored,
                      include_corpus=include_corpus, force=force,
                      with_learning_curve=learning_curve, device=device))


def _load_model(model_uri: str | None):
    from policytag import registry

    settings = get_settings()
    uri = model_uri or registry.champion_uri()
    try:
        return registry.load_uri(settings.home, model_uri) if model_uri else registry.load_model(
            registry.resolve(settings.home))
    except Exception as exc:  # noqa: BLE001 - any load failure is the user's model URI
        fail(f"cannot load model {uri!r}: {exc}. Train one with 'policytag train' or pass --model-uri.")


def _predict(model, rows: list[dict]):
    import pandas as pd

    frame = pd.DataFrame({"id": [str(r["id"]) for r in rows], "text": [r["text"] for r in rows],
                          "heading": [r.get("heading", "") if isinstance(r.get("heading"), str)
                                      else " > ".join(r.get("heading") or []) for r in rows],
                          "kind": ["segment"] * len(rows)})
    return model.predict(frame)


def predict(
    input: Annotated[Path, typer.Option("--input", help="JSONL, one segment per line: {\"id\", \"text\"}; or "
                                        "the output of 'policytag segment'; - reads standard input.")],
    output: Annotated[Path | None, typer.Option(help="Write JSONL here instead of stdout.")] = None,
    model_uri: Annotated[str | None, typer.Option(help="Default: models:/policytag@champion.")] = None,
) -> None:
    """Tag pre-cut segments: one {"id", "labels", "scores"} line per input line."""
    rows = read_segments(input)
    result = _predict(_load_model(model_uri), rows)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        for seg_id, labels, scores in zip(result["id"], result["labels"], result["scores"]):
            out.write(json.dumps({"id": seg_id, "labels": list(labels), "scores": scores}, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()


def evaluate(
    labels: Annotated[Path, typer.Option("--labels", help="JSONL with \"id\", \"text\", \"labels\".")],
    model_uri: Annotated[str | None, typer.Option(help="Default: models:/policytag@champion.")] = None,
) -> None:
    """Metrics of a model on any labelled JSONL (says how many examples it was trained on)."""
    import numpy as np

    from training.evaluate import metrics

    rows = read_segments(labels)
    if any(not isinstance(r.get("labels"), list) for r in rows):
        fail(f"{labels}: every line needs a \"labels\" list")
    model = _load_model(model_uri)
    tagger = model.unwrap_python_model().tagger
    unknown = {t for r in rows for t in r["labels"]} - set(tagger.themes)
    if unknown:
        fail(f"{labels}: themes unknown to this model: {sorted(unknown)}")
    result = _predict(model, rows)
    Y = np.array([[t in r["labels"] for t in tagger.themes] for r in rows], dtype=int)
    pred = np.array([[t in ls for t in tagger.themes] for ls in result["labels"]], dtype=float)
    out = metrics(Y, pred, np.full(len(tagger.themes), 0.5), tagger.themes)
    seen = set(tagger.info.get("trained_on", []))
    out["examples"] = len(rows)
    out["seen_in_training"] = sum(str(r["id"]) in seen for r in rows)
    if out["seen_in_training"]:
        out["warning"] = "some examples were in this model's training data: these figures are not held-out"
    emit(out)


def register(app: typer.Typer) -> None:
    for command in (train, predict, evaluate):
        app.command()(command)
