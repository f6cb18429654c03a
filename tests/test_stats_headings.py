"""A value typed into a heading row of "Số liệu" (a level's row such as "Cấp Nhà nước", a row
without a form's name, the header row's cells that are not years): said with its cell, not
counted, by the block reader and the row-by-row reader alike (issue 15)."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import save_report
from openpyxl.workbook import Workbook
from test_consolidate import report_sheets

from tdkt_xl import load_plan
from tdkt_xl.consolidation.inbox import run_consolidation
from tdkt_xl.errors import column_letter
from tdkt_xl.intake import report_statistics
from tdkt_xl.intake.plan_index import plan_forms, plan_years
from tdkt_xl.intake.unit_report import UnitReport, read_unit_report
from tdkt_xl.plans.grids import FormulaWithoutValue
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import strip_diacritics
from tdkt_xl.reports.layout import INFO_SHEET, PROGRESS_SHEET, STATS_HEADER_ROW, STATS_SHEET

CODE = "count-in-heading"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")


def calamine_sheets(plan: Plan, **kwargs: Any) -> dict[str, list[list[Any]]]:
    """A filled report as calamine gives it: every count a float, so the block reader can read it."""
    return report_sheets(plan, "BTDKT", count=1.0, **kwargs)


def level_rows(sheets: dict[str, list[list[Any]]], plan: Plan) -> list[int]:
    """The 0-based indexes of the "Số liệu" rows that are levels' headings."""
    levels = {f.level for f in plan_forms(plan)}
    return [i for i, row in enumerate(sheets[STATS_SHEET]) if row and row[0] in levels]


def put(rows: list[list[Any]], index: int, column: int, value: Any) -> None:
    """The value at a 0-based row index and 1-based column, the row grown as needed."""
    row = rows[index]
    row.extend([None] * (column - len(row)))
    row[column - 1] = value


def read(sheets: dict[str, list[list[Any]]], plan: Plan, path: str, monkeypatch: pytest.MonkeyPatch
         ) -> UnitReport:
    """The report read by one of the two readers: "block" (the usual report a block at a time;
    the row-by-row reader must not run) or "rows" (row by row, the block reader turned off)."""
    with monkeypatch.context() as patch:
        if path == "block":
            def no_rows(*_args: Any) -> bool:
                raise AssertionError("the usual report went row by row")
            patch.setattr(report_statistics, "_read_rows", no_rows)
        else:
            patch.setattr(report_statistics, "_usual_block", lambda *_args: None)
        return read_unit_report(sheets, plan, file="a.xlsx")


def only_heading_problems(report: UnitReport) -> list[tuple[str | None, str]]:
    assert {p.code for p in report.problems} <= {CODE}, report.problems
    return [(p.cell, p.message) for p in report.problems]


def counts_untouched(report: UnitReport, plan: Plan) -> bool:
    years = plan_years(plan)
    return all(report.stats[f.name] == dict.fromkeys(years, 1) for f in plan_forms(plan))


