"""The checks of a task's deadline that need the whole task: its quarter section or "Quý" cell, a
duration counted from a start, the start column (mixed into
:class:`~tdkt_xl.plans.task_sheet.TaskSheetReader`)."""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from typing import Any

from tdkt_xl.errors import Code
from tdkt_xl.plans.cell_text import value_text, vn_date
from tdkt_xl.plans.deadlines import Deadline, parse_deadline, quarter_bounds
from tdkt_xl.plans.models import Task
from tdkt_xl.plans.task_numbers import QUARTER_NAMES, duration_days


class TaskDeadlineChecks:
    """The deadline checks of a task table's reader; what they use of the reader is declared here."""

    year: int
    _extra_cells: dict[str, dict[str, tuple[int, object]]]

    def col(self, name: str) -> int | None:
        raise NotImplementedError

    def extra_cell(self, task: Task, name: str) -> tuple[int, object] | None:
        """The task's first "start", "quarter" or "duration" cell: its row and value (none in most
        tables, which have no such column)."""
        extra = self._extra_cells.get(task.code) if self._extra_cells else None
        return extra.get(name) if extra else None

    def problem(self, code: str, row: int, column: int | None = None, **fields: Any) -> None:
        raise NotImplementedError

    def is_formula(self, row: int, name: str) -> bool:
        raise NotImplementedError

    def read_duration(self, task: Task) -> None:
        """A duration cell ("30", "30 ngày"): the task's number of days, never a deadline."""
        found = self.extra_cell(task, "duration")
        if found is not None:
            task.duration_text = value_text(found[1])
            task.duration_days = duration_days(found[1])

    def deadline_from_duration(self, task: Task) -> bool:
        """due = start + days, when the task has both a duration and a start; whether it had."""
        found = self.extra_cell(task, "start")
        if task.duration_days is None or found is None:
            return False
        reading = parse_deadline(found[1], self.year)
        start = reading.start or reading.due
        if start is None or reading.problem is not None:
            return False
        due = start + timedelta(days=task.duration_days)
        task.deadline = Deadline(text=f"{vn_date(start)} + {task.duration_days} ngày", start=start, due=due,
                                 quarter=(due.month - 1) // 3 + 1)
        return True

    def quarter_cell(self, task: Task) -> Deadline | None:
        """The task's quarter from a "Quý" column the staff filled ("II", 2, "Quý II")."""
        found = self.extra_cell(task, "quarter")
        if found is None:
            return None
        row, value = found
        text = value_text(value)
        if re.fullmatch(r"(?i)[ivx]+|\d", text):
            text = f"Quý {text}"
        reading = parse_deadline(text, self.year)
        if reading.problem is not None or reading.due is None or reading.start is None:
            self.problem(Code.QUARTER_UNREADABLE, row, self.col("quarter"), value=value_text(value))
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

    def say_deadline_problem(self, task: Task, column: int | None) -> None:
        """The problem of a deadline cell that gives no usable date: unreadable, impossible, or
        counted from an issue date the plan does not give (a warning)."""
        deadline = task.deadline
        if deadline.problem == "impossible-date":
            self.problem(Code.DEADLINE_IMPOSSIBLE, task.row, column, value=task.deadline_text,
                         detail=deadline.problem_detail)
        elif deadline.problem == "relative":
            self.problem(Code.DEADLINE_RELATIVE, task.row, column, value=task.deadline_text)
        else:
            self.problem(Code.DEADLINE_UNREADABLE, task.row, column, value=task.deadline_text)

    def check_deadline(self, task: Task) -> None:
        column = self.col("deadline")
        period = self.period(task)
        deadline = task.deadline
        if not task.deadline_text and self.deadline_from_duration(task):
            return
        if not task.deadline_text:
            if period is not None:
                label, start, due, quarter = period
                task.deadline = _period_deadline(label, start, due, quarter)
                task.deadline_from_section = True
            elif column is not None:
                if not self.is_formula(task.row, "deadline"):  # said for its cell already
                    self.problem(Code.DEADLINE_EMPTY, task.row, column, number=task.number or "?")
            else:
                self.problem(Code.NO_DEADLINE, task.row, self.col("content"), number=task.number or "?")
            self.add_start(task)
            return
        if deadline.problem is not None:
            self.say_deadline_problem(task, column)
            return
        self.add_start(task)
        if deadline.due is None:
            return
        if period is not None:
            label, start, end, _ = period
            if not start <= deadline.due <= end:
                self.problem(Code.DEADLINE_OUTSIDE_QUARTER, task.row, column,
                             value=task.deadline_text, due=vn_date(deadline.due),
                             section=label, start=vn_date(start), end=vn_date(end))
                return
        if deadline.due.year != self.year:
            self.problem(Code.DEADLINE_OUTSIDE_YEAR, task.row, column, value=task.deadline_text,
                         due=vn_date(deadline.due), year=self.year)

    def add_start(self, task: Task) -> None:
        """The start of the task from a "Bắt đầu" column ("Thời gian thực hiện" over "Bắt đầu |
        Hoàn thành"): the deadline itself comes from the end column."""
        found = self.extra_cell(task, "start")
        if found is None:
            return
        row, value = found
        reading = parse_deadline(value, self.year)
        start = reading.start or reading.due
        if start is None or reading.problem is not None:
            self.problem(Code.DEADLINE_UNREADABLE, row, self.col("start"), value=value_text(value))
            return
        task.deadline = task.deadline.model_copy(update={"start": start})


@functools.lru_cache(maxsize=256)
def _period_deadline(label: str, start: date, due: date, quarter: int | None) -> Deadline:
    """The deadline of a task that takes its section's or its "Quý" cell's period (one model for all
    the tasks of a period: a task's deadline is replaced, never changed in place)."""
    return Deadline(text=label, start=start, due=due, quarter=quarter)
