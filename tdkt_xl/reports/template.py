"""The unit report workbooks: one per unit, to be filled in and consolidated.

Each workbook follows :mod:`tdkt_xl.reports.layout`: a "Thông tin" sheet (who
reports), "Tiến độ" (progress on the unit's tasks), "Số liệu" (commendation counts
by form and year) and a very hidden sheet tying the file to its plan. Input cells
have a yellow fill and are the only unlocked cells; the sheets are protected
without a password, so staff can unprotect them when they really must.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl.atomic import atomic_path
from tdkt_xl.errors import Code, InvalidValue
from tdkt_xl.paper import (
    A4_PAPER,
    DEFAULT_POINTS,
    MARGINS_INCH,
    first_page_columns,
    line_points,
    page_fit,
    row_points,
)
from tdkt_xl.paper import Cell as PaperCell
from tdkt_xl.plans.commendation_forms import DEFAULT_FORMS, forms_by_level
from tdkt_xl.plans.models import CommendationForm, Plan, Task
from tdkt_xl.plans.text import fold
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import (
    INFO_FIRST_ROW,
    INFO_LABELS,
    INFO_LOCKED,
    INFO_PROPOSALS,
    INFO_SHEET,
    INFO_TITLE,
    META_KEYS,
    META_SHEET,
    PROGRESS_CHOICES,
    PROGRESS_HEADER_ROW,
    PROGRESS_HEADERS,
    PROGRESS_INPUTS,
    PROGRESS_SHEET,
    STATS_FORM_HEADER,
    STATS_HEADER_ROW,
    STATS_SHEET,
    STATS_TOTAL_HEADER,
    TEMPLATE_VERSION,
    plan_id,
    safe_file_stem,
    unit_tasks,
)

DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"  # typed "- Đã tổ chức …" stays text instead of becoming a formula
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)
NO_TASK_NOTE = "Đơn vị không chủ trì, không phối hợp thực hiện nhiệm vụ nào trong kế hoạch này."

_FONT_NAME = "Times New Roman"
_FONT = Font(name=_FONT_NAME, size=12)
_BOLD = Font(name=_FONT_NAME, size=12, bold=True)
_TITLE_FONT = Font(name=_FONT_NAME, size=14, bold=True)
_HINT_FONT = Font(name=_FONT_NAME, size=11, italic=True, color="404040")
_DEADLINE_FONT = Font(name=_FONT_NAME, size=12, bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_FIXED_FILL = PatternFill("solid", fgColor="F2F2F2")
_LEVEL_FILL = PatternFill("solid", fgColor="E2EFDA")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_LINE_HEIGHT = 15.75  # points per line of 12 pt Times New Roman
_CHARS_PER_WIDTH = 1.1  # characters of 12 pt Times New Roman per unit of column width

# (together one landscape A4 page wide in Excel at a scale keeping 9 pt: issue 16)
_PROGRESS_WIDTHS = {
    "Mã nhiệm vụ": 11, "Nội dung": 40, "Vai trò": 10, "Hạn": 12, "Tình trạng": 15,
    "Ngày hoàn thành": 12, "Kết quả": 28, "Khó khăn, vướng mắc": 22, "Ghi chú": 14,
}
_CENTERED = ("Mã nhiệm vụ", "Vai trò", "Hạn", "Tình trạng", "Ngày hoàn thành")
_TEXT_INPUTS = ("Kết quả", "Khó khăn, vướng mắc", "Ghi chú")


# --- cells --------------------------------------------------------------------


def set_value(cell: Any, value: Any) -> None:
    """Write a value; text stays text even when it starts with "=" or reads "#N/A".

    openpyxl would otherwise store such text as a formula or an error cell.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _cell(ws: Worksheet, row: int, column: int) -> Cell:
    cell = ws.cell(row, column)
    assert isinstance(cell, Cell), f"{cell.coordinate} is inside a merged range"
    return cell


