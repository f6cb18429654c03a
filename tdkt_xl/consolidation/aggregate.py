"""Consolidate unit report workbooks into the master tổng hợp: the pure part.

Takes the plan and every report as read (a :class:`~tdkt_xl.intake.unit_report.UnitReport`,
see :func:`~tdkt_xl.intake.unit_report.read_unit_report`) and the files that gave none, and
computes who reported, each task's progress across units, and the commendation totals. Bad
files are never dropped: each is an outcome with its reason; problems confined to cells are
listed and only those cells are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel, Field

from tdkt_xl.errors import Problem
from tdkt_xl.intake.form_counts import summed
from tdkt_xl.intake.plan_index import plan_forms, plan_years
from tdkt_xl.intake.unit_report import ProgressEntry, UnitReport
from tdkt_xl.plans.models import CommendationForm, Plan, Task
from tdkt_xl.plans.status import Status, task_status
from tdkt_xl.plans.text import fold_words
from tdkt_xl.plans.units import Unit, UnitDirectory
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
    # a rejected file that makes its unit "Tệp bị loại – đề nghị gửi lại" (not one rejected under
    # another plan, or a report no longer counted: the nightly ledger's files of before)
    chased: bool = True


STATE_LABELS = {"missing": "Chưa nộp", "rejected": "Tệp bị loại – đề nghị gửi lại", "late": "Nộp muộn",
                "on_time": "Nộp đúng hạn", "submitted": "Đã nộp"}
SubmissionState = Literal["missing", "rejected", "late", "on_time", "submitted"]
NOT_SUBMITTED = ("missing", "rejected")  # the states of a unit with no report counted
# of the submissions sheet and the đôn đốc list
SUBMISSION_ORDER = {"missing": 0, "rejected": 1, "late": 2, "submitted": 3, "on_time": 4}


class UnitSubmission(BaseModel):
    """A unit of the plan and where its report stands (``rejected``: its files, all rejected)."""

    unit: Unit
    state: SubmissionState
    report: UnitReport | None = None
    rejected: list[FileOutcome] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


class TaskProgress(BaseModel):
    """A task's progress across the units that report on it."""

    task: Task
    units: list[str]
    groups: list[str] = Field(default_factory=list)  # those of ``units`` that are groups without members
    leads: list[str] | None = None  # those of ``units`` that lead it (None: the task's lead as written)
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
    groups: dict[str, str] = Field(default_factory=dict)  # the plan's groups: code -> name

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
                "submitted": sum(1 for s in self.submissions if s.state not in NOT_SUBMITTED),
                "late": [s.unit.code for s in self.submissions if s.state == "late"],
                "missing": [s.unit.code for s in self.submissions if s.state == "missing"],
                "rejected": [s.unit.code for s in self.submissions if s.state == "rejected"],
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


# --- groups: a task given to "Các huyện, thị xã, thành phố" ----------------------------------

GROUP_LINE_STATUS = "Nhóm đơn vị (chưa liệt kê đơn vị thành viên): không đôn đốc"


class UnitLine(NamedTuple):
    """A line of a task in "Chi tiết tiến độ": a unit that reports, or a group whose members the
    "Đơn vị" sheet does not list (``group``: shown by name, never chased, never counted)."""

    code: str
    lead: bool
    group: bool = False


class UnitGroups:
    """The plan's groups and their members (the units whose "Thuộc nhóm" cell names them).

    >>> from tdkt_xl.plans.units import UnitRef
    >>> groups = UnitGroups([Unit(code="H", name="Các huyện", kind="Nhóm"), Unit(code="C", name="Cụm",
    ...                      kind="Nhóm"), Unit(code="A", name="Huyện A", groups=("H",))])
    >>> task = Task(sheet="PL", kind="phu_luc", code="1", number="1", row=5, rows=[5],
    ...             lead=[UnitRef(text="Các huyện", code="H")], partners=[UnitRef(text="Cụm", code="C")])
    >>> groups.lines(task)
    [UnitLine(code='A', lead=True, group=False), UnitLine(code='C', lead=False, group=True)]
    """

    def __init__(self, units: Iterable[Unit] | None) -> None:
        listed = list(units or [])
        self.groups = {u.code for u in listed if u.is_group}
        self.members: dict[str, list[str]] = {}
        for unit in listed:
            if not unit.is_group:
                for group in unit.groups:
                    self.members.setdefault(group, []).append(unit.code)

    def lines(self, task: Task) -> list[UnitLine]:
        """The task's lead then cooperating units, each group replaced by its members (when listed),
        each unit once (as lead when it is one)."""
        lines: dict[str, UnitLine] = {}
        for lead, refs in ((True, task.lead), (False, task.partners)):
            for ref in refs:
                if not ref.code:
                    continue
                members = self.members.get(ref.code) if ref.code in self.groups else [ref.code]
                for code in members or ():
                    lines.setdefault(code, UnitLine(code, lead))
                if not members:
                    lines.setdefault(ref.code, UnitLine(ref.code, lead, group=True))
        return list(lines.values())


