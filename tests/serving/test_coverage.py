"""Coverage and comparison arithmetic on tiny hand-computed cases."""

import csv
import io

import numpy as np
import pytest

from policytag.coverage import CSV_COLUMNS, ErrorRates, TaggedSegments, compare, comparison_csv, coverage, holm

THEMES = ["a", "b"]


def segs(rows):
    return TaggedSegments.from_rows(rows, THEMES)


def test_shares_of_segments_and_characters():
    # 4 segments: [a] 10 chars, [a, b] 30, [] 40, [b] 20 → 100 characters
    out = coverage(segs([(["a"], 10), (["a", "b"], 30), ([], 40), (["b"], 20)]), resamples=300)
    assert (out["segments"], out["characters"]) == (4, 100)
    a, b, none = out["themes"]["a"], out["themes"]["b"], out["untagged"]
    assert (a["segments"], a["characters"], a["segment_share"], a["char_share"]) == (2, 40, 0.5, 0.4)
    assert (b["segments"], b["characters"], b["segment_share"], b["char_share"]) == (2, 50, 0.5, 0.5)
    assert (none["segments"], none["segment_share"], none["char_share"]) == (1, 0.25, 0.4)
    for entry in (a, b, none):
        low, high = entry["segment_share_ci"]
        assert 0 <= low <= entry["segment_share"] <= high <= 1
        low, high = entry["char_share_ci"]
        assert 0 <= low <= entry["char_share"] <= high <= 1


def test_interval_narrows_with_more_segments_and_is_reproducible():
    few = segs([(["a"], 10), ([], 10)] * 3)
    many = segs([(["a"], 10), ([], 10)] * 200)
    width = lambda out: np.diff(out["themes"]["a"]["segment_share_ci"])[0]  # noqa: E731
    assert width(coverage(many)) < width(coverage(few)) / 4
    assert coverage(few, seed=3) == coverage(few, seed=3)
    # a theme every segment carries: the interval reaches 1, and its ends are multiples of 1/10
    low, high = coverage(segs([(["a"], 5)] * 10))["themes"]["a"]["segment_share_ci"]
    assert high == 1.0 and 0.5 < low < 1.0 and round(low * 10, 6) == int(round(low * 10))


def test_interval_of_a_proportion_without_error_rates():
    # 1,000 segments, 30% carry a: the interval approaches p ± 1.96·sqrt(p(1-p)/n)
    rows = [(["a"], 1)] * 300 + [([], 1)] * 700
    out = coverage(segs(rows), resamples=4000)
    assert (out["method"], out["corrected"]) == ("cc", False)
    low, high = out["themes"]["a"]["segment_share_ci"]
    half = 1.96 * (0.3 * 0.7 / 1000) ** 0.5
    assert low == pytest.approx(0.3 - half, abs=0.006) and high == pytest.approx(0.3 + half, abs=0.006)


def test_empty_set_has_no_shares():
    out = coverage(segs([]))
    assert out["segments"] == 0 and out["themes"]["a"]["segment_share"] is None and out["untagged"]["segments"] == 0


def test_holm_by_hand():
    # sorted 0.01, 0.02, 0.04 → ×3, ×2, ×1 = 0.03, 0.04, 0.04 (monotone)
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.5, 0.6]) == [1.0, 1.0]


def test_relative_emphasis_against_the_pool_of_other_groups():
    x = segs([(["a"], 10)] * 80 + [([], 10)] * 20)  # a: 0.8
    y = segs([(["a"], 10)] * 20 + [(["b"], 10)] * 80)  # a: 0.2
    z = segs([(["a"], 10)] * 20 + [([], 10)] * 80)  # a: 0.2
    out = compare({"X": x, "Y": y, "Z": z}, resamples=2000)
    e = out["relative_emphasis"]["X"]["a"]
    assert e["share"] == 0.8 and e["others_share"] == 0.2 and e["ratio"] == 4.0
    assert e["emphasis"] == "higher" and e["p_adjusted"] < 0.001
    assert out["relative_emphasis"]["Y"]["a"]["others_share"] == 0.5  # (0.8·100 + 0.2·100) / 200
    assert out["ranking"]["a"][0] == "X" and out["ranking"]["b"][0] == "Y"
    assert out["relative_emphasis"]["Y"]["b"]["emphasis"] == "higher"  # 0.8 vs 0
    # 0.2 against 0.5 pooled from X and Y: lower, but Z against X alone would differ too
    assert out["relative_emphasis"]["Z"]["a"]["emphasis"] == "lower"
    assert out["relative_emphasis"]["X"]["b"]["ratio"] == 0.0
    assert out["coverage"]["X"]["themes"]["a"]["segment_share"] == 0.8 and out["too_few"] == []


