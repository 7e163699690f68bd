"""The local engine: one process tags the reports in input order and streams the tables to Parquet."""

from __future__ import annotations

from pathlib import Path

from policytag.batch import output, schema
from policytag.batch.inputs import Source, iter_documents
from policytag.batch.rows import tag
from policytag.registry import ModelRef, load


def run_local(source: Source, out: Path, ref: ModelRef) -> list[dict]:
    """Tag every report, write ``segments.parquet`` and ``documents.parquet``; the document rows'
    zone, year, document type, counts and error (what the coverage table and the summary need)."""
    tagger = load(ref)
    themes = tagger.themes
    segments = output.TableWriter(out / output.SEGMENTS, schema.segment_columns(themes))
    documents = output.TableWriter(out / output.DOCUMENTS, schema.document_columns(themes))
    keep = ["doc_id", "zone", "year", "doc_type", "error", *schema.names(schema.count_columns(themes))]
    summary = []
    try:
        for doc in iter_documents(source):
            seg_rows, doc_row = tag(tagger, ref.version, doc)
            segments.add(seg_rows)
            documents.add([doc_row])
            summary.append({k: doc_row[k] for k in keep})
    except BaseException:
        segments.abort()
        documents.abort()
        raise
    segments.close()
    documents.close()
    return summary
