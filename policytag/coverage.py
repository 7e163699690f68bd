"""Theme coverage: corrected shares, honest intervals, counts and comparisons between groups (one implementation).

Estimating how much of a group (a zone, a zone × year, a document type, an archive) addresses a theme is a
*quantification* question: counting the tagger's labels ("classify and count", ``cc``) carries every bias of
the tagger into the answer. The other methods correct for the tagger's errors measured on held-out documents
(:class:`ErrorRates`, logged with the model by training):

- ``acc``, adjusted classify-and-count: ``(cc − fpr) / (tpr − fpr)``, clipped to [0, 1];
- ``pcc``, probabilistic classify-and-count: the mean calibrated score;
- ``pacc``, its adjusted form: ``(pcc − s⁻) / (s⁺ − s⁻)``, with s⁺ / s⁻ the mean score of segments that
  do / do not carry the theme.

A person's labels count as known: only the other segments are estimated. The 95 % interval draws, per
replicate, the observed rate (a Beta posterior whose effective size shrinks by the design effect of the
group's documents when it has several) *and* the error rates (Beta posteriors of their counts), so it carries
both the sampling and the error-rate uncertainty. ``bench/coverage.py`` measures every method and the interval
coverage on held-out documents; :data:`DEFAULT_METHOD` is the one with the smallest error there. A model
without error rates gets the raw counts, marked ``corrected: false``.

Shares are of segments and of characters (long segments weigh more). The API's routes, a report's coverage,
``policytag coverage`` and the batch's coverage table all use :func:`coverage`, with the ``too_few``
thresholds of the settings (:func:`options`); the batch's document rows keep raw counts (:func:`counts`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from policytag.config import Settings

LEVEL = 0.95
SIGNIFICANCE = 0.05
METHODS = {"cc": "classify and count (raw)", "acc": "adjusted classify and count",
           "pcc": "probabilistic classify and count", "pacc": "adjusted probabilistic classify and count"}
DEFAULT_METHOD = "pcc"  # smallest error in bench/coverage.py (docs/benchmarks.md, "Theme coverage")
# groups with fewer segments are ``too_few``, and so are groups whose widest segment-share interval is
# wider than MAX_WIDTH: defaults of the settings POLICYTAG_COVERAGE_MIN_SEGMENTS / _MAX_WIDTH (options())
MIN_SEGMENTS: int = Settings.model_fields["coverage_min_segments"].default
MAX_WIDTH: float = Settings.model_fields["coverage_max_width"].default
CLUSTER_MIN_DOCUMENTS = 5  # from this many documents the interval accounts for their clustering
_MIN_GAP = 0.05  # smallest tpr − fpr (or s⁺ − s⁻) an adjustment divides by
_JEFFREYS = 0.5


def options(settings: Settings) -> dict:
    """The settings' resamples and ``too_few`` thresholds, as keyword arguments of coverage() and compare()."""
    return {"resamples": settings.bootstrap_resamples, "min_segments": settings.coverage_min_segments,
            "max_width": settings.coverage_max_width}