def _put(
    ws: Worksheet, row: int, column: int, value: object = None, *,
    font: Font = _FONT, fill: PatternFill | None = None, border: bool = True,
    horizontal: str = "left", vertical: str = "center", wrap: bool = True,
    number_format: str | None = None,
    editable: bool = False, formula: bool = False,
) -> Cell:
    """Write and style one cell; ``editable`` cells are unlocked and yellow.

    Text is always stored as text (see :func:`set_value`) unless ``formula`` is set.
    """
    cell = _cell(ws, row, column)
    if formula and isinstance(value, str):
        cell.value = value  # stored as a formula
    elif value is not None:
        set_value(cell, value)
    cell.font = font
    if editable:
        cell.fill = _INPUT_FILL
        cell.protection = _UNLOCKED
    elif fill is not None:
        cell.fill = fill
    if border:
        cell.border = _BORDER
    cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _banner(ws: Worksheet, row: int, last_column: int, text: str, font: Font,
            height: float | None = None) -> None:
    """A line of text merged across the table (titles, hints): no border, wrapped."""
    _put(ws, row, 1, text, font=font, border=False, wrap=True)
    if last_column > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    if height is not None:
        ws.row_dimensions[row].height = height


def _text_lines(text: str, width: float) -> int:
    """About how many lines ``text`` takes, wrapped in a column ``width`` characters wide."""
    per_line = max(1, int(width * _CHARS_PER_WIDTH) - 1)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def _fit_row(ws: Worksheet, row: int, widths: dict[int, float], *, min_lines: int = 1) -> None:
    """Set a row's height for its wrapped text.

    Excel and LibreOffice do not always fit rows written by openpyxl, so the height is
    estimated here; staff can still refit a row (resizing rows is allowed).
    """
    lines = min_lines
    for column, width in widths.items():
        value = ws.cell(row, column).value
        if isinstance(value, str) and value:
            lines = max(lines, _text_lines(value, width))
    ws.row_dimensions[row].height = lines * _LINE_HEIGHT + 4


def _excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def _date_validation(title: str) -> DataValidation:
    first, last = FIRST_DATE.strftime("%d/%m/%Y"), LAST_DATE.strftime("%d/%m/%Y")
    return DataValidation(
        type="date", operator="between", formula1=str(_excel_serial(FIRST_DATE)),
        formula2=str(_excel_serial(LAST_DATE)), allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Ngày không hợp lệ",
        error=f"Chỉ nhập ngày (từ {first} đến {last}), dạng ngày/tháng/năm, ví dụ 15/07/2024.",
        showInputMessage=True, promptTitle=title, prompt="Nhập ngày dạng ngày/tháng/năm, ví dụ 15/07/2024.",
    )


def _proposals_prompt() -> DataValidation:
    """What to write in "Kiến nghị, đề xuất", shown when the cell is chosen (issue 17)."""
    return DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1="32767", allow_blank=True,
        showInputMessage=True, promptTitle="Kiến nghị, đề xuất",
        prompt="Kiến nghị, đề xuất của đơn vị (được tập hợp vào mục Kiến nghị, đề xuất của báo cáo tổng "
               "kết). Mỗi ý một dòng: Alt+Enter để xuống dòng.")


