"""Why a theme: clause occlusion through the tagger, TF-IDF n-grams, and the bounds on both.

The TF-IDF tagger is the session's champion (trained on the project's labels); the texts below are new,
written for these tests.
"""

import re
import unicodedata

import numpy as np
import pytest

from policytag.model import explain as why
from policytag.model.classifiers import MeanEnsemble
from policytag.model.tagger import Tagger

SEGMENTS = [
    ("组建驻深圳招商小分队开展以商招商，全年新签约项目24个，合同投资额56亿元；园区绿化覆盖率提高到41%。",
     ["一、招商引资"]),
    ("深入开展危险化学品和建筑施工领域专项整治，全年未发生较大以上生产安全事故,另外举办职工篮球赛一场。", []),
    ("新增国家高新技术企业35家、科技型中小企业120家，发明专利授权210件。食堂完成改造。", ["(三)科技创新"]),
    ("扎实开展主题教育,严格落实全面从严治党主体责任;加强党风廉政建设和警示教育。\n推进道路绿化提升。", []),
]


def carried(tagger: Tagger, text: str, heading: list[str]) -> list[int]:
    (row,) = tagger.tag_segments([text], [heading])
    return [tagger.themes.index(t) for t in row.labels]


@pytest.mark.parametrize("text,heading", SEGMENTS)
def test_removing_the_top_phrase_lowers_the_themes_score(champion, text, heading):
    tagger = champion.tagger
    explained = why.explain(tagger, text, heading)
    themes = carried(tagger, text, heading)
    assert themes, "each test segment carries a theme"
    for k in themes:
        theme = explained.themes[k]
        assert theme.theme == tagger.themes[k] and theme.label
        assert theme.score == pytest.approx(tagger.scores([text], [heading])[0, k])
        top = theme.phrases[0]
        assert top.weight > 0 and top.log_odds_drop > 0
        assert text[top.start:top.end] == top.text
        edited = text[:top.start] + text[top.end:]
        assert tagger.scores([edited], [heading])[0, k] < theme.score
        # the weight is the score drop of removing the clause with its punctuation, as scored on its own
        clause = next(c for c in why.clauses(text) if (c.start, c.end) == (top.start, top.end))
        assert theme.score - tagger.scores([why.without(text, clause)], [heading])[0, k] == \
            pytest.approx(top.weight, abs=1e-6)


@pytest.mark.parametrize("text,heading", SEGMENTS)
def test_phrases_and_ngrams_point_at_the_text(champion, text, heading):
    explained = why.explain(champion.tagger, text, heading)
    for theme in explained.themes:
        spans = sorted((p.start, p.end) for p in theme.phrases)
        assert len(spans) == explained.clauses
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "clauses do not overlap"
        for p in theme.phrases:
            assert text[p.start:p.end] == p.text and p.text == p.text.strip() and p.text
            assert not set(p.text) & set(why.CLAUSE_MARKS)
        drops = [p.log_odds_drop for p in theme.phrases]
        assert drops == sorted(drops, reverse=True)
        for a, b in zip(theme.phrases, theme.phrases[1:]):  # the same order as the score drops
            assert a.weight >= b.weight - 1e-12
        assert [g.weight for g in theme.ngrams] == sorted((g.weight for g in theme.ngrams), reverse=True)
        for g in theme.ngrams:
            assert g.weight > 0
            for start, end in g.spans:
                shown = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text[start:end]))  # as the model reads it
                if g.kind == "char":
                    assert shown.lower() == g.ngram
                else:
                    assert all(tok in shown for tok in g.ngram.split(" ") if tok != "<num>")
    carried_themes = [explained.themes[k] for k in carried(champion.tagger, text, heading)]
    assert any(g.spans for t in carried_themes for g in t.ngrams), "a carried theme's n-grams are found in the text"


class CountingTagger(Tagger):
    def scores(self, texts, headings=None):
        self.calls.append(len(texts))
        return super().scores(texts, headings)


def test_clauses_are_bounded_and_scored_in_one_batch(champion):
    base = champion.tagger
    tagger = CountingTagger(base.classifier, base.themes, base.thresholds, base.with_heading, base.model_type,
                            calibration=base.calibration)
    tagger.calls = []
    text = "，".join(f"新签约项目{i}个" for i in range(100)) + "。"
    assert len(why.clauses(text, max_clauses=10_000)) == 100
    explained = why.explain(tagger, text)
    assert explained.merged and 1 < explained.clauses <= why.MAX_CLAUSES
    assert tagger.calls == [explained.clauses + 1]
    merged = why.clauses(text)
    assert merged[0].start == 0 and merged[-1].cut == len(text)
    assert all(a.cut == b.start for a, b in zip(merged, merged[1:])), "merged clauses cover the text in order"
    with pytest.raises(why.TextTooLongError, match="5000"):
        why.explain(tagger, "安" * (why.MAX_CHARS + 1))
    with pytest.raises(why.ExplainError, match="empty"):
        why.explain(tagger, " ，。\n")
    assert tagger.calls == [explained.clauses + 1], "refused texts are not scored"


class KeywordClassifier:
    """Not TF-IDF: theme k scores 0.9 when its keyword is in the text, else 0.1."""

    KEYWORDS = ["招商", "创新", "审批", "党建", "隐患"]

    def predict_proba(self, inputs):
        return np.array([[0.9 if w in text else 0.1 for w in self.KEYWORDS] for text in inputs])


def test_occlusion_works_for_any_model_and_ngrams_come_from_a_tfidf_member(champion):
    themes = champion.tagger.themes
    text = "加强基层党建工作，排查整改隐患30处；绿化道路5公里。"
    keyword = Tagger(KeywordClassifier(), themes, [0.5] * 5, with_heading=False, model_type="stub")
    explained = why.explain(keyword, text)
    by_theme = {t.theme: t for t in explained.themes}
    assert by_theme[themes[3]].phrases[0].text == "加强基层党建工作"
    assert by_theme[themes[3]].phrases[0].weight == pytest.approx(0.8)
    assert by_theme[themes[4]].phrases[0].text == "排查整改隐患30处"
    assert all(p.weight == 0 for p in by_theme[themes[0]].phrases)
    assert all(not t.ngrams for t in explained.themes), "no TF-IDF, no n-grams"

    tfidf = champion.tagger.classifier
    mixed = Tagger(MeanEnsemble.of_fitted([KeywordClassifier(), tfidf]), themes, [0.5] * 5, True, "ensemble")
    assert why.tfidf_member(mixed.classifier) is tfidf
    assert any(t.ngrams for t in why.explain(mixed, text).themes)
