"""``/v1/zones``, ``/v1/compare`` and ``/v1/segments``: theme coverage per zone, comparisons between zones or
years, and the segments behind a zone's (or a zone × year's) share of a theme."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session

from policytag import coverage
from policytag.store import crud, theme_segments
from policytag.themes import load_themes
from serving.compare_xlsx import XLSX_MEDIA_TYPE, comparison_xlsx, xlsx_response
from serving.deps import ModelDep, SessionDep, SettingsDep
from serving.exports import Lang, csv_response, localize
from serving.schemas import Comparison, Part, Problem, ThemeSegmentList, YearQuery, ZoneCoverage, ZoneList
from serving.served_model import ServedModel

router = APIRouter(tags=["zones"])
DocTypeQuery = Annotated[str | None, Query(max_length=40, description="Only reports of this document type "
                                                                      "(工作总结, 工作计划, 新闻报道, ...).")]
ERRORS = {404: {"model": Problem}, 422: {"model": Problem}}
MAX_SEGMENTS_PAGE = 100  # segments in one page of GET /v1/segments


@router.get("/zones", response_model=ZoneList)
def list_zones(session: SessionDep) -> dict:
    """Zones with stored reports, their report counts and years."""
    return {"zones": crud.zones(session)}


@router.get("/zones/{zone}/coverage", response_model=ZoneCoverage, responses=ERRORS)
def zone_coverage(zone: str, session: SessionDep, model: ModelDep, settings: SettingsDep,
                  year: YearQuery = None, part: Part | None = None, doc_type: DocTypeQuery = None) -> dict:
    """Per theme: the share of the zone's segments and characters that address it, corrected for the tagger's
    measured errors, with 95% intervals, the raw counts, and whether the zone has too few segments to trust."""
    _check_zone_year(zone, year, _known_zones(session))
    rows = crud.tagged_rows(session, zone=zone, year=year, part=part, doc_type=doc_type)
    other = _other_version(rows, model.version)
    result = coverage.coverage(coverage.TaggedSegments.from_rows(rows, model.themes),
                               rates=_rates(model, other), **coverage.options(settings))
    return {**result, "zone": zone, "year": year, "part": part, "doc_type": doc_type,
            "reports": len({row[4] for row in rows}), "other_version_segments": other}


@router.get("/compare", response_model=Comparison, responses={**ERRORS, 200: {
    "content": {"text/csv": {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    "description": "The comparison (JSON); one CSV row per group × theme (UTF-8 with a byte-order mark); or an "
                   "Excel workbook (format=xlsx)."}})
def compare(request: Request, session: SessionDep, model: ModelDep, settings: SettingsDep,
            zones: Annotated[str | None, Query(description="Comma-separated zones; default: all.")] = None,
            year: Annotated[str | None, Query(description="A year, or comma-separated years: with several "
                                                          "years each zone × year is a group.")] = None,
            part: Part | None = None, doc_type: DocTypeQuery = None,
            format: Annotated[str | None, Query(pattern="^(json|csv|xlsx)$")] = None,
            lang: Annotated[Lang, Query(description="CSV and XLSX header, theme names, words: en (ids and "
                                                    "English) or zh.")] = "en"):
    """Zones × themes shares, each group's emphasis relative to the other groups pooled, and rankings."""
    known = _known_zones(session)
    names = _split(zones) or sorted(known)
    if zones and len(names) > MAX_COMPARE_ZONES:
        raise HTTPException(422, f"{len(names)} zones named: compare at most {MAX_COMPARE_ZONES} at once")
    for zone in names:
        _check_zone(zone, known)
    years = _years(year)
    if years is not None and len(years) > MAX_COMPARE_YEARS:
        raise HTTPException(422, f"{len(years)} years named: compare at most {MAX_COMPARE_YEARS} at once")
    rows, keys = _group_rows(session, names, years, part, doc_type)
    if len(rows) < 2:
        raise HTTPException(422, "a comparison needs at least two groups with stored segments: name two or more "
                                 "zones, or one zone with two or more years (year=2023,2024)")
    groups = {g: coverage.TaggedSegments.from_rows(r, model.themes) for g, r in rows.items()}
    other = {g: _other_version(r, model.version) for g, r in rows.items()}
    # one footing for every group: corrected only when no group holds another version's predictions
    result = coverage.compare(groups, rates=_rates(model, sum(other.values())), **coverage.options(settings))
    for g, n in other.items():
        result["coverage"][g]["other_version_segments"] = n
    result.update(year=years, part=part, doc_type=doc_type, corrected=all(c["corrected"] for c in
                                                                          result["coverage"].values()),
                  other_version_segments=sum(other.values()), group_keys=keys)
    accept = request.headers.get("accept", "")
    if format == "xlsx" or (format is None and XLSX_MEDIA_TYPE in accept):
        return xlsx_response(comparison_xlsx(result, zones=names, lang=lang, themes=load_themes(settings.labels),
                                             model_version=model.version, day=datetime.now(UTC).date()),
                             "policytag-compare.xlsx")
    if format == "csv" or (format is None and "text/csv" in accept):
        text = localize(coverage.comparison_csv(result), lang, load_themes(settings.labels))
        return csv_response(text, "policytag-compare.csv")
    return result


