"""Sheets as plain grids, and finding sheets and header rows by what they say.

A :class:`Grid` is what an adapter (openpyxl, calamine, xlwings) hands the
core: cell values by row, plus the few layout facts the core needs (merged
ranges, hidden rows, legacy font names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from tdkt_xl.plans.text import clean, fold_words

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


def put_values(rows: list[list[object]], cells: Iterable[tuple[int, int, object]], *,
               over_values: bool) -> None:
    """Put values at 1-based (row, column) places of a sheet's rows, growing them as needed;
    ``over_values``: also where the reader found a value (else only where it found none).

    >>> rows: list[list[object]] = [[1]]; put_values(rows, [(1, 1, 9), (2, 3, "x")], over_values=False)
    >>> rows
    [[1], [None, None, 'x']]
    """
    for row, column, value in cells:
        while len(rows) < row:
            rows.append([])
        values = rows[row - 1]
        while len(values) < column:
            values.append(None)
        if over_values or values[column - 1] is None:
            values[column - 1] = value


def formulas_as_cells(cells: Iterable[tuple[int, int, str]]) -> Iterator[tuple[int, int, object]]:
    """(row, column, formula) found without a stored value, as the cells :func:`put_values` puts."""
    return ((row, column, FormulaWithoutValue.of(formula)) for row, column, formula in cells)


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
    hidden_columns: frozenset[int] = frozenset()
    state: str = "visible"  # or "hidden", "veryHidden": the sheet tab is not shown
    bold: frozenset[tuple[int, int]] = frozenset()  # cells with text in a bold font, when the adapter says
    # the number format of each date cell shown as a month, quarter or year ("Tháng "m/yyyy), not
    # a day (:func:`tdkt_xl.plans.deadline_cells.keeps_format`); the other cells are not listed
    formats: dict[tuple[int, int], str] = field(default_factory=dict)

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
            shown = self.formats.get((min_row, min_col))
            for row in range(min_row + 1, min(max_row, len(self.rows)) + 1):
                cells = self.rows[row - 1]
                while len(cells) < min_col:
                    cells.append(None)
                if cells[min_col - 1] in (None, ""):
                    cells[min_col - 1] = top
                    filled.add((row, min_col))
                    if shown is not None:  # a date shown as a month is that month on every row
                        self.formats[(row, min_col)] = shown
        return filled

    def merged_across(self, row: int, column: int) -> bool:
        """Whether the cell starts a range merged over several columns of its row."""
        return any(r1 == row and c1 == column and c2 > c1 for r1, c1, _r2, c2 in self.merged)

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

# Each role a header cell can name, tried in this order (the first match wins): durations
# before deadlines ("Thời gian thực hiện (ngày)"), products before anything with "kết quả".
HEADER_PATTERNS: dict[str, re.Pattern[str]] = {
    "number": re.compile(r"^(s?tt|so tt|so thu tu|stt so)$"),
    "code": re.compile(r"^ma(?: so)?(?: nhiem vu| cong viec| nv| nhom)?$"),
    "duration": re.compile(
        r"^so ngay\b|^thoi luong\b"
        r"|^(?:thoi gian|thoi han)(?: thuc hien| du kien)? (?:so )?ngay(?: lam viec)?$"
    ),
    "content": re.compile(
        r"^(?:ten )?(?:nhom )?(?:noi dung|nhiem vu|cong viec|hoat dong|de an)\b"
        r"|^(?:ten|danh muc) (?:cong viec|hoat dong|nhiem vu|de an)\b"
    ),
    "directing": re.compile(r"\bchi dao\b"),
    "lead": re.compile(
        r"^(?:(?:don vi|co quan|bo phan|ca nhan|to chuc) )+(?:chu tri )?(?:thuc hien|chu tri)\b"
        r"|^chu tri\b|^thuc hien$"
    ),
    "partners": re.compile(r"\bphoi hop\b"),
    "start": re.compile(r"^(ngay bat dau|thoi gian bat dau|bat dau|tu ngay)\b"),
    "deadline": re.compile(
        r"^(thoi gian|thoi han|han|han hoan thanh|han chot|tien do hoan thanh|moc thoi gian)\b"
        r"|^tien do$|^thoi diem hoan thanh\b"
    ),
    "quarter": re.compile(r"^(quy|quy thuc hien|quy hoan thanh)$"),
    "completed": re.compile(r"^(ngay hoan thanh|hoan thanh ngay|ngay hoan thanh thuc te)\b"),
    "progress": re.compile(r"^(tinh trang|trang thai|tien do thuc hien|tinh hinh thuc hien)$"),
    "product": re.compile(r"^(?:san pham|ket qua (?:du kien|dau ra|san pham|can dat))\b"),
    "note": re.compile(r"^ghi chu\b"),
}
_LABEL_MAX = 80  # longer text is a paragraph or a task, not a header label
# The columns tdkt_xl itself writes after a table (the status copy), in this order, side by side.
GENERATED_HEADERS = {"quy": "quarter", "han": "due", "con ngay": "days_left",
                     "trang thai": "status"}
_GENERATED_RUN = tuple(GENERATED_HEADERS)
# Sub-labels under a merged "Thời gian …" that name the end of the period: the deadline.
_END_LABELS = frozenset({"hoan thanh", "ket thuc", "den", "den ngay", "han"})
REQUIRED_FIELDS = ("content", "lead")
# A header needs the content (named, or the column of the longest free text) and an anchor: an
# implementing unit column, or a number column with one more task role (a deadline, a duration, a
# partner, a product …). "STT | Nội dung | Ghi chú" is a list of another kind, and two role labels
# alone ("Ghi chú | Thời gian") make no table.
ANCHOR_FIELDS = ("number", "lead")
FIELD_LABELS = {
    "number": "STT/TT", "number2": "STT chi tiết", "code": "Mã", "content": "Nội dung",
    "directing": "Đơn vị chỉ đạo", "duration": "Số ngày", "product": "Sản phẩm",
    "lead": "Đơn vị thực hiện", "partners": "Đơn vị phối hợp", "start": "Bắt đầu",
    "deadline": "Thời gian hoàn thành", "quarter": "Quý", "completed": "Ngày hoàn thành",
    "progress": "Tình trạng", "note": "Ghi chú",
}
HEADER_SCAN_ROWS = 200  # plan text may stand above the table: a header on row 44 is found
_HEADER_WINDOW = 10  # a better header row is looked for this many rows below the first one


@dataclass
class HeaderMatch:
    """Where a task table's header is and which column holds which field.

    ``duplicates`` are (field, column used, column left out) when two columns name one field;
    ``labels`` the header text of each column (Unicode, legacy encodings read).
    """

    row: int
    columns: dict[str, int]
    generated: dict[str, int]
    data_start: int
    last_column: int
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)


def header_field(label: str) -> str | None:
    """The field a header cell names, or None.

    >>> header_field("Nội dung\\nthực hiện"), header_field("THỜI GIAN HOÀN THÀNH"), header_field("Quý")
    ('content', 'deadline', 'quarter')
    >>> header_field("Cơ quan, đơn vị chủ trì"), header_field("Kết quả/sản phẩm"), header_field("Kết quả")
    ('lead', 'product', None)
    >>> header_field("Thời gian thực hiện (ngày)"), header_field("Tên nhóm nhiệm vụ/nhiệm vụ")
    ('duration', 'content')
    """
    words = fold_words(label)
    if not words or len(words) > _LABEL_MAX:
        return None
    # "Đơn vị chủ trì, phối hợp" style cells name the lead first
    for name, pattern in HEADER_PATTERNS.items():
        if name == "partners" and HEADER_PATTERNS["lead"].search(words):
            continue
        if pattern.search(words):
            return name
    return None


def _two_row_field(top: str, below: str) -> str | None:
    """The field of a column under a label merged across columns: "Đơn vị thực hiện" over
    "Chủ trì | Phối hợp", "Thời gian thực hiện" over "Bắt đầu | Hoàn thành".

    >>> _two_row_field("Đơn vị thực hiện", "Phối hợp"), _two_row_field("Thời gian", "Hoàn thành")
    ('partners', 'deadline')
    >>> _two_row_field("Stt", "TT"), _two_row_field("Stt", "Chi tiết")
    ('number', 'number2')
    """
    own = header_field(below)
    if header_field(top) == "number" and own != "number":
        return "number2"  # "Stt" over "TT | Chi tiết": the second numbering column (groups, a), b) …)
    if own is not None:
        return own
    if header_field(top) == "deadline" and fold_words(below) in _END_LABELS:
        return "deadline"
    return header_field(f"{top} {below}")


def header_text(grid: Grid, row: int, column: int) -> str:
    """A header cell's text, TCVN3/VNI text read as Unicode ("Néi dung" is "Nội dung")."""
    text = grid.text(row, column)
    if text and not text.isascii():
        from tdkt_xl.plans.legacy_encodings import detect_legacy

        value = grid.value(row, column)
        reading = detect_legacy(str(value).strip(), grid.fonts.get((row, column)))
        if reading is not None:
            return clean(reading.unicode_text)
    return text