def test_relative_emphasis_by_characters_pools_the_others_by_characters():
    # both carry a in 20 of 100 segments; X's are long ones, Y's short ones: alike by segments, not by characters
    x = segs([(["a"], 9)] * 20 + [([], 1)] * 80)  # segments 0.2, characters 180 / 260
    y = segs([(["a"], 1)] * 20 + [([], 9)] * 80)  # segments 0.2, characters 20 / 740
    out = compare({"X": x, "Y": y}, resamples=2000)
    by_seg, by_char = out["relative_emphasis"]["X"]["a"], out["char_relative_emphasis"]["X"]["a"]
    assert by_seg["share"] == 0.2 and by_seg["emphasis"] == "not_significant"
    assert by_char["share"] == round(180 / 260, 4) and by_char["others_share"] == round(20 / 740, 4)
    assert by_char["emphasis"] == "higher" and out["char_relative_emphasis"]["Y"]["a"]["emphasis"] == "lower"
    assert out["char_ranking"]["a"] == ["X", "Y"]


def test_a_single_group_big_enough_to_test_is_not_significant_not_missing():
    out = compare({"big": segs([(["a"], 1)] * 40 + [([], 1)] * 60), "tiny": segs([(["a"], 1)] * 2)}, resamples=200)
    for key in ("relative_emphasis", "char_relative_emphasis"):
        assert out[key]["big"]["a"]["emphasis"] == "not_significant" and out[key]["big"]["a"]["p_value"] is None
        assert out[key]["tiny"]["a"]["emphasis"] == "too_few"


def test_a_close_difference_is_not_significant_rather_than_similar():
    x = segs([(["a"], 1)] * 12 + [([], 1)] * 18)  # 0.4
    y = segs([(["a"], 1)] * 9 + [([], 1)] * 21)  # 0.3
    out = compare({"X": x, "Y": y}, resamples=2000)
    assert out["relative_emphasis"]["X"]["a"]["emphasis"] == "not_significant"
    assert 0.05 < out["relative_emphasis"]["X"]["a"]["p_value"] < 1


def test_too_few_groups_are_marked_and_left_out_of_rankings_and_tests():
    big = segs([(["a"], 1)] * 40 + [([], 1)] * 60)
    other = segs([([], 1)] * 100)
    tiny = segs([(["a"], 1)] * 2 + [([], 1)])  # 67 % of 3 segments
    out = compare({"big": big, "other": other, "tiny": tiny}, resamples=500)
    assert out["coverage"]["tiny"]["too_few"] and not out["coverage"]["big"]["too_few"]
    assert out["too_few"] == ["tiny"] and "tiny" not in out["ranking"]["a"] and out["ranking"]["a"][0] == "big"
    assert out["relative_emphasis"]["tiny"]["a"]["emphasis"] == "too_few"
    assert out["relative_emphasis"]["tiny"]["a"]["p_value"] is None
    assert out["relative_emphasis"]["big"]["a"]["others_share"] == 0.0  # the pool leaves tiny out
    # a wide interval makes a group too_few too, however many segments it has
    assert coverage(big, max_width=0.05)["too_few"] and not coverage(big)["too_few"]


