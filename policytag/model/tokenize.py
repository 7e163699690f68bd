"""jieba word tokens for the TF-IDF model (a module-level function, so pipelines pickle)."""

from __future__ import annotations

import re
from functools import lru_cache

_NUMBER = re.compile(r"^[\d.,%]+$")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1 << 16)
def _word(tok: str) -> str | None:
    """The token as the model sees it (numbers as ``<num>``), or None for blanks and punctuation."""
    tok = tok.strip()
    if not tok or not any(ch.isalnum() for ch in tok):
        return None
    return "<num>" if _NUMBER.match(tok) else tok


def jieba_tokens(text: str) -> list[str]:
    """Words of a normalised segment; numbers become one placeholder, punctuation is dropped."""
    return [w for w in map(_word, _jieba().cut(text)) if w is not None]
