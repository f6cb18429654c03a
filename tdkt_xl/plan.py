"""Read a plan (Phụ lục, Phân công, Đơn vị, Cấu hình) from grids and check it.

Pure: takes :class:`~tdkt_xl.sheets.Grid` objects, returns a
:class:`~tdkt_xl.models.Plan` with every problem found. The openpyxl adapter
is in :mod:`tdkt_xl.xlsx`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tdkt_xl.deadline import Deadline, parse_deadline, quarter_bounds
from tdkt_xl.forms import read_forms
from tdkt_xl.legacy import detect_legacy
from tdkt_xl.models import CommendationForm, Plan, PlanConfig, Section, SheetKind, Task, TaskSheet
from tdkt_xl.problems import ProblemLog, column_letter
from tdkt_xl.sheets import (
    FIELD_LABELS,
    REQUIRED_FIELDS,
    ExcelError,
    Grid,
    HeaderMatch,
    available,
    find_header,
    role_by_name,
    seen_labels,
)
from tdkt_xl.text import clean, clean_lines, fold, fold_words
from tdkt_xl.units import Unit, UnitDirectory, UnitRef

# Plans repeat the same unit names and phrases on many rows: read each text once.
_detect_legacy = functools.lru_cache(maxsize=16384)(detect_legacy)

ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
                "ix": 9, "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}
QUARTER_NAMES = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}
_SECTION_TEXT = re.compile(r"^(?:([ivx]+)\s*[.)/-]?\s+)?quy\s+(iv|i{1,3}|[1-4])\b")
_SUB_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})+)\.?\s+")
_TITLE_YEAR = re.compile(r"\bnam\s+((?:19|20|21)\d\d)\b")
_DONE = re.compile(r"\b(da hoan thanh|hoan thanh)\b")
_NOT_DONE = re.compile(r"\b(chua|dang)\b")


@dataclass
class _Number:
    """A row's number cell, read."""

    kind: str  # "top" | "sub" | "letter" | "roman" | "none" | "text" | "bad"
    text: str = ""
    parts: tuple[int, ...] = ()


def read_number(value: object) -> _Number:
    """Read an STT/TT cell: 1, "1.", "01", 6.1, "6.1.", "I", "a)".

    >>> read_number("6.1.").parts, read_number(3.0).text, read_number("IV").kind
    ((6, 1), '3', 'roman')
    """
    if value is None or isinstance(value, ExcelError):
        return _Number("none")
    if isinstance(value, bool):
        return _Number("bad", str(value))
    if isinstance(value, int):
        return _Number("top", str(value), (value,))
    if isinstance(value, float):
        if value.is_integer():
            return _Number("top", str(int(value)), (int(value),))
        text = f"{value:g}"
        return _Number("sub", text, tuple(int(p) for p in text.split(".")))
    text = clean(value).rstrip(".):").strip()
    if not text:
        return _Number("none")
    if re.fullmatch(r"\d{1,4}", text):
        return _Number("top", str(int(text)), (int(text),))
    if re.fullmatch(r"\d{1,3}(\.\d{1,3})+", text):
        parts = tuple(int(p) for p in text.split("."))
        return _Number("sub", ".".join(map(str, parts)), parts)
    if fold(text) in ROMAN_VALUES:
        return _Number("roman", text.upper(), (ROMAN_VALUES[fold(text)],))
    if re.fullmatch(r"[a-zđ]", fold(text)):
        return _Number("letter", text.lower())
    if re.fullmatch(r"[-+*•]", text):
        return _Number("none")
    if " " in text or len(text) > 8:
        return _Number("text", text)  # a note or label typed in the number column
    return _Number("bad", text)


