"""Write the master tổng hợp workbook: submissions, progress, totals, problems.

Written with openpyxl in write-only (streaming) mode; the rows of the long sheets
(one per unit, or per task and unit) are written as XML text with the style ids
openpyxl gave the same styles, then put into the saved workbook: ten thousand
units make close to a million cells, which openpyxl's cell objects write in
seconds per hundred thousand. Text from unit files is always written as text
(an inline string): never a formula, never an error value.
"""

from __future__ import annotations

import copy
import errno
import math
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from tdkt_xl.consolidate import Consolidation
from tdkt_xl.safety import sheet_parts
from tdkt_xl.status import STATUS_COLORS
from tdkt_xl.xlsx import atomic_path, backup_path

SUBMISSIONS_SHEET = "Tình hình nộp báo cáo"
PROGRESS_SHEET = "Tiến độ nhiệm vụ"
PROGRESS_DETAIL_SHEET = "Chi tiết tiến độ"
TOTALS_SHEET = "Số liệu tổng hợp"
TOTALS_DETAIL_SHEET = "Số liệu chi tiết"
PROBLEMS_SHEET = "Lỗi"
HEADER_ROW = 3
PAGE_WIDTH = 300

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


class Formula(str):
    """A formula for a raw row (without the leading "=")."""


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                              **{chr(c): None for c in range(32) if chr(c) not in "\t\n\r"},
                              "\ufffe": None, "\uffff": None})
_EPOCH = date(1899, 12, 30)


