"""Reading the "Số liệu" block of a unit's report: the count of each form of commendation in
each year (:func:`read_statistics`), and the problems of its cells.

The usual report (the template's rows, every count a whole number as the file stores it) is
read a block at a time; any other row by row, giving the same counts and problems.

A value in a year cell of a row that is not a form's (a level's heading such as "Cấp Nhà nước",
or a row without a label), or a number in the header row that is not a year, is not counted: a
unit that unprotected the sheet and typed it there is told so, cell by cell
(``count-in-heading``), never left out without a word.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tdkt_xl.errors import Code, Problem, column_letter
from tdkt_xl.intake.form_counts import FormCounts, compact_ints
from tdkt_xl.intake.plan_index import PlanIndex, StatsLayout
from tdkt_xl.intake.report_sheets import (
    ReportRejected,
    cell_at,
    find_header,
    find_sheet,
    missing_sheet,
    report_problem,
    typed_in,
    unusable_cell,
)
from tdkt_xl.plans.grids import FormulaWithoutValue
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import clean
from tdkt_xl.reports.layout import STATS_FORM_HEADER, STATS_SHEET, STATS_TOTAL_HEADER, header_key

_FLOAT_ONLY = {float}
# A whole number in the header row is a year's column when it is one of the plan's years or in
# this range; any other number there (3, 2.5, -1) is a count typed into the header row.
_YEARS = range(1900, 2200)
_NUMBER_TEXT = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_IN_HEADER_ROW = "dòng tên cột của bảng"
_WITHOUT_LABEL = f'dòng để trống cột "{STATS_FORM_HEADER}"'


@dataclass(frozen=True)
class _StatsTable:
    """The "Số liệu" sheet's rows and where its columns are."""

    rows: list[list[object]]
    header_row: int
    form_column: int  # the forms' names
    wanted: list[tuple[int, int]]  # (year, column) of each year of the plan
    total_column: int | None  # "Tổng", when there is one


def read_statistics(sheets: dict[str, list[list[object]]], plan: Plan, file: str,
                    problems: list[Problem]) -> tuple[FormCounts | dict[str, dict[int, int]], bool]:
    """Read the "Số liệu" counts (form -> year -> count); True with them when any count cell is
    filled in. Raises :class:`~tdkt_xl.intake.report_sheets.ReportRejected` when the sheet, its
    header or a year's column is missing.

    The usual report is read a block at a time (:func:`_read_usual_block`), any other row by row
    (:func:`_read_rows`): both give the same counts and problems.
    """
    index = PlanIndex.of(plan)
    said = len(problems)
    table = _stats_table(sheets, index.years, file, problems)
    counts = _read_usual_block(table, index, file, problems)
    if counts is not None:
        return counts, bool(counts)
    stats: dict[str, dict[int, int]] = {}
    filled = _read_rows(table, index, file, stats, problems)
    # a value typed only into a heading row still makes the report a filled one (said, not counted)
    return stats, filled or any(p.code == Code.COUNT_IN_HEADING for p in problems[said:])


# --- the sheet, its header and its columns -----------------------------------


def _stats_table(sheets: dict[str, list[list[object]]], years: list[int], file: str,
                 problems: list[Problem]) -> _StatsTable:
    """The "Số liệu" sheet and where its columns are (the year columns not read that hold
    something are said); raises :class:`ReportRejected` when the sheet, its header or a year's
    column is missing."""
    rows = find_sheet(sheets, STATS_SHEET)
    if rows is None:
        raise missing_sheet(sheets, STATS_SHEET)
    found = find_header(rows, [STATS_FORM_HEADER], first=1)
    if found is None:
        raise ReportRejected(Code.CHANGED_LAYOUT,
                             f'Sheet "{STATS_SHEET}" không có cột "{STATS_FORM_HEADER}".')
    header_row, columns = found
    year_columns, unused, total_column = _year_columns(rows[header_row - 1], years)
    _say_counts_in_header(rows[header_row - 1], header_row, columns[STATS_FORM_HEADER], years, file,
                          problems)
    _say_unused_years(rows, header_row, unused, file, problems)
    wanted = [(y, c) for y, c in year_columns.items() if y in years]
    return _StatsTable(rows, header_row, columns[STATS_FORM_HEADER], wanted, total_column)