@dataclass(frozen=True)
class ErrorRates:
    """How a tagger errs, per theme, on held-out documents: the counts behind tpr and fpr, and the mean
    (and spread of the) calibrated score of segments that do (``pos``) and do not (``neg``) carry the theme."""

    themes: list[str]
    positives: np.ndarray
    negatives: np.ndarray
    true_positives: np.ndarray
    false_positives: np.ndarray
    score_pos: np.ndarray
    score_neg: np.ndarray
    score_pos_sd: np.ndarray
    score_neg_sd: np.ndarray
    heterogeneity: dict[str, np.ndarray]  # method → sd of a document's observed rate around the expected one

    @property
    def tpr(self) -> np.ndarray:
        return self.true_positives / np.maximum(self.positives, 1)

    @property
    def fpr(self) -> np.ndarray:
        return self.false_positives / np.maximum(self.negatives, 1)

    @classmethod
    def from_dict(cls, rates: dict, themes: list[str]) -> ErrorRates:
        """From ``{theme: {positives, negatives, true_positives, false_positives, score_pos, ...}}``
        (``training.evaluate.error_rates``); a theme missing from it raises KeyError."""
        def col(key: str) -> np.ndarray:
            return np.array([float(rates[t][key]) for t in themes])
        return cls(list(themes), col("positives"), col("negatives"), col("true_positives"), col("false_positives"),
                   col("score_pos"), col("score_neg"), col("score_pos_sd"), col("score_neg_sd"),
                   {m: np.array([float((rates[t].get("heterogeneity") or {}).get(m, 0.0)) for t in themes])
                    for m in ("acc", "pcc", "pacc")})

    @classmethod
    def of_tagger(cls, tagger) -> ErrorRates | None:
        """A fitted ``Tagger``'s error rates (``tagger.info["error_rates"]``), None for a model without them."""
        rates = (getattr(tagger, "info", None) or {}).get("error_rates")
        if not rates:
            return None
        try:
            return cls.from_dict(rates, list(tagger.themes))
        except (KeyError, TypeError, ValueError):
            return None

    def draws(self, method: str, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` draws (n × themes) of the rate a group observes when no / every segment carries the theme."""
        if method == "acc":
            neg = rng.beta(self.false_positives + _JEFFREYS, self.negatives - self.false_positives + _JEFFREYS,
                           size=(n, len(self.themes)))
            pos = rng.beta(self.true_positives + _JEFFREYS, self.positives - self.true_positives + _JEFFREYS,
                           size=(n, len(self.themes)))
            return neg, pos
        neg = rng.normal(self.score_neg, self.score_neg_sd / np.sqrt(np.maximum(self.negatives, 1)),
                         size=(n, len(self.themes)))
        pos = rng.normal(self.score_pos, self.score_pos_sd / np.sqrt(np.maximum(self.positives, 1)),
                         size=(n, len(self.themes)))
        return neg, pos

    def point(self, method: str) -> tuple[np.ndarray, np.ndarray]:
        return (self.fpr, self.tpr) if method == "acc" else (self.score_neg, self.score_pos)


@dataclass
class TaggedSegments:
    """A group's segments: labels as a boolean theme matrix (rows × themes), lengths in characters, and
    optionally calibrated scores, which rows carry a person's labels (``known``) and each row's document."""

    themes: list[str]
    carried: np.ndarray  # bool, n × len(themes)
    chars: np.ndarray  # n
    scores: np.ndarray | None = None  # float, n × len(themes)
    known: np.ndarray | None = None  # bool, n
    docs: np.ndarray | None = None  # n document ids

    @classmethod
    def from_rows(cls, rows: Sequence[tuple], themes: list[str]) -> TaggedSegments:
        """From ``(labels, n_chars[, scores, known, doc])`` per segment (``scores``: ``{theme: score}``)."""
        carried = np.array([[t in row[0] for t in themes] for row in rows], dtype=bool).reshape(-1, len(themes))
        rich = bool(rows) and len(rows[0]) >= 5
        scores = np.array([[float((row[2] or {}).get(t, 0.0)) for t in themes] for row in rows],
                          dtype=float).reshape(-1, len(themes)) if rich else None
        return cls(themes, carried, np.array([row[1] for row in rows], dtype=float), scores,
                   np.array([bool(row[3]) for row in rows], dtype=bool) if rich else None,
                   np.array([row[4] for row in rows], dtype=object) if rich else None)

    def __len__(self) -> int:
        return len(self.chars)

    @property
    def documents(self) -> int | None:
        return None if self.docs is None else len(set(self.docs))


def counts(rows: Sequence[tuple[Sequence[str], int]], themes: list[str]) -> dict:
    """Segments and characters in all and per theme (``untagged``: carrying none), from ``(labels, n_chars)``
    per segment: the raw counts of the batch's document rows."""
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


def usable_method(method: str, seg: TaggedSegments, rates: ErrorRates | None) -> str:
    """The method actually used: ``cc`` without error rates; ``acc`` for ``pacc`` without scores."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: one of {', '.join(METHODS)}")
    if method == "cc" or rates is None:
        return "cc"
    if method in ("pcc", "pacc") and seg.scores is None:
        return "acc"
    return method


@dataclass(frozen=True)
class Estimate:
    """One weighting (segments or characters) of a group: per theme the point and its replicate draws."""

    point: np.ndarray  # themes
    draws: np.ndarray  # replicates × themes
    raw: np.ndarray  # classify-and-count, themes
    segments: int | None = None  # n when the shares are of n segments (multiples of 1/n)

    def interval(self) -> np.ndarray:
        """Percentile interval of the draws, holding the point; for a share of n segments the draws are
        rounded to multiples of 1/n first (the values the true share can take)."""
        q = [(1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100]
        draws = np.round(self.draws * self.segments) / self.segments if self.segments else self.draws
        low, high = np.percentile(draws, q, axis=0)
        low, high = np.minimum(low, self.point), np.maximum(high, self.point)
        return np.column_stack([low, high])


def estimate(seg: TaggedSegments, weights: np.ndarray, method: str, rates: ErrorRates | None, *,
             resamples: int = 1000, seed: int = 0, stream: int = 0) -> Estimate:
    """Per theme, the share of ``weights`` (ones: segments; lengths: characters) carrying it, by ``method``.

    Error-rate draws depend on ``seed`` alone, so groups estimated with one seed share them (comparisons);
    the group's own draws depend on ``stream`` too (give each compared group its own).
    """
    k = len(seg.themes)
    known = seg.known if seg.known is not None else np.zeros(len(seg), dtype=bool)
    carried = seg.carried.astype(float)
    total = weights.sum()
    raw = weights @ carried / total
    if method == "cc" or rates is None:
        x = carried
    elif method in ("pcc", "pacc"):
        assert seg.scores is not None
        x = np.where(known[:, None], carried, seg.scores)
    else:
        x = carried
    unknown_w = weights * ~known
    known_part = (weights * known) @ carried / total
    frac_unknown = unknown_w.sum() / total
    if not unknown_w.sum():
        return Estimate(known_part, np.tile(known_part, (resamples, 1)), raw, _grid(weights))
    observed = unknown_w @ x / unknown_w.sum()
    n_eff = unknown_w.sum() ** 2 / (unknown_w ** 2).sum() / _design_effect(x, unknown_w, seg.docs, observed)
    rng = np.random.default_rng([seed, 1, stream])
    observed_draws = rng.beta(observed * n_eff + _JEFFREYS, (1 - observed) * n_eff + _JEFFREYS, size=(resamples, k))
    if rates is not None and method != "cc":  # this group's own errors stray from the pooled ones
        spread = rates.heterogeneity[method] / np.sqrt(seg.documents or 1)
        observed_draws = observed_draws + rng.normal(0.0, 1.0, size=(resamples, k)) * spread
    if method in ("cc", "pcc") or rates is None:
        adjusted, adjusted_draws = observed, observed_draws
    else:
        neg, pos = rates.point(method)
        neg_draws, pos_draws = rates.draws(method, np.random.default_rng([seed, 2]), resamples)
        adjusted = _adjust(observed, neg, pos)
        adjusted_draws = _adjust(observed_draws, neg_draws, pos_draws)
    draws = np.clip(known_part + frac_unknown * adjusted_draws, 0.0, 1.0)
    return Estimate(known_part + frac_unknown * adjusted, draws, raw, _grid(weights))


def _grid(weights: np.ndarray) -> int | None:
    """Segments, when every weight is one: a share of segments is then a multiple of 1/n."""
    return len(weights) if len(weights) and np.all(weights == 1) else None


def _adjust(observed, neg, pos):
    return np.clip((observed - neg) / np.maximum(pos - neg, _MIN_GAP), 0.0, 1.0)


def _design_effect(x: np.ndarray, w: np.ndarray, docs: np.ndarray | None, observed: np.ndarray) -> np.ndarray:
    """Per theme, how much more the observed rate varies between the group's documents than between
    independent segments (at least 1; 1 below :data:`CLUSTER_MIN_DOCUMENTS` documents)."""
    if docs is None:
        return np.ones(x.shape[1])
    inside = w > 0
    names, which = np.unique(docs[inside].astype(str), return_inverse=True)
    if len(names) < CLUSTER_MIN_DOCUMENTS:
        return np.ones(x.shape[1])
    wi, xi = w[inside], x[inside]
    sizes = np.bincount(which, weights=wi)
    totals = np.stack([np.bincount(which, weights=wi * xi[:, j]) for j in range(x.shape[1])], axis=1)
    d = len(names)
    cluster_var = d / (d - 1) * ((totals - sizes[:, None] * observed) ** 2).sum(axis=0) / wi.sum() ** 2
    n_eff = wi.sum() ** 2 / (wi ** 2).sum()
    simple_var = np.maximum(observed * (1 - observed), 1e-12) / n_eff
    return np.maximum(1.0, cluster_var / simple_var)


def coverage(seg: TaggedSegments, *, rates: ErrorRates | None = None, method: str = DEFAULT_METHOD,
             resamples: int = 1000, seed: int = 0, min_segments: int = MIN_SEGMENTS,
             max_width: float = MAX_WIDTH) -> dict:
    """Per theme: corrected segment and character shares with 95 % intervals, the raw counts and shares;
    ``untagged`` (carrying no theme) is raw. ``too_few`` marks a group too small or too uncertain to rank."""
    used = usable_method(method, seg, rates)
    out: dict = {"segments": len(seg), "characters": int(seg.chars.sum()), "documents": seg.documents,
                 "method": used, "corrected": used != "cc",
                 "interval": {"method": _interval_words(used), "level": LEVEL, "resamples": resamples},
                 "too_few": True, "themes": {}, "untagged": None}
    if len(seg) == 0:
        empty = {"segments": 0, "characters": 0, "segment_share": None, "segment_share_ci": None,
                 "char_share": None, "char_share_ci": None, "raw_segment_share": None, "raw_char_share": None}
        out["themes"] = {t: dict(empty) for t in seg.themes}
        out["untagged"] = dict(empty)
        return out
    by_seg = estimate(seg, np.ones(len(seg)), used, rates, resamples=resamples, seed=seed)
    by_char = estimate(seg, seg.chars, used, rates, resamples=resamples, seed=seed)
    seg_ci, char_ci = by_seg.interval(), by_char.interval()
    for j, t in enumerate(seg.themes):
        column = seg.carried[:, j]
        out["themes"][t] = {"segments": int(column.sum()), "characters": int(seg.chars[column].sum()),
                            "segment_share": _r(by_seg.point[j]), "segment_share_ci": [_r(v) for v in seg_ci[j]],
                            "char_share": _r(by_char.point[j]), "char_share_ci": [_r(v) for v in char_ci[j]],
                            "raw_segment_share": _r(by_seg.raw[j]), "raw_char_share": _r(by_char.raw[j])}
    out["untagged"] = _untagged(seg, resamples, seed)
    out["too_few"] = bool(len(seg) < min_segments or float(np.max(np.diff(seg_ci, axis=1))) > max_width)
    return out


def _untagged(seg: TaggedSegments, resamples: int, seed: int) -> dict:
    none = np.asarray(~seg.carried.any(axis=1), dtype=bool)
    plain = TaggedSegments(["untagged"], none[:, None], seg.chars)
    by_seg = estimate(plain, np.ones(len(seg)), "cc", None, resamples=resamples, seed=seed)
    by_char = estimate(plain, seg.chars, "cc", None, resamples=resamples, seed=seed)
    return {"segments": int(none.sum()), "characters": int(seg.chars[none].sum()),
            "segment_share": _r(by_seg.point[0]), "segment_share_ci": [_r(v) for v in by_seg.interval()[0]],
            "char_share": _r(by_char.point[0]), "char_share_ci": [_r(v) for v in by_char.interval()[0]],
            "raw_segment_share": _r(by_seg.raw[0]), "raw_char_share": _r(by_char.raw[0])}


def _interval_words(method: str) -> str:
    if method == "cc":
        return "sampling only (Beta posterior of the observed rate; no error rates: raw counts)"
    return ("sampling (Beta posterior of the observed rate, widened by the documents' design effect) "
            "and the uncertainty of the tagger's error rates")


def holm(p_values: list[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (same order as given)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def compare(groups: dict[str, TaggedSegments], *, rates: ErrorRates | None = None, method: str = DEFAULT_METHOD,
            resamples: int = 1000, seed: int = 0, min_segments: int = MIN_SEGMENTS,
            max_width: float = MAX_WIDTH) -> dict:
    """Groups × themes corrected shares, each group's emphasis relative to the pool of the others, and rankings.

    Relative emphasis of group g on theme t: ``ratio`` = g's corrected segment share / the others' (their
    corrected shares pooled by segments). ``p_value`` is two-sided, from the difference over its standard
    error across the interval's replicates (the same error-rate draws for every group, so the tagger's
    shared bias largely cancels); ``p_adjusted`` its Holm correction over all compared cells. ``emphasis``
    is ``higher`` or ``lower`` when ``p_adjusted`` < 0.05, else ``not_significant`` (the data cannot tell
    the shares apart, which is not evidence that they are alike). ``too_few`` groups are not ranked, not
    tested and not in the others' pool. ``char_relative_emphasis`` is the same for character shares (the
    others pooled by characters), so a reader can keep to one measure.
    """
    if len(groups) < 2:
        raise ValueError("a comparison needs at least two groups with stored reports")
    themes = next(iter(groups.values())).themes
    names = list(groups)
    matrix = {g: coverage(s, rates=rates, method=method, resamples=resamples, seed=seed, min_segments=min_segments,
                          max_width=max_width) for g, s in groups.items()}
    ranked = [g for g in names if not matrix[g]["too_few"]]
    out = {"groups": names, "themes": themes, "coverage": matrix}
    for key, weight in (("relative_emphasis", lambda seg: np.ones(len(seg))), ("char_relative_emphasis",
                                                                              lambda seg: seg.chars)):
        est = {g: estimate(groups[g], weight(groups[g]), usable_method(method, groups[g], rates), rates,
                           resamples=resamples, seed=seed, stream=i) for i, g in enumerate(ranked)}
        sizes = {g: float(weight(groups[g]).sum()) for g in ranked}
        share_key = "segment_share" if key == "relative_emphasis" else "char_share"
        out[key] = _emphasis(names, themes, matrix, est, sizes, share_key)
    out["ranking"] = {t: sorted(ranked, key=lambda g: -(matrix[g]["themes"][t]["segment_share"] or 0.0))
                      for t in themes}
    out["char_ranking"] = {t: sorted(ranked, key=lambda g: -(matrix[g]["themes"][t]["char_share"] or 0.0))
                           for t in themes}
    out["too_few"] = [g for g in names if matrix[g]["too_few"]]
    return out


def _emphasis(names: list[str], themes: list[str], matrix: dict, est: dict[str, Estimate], sizes: dict[str, float],
              share_key: str) -> dict:
    """Each tested group (``est``) against the others pooled by ``sizes``; the others ``too_few`` or, with a
    single tested group, ``not_significant``."""
    from scipy.stats import norm  # only comparisons need scipy (batch workers import this module)

    cells, p_values = [], []
    for g in est:
        others = [o for o in est if o != g]
        if not others:
            continue
        weights = np.array([sizes[o] for o in others])
        pool_point = weights @ np.array([est[o].point for o in others]) / weights.sum()
        pool_draws = np.einsum("o,orj->rj", weights, np.array([est[o].draws for o in others])) / weights.sum()
        diff_sd = (est[g].draws - pool_draws).std(axis=0)
        for j, t in enumerate(themes):
            diff = est[g].point[j] - pool_point[j]
            p = float(2 * norm.sf(abs(diff) / diff_sd[j])) if diff_sd[j] > 0 else float(diff == 0)
            cells.append((g, t, float(est[g].point[j]), float(pool_point[j])))
            p_values.append(p)
    emphasis: dict[str, dict] = {g: {} for g in names}
    tested = {g for g, *_ in cells}
    for g in names:
        if g not in tested:
            for t in themes:
                emphasis[g][t] = {"share": matrix[g]["themes"][t][share_key], "others_share": None,
                                  "ratio": None, "p_value": None, "p_adjusted": None,
                                  "emphasis": "too_few" if matrix[g]["too_few"] else "not_significant"}
    for (g, t, share_g, share_o), p, p_adj in zip(cells, p_values, holm(p_values)):
        direction = "not_significant"
        if p_adj < SIGNIFICANCE:
            direction = "higher" if share_g > share_o else "lower"
        emphasis[g][t] = {"share": _r(share_g), "others_share": _r(share_o),
                          "ratio": _r(share_g / share_o) if share_o else None,
                          "p_value": _r(p, 6), "p_adjusted": _r(p_adj, 6), "emphasis": direction}
    return emphasis


CSV_COLUMNS = ["group", "theme", "segments", "documents", "too_few", "tagged_segments", "segment_share",
               "segment_share_ci_low", "segment_share_ci_high", "raw_segment_share", "char_share",
               "char_share_ci_low", "char_share_ci_high", "raw_char_share", "others_share", "ratio", "p_value",
               "p_adjusted", "emphasis", "rank", "char_others_share", "char_ratio", "char_p_value",
               "char_p_adjusted", "char_emphasis", "char_rank"]


def comparison_rows(result: dict) -> list[list]:
    """The header (:data:`CSV_COLUMNS`), then one row per group × theme: the comparison of segment shares
    (``relative_emphasis``, ``ranking``) and of character shares (``char_*``: ``char_relative_emphasis``,
    ``char_ranking``); the ranks are None for ``too_few`` groups. The CSV and the XLSX exports' rows."""
    rows: list[list] = [list(CSV_COLUMNS)]
    for g in result["groups"]:
        cov = result["coverage"][g]
        for t in result["themes"]:
            c, e, ce = cov["themes"][t], result["relative_emphasis"][g][t], result["char_relative_emphasis"][g][t]
            seg_ci = c["segment_share_ci"] or [None, None]
            char_ci = c["char_share_ci"] or [None, None]
            rank = result["ranking"][t].index(g) + 1 if g in result["ranking"][t] else None
            char_rank = result["char_ranking"][t].index(g) + 1 if g in result["char_ranking"][t] else None
            rows.append([g, t, cov["segments"], cov["documents"], cov["too_few"], c["segments"],
                         c["segment_share"], *seg_ci, c["raw_segment_share"], c["char_share"], *char_ci,
                         c["raw_char_share"], e["others_share"], e["ratio"], e["p_value"], e["p_adjusted"],
                         e["emphasis"], rank, ce["others_share"], ce["ratio"], ce["p_value"],
                         ce["p_adjusted"], ce["emphasis"], char_rank])
    return rows


def comparison_csv(result: dict) -> str:
    """:func:`comparison_rows` as CSV (empty cells for None)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(comparison_rows(result))
    return buf.getvalue()


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(float(x), digits)
