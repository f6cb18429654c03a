"""The status copy: the plan workbook written back with each task's quarter, deadline and status
(openpyxl), and the "Kết quả kiểm tra" sheet of its problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl.atomic import atomic_copy, atomic_path, backup_path
from tdkt_xl.collector import collector_paused
from tdkt_xl.errors import Problem, quoted_sheet_name
from tdkt_xl.intake.file_formats import is_macro_name
from tdkt_xl.intake.openpyxl_grids import open_workbook
from tdkt_xl.plans.models import Plan, TaskSheet
from tdkt_xl.plans.status import (
    BORDER_COLOR,
    DATE_FORMAT,
    HEADER_FILL,
    LINK_COLOR,
    NO_PROBLEMS,
    PROBLEM_FILLS,
    RESULT_HEADERS,
    RESULT_LINK_COLUMN,
    RESULT_SHEET,
    RESULT_WIDTHS,
    STATUS_COLORS,
    Status,
    TaskStatus,
    link_target,
    mark_cell,
    note_text,
    result_problems,
    result_rows,
    result_title,
    status_columns,
    status_row,
)
from tdkt_xl.reports.template import fit_to_paper, set_value

_ERROR_FILL = PatternFill("solid", fgColor=PROBLEM_FILLS["error"])
_WARNING_FILL = PatternFill("solid", fgColor=PROBLEM_FILLS["warning"])
_HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL)
_THIN = Side(style="thin", color=BORDER_COLOR)
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _status_columns(ws: Worksheet, sheet: TaskSheet) -> list[int]:
    """Columns for Quý, Hạn, Còn (ngày), Trạng thái: the existing ones, or new ones after the table."""
    layout = status_columns(sheet, ws.max_column or 0)
    header_cell = ws.cell(sheet.header_row, sheet.columns.get("content", 1))
    for column, title in layout.headers():
        cell = ws.cell(sheet.header_row, column, title)
        cell.font = Font(name=header_cell.font.name, bold=True, size=header_cell.font.size)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = layout.width(column)
    return list(layout.columns)


class _StyleIds:
    """The style ids of the status cells, each added to the workbook's style tables once: a cell
    then takes them as numbers (openpyxl would hash a new Alignment, Border … for every cell, most
    of the time a status copy took). A cell keeps the rest of its own style (font, fill …)."""

    def __init__(self, workbook: Workbook) -> None:
        tables = workbook  # openpyxl's style tables: IndexedLists of the workbook
        self.border = tables._borders.add(_BORDER)  # type: ignore[attr-defined]
        self.alignment = tables._alignments.add(  # type: ignore[attr-defined]
            Alignment(horizontal="center", vertical="center", wrap_text=True))
        self.date_format = (BUILTIN_FORMATS_REVERSE[DATE_FORMAT] if DATE_FORMAT in BUILTIN_FORMATS_REVERSE
                            else tables._number_formats.add(DATE_FORMAT)  # type: ignore[attr-defined]
                            + BUILTIN_FORMATS_MAX_SIZE)
        self.status = {status: (tables._fills.add(PatternFill("solid", fgColor=fill)),  # type: ignore[attr-defined]
                                tables._fonts.add(Font(color=color)))  # type: ignore[attr-defined]
                       for status, (fill, color) in STATUS_COLORS.items()}


def _styled(cell: Cell | MergedCell) -> StyleArray:
    """The cell's own style array (a new one for a cell without a style)."""
    style: StyleArray | None = getattr(cell, "_style", None)  # openpyxl's own slot, not in its stubs
    if style is None:
        style = StyleArray()
        setattr(cell, "_style", style)  # noqa: B010
    return style


def _write_status(ws: Worksheet, sheet: TaskSheet, statuses: list[TaskStatus], ids: _StyleIds) -> None:
    columns = _status_columns(ws, sheet)
    plain = StyleArray()
    plain.borderId, plain.alignmentId = ids.border, ids.alignment
    dated = StyleArray(plain)
    dated.numFmtId = ids.date_format
    cells: dict[tuple[int, int], Cell | MergedCell] = ws._cells
    for item in statuses:
        row = item.task.row
        for column, value in zip(columns, status_row(item), strict=True):
            cell = cells.get((row, column))
            if cell is None:  # most: a new cell, made with its style at once
                style = dated if isinstance(value, date) else plain  # (each cell gets its own copy)
                cells[row, column] = _new_cell(ws, row, column, value, style)
                continue
            cell.value = value  # a cell the plan has (a re-run's status): keeps its own font, fill
            style = _styled(cell)
            style.borderId, style.alignmentId = ids.border, ids.alignment
            if isinstance(value, date):
                style.numFmtId = ids.date_format
        fill, font = ids.status[Status(item.status)]
        style = _styled(ws.cell(row, columns[-1]))
        style.fillId, style.fontId = fill, font


