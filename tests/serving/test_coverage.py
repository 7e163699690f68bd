"""Coverage and comparison arithmetic on tiny hand-computed cases."""

import csv
import io

import numpy as np
import pytest
from scipy.stats import fisher_exact

from policytag.coverage import CSV_COLUMNS, TaggedSegments, compare, comparison_csv, coverage, holm

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
    # a theme every segment carries has a degenerate interval at 1
    assert coverage(segs([(["a"], 5)] * 10))["themes"]["a"]["segment_share_ci"] == [1.0, 1.0]


def test_bootstrap_in_chunks_matches_the_percentile_of_a_proportion():
    # 1,000 segments, 30% carry a: the interval approaches p ± 1.96·sqrt(p(1-p)/n)
    rows = [(["a"], 1)] * 300 + [([], 1)] * 700
    low, high = coverage(segs(rows), resamples=2000)["themes"]["a"]["segment_share_ci"]
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
    x = segs([(["a"], 10)] * 8 + [([], 10)] * 2)  # a: 8/10
    y = segs([(["a"], 10)] * 2 + [(["b"], 10)] * 8)  # a: 2/10
    z = segs([(["a"], 10)] * 2 + [([], 10)] * 8)  # a: 2/10
    out = compare({"X": x, "Y": y, "Z": z}, resamples=200)
    e = out["relative_emphasis"]["X"]["a"]
    assert e["share"] == 0.8 and e["others_share"] == 0.2 and e["ratio"] == 4.0
    assert e["p_value"] == pytest.approx(fisher_exact([[8, 2], [4, 16]])[1], abs=1e-6)
    assert out["relative_emphasis"]["Y"]["a"]["others_share"] == 0.5  # (8 + 2) / 20
    assert out["ranking"]["a"][0] == "X" and out["ranking"]["b"][0] == "Y"
    assert out["relative_emphasis"]["Y"]["b"]["emphasis"] == "higher"  # 8/10 vs 0/20
    assert out["relative_emphasis"]["X"]["b"]["emphasis"] == "similar"  # 0/10 vs 8/20: not after Holm
    assert out["relative_emphasis"]["X"]["b"]["ratio"] == 0.0
    assert out["coverage"]["X"]["themes"]["a"]["segment_share"] == 0.8


def test_comparison_needs_two_groups_and_exports_csv():
    with pytest.raises(ValueError, match="at least two groups"):
        compare({"X": segs([(["a"], 1)])})
    out = compare({"X": segs([(["a"], 1), ([], 3)]), "Y": segs([(["b"], 2)])}, resamples=100)
    rows = list(csv.DictReader(io.StringIO(comparison_csv(out))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 4
    x_a = next(r for r in rows if (r["group"], r["theme"]) == ("X", "a"))
    shares = (x_a["segments"], x_a["tagged_segments"], x_a["segment_share"], x_a["char_share"])
    assert shares == ("2", "1", "0.5", "0.25")
    assert x_a["rank"] == "1" and x_a["others_share"] == "0.0" and x_a["ratio"] == ""
