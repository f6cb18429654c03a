"""Read a plan (Phụ lục, Phân công, Đơn vị, Cấu hình) from grids and check it.

Pure: takes :class:`~tdkt_xl.plans.grids.Grid` objects, returns a
:class:`~tdkt_xl.plans.models.Plan` with every problem found. The openpyxl adapter
is in :mod:`tdkt_xl.excel.status_copy`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tdkt_xl.errors import ProblemLog, column_letter
from tdkt_xl.plans.commendation_forms import read_forms
from tdkt_xl.plans.deadlines import Deadline, parse_deadline, quarter_bounds
from tdkt_xl.plans.grids import (
    FIELD_LABELS,
    HEADER_SCAN_ROWS,
    REQUIRED_FIELDS,
    ExcelError,
    FormulaWithoutValue,
    Grid,
    HeaderMatch,
    available,
    find_header,
    header_like,
    header_text,
    is_column_number_row,
    role_by_name,
    seen_labels,
)
from tdkt_xl.plans.legacy_encodings import LegacyReading, detect_legacy
from tdkt_xl.plans.models import CommendationForm, Plan, PlanConfig, Section, SheetKind, Task, TaskSheet
from tdkt_xl.plans.text import clean, clean_lines, fold, fold_words
from tdkt_xl.plans.units import Unit, UnitDirectory, UnitRef, split_aliases

# Plans repeat the same unit names and phrases on many rows: read each text once.
_detect_legacy = functools.lru_cache(maxsize=16384)(detect_legacy)

ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
                "ix": 9, "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}
QUARTER_NAMES = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}
_QUARTER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4}
# A quarter section's own text: "Quý I", "I. QUÝ I", "NHIỆM VỤ QUÝ I", "Quý III/2024",
# "Các nhiệm vụ thực hiện trong Quý II" (never "Quy chế …": a quarter needs its number).
_SECTION_TEXT = re.compile(
    r"^(?:([ivx]+)\s*[.)/-]?\s+)?"
    r"(?:(?:cac\s+)?(?:nhiem vu|cong viec|hoat dong)(?:\s+[^\s,;:]+){0,4}?\s+)?"
    r"quy\s+(iv|i{1,3}|[1-4]|mot|hai|ba|bon|tu)(?![0-9a-z])"
)
_HEADING_LETTER = re.compile(r"[A-ZĐ]\.?")  # "A", "B." over "NHIỆM VỤ TRỌNG TÂM"
_SUB_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})+)\.?\s+")
_TITLE_YEAR = re.compile(r"\bnam\s+((?:19|20|21)\d\d)\b")
# Only an explicit done status: not "Không hoàn thành", "Chưa hoàn thành", "Hoàn thành 50%".
_DONE = re.compile(r"^(?:da )?(?:hoan thanh|xong)(?: (?:dung han|tre han|100))?$")
_UNIT_FIELDS = ("lead", "partners", "directing")


def section_quarter(text: str) -> int | None:
    """The quarter a section row's text names, or None.

    >>> [section_quarter(t) for t in ("Quý I", "I. QUÝ II", "NHIỆM VỤ QUÝ III", "Quy chế thi đua")]
    [1, 2, 3, None]
    """
    match = _SECTION_TEXT.match(fold(text))
    return _quarter_of(match) if match else None


def _quarter_of(match: re.Match[str]) -> int:
    raw = match.group(2)
    if raw.isdigit():
        return int(raw)
    return _QUARTER_WORDS.get(raw) or ROMAN_VALUES[raw]


def is_done(progress: str) -> bool:
    """Whether a "Tình trạng" text says the task is done.

    >>> [is_done(t) for t in ("Đã hoàn thành", "Hoàn thành 100%", "Không hoàn thành", "Hoàn thành 50%")]
    [True, True, False, False]
    """
    return bool(_DONE.match(fold_words(progress)))


@dataclass
class _Number:
    """A row's number cell, read."""

    kind: str  # "top" | "sub" | "letter" | "roman" | "none" | "text" | "bad"
    text: str = ""
    parts: tuple[int, ...] = ()