def _protect(ws: Worksheet) -> None:
    """Protect the sheet (no password); rows and columns may still be resized."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _print_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None) -> None:
    fit_to_paper(ws, title_rows=title_rows, portrait=not landscape)
    ws.print_options.horizontalCentered = True
    footer = ws.oddFooter
    if footer is not None:
        footer.center.text = "Trang &P/&N"


def _column_widths(ws: Worksheet) -> list[float]:
    """The width of each used column (Excel's default, 8.43, where none is set)."""
    return [float(ws.column_dimensions[get_column_letter(c)].width or 8.43)
            for c in range(1, (ws.max_column or 1) + 1)]


def fit_rows(ws: Worksheet, widths: Sequence[float], *, heights: bool = True) -> float:
    """Each row as high as its wrapped text needs (:func:`tdkt_xl.paper.row_points`, from the
    text, its column's width, or its merged columns', and its font); a row already higher is left
    so, and so are the rows of a range merged down several rows. Returns the smallest font size of
    the sheet's cells (with ``heights`` False, only that)."""
    spans: dict[tuple[int, int], float] = {}
    tall: set[int] = set()
    for merged in ws.merged_cells.ranges:
        if merged.max_row > merged.min_row:
            tall.update(range(merged.min_row, merged.max_row + 1))
        spans[merged.min_row, merged.min_col] = sum(widths[merged.min_col - 1:merged.max_col])
    # the fonts and alignments of the workbook by their ids (a cell's own are made on each access)
    book: Any = ws.parent
    fonts = [(float(font.sz or DEFAULT_POINTS), bool(font.b)) for font in book._fonts]
    wraps = [bool(alignment.wrap_text) for alignment in book._alignments]
    texts: dict[int, list[PaperCell]] = {}  # each row's wrapped texts
    one_line: dict[int, float] = {}  # each row's largest font of a cell on one line
    used: set[int] = set()  # the fonts of the cells with a value
    count = len(widths)
    cells: Any = ws._cells  # the cells the sheet has, by (row, column): iter_rows would make the rest
    for (number, column), cell in cells.items():
        value = cell._value  # (the value property, without its call: a sheet has many cells)
        if value is None or column > count:
            continue
        style = cell._style  # a StyleArray: [0] the font's id, [5] the alignment's; None: every id 0
        font = style[0] if style is not None else 0
        used.add(font)
        if heights and number not in tall:
            if type(value) is str and value and wraps[style[5] if style is not None else 0]:
                size, bold = fonts[font]
                width = spans.get((number, column), widths[column - 1])
                texts.setdefault(number, []).append(PaperCell(value, width, size, bold, True))
            elif fonts[font][0] > one_line.get(number, 0.0):
                one_line[number] = fonts[font][0]
    for number in texts.keys() | one_line.keys():
        single = one_line.get(number)
        needed = row_points(texts.get(number, ()), least=line_points(single) if single is not None else None)
        kept = ws.row_dimensions.get(number)  # (none made for a row that needs none)
        if needed > float((kept.height if kept is not None else None) or line_points()):
            ws.row_dimensions[number].height = needed
    smallest = min((fonts[font][0] for font in used), default=DEFAULT_POINTS * 10)
    return smallest if smallest < DEFAULT_POINTS * 10 else DEFAULT_POINTS


def fit_to_paper(ws: Worksheet, *, title_rows: str | None, title_columns: int = 1, portrait: bool = True,
                 rows: bool = True) -> None:
    """Rows as high as their text (``rows``), and A4 with margins, printed text never under 9 pt
    (:func:`tdkt_xl.paper.page_fit`): a sheet too wide for that is printed across pages with its
    ``title_rows`` ("4:5") and first ``title_columns`` repeated on each."""
    widths = _column_widths(ws)
    smallest = fit_rows(ws, widths, heights=rows)
    fit = page_fit(widths, smallest=smallest, title_columns=title_columns, portrait=portrait)
    ws.page_setup.paperSize = A4_PAPER
    ws.page_setup.orientation = "landscape" if fit.landscape else "portrait"
    ws.page_margins = PageMargins(**MARGINS_INCH)
    if fit.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_setup.scale = None
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
        ws.page_setup.scale = fit.scale
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    if title_rows is not None:
        ws.print_title_rows = title_rows
    if fit.title_columns:
        ws.print_title_cols = f"A:{get_column_letter(fit.title_columns)}"
    first_page = first_page_columns(widths, fit)
    if first_page < len(widths):
        _title_lines_on_first_page(ws, first_page, int(title_rows.split(":")[0]) if title_rows else 1)


def _title_lines_on_first_page(ws: Worksheet, columns: int, header_row: int) -> None:
    """The title lines above the header, merged across a table printed across pages, merged across
    the columns of its first page instead: a page's edge would cut them, and the repeated title
    columns show a piece of them on every page."""
    for merged in list(ws.merged_cells.ranges):
        if merged.max_row < header_row and merged.min_row == merged.max_row and merged.min_col == 1 \
                and merged.max_col > columns:
            row = merged.min_row
            ws.unmerge_cells(merged.coord)
            if columns > 1:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def _vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- sheets -------------------------------------------------------------------


# the value column of "Thông tin": 24 + 58 characters fit one A4 page's width at 100 % (62 did
# not, and the sheet was printed as its labels on one page and again with the values on another)
INFO_VALUE_WIDTH = 58


def _info_sheet(ws: Worksheet, plan: Plan, unit: Unit) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = INFO_VALUE_WIDTH
    _banner(ws, 1, 2, INFO_TITLE, _TITLE_FONT, height=40)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    values: dict[str, object] = {"Mã đơn vị": unit.code, "Tên đơn vị": unit.name,
                                 "Kỳ báo cáo": f"Năm {plan.year}"}
    for offset, label in enumerate(INFO_LABELS):
        row = INFO_FIRST_ROW + offset
        _put(ws, row, 1, label, font=_BOLD, fill=_HEADER_FILL)
        if label in INFO_LOCKED:
            _put(ws, row, 2, values.get(label), fill=_FIXED_FILL)
        elif label == "Ngày lập":
            cell = _put(ws, row, 2, horizontal="left", number_format=DATE_FORMAT, editable=True)
            validation = _date_validation("Ngày lập báo cáo")
            ws.add_data_validation(validation)
            validation.add(cell.coordinate)
        elif label == INFO_PROPOSALS:  # issue 17: a few paragraphs (Alt+Enter for a new line)
            cell = _put(ws, row, 2, number_format=TEXT_FORMAT, editable=True, vertical="top")
            _cell(ws, row, 1).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
            validation = _proposals_prompt()
            ws.add_data_validation(validation)
            validation.add(cell.coordinate)
        else:
            _put(ws, row, 2, values.get(label), number_format=TEXT_FORMAT, editable=True)
        _fit_row(ws, row, {1: 24, 2: INFO_VALUE_WIDTH}, min_lines=8 if label == INFO_PROPOSALS else 1)
    row = INFO_FIRST_ROW + len(INFO_LABELS) + 1
    deadline = plan.config.report_deadline
    if deadline is not None:
        _banner(ws, row, 2, f"Hạn nộp báo cáo: {_vn_date(deadline)}", _DEADLINE_FONT)
        row += 1
    _banner(ws, row, 2,
            "Hướng dẫn: chỉ nhập vào các ô nền vàng ở các sheet “Thông tin”, “Tiến độ” và "
            "“Số liệu”; các ô khác đã khóa. Không đổi tên sheet, không thêm, xóa hay đổi thứ tự "
            "hàng, cột. Nhập ngày dạng ngày/tháng/năm.", _HINT_FONT, height=48)
    ws.freeze_panes = f"A{INFO_FIRST_ROW}"
    _print_setup(ws, landscape=False, title_rows=None)
    _protect(ws)


def _due_value(task: Task) -> date | str | None:
    """The due date of a task, or its deadline text ("Thường xuyên") when it has none."""
    if task.deadline.due is not None:
        return task.deadline.due
    return task.deadline_text or task.deadline.text or None


def _progress_sheet(ws: Worksheet, plan: Plan, unit: Unit) -> None:
    last = len(PROGRESS_HEADERS)
    for column, header in enumerate(PROGRESS_HEADERS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = _PROGRESS_WIDTHS.get(header, 16)
    _banner(ws, 1, last, f"TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ – {unit.name}", _TITLE_FONT, height=24)
    _banner(ws, 2, last,
            "Nhập các cột nền vàng: Tình trạng (chọn trong danh sách), Ngày hoàn thành "
            "(ngày/tháng/năm), Kết quả, Khó khăn, vướng mắc, Ghi chú.", _HINT_FONT, height=20)
    header_row = PROGRESS_HEADER_ROW
    for column, header in enumerate(PROGRESS_HEADERS, start=1):
        _put(ws, header_row, column, header, font=_BOLD, fill=_HEADER_FILL, horizontal="center")
    ws.row_dimensions[header_row].height = 32
    tasks = unit_tasks(plan, unit.code)
    first = header_row + 1
    widths = {c: float(_PROGRESS_WIDTHS.get(h, 16)) for c, h in enumerate(PROGRESS_HEADERS, start=1)}
    if not tasks:
        for column in range(1, last + 1):
            _put(ws, first, column)
        _cell(ws, first, 2).font = _HINT_FONT
        set_value(_cell(ws, first, 2), NO_TASK_NOTE)
        ws.merge_cells(start_row=first, start_column=2, end_row=first, end_column=last)
        ws.row_dimensions[first].height = 2 * _LINE_HEIGHT + 4
    for row, (task, role) in enumerate(tasks, start=first):
        fixed: dict[str, object] = {"Mã nhiệm vụ": task.code, "Nội dung": task.content,
                                    "Vai trò": role, "Hạn": _due_value(task)}
        for column, header in enumerate(PROGRESS_HEADERS, start=1):
            horizontal = "center" if header in _CENTERED else "left"
            vertical = "center" if header in _CENTERED else "top"
            value = fixed.get(header)
            if header in PROGRESS_INPUTS:
                number_format = (DATE_FORMAT if header == "Ngày hoàn thành"
                                 else TEXT_FORMAT if header in _TEXT_INPUTS else None)
                _put(ws, row, column, horizontal=horizontal, vertical=vertical,
                     number_format=number_format, editable=True)
            else:
                _put(ws, row, column, value, horizontal=horizontal, vertical=vertical,
                     number_format=DATE_FORMAT if isinstance(value, date) else None)
        _fit_row(ws, row, widths, min_lines=2)
    if tasks:
        end = first + len(tasks) - 1
        status_col = get_column_letter(PROGRESS_HEADERS.index("Tình trạng") + 1)
        done_col = get_column_letter(PROGRESS_HEADERS.index("Ngày hoàn thành") + 1)
        status = DataValidation(
            type="list", formula1='"' + ",".join(PROGRESS_CHOICES) + '"', allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle="Tình trạng không hợp lệ",
            error="Chọn một trong: " + "; ".join(PROGRESS_CHOICES) + ".",
            showInputMessage=True, promptTitle="Tình trạng",
            prompt="Chọn trong danh sách: " + "; ".join(PROGRESS_CHOICES) + ".",
        )
        ws.add_data_validation(status)
        status.add(f"{status_col}{first}:{status_col}{end}")
        done = _date_validation("Ngày hoàn thành")
        ws.add_data_validation(done)
        done.add(f"{done_col}{first}:{done_col}{end}")
    ws.freeze_panes = f"A{first}"
    _print_setup(ws, landscape=True, title_rows=f"{header_row}:{header_row}")
    _protect(ws)


def stats_years(plan: Plan) -> list[int]:
    """The years of the "Số liệu" sheet, from ``stats_from`` to ``stats_to`` (either order).

    >>> from tdkt_xl.plans.models import Plan
    >>> stats_years(Plan(year=2024))[:2], len(stats_years(Plan(year=2024)))
    ([2014, 2015], 10)
    """
    low, high = sorted((plan.config.stats_from, plan.config.stats_to))
    return list(range(low, high + 1))


def report_forms(plan: Plan) -> list[CommendationForm]:
    """The plan's own forms of commendation, or the default list."""
    return list(plan.forms) if plan.forms else list(DEFAULT_FORMS)


def _stats_sheet(ws: Worksheet, plan: Plan, unit: Unit) -> None:
    years = stats_years(plan)
    last = len(years) + 2
    ws.column_dimensions["A"].width = 56
    for column in range(2, last):
        ws.column_dimensions[get_column_letter(column)].width = 8
    ws.column_dimensions[get_column_letter(last)].width = 10
    _banner(ws, 1, last, f"SỐ LIỆU KHEN THƯỞNG TỪ NĂM {years[0]} ĐẾN HẾT NĂM {years[-1]} – {unit.name}",
            _TITLE_FONT, height=40)
    _banner(ws, 2, last,
            "Số lượt tập thể, cá nhân được khen thưởng theo năm quyết định khen thưởng. Nhập số "
            "nguyên vào các ô nền vàng, ghi 0 nếu không có; cột Tổng tự cộng.", _HINT_FONT, height=32)
    header_row = STATS_HEADER_ROW
    headers: list[object] = [STATS_FORM_HEADER, *years, STATS_TOTAL_HEADER]
    for column, header in enumerate(headers, start=1):
        _put(ws, header_row, column, header, font=_BOLD, fill=_HEADER_FILL,
             horizontal="left" if column == 1 else "center")
    first_year, last_year = get_column_letter(2), get_column_letter(last - 1)
    ranges: list[str] = []
    row = header_row
    for level, forms in forms_by_level(report_forms(plan)):
        if level:
            row += 1
            for column in range(1, last + 1):
                _put(ws, row, column, level if column == 1 else None, font=_BOLD, fill=_LEVEL_FILL)
            _fit_row(ws, row, {1: 56})
        block_start = row + 1
        for form in forms:
            row += 1
            _put(ws, row, 1, form.name)
            for column in range(2, last):
                _put(ws, row, column, horizontal="center", number_format="0", editable=True)
            _put(ws, row, last, f"=SUM({first_year}{row}:{last_year}{row})", font=_BOLD,
                 fill=_FIXED_FILL, horizontal="center", number_format="0", formula=True)
            _fit_row(ws, row, {1: 56})
        if row >= block_start:
            ranges.append(f"{first_year}{block_start}:{last_year}{row}")
    if ranges:
        counts = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle="Số liệu không hợp lệ",
            error="Chỉ nhập số nguyên không âm (0, 1, 2 …).",
        )
        ws.add_data_validation(counts)
        for cell_range in ranges:
            counts.add(cell_range)
    ws.freeze_panes = f"B{header_row + 1}"
    _print_setup(ws, landscape=True, title_rows=f"{header_row}:{header_row}")
    _protect(ws)


def _meta_sheet(ws: Worksheet, plan: Plan, unit: Unit) -> None:
    values: dict[str, object] = {"plan_id": plan_id(plan), "template_version": TEMPLATE_VERSION,
                                 "unit_code": unit.code, "plan_year": plan.year}
    for row, key in enumerate(META_KEYS, start=1):
        set_value(_cell(ws, row, 1), key)
        set_value(_cell(ws, row, 2), values[key])
    ws.sheet_state = "veryHidden"
    _protect(ws)


# --- workbooks ------------------------------------------------------------------


def build_unit_report(plan: Plan, unit: Unit) -> Workbook:
    """The report workbook of one unit, in memory (nothing is written).

    >>> from tdkt_xl.plans.models import Plan
    >>> wb = build_unit_report(Plan(year=2024), Unit(code="P1", name="Phòng I"))
    >>> wb.sheetnames, wb["Thông tin"]["B3"].value
    (['Thông tin', 'Tiến độ', 'Số liệu', '_tdkt_xl'], 'P1')
    """
    workbook = Workbook()
    info = workbook.active
    assert info is not None
    info.title = INFO_SHEET
    _info_sheet(info, plan, unit)
    _progress_sheet(workbook.create_sheet(PROGRESS_SHEET), plan, unit)
    _stats_sheet(workbook.create_sheet(STATS_SHEET), plan, unit)
    _meta_sheet(workbook.create_sheet(META_SHEET), plan, unit)
    workbook.active = 0
    workbook.properties.creator = "tdkt_xl"
    workbook.properties.title = f"Báo cáo của {unit.name}"
    return workbook


def reporting_units(plan: Plan, codes: Sequence[str] | None = None) -> list[Unit]:
    """The units that get a report: every unit of the list that is not a group, or ``codes``.

    Codes are matched exactly, then ignoring case and accents. Raises ``ValueError``
    (Vietnamese message) for a plan without a unit list, an unknown code or a group.
    """
    if plan.units is None:
        raise InvalidValue("Kế hoạch không có danh sách đơn vị (sheet “Đơn vị”): "
                         "không biết lập báo cáo cho đơn vị nào.")
    if codes is None:
        return [u for u in plan.units if not u.is_group]
    by_code = {u.code: u for u in plan.units}
    by_fold = {fold(u.code): u for u in reversed(plan.units)}
    chosen: list[Unit] = []
    unknown: list[str] = []
    groups: list[str] = []
    for code in codes:
        unit = by_code.get(code) or by_fold.get(fold(code))
        if unit is None:
            unknown.append(code)
        elif unit.is_group:
            groups.append(unit.code)
        elif unit not in chosen:
            chosen.append(unit)
    if unknown:
        raise InvalidValue("Không có đơn vị mã " + ", ".join(f"“{c}”" for c in unknown)
                         + " trong danh sách đơn vị của kế hoạch.")
    if groups:
        raise InvalidValue(", ".join(f"“{c}”" for c in groups)
                         + " là nhóm đơn vị, không lập báo cáo riêng; hãy chọn từng đơn vị.")
    return chosen


def template_paths(plan: Plan, out_dir: Path, units: Sequence[str] | None = None) -> list[tuple[Unit, Path]]:
    """Each reporting unit and its file ``<safe_file_stem(code)>.xlsx`` in ``out_dir``; two codes
    that would give the same file name (ignoring case) get "_2", "_3" …."""
    used: set[str] = set()
    paths: list[tuple[Unit, Path]] = []
    for unit in reporting_units(plan, units):
        base = stem = safe_file_stem(unit.code)
        suffix = 2
        while stem.casefold() in used:
            stem, suffix = f"{base}_{suffix}", suffix + 1
        used.add(stem.casefold())
        paths.append((unit, out_dir / f"{stem}.xlsx"))
    return paths


def holds_work(path: Path, plan: Plan) -> bool:
    """Whether the file at ``path`` must not be replaced by a fresh template: a report a unit has
    filled in (sent back, perhaps), a file that cannot be read, or another workbook. Only a
    template nobody has filled in yet (or no file) may be replaced."""
    from tdkt_xl.intake.book_readers import read_values
    from tdkt_xl.intake.report_sheets import ReportRejected
    from tdkt_xl.intake.unit_report import read_unit_report

    if not path.exists():
        return False
    try:
        book = read_values(path)
        read_unit_report(book.sheets, plan, file=path.name)
    except ReportRejected as rejected:
        return rejected.code != Code.EMPTY_REPORT
    except Exception:  # unreadable, or not a workbook at all: not ours to replace
        return True
    return True


def write_unit_reports(plan: Plan, out_dir: Path, *, units: Sequence[str] | None = None,
                       keep_work: bool = True,
                       progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write a report template for each reporting unit in ``out_dir`` (see :func:`template_paths`);
    return the paths written.

    ``units`` limits the output to those unit codes. Each file is written atomically. With
    ``keep_work`` (the default) a file that already holds a unit's work (:func:`holds_work`) is
    left as it is and not in the list: making the templates again over the folder where reports
    came back must not wipe them. ``progress(done, total)`` is called after each unit (written or kept).

    >>> write_unit_reports(plan, Path("bao_cao"))  # doctest: +SKIP
    [PosixPath('bao_cao/BTDKT.xlsx'), PosixPath('bao_cao/P1.xlsx'), ...]
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    targets = template_paths(plan, out_dir, units)
    for done, (unit, target) in enumerate(targets, start=1):
        if not (keep_work and holds_work(target, plan)):
            workbook = build_unit_report(plan, unit)
            with atomic_path(target) as temp:
                workbook.save(temp)
            workbook.close()
            paths.append(target)
        if progress is not None:
            progress(done, len(targets))
    return paths
