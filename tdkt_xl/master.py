"""Write the master tổng hợp workbook (openpyxl): submissions, progress, totals, problems."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl.consolidate import Consolidation
from tdkt_xl.status import STATUS_COLORS
from tdkt_xl.xlsx import atomic_path, backup_path, set_value

SUBMISSIONS_SHEET = "Tình hình nộp báo cáo"
PROGRESS_SHEET = "Tiến độ nhiệm vụ"
PROGRESS_DETAIL_SHEET = "Chi tiết tiến độ"
TOTALS_SHEET = "Số liệu tổng hợp"
TOTALS_DETAIL_SHEET = "Số liệu chi tiết"
PROBLEMS_SHEET = "Lỗi"

_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_LEVEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(vertical="top", wrap_text=True)
_STATE_FILLS = {
    "missing": PatternFill("solid", fgColor="FFC7CE"),
    "late": PatternFill("solid", fgColor="FFEB9C"),
    "on_time": PatternFill("solid", fgColor="C6EFCE"),
    "submitted": PatternFill("solid", fgColor="DDEBF7"),
}


def _vn(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _table(ws: Worksheet, title: str, headers: Sequence[object], rows: Sequence[Sequence[Any]],
           widths: Sequence[float], *, header_row: int = 3) -> None:
    """A titled table: text cells always stay text (never formulas or error values)."""
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=12)
    for column, header in enumerate(headers, start=1):
        cell = ws.cell(header_row, column)
        set_value(cell, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(header_row + offset, column)
            set_value(cell, value)
            cell.border = _BORDER
            cell.alignment = _WRAP
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + len(rows)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"


def _submissions(wb: Workbook, result: Consolidation) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = SUBMISSIONS_SHEET
    missing = sum(1 for s in result.submissions if s.state == "missing")
    late = sum(1 for s in result.submissions if s.state == "late")
    rows = []
    for index, item in enumerate(result.submissions, start=1):
        report = item.report
        rows.append([index, item.unit.code, item.unit.name, item.unit.email, item.label,
                     report.submitted_on if report else None, report.file if report else "",
                     len(report.problems) if report else None])
    deadline = f"; hạn nộp {_vn(result.report_deadline)}" if result.report_deadline else ""
    _table(ws, f"TÌNH HÌNH NỘP BÁO CÁO (đến ngày {_vn(result.as_of)}{deadline}): "
               f"{len(result.submissions) - missing}/{len(result.submissions)} đơn vị đã nộp, "
               f"{missing} chưa nộp, {late} nộp muộn",
           ["STT", "Mã đơn vị", "Tên đơn vị", "Email", "Tình trạng", "Ngày lập", "Tệp", "Số lỗi"],
           rows, [6, 14, 42, 28, 16, 12, 40, 8])
    for offset, item in enumerate(result.submissions, start=4):
        ws.cell(offset, 5).fill = _STATE_FILLS[item.state]


def _progress(wb: Workbook, result: Consolidation) -> None:
    ws = wb.create_sheet(PROGRESS_SHEET)
    rows = []
    for item in result.tasks:
        task = item.task
        rows.append([task.code, task.content, "; ".join(u.label for u in task.lead),
                     "; ".join(u.label for u in task.partners), task.deadline.due or task.deadline_text,
                     len(item.units), item.done, item.ongoing, item.not_started, item.nothing,
                     item.status.value])
    _table(ws, f"TIẾN ĐỘ NHIỆM VỤ (đến ngày {_vn(result.as_of)})",
           ["Mã nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn", "Số đơn vị",
            "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Chưa báo cáo", "Trạng thái"],
           rows, [12, 60, 28, 28, 12, 9, 11, 11, 11, 11, 18])
    fills = {s.value: PatternFill("solid", fgColor=f) for s, (f, _c) in STATUS_COLORS.items()}
    for offset, item in enumerate(result.tasks, start=4):
        ws.cell(offset, 11).fill = fills[item.status.value]

    detail = wb.create_sheet(PROGRESS_DETAIL_SHEET)
    names = {s.unit.code: s.unit.name for s in result.submissions}
    files = {r.unit_code: r.file for r in result.reports}
    detail_rows = []
    for item in result.tasks:
        for code in item.units:
            entry = item.entries.get(code)
            role = "Chủ trì" if any(u.code == code for u in item.task.lead) else "Phối hợp"
            detail_rows.append([
                item.task.code, item.task.content, code, names.get(code, code), role,
                (entry.status or "") if entry else "Chưa báo cáo",
                entry.completed_on if entry else None, entry.result if entry else "",
                entry.difficulties if entry else "", entry.note if entry else "",
                files.get(code, "") if entry else "",
            ])
    _table(detail, "CHI TIẾT TIẾN ĐỘ THEO ĐƠN VỊ",
           ["Mã nhiệm vụ", "Nội dung", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tình trạng",
            "Ngày hoàn thành", "Kết quả", "Khó khăn, vướng mắc", "Ghi chú", "Tệp"],
           detail_rows, [12, 50, 12, 30, 10, 16, 12, 40, 40, 24, 30])


def _totals(wb: Workbook, result: Consolidation) -> None:
    ws = wb.create_sheet(TOTALS_SHEET)
    years = result.years
    first, last = get_column_letter(2), get_column_letter(1 + len(years))
    total_col = 2 + len(years)
    rows: list[list[Any]] = []
    levels: list[int] = []
    level = None
    for form in result.forms:
        if form.level != level:
            level = form.level
            levels.append(len(rows))
            rows.append([level])
        rows.append([form.name, *[result.totals[form.name][y] for y in years]])
    header_row = 3
    _table(ws, f"SỐ LIỆU KHEN THƯỞNG TỔNG HỢP {years[0]}–{years[-1]} "
               f"({len(result.reports)} đơn vị đã nộp)",
           ["Hình thức khen thưởng", *years, "Tổng"], rows, [52, *[8] * len(years), 10])
    for offset in range(len(rows)):
        row = header_row + 1 + offset
        if offset in levels:
            for column in range(1, total_col + 1):
                ws.cell(row, column).fill = _LEVEL_FILL
                ws.cell(row, column).font = Font(bold=True)
            continue
        ws.cell(row, total_col, f"=SUM({first}{row}:{last}{row})").border = _BORDER
    sum_row = header_row + len(rows) + 1
    ws.cell(sum_row, 1, "Cộng").font = Font(bold=True)
    for column in range(2, total_col + 1):
        letter = get_column_letter(column)
        cell = ws.cell(sum_row, column, f"=SUM({letter}{header_row + 1}:{letter}{sum_row - 1})")
        cell.font = Font(bold=True)
        cell.border = _BORDER
    chart = BarChart()
    chart.title = "Tổng số khen thưởng theo năm"
    chart.y_axis.title = "Số lượt"
    chart.x_axis.title = "Năm"
    data = Reference(ws, min_col=2, max_col=1 + len(years), min_row=sum_row, max_row=sum_row)
    chart.add_data(data, from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, max_col=1 + len(years), min_row=header_row,
                                   max_row=header_row))
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # otherwise recent Excel hides the axes' labels
    chart.y_axis.delete = False
    chart.width, chart.height = 22, 9
    ws.add_chart(chart, f"A{sum_row + 3}")

    detail = wb.create_sheet(TOTALS_DETAIL_SHEET)
    detail_rows = []
    for report in sorted(result.reports, key=lambda r: r.unit_code):
        for form in result.forms:
            counts = report.stats.get(form.name, {})
            detail_rows.append([report.unit_code, report.unit_name, form.name,
                                *[counts.get(y) for y in years]])
    _table(detail, "SỐ LIỆU KHEN THƯỞNG THEO ĐƠN VỊ",
           ["Mã đơn vị", "Tên đơn vị", "Hình thức khen thưởng", *years, "Tổng"], detail_rows,
           [12, 30, 48, *[8] * len(years), 10])
    d_first, d_last = get_column_letter(4), get_column_letter(3 + len(years))
    for offset in range(len(detail_rows)):
        row = header_row + 1 + offset
        detail.cell(row, 4 + len(years), f"=SUM({d_first}{row}:{d_last}{row})").border = _BORDER


def _problems(wb: Workbook, result: Consolidation) -> None:
    ws = wb.create_sheet(PROBLEMS_SHEET)
    rows: list[list[Any]] = []
    for outcome in result.files:
        if outcome.outcome in ("rejected", "superseded"):
            label = "Bị loại" if outcome.outcome == "rejected" else "Bị thay thế"
            rows.append([outcome.file, "", "", label, outcome.code or outcome.outcome, outcome.reason])
    for problem in result.problems:
        rows.append([problem.file or "", problem.sheet or "", problem.cell or "",
                     "Lỗi" if problem.severity == "error" else "Cảnh báo", problem.code, problem.message])
    numbered = [[index, *row] for index, row in enumerate(rows, start=1)]
    _table(ws, f"LỖI TRONG CÁC TỆP BÁO CÁO: {len(result.rejected)} tệp bị loại, "
               f"{len(result.problems)} lỗi/cảnh báo trong ô",
           ["STT", "Tệp", "Sheet", "Ô", "Mức độ", "Mã", "Nội dung"], numbered,
           [6, 36, 14, 8, 12, 18, 80])


def build_master(result: Consolidation) -> Workbook:
    """The master workbook, in memory."""
    workbook = Workbook()
    _submissions(workbook, result)
    _progress(workbook, result)
    _totals(workbook, result)
    _problems(workbook, result)
    workbook.properties.title = "Tổng hợp báo cáo thi đua, khen thưởng"
    workbook.properties.creator = "tdkt_xl"
    return workbook


def write_master(result: Consolidation, target: Path) -> Path:
    """Write the master atomically; an existing master is first kept as ``<name>.bak.xlsx``."""
    workbook = build_master(result)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.copy2(target, backup_path(target))
    with atomic_path(target) as temp:
        workbook.save(temp)
    return target