def read_number(value: object) -> _Number:
    """Read an STT/TT cell: 1, "1.", "01", 6.1, "6.1.", "6,1", "I", "a)", "i)".

    >>> read_number("6.1.").parts, read_number(3.0).text, read_number("IV").kind, read_number("i)").kind
    ((6, 1), '3', 'roman', 'letter')
    """
    if value is None or isinstance(value, ExcelError):
        return _Number("none")
    if isinstance(value, bool):
        return _Number("bad", str(value))
    if isinstance(value, datetime):  # "7.1" typed in a cell Excel turned into a date
        return _Number("bad", _vn_date(value.date()))
    if isinstance(value, int):
        return _Number("top", str(value), (value,))
    if isinstance(value, float):
        if value.is_integer():
            return _Number("top", str(int(value)), (int(value),))
        text = f"{value:g}"
        return _Number("sub", text, tuple(int(p) for p in text.split(".")))
    raw = clean(value)
    text = raw.rstrip(".):").strip()
    if not text:
        return _Number("none")
    if re.fullmatch(r"\d{1,4}", text):
        return _Number("top", str(int(text)), (int(text),))
    if re.fullmatch(r"\d{1,3}([.,]\d{1,3})+", text):  # "6,1": a decimal comma
        parts = tuple(int(p) for p in re.split(r"[.,]", text))
        return _Number("sub", ".".join(map(str, parts)), parts)
    if raw.endswith(")") and re.fullmatch(r"[a-zđ]", fold(text)):
        return _Number("letter", text.lower())  # "i)" is the item after "h)", not Roman one
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
    merge_tops: set[tuple[int, int]] = field(default_factory=set)
    _seen_numbers: dict[str, str] = field(default_factory=dict)
    _last_top: int = 0
    _last_sub: dict[int, int] = field(default_factory=dict)
    _last_kind: str = ""
    _codes: set[str] = field(default_factory=set)
    _header_rows: set[int] = field(default_factory=set)
    _after_header: bool = False
    _number_unknown: bool = False  # the previous number was a formula without a value
    _heading_rows: set[int] = field(default_factory=set)
    _extra_cells: dict[str, dict[str, tuple[int, object]]] = field(default_factory=dict)

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
                if _reads_differently(value, reading):
                    self.problem("legacy-encoding", row, column, encoding=reading.encoding,
                                 value=_short(clean(value)), reading=_short(clean(reading.unicode_text)))
                return tidy(reading.unicode_text)
        return tidy(value)

    def own_text(self, row: int, name: str) -> str:
        """A cell's text unless it was copied down from a merged range above, or heads a range
        merged down over the rows below (a unit written once for a whole block)."""
        column = self.col(name)
        if column is None or (row, column) in self.merged_cells or (row, column) in self.merge_tops:
            return ""
        return self.text(row, name)

    def own_units(self, row: int) -> bool:
        return any(self.own_text(row, n) for n in _UNIT_FIELDS)

    def report_cell_problems(self, row: int) -> None:
        for column in range(1, self.header.last_column + 1):
            value = self.grid.value(row, column)
            if isinstance(value, ExcelError):
                self.problem("excel-error", row, column, value=str(value))
            elif isinstance(value, FormulaWithoutValue):
                self.problem("formula-no-value", row, column, value=value.formula)

    def is_formula(self, row: int, name: str) -> bool:
        return isinstance(self.raw(row, name), FormulaWithoutValue)

    # --- rows ---

    def table_columns(self) -> list[int]:
        return sorted(self.header.columns.values())

    def number_at(self, row: int) -> _Number:
        number_col = self.col("number")
        return read_number(self.grid.value(row, number_col)) if number_col else _Number("none")

    def table_end(self) -> int:
        """The table's last row: a header row naming other columns starts another table (its rows
        are not tasks); the same header again (a table continued, or a second one alike) is
        skipped."""
        columns = self.header.columns
        used = [*columns.values(), *self.header.generated.values()]
        for row in range(self.header.data_start, self.grid.max_row + 1):
            if self.number_at(row).kind in ("top", "sub", "roman", "letter"):
                continue
            named = header_like(self.grid, row, self.header.last_column)
            if named is None:
                continue
            if "content" in named and all(named.get(f) == columns.get(f) for f in REQUIRED_FIELDS):
                self._header_rows.add(row)
                if is_column_number_row(self.grid, row + 1, used):
                    self._header_rows.add(row + 1)
                continue
            self.problem("second-table", row, None)
            return row - 1
        return self.grid.max_row

    def last_structured_row(self, end: int) -> int:
        """The last row with a number or a section: unnumbered rows below it are notes."""
        last = self.header.data_start - 1
        for row in range(self.header.data_start, end + 1):
            if row in self._header_rows:
                continue
            number = self.number_at(row)
            if number.kind not in ("none", "text"):
                last = row
                continue
            content = self.text(row, "content")
            label = content or (number.text if number.kind == "text" else "")
            section = bool(label) and section_quarter(label) is not None
            if section or (content and (self.units_text(row) or self.text(row, "deadline"))):
                last = row
        return last

    def units_text(self, row: int) -> str:
        return " ".join(filter(None, (self.text(row, n) for n in _UNIT_FIELDS)))

    def read(self) -> None:
        start = self.header.data_start
        self.merged_cells = self.grid.fill_merged_down(start)
        self.merge_tops = {(r1, c1) for r1, c1, r2, _ in self.grid.merged if r2 > r1 and r1 >= start}
        end = self.last_structured_row(self.table_end())
        columns = self.table_columns()
        for row in range(start, end + 1):
            if row in self._header_rows:
                self._after_header = True
                continue
            if self.grid.row_is_blank(row, columns):
                if any(isinstance(self.grid.value(row, c), FormulaWithoutValue) for c in columns):
                    self.report_cell_problems(row)
                continue
            self.report_cell_problems(row)
            self.read_row(row)
        for task in self.tasks:
            self.finish(task)

    def read_row(self, row: int) -> None:
        number_col = self.col("number")
        raw_number = self.grid.value(row, number_col) if number_col else None
        number = read_number(raw_number)
        content = self.text(row, "content", lines=True)
        label = content
        if number.kind == "text":
            label = content or number.text  # "I. QUÝ I" typed in column A, merged across
            number = _Number("none")
        if (number.kind == "roman" and self._last_kind == "letter" and isinstance(raw_number, str)
                and raw_number.strip().islower()):
            number = _Number("letter", number.text.lower())  # "i" after "h"
        own_units = self.own_units(row)
        own_deadline = bool(self.own_text(row, "deadline"))
        section_match = _SECTION_TEXT.match(fold(label)) if label else None
        if section_match and number.kind in ("roman", "none") and (number.kind == "roman" or not own_units):
            self.start_section(row, number, label, section_match)
            return
        if number.kind == "roman" and not own_units and not own_deadline:
            self.start_section(row, number, label, None)
            return
        if (isinstance(raw_number, str) and _HEADING_LETTER.fullmatch(clean(raw_number)) and label
                and not own_units and not own_deadline):
            self.start_heading(row, clean(raw_number).rstrip("."), label)
            return
        has_units = bool(self.units_text(row))
        has_deadline = bool(self.text(row, "deadline"))
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
            self.continue_merged(previous, row, content)
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
        if self.is_formula(row, "number"):  # a formula without a value is said for its cell
            self.new_task(row, _Number("none", ""), content)
            self._number_unknown = True
            return
        self.problem("missing-number", row, number_col, expected=str(self._last_top + 1))
        self.new_task(row, _Number("none", ""), content)

    def start_section(self, row: int, number: _Number, label: str,
                      match: re.Match[str] | None) -> None:
        quarter = _quarter_of(match) if match is not None else None
        label = label or number.text
        roman = number.text if number.kind == "roman" else (match.group(1) or "").upper() if match else ""
        section = Section(label=label, row=row, roman=roman or _roman(quarter), quarter=quarter)
        if quarter is not None:
            quarters = [s for s in self.sections if s.row not in self._heading_rows]
            for earlier in quarters:
                if earlier.quarter == quarter:
                    self.problem("duplicate-section", row, self.col("content"),
                                 section=label, first_cell=f"{self.col_letter('content')}{earlier.row}")
                    break
            else:
                last_q = max((s.quarter or 0 for s in quarters), default=0)
                if quarter < last_q:
                    previous = next(s for s in quarters if s.quarter == last_q)
                    self.problem("section-out-of-order", row, self.col("content"),
                                 section=label, previous=previous.label)
        self.sections.append(section)
        self.restart_numbering()

    def start_heading(self, row: int, letter: str, label: str) -> None:
        """A lettered heading ("A | NHIỆM VỤ TRỌNG TÂM"): numbering restarts under it; it keeps
        the quarter of the section it stands in."""
        outer = next((s for s in reversed(self.sections) if s.row not in self._heading_rows), None)
        quarter = outer.quarter if outer is not None else None
        roman = f"{outer.roman}-{letter}" if outer is not None and outer.roman else letter
        self.sections.append(Section(label=label, row=row, roman=roman, quarter=quarter))
        self._heading_rows.add(row)
        self.restart_numbering()

    def restart_numbering(self) -> None:
        self._seen_numbers = {}
        self._last_top = 0
        self._last_sub = {}
        self._after_header = False

    def col_letter(self, name: str) -> str:
        return column_letter(self.col(name) or 1)

    def new_task(self, row: int, number: _Number, content: str) -> None:
        if self._after_header:  # a second table under the same header numbers from 1 again
            self._after_header = False
            if number.kind == "top" and number.parts == (1,):
                self.restart_numbering()
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
        self._last_kind = number.kind
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
            unknown, self._number_unknown = self._number_unknown, False
            if value > self._last_top + 1 and not unknown:
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
        for name in _UNIT_FIELDS:
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
        extra = self._extra_cells.setdefault(task.code, {})
        for name in ("start", "quarter"):
            value = self.raw(row, name)
            if name not in extra and value not in (None, "") and not isinstance(value, ExcelError):
                extra[name] = (row, self.text(row, name) if isinstance(value, str) else value)
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

    def continue_merged(self, task: Task, row: int, content: str) -> None:
        """A row under a number cell merged over several rows: the same task, unless the row has
        its own deadline, another than the task's (then it is said: only one is used)."""
        own = self.own_text(row, "deadline")
        if own and task.deadline_text and fold(own) != fold(task.deadline_text):
            self.problem("conflicting-deadlines", row, self.col("deadline"), number=task.number or "?",
                         first=task.deadline_text, value=own,
                         first_cell=f"{self.col_letter('deadline')}{task.row}")
        self.continue_task(task, row, content)

    def finish(self, task: Task) -> None:
        """Checks that need the whole task, and the deadline from the section."""
        row = task.row
        hidden = [r for r in task.rows if r in self.grid.hidden_rows]
        if hidden:
            self.problem("hidden-row", hidden[0], None, number=task.number or "?")
        if not task.content:
            self.problem("empty-content", row, self.col("content"), number=task.number or "?")
        if not task.lead and not self.is_formula(row, "lead"):
            self.problem("empty-unit", row, self.col("lead"), number=task.number or "?")
        self.check_deadline(task)
        if task.progress and task.completed_on is None and is_done(task.progress):
            task.progress = "Đã hoàn thành"

    def quarter_cell(self, task: Task) -> Deadline | None:
        """The task's quarter from a "Quý" column the staff filled ("II", 2, "Quý II")."""
        found = self._extra_cells.get(task.code, {}).get("quarter")
        if found is None:
            return None
        row, value = found
        text = _value_text(value)
        if re.fullmatch(r"(?i)[ivx]+|\d", text):
            text = f"Quý {text}"
        reading = parse_deadline(text, self.year)
        if reading.problem is not None or reading.due is None or reading.start is None:
            self.problem("quarter-unreadable", row, self.col("quarter"), value=_value_text(value))
            return None
        return reading

    def period(self, task: Task) -> tuple[str, date, date, int | None] | None:
        """The period a task must fall in: its "Quý" cell, else its quarter section."""
        cell = self.quarter_cell(task)
        if cell is not None and cell.start is not None and cell.due is not None:
            return cell.text, cell.start, cell.due, cell.quarter
        quarter = task.section.quarter if task.section else None
        if quarter is not None and 1 <= quarter <= 4:
            start, end = quarter_bounds(self.year, quarter)
            return QUARTER_NAMES[quarter], start, end, quarter
        return None

    def check_deadline(self, task: Task) -> None:
        column = self.col("deadline")
        period = self.period(task)
        deadline = task.deadline
        if not task.deadline_text:
            if period is not None:
                label, start, due, quarter = period
                task.deadline = Deadline(text=label, start=start, due=due, quarter=quarter)
                task.deadline_from_section = True
            elif column is not None:
                if not self.is_formula(task.row, "deadline"):  # said for its cell already
                    self.problem("deadline-empty", task.row, column, number=task.number or "?")
            else:
                self.problem("no-deadline", task.row, self.col("content"), number=task.number or "?")
            self.add_start(task)
            return
        if deadline.problem == "unreadable":
            self.problem("deadline-unreadable", task.row, column, value=task.deadline_text)
            return
        if deadline.problem == "impossible-date":
            self.problem("deadline-impossible", task.row, column, value=task.deadline_text,
                         detail=deadline.problem_detail)
            return
        self.add_start(task)
        if deadline.due is None:
            return
        if period is not None:
            label, start, end, _ = period
            if not start <= deadline.due <= end:
                self.problem("deadline-outside-quarter", task.row, column,
                             value=task.deadline_text, due=_vn_date(deadline.due),
                             section=label, start=_vn_date(start), end=_vn_date(end))
                return
        if deadline.due.year != self.year:
            self.problem("deadline-outside-year", task.row, column, value=task.deadline_text,
                         due=_vn_date(deadline.due), year=self.year)

    def add_start(self, task: Task) -> None:
        """The start of the task from a "Bắt đầu" column ("Thời gian thực hiện" over "Bắt đầu |
        Hoàn thành"): the deadline itself comes from the end column."""
        found = self._extra_cells.get(task.code, {}).get("start")
        if found is None:
            return
        row, value = found
        reading = parse_deadline(value, self.year)
        start = reading.start or reading.due
        if start is None or reading.problem is not None:
            self.problem("deadline-unreadable", row, self.col("start"), value=_value_text(value))
            return
        task.deadline = task.deadline.model_copy(update={"start": start})


