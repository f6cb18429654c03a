"""Consolidate unit report workbooks into the master tổng hợp: the pure part.

Takes the plan and every report as read (a :class:`~tdkt_xl.intake.unit_report.UnitReport`,
see :func:`~tdkt_xl.intake.unit_report.read_unit_report`) and the files that gave none, and
computes who reported, each task's progress across units, and the commendation totals. Bad
files are never dropped: each is an outcome with its reason; problems confined to cells are
listed and only those cells are left out.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from tdkt_xl.errors import Problem
from tdkt_xl.intake.plan_index import plan_forms, plan_years
from tdkt_xl.intake.unit_report import ProgressEntry, UnitReport
from tdkt_xl.plans.models import CommendationForm, Plan, Task
from tdkt_xl.plans.status import Status, task_status
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import PROGRESS_DONE, PROGRESS_NOT_STARTED, PROGRESS_ONGOING

Outcome = Literal["accepted", "rejected", "superseded", "skipped"]


class FileOutcome(BaseModel):
    """What happened to one file of the inbox."""

    file: str
    outcome: Outcome
    reason: str = ""
    code: str = ""
    unit_code: str | None = None
    problems: int = 0


STATE_LABELS = {"missing": "Chưa nộp", "late": "Nộp muộn", "on_time": "Nộp đúng hạn", "submitted": "Đã nộp"}


class UnitSubmission(BaseModel):
    """A unit of the plan and where its report stands."""

    unit: Unit
    state: Literal["missing", "late", "on_time", "submitted"]
    report: UnitReport | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


class TaskProgress(BaseModel):
    """A task's progress across the units that report on it."""

    task: Task
    units: list[str]
    done: int = 0
    ongoing: int = 0
    not_started: int = 0
    nothing: int = 0
    status: Status
    entries: dict[str, ProgressEntry] = Field(default_factory=dict)


class Consolidation(BaseModel):
    """The whole consolidation: what the master shows and the JSON summary says."""

    plan_file: str = ""
    as_of: date
    report_deadline: date | None = None
    years: list[int]
    forms: list[CommendationForm]
    submissions: list[UnitSubmission]
    tasks: list[TaskProgress]
    totals: dict[str, dict[int, int]]
    files: list[FileOutcome]
    reports: list[UnitReport]
    problems: list[Problem]
    timings: dict[str, float] = Field(default_factory=dict)  # seconds per phase

    @property
    def proposals(self) -> list[tuple[Unit, str]]:
        """Each unit's "Kiến nghị, đề xuất" from the report used (issue 17: gathered under the đề
        cương's item IV), by unit code; the units that wrote none are left out."""
        return sorted(((s.unit, s.report.proposals) for s in self.submissions
                       if s.report is not None and s.report.proposals), key=lambda item: item[0].code)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome == "rejected"]

    def summary(self, master: str) -> dict[str, object]:
        """The ``consolidate --json`` summary."""
        def files(kind: Outcome) -> list[str]:
            return [f.file for f in self.files if f.outcome == kind]

        return {
            "units": {
                "expected": len(self.submissions),
                "submitted": sum(1 for s in self.submissions if s.state != "missing"),
                "late": [s.unit.code for s in self.submissions if s.state == "late"],
                "missing": [s.unit.code for s in self.submissions if s.state == "missing"],
            },
            "files": {
                "accepted": files("accepted"),
                "rejected": [{"file": f.file, "reason": f.reason} for f in self.rejected],
                "superseded": files("superseded"),
                "skipped": files("skipped"),
            },
            # the cell problems of the reports used (and superseded): file, sheet, cell, message
            "problems": [{"file": p.file, **p.as_json()} for p in self.problems],
            "totals": {form: {str(y): n for y, n in years.items()} for form, years in self.totals.items()},
            "master": master,
        }


# --- putting the reports together --------------------------------------------


def _totals(reports: Iterable[UnitReport], forms: list[str], years: list[int]) -> dict[str, dict[int, int]]:
    """Counts per form and year over the reports (a column at a time: thousands of reports).

    >>> r = UnitReport(file="a", unit_code="A", stats={"X": {2023: 2, 2024: 1}, "Y": {2024: 5}})
    >>> _totals([r, r], ["X", "Y"], [2023, 2024])
    {'X': {2023: 4, 2024: 2}, 'Y': {2023: 0, 2024: 10}}
    """
    pick = operator.itemgetter(*years)
    columns: dict[str, list[tuple[int, ...]]] = {name: [] for name in forms}
    for report in reports:  # one report's dicts after another: they sit together in memory
        for name, counts in report.stats.items():
            rows = columns.get(name)
            if rows is None or not counts:
                continue
            try:
                picked = pick(counts)
            except KeyError:  # a year left out (its cell had a problem): 0
                picked = tuple(counts.get(year, 0) for year in years)
            rows.append(picked if len(years) > 1 else (picked,))
    return {name: dict(zip(years, [sum(c) for c in zip(*rows, strict=True)] if rows else [0] * len(years),
                           strict=True))
            for name, rows in columns.items()}