def _header_year(value: object) -> int | None:
    """The year a header cell names (a whole number, or digits as text); None for any other.

    >>> _header_year(2023.0), _header_year(" 2024 "), _header_year("Tổng"), _header_year(True)
    (2023, 2024, None, None)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _year_columns(header: list[object], years: list[int]
                  ) -> tuple[dict[int, int], list[tuple[int, int, str, dict[str, object]]], int | None]:
    """The column of each year in the header row, the year columns not read (year, column, the
    problem's code and fields), and the "Tổng" column; raises :class:`ReportRejected` when a year
    of the plan has no column."""
    year_columns: dict[int, int] = {}
    unused: list[tuple[int, int, str, dict[str, object]]] = []  # year columns not read, with why
    total_column = None
    for column, value in enumerate(header, start=1):
        year = _header_year(value)
        if year is None or not _is_year(year, years):
            if header_key(value) == header_key(STATS_TOTAL_HEADER):
                total_column = column
            continue
        if year in year_columns:
            unused.append((year, column, Code.DUPLICATE_YEAR, {"first": column_letter(year_columns[year])}))
        else:
            year_columns[year] = column
            if year not in years:
                unused.append((year, column, Code.UNKNOWN_YEAR, {"first": years[0], "last": years[-1]}))
    missing = [y for y in years if y not in year_columns]
    if missing:
        listed = ", ".join(map(str, missing))
        raise ReportRejected(Code.CHANGED_LAYOUT, f'Sheet "{STATS_SHEET}" thiếu cột năm {listed}.')
    return year_columns, unused, total_column


def _is_year(year: int, years: list[int]) -> bool:
    """Whether a whole number in the header row names a year's column (else it is a count).

    >>> _is_year(2024, [2014]), _is_year(1850, [1850]), _is_year(3, [2014]), _is_year(12000, [2014])
    (True, True, False, False)
    """
    return year in _YEARS or year in years


def _stray_number(value: object, years: list[int]) -> bool:
    """Whether a header row's cell holds a number that is not a year (a count typed there).

    >>> [_stray_number(v, [2014]) for v in (3.0, "7", 2.5, "-1", 2014.0, " 2030 ", "Tổng", True, None)]
    [True, True, True, True, False, False, False, False, False]
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return not (float(value).is_integer() and _is_year(int(value), years))
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        year = _header_year(value)
        return year is None or not _is_year(year, years)
    return False


def _say_counts_in_header(header: list[object], header_row: int, form_column: int, years: list[int],
                          file: str, problems: list[Problem]) -> None:
    """A problem for each number in the header row that is not a year (not read as a column)."""
    for column, value in enumerate(header, start=1):
        if column != form_column and _stray_number(value, years):
            problems.append(_heading_problem(file, header_row, column, value, _IN_HEADER_ROW))


def _heading_problem(file: str, row: int, column: int, raw: object, where: str) -> Problem:
    """The problem of a value typed into a heading row's cell: not counted."""
    return report_problem(Code.COUNT_IN_HEADING, file, STATS_SHEET, row, column,
                          cell=f"{column_letter(column)}{row}", value=_shown(raw), where=where)


def _shown(raw: object) -> str:
    """A cell's value as a message shows it: 3.0 as "3", a formula as its text.

    >>> _shown(3.0), _shown(FormulaWithoutValue.of("SUM(B5:K5)")), _shown(" a  b "), _shown(True)
    ('3', '=SUM(B5:K5)', 'a b', 'True')
    """
    if isinstance(raw, FormulaWithoutValue):
        return raw.formula
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw):
        return _number_text(raw)
    return clean(raw)


def _say_heading_row(table: _StatsTable, row_number: int, row: list[object], file: str,
                     problems: list[Problem]) -> None:
    """A problem for each year cell of a row that is not a form's (a level's heading, or a row
    without a label) holding a value: it is not counted. The "Tổng" cell is not looked at."""
    width = len(row)
    typed = [(c, row[c - 1]) for _y, c in table.wanted if c <= width and typed_in(row[c - 1])]
    if not typed:
        return
    label = clean(row[table.form_column - 1]) if table.form_column <= width else ""
    where = f'dòng tiêu đề "{label}"' if label else _WITHOUT_LABEL
    for column, raw in typed:
        problems.append(_heading_problem(file, row_number, column, raw, where))


def _say_unused_years(rows: list[list[object]], header_row: int,
                      unused: list[tuple[int, int, str, dict[str, object]]], file: str,
                      problems: list[Problem]) -> None:
    """A problem for each year column not read that holds something below the header."""
    for year, column, code, fields in unused:
        if any(cell_at(rows, row, column) not in (None, "") for row in range(header_row + 1, len(rows) + 1)):
            problems.append(report_problem(code, file, STATS_SHEET, header_row, column, value=year,
                                           **fields))


# --- the usual report, a block at a time -------------------------------------