_HIDDEN_SKIPPED = " nên không được đọc (thường là bản cũ); hãy bỏ ẩn sheet nếu đây là bảng nhiệm vụ đang dùng"
_HIDDEN_READ = " nhưng vẫn được đọc vì không có bảng nhiệm vụ nào khác đang hiện"


def _reads_differently(value: str, reading: LegacyReading) -> bool:
    """Whether a legacy reading changes the text ("Quý I" in a .VnTime cell reads the same)."""
    return clean(reading.unicode_text) != clean(value)


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
    "number": re.compile(r"^(s?tt|so tt|so thu tu)$"),
    "code": re.compile(r"^(ma|ma don vi|ma dv|ky hieu)$"),
    "name": re.compile(r"^(ten|ten don vi|don vi|ten dv|ten co quan|co quan don vi)$"),
    "aliases": re.compile(r"(ten goi khac|viet tat|ten khac|bi danh)"),
    "kind": re.compile(r"^(loai|loai don vi|phan loai)$"),
    "email": re.compile(r"(email|e mail|thu dien tu)"),
}
_UNIT_SCAN_ROWS = 15


def _unit_cell(grid: Grid, row: int, column: int, log: ProblemLog, file: str, *,
               lines: bool = False) -> str:
    """A cell of the "Đơn vị" sheet, TCVN3/VNI text read as Unicode (and reported)."""
    value = grid.value(row, column)
    if isinstance(value, ExcelError) or value is None:
        return ""
    if isinstance(value, str) and not value.isascii():
        reading = _detect_legacy(value.strip(), grid.fonts.get((row, column)))
        if reading is not None:
            if _reads_differently(value, reading):
                log.add("legacy-encoding", sheet=grid.name, row=row, column=column, file=file,
                        encoding=reading.encoding, value=_short(clean(value)),
                        reading=_short(clean(reading.unicode_text)))
            value = reading.unicode_text
    return clean_lines(value) if lines else clean(value)


