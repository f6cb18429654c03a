"""Write the master tổng hợp workbook: submissions, progress, totals, problems.

Written with openpyxl in write-only (streaming) mode, so time and memory stay
small for thousands of units. Text from unit files is always written as text:
never a formula, never an error value.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from tdkt_xl.consolidate import Consolidation
from tdkt_xl.status import STATUS_COLORS
from tdkt_xl.xlsx import atomic_path, backup_path

SUBMISSIONS_SHEET = "Tình hình nộp báo cáo"
PROGRESS_SHEET = "Tiến độ nhiệm vụ"
PROGRESS_DETAIL_SHEET = "Chi tiết tiến độ"
TOTALS_SHEET = "Số liệu tổng hợp"
TOTALS_DETAIL_SHEET = "Số liệu chi tiết"
PROBLEMS_SHEET = "Lỗi"
HEADER_ROW = 3

WriteOnlySheet = Any  # openpyxl's write-only worksheet (its type stubs lack most attributes)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_STATE_COLORS = {"missing": "FFC7CE", "late": "FFEB9C", "on_time": "C6EFCE", "submitted": "DDEBF7"}


class _Styles:
    """Cell styles made once per sheet and copied onto cells (fast: no style hashing per cell)."""

    def __init__(self, ws: WriteOnlySheet) -> None:
        self.ws = ws
        self._arrays: dict[str, Any] = {}
        self.define("title", font=Font(bold=True, size=12))
        self.define("header", font=Font(bold=True), fill=PatternFill("solid", fgColor="D9E1F2"),
                    border=_BORDER,
                    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        self.define("cell", border=_BORDER, alignment=Alignment(vertical="top", wrap_text=True))
        self.define("date", border=_BORDER, alignment=Alignment(vertical="top"),
                    number_format="dd/mm/yyyy")
        self.define("bold", font=Font(bold=True), border=_BORDER)
        self.define("level", font=Font(bold=True), fill=PatternFill("solid", fgColor="F2F2F2"),
                    border=_BORDER)
        for state, color in _STATE_COLORS.items():
            self.define(state, fill=PatternFill("solid", fgColor=color), border=_BORDER)
        for status, (fill, font) in STATUS_COLORS.items():
            self.define(status.value, fill=PatternFill("solid", fgColor=fill), font=Font(color=font),
                        border=_BORDER)

    def define(self, name: str, **attributes: Any) -> None:
        cell: Any = WriteOnlyCell(self.ws)
        for key, value in attributes.items():
            setattr(cell, key, value)
        self._arrays[name] = cell._style

    def cell(self, value: Any, style: str | None = None) -> Any:
        """A cell; str values stay text, dates get the date format."""
        cell: Any = WriteOnlyCell(self.ws, value)
        if isinstance(value, str):
            cell.data_type = "s"
        if style is None:
            style = "date" if isinstance(value, date) else "cell"
        cell._style = copy.copy(self._arrays[style])
        return cell

    def formula(self, formula: str, style: str = "cell") -> Any:
        cell: Any = WriteOnlyCell(self.ws, formula)
        cell._style = copy.copy(self._arrays[style])
        return cell


def _vn(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _sheet(wb: Workbook, title: str, heading: str, headers: Sequence[object], widths: Sequence[float],
           rows: int) -> tuple[WriteOnlySheet, _Styles]:
    """A sheet with a title line and a header row; data rows are appended by the caller."""
    ws: WriteOnlySheet = wb.create_sheet(title)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{HEADER_ROW + rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    styles = _Styles(ws)
    ws.append([styles.cell(heading, "title")])
    ws.append([])
    ws.append([styles.cell(h, "header") for h in headers])
    return ws, styles


def _append(ws: WriteOnlySheet, styles: _Styles, values: Iterable[Any],
            special: dict[int, str] | None = None) -> None:
    special = special or {}
    ws.append([styles.cell(value, special.get(index)) for index, value in enumerate(values)])


def _submissions(wb: Workbook, result: Consolidation) -> None:
    missing = sum(1 for s in result.submissions if s.state == "missing")
    late = sum(1 for s in result.submissions if s.state == "late")
    deadline = f"; hạn nộp {_vn(result.report_deadline)}" if result.report_deadline else ""
    ws, styles = _sheet(
        wb, SUBMISSIONS_SHEET,
        f"TÌNH HÌNH NỘP BÁO CÁO (đến ngày {_vn(result.as_of)}{deadline}): "
        f"{len(result.submissions) - missing}/{len(result.submissions)} đơn vị đã nộp, "
        f"{missing} chưa nộp, {late} nộp muộn",
        ["STT", "Mã đơn vị", "Tên đơn vị", "Email", "Tình trạng", "Ngày lập", "Tệp", "Số lỗi"],
        [6, 14, 42, 28, 16, 12, 40, 8], len(result.submissions))
    for index, item in enumerate(result.submissions, start=1):
        report = item.report
        _append(ws, styles, [index, item.unit.code, item.unit.name, item.unit.email, item.label,
                             report.submitted_on if report else None, report.file if report else "",
                             len(report.problems) if report else None], {4: item.state})


def _progress(wb: Workbook, result: Consolidation) -> None:
    ws, styles = _sheet(
        wb, PROGRESS_SHEET, f"TIẾN ĐỘ NHIỆM VỤ (đến ngày {_vn(result.as_of)})",
        ["Mã nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn", "Số đơn vị",
         "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Chưa báo cáo", "Trạng thái"],
        [12, 60, 28, 28, 12, 9, 11, 11, 11, 11, 18], len(result.tasks))
    for item in result.tasks:
        task = item.task
        _append(ws, styles, [task.code, task.content, "; ".join(u.label for u in task.lead),
                             "; ".join(u.label for u in task.partners),
                             task.deadline.due or task.deadline_text, len(item.units), item.done,
                             item.ongoing, item.not_started, item.nothing, item.status.value],
                {10: item.status.value})

    names = {s.unit.code: s.unit.name for s in result.submissions}
    files = {r.unit_code: r.file for r in result.reports}
    count = sum(len(item.units) for item in result.tasks)
    detail, styles = _sheet(
        wb, PROGRESS_DETAIL_SHEET, "CHI TIẾT TIẾN ĐỘ THEO ĐƠN VỊ",
        ["Mã nhiệm vụ", "Nội dung", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tình trạng",
         "Ngày hoàn thành", "Kết quả", "Khó khăn, vướng mắc", "Ghi chú", "Tệp"],
        [12, 50, 12, 30, 10, 16, 12, 40, 40, 24, 30], count)
    for item in result.tasks:
        for code in item.units:
            entry = item.entries.get(code)
            role = "Chủ trì" if any(u.code == code for u in item.task.lead) else "Phối hợp"
            _append(detail, styles, [
                item.task.code, item.task.content, code, names.get(code, code), role,
                (entry.status or "") if entry else "Chưa báo cáo",
                entry.completed_on if entry else None, entry.result if entry else "",
                entry.difficulties if entry else "", entry.note if entry else "",
                files.get(code, "") if entry else "",
            ])


def _totals(wb: Workbook, result: Consolidation) -> None:
    years = result.years
    first, last = get_column_letter(2), get_column_letter(1 + len(years))
    levels: list[str] = []
    for form in result.forms:
        if not levels or levels[-1] != form.level:
            levels.append(form.level)
    rows = len(result.forms) + len(levels)
    ws, styles = _sheet(
        wb, TOTALS_SHEET,
        f"SỐ LIỆU KHEN THƯỞNG TỔNG HỢP {years[0]}–{years[-1]} ({len(result.reports)} đơn vị đã nộp)",
        ["Hình thức khen thưởng", *years, "Tổng"], [52, *[8] * len(years), 10], rows)
    row, level = HEADER_ROW, None
    for form in result.forms:
        if form.level != level:
            level = form.level
            row += 1
            ws.append([styles.cell(level, "level"), *[styles.cell(None, "level")] * (len(years) + 1)])
        row += 1
        ws.append([styles.cell(form.name), *[styles.cell(result.totals[form.name][y]) for y in years],
                   styles.formula(f"=SUM({first}{row}:{last}{row})")])
    sum_row = row + 1
    ws.append([styles.cell("Cộng", "bold"),
               *[styles.formula(f"=SUM({get_column_letter(c)}{HEADER_ROW + 1}:{get_column_letter(c)}{row})",
                                "bold") for c in range(2, len(years) + 3)]])
    chart = BarChart()
    chart.title = "Tổng số khen thưởng theo năm"
    chart.y_axis.title = "Số lượt"
    chart.x_axis.title = "Năm"
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(years), min_row=sum_row, max_row=sum_row),
                   from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, max_col=1 + len(years), min_row=HEADER_ROW,
                                   max_row=HEADER_ROW))
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # otherwise recent Excel hides the axes' labels
    chart.y_axis.delete = False
    chart.width, chart.height = 22, 9
    ws.add_chart(chart, f"A{sum_row + 3}")

    # one row per unit, one column per form: that unit's count over all the years
    forms = [f.name for f in result.forms]
    reports = sorted(result.reports, key=lambda r: r.unit_code)
    detail, styles = _sheet(
        wb, TOTALS_DETAIL_SHEET,
        f"SỐ LIỆU KHEN THƯỞNG THEO ĐƠN VỊ (cộng {years[0]}–{years[-1]}; "
        "số từng năm xem trong tệp của đơn vị)",
        ["Mã đơn vị", "Tên đơn vị", *forms, "Tổng"], [12, 30, *[14] * len(forms), 10], len(reports))
    f_first, f_last = get_column_letter(3), get_column_letter(2 + len(forms))
    for offset, report in enumerate(reports, start=1):
        row = HEADER_ROW + offset
        counts = [sum(report.stats.get(name, {}).values()) for name in forms]
        detail.append([styles.cell(report.unit_code), styles.cell(report.unit_name),
                       *[styles.cell(c) for c in counts],
                       styles.formula(f"=SUM({f_first}{row}:{f_last}{row})")])


def _problems(wb: Workbook, result: Consolidation) -> None:
    rows: list[list[Any]] = []
    for outcome in result.files:
        if outcome.outcome in ("rejected", "superseded"):
            label = "Bị loại" if outcome.outcome == "rejected" else "Bị thay thế"
            rows.append([outcome.file, "", "", label, outcome.code or outcome.outcome, outcome.reason])
    for problem in result.problems:
        rows.append([problem.file or "", problem.sheet or "", problem.cell or "",
                     "Lỗi" if problem.severity == "error" else "Cảnh báo", problem.code, problem.message])
    ws, styles = _sheet(
        wb, PROBLEMS_SHEET,
        f"LỖI TRONG CÁC TỆP BÁO CÁO: {len(result.rejected)} tệp bị loại, "
        f"{len(result.problems)} lỗi/cảnh báo trong ô",
        ["STT", "Tệp", "Sheet", "Ô", "Mức độ", "Mã", "Nội dung"], [6, 36, 14, 8, 12, 18, 80], len(rows))
    for index, row in enumerate(rows, start=1):
        _append(ws, styles, [index, *row])


def build_master(result: Consolidation) -> Workbook:
    """The master workbook (write-only: save it once)."""
    workbook = Workbook(write_only=True)
    _submissions(workbook, result)
    _progress(workbook, result)
    _totals(workbook, result)
    _problems(workbook, result)
    workbook.properties.title = "Tổng hợp báo cáo thi đua, khen thưởng"
    workbook.properties.creator = "tdkt_xl"
    return workbook


def write_master(result: Consolidation, target: Path,
                 before_replace: Callable[[], None] | None = None) -> Path:
    """Write the master atomically; an existing master is first kept as ``<name>.bak.xlsx``.

    ``before_replace`` runs after the new master is complete in its temporary file.
    """
    workbook = build_master(result)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.copy2(target, backup_path(target))
    with atomic_path(target) as temp:
        workbook.save(temp)
        if before_replace is not None:
            before_replace()
    return target
