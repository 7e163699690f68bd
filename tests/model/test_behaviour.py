"""Behavioural tests of trained taggers: minimum functionality, invariance, directional changes.

The models are fitted on the project's labels (seeds + authored); the test
sentences below are new text, written for these tests, not taken from the labels.
"""

from pathlib import Path

import pytest

from policytag.themes import theme_ids
from training.data import load_examples
from training.train import TrainConfig, evaluate_config, fit_tagger

LABELS = Path(__file__).resolve().parents[2] / "labels"

FIRE_SAFETY = "{zone}组织开展消防安全隐患排查整治,检查企业{n}家次,督促整改火灾隐患{m}处,开展应急疏散演练{k}场。"
MINIMUM = {
    "investment": "组建驻深圳招商小分队开展以商招商,全年新签约项目24个,合同投资额56亿元,到位资金18亿元。",
    "innovation": "新增国家高新技术企业35家、科技型中小企业120家,建成省级工程技术研究中心3家,发明专利授权210件。",
    "bizenv": "深化“一网通办”改革,企业开办全程网办、一日办结,推行容缺受理和告知承诺审批,为企业提供帮办代办服务。",
    "party": "扎实开展主题教育,严格落实全面从严治党主体责任,加强党风廉政建设和警示教育,推动非公企业党组织全覆盖。",
    "safety": "压实企业安全生产主体责任,深入开展危险化学品和建筑施工领域专项整治,全年未发生较大以上生产安全事故。",
}


@pytest.fixture(scope="module", params=["tfidf", "encoder"])
def tagger(request):
    """A tagger of each type. TF-IDF learns from all the labels, the corpus included (as the champion
    does); the encoder from the seeds and authored examples only, because embedding the corpus's
    6,000 segments takes minutes on two cores (its corpus figures are in the README)."""
    examples = load_examples(LABELS, include_corpus=request.param == "tfidf")
    themes = theme_ids(LABELS)
    ev = evaluate_config(TrainConfig(model_type=request.param), examples, themes)
    return fit_tagger(ev, examples, themes)


@pytest.mark.parametrize("theme", list(MINIMUM))
def test_minimum_functionality(tagger, theme):
    (row,) = tagger.tag_segments([MINIMUM[theme]])
    assert theme in row.labels, row


@pytest.mark.parametrize("zone,n,m,k", [("滨海高新区", 360, 85, 12), ("乌鲁木齐经开区", 1200, 413, 3),
                                        ("园区", 7, 2, 1), ("赣江新区高新技术产业开发区", 58, 19, 26)])
def test_fire_safety_is_safety_whatever_the_zone_or_numbers(tagger, zone, n, m, k):
    (row,) = tagger.tag_segments([FIRE_SAFETY.format(zone=zone, n=n, m=m, k=k)])
    assert "safety" in row.labels, row


def test_investment_wording_to_approval_wording_moves_the_right_scores(tagger):
    investment = "组建招商专班赴长三角开展招商推介,新引进签约项目12个,合同投资额35亿元。"
    approval = "推行不见面审批和告知承诺制,工程建设项目审批时限压缩至35个工作日。"
    (a, b) = tagger.tag_segments([investment, approval])
    assert a.scores["investment"] > b.scores["investment"] + 0.2
    assert b.scores["bizenv"] > a.scores["bizenv"] + 0.2


def test_ritual_opening_formula_alone_is_not_party(tagger):
    # TF-IDF trained on the seeds alone read 习近平…党的二十大 as 党建 words; the corpus taught it otherwise.
    opening = "以习近平新时代中国特色社会主义思想为指导,全面贯彻落实党的二十大精神,锚定高质量发展首要任务。"
    (row,) = tagger.tag_segments([opening])
    assert "party" not in row.labels, row


def test_output_figures_carry_no_theme(tagger):
    figures = "全年实现地区生产总值52亿元,同比增长6.1%;规模以上工业增加值增长8.3%,社会消费品零售总额18亿元。"
    (row,) = tagger.tag_segments([figures])
    assert row.labels == (), row
