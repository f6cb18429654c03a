"""Read one task table (a Phụ lục or Phân công sheet): sections, rows, numbers, units, deadlines."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tdkt_xl.errors import Code, ProblemLog, column_letter
from tdkt_xl.plans.cell_text import shorten, value_text
from tdkt_xl.plans.column_texts import ColumnTexts, read_column
from tdkt_xl.plans.deadline_cells import DeadlineCell, read_deadline_cell
from tdkt_xl.plans.deadlines import Deadline, parse_deadline
from tdkt_xl.plans.grids import (
    REQUIRED_FIELDS,
    ExcelError,
    FormulaWithoutValue,
    Grid,
    HeaderMatch,
    header_like,
    is_column_number_row,
)
from tdkt_xl.plans.legacy_encodings import LegacyReading
from tdkt_xl.plans.models import Section, SheetKind, Task
from tdkt_xl.plans.task_deadlines import TaskDeadlineChecks
from tdkt_xl.plans.task_groups import Group, group_start, stray_cells
from tdkt_xl.plans.task_numbers import (
    HEADING_LETTER,
    SECTION_TEXT,
    SUB_NUMBER,
    TaskNumber,
    matched_quarter,
    read_number,
    roman_heading,
    section_quarter,
)
from tdkt_xl.plans.text import clean, fold, fold_words
from tdkt_xl.plans.units import UnitDirectory, UnitRef

# Only an explicit done status: not "Không hoàn thành", "Chưa hoàn thành", "Hoàn thành 50%".
_DONE = re.compile(r"^(?:da )?(?:hoan thanh|xong)(?: (?:dung han|tre han|100))?$")
_UNIT_FIELDS = ("lead", "partners", "directing")


def is_done(progress: str) -> bool:
    """Whether a "Tình trạng" text says the task is done.

    >>> [is_done(t) for t in ("Đã hoàn thành", "Hoàn thành 100%", "Không hoàn thành", "Hoàn thành 50%")]
    [True, True, False, False]
    """
    return bool(_DONE.match(fold_words(progress)))


@dataclass
class TaskSheetReader(TaskDeadlineChecks):
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
    _seen_numbers: dict[str, int] = field(default_factory=dict)  # each number's first row
    _last_top: int = 0
    _last_sub: dict[int, int] = field(default_factory=dict)
    _last_kind: str = ""
    _codes: set[str] = field(default_factory=set)
    _header_rows: set[int] = field(default_factory=set)
    _after_header: bool = False
    _number_unknown: bool = False  # the previous number was a formula without a value
    _heading_rows: set[int] = field(default_factory=set)
    _extra_cells: dict[str, dict[str, tuple[int, object]]] = field(default_factory=dict)
    issued: date | None = None  # the plan's issue date: relative deadlines count from it
    _group: Group | None = None  # the group the rows below belong to
    _groups: dict[str, Group] = field(default_factory=dict)  # each task's group, by task code
    _letter_parent: str = ""  # what a), b) … items are numbered under: the last number or group
    _carried_top: int = 0  # the last number before the section: numbering may go on from it
    _group_count: int = 0  # groups without a number or code so far in the section
    # each field's cell texts by row, read a column at a time: on one line, with line breaks
    _one: dict[str, list[str]] = field(default_factory=dict)
    _lines: dict[str, list[str]] = field(default_factory=dict)
    _legacy: dict[str, dict[int, tuple[str, LegacyReading]]] = field(default_factory=dict)  # not said yet
    _legacy_rows: set[int] = field(default_factory=set)  # the rows of those
    _numbers: dict[int, TaskNumber] = field(default_factory=dict)  # each row's number cell, read
    _deadline_cells: dict[tuple[str, str | None], DeadlineCell] = field(default_factory=dict)
    _unit_cells: dict[str, list[UnitRef]] = field(default_factory=dict)  # a units cell's text, split

    def col(self, name: str) -> int | None:
        return self.header.columns.get(name)

    @functools.cached_property
    def _extra_names(self) -> tuple[str, ...]:
        """The columns of "start", "quarter" and "duration" the table has (most have none)."""
        return tuple(name for name in ("start", "quarter", "duration") if name in self.header.columns)

    def problem(self, code: str, row: int, column: int | None = None, **fields: Any) -> None:
        self.log.add(code, sheet=self.grid.name, row=row, column=column, file=self.file, **fields)

    # --- cells ---

    def raw(self, row: int, name: str) -> object:
        column = self.col(name)
        return None if column is None else self.grid.value(row, column)

    def text(self, row: int, name: str, *, lines: bool = False) -> str:
        """A cell's text, legacy encodings read as Unicode (and reported). Each column is read
        once (:mod:`~tdkt_xl.plans.column_texts`): a task's rows are looked at several times."""
        texts = (self._lines if lines else self._one).get(name)
        if texts is None:
            texts = self.read_texts(name, lines)
        if self._legacy_rows and row in self._legacy_rows:
            self.say_legacy(row, name)
        try:
            return texts[row]
        except IndexError:  # below the sheet's last row, or no such column
            return ""

    def read_texts(self, name: str, lines: bool) -> list[str]:
        """Read a field's column (none: no texts)."""
        column = self.header.columns.get(name)
        texts = read_column(self.grid, column) if column is not None else ColumnTexts([], [])
        self._one[name], self._lines[name] = texts.one, texts.lines
        if texts.legacy:
            self._legacy[name] = texts.legacy
            self._legacy_rows.update(texts.legacy)
        return texts.lines if lines else texts.one

    def say_legacy(self, row: int, name: str) -> None:
        """A legacy-encoded cell read as Unicode: said the first time the cell is read."""
        said = self._legacy.get(name, {}).pop(row, None)
        if said is not None:
            value, reading = said
            self.problem(Code.LEGACY_ENCODING, row, self.col(name), encoding=reading.encoding,
                         value=shorten(clean(value)), reading=shorten(clean(reading.unicode_text)))

    def own_text(self, row: int, name: str) -> str:
        """A cell's text unless it was copied down from a merged range above, or heads a range
        merged down over the rows below (a unit written once for a whole block)."""
        column = self.col(name)
        if column is None or (row, column) in self.merged_cells or (row, column) in self.merge_tops:
            return ""
        return self.text(row, name)

    def own_units(self, row: int) -> bool:
        return bool(self.own_text(row, "lead") or self.own_text(row, "partners")
                    or self.own_text(row, "directing"))  # _UNIT_FIELDS, without a generator

    def blank_rows(self, end: int) -> list[bool]:
        """Whether each row (1-based, up to ``end``) is empty in every column of the table."""
        blank = [True] * (end + 1)
        for name in self.header.columns:
            texts = self._one.get(name) or self.read_texts(name, False)
            for row, text in enumerate(texts[:end + 1]):
                if text:
                    blank[row] = False
        return blank

    def report_cell_problems(self, row: int) -> None:
        cells = self.grid.rows[row - 1][:self.header.last_column] if row <= len(self.grid.rows) else []
        for column, value in enumerate(cells, start=1):
            if type(value) is str or value is None:  # most cells: nothing to say
                continue
            if isinstance(value, ExcelError):
                self.problem(Code.EXCEL_ERROR, row, column, value=str(value))
            elif isinstance(value, FormulaWithoutValue):
                self.problem(Code.FORMULA_NO_VALUE, row, column, value=value.formula)

    def is_formula(self, row: int, name: str) -> bool:
        return isinstance(self.raw(row, name), FormulaWithoutValue)

    # --- rows ---

    def table_columns(self) -> list[int]:
        return sorted(self.header.columns.values())

    def number_at(self, row: int) -> TaskNumber:
        """The row's number cell, read (once: the table's end, its last row and the row itself ask)."""
        found = self._numbers.get(row)
        if found is None:
            number_col = self.col("number")
            found = read_number(self.grid.value(row, number_col)) if number_col else TaskNumber("none")
            self._numbers[row] = found
        return found

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
            if ("content" in named and all(named.get(f) == columns.get(f) for f in REQUIRED_FIELDS)) \
                    or self.repeats_header(row):
                self._header_rows.add(row)
                if is_column_number_row(self.grid, row + 1, used):
                    self._header_rows.add(row + 1)
                continue
            self.problem(Code.SECOND_TABLE, row, None)
            return row - 1
        return self.grid.max_row

    def repeats_header(self, row: int) -> bool:
        """Whether a row says what the header row says, cell for cell (the header repeated on each
        printed page, also when no label names the content)."""
        return all(fold(self.grid.text(row, c)) == fold(self.grid.text(self.header.row, c))
                   for c in range(1, self.header.last_column + 1))

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
            if section or (content and (self.has_units(row) or self.text(row, "deadline"))):
                last = row
        return last

    def has_units(self, row: int) -> bool:
        """Whether the row names a unit in any unit column."""
        return bool(self.text(row, "lead") or self.text(row, "partners") or self.text(row, "directing"))

    def read(self) -> None:
        start = self.header.data_start
        self.merged_cells = self.grid.fill_merged_down(start)
        self.merge_tops = {(r1, c1) for r1, c1, r2, _ in self.grid.merged if r2 > r1 and r1 >= start}
        end = self.last_structured_row(self.table_end())
        columns = self.table_columns()
        blank = self.blank_rows(end)
        for row in range(start, end + 1):
            if row in self._header_rows:
                self._after_header = True
                continue
            if blank[row]:
                if any(isinstance(self.grid.value(row, c), FormulaWithoutValue) for c in columns):
                    self.report_cell_problems(row)
                continue
            self.report_cell_problems(row)
            self.read_row(row)
        for task in self.tasks:
            self.finish(task)

    def read_row(self, row: int) -> None:
        """One row of the table: a section or a heading, a new task, or more of the task above."""
        number_col = self.col("number")
        raw_number = self.grid.value(row, number_col) if number_col else None
        number = self.number_at(row)
        content = self.text(row, "content", lines=True)
        label = content
        if number.kind == "text":
            label = content or number.text  # "I. QUÝ I" typed in column A, merged across
            roman = roman_heading(number.text)
            number = TaskNumber("roman", roman) if roman else TaskNumber("none")
        elif number.kind == "none" and content and (roman := roman_heading(content)):
            number = TaskNumber("roman", roman)  # "IV. Phát triển …" in the content column
        if (number.kind == "roman" and self._last_kind == "letter" and isinstance(raw_number, str)
                and raw_number.strip().islower()):
            number = TaskNumber("letter", number.text.lower())  # "i" after "h"
        if self.read_heading(row, raw_number, number, label):
            return
        group = group_start(self.grid, self.header, row, number, content, self.merged_cells)
        if group is not None:
            self.start_group(group)
            return
        self.read_task_row(row, number, content)

    def read_heading(self, row: int, raw_number: object, number: TaskNumber, label: str) -> bool:
        """Start a section ("I | Quý I") or a lettered heading ("A | NHIỆM VỤ TRỌNG TÂM") if the row
        is one (a row with units or a deadline of its own is a task); whether it was."""
        # (a numbered row is a heading only if its number is a letter: most rows ask nothing more)
        if number.kind in ("roman", "none"):
            section_match = SECTION_TEXT.match(fold(label)) if label else None
            if section_match and (number.kind == "roman" or not self.own_units(row)):
                self.start_section(row, number, label, section_match)
                self.report_stray_text(row)
                return True
            if number.kind == "roman" and not self.own_units(row):
                self.start_section(row, number, label, None)
                self.report_stray_text(row)
                return True
        if (isinstance(raw_number, str) and label and HEADING_LETTER.fullmatch(clean(raw_number))
                and not self.own_units(row) and not self.own_text(row, "deadline")):
            self.start_heading(row, clean(raw_number).rstrip("."), label)
            return True
        return False

    def read_task_row(self, row: int, number: TaskNumber, content: str) -> None:
        """A row that is no heading: a new task, or more of the task above."""
        number_col = self.col("number")
        from_merge = number_col is not None and (row, number_col) in self.merged_cells
        sub = SUB_NUMBER.match(content)
        previous = self.tasks[-1] if self.tasks else None
        if sub and (number.kind == "none" or from_merge
                    or (number.kind == "top" and sub.group(1).startswith(f"{number.text}."))):
            # "6." merged over rows whose contents are "6.1. …", "6.2. …"
            self.new_task(row, TaskNumber("sub", sub.group(1),
                                          tuple(int(p) for p in sub.group(1).split("."))),
                          content[sub.end():].strip())
            return
        if from_merge and previous is not None:
            self.continue_merged(previous, row, content)
            return
        if number.kind == "bad":
            self.problem(Code.NUMBER_UNREADABLE, row, number_col, value=number.text)
            self.new_task(row, number, content)
            return
        if number.kind in ("top", "sub", "letter"):
            self.new_task(row, number, content)
            return
        if previous is not None and content and not self.has_units(row) and not self.text(row, "deadline"):
            self.continue_task(previous, row, content)
            return
        if previous is not None and not content:
            self.continue_task(previous, row, content)
            return
        if self.is_formula(row, "number"):  # a formula without a value is said for its cell
            self.new_task(row, TaskNumber("none", ""), content)
            self._number_unknown = True
            return
        self.problem(Code.MISSING_NUMBER, row, number_col, expected=str(self._last_top + 1))
        self.new_task(row, TaskNumber("none", ""), content)

    def start_section(self, row: int, number: TaskNumber, label: str,
                      match: re.Match[str] | None) -> None:
        quarter = matched_quarter(match) if match is not None else None
        label = label or number.text
        roman = number.text if number.kind == "roman" else (match.group(1) or "").upper() if match else ""
        section = Section(label=label, row=row, roman=roman or _roman(quarter), quarter=quarter)
        if quarter is not None:
            quarters = [s for s in self.sections if s.row not in self._heading_rows]
            for earlier in quarters:
                if earlier.quarter == quarter:
                    self.problem(Code.DUPLICATE_SECTION, row, self.col("content"),
                                 section=label, first_cell=f"{self.col_letter('content')}{earlier.row}")
                    break
            else:
                last_q = max((s.quarter or 0 for s in quarters), default=0)
                if quarter < last_q:
                    previous = next(s for s in quarters if s.quarter == last_q)
                    self.problem(Code.SECTION_OUT_OF_ORDER, row, self.col("content"),
                                 section=label, previous=previous.label)
        self.sections.append(section)
        self.restart_numbering()

    def report_stray_text(self, row: int) -> None:
        """Text in a section row's other cells (a deadline fragment left by a page break): said
        for its cell, never read as a task."""
        for column, text in stray_cells(self.grid, self.header, row, self.merged_cells | self.merge_tops):
            self.problem(Code.STRAY_TEXT_IN_SECTION, row, column, value=shorten(text))

    def start_group(self, group: Group) -> None:
        """A group row: not a task; numbering of its a), b) … items restarts under it (a group
        without a number or code is named by its place in the section: "N1", "N2" …)."""
        row = group.row
        self._group_count += 1
        if not group.label:
            group.label = f"N{self._group_count}"
        for name in _UNIT_FIELDS:
            group.units[name] = self.read_units(row, name)
        group.note = self.text(row, "note", lines=True)
        self._group = group
        self._letter_parent = group.label

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
        self._carried_top = max(self._carried_top, self._last_top)
        self._group = None
        self._group_count = 0
        self._letter_parent = ""
        self._seen_numbers = {}
        self._last_top = 0
        self._last_sub = {}
        self._after_header = False

    def col_letter(self, name: str) -> str:
        return column_letter(self.col(name) or 1)

    def new_task(self, row: int, number: TaskNumber, content: str) -> None:
        if self._after_header:  # a second table under the same header numbers from 1 again
            self._after_header = False
            if number.kind == "top" and number.parts == (1,):
                self.restart_numbering()
        section = self.sections[-1] if self.sections else None
        group = self._group
        if group is not None and not group.has_item(self.grid, self.header, row, number):
            group = self._group = None
        parent: str | None = None
        if number.kind == "letter":
            parent = self._letter_parent or None
            text = f"{parent}{number.text}" if parent else number.text
        else:
            text = number.text
        if number.kind == "sub":
            parent = ".".join(map(str, number.parts[:-1]))
        self.check_number(row, number, text)
        if number.kind in ("top", "sub") and group is None:
            self._letter_parent = str(self._last_top)
        self._last_kind = number.kind
        code = self.make_code(section, text or f"r{row}", row)
        # the first row's units and deadline given to the model at once (set one by one, each is
        # checked again): the units in the order the row names them, the deadline if it has one
        lead, partners, directing = (self.read_units(row, name) for name in _UNIT_FIELDS)
        deadline = self._deadline_of(row)
        task = Task(
            sheet=self.grid.name, kind=self.kind, code=code, number=text, row=row, rows=[row],
            section=section, content=content, parent=parent,
            group=group.label if group is not None else None,
            lead=lead, partners=partners, directing=directing,
            **({"deadline_text": deadline[0], "deadline": deadline[1]} if deadline is not None else {}),
        )
        if group is not None:
            self._groups[code] = group
        self.add_row_cells(task, row, first=True)
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

    def check_number(self, row: int, number: TaskNumber, text: str) -> None:
        column = self.col("number")
        if not text:
            return
        if text in self._seen_numbers:
            self.problem(Code.DUPLICATE_NUMBER, row, column, number=text,
                         first_cell=f"{self.col_letter('number')}{self._seen_numbers[text]}")
            return
        self._seen_numbers[text] = row
        if number.kind == "top":
            value = number.parts[0]
            unknown, self._number_unknown = self._number_unknown, False
            # under a new section numbering restarts at 1 or goes on from the section above
            goes_on = self._last_top == 0 and value == self._carried_top + 1
            if value > self._last_top + 1 and not unknown and not goes_on:
                missing = _span(self._last_top + 1, value - 1)
                self.problem(Code.NUMBER_GAP, row, column, missing=missing,
                             previous=self._last_top or "đầu bảng", number=text)
            elif value <= self._last_top:
                self.problem(Code.NUMBER_OUT_OF_ORDER, row, column, number=text,
                             previous=self._last_top)
            self._last_top = max(self._last_top, value)
        elif number.kind == "sub" and len(number.parts) == 2:
            parent, child = number.parts
            last = self._last_sub.get(parent, 0)
            if child > last + 1:
                self.problem(Code.NUMBER_GAP, row, column,
                             missing=_span(last + 1, child - 1, prefix=f"{parent}."),
                             previous=f"{parent}.{last}" if last else parent, number=text)
            elif child <= last:
                self.problem(Code.NUMBER_OUT_OF_ORDER, row, column, number=text,
                             previous=f"{parent}.{last}")
            self._last_sub[parent] = max(last, child)
            if parent > self._last_top:
                if parent > self._last_top + 1:
                    self.problem(Code.NUMBER_GAP, row, column,
                                 missing=_span(self._last_top + 1, parent - 1),
                                 previous=self._last_top or "đầu bảng", number=text)
                self._last_top = parent

    def add_row_cells(self, task: Task, row: int, *, first: bool = False) -> None:
        """Fill a task's units, deadline and dates from one of its rows (first value wins; the
        ``first`` row's units and deadline are in the task already)."""
        if not first:
            for name in _UNIT_FIELDS:
                refs = self.read_units(row, name)
                current: list[UnitRef] = getattr(task, name)
                known = {r.code or fold(r.text) for r in current}
                current.extend(r for r in refs if (r.code or fold(r.text)) not in known)
            if not task.deadline_text:
                found = self._deadline_of(row)
                if found is not None:
                    task.deadline_text, task.deadline = found
        if self._extra_names:
            extra = self._extra_cells.setdefault(task.code, {})
            for name in self._extra_names:
                value = self.raw(row, name)
                if name not in extra and value not in (None, "") and not isinstance(value, ExcelError):
                    extra[name] = (row, self.text(row, name) if isinstance(value, str) else value)
        if task.completed_on is None and "completed" in self.header.columns:
            self.read_completed(task, row)
        if not task.progress:
            progress = self.text(row, "progress")
            if progress:
                task.progress = progress
        note = self.text(row, "note", lines=True)
        if note:
            task.note = f"{task.note}\n{note}".strip()

    def _deadline_of(self, row: int) -> tuple[str, Deadline] | None:
        """The one place a deadline cell becomes a Deadline: the cell's text as shown, and its
        reading (None for an empty cell or an Excel error). ``self.issued`` is the plan's issue
        date, for deadlines counted from it."""
        value = self.raw(row, "deadline")
        if value is None or isinstance(value, ExcelError):
            return None
        column = self.col("deadline")
        number_format = self.grid.formats.get((row, column or 0))
        if isinstance(value, str):  # plans repeat their deadline phrases: each read once
            text = self.text(row, "deadline", lines=True)
            cell = self._deadline_cells.get((text, number_format))
            if cell is None:
                cell = self._deadline_cells[(text, number_format)] = read_deadline_cell(
                    text, number_format, self.year, issued=self.issued)
        else:
            cell = read_deadline_cell(value, number_format, self.year, issued=self.issued)
        for note in cell.notes:  # a reviewer's note typed after the deadline (said once per cell)
            self.problem(Code.DEADLINE_NOTE, row, column, value=cell.text, note=note)
        return cell.text, cell.deadline

    def read_units(self, row: int, name: str) -> list[UnitRef]:
        text = self.text(row, name, lines=True)
        if not text:
            return []
        found = self._unit_cells.get(text)  # plans name the same units on many rows: split once
        if found is None:
            found = self._unit_cells[text] = (self.units or UnitDirectory([])).split(text)
        refs = list(found)
        if self.units is None:
            return refs
        for ref in refs:
            if ref.code is None:
                names = self.units.suggest(ref.text)
                suggestion = f"; có phải: {', '.join(names)}?" if names else "."
                self.problem(Code.UNKNOWN_UNIT, row, self.col(name), unit=ref.text,
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
            self.problem(Code.COMPLETION_DATE_UNREADABLE, row, self.col("completed"),
                         value=value_text(value))

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
            self.problem(Code.CONFLICTING_DEADLINES, row, self.col("deadline"), number=task.number or "?",
                         first=task.deadline_text, value=own,
                         first_cell=f"{self.col_letter('deadline')}{task.row}")
        self.continue_task(task, row, content)

    def finish(self, task: Task) -> None:
        """Checks that need the whole task, and the deadline from the section."""
        row = task.row
        if self._groups:
            self.inherit(task)
        self.read_duration(task)
        hidden = [r for r in task.rows if r in self.grid.hidden_rows] if self.grid.hidden_rows else None
        if hidden:
            self.problem(Code.HIDDEN_ROW, hidden[0], None, number=task.number or "?")
        if not task.content:
            self.problem(Code.EMPTY_CONTENT, row, self.col("content"), number=task.number or "?")
        if not task.lead and not self.is_formula(row, "lead"):
            self.problem(Code.EMPTY_UNIT, row, self.col("lead"), number=task.number or "?")
        self.check_deadline(task)
        if task.progress and task.completed_on is None and is_done(task.progress):
            task.progress = "Đã hoàn thành"

    def inherit(self, task: Task) -> None:
        """What a group's item lacks, from the group row: units, deadline, note."""
        group = self._groups.get(task.code)
        if group is None:
            return
        for name in _UNIT_FIELDS:
            if not getattr(task, name) and group.units.get(name):
                setattr(task, name, list(group.units[name]))
        if not task.deadline_text:
            found = self._deadline_of(group.row)
            if found is not None:
                task.deadline_text, task.deadline = found
        if not task.note and group.note:
            task.note = group.note


def _roman(quarter: int | None) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(quarter or 0, "")


def _span(first: int, last: int, prefix: str = "") -> str:
    return f"{prefix}{first}" if first == last else f"{prefix}{first}–{prefix}{last}"
