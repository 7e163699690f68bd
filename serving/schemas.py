"""Request and response bodies of the API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def no_nul(value: str) -> str:
    """NUL (U+0000) is refused, not stripped: PostgreSQL cannot store it, and the same input must get the
    same answer on SQLite and PostgreSQL."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\u0000): remove it")
    return value


CleanStr = Annotated[str, AfterValidator(no_nul)]  # every text a request stores
Part = Literal["review", "plan", "problems", "other"]
# A reporting-year filter: the years a report may have (as TagRequest); a bigger integer overflowed the database.
YearQuery = Annotated[int | None, Query(ge=1978, le=2100, description="Reporting year.")]

EXAMPLE_TEXT = ("清远高新区2024年工作总结\n一、2024年工作回顾\n"
                "(一)招商引资成效明显。全年新签约项目32个,计划总投资156亿元。\n"
                "(二)安全生产形势稳定。开展安全隐患排查整治,整改隐患1200处。")


class TagRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"text": EXAMPLE_TEXT, "zone": "清远高新区",
                                                                 "year": 2024}]})

    text: CleanStr = Field(description="The report's full text (UTF-8 JSON string).")
    zone: CleanStr | None = Field(None, max_length=100, description="Zone name; overrides detection.")
    year: int | None = Field(None, ge=1978, le=2100, description="Reporting year; overrides detection.")
    title: CleanStr | None = Field(None, max_length=500, description="Title; overrides detection.")


class Example(BaseModel):
    """One line of ``POST /v1/labels``: the sizes are the database's columns, the same on every database."""

    model_config = ConfigDict(extra="ignore", strict=True)

    text: CleanStr = Field(min_length=1, max_length=20_000)
    labels: list[str] = Field(max_length=100)
    id: CleanStr | None = Field(None, min_length=1, max_length=100)
    doc: CleanStr | None = Field(None, max_length=100)
    zone: CleanStr | None = Field(None, max_length=100)
    part: CleanStr | None = Field(None, max_length=20)
    heading: list[Annotated[CleanStr, Field(max_length=500)]] = Field([], max_length=20)
    note: CleanStr | None = Field(None, max_length=2000)


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
    segments: int = Field(description="Segments carrying the theme (the tagger's labels, or a person's).")
    characters: int = Field(description="Characters in those segments.")
    segment_share: float | None = Field(description="Share of segments addressing the theme, corrected for the "
                                                     "tagger's measured errors (see docs/api.md).")
    segment_share_ci: list[float] | None = Field(description="95% interval [low, high]: sampling and the "
                                                              "uncertainty of the error rates.")
    char_share: float | None = Field(description="Share of characters, corrected the same way.")
    char_share_ci: list[float] | None
    raw_segment_share: float | None = Field(None, description="Plain count: segments carrying it / segments.")
    raw_char_share: float | None = Field(None, description="Plain count of characters.")


class Coverage(BaseModel):
    segments: int
    characters: int
    documents: int | None = Field(None, description="Reports the segments come from.")
    method: str = Field("cc", description="pcc | acc | pacc (corrected), cc (raw: the model has no error rates).")
    corrected: bool = Field(False, description="False: raw counts, because the model logged no error rates or "
                                               "(a stored report, a zone, a comparison) some segments were "
                                               "tagged by another model version.")
    too_few: bool = Field(False, description="Too few segments, or too wide an interval, to rank or compare.")
    interval: dict
    themes: dict[str, ShareEntry]
    untagged: ShareEntry
    other_version_segments: int | None = Field(
        None, description="Zones and comparisons: segments whose current prediction comes from another model "
                          "version than the served one (re-tag them with POST /v1/reports/retag); when above 0 "
                          "the shares are raw counts.")


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
    doc_type: str | None = None
    reports: int


class Emphasis(BaseModel):
    share: float | None
    others_share: float | None = Field(description="Pooled share of all other groups' segments.")
    ratio: float | None = Field(description="share / others_share (null when the others never carry it).")
    p_value: float | None = Field(description="Two-sided, corrected share vs the others' (null: too_few).")
    p_adjusted: float | None = Field(description="Holm-adjusted over all compared group × theme cells.")
    emphasis: Literal["higher", "lower", "not_significant", "too_few"] = Field(
        description="not_significant: the data cannot tell the shares apart (not evidence they are alike).")


class GroupKey(BaseModel):
    zone: str
    year: int | None