def _row_labels(
    grid: Grid, row: int, merges: dict[tuple[int, int], tuple[int, int, int, int]], width: int | None = None
) -> dict[int, tuple[str, str]]:
    """Each column's header label, and the sub-label below it when the label is merged across
    columns ("Đơn vị" over "Chủ trì | Phối hợp"); "" when there is none. ``width``: the grid's
    ``max_column`` when the caller has it (it walks every row)."""
    labels: dict[int, tuple[str, str]] = {}
    for column in range(1, (grid.max_column if width is None else width) + 1):
        text = header_text(grid, row, column)
        merged = merges.get((row, column))
        if merged is not None and merged[0] == row and merged[3] > merged[1]:
            top = header_text(grid, merged[0], merged[1])
            below = header_text(grid, row + 1, column)
            if below:
                labels[column] = (top, below)
                continue
            text = text or top
        if text:
            labels[column] = (text, "")
    return labels


def is_column_number_row(grid: Grid, row: int, columns: Iterable[int]) -> bool:
    """The "(1) (2) (3)" row staff put under a header."""
    texts = [grid.text(row, c) for c in columns]
    filled = [t for t in texts if t]
    if len(filled) < 2:
        return False
    return all(re.fullmatch(r"\(?\d{1,2}\)?|\(?[a-zA-Z]\)?", t) for t in filled)


