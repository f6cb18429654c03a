"""The cells of a unit's report workbook as read: the problems a report can have
(:data:`REPORT_PROBLEMS`), the rejection of a whole report (:class:`ReportRejected`), and
finding a sheet, its header row and a cell's value.

Used by :mod:`tdkt_xl.intake.unit_report` and :mod:`tdkt_xl.intake.report_statistics`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from tdkt_xl.errors import Problem, Severity
from tdkt_xl.plans.grids import ExcelError, FormulaWithoutValue
from tdkt_xl.plans.text import clean_lines
from tdkt_xl.reports.layout import META_SHEET, header_key

EXCEL_TEXT_LIMIT = 32_767
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Problems found in report files: code -> (severity, template).
REPORT_PROBLEMS: dict[str, tuple[Severity, str]] = {
    "no-identity": ("warning", "Không có thông tin nhận dạng mẫu (sheet ẩn \"{sheet}\"): tệp có thể không "
                               "được tạo từ mẫu của kế hoạch này; vẫn đọc theo sheet \"Thông tin\"."),
    "unknown-task": ("error", "Mã nhiệm vụ \"{value}\" không có trong kế hoạch (hoặc không giao cho đơn vị "
                              "này); dòng bị bỏ qua."),
    "bad-progress": ("error", "Tình trạng \"{value}\" không hợp lệ; chọn một trong: {choices}."),
    "date-as-text": ("error", "\"{value}\" là chữ, không phải ngày; nhập ngày dạng 15/06/2024 (ô định dạng "
                              "ngày)."),
    "not-a-date": ("error", "\"{value}\" không phải là ngày."),
    "number-as-text": ("error", "Số \"{value}\" được nhập dạng chữ; nhập lại dạng số."),
    "text-in-number": ("error", "Ô số liệu chứa chữ \"{value}\"; chỉ nhập số nguyên không âm."),
    "negative-number": ("error", "Số âm {value}; chỉ nhập số nguyên không âm."),
    "not-whole-number": ("error", "Số {value} không phải số nguyên."),
    "excel-error": ("error", "Ô có lỗi Excel {value}."),
    "total-mismatch": ("warning",
                       "Ô \"Tổng\" ghi {value} nhưng cộng các năm được {expected}; dùng {expected}."),
    "unknown-form": ("warning", "Dòng \"{value}\" không phải hình thức khen thưởng của mẫu; bị bỏ qua."),
    "missing-form": ("warning", "Thiếu dòng \"{value}\"; coi như không có số liệu."),
    "control-characters": ("warning", "Đã bỏ ký tự điều khiển không hợp lệ trong ô."),
    "text-too-long": ("warning", "Nội dung dài quá {limit} ký tự của Excel; đã cắt bớt."),
    "missing-unit-code": ("error", "Ô \"Mã đơn vị\" trống."),
    "duplicate-task": ("error", "Mã nhiệm vụ \"{value}\" đã có ở dòng {first}; dòng này bị bỏ qua."),
    "row-without-task": ("warning", "Dòng có nội dung nhưng không có mã nhiệm vụ; bị bỏ qua."),
    "missing-task": ("warning", "Nhiệm vụ {value} được giao cho đơn vị nhưng không có dòng trong sheet "
                                "\"{sheet}\"; coi như chưa báo cáo."),
    "date-not-done": ("warning", "Có ngày hoàn thành {value} nhưng tình trạng là \"{status}\"; ngày này "
                                 "không được tính."),
    "duplicate-form": ("error", "Dòng \"{value}\" đã có ở dòng {first}; số liệu dòng này không được cộng "
                                "(nếu là số bổ sung, cộng vào dòng {first})."),
    "duplicate-year": ("warning", "Cột năm {value} đã có ở cột {first}; số liệu cột này không được cộng."),
    "unknown-year": ("warning", "Cột năm {value} không thuộc các năm của mẫu ({first}–{last}); số liệu cột "
                                "này không được cộng."),
    "report-date-after-saved": ("warning", "Ngày lập {value} sau ngày tệp được lưu ({saved}): có thể nhập "
                                           "nhầm; dùng ngày lưu tệp."),
    "formula-no-value": ("error", "Ô có công thức {value} nhưng tệp không lưu kết quả của nó (tệp không "
                                  "được lưu bằng Excel): mở tệp bằng Excel, lưu lại rồi gửi. Ô này không "
                                  "được tính."),
    "earlier-plan": ("warning", "Mẫu báo cáo làm từ một phiên bản trước của kế hoạch này (mã {value}); "
                                "vẫn được tổng hợp. Nhiệm vụ giao thêm sau đó không có trong tệp: gửi "
                                "mẫu mới cho đơn vị nếu cần."),
}


class ReportRejected(Exception):
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
        problems.append(report_problem("formula-no-value", file, sheet, row, column, value=value.formula))
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    text = clean_lines(value)
    if _XML_FORBIDDEN.search(text):
        text = _XML_FORBIDDEN.sub("", text)
        problems.append(report_problem("control-characters", file, sheet, row, column))
    if len(text) > EXCEL_TEXT_LIMIT:
        text = text[:EXCEL_TEXT_LIMIT]
        problems.append(report_problem("text-too-long", file, sheet, row, column, limit=EXCEL_TEXT_LIMIT))
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
    return ReportRejected("changed-layout",
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
        problems.append(report_problem("formula-no-value", file, sheet, row, column, value=value.formula))
    elif isinstance(value, ExcelError):
        problems.append(report_problem("excel-error", file, sheet, row, column, value=str(value)))
    else:
        return False
    return True


def typed_in(value: object) -> bool:
    """Whether a unit typed something in the cell (a formula without a stored value counts).

    >>> typed_in(None), typed_in(""), typed_in(0.0), typed_in(FormulaWithoutValue.of("1+1"))
    (False, False, True, True)
    """
    return value not in (None, "") or isinstance(value, FormulaWithoutValue)
