"""What a Spark task runs (through ``mapInPandas``): the same per-document step as the local engine.

The model is loaded once per Python worker (``policytag.registry.load`` caches it by model URI, and
Spark reuses workers across tasks); each chunk of reports becomes one pandas frame holding their
segment rows and document rows, told apart by ``kind``.
"""

from __future__ import annotations

from collections.abc import Iterator

from policytag.batch.inputs import InputDoc
from policytag.batch.rows import tag
from policytag.batch.schema import names, tagged_columns
from policytag.registry import ModelRef, load

CHUNK = 32  # reports per output frame: bounds a task's memory


def tag_partition(batches: Iterator, ref: ModelRef, themes: list[str]) -> Iterator:
    import pandas as pd

    tagger = load(ref)
    if list(tagger.themes) != list(themes):
        raise RuntimeError(f"{ref.uri} on this worker has themes {tagger.themes}, the driver's has {themes}")
    cols = names(tagged_columns(themes))
    for frame in batches:
        records = frame.to_dict("records")
        for start in range(0, len(records), CHUNK):
            rows = []
            for rec in records[start:start + CHUNK]:
                segments, document = tag(tagger, ref.version, _doc(rec))
                rows += [{"kind": "segment", **s} for s in segments]
                rows.append({"kind": "document", **document})
            yield pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in cols})


def _doc(rec: dict) -> InputDoc:
    year = _value(rec.get("year"))
    return InputDoc(str(rec["doc_id"]), _value(rec.get("text")) or "", _value(rec.get("zone")) or None,
                    None if year is None else int(year), _value(rec.get("source")), _value(rec.get("error")))


def _value(v):
    """None for Spark's nulls as pandas shows them (None, NaN, pd.NA); these columns hold scalars."""
    import pandas as pd

    return None if pd.isna(v) else v