class _RawRows:
    """The data rows of one long sheet, as XML, with the style ids of a sheet's :class:`_Styles`.

    >>> wb = Workbook(write_only=True); ws, styles = _sheet(wb, "T", "Tiêu đề", ["A", "B"], [8, 8], 1)
    >>> raw = _RawRows(wb, ws, styles); raw.append(["a<b", 3, 4]); print(raw.chunks[0].decode()[11:])
    <c s="3" t="inlineStr"><is><t>a&lt;b</t></is></c><c s="3"><v>3</v></c><c s="3"><v>4</v></c></row>
    >>> ws.close()
    """

    def __init__(self, wb: Workbook, ws: WriteOnlySheet, styles: _Styles) -> None:
        self.title: str = ws.title
        # the ids openpyxl's own cells get (StyleableObject.style_id): it writes every registered style
        cell_styles: Any = wb._cell_styles  # type: ignore[attr-defined]
        self.ids = {name: str(cell_styles.add(array)) for name, array in styles._arrays.items()}
        self.row = HEADER_ROW
        self.chunks: list[bytes] = []
        self.escaped: dict[str, str] = {}

    def append(self, values: Sequence[Any], special: dict[int, str] | None = None) -> None:
        # Cells carry no "r": a cell without one is the next column (ECMA-376 18.3.1.4; Excel,
        # LibreOffice, openpyxl and calamine read it so), which makes the XML about 40% smaller.
        # Numbers carry no t="n", the default type.
        self.row += 1
        ids = self.ids
        plain, escaped = ids["cell"], self.escaped
        number = f'<c s="{plain}"><v>'
        cells = [f'<row r="{self.row}">']
        index, count = 0, len(values)
        while index < count:
            value = values[index]
            kind = type(value)
            if (kind is int or kind is float) and not (special and index in special):
                end = index + 1  # a run of plain numbers (a unit's counts): one join
                while end < count and type(values[end]) in (int, float) and not (special and end in special):
                    end += 1
                cells.append(number + f"</v></c>{number}".join(map(str, values[index:end])) + "</v></c>")
                index = end
                continue
            style = ids[special[index]] if special and index in special else plain
            if value is None:
                cells.append(f'<c s="{style}"/>')
            elif kind is int or kind is float:
                cells.append(f'<c s="{style}"><v>{value}</v></c>')
            elif isinstance(value, Formula):
                cells.append(f'<c s="{style}"><f>{value.translate(_XML_ESCAPES)}</f><v/></c>')
            elif isinstance(value, str):
                text = escaped.get(value)
                if text is None:
                    text = value.translate(_XML_ESCAPES)
                    if len(escaped) < 4096:  # texts repeat (a task's content on each unit's row)
                        escaped[value] = text
                if not text:
                    cells.append(f'<c s="{style}"/>')
                else:
                    space = ' xml:space="preserve"' if text != text.strip() else ""
                    cells.append(f'<c s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif isinstance(value, bool):
                cells.append(f'<c s="{style}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                cells.append(f'<c s="{style}"><v>{value}</v></c>')
            elif isinstance(value, date):
                day = value.date() if isinstance(value, datetime) else value
                style = ids[special[index]] if special and index in special else ids["date"]
                cells.append(f'<c s="{style}"><v>{(day - _EPOCH).days}</v></c>')
            else:
                text = str(value).translate(_XML_ESCAPES)
                cells.append(f'<c s="{style}" t="inlineStr"><is><t>{text}</t></is></c>')
            index += 1
        cells.append("</row>")
        self.chunks.append("".join(cells).encode("utf-8"))


def _splice(saved: Path, target: Path, raw: Sequence[_RawRows]) -> None:
    """Copy the workbook openpyxl saved into ``target``, with each long sheet's rows put in."""
    with zipfile.ZipFile(saved) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        titles = {r.title: r for r in raw}
        by_part = {part: titles[name] for part, name in sheet_parts(source).items() if name in titles}
        if len(by_part) != len(titles):
            found = {rows.title for rows in by_part.values()}
            raise ValueError(f"sheets not found in the saved workbook: {sorted(set(titles) - found)}")
        for info in source.infolist():
            data = source.read(info.filename)
            rows = by_part.get(info.filename)
            if rows is None:
                out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, marker, tail = data.partition(b"</sheetData>")
            if not marker:
                raise ValueError(f"{info.filename}: no </sheetData>")
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member._compresslevel = 1  # type: ignore[attr-defined]  # fast: these parts are big
            with out.open(member, "w") as stream:
                stream.write(head)
                for start in range(0, len(rows.chunks), 2000):
                    stream.write(b"".join(rows.chunks[start:start + 2000]))
                stream.write(marker + tail)


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
    # a landscape A4 page holds about PAGE_WIDTH character widths still readable; a wider sheet
    # (one column per form) is printed across pages, its first two columns repeated on each
    pages = max(1, math.ceil(sum(widths) / PAGE_WIDTH))
    ws.page_setup.fitToWidth = pages
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if pages > 1:
        ws.print_title_cols = "A:B"
    styles = _Styles(ws)
    ws.append([styles.cell(heading, "title")])
    ws.append([])
    ws.append([styles.cell(h, "header") for h in headers])
    return ws, styles


def _append(ws: WriteOnlySheet, styles: _Styles, values: Iterable[Any],
            special: dict[int, str] | None = None) -> None:
    special = special or {}
    ws.append([styles.cell(value, special.get(index)) for index, value in enumerate(values)])


def _submissions(wb: Workbook, result: Consolidation) -> _RawRows:
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
    raw = _RawRows(wb, ws, styles)
    for index, item in enumerate(result.submissions, start=1):
        report = item.report
        raw.append([index, item.unit.code, item.unit.name, item.unit.email, item.label,
                    report.submitted_on if report else None, report.file if report else "",
                    len(report.problems) if report else None], {4: item.state})
    return raw


def _progress(wb: Workbook, result: Consolidation) -> _RawRows:
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
    raw = _RawRows(wb, detail, styles)
    for item in result.tasks:
        leads = {u.code for u in item.task.lead}
        for code in item.units:
            entry = item.entries.get(code)
            raw.append([
                item.task.code, item.task.content, code, names.get(code, code),
                "Chủ trì" if code in leads else "Phối hợp",
                (entry.status or "") if entry else "Chưa báo cáo",
                entry.completed_on if entry else None, entry.result if entry else "",
                entry.difficulties if entry else "", entry.note if entry else "",
                files.get(code, "") if entry else "",
            ])
    return raw


def _totals(wb: Workbook, result: Consolidation) -> _RawRows:
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
    raw = _RawRows(wb, detail, styles)
    for offset, report in enumerate(reports, start=1):
        row = HEADER_ROW + offset
        counts = report.form_total_list(forms)
        raw.append([report.unit_code, report.unit_name, *counts,
                    Formula(f"SUM({f_first}{row}:{f_last}{row})")])
    return raw


def _problems(wb: Workbook, result: Consolidation) -> _RawRows:
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
    raw = _RawRows(wb, ws, styles)
    for index, row in enumerate(rows, start=1):
        raw.append([index, *row])
    return raw


def build_master(result: Consolidation) -> tuple[Workbook, list[_RawRows]]:
    """The master workbook (write-only: save it once) and the rows of its long sheets,
    put in by :func:`save_master`."""
    workbook = Workbook(write_only=True)
    raw = [_submissions(workbook, result), _progress(workbook, result), _totals(workbook, result),
           _problems(workbook, result)]
    workbook.properties.title = "Tổng hợp báo cáo thi đua, khen thưởng"
    workbook.properties.creator = "tdkt_xl"
    return workbook, raw


def save_master(workbook: Workbook, raw: Sequence[_RawRows], path: Path) -> None:
    """Save what :func:`build_master` made to ``path`` (not atomically: see :func:`write_master`)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.openpyxl.", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(name)
        _splice(Path(name), path, raw)
    finally:
        Path(name).unlink(missing_ok=True)


def write_master(result: Consolidation, target: Path,
                 before_replace: Callable[[], None] | None = None) -> Path:
    """Write the master atomically; an existing master is first kept as ``<name>.bak.xlsx``.

    ``before_replace`` runs after the new master is complete in its temporary file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():  # said before anything is built (a half-built workbook would warn at exit)
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if target.exists():
        shutil.copy2(target, backup_path(target))
    workbook, raw = build_master(result)
    with atomic_path(target) as temp:
        save_master(workbook, raw, temp)
        if before_replace is not None:
            before_replace()
    return target