@dataclass
class _SheetReader:
    """Reads one task table. Keeps the running state of numbering checks."""

    grid: Grid
    header: HeaderMatch
    kind: SheetKind
    code_prefix: str
    units: UnitDirectory | None
    year: int
    log: ProblemLog
    file: str
    tasks: list[Task] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    merged_cells: set[tuple[int, int]] = field(default_factory=set)
    _seen_numbers: dict[str, str] = field(default_factory=dict)
    _last_top: int = 0
    _last_sub: dict[int, int] = field(default_factory=dict)
    _codes: set[str] = field(default_factory=set)

    def col(self, name: str) -> int | None:
        return self.header.columns.get(name)

    def problem(self, code: str, row: int, column: int | None = None, **fields: Any) -> None:
        self.log.add(code, sheet=self.grid.name, row=row, column=column, file=self.file, **fields)

    # --- cells ---

    def raw(self, row: int, name: str) -> object:
        column = self.col(name)
        return None if column is None else self.grid.value(row, column)

    def text(self, row: int, name: str, *, lines: bool = False) -> str:
        """A cell's text, legacy encodings read as Unicode (and reported)."""
        column = self.col(name)
        if column is None:
            return ""
        value = self.grid.value(row, column)
        if isinstance(value, ExcelError) or value is None:
            return ""
        tidy = clean_lines if lines else clean
        if isinstance(value, str) and not value.isascii():
            # before any cleaning: TCVN3 uses the soft hyphen (U+00AD) for "ư"
            reading = _detect_legacy(value.strip(), self.grid.fonts.get((row, column)))
            if reading is not None:
                self.problem("legacy-encoding", row, column, encoding=reading.encoding,
                             value=_short(clean(value)), reading=_short(clean(reading.unicode_text)))
                return tidy(reading.unicode_text)
        return tidy(value)

    def report_excel_errors(self, row: int) -> None:
        for column in range(1, self.header.last_column + 1):
            value = self.grid.value(row, column)
            if isinstance(value, ExcelError):
                self.problem("excel-error", row, column, value=str(value))

    # --- rows ---

    def table_columns(self) -> list[int]:
        return sorted(self.header.columns.values())

    def last_structured_row(self) -> int:
        """The last row with a number or a section: unnumbered rows below it are notes."""
        number_col = self.col("number")
        last = self.header.data_start - 1
        for row in range(self.header.data_start, self.grid.max_row + 1):
            number = read_number(self.grid.value(row, number_col)) if number_col else _Number("none")
            content = self.text(row, "content") if number.kind in ("none", "text") else ""
            task_like = bool(content) and bool(self.units_text(row) or self.text(row, "deadline"))
            if (number.kind not in ("none", "text") or _SECTION_TEXT.match(fold(content))
                    or task_like) or (number_col is None and content and self.units_text(row)):
                last = row
        return last

    def units_text(self, row: int) -> str:
        return " ".join(filter(None, (self.text(row, n) for n in ("lead", "partners", "directing"))))

    def read(self) -> None:
        self.merged_cells = self.grid.fill_merged_down(self.header.data_start)
        end = self.last_structured_row()
        columns = self.table_columns()
        for row in range(self.header.data_start, end + 1):
            if self.grid.row_is_blank(row, columns):
                continue
            self.report_excel_errors(row)
            self.read_row(row)
        for task in self.tasks:
            self.finish(task)

    def read_row(self, row: int) -> None:
        number_col = self.col("number")
        number = read_number(self.grid.value(row, number_col)) if number_col else _Number("none")
        if number.kind == "text":
            number = _Number("none")
        content = self.text(row, "content", lines=True)
        folded = fold(content)
        section_match = _SECTION_TEXT.match(folded)
        has_units = bool(self.units_text(row))
        has_deadline = bool(self.text(row, "deadline"))
        if (number.kind == "roman" or (number.kind == "none" and section_match)) and not has_units:
            self.start_section(row, number, content, section_match)
            return
        from_merge = number_col is not None and (row, number_col) in self.merged_cells
        sub = _SUB_NUMBER.match(content)
        previous = self.tasks[-1] if self.tasks else None
        if sub and (number.kind == "none" or from_merge
                    or (number.kind == "top" and sub.group(1).startswith(f"{number.text}."))):
            # "6." merged over rows whose contents are "6.1. …", "6.2. …"
            self.new_task(row, _Number("sub", sub.group(1),
                                       tuple(int(p) for p in sub.group(1).split("."))),
                          content[sub.end():].strip())
            return
        if from_merge and previous is not None:
            self.continue_task(previous, row, content)
            return
        if number.kind == "bad":
            self.problem("number-unreadable", row, number_col, value=number.text)
            self.new_task(row, number, content)
            return
        if number.kind in ("top", "sub", "letter"):
            self.new_task(row, number, content)
            return
        if previous is not None and content and not has_units and not has_deadline:
            self.continue_task(previous, row, content)
            return
        if previous is not None and not content:
            self.continue_task(previous, row, content)
            return
        expected = str(self._last_top + 1)
        self.problem("missing-number", row, number_col, expected=expected)
        self.new_task(row, _Number("none", ""), content)

    def start_section(self, row: int, number: _Number, content: str,
                      match: re.Match[str] | None) -> None:
        quarter = None
        if match is not None:
            raw = match.group(2)
            quarter = int(raw) if raw.isdigit() else ROMAN_VALUES[raw]
        elif number.kind == "roman" and fold(content).startswith("quy"):
            quarter = number.parts[0]
        label = content or number.text
        roman = number.text if number.kind == "roman" else (match.group(1) or "").upper() if match else ""
        section = Section(label=label, row=row, roman=roman or _roman(quarter), quarter=quarter)
        if quarter is not None:
            for earlier in self.sections:
                if earlier.quarter == quarter:
                    self.problem("duplicate-section", row, self.col("content"),
                                 section=label, first_cell=f"{self.col_letter('content')}{earlier.row}")
                    break
            else:
                last_q = max((s.quarter or 0 for s in self.sections), default=0)
                if quarter < last_q:
                    previous = next(s for s in self.sections if s.quarter == last_q)
                    self.problem("section-out-of-order", row, self.col("content"),
                                 section=label, previous=previous.label)
        self.sections.append(section)
        self._seen_numbers = {}
        self._last_top = 0
        self._last_sub = {}

    def col_letter(self, name: str) -> str:
        return column_letter(self.col(name) or 1)

    def new_task(self, row: int, number: _Number, content: str) -> None:
        section = self.sections[-1] if self.sections else None
        parent: str | None = None
        if number.kind == "letter":
            parent = str(self._last_top) if self._last_top else None
            text = f"{parent}{number.text}" if parent else number.text
        else:
            text = number.text
        if number.kind == "sub":
            parent = ".".join(map(str, number.parts[:-1]))
        self.check_number(row, number, text)
        code = self.make_code(section, text or f"r{row}", row)
        task = Task(
            sheet=self.grid.name, kind=self.kind, code=code, number=text, row=row, rows=[row],
            section=section, content=content, parent=parent,
        )
        self.add_row_cells(task, row)
        self.tasks.append(task)

    def make_code(self, section: Section | None, number: str, row: int) -> str:
        parts = [self.code_prefix]
        if section is not None and section.roman:
            parts.append(section.roman)
        parts.append(number)
        code = "-".join(parts)
        if code in self._codes:
            code = f"{code}-r{row}"
        self._codes.add(code)
        return code

    def check_number(self, row: int, number: _Number, text: str) -> None:
        column = self.col("number")
        if not text:
            return
        if text in self._seen_numbers:
            self.problem("duplicate-number", row, column, number=text,
                         first_cell=self._seen_numbers[text])
            return
        self._seen_numbers[text] = f"{self.col_letter('number')}{row}"
        if number.kind == "top":
            value = number.parts[0]
            if value > self._last_top + 1:
                missing = _span(self._last_top + 1, value - 1)
                self.problem("number-gap", row, column, missing=missing,
                             previous=self._last_top or "đầu bảng", number=text)
            elif value <= self._last_top:
                self.problem("number-out-of-order", row, column, number=text,
                             previous=self._last_top)
            self._last_top = max(self._last_top, value)
        elif number.kind == "sub" and len(number.parts) == 2:
            parent, child = number.parts
            last = self._last_sub.get(parent, 0)
            if child > last + 1:
                self.problem("number-gap", row, column,
                             missing=_span(last + 1, child - 1, prefix=f"{parent}."),
                             previous=f"{parent}.{last}" if last else parent, number=text)
            elif child <= last:
                self.problem("number-out-of-order", row, column, number=text,
                             previous=f"{parent}.{last}")
            self._last_sub[parent] = max(last, child)
            if parent > self._last_top:
                if parent > self._last_top + 1:
                    self.problem("number-gap", row, column,
                                 missing=_span(self._last_top + 1, parent - 1),
                                 previous=self._last_top or "đầu bảng", number=text)
                self._last_top = parent

    def add_row_cells(self, task: Task, row: int) -> None:
        """Fill a task's units, deadline and dates from one of its rows (first value wins)."""
        for name in ("directing", "lead", "partners"):
            refs = self.read_units(row, name)
            current: list[UnitRef] = getattr(task, name)
            known = {r.code or fold(r.text) for r in current}
            current.extend(r for r in refs if (r.code or fold(r.text)) not in known)
        if not task.deadline_text:
            value = self.raw(row, "deadline")
            if value is not None and not isinstance(value, ExcelError):
                task.deadline_text = (self.text(row, "deadline")
                                      if isinstance(value, str) else _value_text(value))
                task.deadline = parse_deadline(
                    self.text(row, "deadline") if isinstance(value, str) else value, self.year)
        if task.completed_on is None:
            self.read_completed(task, row)
        if not task.progress:
            task.progress = self.text(row, "progress")
        note = self.text(row, "note", lines=True)
        if note:
            task.note = f"{task.note}\n{note}".strip()

    def read_units(self, row: int, name: str) -> list[UnitRef]:
        text = self.text(row, name, lines=True)
        if not text:
            return []
        if self.units is None:
            return UnitDirectory([]).split(text)
        refs = self.units.split(text)
        for ref in refs:
            if ref.code is None:
                names = self.units.suggest(ref.text)
                suggestion = f"; có phải: {', '.join(names)}?" if names else "."
                self.problem("unknown-unit", row, self.col(name), unit=ref.text,
                             suggestion=suggestion)
        return refs

    def read_completed(self, task: Task, row: int) -> None:
        value = self.raw(row, "completed")
        if value is None or isinstance(value, ExcelError) or value == "":
            return
        if isinstance(value, datetime):
            task.completed_on = value.date()
            return
        if isinstance(value, date):
            task.completed_on = value
            return
        reading = parse_deadline(value if not isinstance(value, str) else clean(value), self.year)
        if reading.due is not None and reading.start == reading.due:
            task.completed_on = reading.due
        else:
            self.problem("completion-date-unreadable", row, self.col("completed"),
                         value=_value_text(value))

    def continue_task(self, task: Task, row: int, content: str) -> None:
        task.rows.append(row)
        if content:
            task.content = f"{task.content}\n{content}".strip()
        self.add_row_cells(task, row)

    def finish(self, task: Task) -> None:
        """Checks that need the whole task, and the deadline from the section."""
        row = task.row
        hidden = [r for r in task.rows if r in self.grid.hidden_rows]
        if hidden:
            self.problem("hidden-row", hidden[0], None, number=task.number or "?")
        if not task.content:
            self.problem("empty-content", row, self.col("content"), number=task.number or "?")
        if not task.lead:
            self.problem("empty-unit", row, self.col("lead"), number=task.number or "?")
        self.check_deadline(task)
        if task.progress and task.completed_on is None and _DONE.search(fold(task.progress)) \
                and not _NOT_DONE.search(fold(task.progress)):
            task.progress = "Đã hoàn thành"

    def check_deadline(self, task: Task) -> None:
        column = self.col("deadline")
        quarter = task.section.quarter if task.section else None
        deadline = task.deadline
        if not task.deadline_text:
            if quarter is not None:
                start, due = quarter_bounds(self.year, quarter)
                task.deadline = Deadline(text=QUARTER_NAMES[quarter], start=start, due=due,
                                         quarter=quarter)
                task.deadline_from_section = True
            elif column is not None:
                self.problem("deadline-empty", task.row, column, number=task.number or "?")
            return
        if deadline.problem == "unreadable":
            self.problem("deadline-unreadable", task.row, column, value=task.deadline_text)
            return
        if deadline.problem == "impossible-date":
            self.problem("deadline-impossible", task.row, column, value=task.deadline_text,
                         detail=deadline.problem_detail)
            return
        if deadline.due is None:
            return
        if quarter is not None and task.section is not None:
            start, end = quarter_bounds(self.year, quarter)
            if not start <= deadline.due <= end:
                self.problem("deadline-outside-quarter", task.row, column,
                             value=task.deadline_text, due=_vn_date(deadline.due),
                             section=task.section.label, start=_vn_date(start), end=_vn_date(end))
                return
        if deadline.due.year != self.year:
            self.problem("deadline-outside-year", task.row, column, value=task.deadline_text,
                         due=_vn_date(deadline.due), year=self.year)


