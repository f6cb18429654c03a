"""Tell a workbook given as a plan that is in fact a master (tổng hợp) or a unit report.

Staff open the wrong file: the master the consolidation wrote, or a unit's report, checked as if
it were the plan. Read as a plan it gives dozens of errors; :func:`other_workbook` recognises it
from its sheet names and header rows, so that the reader says what the file is and what to do.

The names and headers are those :mod:`tdkt_xl.consolidation.master` and
:mod:`tdkt_xl.reports.layout` write; the plans may not import either, so the few needed are kept
here (``tests/test_workbook_kind.py`` checks they match).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tdkt_xl.plans.grids import Grid, role_by_name
from tdkt_xl.plans.text import fold_words

OtherKind = Literal["master", "report"]

# The master's sheets (consolidation/master.py) and a header that marks each of them.
MASTER_SHEETS: dict[str, tuple[str, ...]] = {
    "Tình hình nộp báo cáo": ("Mã đơn vị", "Tên đơn vị", "Tình trạng", "Ngày lập", "Tệp", "Số lỗi"),
    "Tiến độ nhiệm vụ": ("Mã nhiệm vụ", "Số đơn vị", "Đã hoàn thành", "Chưa báo cáo", "Trạng thái"),
    "Chi tiết tiến độ": ("Mã nhiệm vụ", "Mã đơn vị", "Vai trò", "Tình trạng", "Ngày hoàn thành", "Tệp"),
    "Số liệu tổng hợp": ("Hình thức khen thưởng", "Tổng"),
    "Số liệu chi tiết": ("Mã đơn vị", "Tên đơn vị", "Tổng"),
    "Lỗi": ("Tệp", "Sheet", "Ô", "Mức độ", "Mã", "Nội dung"),
}
# The unit report's sheets (reports/layout.py): its very hidden identity sheet and the labels or
# header that mark the others.
REPORT_META_SHEET = "_tdkt_xl"
REPORT_META_KEY = "plan_id"
REPORT_SHEETS: dict[str, tuple[str, ...]] = {
    "Thông tin": ("Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo"),
    "Tiến độ": ("Mã nhiệm vụ", "Vai trò", "Hạn", "Tình trạng", "Ngày hoàn thành", "Kết quả"),
    "Số liệu": ("Hình thức khen thưởng", "Tổng"),
}
_SCAN_ROWS = 8  # the headers are in the first rows (row 3 in both)
_PLAN_ROLES = ("phu_luc", "phan_cong", "units", "config")


@dataclass(frozen=True)
class OtherWorkbook:
    """A workbook that is not a plan: what it is, the sheets that say so, and (for a unit report)
    whose it is."""

    kind: OtherKind
    sheets: tuple[str, ...]
    unit: str = ""

    def fields(self) -> dict[str, str]:
        """The ``not-a-plan`` message's fields: what the file is, its sheets, what to do."""
        listed = ", ".join(f'"{name}"' for name in self.sheets)
        if self.kind == "master":
            return {"what": "sổ tổng hợp báo cáo của các đơn vị", "sheets": listed,
                    "todo": "Hãy mở sổ kế hoạch (sổ có bảng nhiệm vụ) để kiểm tra; sổ tổng hợp do "
                            "lệnh tổng hợp tạo ra từ sổ kế hoạch và các báo cáo, và được làm lại mỗi "
                            "lần tổng hợp."}
        whose = f" của đơn vị {self.unit}" if self.unit else " của một đơn vị"
        return {"what": f"báo cáo{whose} theo mẫu gửi các đơn vị", "sheets": listed,
                "todo": "Hãy mở sổ kế hoạch (sổ có bảng nhiệm vụ) để kiểm tra; báo cáo của đơn vị "
                        "được đọc khi tổng hợp (đặt tệp vào thư mục hộp thư rồi chạy tổng hợp)."}


def _keys(labels: Sequence[str]) -> frozenset[str]:
    return frozenset(fold_words(label) for label in labels)


_MASTER_KEYS = {fold_words(name): _keys(header) for name, header in MASTER_SHEETS.items()}
_REPORT_KEYS = {fold_words(name): _keys(header) for name, header in REPORT_SHEETS.items()}


@dataclass(frozen=True)
class _FirstRows:
    """A sheet's folded name, and the labels of its first rows: each row's, and column A's."""

    name: str
    rows: tuple[frozenset[str], ...]
    down: frozenset[str]

    @classmethod
    def of(cls, grid: Grid) -> _FirstRows:
        rows = range(1, min(grid.max_row, _SCAN_ROWS) + 1)
        return cls(fold_words(grid.name),
                   tuple(frozenset(fold_words(grid.text(row, c)) for c in range(1, grid.max_column + 1))
                         for row in rows),
                   frozenset(fold_words(grid.text(row, 1)) for row in rows))

    def has(self, labels: frozenset[str]) -> bool:
        """Whether every label is there, in one row (a header) or down column A (labels)."""
        return labels <= self.down or any(labels <= row for row in self.rows)


def _marked(sheets: Sequence[_FirstRows], names: Sequence[str], keys: dict[str, frozenset[str]]) -> list[str]:
    """The sheets that carry one of ``keys``' headers under its name, or (a long one) under another."""
    marked: list[str] = []
    for sheet, name in zip(sheets, names, strict=True):
        own = keys.get(sheet.name)
        if (own is not None and sheet.has(own)) or any(
                len(labels) > 2 and sheet.has(labels) for labels in keys.values()):
            marked.append(name)
    return marked


def _report_unit(grids: Sequence[Grid]) -> str:
    """The unit a report is of: "Tên đơn vị" (else "Mã đơn vị") on its information sheet."""
    for wanted in ("ten don vi", "ma don vi"):
        for grid in grids:
            for row in range(1, min(grid.max_row, _SCAN_ROWS + 6) + 1):
                if fold_words(grid.text(row, 1)) == wanted and grid.text(row, 2):
                    return grid.text(row, 2)
    return ""


def other_workbook(grids: Sequence[Grid]) -> OtherWorkbook | None:
    """The master or unit report these grids are, or None (a plan, or a workbook of another kind:
    the plan reader says what it misses).

    >>> master = [Grid(n, [[n.upper()], [], list(h)]) for n, h in MASTER_SHEETS.items()]
    >>> other_workbook(master).kind
    'master'
    >>> other_workbook([Grid("Phụ lục", [["STT", "Nội dung", "Đơn vị thực hiện"]]), *master]) is None
    True
    """
    known = {fold_words(name) for name in (*MASTER_SHEETS, *REPORT_SHEETS, REPORT_META_SHEET)}
    if any(role_by_name(g.name) in _PLAN_ROLES and fold_words(g.name) not in known for g in grids):
        return None  # a plan's own sheet is there: read it as a plan
    sheets = [_FirstRows.of(grid) for grid in grids]
    names = [grid.name for grid in grids]
    master = _marked(sheets, names, _MASTER_KEYS)
    if len(master) >= 2:
        return OtherWorkbook("master", tuple(master))
    meta = any(s.name == fold_words(REPORT_META_SHEET) and fold_words(REPORT_META_KEY) in s.down
               for s in sheets)
    report = _marked(sheets, names, _REPORT_KEYS)
    if meta or len(report) >= 2:
        return OtherWorkbook("report", tuple(report) or (REPORT_META_SHEET,), _report_unit(grids))
    return None
