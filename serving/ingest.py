"""Store reports in bulk, skipping texts already stored: the seeds on the main job's start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import sessionmaker

from policytag.seeds import read_manifest
from policytag.store import crud
from policytag.text import decode_report
from serving.served_model import ServedModel


def ingest_seeds(sessions: sessionmaker, model: ServedModel, seeds_dir: Path) -> list[dict]:
    """Tag and store each seed report (zone and year from the manifest), one transaction per report."""
    results = []
    for entry in read_manifest(seeds_dir):
        text, _ = decode_report((seeds_dir / entry.file).read_bytes())
        with sessions() as session:
            existing = crud.find_by_hash(session, text)
            if existing is not None:
                results.append({"file": entry.file, "report_id": existing.id, "created": False})
                continue
            tagged = model.tagger.tag_document(text, entry.doc_id, zone=entry.zone, year=entry.years[0])
            crud.add_report(session, text=text, tagged=tagged, model_version=model.version, source=entry.file)
            session.commit()
            results.append({"file": entry.file, "report_id": entry.doc_id, "created": True,
                            "segments": len(tagged.segments)})
    return results