@pytest.mark.parametrize("path", ["block", "rows"])
@pytest.mark.parametrize("value", [5.0, 0.0, 2.5, "3", "không có", FormulaWithoutValue.of("SUM(B5:B9)")])
@pytest.mark.parametrize("which", ["first", "last"])
def test_a_value_in_a_level_row_is_said_with_its_cell(plan: Plan, path: str, value: Any, which: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = calamine_sheets(plan)
    rows = sheets[STATS_SHEET]
    index = level_rows(sheets, plan)[0 if which == "first" else -1]
    column = 1 + len(plan_years(plan)) if which == "last" else 2  # the last year's column, or the first's
    put(rows, index, column, value)
    report = read(sheets, plan, path, monkeypatch)
    cell = f"{column_letter(column)}{index + 1}"
    [(said_cell, message)] = only_heading_problems(report)
    assert said_cell == cell
    problem = report.problems[0]
    assert (problem.sheet, problem.file, problem.severity) == (STATS_SHEET, "a.xlsx", "error")
    shown = value.formula if isinstance(value, FormulaWithoutValue) else \
        (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
    assert message.startswith(f'Ô {cell} ghi "{shown}" ở dòng tiêu đề "{rows[index][0]}"')
    assert "không được tính" in message and "dòng của hình thức khen thưởng" in message
    assert counts_untouched(report, plan)


@pytest.mark.parametrize("path", ["block", "rows"])
@pytest.mark.parametrize("spelling", ["nfd", "upper", "plain"])
def test_a_level_row_however_its_label_is_typed(plan: Plan, path: str, spelling: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = calamine_sheets(plan)
    rows = sheets[STATS_SHEET]
    index = level_rows(sheets, plan)[0]
    label = rows[index][0]
    typed = {"nfd": unicodedata.normalize("NFD", label), "upper": f"  {label.upper()} ",
             "plain": strip_diacritics(label)}[spelling]
    rows[index] = [typed, 7.0, None, 8.0]
    report = read(sheets, plan, path, monkeypatch)
    expected = unicodedata.normalize("NFC", typed).strip()
    said = only_heading_problems(report)
    assert [cell for cell, _m in said] == [f"B{index + 1}", f"D{index + 1}"]
    assert all(f'ở dòng tiêu đề "{expected}"' in message for _c, message in said)
    assert counts_untouched(report, plan)


@pytest.mark.parametrize("path", ["block", "rows"])
@pytest.mark.parametrize("where", ["inside", "below"])
def test_a_value_in_a_row_without_a_form_name(plan: Plan, path: str, where: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = calamine_sheets(plan)
    rows = sheets[STATS_SHEET]
    index = level_rows(sheets, plan)[-1] + 1 if where == "inside" else len(rows)
    rows.insert(index, [None, None, 4.0])
    report = read(sheets, plan, path, monkeypatch)
    [(cell, message)] = only_heading_problems(report)
    assert cell == f"C{index + 1}"
    assert message.startswith(f'Ô C{index + 1} ghi "4" ở dòng để trống cột "Hình thức khen thưởng"')
    assert counts_untouched(report, plan)


@pytest.mark.parametrize("path", ["block", "rows"])
@pytest.mark.parametrize("value", [3.0, "7", 2.5, -1.0, 12000.0])
def test_a_number_in_the_header_row_that_is_no_year(plan: Plan, path: str, value: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = calamine_sheets(plan)
    header = sheets[STATS_SHEET][STATS_HEADER_ROW - 1]
    header.append(value)
    for row in sheets[STATS_SHEET][STATS_HEADER_ROW:]:
        if row and len(row) > 2:
            put([row], 0, len(header), 6.0)  # something below it, as an unknown year's column would have
    report = read(sheets, plan, path, monkeypatch)
    cell = f"{column_letter(len(header))}{STATS_HEADER_ROW}"
    [(said_cell, message)] = only_heading_problems(report)  # not an unknown year's column
    assert said_cell == cell and message.startswith(f"Ô {cell} ghi ") and "dòng tên cột của bảng" in message
    assert counts_untouched(report, plan)


@pytest.mark.parametrize("path", ["block", "rows"])
def test_both_readers_say_the_same(plan: Plan, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = calamine_sheets(plan)
    rows = sheets[STATS_SHEET]
    for index in level_rows(sheets, plan):
        put(rows, index, 3, 9.0)
    rows[STATS_HEADER_ROW - 1].append(2.0)
    rows.append([None, 1.0])
    block = read(calamine_sheets(plan) | {STATS_SHEET: [list(r) for r in rows]}, plan, "block", monkeypatch)
    by_rows = read(sheets, plan, "rows", monkeypatch)
    assert [p.model_dump() for p in block.problems] == [p.model_dump() for p in by_rows.problems]
    assert len(block.problems) == len(level_rows(sheets, plan)) + 2
    assert block.stats == by_rows.stats


@pytest.mark.parametrize("path", ["block", "rows"])
def test_nothing_said_of_blank_heading_cells_or_the_total(plan: Plan, path: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = calamine_sheets(plan)
    rows = sheets[STATS_SHEET]
    last = len(rows[STATS_HEADER_ROW - 1])  # "Tổng": not a count, not said
    for index in level_rows(sheets, plan):
        put(rows, index, last, 12.0)
        put(rows, index, 2, "")
    rows.append([None, None, None])
    report = read(sheets, plan, path, monkeypatch)
    assert report.problems == []


def test_a_value_only_in_a_heading_row_makes_the_report_a_filled_one(plan: Plan) -> None:
    sheets = report_sheets(plan, "BTDKT", made_on=None, status=None, completed=None, count=None)
    sheets[INFO_SHEET][5][1] = sheets[INFO_SHEET][6][1] = None  # Người lập, Điện thoại
    for row in sheets[PROGRESS_SHEET][3:]:
        row[6] = None  # Kết quả
    index = level_rows(sheets, plan)[0]
    put(sheets[STATS_SHEET], index, 2, 3)
    report = read_unit_report(sheets, plan, file="a.xlsx")  # not turned away as an empty template
    assert [(p.code, p.cell) for p in report.problems] == [(CODE, f"B{index + 1}")]


def test_a_unit_that_unprotected_the_sheet(plan: Plan, tmp_path: Path) -> None:
    """The real template, filled, its sheet unprotected and a count typed into each level's row:
    the consolidation lists each cell and its totals leave them out."""
    typed: list[str] = []

    def unprotect_and_type(book: Workbook) -> None:
        sheet = book[STATS_SHEET]
        sheet.protection.sheet = False
        levels = {f.level for f in plan_forms(plan)}
        for row in range(STATS_HEADER_ROW + 1, sheet.max_row + 1):
            if sheet.cell(row, 1).value in levels:
                sheet.cell(row, 2).value = 40
                typed.append(f"B{row}")

    save_report(plan, "P2", tmp_path / "in" / "P2.xlsx", change=unprotect_and_type)
    result = run_consolidation(plan, tmp_path / "in", tmp_path / "m.xlsx", as_of=date(2024, 7, 1))
    assert [f.outcome for f in result.files] == ["accepted"]
    assert typed and [(p.code, p.sheet, p.cell) for p in result.problems] == [
        (CODE, STATS_SHEET, cell) for cell in typed]
    years = plan_years(plan)
    assert all(result.totals[f.name][years[0]] == 1 for f in plan_forms(plan))