def read_units(grid: Grid, log: ProblemLog, file: str = "") -> list[Unit]:
    """Units from a "Đơn vị" sheet: code, name, aliases (";"-separated, or "," between names),
    kind, email. Group heading rows ("I | CÁC SỞ, BAN, NGÀNH") are not units."""
    header_row, columns = 0, {}
    for row in range(1, min(grid.max_row, _UNIT_SCAN_ROWS) + 1):
        found: dict[str, int] = {}
        for column in range(1, grid.max_column + 1):
            words = fold_words(header_text(grid, row, column))
            for name, pattern in _UNIT_HEADERS.items():
                if name not in found and pattern.search(words):
                    found[name] = column
                    break
        if "name" in found:
            header_row, columns = row, found
            break
    if not header_row:
        log.add("header-not-found", sheet=grid.name, file=file, rows=_UNIT_SCAN_ROWS,
                expected='"Mã đơn vị", "Tên đơn vị"', seen=available(seen_labels(grid)))
        return []

    def cell(row: int, name: str, *, lines: bool = False) -> str:
        return _unit_cell(grid, row, columns[name], log, file, lines=lines) if name in columns else ""

    rows = range(header_row + 1, grid.max_row + 1)
    with_code = "code" in columns and any(grid.text(r, columns["code"]) for r in rows)
    units: list[Unit] = []
    used_codes: set[str] = set()
    for row in rows:
        name = cell(row, "name")
        if not name:
            continue
        code = cell(row, "code")
        if not code and _is_group_heading(grid.value(row, columns["number"]) if "number" in columns
                                          else None, name, with_code):
            continue
        code = code or _code_from_name(name)
        base, suffix = code, 2
        while code in used_codes:
            code, suffix = f"{base}_{suffix}", suffix + 1
        used_codes.add(code)
        units.append(Unit(
            code=code, name=name, aliases=split_aliases(cell(row, "aliases", lines=True)),
            kind=cell(row, "kind") if "kind" in columns else "Đơn vị",
            email=cell(row, "email"), row=row,
        ))
    return units