def _read_usual_block(table: _StatsTable, index: PlanIndex, file: str, problems: list[Problem]
                      ) -> FormCounts | None:
    """The usual report, read a block at a time: its counts, or None to go row by row.

    Usual: the labels are those of a known layout and every count is a whole number >= 0
    as calamine gives it (a float), checked in C loops (NaN and infinity fail ``is_integer``).
    """
    block = _usual_block(table, index)
    if block is None:
        return None
    layout, picked, values, flat = block
    _say_rows_not_counted(table, layout, file, problems)
    _say_heading_rows(table, layout, file, problems)
    # the counts form by form, year by year: as the block's cells are, row by row
    years = tuple(y for y, _c in table.wanted)
    counts = FormCounts(layout.counts_layout(years), compact_ints(list(map(int, flat))))
    if table.total_column is not None:
        _check_block_totals(table, table.total_column, layout, picked, values, counts, file, problems)
    for name in layout.missing:
        problems.append(report_problem(Code.MISSING_FORM, file, STATS_SHEET, None, None, value=name))
    return counts


def _usual_block(table: _StatsTable, index: PlanIndex
                 ) -> tuple[StatsLayout, list[list[object]], list[Any], list[Any]] | None:
    """The layout of the rows below the header, each form's row, their year cells (a tuple a
    row) and those cells in one list; None when the block is not a usual one."""
    wanted = table.wanted
    if len(wanted) < 2:
        return None
    body = table.rows[table.header_row:]
    label_at = table.form_column - 1
    layout = index.stats_layout(tuple([row[label_at] if len(row) > label_at else None for row in body]))
    picked = [body[offset] for offset, _name in layout.forms]
    if not picked or min(map(len, picked)) < max(c for _y, c in wanted):
        return None
    values = list(map(operator.itemgetter(*(c - 1 for _y, c in wanted)), picked))
    flat = list(itertools.chain.from_iterable(values))
    if set(map(type, flat)) != _FLOAT_ONLY or min(flat) < 0 or not all(map(float.is_integer, flat)):
        return None
    return layout, picked, values, flat


def _say_rows_not_counted(table: _StatsTable, layout: StatsLayout, file: str,
                          problems: list[Problem]) -> None:
    """A problem for each row of a usual block left out that holds counts: its label is not a
    form of the plan, or the form has a row above."""
    header_row, form_column, wanted = table.header_row, table.form_column, table.wanted

    def counts_given(row: list[object]) -> bool:
        return any(row[c - 1] not in (None, "") for _y, c in wanted if c <= len(row))

    for offset in layout.unknown:
        row = table.rows[header_row + offset]
        if counts_given(row):
            problems.append(report_problem(Code.UNKNOWN_FORM, file, STATS_SHEET, header_row + 1 + offset,
                                           form_column, value=clean(row[form_column - 1])))
    for offset, name, first in layout.repeated:
        row = table.rows[header_row + offset]
        if counts_given(row):
            problems.append(report_problem(Code.DUPLICATE_FORM, file, STATS_SHEET, header_row + 1 + offset,
                                           form_column, value=name, first=header_row + 1 + first))


def _say_heading_rows(table: _StatsTable, layout: StatsLayout, file: str, problems: list[Problem]) -> None:
    """A problem for each value in a year cell of a usual block's rows that are not a form's: a
    level's heading or a row without a label (those the layout does not place)."""
    placed = {offset for offset, _name in layout.forms}
    placed.update(layout.unknown)
    placed.update(offset for offset, _name, _first in layout.repeated)
    header_row = table.header_row
    for offset, row in enumerate(table.rows[header_row:]):
        if offset not in placed:
            _say_heading_row(table, header_row + 1 + offset, row, file, problems)


def _check_block_totals(table: _StatsTable, total_column: int, layout: StatsLayout,
                        picked: list[list[object]], values: list[Any], stats: FormCounts,
                        file: str, problems: list[Problem]) -> None:
    """The "Tổng" cells of a usual block that disagree with the years they sum (each row looked
    at only when one of them does)."""
    at = total_column - 1
    cached = [row[at] if len(row) > at else None for row in picked]
    sums = list(map(sum, values))
    if any(type(c) in (int, float) and c != s for c, s in zip(cached, sums, strict=True)):
        for (offset, name), row in zip(layout.forms, picked, strict=True):
            _check_total(row, len(row), total_column, stats[name], len(table.wanted), problems, file,
                         table.header_row + 1 + offset)


# --- any other report, row by row --------------------------------------------


def _read_rows(table: _StatsTable, index: PlanIndex, file: str, stats: dict[str, dict[int, int]],
               problems: list[Problem]) -> bool:
    """Any other report, read row by row; True when any count cell is filled in."""
    first_row: dict[str, int] = {}
    filled = False
    for row_number, row in enumerate(table.rows[table.header_row:], start=table.header_row + 1):
        given = _read_row(table, index, row_number, row, first_row, file, stats, problems)
        filled = filled or given
    for name in index.forms.values():
        if name not in first_row:
            problems.append(report_problem(Code.MISSING_FORM, file, STATS_SHEET, None, None, value=name))
    return filled


