"""What the nightly rebuild keeps between runs, as plain values: each unit's result
(:class:`UnitResult`), the whole state of the master (:class:`State`) and what one run changed in it
(:class:`JournalEntry`), and the records a unit is made from (:class:`Record`, :class:`Entry`).
:mod:`tdkt_xl.nightly.rebuild` makes and keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from tdkt_xl.consolidation.master_cells import Block

ProblemRow = tuple[str, str, str, str, str, str]  # (file, sheet, cell, severity, code, message)
Order = tuple[Any, ...]  # where a report comes among all (choose_newest's order)
Replaced = tuple[Order, int, str, tuple[ProblemRow, ...]]  # (order of the report that replaced it,
# version, file, problems) of a superseded report
OutcomeRow = tuple[str, str, str, str]  # (file, outcome, code, reason) of the "Lỗi" sheet


class Entry(NamedTuple):
    """A unit's report on one task."""

    status: str | None
    completed_on: date | None
    result: str
    difficulties: str
    note: str


class Progress(NamedTuple):
    """What counting a task's progress needs of a unit's entry."""

    status: str | None
    completed_on: date | None


class Record(NamedTuple):
    """One accepted stored report, as a unit is made from it."""

    id: int
    unit_code: str
    file: str  # as the master shows it (marked when no longer in the inbox)
    present: bool
    modified: datetime
    submitted_on: date | None
    entries: dict[str, Entry]  # task -> entry
    problems: tuple[ProblemRow, ...]
    sums: list[int]  # each form's count over the years

    @property
    def order(self) -> Order:
        """Where it comes among all reports
        (:func:`~tdkt_xl.consolidation.aggregate.choose_newest`'s order)."""
        return (self.submitted_on or date.min, self.modified or datetime.min, self.present, self.file)


class UnitResult(NamedTuple):
    """What one unit of the plan gives the master, from all its reports."""

    state: str
    newest: int | None  # the version of the report used
    file: str  # its file as shown ("" without one)
    entries: dict[str, Progress]  # task -> progress of the report used
    problems: tuple[Order, tuple[ProblemRow, ...]] | None  # the order of the unit's first report
    # (problems come in the order of their units' first reports) and the problems of the one used
    superseded: tuple[Replaced, ...]
    submission: bytes  # the cells of its row in "Tình hình nộp báo cáo", after the STT
    detail: tuple[bytes, ...]  # of its rows in "Chi tiết tiến độ", in the order they come
    by_unit: bytes | None  # of its row in "Số liệu chi tiết" before its "Tổng" (None: no report)


@dataclass
class State:
    """What the master is made of, kept between runs."""

    states: dict[str, str]  # unit -> missing | rejected | late | on_time | submitted
    newest: dict[str, int]  # unit -> the version of its report used
    files: dict[str, str]  # unit -> that report's file
    entries: dict[str, dict[str, Progress]]  # task -> unit -> progress
    problems: dict[str, tuple[Order, tuple[ProblemRow, ...]]]  # units whose report used has problems
    superseded: dict[str, tuple[Replaced, ...]]  # units with superseded reports
    rejected: dict[str, OutcomeRow]  # path -> its row: rejected, or no longer counted
    totals: dict[str, dict[int, int]]
    blocks: dict[str, Block]  # "S": submissions, "D": units' rows on each task, "U": units' counts

    def put(self, code: str, result: UnitResult) -> None:
        """A unit made again (its rows apart: see :func:`_updated_blocks`)."""
        self.states[code] = result.state
        if result.newest is None:
            self.newest.pop(code, None)
            self.files.pop(code, None)
        else:
            self.newest[code], self.files[code] = result.newest, result.file
        if result.problems is None:
            self.problems.pop(code, None)
        else:
            self.problems[code] = result.problems
        if not result.superseded:
            self.superseded.pop(code, None)
        else:
            self.superseded[code] = result.superseded
        for by_unit in self.entries.values():
            by_unit.pop(code, None)
        for task_code, progress in result.entries.items():
            self.entries.setdefault(task_code, {})[code] = progress


class JournalEntry(NamedTuple):
    """What one run changed in the state it started from."""

    generation: str
    changes: int
    results: dict[str, UnitResult]
    rejected: dict[str, OutcomeRow | None]  # path -> its row now (None: no longer one)
    totals: dict[str, dict[int, int]]
    submissions_order: list[str] | None  # when it changed
    by_unit_order: list[str] | None