def generated_run(labels: dict[int, str]) -> dict[str, int]:
    """The columns the status copy wrote: "Quý", "Hạn", "Còn (ngày)", "Trạng thái" side by side
    and in this order. A lone "Quý" or "Hạn" is the staff's own column.

    >>> generated_run({5: "Quý", 7: "Quý", 8: "Hạn", 9: "Còn (ngày)", 10: "Trạng thái"})
    {'quarter': 7, 'due': 8, 'days_left': 9, 'status': 10}
    >>> generated_run({5: "Quý", 6: "Hạn"})
    {}
    """
    words = {column: fold_words(label) for column, label in labels.items()}
    for column in sorted(words):
        if all(words.get(column + i) == name for i, name in enumerate(_GENERATED_RUN)):
            return {GENERATED_HEADERS[name]: column + i for i, name in enumerate(_GENERATED_RUN)}
    return {}


@dataclass
class _RowRoles:
    """What one candidate header row names: each column's label, the roles found (a role may be
    named by several columns), the status copy's own columns, the columns labelled on two rows."""

    row: int
    labels: dict[int, tuple[str, str]]
    found: dict[str, list[int]]
    generated: dict[str, int]
    two_row: set[int]


def _row_roles(grid: Grid, row: int, merges: dict[tuple[int, int], tuple[int, int, int, int]],
               width: int | None = None) -> _RowRoles:
    labels = _row_labels(grid, row, merges, width)
    generated = generated_run({c: top for c, (top, below) in labels.items() if not below})
    found: dict[str, list[int]] = {}
    two_row: set[int] = set()
    for column, (top, below) in labels.items():
        if column in generated.values():
            continue
        name = _two_row_field(top, below) if below else header_field(top)
        if name:
            found.setdefault(name, []).append(column)
            if below:
                two_row.add(column)
    return _RowRoles(row, labels, found, generated, two_row)


