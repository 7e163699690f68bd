"""bench/coverage.py on made-up out-of-fold predictions (no training): the figures it reports are right."""

import numpy as np

from bench.coverage import Predictions, main, run


def predictions(noise: float, seed: int = 0) -> Predictions:
    """40 documents of 12 segments in 5 folds; two themes; scores = the truth, a ``noise`` share of it flipped."""
    rng = np.random.default_rng(seed)
    n = 40 * 12
    doc = np.repeat([f"d{i}" for i in range(40)], 12)
    fold = np.repeat(np.arange(40) % 5, 12)
    rate = np.repeat(rng.uniform(0.05, 0.6, size=(40, 2)), 12, axis=0)
    Y = (rng.random((n, 2)) < rate).astype(int)
    seen = np.where(rng.random((n, 2)) < noise, 1 - Y, Y)
    P = 0.1 + 0.8 * seen.astype(float)
    return Predictions(["a", "b"], Y, P, fold, doc, np.full(n, 30))


def test_a_perfect_tagger_has_no_error_and_ranks_every_group_right():
    out = run(predictions(0.0), synthetic=30, resamples=200)
    cc = out["results"]["documents"]["cc"]
    assert out["groups"]["documents"]["groups"] == 40 and out["groups"]["synthetic"]["groups"] == 30
    assert cc["mae_points"] == 0.0 and cc["spearman_min"] == 1.0 and cc["interval_coverage"] == 1.0
    assert out["meets"]["documents"]["cc"] == {"mae": True, "spearman": True, "interval_coverage": True}


def test_a_noisy_tagger_errs_and_every_method_is_reported(tmp_path):
    out = run(predictions(0.15), synthetic=30, resamples=200)
    for name in ("documents", "synthetic"):
        assert set(out["results"][name]) == {"cc", "acc", "pcc", "pacc"}
        assert out["results"][name]["cc"]["mae_points"] > 1
        assert out["results"][name]["acc"]["interval_coverage"] >= 0.8
    # the CLI path: a cached prediction file is read, the JSON written
    cache, result = tmp_path / "oof.npz", tmp_path / "out.json"
    predictions(0.15).save(cache)
    assert main(["--quick", "--cache", str(cache), "--json", str(result)]) == 0 and result.is_file()
