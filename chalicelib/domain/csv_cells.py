"""CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads Arabic and Kurdish
right), and text cells that a spreadsheet would run as a formula quoted with a leading `'`
(`=`, `+`, `-`, `@`, and a tab or carriage return at the start: CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A cell's text: None is empty; formula-like text is quoted. Numbers are written as
    they are (a negative amount is a number, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def line(values: Iterable[Any]) -> str:
    """One CSV record (CRLF-terminated, RFC 4180 quoting) of escaped cells."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([cell(v) for v in values])
    return out.getvalue()
