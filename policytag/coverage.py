"""Theme coverage: counts, shares, bootstrap intervals and comparisons between groups (one implementation).

Pure arithmetic on ``(labels, n_chars)`` per segment; the API's routes fetch the rows from the store,
the batch sums :func:`counts` per document into its coverage table. A segment *carries* a theme when
the theme is among its labels. Shares are computed two ways: of segments, and of characters (long
segments weigh more).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95
SIGNIFICANCE = 0.05
_CELLS_PER_CHUNK = 2_000_000  # bootstrap matrix cells held in memory at once


@dataclass
class TaggedSegments:
    """Segments as a boolean theme matrix (rows × themes) and their lengths in characters."""

    themes: list[str]
    carried: np.ndarray  # bool, n × len(themes)
    chars: np.ndarray  # int, n

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Sequence[str], int]], themes: list[str]) -> TaggedSegments:
        carried = np.array([[t in labels for t in themes] for labels, _ in rows], dtype=bool).reshape(-1, len(themes))
        return cls(themes, carried, np.array([n for _, n in rows], dtype=float))

    def __len__(self) -> int:
        return len(self.chars)


def counts(rows: Sequence[tuple[Sequence[str], int]], themes: list[str]) -> dict:
    """Segments and characters in all and per theme (``untagged``: carrying none), from ``(labels, n_chars)``
    per segment: what the batch's coverage table sums."""
    out = {"segments": len(rows), "characters": sum(n for _, n in rows)}
    for t in themes:
        carried = [n for labels, n in rows if t in labels]
        out[f"{t}_segments"], out[f"{t}_characters"] = len(carried), sum(carried)
    untagged = [n for labels, n in rows if not labels]
    out["untagged_segments"], out["untagged_characters"] = len(untagged), sum(untagged)
    return out


def share(part: float, whole: float) -> float | None:
    """``part / whole``, or None for an empty whole."""
    return part / whole if whole else None