def progress_counts(task: Task, entries: Mapping[str, Any], as_of: date, due_soon_days: int
                    ) -> tuple[list[str], int, int, int, int, Status]:
    """A task's units, how many of them report it done, ongoing, not started or nothing, and its
    status: done when every lead unit reports done. ``entries`` (unit -> its entry, anything with
    ``status`` and ``completed_on``) may hold other tasks' units too."""
    codes = [u.code for u in task.units if u.code]
    done = ongoing = not_started = nothing = 0
    for code in codes:
        entry = entries.get(code)
        if entry is None or entry.status is None:
            nothing += 1
        elif entry.status == PROGRESS_DONE:
            done += 1
        elif entry.status == PROGRESS_ONGOING:
            ongoing += 1
        elif entry.status == PROGRESS_NOT_STARTED:
            not_started += 1
    leads = [u.code for u in task.lead if u.code]
    lead_entries = [entries.get(code) for code in leads]
    lead_done = bool(leads) and all(e is not None and e.status == PROGRESS_DONE for e in lead_entries)
    completed = [e.completed_on for e in lead_entries if e is not None and e.completed_on]
    view = task.model_copy(update={
        "completed_on": max(completed) if lead_done and completed else None,
        "progress": PROGRESS_DONE if lead_done else "",
    })
    return codes, done, ongoing, not_started, nothing, task_status(view, as_of, due_soon_days).status


def task_progress(task: Task, entries: dict[str, ProgressEntry], as_of: date, due_soon_days: int
                  ) -> TaskProgress:
    """A task's counts across its units and its status: done when every lead unit reports done."""
    codes, done, ongoing, not_started, nothing, status = progress_counts(task, entries, as_of, due_soon_days)
    return TaskProgress(task=task, units=codes, status=status, entries=entries, done=done, ongoing=ongoing,
                        not_started=not_started, nothing=nothing)


class _Sent(Protocol):
    @property
    def unit_code(self) -> str: ...

    @property
    def file(self) -> str: ...

    @property
    def present(self) -> bool: ...

    @property
    def submitted_on(self) -> date | None: ...

    @property
    def modified(self) -> datetime | None: ...


_R = TypeVar("_R", bound=_Sent)


def choose_newest(reports: Iterable[_R]) -> tuple[dict[str, _R], list[_R]]:
    """Each unit's newest report, and the others (superseded, in the order they were passed by).

    The newer "Ngày lập" wins; a report without a readable one counts from its file's date (and
    of two alike, the file still in the inbox: a file moved into a subfolder, then the file name).
    """
    newest: dict[str, _R] = {}
    superseded: list[_R] = []
    for report in sorted(reports, key=lambda r: (r.submitted_on or date.min, r.modified or datetime.min,
                                                 r.present, r.file)):
        if report.unit_code in newest:
            superseded.append(newest[report.unit_code])
        newest[report.unit_code] = report
    return newest, superseded


def superseded_reason(unit_code: str, newer_file: str) -> str:
    return f"Đơn vị {unit_code} đã có báo cáo mới hơn: {newer_file}"


SubmissionState = Literal["missing", "late", "on_time", "submitted"]
SUBMISSION_ORDER = {"missing": 0, "late": 1, "submitted": 2, "on_time": 3}  # of the submissions sheet


def submission_state(submitted_on: date | None, deadline: date | None, found: bool) -> SubmissionState:
    """Where a unit's report stands: missing, late, on time, or submitted (no deadline or no date).

    >>> submission_state(date(2024, 6, 26), date(2024, 6, 25), True)
    'late'
    """
    if not found:
        return "missing"
    if deadline is None or submitted_on is None:
        return "submitted"
    return "late" if submitted_on > deadline else "on_time"


def consolidate(
    plan: Plan,
    reports: Sequence[UnitReport],
    outcomes: Sequence[FileOutcome],
    *,
    as_of: date,
    plan_file: str = "",
) -> Consolidation:
    """Choose each unit's newest report, and compute submissions, task progress and totals.

    ``reports`` are the readable reports (several may belong to one unit: the newer
    "Ngày lập", then file time, wins and the others are superseded); ``outcomes``
    are the rejected and skipped files.
    """
    newest, superseded = choose_newest(reports)
    files = list(outcomes)
    # model_construct: thousands of outcomes made of values already checked
    files += [FileOutcome.model_construct(file=r.file, outcome="accepted", reason="", code="",
                                          unit_code=r.unit_code, problems=len(r.problems))
              for r in newest.values()]
    files += [FileOutcome(file=r.file, outcome="superseded", unit_code=r.unit_code,
                          reason=superseded_reason(r.unit_code, newest[r.unit_code].file),
                          problems=len(r.problems)) for r in superseded]
    files.sort(key=lambda f: f.file)

    deadline = plan.config.report_deadline
    submissions: list[UnitSubmission] = []
    for unit in plan.units or []:
        if unit.is_group:
            continue
        found = newest.get(unit.code)
        state = submission_state(found.submitted_on if found else None, deadline, found is not None)
        submissions.append(UnitSubmission.model_construct(unit=unit, state=state, report=found))
    submissions.sort(key=lambda s: (SUBMISSION_ORDER[s.state], s.unit.code))

    by_task: dict[str, dict[str, ProgressEntry]] = {}
    for code, report in newest.items():
        for task_code, entry in report.progress.items():
            by_task.setdefault(task_code, {})[code] = entry
    tasks = [task_progress(task, by_task.get(task.code, {}), as_of, plan.config.due_soon_days)
             for task in plan.tasks]

    years = plan_years(plan)
    forms = plan_forms(plan)
    totals = _totals(newest.values(), [f.name for f in forms], years)

    problems = [p for r in newest.values() for p in r.problems]
    problems += [p for r in superseded for p in r.problems]
    return Consolidation(
        plan_file=plan_file, as_of=as_of, report_deadline=deadline, years=years, forms=forms,
        submissions=submissions, tasks=tasks, totals=totals, files=files,
        reports=list(newest.values()), problems=problems,
    )
