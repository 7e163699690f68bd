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


def jieba_tokens(text: str) -> list[str]:
    """Words of a normalised segment; numbers become one placeholder, punctuation is dropped."""
    tokens = []
    for tok in _jieba().lcut(text):
        tok = tok.strip()
        if not tok or not any(ch.isalnum() for ch in tok):
            continue
        tokens.append("<num>" if _NUMBER.match(tok) else tok)
    return tokens
