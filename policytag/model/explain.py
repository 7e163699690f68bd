"""Why a segment got its themes: clause occlusion for any model, plus TF-IDF n-gram weights where there are any.

Occlusion is model-agnostic: the segment is cut into clauses at Chinese and ASCII clause punctuation and
line breaks, scored once as it is and once without each clause, all in one batch through the tagger; a
clause's weight for a theme is the drop of that theme's (calibrated) score when it is removed, and its
``log_odds_drop`` the drop of that score's log-odds. Clauses are ranked by the latter: the same order (both
fall as the score without the clause rises), but it still tells clauses apart where a confidently tagged
segment's score is saturated (0.99999… without any one clause). The cost is
bounded: at most ``MAX_CLAUSES`` clauses (neighbours are merged beyond that) and ``MAX_CHARS`` characters.

When the model is TF-IDF, or an ensemble with a TF-IDF member, each theme also gets its top n-grams:
feature value × the theme's logistic-regression coefficient, a contribution to that member's logit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from policytag.model.classifiers import TfidfThemeClassifier
from policytag.model.tagger import Tagger
from policytag.text import model_input

MAX_CLAUSES = 32
MAX_CHARS = 5000
TOP_NGRAMS = 10
MAX_SPANS = 10  # occurrences located per n-gram
CLAUSE_MARKS = "，。；：、！？,;:!?\n"
_CLAUSE = re.compile(f"[^{re.escape(CLAUSE_MARKS)}]+")
_NUMBER = r"[\d.,%]+"  # what the word tokenizer turns into <num>
_EPS = 1e-15  # scores are clipped to [eps, 1 - eps] for their log-odds


class ExplainError(ValueError):
    """Input that cannot be explained (empty); the message says what to send."""


class TextTooLongError(ExplainError):
    """More characters than an explanation is bounded to."""


@dataclass(frozen=True)
class Clause:
    start: int  # the phrase: text[start:end], blanks around it left out
    end: int
    cut: int  # removing the clause deletes text[start:cut] (its trailing punctuation too)


@dataclass(frozen=True)
class Phrase:
    start: int
    end: int
    text: str
    weight: float  # the theme's score minus its score without this phrase
    log_odds_drop: float  # the same in log-odds (what phrases are ranked by)


@dataclass(frozen=True)
class NGram:
    ngram: str  # as the vectorizer spells it (word n-grams: tokens joined by a space; numbers as <num>)
    kind: str  # word | char
    weight: float  # feature value × the theme's coefficient (a contribution to the TF-IDF logit)
    spans: tuple[tuple[int, int], ...]  # where it occurs in the segment text (none: only in the heading)


@dataclass(frozen=True)
class ThemeExplanation:
    theme: str
    score: float
    threshold: float
    phrases: tuple[Phrase, ...]  # every clause, largest drop first
    ngrams: tuple[NGram, ...]  # top positive TF-IDF contributions (empty for models without TF-IDF)

    @property
    def label(self) -> bool:
        return self.score >= self.threshold


@dataclass(frozen=True)
class Explanation:
    text: str
    heading: tuple[str, ...]
    model_type: str
    clauses: int  # clauses scored (after merging)
    merged: bool  # more clauses than MAX_CLAUSES were found, and neighbours were merged
    themes: tuple[ThemeExplanation, ...]

    def as_dict(self, digits: int = 4) -> dict:
        """Scores rounded to ``digits`` places (as a tagged segment's), weights to ``digits`` significant digits."""
        def sig(x: float) -> float:
            return float(f"{x:.{digits}g}")

        return {"text": self.text, "heading": list(self.heading), "model_type": self.model_type,
                "method": "occlusion", "clauses": self.clauses, "merged": self.merged,
                "themes": [{"theme": t.theme, "score": round(t.score, digits), "threshold": round(t.threshold, digits),
                            "label": t.label,
                            "phrases": [{"start": p.start, "end": p.end, "text": p.text, "weight": sig(p.weight),
                                         "log_odds_drop": sig(p.log_odds_drop)} for p in t.phrases],
                            "ngrams": [{"ngram": g.ngram, "kind": g.kind, "weight": sig(g.weight),
                                        "spans": [list(s) for s in g.spans]} for g in t.ngrams]}
                           for t in self.themes]}


def clauses(text: str, max_clauses: int = MAX_CLAUSES) -> list[Clause]:
    """The text's clauses in order; beyond ``max_clauses``, neighbours in the same stretch of
    ``len(text) / max_clauses`` characters are merged into one."""
    return _merge(_split(text), max_clauses, len(text))


def _split(text: str) -> list[Clause]:
    found = []
    runs = list(_CLAUSE.finditer(text))
    for i, run in enumerate(runs):
        body = run.group()
        if not body.strip():
            continue
        start = run.start() + len(body) - len(body.lstrip())
        end = run.end() - len(body) + len(body.rstrip())
        found.append(Clause(start, end, runs[i + 1].start() if i + 1 < len(runs) else len(text)))
    return found


def _merge(found: list[Clause], max_clauses: int, length: int) -> list[Clause]:
    if len(found) <= max_clauses:
        return found
    groups: dict[int, list[Clause]] = {}
    for c in found:
        groups.setdefault(c.start * max_clauses // length, []).append(c)
    return [Clause(g[0].start, g[-1].end, g[-1].cut) for g in groups.values()]


def without(text: str, clause: Clause) -> str:
    """The text with the clause (and its trailing punctuation) removed."""
    return text[:clause.start] + text[clause.cut:]


def explain(tagger: Tagger, text: str, heading: list[str] | tuple[str, ...] = (), *,
            max_clauses: int = MAX_CLAUSES, max_chars: int = MAX_CHARS, top_ngrams: int = TOP_NGRAMS) -> Explanation:
    """Per theme of ``tagger``: the segment's score, its clauses by score drop, and TF-IDF n-grams if any."""
    if len(text) > max_chars:
        raise TextTooLongError(f"the text has {len(text)} characters; an explanation is limited to {max_chars}: "
                               "explain one segment, not a whole report")
    found = _split(text)
    parts = _merge(found, max_clauses, len(text))
    if not parts:
        raise ExplainError("the text is empty: send the segment's text")
    heading = list(heading)
    variants = [text] + [without(text, c) for c in parts]
    P = tagger.scores(variants, [heading] * len(variants))  # one batch
    clipped = np.clip(P, _EPS, 1 - _EPS)
    Z = np.log(clipped) - np.log1p(-clipped)
    ngrams = _tfidf_ngrams(tagger, text, heading, top_ngrams)
    themes = []
    for k, theme in enumerate(tagger.themes):
        phrases = sorted((Phrase(c.start, c.end, text[c.start:c.end], float(P[0, k] - P[i, k]),
                                 float(Z[0, k] - Z[i, k])) for i, c in enumerate(parts, 1)),
                         key=lambda p: (-p.log_odds_drop, -p.weight, p.start))
        themes.append(ThemeExplanation(theme, float(P[0, k]), float(tagger.thresholds[k]), tuple(phrases),
                                       ngrams.get(k, ())))
    return Explanation(text, tuple(heading), tagger.model_type, len(parts), len(found) > len(parts), tuple(themes))


def tfidf_member(classifier) -> TfidfThemeClassifier | None:
    """The fitted TF-IDF classifier inside ``classifier`` (itself or an ensemble member), if any."""
    if isinstance(classifier, TfidfThemeClassifier) and hasattr(classifier, "pipeline_"):
        return classifier
    for member in getattr(classifier, "members_", None) or []:
        if (found := tfidf_member(member)) is not None:
            return found
    return None


def _tfidf_ngrams(tagger: Tagger, text: str, heading: list[str], top: int) -> dict[int, tuple[NGram, ...]]:
    """Theme column → its ``top`` n-grams by positive contribution (feature value × coefficient)."""
    clf = tfidf_member(tagger.classifier)
    if clf is None or top <= 0:
        return {}
    pipeline = clf.pipeline_
    estimators = pipeline.named_steps["clf"].estimators_
    coefs = [getattr(e, "coef_", None) for e in estimators]  # None: a theme constant in the training data
    candidates: dict[int, list[tuple[float, str, str]]] = {k: [] for k in range(len(estimators))}
    offset = 0
    source = model_input(text, heading, with_heading=tagger.with_heading)
    for _, vectorizer in pipeline.named_steps["features"].transformer_list:
        row = vectorizer.transform([source]).tocsr()
        wanted = set(row.indices.tolist())
        names = {i: g for g, i in vectorizer.vocabulary_.items() if i in wanted}
        kind = "char" if vectorizer.analyzer == "char" else "word"
        for index, value in zip(row.indices, row.data):
            for k, coef in enumerate(coefs):
                if coef is not None and (weight := float(value * coef[0, offset + index])) > 0:
                    candidates[k].append((weight, names[index], kind))
        offset += len(vectorizer.vocabulary_)
    located = _Located(text)
    return {k: tuple(NGram(g, kind, w, located.spans(g, kind)) for w, g, kind in sorted(found, reverse=True)[:top])
            for k, found in candidates.items() if found}


class _Located:
    """Finds n-grams (as the model reads them: NFKC, blanks collapsed) in the original segment text."""

    def __init__(self, text: str):
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            norm = unicodedata.normalize("NFKC", ch)
            if norm.isspace():
                if chars and chars[-1] == " ":
                    continue
                norm = " "
            chars.extend(norm)
            origin.extend([i] * len(norm))
        self.normalized = "".join(chars)
        self.lowered_origin = [o for ch, o in zip(chars, origin) for _ in ch.lower()]
        self.lowered = "".join(ch.lower() for ch in chars)
        self.origin = origin

    def spans(self, ngram: str, kind: str) -> tuple[tuple[int, int], ...]:
        if kind == "char":
            pattern, haystack, origin = re.escape(ngram), self.lowered, self.lowered_origin
        else:  # tokens joined by a space; punctuation between them was dropped by the tokenizer
            pattern = r"\W*".join(_NUMBER if tok == "<num>" else re.escape(tok) for tok in ngram.split(" "))
            haystack, origin = self.normalized, self.origin
        out = []
        for match in re.finditer(pattern, haystack):
            if match.end() > match.start():
                out.append((origin[match.start()], origin[match.end() - 1] + 1))
            if len(out) >= MAX_SPANS:
                break
        return tuple(out)

