"""Table exports for people: CSV with a UTF-8 byte-order mark (so Excel on Chinese Windows reads it as
UTF-8), its header, theme names and words in Chinese when asked for (``lang=zh``)."""

from __future__ import annotations

import csv
import io
from typing import Literal

from fastapi.responses import Response

from policytag.themes import Theme

Lang = Literal["en", "zh"]
BOM = "\ufeff"

# The comparison's columns (policytag.coverage.CSV_COLUMNS) as a Chinese reader names them.
HEADER_ZH = {
    "group": "组", "theme": "主题", "segments": "段落数", "documents": "报告数", "too_few": "段落太少",
    "tagged_segments": "带此主题的段落数", "segment_share": "段落份额", "segment_share_ci_low": "段落份额95%区间下限",
    "segment_share_ci_high": "段落份额95%区间上限", "raw_segment_share": "段落份额（未校正）", "char_share": "字符份额",
    "char_share_ci_low": "字符份额95%区间下限", "char_share_ci_high": "字符份额95%区间上限",
    "raw_char_share": "字符份额（未校正）", "others_share": "其余各组份额", "ratio": "比值", "p_value": "p值",
    "p_adjusted": "Holm校正p值", "emphasis": "相对侧重", "rank": "排名",
    "char_others_share": "其余各组字符份额", "char_ratio": "字符份额比值", "char_p_value": "字符份额p值",
    "char_p_adjusted": "字符份额Holm校正p值", "char_emphasis": "字符份额相对侧重", "char_rank": "字符份额排名",
}
WORDS_ZH = {
    "emphasis": {"higher": "较高", "lower": "较低", "not_significant": "不显著", "too_few": "段落太少"},
    "too_few": {"True": "是", "False": "否"},
}
WORDS_ZH["char_emphasis"] = WORDS_ZH["emphasis"]


def localize_rows(rows: list[list], lang: Lang, themes: list[Theme]) -> list[list]:
    """A table (a header row, then rows) with Chinese header, theme names and words for ``zh``."""
    if lang == "en" or not rows:
        return rows
    names = {t.id: t.zh for t in themes}
    header = [str(col) for col in rows[0]]
    out = [[HEADER_ZH.get(col, col) for col in header]]
    for row in rows[1:]:
        cells = dict(zip(header, row))
        if "theme" in cells:
            cells["theme"] = names.get(cells["theme"], cells["theme"])
        for col, words in WORDS_ZH.items():
            if col in cells:
                cells[col] = words.get(str(cells[col]), cells[col])
        out.append([cells[col] for col in header])
    return out


def localize(text: str, lang: Lang, themes: list[Theme]) -> str:
    """The CSV ``text`` (a header row, then rows) with Chinese header, theme names and words for ``zh``,
    and no cell a spreadsheet would run as a formula."""
    rows = localize_rows([list(row) for row in csv.reader(io.StringIO(text))], lang, themes)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[inert(cell) for cell in row] for row in rows])
    return out.getvalue()


def inert(cell: str) -> str:
    """A text cell that starts like a formula (``=``, ``+``, ``-``, ``@``) quoted with ``'``; numbers kept."""
    if not cell or cell[0] not in "=+-@\t\r":
        return cell
    try:
        float(cell)
        return cell
    except ValueError:
        return "'" + cell


def csv_response(text: str, filename: str) -> Response:
    """``text`` as a CSV download, UTF-8 with a byte-order mark."""
    return Response((BOM + text).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
