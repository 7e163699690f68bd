"""Request and response bodies of the API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

Part = Literal["review", "plan", "problems", "other"]
# A reporting-year filter: the years a report may have (as TagRequest); a bigger integer overflowed the database.
YearQuery = Annotated[int | None, Query(ge=1978, le=2100, description="Reporting year.")]

EXAMPLE_TEXT = ("清远高新区2024年工作总结\n一、2024年工作回顾\n"
                "(一)招商引资成效明显。全年新签约项目32个,计划总投资156亿元。\n"
                "(二)安全生产形势稳定。开展安全隐患排查整治,整改隐患1200处。")


class TagRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"text": EXAMPLE_TEXT, "zone": "清远高新区",
                                                                 "year": 2024}]})

    text: str = Field(description="The report's full text (UTF-8 JSON string).")
    zone: str | None = Field(None, max_length=100, description="Zone name; overrides detection.")
    year: int | None = Field(None, ge=1978, le=2100, description="Reporting year; overrides detection.")
    title: str | None = Field(None, max_length=500, description="Title; overrides detection.")


class ServedModelVersion(BaseModel):
    name: str
    version: str


class TaggedSegment(BaseModel):
    id: str
    start: int = Field(description="Offset of the first character in the report text.")
    end: int = Field(description="Offset one past the last character: text == report[start:end].")
    text: str
    heading: list[str] = Field(description="Heading path, outermost first.")
    part: Part
    labels: list[str] = Field(description="Themes whose score reaches the theme's threshold.")
    scores: dict[str, float] = Field(description="Per-theme probability.")
    correction: dict | None = Field(None, description="A person's latest labels for a stored segment "
                                                      "({labels, author, created_at}); coverage counts these.")


class ShareEntry(BaseModel):
    segments: int = Field(description="Segments carrying the theme.")
    characters: int = Field(description="Characters in those segments.")
    segment_share: float | None
    segment_share_ci: list[float] | None = Field(description="95% bootstrap interval [low, high].")
    char_share: float | None
    char_share_ci: list[float] | None


class Coverage(BaseModel):
    segments: int
    characters: int
    interval: dict
    themes: dict[str, ShareEntry]
    untagged: ShareEntry


class TagResponse(BaseModel):
    report_id: str | None = Field(None, description="Set when the report is stored.")
    created: bool | None = Field(None, description="False when the same text was already stored.")
    title: str | None
    zone: str | None
    year: int | None
    years: list[int]
    doc_type: str
    detection: dict
    source: str | None = None
    model: ServedModelVersion
    segments: list[TaggedSegment]
    coverage: Coverage
    warnings: list[str] = []


class StoredReport(TagResponse):
    text: str
    created_at: datetime


class ReportSummary(BaseModel):
    id: str
    title: str | None
    zone: str | None
    year: int | None
    doc_type: str
    source: str | None
    n_chars: int
    n_segments: int
    model_version: str
    created_at: datetime


class ReportList(BaseModel):
    total: int
    limit: int
    offset: int
    reports: list[ReportSummary]


class Zone(BaseModel):
    zone: str
    reports: int
    years: list[int]


class ZoneList(BaseModel):
    zones: list[Zone]


class ZoneCoverage(Coverage):
    zone: str
    year: int | None
    part: Part | None
    reports: int


class Emphasis(BaseModel):
    share: float | None
    others_share: float | None = Field(description="Pooled share of all other groups' segments.")
    ratio: float | None = Field(description="share / others_share (null when the others never carry it).")
    p_value: float = Field(description="Two-sided Fisher exact test, group vs the others.")
    p_adjusted: float = Field(description="Holm-adjusted over all group × theme cells.")
    emphasis: Literal["higher", "lower", "similar"]


class Comparison(BaseModel):
    groups: list[str]
    themes: list[str]
    year: list[int] | None
    part: Part | None
    coverage: dict[str, Coverage]
    relative_emphasis: dict[str, dict[str, Emphasis]]
    ranking: dict[str, list[str]] = Field(description="Per theme, groups from highest to lowest segment share.")


class ModelInfo(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    name: str
    version: str
    alias: str
    run_id: str
    model_type: str
    themes: list[dict]
    thresholds: dict[str, float]
    metrics: dict[str, float] = Field(description="Cross-validation metrics, folds grouped by document.")
    loaded_at: str


class Problem(BaseModel):
    detail: str = Field(description="What went wrong and what to do.")


# Invalid query, path or body fields: the app answers 422 with a Problem (plus FastAPI's itemised "errors"),
# not FastAPI's default HTTPValidationError; routes with parameters document it with this.
INVALID = {422: {"model": Problem, "description": "Invalid parameters or body: 'detail' says which and why."}}
# A JSON body that is not even text (bytes that are not UTF-8): FastAPI answers 400 before any field is read.
UNREADABLE = {400: {"model": Problem, "description": "The body could not be read: send UTF-8 JSON."}}
