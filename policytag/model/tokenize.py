"""jieba word tokens for the TF-IDF model (module-level functions, so pipelines pickle)."""

from __future__ import annotations

import re
from functools import lru_cache

_NUMBER = re.compile(r"^[\d.,%]+$")
HEADING_SEPARATOR = ":"  # as ``policytag.text.model_input`` joins heading and body


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def _word(tok: str) -> str | None:
    """The token as the model sees it (numbers as ``<num>``), or None for blanks and punctuation."""
    tok = tok.strip()
    if not tok or not any(ch.isalnum() for ch in tok):
        return None
    return "<num>" if _NUMBER.match(tok) else tok


class _Words(dict):
    """jieba token → ``_word(token)``, computed on first sight; emptied when it grows past ``limit``."""

    limit = 1 << 17

    def __missing__(self, tok: str) -> str | None:
        if len(self) >= self.limit:
            self.clear()
        word = self[tok] = _word(tok)
        return word


_WORDS = _Words()


class _Cuts(dict):
    """Normalised text → its words, so cross-validation cuts each segment once, not once per fold."""

    limit = 1 << 15

    def __missing__(self, text: str) -> tuple[str, ...]:
        if len(self) >= self.limit:
            self.clear()
        words = self[text] = tuple(filter(None, map(_WORDS.__getitem__, _jieba().cut(text))))
        return words


_CUTS = _Cuts()


def jieba_tokens(text: str) -> list[str]:
    """Words of a normalised segment; numbers become one placeholder, punctuation is dropped."""
    return list(_CUTS[text])


def jieba_tokens_many(texts: list[str]) -> list[list[str]]:
    """``jieba_tokens`` of each text, cutting each distinct heading prefix only once.

    Exact: ``HEADING_SEPARATOR`` is never part of a jieba block and is dropped, so
    the tokens of ``heading:body`` are the heading's tokens followed by the body's.
    """
    headings: dict[str, list[str]] = {}
    out = []
    for text in texts:
        heading, sep, body = text.partition(HEADING_SEPARATOR)
        if not sep:
            out.append(jieba_tokens(text))
            continue
        if heading not in headings:
            headings[heading] = jieba_tokens(heading)
        out.append(headings[heading] + jieba_tokens(body))
    return out