def progress_counts(task: Task, entries: Mapping[str, Any], as_of: date, due_soon_days: int,
                    lines: Sequence[UnitLine] | None = None) -> tuple[list[str], int, int, int, int, Status]:
    """A task's units (``lines``: its :meth:`UnitGroups.lines`, by default its units as written),
    how many of them report it done, ongoing, not started or nothing, and its status: done when
    every lead unit reports done, else as the plan says (its own completion date or progress, as
    the status copy shows it). A group without listed members is a line of its own, not counted.
    ``entries`` (unit -> its entry, anything with ``status`` and ``completed_on``) may hold other
    tasks' units too."""
    if lines is None:
        leads = {u.code for u in task.lead}
        lines = [UnitLine(u.code, u.code in leads) for u in task.units if u.code]
    codes = [line.code for line in lines]
    done = ongoing = not_started = nothing = 0
    for line in lines:
        if line.group:
            continue
        entry = entries.get(line.code)
        if entry is None or entry.status is None:
            nothing += 1
        elif entry.status == PROGRESS_DONE:
            done += 1
        elif entry.status == PROGRESS_ONGOING:
            ongoing += 1
        elif entry.status == PROGRESS_NOT_STARTED:
            not_started += 1
    lead_entries = [entries.get(line.code) for line in lines if line.lead and not line.group]
    lead_done = bool(lead_entries) and all(e is not None and e.status == PROGRESS_DONE for e in lead_entries)
    if not lead_done:  # what the plan itself records (the status copy's status)
        return codes, done, ongoing, not_started, nothing, task_status(task, as_of, due_soon_days).status
    completed = [e.completed_on for e in lead_entries if e is not None and e.completed_on]
    view = task.model_copy(update={"completed_on": max(completed) if completed else None,
                                   "progress": PROGRESS_DONE})
    return codes, done, ongoing, not_started, nothing, task_status(view, as_of, due_soon_days).status


def task_progress(task: Task, entries: dict[str, ProgressEntry], as_of: date, due_soon_days: int,
                  groups: UnitGroups | None = None) -> TaskProgress:
    """A task's counts across its units and its status: done when every lead unit reports done."""
    lines = groups.lines(task) if groups is not None else None
    codes, done, ongoing, not_started, nothing, status = progress_counts(task, entries, as_of, due_soon_days,
                                                                         lines)
    shown = [line.code for line in lines if line.group] if lines is not None else []
    leads = [line.code for line in lines if line.lead] if lines is not None else None
    return TaskProgress(task=task, units=codes, groups=shown, leads=leads, status=status, entries=entries,
                        done=done, ongoing=ongoing, not_started=not_started, nothing=nothing)


# --- files rejected: the unit they came from, by the file's name ------------------------------

# a mark a copy's name ends with: "(1)", "_v2", " - Copy", "_sua", "-2" (after a separator)
_COPY_MARK = re.compile(r"(\s*\(\d+\)|[\s_-]+(copy|ban sao|bản sao|sua|sửa|moi|mới|v\d+|lan \d+|lần \d+"
                        r"|\d+))$", re.IGNORECASE)


def unit_of_file(path: str, units: UnitDirectory, codes: Mapping[str, str]) -> str | None:
    """The unit a file comes from, by its name: the unit's code (the template's name, "SGTVT.xlsx",
    also "SGTVT (1).xlsx", "SGTVT_v2.xlsx", "sgtvt - Copy.xlsx") or its name or alias ("Sở GTVT.xlsx").
    ``codes``: each unit's code by its folded words.

    >>> d = UnitDirectory([Unit(code="SGTVT", name="Sở Giao thông vận tải", aliases=("Sở GTVT",)),
    ...                    Unit(code="DV0017", name="Xã 17")])
    >>> [unit_of_file(p, d, {"sgtvt": "SGTVT", "dv0017": "DV0017"})
    ...  for p in ("a/SGTVT (1).xlsx", "Sở GTVT.xls", "DV0017 (2)_v3.xlsx", "DV00.xlsx", "x.xlsx")]
    ['SGTVT', 'SGTVT', 'DV0017', None, None]
    """
    name = re.split(r"[\\/]", path)[-1]
    text = name.rsplit(".", 1)[0] if "." in name else name
    while text.strip():
        code = codes.get(fold_words(text))
        if code is None:
            unit = units.lookup(text)
            code = unit.code if unit is not None else None
        if code is not None:
            return code
        shorter = _COPY_MARK.sub("", text)
        if shorter == text:
            return None
        text = shorter
    return None


