"""The error rates training logs with a model, which coverage corrects shares with."""

import numpy as np
import pytest

from policytag.coverage import ErrorRates
from training.evaluate import error_rates


def test_error_rates_count_held_out_rows_only_and_round_trip_into_coverage():
    # 6 evaluated rows of one theme (3 positives), row 6 never held out
    Y = np.array([[1], [1], [1], [0], [0], [0], [1]])
    P = np.array([[0.9], [0.8], [0.2], [0.6], [0.1], [0.1], [0.99]])
    folds = [("f1", np.array([3, 4, 5, 6]), np.array([0, 1, 2])), ("f2", np.array([0, 1, 2, 6]), np.array([3, 4, 5]))]
    docs = np.array(["d1"] * 3 + ["d2"] * 3 + ["x"])
    rates = error_rates(Y, P, folds, [0.5], ["a"], docs)["a"]
    assert (rates["positives"], rates["negatives"], rates["true_positives"], rates["false_positives"]) == (3, 3, 2, 1)
    assert rates["tpr"] == pytest.approx(2 / 3) and rates["fpr"] == pytest.approx(1 / 3)
    assert rates["score_pos"] == pytest.approx(1.9 / 3) and rates["score_neg"] == pytest.approx(0.8 / 3)
    assert set(rates["heterogeneity"]) == {"acc", "pcc", "pacc"}
    back = ErrorRates.from_dict({"a": rates}, ["a"])
    assert back.tpr[0] == pytest.approx(2 / 3) and back.fpr[0] == pytest.approx(1 / 3)