# Roles that make a numbered table a task table when no implementing unit column is named.
_TASK_ROLES = frozenset({"deadline", "start", "duration", "partners", "directing", "product",
                         "progress", "completed", "quarter", "number2", "code"})


def missing_roles(found: Iterable[str]) -> list[str]:
    """What a row lacks to be a task table's header (see :data:`ANCHOR_FIELDS`): "content" and/or
    "anchor" (a number column with one more task role, or an implementing unit column).

    >>> missing_roles(["number", "content", "deadline"]), missing_roles(["number", "content"])
    ([], ['anchor'])
    >>> missing_roles(["lead"])
    ['content']
    """
    roles = set(found)
    missing = [] if "content" in roles else ["content"]
    number, lead = ANCHOR_FIELDS
    if lead not in roles and not (number in roles and roles & _TASK_ROLES):
        missing.append("anchor")
    return missing


def _choose_columns(grid: Grid,
                    found: dict[str, list[int]]) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    columns: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    for name, candidates in found.items():
        visible = [c for c in candidates if c not in grid.hidden_columns]
        chosen = (visible or candidates)[0]
        columns[name] = chosen
        duplicates.extend((name, chosen, c) for c in candidates if c != chosen)
    return columns, duplicates


_NOT_FREE_TEXT = re.compile(r"[\d\s.,;:/()\-–]*")
_CONTENT_SAMPLE = 40  # data rows looked at to find the content column by its text


def infer_content(grid: Grid, data_start: int, columns: dict[str, int]) -> int | None:
    """The content column when no label names it: of the columns between the number column and
    the first unit column, the one whose cells hold the longest free text (at least 8 letters on
    average, in at least half of its filled cells).

    >>> g = Grid("PL", [["TT", "", "Chủ trì"], [1, "Xây dựng kế hoạch năm", "Sở Y tế"]])
    >>> infer_content(g, 2, {"number": 1, "lead": 3})
    2
    """
    left = max((columns[r] for r in ("number", "number2", "code") if r in columns), default=0)
    units = [columns[r] for r in ("directing", "lead", "partners") if columns.get(r, 0) > left]
    right = min(units, default=0)
    used = set(columns.values())
    best, best_length = None, 8.0
    last = min(grid.max_row, data_start + _CONTENT_SAMPLE)
    for column in range(left + 1, right):
        if column in used:
            continue
        texts = [grid.text(row, column) for row in range(data_start, last + 1)]
        filled = [t for t in texts if t]
        free = [t for t in filled if not _NOT_FREE_TEXT.fullmatch(t)]
        if not free or len(free) * 2 < len(filled):
            continue
        length = sum(map(len, free)) / len(free)
        if length > best_length:
            best, best_length = column, length
    return best


DURATION_CELL = re.compile(r"(\d{1,4})(?: ngay(?: lam viec)?)?")  # on folded words: "30 ngay"


