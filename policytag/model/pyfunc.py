"""The MLflow pyfunc that the registry serves: a pickled :class:`Tagger` plus this package.

Input: a DataFrame with a ``text`` column and optional ``id``, ``heading``
(``" > "``-joined path) and ``kind`` (``segment``, the default, or ``document``).
A ``segment`` row is tagged as it is; a ``document`` row is segmented first.
Output: one row per segment with ``doc_id``, ``id``, ``start``, ``end``,
``labels`` (theme ids) and ``scores`` (theme id → probability).
"""

from __future__ import annotations

import pickle

import mlflow.pyfunc
import pandas as pd

HEADING_SEP = " > "


class ThemeTaggerModel(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    def load_context(self, context) -> None:
        with open(context.artifacts["tagger"], "rb") as f:
            self.tagger = pickle.load(f)

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        return predict_frame(self.tagger, model_input)


def predict_frame(tagger, frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    kinds = frame["kind"].fillna("segment") if "kind" in frame else pd.Series(["segment"] * len(frame))
    ids = frame["id"] if "id" in frame else pd.Series([None] * len(frame))
    is_doc = (kinds == "document").to_numpy()
    segs = frame[~is_doc]
    if len(segs):
        headings = ([h.split(HEADING_SEP) if isinstance(h, str) and h else [] for h in segs["heading"]]
                    if "heading" in segs else None)
        for seg_id, text, tagged in zip(ids[~is_doc], segs["text"],
                                        tagger.tag_segments(list(segs["text"]), headings)):
            rows.append({"doc_id": None, "id": seg_id, "start": 0, "end": len(text),
                         "labels": list(tagged.labels), "scores": tagged.scores})
    for doc_id, text in zip(ids[is_doc], frame["text"][is_doc]):
        doc = tagger.tag_document(text, doc_id)
        for s in doc.segments:
            rows.append({"doc_id": doc.doc_id, "id": s.id, "start": s.start, "end": s.end,
                         "labels": list(s.labels), "scores": s.scores})
    return pd.DataFrame(rows, columns=["doc_id", "id", "start", "end", "labels", "scores"])
