"""``--load``: store a batch's tagged reports in the service's database, as the service stores them.

Each report's ``Tagger.tag_document`` result (a ``TaggedReport``) is rebuilt from the batch tables (document row +
its segment rows in order) and stored with ``policytag.store.crud.add_report``, one transaction per
report, under the model version that tagged it. A report whose text is already stored
(content hash) is skipped, as the service and the seed ingestion skip it; a report whose
``doc_id`` is taken by a different text is not stored and is listed as a conflict. The report
texts are read again from the input (the tables hold segments, not whole texts).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from policytag.batch.inputs import Source, iter_documents
from policytag.batch.output import DOCUMENTS, SEGMENTS, read_table
from policytag.model.results import TaggedReport, TaggedSegment
from policytag.text import content_hash

SCORE_PREFIX = "score_"


def load_into_service(source: Source, out: Path, db_url: str) -> dict:
    from sqlalchemy.exc import IntegrityError

    from policytag.store import crud
    from policytag.store.db import open_database
    from policytag.store.tables import Report

    documents = {d["doc_id"]: d for d in read_table(out / DOCUMENTS).to_pylist()}
    segment_table = read_table(out / SEGMENTS)
    themes = [n.removeprefix(SCORE_PREFIX) for n in segment_table.schema.names if n.startswith(SCORE_PREFIX)]
    segments: defaultdict[str, list[dict]] = defaultdict(list)
    for row in segment_table.to_pylist():
        segments[row["doc_id"]].append(row)
    del segment_table
    sessions = open_database(db_url)
    result: dict = {"stored": 0, "segments": 0, "already_stored": 0, "not_tagged": 0, "conflicts": [], "changed": []}
    try:
        for doc in iter_documents(source):
            row = documents.get(doc.doc_id)
            if row is None or row["error"] or not segments.get(doc.doc_id):
                result["not_tagged"] += 1  # errors and reports without segments (the service refuses those)
                continue
            if row["content_hash"] != content_hash(doc.text):
                result["changed"].append(doc.doc_id)  # the input changed since the batch tagged it
                continue
            with sessions() as session:
                if crud.find_by_hash(session, doc.text) is not None:
                    result["already_stored"] += 1
                    continue
                if session.get(Report, doc.doc_id) is not None:
                    result["conflicts"].append(doc.doc_id)
                    continue
                tagged = rebuild(row, segments[doc.doc_id], themes)
                crud.add_report(session, text=doc.text, tagged=tagged, model_version=row["model_version"],
                                source=row["source"])
                try:
                    session.commit()
                except IntegrityError:  # stored meanwhile by the service or another load
                    session.rollback()
                    result["already_stored"] += 1
                    continue
                result["stored"] += 1
                result["segments"] += len(tagged.segments)
    finally:
        sessions.kw["bind"].dispose()
    return result


def rebuild(document: dict, segment_rows: list[dict], themes: list[str]) -> TaggedReport:
    """The ``Tagger.tag_document`` result that ``crud.add_report`` stores, from the batch tables."""
    rows = sorted(segment_rows, key=lambda r: r["position"])
    segments = tuple(TaggedSegment(r["segment_id"], r["start"], r["end"], r["text"], tuple(r["heading"] or ()),
                                   r["part"], tuple(r["labels"] or ()), {t: r[SCORE_PREFIX + t] for t in themes})
                     for r in rows)
    return TaggedReport(document["doc_id"], document["title"], document["zone"], document["year"],
                        tuple(document["years"] or ()), document["doc_type"], segments,
                        json.loads(document["detection"]) if document["detection"] else {})
