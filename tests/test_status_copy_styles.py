"""The status copy's cells are styled by style ids taken once (issue 18), and look exactly as when
each cell is given its Border, Alignment, number format, fill and font one by one through
openpyxl: for a new copy, for a copy made again from a status copy, and over status cells that
have a style of their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from test_excel_handlers import make_plan

from tdkt_xl import load_plan, plan_status
from tdkt_xl.excel import status_copy
from tdkt_xl.plans.models import TaskSheet
from tdkt_xl.plans.status import BORDER_COLOR, DATE_FORMAT, STATUS_COLORS, Status, TaskStatus, status_row

_THIN = Side(style="thin", color=BORDER_COLOR)
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def cell_by_cell(ws: Worksheet, sheet: TaskSheet, statuses: list[TaskStatus], _ids: object = None) -> None:
    """The status columns as the status copy wrote them before: each style object set on each cell."""
    columns = status_copy._status_columns(ws, sheet)
    fills = {s: (PatternFill("solid", fgColor=f), Font(color=c)) for s, (f, c) in STATUS_COLORS.items()}
    for item in statuses:
        row = item.task.row
        for column, value in zip(columns, status_row(item), strict=True):
            cell = ws.cell(row, column)
            cell.value = value
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
        fill, font = fills[Status(item.status)]
        status_cell = ws.cell(row, columns[-1])
        status_cell.fill = fill
        status_cell.font = font


def looks(path: Path) -> dict[tuple[str, int, int], tuple[Any, ...]]:
    """Every cell's value and style, sheet by sheet."""
    book = load_workbook(path)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                found[(ws.title, cell.row, cell.column)] = (  # style proxies compare by identity: reprs
                    cell.value, repr(cell.font), repr(cell.fill), repr(cell.border), repr(cell.alignment),
                    cell.number_format, repr(cell.protection))
    book.close()
    return found


def write_both(source: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    plan = load_plan(source)
    statuses = plan_status(plan, date(2024, 7, 1))
    fast = status_copy.write_status_workbook(source, folder / "fast.xlsx", plan, statuses)
    with monkeypatch.context() as patched:
        patched.setattr(status_copy, "_write_status", cell_by_cell)
        slow = status_copy.write_status_workbook(source, folder / "slow.xlsx", plan, statuses)
    return fast, slow


@pytest.mark.parametrize("tasks", [8, 60])
def test_the_status_copy_looks_as_when_styled_cell_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          tasks: int) -> None:
    fast, slow = write_both(make_plan(tmp_path / "plan.xlsx", tasks), tmp_path, monkeypatch)
    assert looks(fast) == looks(slow)


def test_again_over_status_cells_with_a_style_of_their_own(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = write_both(make_plan(tmp_path / "plan.xlsx", 24), tmp_path, monkeypatch)
    book = load_workbook(first)
    for ws in book.worksheets:  # staff coloured and bolded some status cells by hand
        for row in ws.iter_rows(min_row=3, max_row=9):
            for cell in row[-3:]:
                cell.font = Font(name="Arial", bold=True, color="FF0000")
                cell.fill = PatternFill("solid", fgColor="FFFF00")
    source = tmp_path / "again" / "plan.xlsx"
    source.parent.mkdir()
    book.save(source)
    fast, slow = write_both(source, source.parent, monkeypatch)
    assert looks(fast) == looks(slow)