def _is_group_heading(number: object, name: str, with_code: bool) -> bool:
    """A row that heads a group of units: numbered "I", "A", or in capitals without a code
    where the other units have one.

    >>> _is_group_heading("I", "Các sở, ban, ngành", True), _is_group_heading(3, "Sở Y tế", False)
    (True, False)
    """
    mark = read_number(number)
    if mark.kind == "roman" or (isinstance(number, str) and _HEADING_LETTER.fullmatch(clean(number))):
        return True
    return with_code and name.isupper()


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
    hidden: list[tuple[Grid, HeaderMatch, SheetKind]] = []
    without_header: list[Grid] = []
    for grid in grids:
        role = roles[grid.name]
        if role in ("units", "config", "forms", "output"):
            continue
        header = find_header(grid)
        if header is None:
            if role in ("phu_luc", "phan_cong") and grid.state == "visible":
                without_header.append(grid)
            continue
        kind: SheetKind
        if role in ("phu_luc", "phan_cong"):
            kind = role  # type: ignore[assignment]
        else:
            kind = "phu_luc" if "directing" in header.columns or "deadline" not in header.columns \
                else "phan_cong"
        (candidates if grid.state == "visible" else hidden).append((grid, header, kind))
    # a hidden sheet is an old copy kept aside: read only when no visible sheet has a task table
    for grid, _, _ in hidden:
        log.add("hidden-sheet", sheet=grid.name, file=file,
                action=_HIDDEN_READ if not candidates else _HIDDEN_SKIPPED)
    if not candidates:
        candidates = hidden
    expected = ", ".join(f'"{FIELD_LABELS[f]}"' for f in ("number", *REQUIRED_FIELDS))
    for grid in without_header:
        # "Phụ lục 2 - Số liệu" beside the task sheets: a table of another kind, not an error
        log.add("no-task-table" if candidates else "header-not-found", sheet=grid.name, file=file,
                expected=expected, seen=available(seen_labels(grid)), rows=HEADER_SCAN_ROWS)
    if not candidates and not without_header:
        log.add("sheet-not-found", file=file, expected=expected, sheets=available(names))
    for grid, header, _ in candidates:
        for _, used, ignored in header.duplicates:
            why = f" (cột {column_letter(ignored)} đang ẩn)" if ignored in grid.hidden_columns else ""
            log.add("duplicate-header", sheet=grid.name, row=header.row, column=ignored, file=file,
                    label=header.labels.get(ignored, ""), used=column_letter(used),
                    used_label=header.labels.get(used, ""), why=why)

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