def _roman(quarter: int | None) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(quarter or 0, "")


def _span(first: int, last: int, prefix: str = "") -> str:
    return f"{prefix}{first}" if first == last else f"{prefix}{first}–{prefix}{last}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value_text(value: object) -> str:
    if isinstance(value, datetime):
        return _vn_date(value.date())
    if isinstance(value, date):
        return _vn_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def _vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- units and configuration sheets -----------------------------------------

_UNIT_HEADERS = {
    "code": re.compile(r"^(ma|ma don vi|ma dv|ky hieu)$"),
    "name": re.compile(r"^(ten|ten don vi|don vi|ten dv|ten co quan|co quan don vi)$"),
    "aliases": re.compile(r"(ten goi khac|viet tat|ten khac|bi danh)"),
    "kind": re.compile(r"^(loai|loai don vi|phan loai)$"),
    "email": re.compile(r"(email|e mail|thu dien tu)"),
}


def read_units(grid: Grid, log: ProblemLog, file: str = "") -> list[Unit]:
    """Units from a "Đơn vị" sheet: code, name, aliases (";"-separated), kind, email."""
    header_row, columns = 0, {}
    for row in range(1, min(grid.max_row, 15) + 1):
        found: dict[str, int] = {}
        for column in range(1, grid.max_column + 1):
            words = fold_words(grid.text(row, column))
            for name, pattern in _UNIT_HEADERS.items():
                if name not in found and pattern.search(words):
                    found[name] = column
                    break
        if "name" in found:
            header_row, columns = row, found
            break
    if not header_row:
        log.add("header-not-found", sheet=grid.name, file=file,
                expected='"Mã đơn vị", "Tên đơn vị"', seen=available(seen_labels(grid)))
        return []
    units: list[Unit] = []
    used_codes: set[str] = set()
    for row in range(header_row + 1, grid.max_row + 1):
        name = grid.text(row, columns["name"])
        if not name:
            continue
        code = grid.text(row, columns["code"]) if "code" in columns else ""
        code = code or _code_from_name(name)
        base, suffix = code, 2
        while code in used_codes:
            code, suffix = f"{base}_{suffix}", suffix + 1
        used_codes.add(code)
        aliases_text = clean_lines(grid.value(row, columns["aliases"])) if "aliases" in columns else ""
        aliases = tuple(a.strip() for a in re.split(r"[;\n]", aliases_text) if a.strip())
        units.append(Unit(
            code=code, name=name, aliases=aliases,
            kind=grid.text(row, columns["kind"]) if "kind" in columns else "Đơn vị",
            email=grid.text(row, columns["email"]) if "email" in columns else "",
            row=row,
        ))
    return units