# the types of the status values (:func:`~tdkt_xl.plans.status.status_row`) as openpyxl marks them
_DATA_TYPES: dict[type, str] = {str: "s", int: "n", date: "d"}


def _new_cell(ws: Worksheet, row: int, column: int, value: date | str | int | None,
              style: StyleArray) -> Cell:
    """A new cell holding a status value. The value is ours (a quarter, a date, a number of days,
    a status word: no formula, no control character), so openpyxl's check of every string for
    characters a file cannot hold, a fifth of the status copy's writing, is not needed."""
    cell = Cell(ws, row=row, column=column, style_array=style)
    kind = _DATA_TYPES.get(type(value))
    if kind is None:
        cell.value = value  # anything else: as openpyxl binds it
    else:
        cell._value = value  # type: ignore[attr-defined]
        cell.data_type = kind
    return cell


def _mark_problem(ws: Worksheet, problem: Problem) -> None:
    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    place = mark_cell(problem, merged)  # only a range's top-left cell can hold a comment
    if place is None:
        return
    cell = ws.cell(*place)
    if problem.column is not None:
        cell.fill = _ERROR_FILL if problem.severity == "error" else _WARNING_FILL
    text = note_text(problem)
    if cell.comment is not None and text not in cell.comment.text:
        text = f"{cell.comment.text}\n{text}"
    comment = Comment(text, "tdkt_xl")
    comment.width, comment.height = 320, 120
    cell.comment = comment


def _write_result_sheet(workbook: Workbook, plan: Plan, statuses: list[TaskStatus]) -> None:
    if RESULT_SHEET in workbook.sheetnames:
        del workbook[RESULT_SHEET]
    ws = workbook.create_sheet(RESULT_SHEET)
    ws["A1"] = result_title(plan, statuses)
    ws["A1"].font = Font(bold=True, size=12)
    ws["A1"].alignment = Alignment(vertical="top", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RESULT_HEADERS))
    for column, title in enumerate(RESULT_HEADERS, start=1):
        cell = ws.cell(3, column, title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    names = workbook.sheetnames
    problems = result_problems(plan.problems, names)
    for (index, values), problem in zip(enumerate(result_rows(plan, names), start=1), problems, strict=True):
        row = 3 + index
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row, column)
            set_value(cell, value)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row, 2).fill = _ERROR_FILL if problem.severity == "error" else _WARNING_FILL
        target = link_target(problem, names)
        if target is not None and problem.sheet:
            link = ws.cell(row, RESULT_LINK_COLUMN)
            location = f"{quoted_sheet_name(problem.sheet)}!{target}"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=location)
            link.font = Font(color=LINK_COLOR, underline="single")
    for column, width in enumerate(RESULT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A4"
    if not plan.problems:
        ws["A4"] = NO_PROBLEMS


def _print_setup(workbook: Workbook, plan: Plan) -> None:
    """Every sheet the status copy wrote to readable on A4 (:func:`~tdkt_xl.reports.template.fit_to_paper`):
    each task sheet's rows as high as their text, its header rows (those the plan repeats, else its
    header row) and first two columns repeated on each page; "Kết quả kiểm tra" landscape, its
    header row repeated."""
    for sheet in plan.sheets:
        ws = workbook[sheet.name]
        titles = ws.print_title_rows
        rows = titles.replace("$", "") if titles else f"{sheet.header_row}:{sheet.header_row}"
        fit_to_paper(ws, title_rows=rows, title_columns=2)
    fit_to_paper(workbook[RESULT_SHEET], title_rows="3:3", title_columns=0, portrait=False)


def write_status_workbook(
    source: Path, target: Path, plan: Plan, statuses: list[TaskStatus]
) -> Path:
    """Copy ``source`` to ``target`` with status columns, problem marks and a result sheet.

    The source's formatting and formulas are kept; the file is written atomically.
    When ``target`` is ``source`` the original is first copied to a ``.bak`` file.
    The macros of an .xlsm are kept only in an .xlsm target: Excel refuses an .xlsx that has them.
    """
    with collector_paused():  # (openpyxl's hundreds of thousands of cells and styles)
        workbook = open_workbook(source, data_only=False, keep_vba=is_macro_name(target))
        by_sheet: dict[str, list[TaskStatus]] = {}
        for item in statuses:
            by_sheet.setdefault(item.task.sheet, []).append(item)
        ids = _StyleIds(workbook)
        for sheet in plan.sheets:
            _write_status(workbook[sheet.name], sheet, by_sheet.get(sheet.name, []), ids)
        for problem in plan.problems:
            if problem.sheet and problem.sheet in workbook.sheetnames:
                _mark_problem(workbook[problem.sheet], problem)
        _write_result_sheet(workbook, plan, statuses)
        _print_setup(workbook, plan)
        if target.resolve() == source.resolve():
            atomic_copy(source, backup_path(source))
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as temp:
            workbook.save(temp)
        workbook.close()
    return target