def _shares(carried: np.ndarray, chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segment and character shares of each column."""
    return carried.mean(axis=0), (carried * chars[:, None]).sum(axis=0) / chars.sum()


def _with_untagged(seg: TaggedSegments) -> np.ndarray:
    return np.column_stack([seg.carried, ~seg.carried.any(axis=1)])


def bootstrap_intervals(seg: TaggedSegments, *, resamples: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of segment and character shares (themes + untagged), resampling segments."""
    cols = _with_untagged(seg).astype(float)
    n = len(seg)
    rng = np.random.default_rng(seed)
    chunk = max(1, _CELLS_PER_CHUNK // n)
    seg_draws, char_draws = [], []
    for done in range(0, resamples, chunk):
        idx = rng.integers(0, n, size=(min(chunk, resamples - done), n))
        # How often each segment was drawn in each resample; shares are weighted sums.
        times = np.bincount((idx + n * np.arange(len(idx))[:, None]).ravel(), minlength=idx.size).reshape(idx.shape)
        seg_draws.append(times @ cols / n)
        char_draws.append((times * seg.chars) @ cols / (times @ seg.chars)[:, None])
    q = [(1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100]
    return (np.percentile(np.concatenate(seg_draws), q, axis=0).T,
            np.percentile(np.concatenate(char_draws), q, axis=0).T)


def coverage(seg: TaggedSegments, *, resamples: int = 1000, seed: int = 0) -> dict:
    """Per theme (and ``untagged``): counts, segment and character shares, and 95% intervals."""
    out: dict = {"segments": len(seg), "characters": int(seg.chars.sum()),
           "interval": {"method": "percentile bootstrap over segments", "level": LEVEL, "resamples": resamples},
           "themes": {}, "untagged": None}
    cols = _with_untagged(seg)
    names = [*seg.themes, "untagged"]
    if len(seg) == 0:
        empty = {"segments": 0, "characters": 0, "segment_share": None, "segment_share_ci": None,
                 "char_share": None, "char_share_ci": None}
        out["themes"] = {t: dict(empty) for t in seg.themes}
        out["untagged"] = dict(empty)
        return out
    seg_share, char_share = _shares(cols, seg.chars)
    seg_ci, char_ci = bootstrap_intervals(seg, resamples=resamples, seed=seed)
    for j, name in enumerate(names):
        entry = {"segments": int(cols[:, j].sum()), "characters": int(seg.chars[cols[:, j]].sum()),
                 "segment_share": _r(seg_share[j]), "segment_share_ci": [_r(v) for v in seg_ci[j]],
                 "char_share": _r(char_share[j]), "char_share_ci": [_r(v) for v in char_ci[j]]}
        if name == "untagged":
            out["untagged"] = entry
        else:
            out["themes"][name] = entry
    return out


def holm(p_values: list[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (same order as given)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def compare(groups: dict[str, TaggedSegments], *, resamples: int = 1000, seed: int = 0) -> dict:
    """Groups × themes shares, each group's emphasis relative to the pool of the others, and rankings.

    Relative emphasis of group g on theme t: ``ratio`` = g's segment share / the
    pooled share of all other groups' segments; ``p_value`` is a two-sided Fisher
    exact test of the 2×2 table (g vs others × carries t or not), ``p_adjusted``
    its Holm correction over all group × theme cells; ``emphasis`` is ``higher`` or
    ``lower`` when ``p_adjusted`` < 0.05, else ``similar``.
    """
    from scipy.stats import fisher_exact  # only comparisons need scipy (batch workers import this module)

    if len(groups) < 2:
        raise ValueError("a comparison needs at least two groups with stored reports")
    themes = next(iter(groups.values())).themes
    names = list(groups)
    matrix = {g: coverage(s, resamples=resamples, seed=seed) for g, s in groups.items()}
    cells, p_values = [], []
    for g in names:
        others = [groups[o] for o in names if o != g]
        n_o = sum(len(o) for o in others)
        for j, t in enumerate(themes):
            k_g, n_g = int(groups[g].carried[:, j].sum()), len(groups[g])
            k_o = sum(int(o.carried[:, j].sum()) for o in others)
            share_g = k_g / n_g if n_g else None
            share_o = k_o / n_o if n_o else None
            p = float(fisher_exact([[k_g, n_g - k_g], [k_o, n_o - k_o]])[1]) if n_g and n_o else 1.0
            cells.append((g, t, share_g, share_o))
            p_values.append(p)
    emphasis: dict[str, dict] = {g: {} for g in names}
    for (g, t, share_g, share_o), p, p_adj in zip(cells, p_values, holm(p_values)):
        ratio = share_g / share_o if share_g is not None and share_o else None
        direction = "similar"
        if p_adj < SIGNIFICANCE and share_g is not None and share_o is not None:
            direction = "higher" if share_g > share_o else "lower"
        emphasis[g][t] = {"share": _r(share_g), "others_share": _r(share_o), "ratio": _r(ratio),
                          "p_value": _r(p, 6), "p_adjusted": _r(p_adj, 6), "emphasis": direction}
    ranking = {t: [g for g in sorted(names, key=lambda g: -(matrix[g]["themes"][t]["segment_share"] or 0.0))]
               for t in themes}
    return {"groups": names, "themes": themes, "coverage": matrix, "relative_emphasis": emphasis,
            "ranking": ranking}


CSV_COLUMNS = ["group", "theme", "segments", "tagged_segments", "segment_share", "segment_share_ci_low",
               "segment_share_ci_high", "char_share", "char_share_ci_low", "char_share_ci_high",
               "others_share", "ratio", "p_value", "p_adjusted", "emphasis", "rank"]


def comparison_csv(result: dict) -> str:
    """One row per group × theme, the columns of :data:`CSV_COLUMNS`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for g in result["groups"]:
        cov = result["coverage"][g]
        for t in result["themes"]:
            c, e = cov["themes"][t], result["relative_emphasis"][g][t]
            seg_ci = c["segment_share_ci"] or [None, None]
            char_ci = c["char_share_ci"] or [None, None]
            writer.writerow([g, t, cov["segments"], c["segments"], c["segment_share"], *seg_ci, c["char_share"],
                             *char_ci, e["others_share"], e["ratio"], e["p_value"], e["p_adjusted"],
                             e["emphasis"], result["ranking"][t].index(g) + 1])
    return buf.getvalue()


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(float(x), digits)