def _read_row(table: _StatsTable, index: PlanIndex, row_number: int, row: list[object],
              first_row: dict[str, int], file: str, stats: dict[str, dict[int, int]],
              problems: list[Problem]) -> bool:
    """One row below the header: the counts of its form into ``stats`` (the form's first row:
    ``first_row`` has the row of each form read), or a problem when it holds counts left out.
    True when one of its count cells is filled in; False for a row without a label or a level's."""
    width = len(row)
    form_column = table.form_column
    label = row[form_column - 1] if form_column <= width else None
    key = header_key(label)
    if not key or key in index.levels:
        _say_heading_row(table, row_number, row, file, problems)
        return False
    name = index.forms.get(key)
    raws = [(y, c, row[c - 1] if c <= width else None) for y, c in table.wanted]
    given = any(typed_in(raw) for _y, _c, raw in raws)
    if name is None:
        if given:
            problems.append(report_problem(Code.UNKNOWN_FORM, file, STATS_SHEET, row_number, form_column,
                                           value=clean(label)))
        return given
    if name in first_row:
        if given:
            problems.append(report_problem(Code.DUPLICATE_FORM, file, STATS_SHEET, row_number, form_column,
                                           value=name, first=first_row[name]))
        return given
    first_row[name] = row_number
    counts = _row_counts(raws, file, row_number, problems)
    stats[name] = counts
    if table.total_column is not None:
        _check_total(row, width, table.total_column, counts, len(raws), problems, file, row_number)
    return given


def _row_counts(raws: list[tuple[int, int, object]], file: str, row_number: int,
                problems: list[Problem]) -> dict[int, int]:
    """A form's count of each year (year, column, cell value): a year whose cell has a problem is
    left out."""
    counts: dict[int, int] = {}
    for year, column, raw in raws:
        if isinstance(raw, float) and raw >= 0 and raw.is_integer():
            counts[year] = int(raw)  # the common case, fast
            continue
        number = _read_count(raw, problems, file, row_number, column)
        if number is not None:
            counts[year] = number
    return counts


# --- a count cell and a "Tổng" cell ------------------------------------------


def _check_total(row: list[object], width: int, total_column: int, counts: dict[int, int], year_count: int,
                 problems: list[Problem], file: str, row_number: int) -> None:
    """A "Tổng" cell whose cached value disagrees with the year cells it sums (when all were read)."""
    cached = row[total_column - 1] if total_column <= width else None
    expected = sum(counts.values())
    if isinstance(cached, (int, float)) and not isinstance(cached, bool) and cached != expected \
            and len(counts) == year_count:
        problems.append(report_problem(Code.TOTAL_MISMATCH, file, STATS_SHEET, row_number, total_column,
                                       value=_number_text(cached), expected=expected))


def _number_text(value: float | int) -> str:
    """A number as a problem's message shows it: 3.0 as "3"."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _read_count(raw: object, problems: list[Problem], file: str, row: int, column: int) -> int | None:
    """A count cell's whole number >= 0 (0 for a blank cell); None, its problem said, for anything else."""
    if unusable_cell(raw, problems, file, STATS_SHEET, row, column):
        return None
    if raw is None or raw == "":
        return 0
    if isinstance(raw, (bool, date, datetime)):
        problems.append(report_problem(Code.TEXT_IN_NUMBER, file, STATS_SHEET, row, column, value=str(raw)))
        return None
    if isinstance(raw, (int, float)):
        if raw != raw:  # NaN
            problems.append(report_problem(Code.TEXT_IN_NUMBER, file, STATS_SHEET, row, column, value="NaN"))
            return None
        if not float(raw).is_integer():
            problems.append(report_problem(Code.NOT_WHOLE_NUMBER, file, STATS_SHEET, row, column, value=raw))
            return None
        if raw < 0:
            problems.append(report_problem(Code.NEGATIVE_NUMBER, file, STATS_SHEET, row, column,
                                           value=_number_text(raw)))
            return None
        return int(raw)
    text = clean(raw)
    if re.fullmatch(r"-?(\d+([.,]0+)?|\d{1,3}([.,]\d{3})+)", text.replace(" ", "")):  # "12", "1.234"
        problems.append(report_problem(Code.NUMBER_AS_TEXT, file, STATS_SHEET, row, column, value=text))
    else:
        problems.append(report_problem(Code.TEXT_IN_NUMBER, file, STATS_SHEET, row, column, value=text))
    return None
