"""Human labels: correct a stored segment's themes, submit labelled examples, export, review queue."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select

from policytag.labels.validate import check_labels
from policytag.store import crud, human_labels
from policytag.store.human_labels import export
from policytag.store.tables import HumanLabel, Segment
from policytag.themes import theme_ids
from serving.deps import Author, ModelDep, SessionDep, SettingsDep
from serving.review import corrected_segments, review_queue
from serving.schemas import INVALID, UNREADABLE, CleanStr, Example, Problem
from serving.submission import read_form

router = APIRouter(tags=["labels"])
MAX_EXAMPLES = 10_000


class Correction(BaseModel):
    labels: list[str] = Field(description="The segment's themes (theme ids; [] = no theme).",
                              examples=[["investment", "bizenv"]])
    note: CleanStr | None = Field(None, max_length=2000, description="Why, for the reviewer.")


class LabelEntry(BaseModel):
    labels: list[str]
    author: str
    note: str | None
    created_at: str


class SegmentLabels(BaseModel):
    segment_id: str
    labels: list[str] | None = Field(description="The latest human labels (null: never corrected).")
    predicted: list[str] | None = Field(description="The report's current model's labels.")
    history: list[LabelEntry] = Field(description="Every correction, oldest first; the latest wins.")


@router.put("/segments/{segment_id}/labels", response_model=SegmentLabels,
            responses={401: {"model": Problem}, 404: {"model": Problem}, 422: {"model": Problem}, **UNREADABLE})
def correct_segment(segment_id: str, body: Correction, session: SessionDep, settings: SettingsDep,
                    author: Author) -> dict:
    """Record a person's themes for a stored segment (kept with who and when; the history is kept)."""
    segment = _segment(session, segment_id)
    problem = check_labels(body.labels, theme_ids(settings.labels))
    if problem:
        raise HTTPException(422, problem)
    if segment.report is None:  # its report was deleted meanwhile
        raise _segment_gone(segment_id)
    human_labels.add_correction(session, segment, body.labels, author, body.note)
    session.commit()
    return _segment_labels(session, segment)


@router.get("/segments/{segment_id}/labels", response_model=SegmentLabels,
            responses={404: {"model": Problem}, **INVALID})
def segment_labels(segment_id: str, session: SessionDep) -> dict:
    """A stored segment's human labels (with history) and current predicted labels."""
    return _segment_labels(session, _segment(session, segment_id))


@router.get("/labels/export", response_class=PlainTextResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def export_labels(session: SessionDep, settings: SettingsDep) -> PlainTextResponse:
    """All human labels as JSONL in the format of ``labels/gold/``: gold files with corrections applied, plus
    corrected segments of other reports and submitted examples."""
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export(session, settings.labels, settings.seeds))
    return PlainTextResponse(lines, media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="labels.jsonl"'})


@router.post("/labels", status_code=201, responses={401: {"model": Problem}, 413: {"model": Problem},
                                                   415: {"model": Problem}, 422: {"model": Problem}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-ndjson": {"schema": {"type": "string"}, "example":
                                          '{"text": "全年新签约项目32个。", "labels": ["investment"]}\n'},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}}}}}})
async def add_examples(request: Request, session: SessionDep, settings: SettingsDep, author: Author) -> dict:
    """Add labelled examples that are not stored segments: JSONL, one ``{"text", "labels", "id"?, "doc"?,
    "heading"?, "zone"?, "note"?}`` per line. All lines are checked first; any error stores nothing."""
    records = _parse_jsonl(await _jsonl_body(request), theme_ids(settings.labels))
    rows = [human_labels.add_example(session, r, author) for r in records]
    session.commit()
    return {"added": len(rows), "ids": [r.record_id for r in rows]}


@router.get("/review-queue", responses=INVALID)
def get_review_queue(session: SessionDep, model: ModelDep, n: Annotated[int, Query(ge=1, le=500)] = 20,
                     zone: Annotated[str | None, Query(max_length=100)] = None,
                     corrected: Annotated[bool, Query(description="The segments people already corrected "
                                                                  "instead, latest first, each with the person's "
                                                                  "labels beside the model's.")] = False) -> dict:
    """Unlabelled stored segments whose predictions are least certain (nearest a threshold, or where the
    previous and current model disagree): label these first. Each comes with its heading and its neighbours
    in the report (``previous``, ``next``)."""
    pick = corrected_segments if corrected else review_queue
    return {"model_version": model.version, "corrected": corrected, "segments": pick(session, model, n=n, zone=zone)}


def _segment(session, segment_id: str) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise _segment_gone(segment_id)
    return segment


def _segment_gone(segment_id: str) -> HTTPException:
    return HTTPException(404, f"no stored segment has id {segment_id!r}: segment ids are in "
                              "GET /v1/reports/{report_id}")


def _segment_labels(session, segment: Segment) -> dict:
    rows = list(session.scalars(select(HumanLabel).where(HumanLabel.record_id == segment.id)
                                .order_by(HumanLabel.id)))
    current = crud.current_prediction(segment, segment.report.model_version)
    return {"segment_id": segment.id, "labels": rows[-1].labels if rows else None,
            "predicted": current.labels if current else None,
            "history": [{"labels": r.labels, "author": r.author, "note": r.note,
                         "created_at": r.created_at.isoformat()} for r in rows]}


async def _jsonl_body(request: Request) -> bytes:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        upload = (await read_form(request)).get("file")
        if upload is None or isinstance(upload, str):
            raise HTTPException(422, "multipart upload needs the JSONL file in a field named 'file'")
        return await upload.read()
    if kind in ("application/x-ndjson", "application/jsonl", "application/json", "text/plain", ""):
        return await request.body()
    raise HTTPException(415, f"unsupported Content-Type {kind!r}: send JSONL as application/x-ndjson "
                             "or as a file in a multipart field named 'file'")


def _parse_jsonl(body: bytes, themes: list[str]) -> list[dict]:
    try:
        lines = body.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise HTTPException(422, "the JSONL must be UTF-8") from exc
    records, problems = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON ({exc.msg})")
            continue
        except RecursionError:
            problems.append(f"line {n}: nested too deeply: send one flat object per line")
            continue
        if not isinstance(r, dict) or not isinstance(r.get("text"), str) or not r["text"].strip():
            problems.append(f"line {n}: needs a non-empty string \"text\"")
            continue
        problem = check_labels(r.get("labels"), themes)
        if problem:
            problems.append(f"line {n}: {problem}")
            continue
        try:
            r = {**r, **Example.model_validate(r).model_dump(exclude_unset=True)}
        except ValidationError as exc:
            problems.append(f"line {n}: " + "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
            continue
        records.append(r)
    if problems:
        raise HTTPException(422, "nothing was stored: " + "; ".join(problems[:20]))
    if not records:
        raise HTTPException(422, "no examples: send one JSON object per line with \"text\" and \"labels\"")
    if len(records) > MAX_EXAMPLES:
        raise HTTPException(413, f"at most {MAX_EXAMPLES} examples per request")
    return records