@router.get("/segments", response_model=ThemeSegmentList, responses=ERRORS)
def segments_with_theme(session: SessionDep, settings: SettingsDep,
                        zone: Annotated[str, Query(min_length=1, max_length=100, description="A zone with "
                                                   "stored reports (GET /v1/zones).")],
                        theme: Annotated[str, Query(min_length=1, max_length=100, description="A theme id of "
                                                    "the schema (GET /v1/model: investment, innovation, ...).")],
                        year: YearQuery = None, part: Part | None = None, doc_type: DocTypeQuery = None,
                        limit: Annotated[int, Query(ge=1, le=MAX_SEGMENTS_PAGE)] = 20,
                        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> dict:
    """The segments behind a coverage cell: the zone's stored segments (optionally one year, part, document
    type) that carry the theme as coverage counts them (a person's correction wins over the prediction), with
    their report, heading and text, in reading order, one page at a time."""
    themes = [t.id for t in load_themes(settings.labels)]
    if theme not in themes:
        raise HTTPException(422, f"unknown theme {theme!r}: the themes are {', '.join(themes)}")
    _check_zone_year(zone, year, _known_zones(session))
    total, rows = theme_segments.segments_with_theme(session, theme=theme, zone=zone, year=year, part=part,
                                                     doc_type=doc_type, limit=limit, offset=offset)
    return {"zone": zone, "theme": theme, "year": year, "part": part, "doc_type": doc_type, "total": total,
            "limit": limit, "offset": offset, "segments": [asdict(row) for row in rows]}


def _group_rows(session: Session, zones: list[str], years: list[int] | None, part: str | None,
                doc_type: str | None) -> tuple[dict[str, list[tuple]], dict[str, dict]]:
    """The stored segment rows of each group, and its zone and year: one group per zone, or per zone × year
    when several years are asked for; empty groups are left out."""
    per_year = years is not None and len(years) > 1
    groups, keys = {}, {}
    for zone in zones:
        for year in years if per_year else [years[0] if years else None]:
            rows = crud.tagged_rows(session, zone=zone, year=year, part=part, doc_type=doc_type)
            if rows:
                name = f"{zone} {year}" if per_year else zone
                groups[name], keys[name] = rows, {"zone": zone, "year": year}
    return groups, keys


def _other_version(rows: list[tuple], version: str) -> int:
    """Segments whose current prediction was made by another model version than the served one (a person's
    labels are known whatever version tagged their report)."""
    return sum(1 for row in rows if not row[3] and row[5] != version)


def _rates(model: ServedModel, other_version_segments: int) -> coverage.ErrorRates | None:
    """The served model's error rates, or None (raw counts, ``corrected: false``) when some segments were
    tagged by another version: its rates would not describe that version's errors."""
    return None if other_version_segments else coverage.ErrorRates.of_tagger(model.tagger)


def _known_zones(session: Session) -> dict[str, dict]:
    return {z["zone"]: z for z in crud.zones(session)}


def _check_zone(zone: str, known: dict) -> None:
    if zone not in known:
        raise HTTPException(404, f"unknown zone {zone!r}: zones with stored reports are "
                                 f"{', '.join(known) or 'none yet (store a report with POST /v1/reports)'}")


def _check_zone_year(zone: str, year: int | None, known: dict) -> None:
    _check_zone(zone, known)
    if year is not None and year not in known[zone]["years"]:
        raise HTTPException(404, f"zone {zone!r} has no stored report for {year}; "
                                 f"its years: {', '.join(map(str, known[zone]['years'])) or 'none'}")


MAX_COMPARE_ZONES = 50  # named in one comparison (all stored zones when none is named)
MAX_COMPARE_YEARS = 30  # each zone × year is a group: 3,000 years took 7 s


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _years(value: str | None) -> list[int] | None:
    parts = _split(value)
    if not parts:
        return None
    if not all(p.isascii() and p.isdigit() and 1978 <= int(p) <= 2100 for p in parts):  # isascii: '2⁰24'.isdigit()
        raise HTTPException(422, f"year must be a year (1978–2100) or comma-separated years such as 2023,2024, "
                                 f"not {value!r}")
    return sorted({int(p) for p in parts})