def is_duration(value: object) -> bool:
    """A cell that holds a number of days: 30, "30 ngày", "15 ngày làm việc".

    >>> [is_duration(v) for v in (30, "30 ngày", "15 ngày làm việc", "30/6", 2026, "100 ngày kể từ …")]
    [True, True, True, False, False, False]
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer() and 0 < value < 1000
    return isinstance(value, str) and bool(DURATION_CELL.fullmatch(fold_words(value)))


def _durations_not_deadlines(grid: Grid, data_start: int, columns: dict[str, int]) -> None:
    """A "Thời gian thực hiện" column whose cells are numbers of days is a duration column."""
    column = columns.get("deadline")
    if column is None or "duration" in columns:
        return
    last = min(grid.max_row, data_start + _CONTENT_SAMPLE)
    values = [grid.value(row, column) for row in range(data_start, last + 1)]
    filled = [v for v in values if v not in (None, "") and not isinstance(v, ExcelError)]
    if len(filled) >= 2 and sum(map(is_duration, filled)) * 3 >= len(filled) * 2:
        columns["duration"] = columns.pop("deadline")


def _match_row(grid: Grid, row: int, merges: dict[tuple[int, int], tuple[int, int, int, int]],
               width: int | None = None) -> HeaderMatch | None:
    """The header a row would be, if it names the roles a task table needs."""
    roles = _row_roles(grid, row, merges, width)
    if not roles.found or "anchor" in missing_roles(roles.found):
        return None
    columns, duplicates = _choose_columns(grid, roles.found)
    data_start = row + (2 if roles.two_row & set(columns.values()) else 1)
    used = [*columns.values(), *roles.generated.values()]
    if is_column_number_row(grid, data_start, used):
        data_start += 1
    if "content" not in columns and "number" in columns and ("lead" in columns or "partners" in columns):
        content = infer_content(grid, data_start, columns)
        if content is not None:
            columns["content"] = content
    if "content" not in columns:
        return None
    _durations_not_deadlines(grid, data_start, columns)
    used = [*columns.values(), *roles.generated.values()]
    texts = {c: f"{top} {below}".strip() for c, (top, below) in roles.labels.items()}
    return HeaderMatch(row, columns, roles.generated, data_start, max(used), sorted(duplicates), texts)


_ROLE_WORDS = {"content": "cột nội dung (\"Nội dung\", \"Nhiệm vụ\", \"Công việc\" …)",
               "anchor": "cột số thứ tự (\"STT\") hoặc cột đơn vị thực hiện (\"Chủ trì\" …)",
               "numbered": "cột đơn vị thực hiện (\"Chủ trì\" …), hoặc bên cạnh cột STT một cột thời hạn, "
                           "phối hợp hay sản phẩm"}


def header_candidates(grid: Grid, scan_rows: int = HEADER_SCAN_ROWS, limit: int = 3) -> list[str]:
    """The rows that look like a header but are not one, each with its role labels and what it
    lacks, for the message of a sheet without a task table (Vietnamese).

    >>> header_candidates(Grid("PL", [["STT", "Mã nhiệm vụ", "Đơn vị chủ trì"]]))[0][:66]
    'dòng 1 ("STT", "Mã nhiệm vụ", "Đơn vị chủ trì") thiếu cột nội dung'
    """
    merges = grid.merged_ranges_by_cell(scan_rows + 1)
    scored: list[tuple[int, int, str]] = []
    width = grid.max_column
    for row in range(1, min(grid.max_row, scan_rows) + 1):
        roles = _row_roles(grid, row, merges, width)
        missing = missing_roles(roles.found)
        if len(roles.found) < 2 or not missing:
            continue
        cells = sorted(c for columns in roles.found.values() for c in columns)
        named = ", ".join(f'"{" ".join(filter(None, roles.labels[c]))}"' for c in cells)
        if "number" in roles.found:
            missing = ["numbered" if m == "anchor" else m for m in missing]
        lacks = " và ".join(_ROLE_WORDS[m] for m in missing)
        scored.append((-len(roles.found), row, f"dòng {row} ({named}) thiếu {lacks}"))
    return [text for _, _, text in sorted(scored)[:limit]]


def find_header(grid: Grid, scan_rows: int = HEADER_SCAN_ROWS) -> HeaderMatch | None:
    """Find the task table's header row by the roles its cells name (see :func:`header_field`):
    the first row that names the content and an anchor (:data:`ANCHOR_FIELDS`, :func:`missing_roles`),
    or a row naming more roles a few rows below it. When no label names the content, the column of
    the longest free text between the number column and the unit columns is the content
    (:func:`infer_content`); a deadline column holding numbers of days is a duration column.

    >>> g = Grid("PL", [["KẾ HOẠCH 2024"], ["TT", "Nội dung", "Đơn vị thực hiện"], [1, "Việc", "Sở"]])
    >>> m = find_header(g); (m.row, m.columns["lead"], m.data_start)
    (2, 3, 3)
    """
    best: HeaderMatch | None = None
    merges = grid.merged_ranges_by_cell(scan_rows + 1)
    last = min(grid.max_row, scan_rows)
    width = grid.max_column
    row = 1
    while row <= last:
        match = _match_row(grid, row, merges, width)
        if match is not None:
            if best is None:
                last = min(last, row + _HEADER_WINDOW)
            if best is None or len(match.columns) > len(best.columns):
                best = match
        row += 1
    return best


def header_like(grid: Grid, row: int, last_column: int) -> dict[str, int] | None:
    """The fields a row below a table's header names when it is another header row (a second
    table, or the header repeated): its number cell reads "STT"/"TT" and another cell names a
    field, or it names both the content and the implementing unit. None for other rows.

    >>> header_like(Grid("PL", [["STT", "Tên cụm", "Đơn vị thực hiện"]]), 1, 3)
    {'number': 1, 'lead': 3}
    """
    named: dict[str, int] = {}
    for column in range(1, last_column + 1):
        name = header_field(header_text(grid, row, column))
        if name and name not in named:
            named[name] = column
    if ("number" in named and len(named) >= 2) or all(f in named for f in REQUIRED_FIELDS):
        return named
    return None


def seen_labels(grid: Grid, scan_rows: int = HEADER_SCAN_ROWS) -> list[str]:
    """Short texts near the top of a sheet, to say what a header search did see."""
    seen: list[str] = []
    for row in range(1, min(grid.max_row, scan_rows) + 1):
        for column in range(1, grid.max_column + 1):
            text = header_text(grid, row, column)
            if text and len(text) <= 40 and text not in seen:
                seen.append(text)
                if len(seen) == 12:
                    return seen
    return seen


# --- sheets by name ----------------------------------------------------------

SheetRole = str  # "phu_luc" | "phan_cong" | "units" | "config" | "forms" | "outline" | "output" | "other"

_NAME_ROLES: list[tuple[re.Pattern[str], SheetRole]] = [
    # the sheets tdkt_xl itself adds (status copy, Excel add-in): exactly these names
    (re.compile(r"^(ket qua kiem tra|huong dan|don doc)( \d+)?$"), "output"),
    (re.compile(r"\bhinh thuc khen thuong\b"), "forms"),
    (re.compile(r"^de cuong\b"), "outline"),  # the plan's own đề cương (tdkt_xl.plans.outline_sheet)
    (re.compile(r"\bphu luc\b|^pl ?\d*$"), "phu_luc"),
    (re.compile(r"\bphan cong\b|\bnhiem vu\b"), "phan_cong"),
    (re.compile(r"^((danh sach|ds|bang) )?(cac )?(don vi|dv|co quan don vi)\b|\bdanh muc don vi\b"),
     "units"),
    (re.compile(r"\bcau hinh\b|\bthiet lap\b|^config"), "config"),
]


def role_by_name(name: str) -> SheetRole:
    """What a sheet is for, from its name alone.

    >>> role_by_name("PHU LUC"), role_by_name("phụ lục 1"), role_by_name("Đơn vị")
    ('phu_luc', 'phu_luc', 'units')
    >>> role_by_name("Phân công - Hướng dẫn tổng kết"), role_by_name("DS đơn vị"), role_by_name("Hướng dẫn")
    ('phan_cong', 'units', 'output')
    """
    words = fold_words(name)
    for pattern, role in _NAME_ROLES:
        if pattern.search(words):
            return role
    return "other"


def available(names: Sequence[str]) -> str:
    """'"A", "B"' for messages that list what exists."""
    return ", ".join(f'"{n}"' for n in names) or "(không có sheet nào)"
