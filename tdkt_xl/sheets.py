"""Sheets as plain grids, and finding sheets and header rows by what they say.

A :class:`Grid` is what an adapter (openpyxl, calamine, xlwings) hands the
core: cell values by row, plus the few layout facts the core needs (merged
ranges, hidden rows, legacy font names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tdkt_xl.text import clean, fold_words

EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)


class ExcelError(str):
    """An error value (#REF!, #N/A …) read from a cell, as opposed to text that looks like one."""

    __slots__ = ()


class FormulaWithoutValue(str):
    """A formula cell the file keeps no computed value for (saved by a program that does not
    calculate, not by Excel): equal to "", so code unaware of it sees an empty cell; ``formula``
    is its text.

    >>> cell = FormulaWithoutValue.of("SUM(B5:K5)"); (cell == "", cell.formula)
    (True, '=SUM(B5:K5)')
    """

    formula: str

    @classmethod
    def of(cls, formula: str) -> FormulaWithoutValue:
        cell = cls("")
        cell.formula = formula if formula.startswith("=") else f"={formula}"
        return cell

    def __reduce__(self) -> tuple[object, ...]:  # pickled to and from reading processes
        return (FormulaWithoutValue.of, (self.formula,))


@dataclass
class Grid:
    """One sheet's cell values. Rows and columns are 1-based in every method.

    >>> g = Grid("Phụ lục", [["STT", "Nội dung"], [1, "Việc A"]])
    >>> g.value(2, 2), g.max_row, g.max_column
    ('Việc A', 2, 2)
    """

    name: str
    rows: list[list[object]]
    hidden_rows: frozenset[int] = frozenset()
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    fonts: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_column(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, column: int) -> object:
        if row < 1 or column < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[column - 1] if column <= len(cells) else None

    def text(self, row: int, column: int) -> str:
        value = self.value(row, column)
        return "" if isinstance(value, ExcelError) else clean(value)

    def row_is_blank(self, row: int, columns: Iterable[int]) -> bool:
        return all(self.value(row, c) in (None, "") or self.text(row, c) == "" for c in columns)

    def fill_merged_down(self, first_row: int = 1) -> set[tuple[int, int]]:
        """Copy each vertically merged range's value down its first column.

        Only ranges that start at ``first_row`` or below are filled. Returns the
        cells that got a value this way. Horizontal extent is left empty, so a
        section label merged across the table stays in one cell.
        """
        filled: set[tuple[int, int]] = set()
        for min_row, min_col, max_row, _max_col in self.merged:
            if max_row == min_row or min_row < first_row:
                continue
            top = self.value(min_row, min_col)
            for row in range(min_row + 1, min(max_row, len(self.rows)) + 1):
                cells = self.rows[row - 1]
                while len(cells) < min_col:
                    cells.append(None)
                if cells[min_col - 1] in (None, ""):
                    cells[min_col - 1] = top
                    filled.add((row, min_col))
        return filled

    def merged_ranges_by_cell(self, last_row: int) -> dict[tuple[int, int], tuple[int, int, int, int]]:
        """Every cell up to ``last_row`` that lies in a merged range, with that range."""
        index: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for merged in self.merged:
            min_row, min_col, max_row, max_col = merged
            for row in range(min_row, min(max_row, last_row) + 1):
                for column in range(min_col, max_col + 1):
                    index[(row, column)] = merged
        return index


# --- header rows -------------------------------------------------------------

HEADER_PATTERNS: dict[str, re.Pattern[str]] = {
    "number": re.compile(r"^(s?tt|so tt|so thu tu|stt so)$"),
    "content": re.compile(
        r"^(noi dung|ten nhiem vu|nhiem vu|cong viec|ten cong viec|noi dung cong viec)\b"
    ),
    "directing": re.compile(r"\bchi dao\b"),
    "lead": re.compile(
        r"^(don vi|co quan|bo phan)( chu tri)? (thuc hien|chu tri)\b|^chu tri\b|^thuc hien$"
        r"|^don vi chu tri\b"
    ),
    "partners": re.compile(r"\bphoi hop\b"),
    "deadline": re.compile(r"^(thoi gian|thoi han|han hoan thanh|han chot|tien do hoan thanh)\b"),
    "completed": re.compile(r"^(ngay hoan thanh|hoan thanh ngay|ngay hoan thanh thuc te)\b"),
    "progress": re.compile(r"^(tinh trang|tien do thuc hien|ket qua thuc hien|ket qua)$"),
    "note": re.compile(r"^ghi chu\b"),
}
# Columns that tdkt_xl itself writes next to a table (status output).
GENERATED_HEADERS = {"quy": "quarter", "han": "due", "con ngay": "days_left",
                     "trang thai": "status"}
REQUIRED_FIELDS = ("content", "lead")
FIELD_LABELS = {
    "number": "STT/TT", "content": "Nội dung", "directing": "Đơn vị chỉ đạo",
    "lead": "Đơn vị thực hiện", "partners": "Đơn vị phối hợp",
    "deadline": "Thời gian hoàn thành", "completed": "Ngày hoàn thành",
    "progress": "Tình trạng", "note": "Ghi chú",
}
HEADER_SCAN_ROWS = 30


@dataclass
class HeaderMatch:
    """Where a task table's header is and which column holds which field."""

    row: int
    columns: dict[str, int]
    generated: dict[str, int]
    data_start: int
    last_column: int


def header_field(label: str) -> str | None:
    """The field a header cell names, or None.

    >>> header_field("Nội dung\\nthực hiện"), header_field("THỜI GIAN HOÀN THÀNH")
    ('content', 'deadline')
    """
    words = fold_words(label)
    if not words:
        return None
    if words in GENERATED_HEADERS:
        return None
    # "Đơn vị chủ trì, phối hợp" style cells name the lead first
    for name, pattern in HEADER_PATTERNS.items():
        if name == "partners" and HEADER_PATTERNS["lead"].search(words):
            continue
        if pattern.search(words):
            return name
    return None


def _row_labels(
    grid: Grid, row: int, merges: dict[tuple[int, int], tuple[int, int, int, int]]
) -> dict[int, tuple[str, bool]]:
    """Each column's header label, and whether it was made with the row below.

    A cell under a label merged across columns takes that label, joined with
    the sub-label below it: "Đơn vị" over "Chủ trì | Phối hợp".
    """
    labels: dict[int, tuple[str, bool]] = {}
    for column in range(1, grid.max_column + 1):
        text = grid.text(row, column)
        merged = merges.get((row, column))
        if merged is not None and merged[0] == row and merged[3] > merged[1]:
            top = grid.text(merged[0], merged[1])
            below = grid.text(row + 1, column)
            if below:
                labels[column] = (f"{top} {below}", True)
                continue
            text = text or top
        if text:
            labels[column] = (text, False)
    return labels


def _is_column_number_row(grid: Grid, row: int, columns: Iterable[int]) -> bool:
    """The "(1) (2) (3)" row staff put under a header."""
    texts = [grid.text(row, c) for c in columns]
    filled = [t for t in texts if t]
    if len(filled) < 2:
        return False
    return all(re.fullmatch(r"\(?\d{1,2}\)?|\(?[a-zA-Z]\)?", t) for t in filled)


def find_header(grid: Grid, scan_rows: int = HEADER_SCAN_ROWS) -> HeaderMatch | None:
    """Find the task table's header row by its column names.

    >>> g = Grid("PL", [["KẾ HOẠCH 2024"], ["TT", "Nội dung", "Đơn vị thực hiện"], [1, "Việc", "Sở"]])
    >>> m = find_header(g); (m.row, m.columns["lead"], m.data_start)
    (2, 3, 3)
    """
    best: HeaderMatch | None = None
    merges = grid.merged_ranges_by_cell(scan_rows + 1)
    for row in range(1, min(grid.max_row, scan_rows) + 1):
        columns: dict[str, int] = {}
        generated: dict[str, int] = {}
        uses_next_row = False
        for column, (label, two_rows) in _row_labels(grid, row, merges).items():
            words = fold_words(label)
            if words in GENERATED_HEADERS:
                generated.setdefault(GENERATED_HEADERS[words], column)
                continue
            name = header_field(label)
            if name and name not in columns:
                columns[name] = column
                uses_next_row = uses_next_row or two_rows
        if not all(f in columns for f in REQUIRED_FIELDS):
            continue
        if best is None or len(columns) > len(best.columns):
            data_start = row + (2 if uses_next_row else 1)
            used = [*columns.values(), *generated.values()]
            if _is_column_number_row(grid, data_start, used):
                data_start += 1
            best = HeaderMatch(row, columns, generated, data_start, max(used))
    return best


def seen_labels(grid: Grid, scan_rows: int = HEADER_SCAN_ROWS) -> list[str]:
    """Short texts near the top of a sheet, to say what a header search did see."""
    seen: list[str] = []
    for row in range(1, min(grid.max_row, scan_rows) + 1):
        for column in range(1, grid.max_column + 1):
            text = grid.text(row, column)
            if text and len(text) <= 40 and text not in seen:
                seen.append(text)
    return seen[:12]


# --- sheets by name ----------------------------------------------------------

SheetRole = str  # "phu_luc" | "phan_cong" | "units" | "config" | "forms" | "output" | "other"

_NAME_ROLES: list[tuple[re.Pattern[str], SheetRole]] = [
    (re.compile(r"\bket qua kiem tra\b|\bhuong dan\b"), "output"),
    (re.compile(r"\bhinh thuc khen thuong\b"), "forms"),
    (re.compile(r"\bphu luc\b|^pl ?\d*$"), "phu_luc"),
    (re.compile(r"\bphan cong\b|\bnhiem vu\b"), "phan_cong"),
    (re.compile(r"^(danh sach )?(don vi|dv)\b|\bdanh muc don vi\b"), "units"),
    (re.compile(r"\bcau hinh\b|\bthiet lap\b|^config"), "config"),
]


def role_by_name(name: str) -> SheetRole:
    """What a sheet is for, from its name alone.

    >>> role_by_name("PHU LUC"), role_by_name("phụ lục 1"), role_by_name("Đơn vị")
    ('phu_luc', 'phu_luc', 'units')
    """
    words = fold_words(name)
    for pattern, role in _NAME_ROLES:
        if pattern.search(words):
            return role
    return "other"


def available(names: Sequence[str]) -> str:
    """'"A", "B"' for messages that list what exists."""
    return ", ".join(f'"{n}"' for n in names) or "(không có sheet nào)"