class Comparison(BaseModel):
    groups: list[str]
    group_keys: dict[str, GroupKey] = Field(
        {}, description="Per group, the zone and year it holds (year null: all the filtered years), so a "
                        "group's segments can be listed (GET /v1/segments).")
    themes: list[str]
    year: list[int] | None
    part: Part | None
    doc_type: str | None = None
    coverage: dict[str, Coverage]
    relative_emphasis: dict[str, dict[str, Emphasis]]
    char_relative_emphasis: dict[str, dict[str, Emphasis]] = Field(
        description="The same for character shares, the other groups pooled by characters.")
    ranking: dict[str, list[str]] = Field(description="Per theme, groups from highest to lowest corrected segment "
                                                      "share; too_few groups are left out.")
    char_ranking: dict[str, list[str]] = Field(description="The same by corrected character share.")
    too_few: list[str] = Field(description="Groups too small or too uncertain to rank or compare.")
    corrected: bool = Field(False, description="Every group corrected with the served model's error rates; "
                                               "false (all raw) when any group holds segments tagged by another "
                                               "model version, or the model logged no error rates.")
    other_version_segments: int = Field(0, description="Segments, over all groups, tagged by another model "
                                                       "version than the served one.")


class ThemeSegment(BaseModel):
    id: str
    report_id: str
    report_title: str | None
    year: int | None
    doc_type: str
    position: int = Field(description="The segment's place in its report, from 0.")
    heading: list[str] = Field(description="Heading path, outermost first.")
    part: Part
    text: str
    labels: list[str] = Field(description="The segment's themes as coverage counts them: a person's latest "
                                          "labels where it was corrected, else the current prediction's.")
    corrected: bool = Field(description="The labels are a person's.")
    model_labels: list[str] = Field(description="The current prediction's labels.")
    score: float | None = Field(description="The current prediction's score for the theme.")


class ThemeSegmentList(BaseModel):
    zone: str
    theme: str
    year: int | None
    part: Part | None
    doc_type: str | None
    total: int = Field(description="Segments matching, over all pages.")
    limit: int
    offset: int
    segments: list[ThemeSegment] = Field(description="In reading order: reports by year, then storing time; "
                                                     "segments in report order.")


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


class ExplainRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "text": "全年新签约项目32个,计划总投资156亿元;开展安全隐患排查整治,整改隐患1200处。",
        "heading": ["一、2024年工作回顾"]}]})

    text: CleanStr = Field(description="One segment's text (at most 5,000 characters).")
    heading: list[Annotated[CleanStr, Field(max_length=500)]] = Field(
        [], max_length=20, description="Its heading path, outermost first (models that read the heading use "
                                       "the innermost).")


class PhraseWeight(BaseModel):
    start: int = Field(description="Offset of the phrase's first character in the segment text.")
    end: int = Field(description="One past its last: text[start:end] == phrase.")
    text: str
    weight: float = Field(description="The theme's score minus its score with this phrase removed.")
    log_odds_drop: float = Field(description="The same drop in log-odds, which phrases are ranked by: it still "
                                             "separates phrases where a sure score (0.99999…) barely moves.")


class NGramWeight(BaseModel):
    ngram: str = Field(description="As the TF-IDF vectorizer spells it: word n-grams are tokens joined by a "
                                   "space, numbers are <num>.")
    kind: Literal["word", "char"]
    weight: float = Field(description="Feature value × the theme's coefficient: its share of the TF-IDF logit.")
    spans: list[list[int]] = Field(description="[start, end] of its occurrences in the segment text (none when "
                                               "it occurs only in the heading).")


class ThemeWhy(BaseModel):
    theme: str
    score: float = Field(description="The served model's calibrated score for the segment.")
    threshold: float
    label: bool = Field(description="score >= threshold.")
    phrases: list[PhraseWeight] = Field(description="Every clause, largest drop first.")
    ngrams: list[NGramWeight] = Field(description="Top TF-IDF n-grams (TF-IDF models and ensembles with a "
                                                  "TF-IDF member; empty otherwise).")


class Explanation(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    segment_id: str | None = Field(None, description="Set for a stored segment.")
    model: ServedModelVersion
    model_type: str
    method: Literal["occlusion"]
    text: str
    heading: list[str]
    clauses: int = Field(description="Clauses scored (each removed once, in one batch).")
    merged: bool = Field(description="The segment had more than max_clauses clauses: neighbours were merged.")
    max_clauses: int
    themes: list[ThemeWhy]


class Problem(BaseModel):
    detail: str = Field(description="What went wrong and what to do.")


# Invalid query, path or body fields: the app answers 422 with a Problem (plus FastAPI's itemised "errors"),
# not FastAPI's default HTTPValidationError; routes with parameters document it with this.
INVALID = {422: {"model": Problem, "description": "Invalid parameters or body: 'detail' says which and why."}}
# A JSON body that is not even text (bytes that are not UTF-8): FastAPI answers 400 before any field is read.
UNREADABLE = {400: {"model": Problem, "description": "The body could not be read: send UTF-8 JSON."}}
