"""The cells of a unit's report workbook as read: the problems a report can have
(:data:`REPORT_PROBLEMS`), the rejection of a whole report (:class:`ReportRejected`), and
finding a sheet, its header row and a cell's value.

Used by :mod:`tdkt_xl.intake.unit_report` and :mod:`tdkt_xl.intake.report_statistics`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from tdkt_xl.errors import REPORT_CATALOG, Code, Problem, Severity, TdktError
from tdkt_xl.plans.grids import ExcelError, FormulaWithoutValue
from tdkt_xl.plans.text import clean_lines
from tdkt_xl.reports.layout import META_SHEET, header_key

EXCEL_TEXT_LIMIT = 32_767
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Problems found in report files: code -> (severity, template).
REPORT_PROBLEMS: dict[str, tuple[Severity, str]] = REPORT_CATALOG


class ReportRejected(TdktError):
    """A report that cannot contribute at all (wrong plan, unknown unit, changed layout)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def clean_text(value: object, problems: list[Problem], *, file: str, sheet: str, row: int,
               column: int) -> str:
    """Text from a unit's cell, safe for the master: XML-forbidden characters removed, length cut."""
    if value is None:
        return ""
    if isinstance(value, FormulaWithoutValue):
        problems.append(report_problem(Code.FORMULA_NO_VALUE, file, sheet, row, column, value=value.formula))
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    text = clean_lines(value)
    if _XML_FORBIDDEN.search(text):
        text = _XML_FORBIDDEN.sub("", text)
        problems.append(report_problem(Code.CONTROL_CHARACTERS, file, sheet, row, column))
    if len(text) > EXCEL_TEXT_LIMIT:
        text = text[:EXCEL_TEXT_LIMIT]
        problems.append(report_problem(Code.TEXT_TOO_LONG, file, sheet, row, column, limit=EXCEL_TEXT_LIMIT))
    return text


def report_problem(code: str, file: str, sheet: str | None, row: int | None, column: int | None,
                   **fields: object) -> Problem:
    """The problem ``code`` of :data:`REPORT_PROBLEMS` at a cell (or a sheet, or the file), its
    message filled in with ``fields`` (and the sheet's name)."""
    severity, template = REPORT_PROBLEMS[code]
    return Problem(code=code, severity=severity,
                   message=template.format(sheet=sheet, **fields), file=file, sheet=sheet,
                   row=row, column=column)


def cell_at(rows: list[list[object]], row: int, column: int) -> object:
    """The value at ``row`` and ``column`` (from 1) of a sheet's rows; None outside them."""
    if row < 1 or row > len(rows):
        return None
    cells = rows[row - 1]
    return cells[column - 1] if 0 < column <= len(cells) else None


def find_sheet(sheets: dict[str, list[list[object]]], name: str) -> list[list[object]] | None:
    """The rows of the sheet ``name``, however its name is typed (case, accents, spacing)."""
    if name in sheets:
        return sheets[name]
    key = header_key(name)
    return next((rows for sheet, rows in sheets.items() if header_key(sheet) == key), None)


def missing_sheet(sheets: Iterable[str], name: str) -> ReportRejected:
    """The rejection of a report without the sheet ``name``, listing the sheets it has."""
    listed = ", ".join(f'"{s}"' for s in sheets if s != META_SHEET) or "(không có)"
    return ReportRejected(Code.CHANGED_LAYOUT,
                          f'Thiếu sheet "{name}" của mẫu báo cáo. Các sheet hiện có: {listed}.')


def find_header(rows: list[list[object]], headers: Sequence[str], first: int = 1,
                scan: int = 15) -> tuple[int, dict[str, int]] | None:
    """The first of the top ``scan`` rows holding at least ``first`` of ``headers``: its number
    and the column of each header found in it (None: no such row)."""
    wanted = {header_key(h): h for h in headers}
    for row in range(1, min(len(rows), scan) + 1):
        found: dict[str, int] = {}
        for column, value in enumerate(rows[row - 1], start=1):
            key = header_key(value)
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = column
        if len(found) >= first:
            return row, found
    return None


def unusable_cell(value: object, problems: list[Problem], file: str, sheet: str, row: int,
                  column: int) -> bool:
    """An Excel error value, or a formula the file keeps no value of, in a cell read as a date, a
    status or a count: said for the cell; True then."""
    if isinstance(value, FormulaWithoutValue):
        problems.append(report_problem(Code.FORMULA_NO_VALUE, file, sheet, row, column, value=value.formula))
    elif isinstance(value, ExcelError):
        problems.append(report_problem(Code.EXCEL_ERROR, file, sheet, row, column, value=str(value)))
    else:
        return False
    return True


def typed_in(value: object) -> bool:
    """Whether a unit typed something in the cell (a formula without a stored value counts).

    >>> typed_in(None), typed_in(""), typed_in(0.0), typed_in(FormulaWithoutValue.of("1+1"))
    (False, False, True, True)
    """
    return value not in (None, "") or isinstance(value, FormulaWithoutValue)
