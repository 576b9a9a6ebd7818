"""CSV for spreadsheets: a BOM first, formula-like text quoted, numbers left alone."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import csv_cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("حسن", "حسن"),
        ("", ""),
        (None, ""),
        (-1500, "-1500"),
        (True, "true"),
    ],
)
def test_cells(value: object, expected: str) -> None:
    assert csv_cells.cell(value) == expected


def test_a_line_quotes_by_rfc4180_and_ends_in_crlf() -> None:
    assert csv_cells.line(["a,b", 'say "hi"', "=1", 5]) == '"a,b","say ""hi""",\'=1,5\r\n'


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_any_text_round_trips_and_never_starts_a_formula(values: list[str]) -> None:
    text = csv_cells.BOM + csv_cells.line(values)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    (row,) = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert len(row) == len(values)
    for parsed, original in zip(row, values, strict=True):
        assert not parsed.startswith(csv_cells.FORMULA_STARTS)
        assert parsed in (original, "'" + original)
