"""Read a submitted report from a request: JSON, a multipart file upload, or a plain-text body."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from policytag.text import ReportDecodeError, decode_report
from policytag.text.uploads import DOCX_TYPE, InvalidUpload, UnsupportedUpload, UploadTooLarge, read_upload
from serving.schemas import EXAMPLE_TEXT, TagRequest

ACCEPTED = "application/json ({\"text\": ...}), multipart/form-data (a 'file' field) or text/plain"

# The request body as OpenAPI shows it: the three ways to send a report (each example is tagged as it is;
# the text/plain one used to be a title and a heading with no body, which is refused).
OPENAPI_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": TagRequest.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": ".txt (UTF-8 or GB18030), .html/.htm or .docx"},
        "zone": {"type": "string"}, "year": {"type": "integer"}, "title": {"type": "string"}}},
        "encoding": {"file": {"contentType": "text/plain, text/html, " + DOCX_TYPE}},
        "example": {"file": EXAMPLE_TEXT, "zone": "清远高新区", "year": 2024}},
    "text/plain": {"schema": {"type": "string"}, "example": EXAMPLE_TEXT},
}}}


@dataclass
class Submission:
    text: str
    zone: str | None = None
    year: int | None = None
    title: str | None = None
    source: str | None = None


async def read_submission(request: Request) -> Submission:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return _from_json(await request.body())
    if kind == "multipart/form-data":
        return await _from_form(request)
    if kind in ("text/plain", ""):
        text = _decode(await request.body())
        _refuse_nul(text=text)
        return Submission(text)
    raise HTTPException(415, f"unsupported Content-Type {kind!r}: send {ACCEPTED}")


def _from_json(body: bytes) -> Submission:
    try:
        payload = TagRequest.model_validate_json(body)
    except ValidationError as exc:
        raise HTTPException(422, "invalid JSON body: " + "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
            + ' (expected {"text": "...", "zone": optional, "year": optional, "title": optional})') from exc
    return Submission(payload.text, _blank(payload.zone), payload.year, _blank(payload.title))


async def read_form(request: Request) -> FormData:
    """The multipart form; a body that is not valid multipart is a 422 (Starlette answers 400)."""
    try:
        return await request.form()
    except StarletteHTTPException as exc:
        if exc.status_code != 400:
            raise
        raise HTTPException(422, f"the multipart/form-data body cannot be parsed ({exc.detail}): send the "
                                 "file in a field named 'file', as browsers and curl -F do") from exc


async def _from_form(request: Request) -> Submission:
    form = await read_form(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HTTPException(422, "multipart upload needs the report in a field named 'file'")
    data = await upload.read()
    try:  # in a worker thread: a large .docx takes a while (bounded by MAX_DOCX_NODES)
        text = await run_in_threadpool(read_upload, data, upload.filename, upload.content_type)
    except UploadTooLarge as exc:
        raise HTTPException(413, f"{upload.filename or 'upload'}: {exc}") from exc
    except InvalidUpload as exc:  # a supported type, broken: 422, as documented
        raise HTTPException(422, f"{upload.filename or 'upload'}: {exc}") from exc
    except UnsupportedUpload as exc:
        raise HTTPException(415, str(exc)) from exc
    except (ReportDecodeError, ValueError) as exc:
        raise HTTPException(422, f"{upload.filename or 'upload'}: {exc}") from exc
    year = form.get("year")
    if year not in (None, "") and not (isinstance(year, str) and year.isascii() and year.isdigit()
                                       and 1978 <= int(year) <= 2100):  # isascii: '2⁰24'.isdigit() too
        raise HTTPException(422, f"year must be a four-digit year such as 2024, not {year!r}")
    zone, title = _blank(form.get("zone")), _blank(form.get("title"))
    if (zone and len(zone) > 100) or (title and len(title) > 500):
        raise HTTPException(422, "zone is limited to 100 and title to 500 characters")
    if upload.filename and len(upload.filename) > 255:
        raise HTTPException(422, f"the file name has {len(upload.filename)} characters, more than 255: rename it")
    _refuse_nul(text=text, zone=zone, title=title, filename=upload.filename)
    return Submission(text, zone, int(year) if year else None, title, upload.filename)


def _refuse_nul(**fields: str | None) -> None:
    """NUL is refused (422) in every field, as JSON bodies' CleanStr does: PostgreSQL cannot store it."""
    for name, value in fields.items():
        if value and "\x00" in value:
            raise HTTPException(422, f"{name} contains a NUL character (\\u0000): remove it")


def _decode(body: bytes) -> str:
    try:
        return decode_report(body)[0]
    except ReportDecodeError as exc:
        raise HTTPException(422, str(exc)) from exc


def _blank(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