def _code_from_name(name: str) -> str:
    words = fold_words(name).split()
    return "".join(w[0] for w in words).upper() or "DV"


_CONFIG_KEYS = {
    "year": re.compile(r"^nam ke hoach$|^nam$"),
    "due_soon_days": re.compile(r"sap den han"),
    "as_of": re.compile(r"^ngay tinh|^ngay xet|^tinh den ngay|^ngay bao cao$"),
    "report_deadline": re.compile(r"^han nop|^thoi han nop"),
    "stats_from": re.compile(r"^nam so lieu tu|^so lieu tu nam"),
    "stats_to": re.compile(r"^nam so lieu den|^so lieu den nam"),
}
_CONFIG_LABELS = {"year": "Năm kế hoạch", "due_soon_days": "Số ngày sắp đến hạn",
                  "as_of": "Ngày tính trạng thái", "report_deadline": "Hạn nộp báo cáo",
                  "stats_from": "Năm số liệu từ", "stats_to": "Năm số liệu đến"}


def read_config(grid: Grid, log: ProblemLog, file: str = "") -> PlanConfig:
    """The "Cấu hình" sheet: label in one column, value in the next."""
    cells: list[tuple[str, int, int, object]] = []  # (key, row, value column, value)
    for row in range(1, grid.max_row + 1):
        for column in range(1, min(grid.max_column, 4) + 1):
            label = fold_words(grid.text(row, column))
            key = next((k for k, p in _CONFIG_KEYS.items() if p.search(label)), None)
            if key is None:
                continue
            raw = grid.value(row, column + 1)
            if raw not in (None, ""):
                cells.append((key, row, column + 1, raw))
            break
    # a date without its year ("15/6") is in the plan year written on the same sheet
    years = (_config_value("year", raw) for key, _, _, raw in cells if key == "year")
    year = next((y for y in years if isinstance(y, int)), None)
    values: dict[str, Any] = {}
    for key, row, column, raw in cells:
        if key in values:
            continue  # the first readable value wins
        parsed = _config_value(key, raw, year)
        if parsed is None:
            default = PlanConfig().model_dump()[key]
            log.add("config-unreadable", sheet=grid.name, row=row, column=column,
                    file=file, value=_value_text(raw), label=_CONFIG_LABELS[key],
                    default=default if default is not None else "(không có)")
        else:
            values[key] = parsed
    return PlanConfig(**values)


