"""Normalise the copy of a segment that goes to a model (never the stored text)."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalize_for_model(text: str) -> str:
    """Full-width to half-width (NFKC) and collapse whitespace.

    NFKC maps full-width letters, digits and most punctuation (，；：（）！？) to
    their ASCII forms; Chinese sentence marks (。、“”) are left as they are.
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def model_input(text: str, heading: list[str] | None = None, *, with_heading: bool = False) -> str:
    """The string a classifier reads: the normalised segment, optionally after its innermost heading."""
    body = normalize_for_model(text)
    if with_heading and heading:
        return f"{normalize_for_model(heading[-1])}:{body}"
    return body
