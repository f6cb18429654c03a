"""Problems are data: a stable code, a severity, a position and a Vietnamese message.

Every check adds :class:`Problem` objects to a :class:`ProblemLog`; nothing
stops at the first one unless asked (``fail_fast``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning"]


def column_letter(column: int) -> str:
    """The A1 letters of a 1-based column number (the core does not import openpyxl for this).

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(16384)
    ('A', 'Z', 'AA', 'XFD')
    """
    if column < 1:
        raise ValueError(f"column numbers start at 1: {column}")
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

# code -> (severity, message template). Templates use str.format fields.
CATALOG: dict[str, tuple[Severity, str]] = {
    "file-unreadable": ("error", "Không đọc được tệp: {reason}."),
    "sheet-not-found": (
        "error",
        "Không tìm thấy bảng nhiệm vụ (dòng tiêu đề có các cột {expected}). "
        "Các sheet hiện có: {sheets}.",
    ),
    "header-not-found": (
        "error",
        "Sheet \"{sheet}\" không có dòng tiêu đề bảng. Cần các cột: {expected}; "
        "trong {rows} dòng đầu chỉ thấy: {seen}.",
    ),
    "no-task-table": (
        "warning",
        "Sheet \"{sheet}\" có tên như bảng nhiệm vụ nhưng không có dòng tiêu đề bảng nhiệm vụ "
        "(cần các cột {expected}; trong {rows} dòng đầu chỉ thấy: {seen}): sheet này không được đọc.",
    ),
    "hidden-sheet": ("warning", "Sheet \"{sheet}\" có bảng nhiệm vụ nhưng đang bị ẩn{action}."),
    "duplicate-header": (
        "warning",
        "Cột \"{label}\" trùng vai trò với cột {used} (\"{used_label}\"){why}: dùng cột {used}, "
        "cột này không được đọc.",
    ),
    "second-table": (
        "warning",
        "Dòng tiêu đề của một bảng khác: các dòng từ đây trở xuống không được đọc là nhiệm vụ.",
    ),
    "no-tasks": ("warning", "Sheet \"{sheet}\" có dòng tiêu đề nhưng không có nhiệm vụ nào."),
    "missing-number": (
        "error",
        "Dòng có nội dung và đơn vị/thời hạn nhưng không có số thứ tự; "
        "cần đánh số tiếp theo {expected}.",
    ),
    "number-gap": ("warning", "Thiếu số thứ tự {missing}: sau {previous} là {number}."),
    "duplicate-number": (
        "error",
        "Số thứ tự {number} bị trùng (đã dùng ở ô {first_cell}); mỗi nhiệm vụ cần một số riêng.",
    ),
    "number-out-of-order": (
        "warning",
        "Số thứ tự {number} đứng sau {previous}: thứ tự không tăng dần.",
    ),
    "number-unreadable": (
        "error",
        "Không đọc được số thứ tự \"{value}\"; cần số (1, 2, …), số phụ (6.1) "
        "hoặc số La Mã cho dòng quý (I, II, …).",
    ),
    "section-out-of-order": (
        "error",
        "Dòng \"{section}\" đứng sau \"{previous}\": các quý phải theo thứ tự I, II, III, IV.",
    ),
    "duplicate-section": ("error", "Dòng \"{section}\" xuất hiện lần thứ hai (lần đầu ở ô {first_cell})."),
    "empty-content": ("error", "Nhiệm vụ {number} không có nội dung."),
    "empty-unit": ("error", "Nhiệm vụ {number} chưa có đơn vị thực hiện."),
    "unknown-unit": (
        "warning",
        "Đơn vị \"{unit}\" không có trong danh sách Đơn vị{suggestion}",
    ),
    "no-unit-list": (
        "warning",
        "Không có sheet \"Đơn vị\": tên đơn vị không được đối chiếu với danh sách.",
    ),
    "deadline-unreadable": (
        "error",
        "Không đọc được thời hạn \"{value}\"; viết ví dụ \"Tháng 7\", \"Trước ngày 15/6\", "
        "\"Quý III\", \"30/11/2024\".",
    ),
    "deadline-impossible": ("error", "Thời hạn \"{value}\" có ngày không tồn tại ({detail})."),
    "deadline-empty": ("warning", "Nhiệm vụ {number} chưa ghi thời hạn."),
    "no-deadline": (
        "warning",
        "Nhiệm vụ {number} không có thời hạn: bảng không có cột thời hạn và nhiệm vụ không nằm dưới "
        "dòng quý nào (\"I | Quý I\" …), nên không tính được trạng thái.",
    ),
    "quarter-unreadable": (
        "error",
        "Không đọc được quý \"{value}\"; ghi I, II, III, IV (hoặc 1–4, \"Quý II\").",
    ),
    "conflicting-deadlines": (
        "warning",
        "Ô số thứ tự của nhiệm vụ {number} gộp nhiều dòng có thời hạn khác nhau: \"{first}\" "
        "(ô {first_cell}) và \"{value}\"; chỉ dùng \"{first}\". Hãy tách thành các nhiệm vụ "
        "con ({number}.1, {number}.2) nếu mỗi dòng có hạn riêng.",
    ),
    "deadline-outside-quarter": (
        "warning",
        "Thời hạn \"{value}\" ({due}) nằm ngoài {section} ({start} – {end}).",
    ),
    "deadline-outside-year": (
        "warning",
        "Thời hạn \"{value}\" ({due}) không thuộc năm kế hoạch {year}.",
    ),
    "completion-date-unreadable": (
        "error",
        "Ngày hoàn thành \"{value}\" không phải là ngày; nhập dạng 15/06/2024.",
    ),
    "legacy-encoding": (
        "warning",
        "Chữ gõ bằng bảng mã cũ {encoding} (phông .VnTime/VNI): \"{value}\"; "
        "đọc theo Unicode là \"{reading}\". Hãy chuyển sang Unicode.",
    ),
    "excel-error": ("error", "Ô có lỗi Excel {value}; hãy sửa công thức hoặc nhập lại giá trị."),
    "formula-no-value": (
        "error",
        "Ô có công thức {value} nhưng tệp không lưu kết quả của nó (tệp do một chương trình không "
        "tính công thức tạo ra): mở tệp bằng Excel rồi lưu lại, hoặc nhập giá trị thay cho công thức.",
    ),
    "hidden-row": (
        "warning",
        "Dòng {row} đang bị ẩn nhưng vẫn được tính là nhiệm vụ {number}.",
    ),
    "config-unreadable": (
        "warning",
        "Giá trị \"{value}\" của \"{label}\" trong sheet Cấu hình không hợp lệ; dùng mặc định {default}.",
    ),
}


class Problem(BaseModel):
    """One problem, at one place.

    >>> Problem.make("empty-content", sheet="Phụ lục", row=7, column=2, number="3").cell
    'B7'
    """

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: int | None = None

    @property
    def cell(self) -> str | None:
        if self.row is None:
            return None
        if self.column is None:
            return f"{self.row}:{self.row}"
        return f"{column_letter(self.column)}{self.row}"

    @classmethod
    def make(
        cls,
        code: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: int | None = None,
        file: str | None = None,
        severity: Severity | None = None,
        **fields: Any,
    ) -> Problem:
        default_severity, template = CATALOG[code]
        return cls(
            code=code,
            severity=severity or default_severity,
            message=template.format(sheet=sheet or "", row=row or "", **fields),
            file=file,
            sheet=sheet,
            row=row,
            column=column,
        )

    def where(self) -> str:
        """'Phụ lục!B7' style position, or the file when there is no sheet."""
        parts = [p for p in (self.sheet, self.cell) if p]
        return "!".join(parts) if parts else (self.file or "")

    def as_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }


class FailFast(Exception):
    """Raised by a fail-fast :class:`ProblemLog` at the first error."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class ProblemLog:
    """Collects problems (lazily by default, like pandera); ``fail_fast`` raises on the first error."""

    def __init__(self, *, fail_fast: bool = False) -> None:
        self.problems: list[Problem] = []
        self.fail_fast = fail_fast
        self._seen: set[tuple[str, str | None, str | None, int | None, int | None]] = set()

    def add(self, code: str, **kwargs: Any) -> Problem:
        """Record a problem (once per code and cell) and return it."""
        problem = Problem.make(code, **kwargs)
        key = (problem.message, problem.file, problem.sheet, problem.row, problem.column)
        if key in self._seen:
            return problem
        self._seen.add(key)
        self.problems.append(problem)
        if self.fail_fast and problem.severity == "error":
            raise FailFast(problem)
        return problem

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
