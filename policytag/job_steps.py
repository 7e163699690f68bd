"""The steps a retraining job reports: one vocabulary for the trainer, ``policytag retrain``, the service's jobs
and the page (which words each step in its own language: ``job.step.<name>`` in serving/page/i18n.js).

A step is ``{"step": name, **params}``, e.g. ``{"step": "cross_validating", "model_type": "tfidf", "examples": 412}``;
``english`` renders the sentence the API's ``progress`` field and the command's ``message`` carry.
"""

from __future__ import annotations

ENGLISH = {
    "starting": "starting",
    "labels_snapshot": "labels snapshot with {labels} human labels from the service",
    "cross_validating": "cross-validating {model_type} on {examples} examples",
    "fitting": "fitting {model_type} on all {examples} examples",
    "learning_curve": "learning curve of {model_type}",
    "registering": "registering {model_type}",
    "comparing": "comparing with the champion",
    "loading_champion": "loading the new champion",
    "done": "done",
    "failed": "failed",
}


def step(name: str, **params: str | int) -> dict:
    """One progress report; a name outside the vocabulary or a missing parameter raises (a programming error)."""
    if name not in ENGLISH:
        raise ValueError(f"unknown job step {name!r}: one of {', '.join(ENGLISH)}")
    reported = {"step": name, **params}
    english(reported)  # every parameter the sentence names is given
    return reported


def english(reported: dict) -> str:
    """The step's English sentence."""
    return ENGLISH[reported["step"]].format_map({k: v for k, v in reported.items() if k != "step"})


def parse(value: object) -> dict | None:
    """A step read from elsewhere (a child's output line), or None when it is not one of the vocabulary's."""
    if not isinstance(value, dict) or value.get("step") not in ENGLISH:
        return None
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value.values()):
        return None
    try:
        english(value)
    except (KeyError, ValueError):
        return None
    return dict(value)
