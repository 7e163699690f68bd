"""What the corpus gained each model type, measured on the corpus' documents only.

Before: the model type trained as it was before the corpus (seeds + authored
examples, thresholds from the seeds' leave-one-document-out predictions) scores
every corpus segment: documents it never saw, like a user's new report.
After: the same model type in the 5-fold cross-validation grouped by document over
seeds + corpus, scored on the same corpus segments (each predicted by a model that
never saw its document, with thresholds from the other folds).

Prints JSON: macro-F1 and per-theme F1, overall and per genre, before and after.
Usage: .venv/bin/python bench/corpus_gain.py [--models tfidf,encoder,ensemble]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policytag.text import model_input  # noqa: E402
from policytag.themes import theme_ids  # noqa: E402
from training.data import document_folds, label_matrix, load_examples  # noqa: E402
from training.evaluate import cross_validated_metrics, metrics  # noqa: E402
from training.train import TrainConfig, evaluate_config, fit_tagger  # noqa: E402


def summarise(m: dict) -> dict:
    return {"macro_f1": round(m["macro_f1"], 4),
            "f1": {t: round(v["f1"], 3) for t, v in m["themes"].items()},
            "recall": {t: round(v["recall"], 3) for t, v in m["themes"].items()}}


def before(model_type: str, themes: list[str], corpus) -> dict:
    """Seeds-only model scored on the corpus segments, per genre."""
    config = TrainConfig(model_type=model_type)
    seeds = load_examples(ROOT / "labels", include_corpus=False)
    tagger = fit_tagger(evaluate_config(config, seeds, themes), seeds, themes)
    P = tagger.classifier.predict_proba(
        [model_input(e.text, list(e.heading), with_heading=config.with_heading) for e in corpus])
    Y = label_matrix(corpus, themes)
    out = {"all": summarise(metrics(Y, P, np.array(tagger.thresholds), themes))}
    for genre in ("zone", "government"):
        idx = np.array([e.genre == genre for e in corpus])
        out[genre] = summarise(metrics(Y[idx], P[idx], np.array(tagger.thresholds), themes))
    return out


def after(model_type: str, themes: list[str], examples) -> dict:
    """Grouped-CV predictions of the corpus-trained model type, scored on the corpus segments only."""
    ev = evaluate_config(TrainConfig(model_type=model_type), examples, themes)
    Y = label_matrix(examples, themes)
    only_corpus = np.array([e.genre if e.source == "corpus" else "" for e in examples], dtype=object)
    m = cross_validated_metrics(Y, ev.oof, document_folds(examples), themes, only_corpus)
    corpus_rows = only_corpus != ""
    whole = cross_validated_metrics(Y, ev.oof, document_folds(examples), themes,
                                    np.where(corpus_rows, "all", "").astype(object))
    return {"all": summarise(whole["genres"]["all"]),
            **{g: summarise(gm) for g, gm in m["genres"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="tfidf,encoder,ensemble")
    args = parser.parse_args()
    themes = theme_ids(ROOT / "labels")
    examples = load_examples(ROOT / "labels")
    corpus = [e for e in examples if e.source == "corpus"]
    out = {"corpus_segments": len(corpus), "models": {}}
    for model_type in args.models.split(","):
        out["models"][model_type] = {"before": before(model_type, themes, corpus),
                                     "after": after(model_type, themes, examples)}
        print(json.dumps({model_type: out["models"][model_type]}, ensure_ascii=False), file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
