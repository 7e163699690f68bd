"""Calibrated scores: per theme, ``sigmoid(a · logit(p) + b)`` fitted on held-out predictions (Platt scaling).

Monotone in each theme's raw score, so a model's ranking is unchanged; only what a score means changes:
after calibration, segments scored about 0.7 carry the theme about 70 % of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

EPS = 1e-6


def _logit(P: np.ndarray) -> np.ndarray:
    P = np.clip(np.asarray(P, dtype=float), EPS, 1 - EPS)
    return np.log(P / (1 - P))


@dataclass(frozen=True)
class PlattCalibration:
    slopes: tuple[float, ...]
    intercepts: tuple[float, ...]

    @classmethod
    def fit(cls, Y: np.ndarray, P: np.ndarray) -> PlattCalibration:
        """One logistic regression per theme on the logit of its held-out scores (identity without both classes)."""
        slopes, intercepts = [], []
        Z = _logit(P)
        for k in range(Y.shape[1]):
            if len(set(Y[:, k])) < 2:
                slopes.append(1.0)
                intercepts.append(0.0)
                continue
            lr = LogisticRegression(C=100.0).fit(Z[:, [k]], Y[:, k])
            slopes.append(float(lr.coef_[0, 0]))
            intercepts.append(float(lr.intercept_[0]))
        return cls(tuple(slopes), tuple(intercepts))

    def apply(self, P: np.ndarray) -> np.ndarray:
        if not len(P):
            return np.asarray(P, dtype=float)
        return 1.0 / (1.0 + np.exp(-(_logit(P) * np.array(self.slopes) + np.array(self.intercepts))))