class FileUnits:
    """Tells, by its name, the unit (one that reports) each rejected file comes from (the lookup
    is made on the first file: most runs reject none)."""

    def __init__(self, units: Iterable[Unit] | None) -> None:
        self.units = [u for u in units or [] if not u.is_group]
        self._lookup: tuple[UnitDirectory, dict[str, str]] | None = None

    def __call__(self, path: str) -> str | None:
        if self._lookup is None:
            self._lookup = (UnitDirectory(self.units), {fold_words(u.code): u.code for u in self.units})
        return unit_of_file(path, *self._lookup)


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


# the units to chase, in this order: not reported, their files all rejected, reported late (each
# under its heading on the "Đôn đốc" sheet, in the công văn đôn đốc and its e-mails)
CHASE_ORDER = {"missing": 0, "rejected": 1, "late": 2}


def to_chase(submissions: Iterable[UnitSubmission]) -> list[UnitSubmission]:
    """The units to chase, in :data:`CHASE_ORDER` (by code within each state)."""
    chosen = [s for s in submissions if s.state in CHASE_ORDER]
    return sorted(chosen, key=lambda s: (CHASE_ORDER[s.state], s.unit.code))


def submission_state(submitted_on: date | None, deadline: date | None, found: bool,
                     rejected: bool = False) -> SubmissionState:
    """Where a unit's report stands: missing, its files all rejected, late, on time, or submitted
    (no deadline or no date).

    >>> submission_state(date(2024, 6, 26), date(2024, 6, 25), True)
    'late'
    >>> submission_state(None, None, False, rejected=True)
    'rejected'
    """
    if not found:
        return "rejected" if rejected else "missing"
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
    # model_construct: thousands of outcomes made of values already checked (one set of the
    # fields given for all: a field assigned later is in it already)
    every_field = set(FileOutcome.model_fields)
    files += [FileOutcome.model_construct(every_field, file=r.file, outcome="accepted", reason="", code="",
                                          unit_code=r.unit_code, problems=len(r.problems))
              for r in newest.values()]
    files += [FileOutcome(file=r.file, outcome="superseded", unit_code=r.unit_code,
                          reason=superseded_reason(r.unit_code, newest[r.unit_code].file),
                          problems=len(r.problems)) for r in superseded]
    files.sort(key=lambda f: f.file)

    deadline = plan.config.report_deadline
    of_file = FileUnits(plan.units)
    rejected_of: dict[str, list[FileOutcome]] = {}
    for outcome in files:
        if outcome.outcome == "rejected" and outcome.chased:
            code = outcome.unit_code or of_file(outcome.file)
            if code is not None:
                rejected_of.setdefault(code, []).append(outcome)
    submissions: list[UnitSubmission] = []
    every_field = set(UnitSubmission.model_fields)
    for unit in plan.units or []:
        if unit.is_group:
            continue
        found = newest.get(unit.code)
        rejected = rejected_of.get(unit.code, []) if found is None else []
        state = submission_state(found.submitted_on if found else None, deadline, found is not None,
                                 bool(rejected))
        submissions.append(UnitSubmission.model_construct(every_field, unit=unit, state=state, report=found,
                                                          rejected=rejected))
    submissions.sort(key=lambda s: (SUBMISSION_ORDER[s.state], s.unit.code))

    by_task: dict[str, dict[str, ProgressEntry]] = {}
    for code, report in newest.items():
        for task_code, entry in report.progress.items():
            by_task.setdefault(task_code, {})[code] = entry
    groups = UnitGroups(plan.units)
    tasks = [task_progress(task, by_task.get(task.code, {}), as_of, plan.config.due_soon_days, groups)
             for task in plan.tasks]

    years = plan_years(plan)
    forms = plan_forms(plan)
    totals = summed((r.stats for r in newest.values()), [f.name for f in forms], years)

    problems = [p for r in newest.values() for p in r.problems]
    problems += [p for r in superseded for p in r.problems]
    return Consolidation(
        plan_file=plan_file, as_of=as_of, report_deadline=deadline, years=years, forms=forms,
        submissions=submissions, tasks=tasks, totals=totals, files=files,
        reports=list(newest.values()), problems=problems,
        groups={u.code: u.name for u in plan.units or [] if u.is_group},
    )
