"""CSV exports: cells a spreadsheet would run as formulas are quoted, numbers stay numbers."""

import csv
import io

from serving.exports import localize


def test_formula_like_text_is_quoted_and_numbers_are_kept():
    text = "group,theme,ratio\n=HYPERLINK(\"x\"),investment,-0.25\n@SUM(A1),party,1.5\n"
    for lang in ("en", "zh"):
        rows = list(csv.reader(io.StringIO(localize(text, lang, []))))
        assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(\"x\")", "'@SUM(A1)"]
        assert [row[2] for row in rows[1:]] == ["-0.25", "1.5"]
