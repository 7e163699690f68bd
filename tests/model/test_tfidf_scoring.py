"""The lean TF-IDF scorer gives scikit-learn's probabilities, and the pickled model stays scikit-learn's."""

import pickle
from pathlib import Path

import numpy as np
import pytest

from policytag.model.classifiers import TfidfThemeClassifier
from policytag.model.tfidf_scoring import TfidfScorer
from policytag.model.tokenize import jieba_tokens, jieba_tokens_many
from policytag.text import model_input, parse_report
from policytag.themes import theme_ids
from training.data import label_matrix, load_examples

LABELS = Path(__file__).resolve().parents[2] / "labels"

# New text for these tests: upper case, whitespace runs, astral characters, unknown
# words, lone surrogates, punctuation only, empty, and heading prefixes.
ODD_TEXTS = [
    "",
    "   \t\n",
    "。，、；！",
    "ABC Park 招商 PPP 模式  \u3000 引进 IBM 研发中心",
    "一、营商环境:深化“放管服”改革😀,推行𠀀𠀁容缺受理",
    "一、营商环境:企业开办一日办结",
    "二、安全生产:开展消防演练12场,整改隐患35.5%",
    "\ud800 孤立代理项 \udfff 仍要计分",
    "量子 量子 量子 量子 量子 量子",
]


@pytest.fixture(scope="module")
def fitted():
    examples = load_examples(LABELS)
    themes = theme_ids(LABELS)
    texts = [model_input(e.text, list(e.heading), with_heading=True) for e in examples]
    return TfidfThemeClassifier().fit(texts, label_matrix(examples, themes)), texts


def seed_inputs(seeds_dir) -> list[str]:
    from policytag.seeds import read_manifest
    from policytag.text import decode_report

    out = []
    for entry in read_manifest(seeds_dir):
        report = parse_report(decode_report((seeds_dir / entry.file).read_bytes())[0])
        out += [model_input(s.text, s.heading, with_heading=True) for s in report.segments]
    return out


def test_lean_scores_equal_scikit_learn(fitted, seeds_dir):
    model, training_texts = fitted
    assert isinstance(model._scorer, TfidfScorer)
    for texts in (seed_inputs(seeds_dir), ODD_TEXTS, training_texts[:50], [ODD_TEXTS[3]]):
        expected = model.pipeline_.predict_proba(texts)
        np.testing.assert_allclose(model.predict_proba(texts), expected, rtol=0, atol=1e-12)


def test_unknown_text_scores_as_the_intercepts(fitted):
    model, _ = fitted
    expected = model.pipeline_.predict_proba(["𠀀𠀁"])
    np.testing.assert_allclose(model.predict_proba(["𠀀𠀁"]), expected, atol=1e-12)


def test_constant_theme_keeps_its_constant_probability():
    examples = load_examples(LABELS)[:80]
    themes = theme_ids(LABELS)
    texts = [model_input(e.text, list(e.heading), with_heading=True) for e in examples]
    Y = label_matrix(examples, themes)
    Y[:, 0] = 0  # a theme nobody labelled yet
    model = TfidfThemeClassifier().fit(texts, Y)
    assert model._scorer.constant == {0: 0.0}
    np.testing.assert_allclose(model.predict_proba(ODD_TEXTS), model.pipeline_.predict_proba(ODD_TEXTS), atol=1e-12)


def test_pickle_stores_only_the_scikit_learn_pipeline_and_rebuilds_the_scorer(fitted):
    model, _ = fitted
    state = model.__getstate__()
    assert "_scorer" not in state and "pipeline_" in state
    restored = pickle.loads(pickle.dumps(model))
    assert isinstance(restored._scorer, TfidfScorer)
    np.testing.assert_allclose(restored.predict_proba(ODD_TEXTS), model.predict_proba(ODD_TEXTS), atol=0)


def test_unsupported_pipeline_falls_back_to_scikit_learn(fitted):
    model, _ = fitted
    chars = dict(model.pipeline_.named_steps["features"].transformer_list)["chars"]
    chars.set_params(ngram_range=(2, 4))  # four code points do not fit one integer key
    try:
        assert not TfidfScorer.supports(model.pipeline_)
    finally:
        chars.set_params(ngram_range=(2, 3))
    assert TfidfScorer.supports(model.pipeline_)


def test_heading_prefixes_are_cut_once_with_the_same_tokens(seeds_dir):
    texts = seed_inputs(seeds_dir) + ODD_TEXTS
    assert jieba_tokens_many(texts) == [jieba_tokens(t) for t in texts]
