"""The comparison as an Excel workbook (openpyxl): groups × themes corrected shares of segments and of
characters, and the detail rows of the CSV export, each sheet headed by the filters, the model version and
the date, in English or Chinese (``lang``)."""

from __future__ import annotations

import io
from datetime import date

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from policytag import coverage
from policytag.themes import Theme
from serving.exports import Lang, localize_rows

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"

WORDS = {
    "en": {"title": "policytag comparison", "zones": "zones", "years": "years", "all": "all", "part": "part",
           "whole": "whole report", "doc_type": "document type", "model": "model", "corrected": "corrected",
           "yes": "yes", "no": "no", "date": "date", "sep": ", ", "colon": ": ", "segment_sheet": "segment shares",
           "char_sheet": "character shares", "details": "details", "group": "group", "zone": "zone",
           "year": "year", "segments": "segments", "characters": "characters", "reports": "reports",
           "too_few": "too few"},
    "zh": {"title": "policytag 比较", "zones": "园区", "years": "年份", "all": "全部", "part": "报告部分",
           "whole": "全文", "doc_type": "文档类型", "model": "模型", "corrected": "已校正", "yes": "是", "no": "否",
           "date": "日期", "sep": "、", "colon": "：", "segment_sheet": "段落份额", "char_sheet": "字符份额",
           "details": "明细", "group": "组", "zone": "园区", "year": "年份", "segments": "段落数",
           "characters": "字符数", "reports": "报告数", "too_few": "段落太少"},
}
PART_NAMES = {"en": {"review": "review", "plan": "plan", "problems": "problems", "other": "other"},
              "zh": {"review": "工作回顾", "plan": "工作计划", "problems": "存在问题", "other": "其他"}}


def header_row(result: dict, *, zones: list[str], lang: Lang, model_version: str, day: date) -> list[str]:
    """What the workbook shows: the zones, years, part and document type chosen, the model and the date."""
    w = WORDS[lang]
    years = result.get("year")
    part = result.get("part")

    def item(key: str, value: str) -> str:
        return f"{w[key]}{w['colon']}{value}"
    return [w["title"], item("zones", w["sep"].join(zones)),
            item("years", w["sep"].join(map(str, years)) if years else w["all"]),
            item("part", PART_NAMES[lang][part] if part else w["whole"]),
            item("doc_type", result.get("doc_type") or w["all"]), item("model", f"v{model_version}"),
            item("corrected", w["yes"] if result.get("corrected") else w["no"]), item("date", day.isoformat())]


def comparison_xlsx(result: dict, *, zones: list[str], lang: Lang, themes: list[Theme], model_version: str,
                    day: date) -> bytes:
    """The workbook: a sheet of segment shares and one of character shares (a row per group, a column per
    theme, the corrected share), and the detail rows of the CSV export (intervals, raw shares, emphasis,
    ranks); row 1 of each is :func:`header_row`."""
    w = WORDS[lang]
    names = {t.id: t.zh for t in themes} if lang == "zh" else {}  # English: theme ids, as in the CSV
    head = header_row(result, zones=zones, lang=lang, model_version=model_version, day=day)
    book = Workbook()
    for sheet, (title, share, size) in enumerate((("segment_sheet", "segment_share", "segments"),
                                                  ("char_sheet", "char_share", "characters"))):
        ws = book.active if sheet == 0 else book.create_sheet()
        ws.title = w[title]
        _append(ws, head)
        _append(ws, [])
        _append(ws, [w["group"], w["zone"], w["year"], w[size], w["reports"], w["too_few"],
                     *(names.get(t, t) for t in result["themes"])])
        for g in result["groups"]:
            cov, key = result["coverage"][g], (result.get("group_keys") or {}).get(g, {})
            _append(ws, [g, key.get("zone"), key.get("year"), cov[size], cov["documents"],
                         w["yes"] if cov["too_few"] else w["no"],
                         *(cov["themes"][t][share] for t in result["themes"])])
            for cell in ws[ws.max_row][6:]:
                cell.number_format = PERCENT
        _widths(ws, [24, 16, 8, 10, 8, 10] + [12] * len(result["themes"]))
        ws.freeze_panes = "B4"
    ws = book.create_sheet(w["details"])
    _append(ws, head)
    _append(ws, [])
    for row in localize_rows(coverage.comparison_rows(result), lang, themes):
        _append(ws, row)
    _widths(ws, [24, 12] + [14] * (len(coverage.CSV_COLUMNS) - 2))
    ws.freeze_panes = "C4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(ws: Worksheet, row: list) -> None:
    """Append ``row``; text stays text (a zone named ``=HYPERLINK(…)`` is no formula) and loses the control
    characters a workbook cannot hold."""
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def xlsx_response(content: bytes, filename: str) -> Response:
    return Response(content, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
