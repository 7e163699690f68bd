"""Checks of labels: whole label sets (records) and a label list sent by a person (one validator)."""

from __future__ import annotations

from policytag.labels.files import CORPUS_FIELDS, GENRES
from policytag.text import normalize_for_model


def check_records(records: list[dict], themes: list[str]) -> list[str]:
    """Problems in a label set: unknown themes, duplicate ids, conflicting duplicate texts."""
    problems: list[str] = []
    ids: set[str | None] = set()
    by_text: dict[str, list[str]] = {}
    for r in records:
        for key in ("id", "text", "labels", "source") + (CORPUS_FIELDS if r.get("source") == "corpus" else ()):
            if key not in r:
                problems.append(f"{r.get('id', '?')}: missing field {key!r}")
        if r.get("source") == "corpus":
            if r.get("genre") not in GENRES:
                problems.append(f"{r.get('id')}: genre must be one of {GENRES}")
            if not (r.get("url") or (r.get("repo") and r.get("path"))):
                problems.append(f"{r.get('id')}: no source (url, or repo + path)")
        unknown = set(r.get("labels", [])) - set(themes)
        if unknown:
            problems.append(f"{r.get('id')}: unknown theme(s) {sorted(unknown)}")
        if r.get("id") in ids:
            problems.append(f"{r['id']}: labelled more than once")
        ids.add(r.get("id"))
        key = normalize_for_model(r.get("text", ""))
        labels = sorted(r.get("labels", []))
        if key in by_text and by_text[key] != labels:
            problems.append(f"{r.get('id')}: same text as another record with other labels")
        by_text.setdefault(key, labels)
    return problems


def check_labels(labels: list, themes: list[str]) -> str | None:
    """A message when ``labels`` is not a list of known, distinct theme ids."""
    if not isinstance(labels, list) or not all(isinstance(t, str) for t in labels):
        return "labels must be a list of theme ids"
    unknown = sorted(set(labels) - set(themes))
    if unknown:
        return f"unknown theme(s) {unknown}: themes are {themes} (add new ones to labels/themes.yaml first)"
    if len(set(labels)) != len(labels):
        return "labels must not repeat a theme"
    return None
