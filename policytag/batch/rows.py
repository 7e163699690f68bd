"""The one per-document step both engines run: ``Tagger.tag_document``, flattened into table rows.

``tag(tagger, themes, version, doc)`` returns the report's segment rows and its document row;
the local engine calls it in a loop, the Spark engine inside ``mapInPandas`` on each worker.
"""

from __future__ import annotations

import json
from dataclasses import replace

from policytag.batch.inputs import InputDoc
from policytag.coverage import counts
from policytag.model.results import TaggedReport
from policytag.text import EmptyReportError, content_hash


def tag(tagger, version: str, doc: InputDoc) -> tuple[list[dict], dict]:
    """``(segment rows, document row)`` for one report; a report that cannot be tagged has no segments
    and says why in the document row's ``error``."""
    doc = replace(doc, zone=(doc.zone or "").strip() or None)  # blank zones are detected, in both engines
    if doc.error:
        return [], _document_row(tagger.themes, version, doc, None, doc.error)
    try:
        tagged = tagger.tag_document(doc.text, doc.doc_id, zone=doc.zone, year=doc.year)
    except EmptyReportError as exc:
        return [], _document_row(tagger.themes, version, doc, None, str(exc))
    except Exception as exc:  # noqa: BLE001 - one odd report must not stop an archive; the row says what broke
        return [], _document_row(tagger.themes, version, doc, None, f"tagging failed: {type(exc).__name__}: {exc}")
    return segment_rows(tagged, tagger.themes, version), _document_row(tagger.themes, version, doc, tagged, None)


def segment_rows(tagged: TaggedReport, themes: list[str], version: str) -> list[dict]:
    rows = []
    for pos, s in enumerate(tagged.segments):
        row: dict = {"doc_id": tagged.doc_id, "zone": tagged.zone, "year": tagged.year, "segment_id": s.id,
                     "position": pos, "start": s.start, "end": s.end, "text": s.text,
                     "heading": list(s.heading), "part": s.part, "labels": list(s.labels)}
        row.update({f"score_{t}": float(s.scores[t]) for t in themes})
        row["model_version"] = version
        rows.append(row)
    return rows


def _document_row(themes: list[str], version: str, doc: InputDoc, tagged: TaggedReport | None,
                  error: str | None) -> dict:
    segments = tagged.segments if tagged else ()
    row = {"doc_id": doc.doc_id, "zone": tagged.zone if tagged else doc.zone,
           "year": tagged.year if tagged else doc.year, "years": list(tagged.years) if tagged else [],
           "doc_type": tagged.doc_type if tagged else None, "title": tagged.title if tagged else None,
           "detection": json.dumps(tagged.detection, ensure_ascii=False) if tagged else None,
           "source": doc.source, "n_chars": len(doc.text), "content_hash": content_hash(doc.text),
           **counts([(s.labels, s.end - s.start) for s in segments], themes), "error": error,
           "model_version": version}
    return row