def _config_value(key: str, raw: object, year: int | None = None) -> int | date | None:
    """One Cấu hình value; ``year`` is the plan year for dates written without one.

    >>> _config_value("as_of", "15/6", 2023), _config_value("as_of", "Trước 30/6 và 31/12", 2023)
    (datetime.date(2023, 6, 15), None)
    """
    if key in ("as_of", "report_deadline"):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        reading = parse_deadline(raw, year or date.today().year)
        return reading.due if reading.due and reading.start == reading.due else None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        number = int(raw)
    else:
        text = clean(raw)
        if not re.fullmatch(r"\d{1,4}", text):
            return None
        number = int(text)
    if key == "due_soon_days":
        return number if 0 <= number <= 366 else None
    return number if 1900 <= number <= 2199 else None


def title_year(grid: Grid, header_row: int) -> int | None:
    """The latest year named in the title lines above a table ("… NĂM 2024")."""
    years: list[int] = []
    for row in range(1, header_row):
        for column in range(1, grid.max_column + 1):
            years.extend(int(y) for y in _TITLE_YEAR.findall(fold_words(grid.text(row, column))))
    return max(years) if years else None


# --- the whole plan ----------------------------------------------------------


def read_plan(
    grids: Sequence[Grid],
    *,
    file: str = "",
    year: int | None = None,
    today: date | None = None,
    fail_fast: bool = False,
) -> Plan:
    """Read and check a plan workbook given as grids (all problems collected).

    ``year`` overrides the plan year; otherwise it comes from Cấu hình, then
    the title lines ("… NĂM 2024"), then the as-of date, then ``today``.

    >>> g = Grid("Phân công", [["TT", "Nội dung", "Đơn vị thực hiện", "Thời gian hoàn thành"],
    ...                        [1, "Hướng dẫn tổng kết", "Phòng III", "Tháng 2"]])
    >>> plan = read_plan([g], year=2024)
    >>> plan.tasks[0].deadline.due
    datetime.date(2024, 2, 29)
    """
    log = ProblemLog(fail_fast=fail_fast)
    names = [g.name for g in grids]
    roles = {g.name: role_by_name(g.name) for g in grids}
    config = PlanConfig()
    for grid in grids:
        if roles[grid.name] == "config":
            config = read_config(grid, log, file)
            break
    units: list[Unit] | None = None
    for grid in grids:
        if roles[grid.name] == "units":
            units = read_units(grid, log, file)
            break
    if units is None:
        log.add("no-unit-list", file=file)
    forms: list[CommendationForm] | None = None
    for grid in grids:
        if roles[grid.name] == "forms":
            forms = read_forms(grid) or None  # an unreadable sheet: the default forms
            break
    directory = UnitDirectory(units) if units is not None else None

    candidates: list[tuple[Grid, HeaderMatch, SheetKind]] = []
    for grid in grids:
        role = roles[grid.name]
        if role in ("units", "config", "forms", "output"):
            continue
        header = find_header(grid)
        if header is None:
            if role in ("phu_luc", "phan_cong"):
                expected = ", ".join(f'"{FIELD_LABELS[f]}"' for f in ("number", *REQUIRED_FIELDS))
                log.add("header-not-found", sheet=grid.name, file=file, expected=expected,
                        seen=available(seen_labels(grid)))
            continue
        kind: SheetKind
        if role in ("phu_luc", "phan_cong"):
            kind = role  # type: ignore[assignment]
        else:
            kind = "phu_luc" if "directing" in header.columns or "deadline" not in header.columns \
                else "phan_cong"
        candidates.append((grid, header, kind))
    if not candidates and not any(p.code == "header-not-found" and p.sheet for p in log.problems):
        expected = ", ".join(f'"{FIELD_LABELS[f]}"' for f in ("number", *REQUIRED_FIELDS))
        log.add("sheet-not-found", file=file, expected=expected, sheets=available(names))

    titles = [title_year(g, h.row) for g, h, _ in candidates]
    plan_year = (year or config.year or max((t for t in titles if t), default=None)
                 or (config.as_of.year if config.as_of else None)
                 or (today or date.today()).year)

    counts = {k: sum(1 for _, _, kk in candidates if kk == k) for k in ("phu_luc", "phan_cong")}
    seen_kinds: dict[str, int] = {}
    sheets: list[TaskSheet] = []
    for (grid, header, kind), title in zip(candidates, titles, strict=True):
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        prefix = "PL" if kind == "phu_luc" else "PC"
        if counts[kind] > 1:
            prefix += str(seen_kinds[kind])
        reader = _SheetReader(grid=grid, header=header, kind=kind, code_prefix=prefix,
                              units=directory, year=plan_year, log=log, file=file)
        reader.read()
        if not reader.tasks:
            log.add("no-tasks", sheet=grid.name, file=file)
        last_row = max((r for t in reader.tasks for r in t.rows), default=header.data_start - 1)
        sheets.append(TaskSheet(
            name=grid.name, kind=kind, header_row=header.row, columns=header.columns,
            last_column=header.last_column, first_row=header.data_start, last_row=last_row,
            title_year=title, tasks=reader.tasks, sections=reader.sections,
            generated_columns=header.generated,
        ))
    config = config.model_copy(update={"year": plan_year})
    return Plan(file=file, sheet_names=names, sheets=sheets, units=units, config=config,
                forms=forms, year=plan_year, problems=log.problems)