def test_comparison_needs_two_groups_and_exports_csv():
    with pytest.raises(ValueError, match="at least two groups"):
        compare({"X": segs([(["a"], 1)])})
    out = compare({"X": segs([(["a"], 1), ([], 3)]), "Y": segs([(["b"], 2)])}, resamples=100, min_segments=1,
                  max_width=1.0)
    rows = list(csv.DictReader(io.StringIO(comparison_csv(out))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 4
    x_a = next(r for r in rows if (r["group"], r["theme"]) == ("X", "a"))
    shares = (x_a["segments"], x_a["tagged_segments"], x_a["segment_share"], x_a["char_share"],
              x_a["raw_segment_share"])
    assert shares == ("2", "1", "0.5", "0.25", "0.5")
    assert x_a["rank"] == "1" and x_a["others_share"] == "0.0" and x_a["ratio"] == "" and x_a["too_few"] == "False"
    tiny = compare({"X": segs([(["a"], 1)]), "Y": segs([(["b"], 2)])}, resamples=100)
    assert {(r["rank"], r["char_rank"]) for r in csv.DictReader(io.StringIO(comparison_csv(tiny)))} == {("", "")}


def test_comparison_csv_carries_the_character_comparison():
    # X: 10 of 40 segments carry a, but they are long: 40 % of X's characters; Y: 10 of 40, short ones (10 %)
    x = segs([(["a"], 6)] * 10 + [([], 3)] * 30)
    y = segs([(["a"], 1)] * 10 + [([], 3)] * 30)
    out = compare({"X": x, "Y": y}, resamples=400)
    rows = {(r["group"], r["theme"]): r for r in csv.DictReader(io.StringIO(comparison_csv(out)))}
    x_a = rows[("X", "a")]
    assert (x_a["segment_share"], x_a["char_share"]) == ("0.25", "0.4")
    # the same segment shares cannot be told apart; the character shares can, and rank X first
    assert (x_a["others_share"], x_a["emphasis"]) == ("0.25", "not_significant")
    char = out["char_relative_emphasis"]["X"]["a"]
    assert (x_a["char_others_share"], x_a["char_ratio"], x_a["char_emphasis"]) == ("0.1", "4.0", "higher")
    assert (float(x_a["char_p_value"]), float(x_a["char_p_adjusted"])) == (char["p_value"], char["p_adjusted"])
    assert (x_a["char_rank"], rows[("Y", "a")]["char_rank"], rows[("Y", "a")]["char_emphasis"]) == ("1", "2", "lower")
    # in Chinese every column has a Chinese name, and the character comparison's words are translated
    from serving.exports import HEADER_ZH, localize

    assert set(CSV_COLUMNS) <= set(HEADER_ZH)
    zh = list(csv.DictReader(io.StringIO(localize(comparison_csv(out), "zh", []))))
    assert {r["字符份额相对侧重"] for r in zh if r["主题"] == "a"} == {"较高", "较低"}


def rates(tpr_counts=(60, 100), fpr_counts=(10, 1000), score_pos=0.6, score_neg=0.05):
    """One theme ``a`` (and a perfect ``b``): tp of positives, fp of negatives, mean scores."""
    row = lambda tp, p, fp, n, sp, sn: {"positives": p, "negatives": n, "true_positives": tp,  # noqa: E731
                                        "false_positives": fp, "score_pos": sp, "score_neg": sn,
                                        "score_pos_sd": 0.2, "score_neg_sd": 0.05}
    return ErrorRates.from_dict({"a": row(*tpr_counts, *fpr_counts, score_pos, score_neg),
                                 "b": row(100, 100, 0, 1000, 1.0, 0.0)}, THEMES)


def test_adjusted_count_corrects_a_tagger_that_misses_positives():
    # truth 50 of 200 carry a; the tagger finds 60 % of them (30) and 1 % of the 150 others (1.5 → 2)
    rows = [(["a"], 1)] * 30 + [([], 1)] * 20 + [(["a"], 1)] * 2 + [([], 1)] * 148
    seg = segs(rows)
    raw = coverage(seg, rates=rates(), method="cc")["themes"]["a"]
    acc = coverage(seg, rates=rates(), method="acc")
    assert raw["segment_share"] == 0.16 and acc["method"] == "acc" and acc["corrected"]
    a = acc["themes"]["a"]
    assert a["raw_segment_share"] == 0.16 and a["segment_share"] == pytest.approx((0.16 - 0.01) / 0.59, abs=1e-3)
    low, high = a["segment_share_ci"]
    assert low < 0.25 < high  # holds the truth the raw share is far from
    # error-rate uncertainty: the same group with rates measured on 10× fewer segments gets a wider interval
    few = coverage(seg, rates=rates((6, 10), (1, 100)), method="acc")["themes"]["a"]["segment_share_ci"]
    assert few[1] - few[0] > high - low


def test_probabilistic_counts_use_scores_and_known_labels_count_as_known():
    scores = [{"a": 0.3, "b": 0.0}] * 10
    rows = [([], 1, s, False, "d1") for s in scores]
    out = coverage(TaggedSegments.from_rows(rows, THEMES), rates=rates(), method="pcc")
    assert out["method"] == "pcc" and out["themes"]["a"]["segment_share"] == pytest.approx(0.3)
    assert out["themes"]["a"]["raw_segment_share"] == 0.0 and out["documents"] == 1
    # a person labelled 5 of them: those count as they are (4 carry a), the other 5 still by their scores
    corrected = [(["a"], 1, s, True, "d1") for s in scores[:4]] + [([], 1, scores[0], True, "d1")] + rows[5:]
    out = coverage(TaggedSegments.from_rows(corrected, THEMES), rates=rates(), method="pcc")
    assert out["themes"]["a"]["segment_share"] == pytest.approx((4 + 5 * 0.3) / 10)
    everything_known = [(["a"], 1, s, True, "d1") for s in scores]
    ci = coverage(TaggedSegments.from_rows(everything_known, THEMES), rates=rates())["themes"]["a"]["segment_share_ci"]
    assert ci == [1.0, 1.0]


def test_a_model_without_error_rates_gets_raw_counts_marked_uncorrected():
    seg = segs([(["a"], 1)] * 10 + [([], 1)] * 30)
    out = coverage(seg, rates=None)
    assert (out["method"], out["corrected"]) == ("cc", False) and "no error rates" in out["interval"]["method"]
    assert out["themes"]["a"]["segment_share"] == out["themes"]["a"]["raw_segment_share"] == 0.25
    with pytest.raises(ValueError, match="unknown method"):
        coverage(seg, method="magic")
