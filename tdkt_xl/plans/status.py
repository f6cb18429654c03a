"""Deadline status of every task on a given day, and what the status writers put in a workbook.

The second half is pure layout shared by the openpyxl adapter (:mod:`tdkt_xl.excel.status_copy`) and the
xlwings adapter (:mod:`tdkt_xl.excel`): which columns Quý, Hạn, Còn (ngày) and Trạng thái
go in, the colours, and the rows of the "Kết quả kiểm tra" sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from tdkt_xl.error_codes import CODES, Code
from tdkt_xl.errors import Problem
from tdkt_xl.plans.deadlines import quarter_of
from tdkt_xl.plans.models import Plan, Task, TaskSheet

VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")  # no DST since 1975


class Status(StrEnum):
    """The status labels staff see."""

    DONE = "Đã hoàn thành"
    DONE_LATE = "Hoàn thành trễ hạn"
    OVERDUE = "Quá hạn"
    DUE_SOON = "Sắp đến hạn"
    NOT_DUE = "Chưa đến hạn"
    RECURRING = "Thường xuyên"
    UNKNOWN = "Chưa xác định hạn"


# (fill, font) colours per status, Excel's "good / bad / neutral" palette.
STATUS_COLORS: dict[Status, tuple[str, str]] = {
    Status.DONE: ("C6EFCE", "006100"),
    Status.DONE_LATE: ("E2EFDA", "7F6000"),
    Status.OVERDUE: ("FFC7CE", "9C0006"),
    Status.DUE_SOON: ("FFEB9C", "9C5700"),
    Status.NOT_DUE: ("DDEBF7", "1F4E78"),
    Status.RECURRING: ("EDEDED", "404040"),
    Status.UNKNOWN: ("F2F2F2", "7F7F7F"),
}

QUARTER_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class TaskStatus(BaseModel):
    """A task's status on ``as_of``; ``days_left`` is negative when overdue.

    ``due`` is the due date the status is measured against: the task's, or, when its cell names
    several (``Deadline.dues``), the earliest one not yet met (see :func:`task_status`).
    """

    model_config = ConfigDict(frozen=True)

    task: Task
    as_of: date
    status: Status
    days_left: int | None = None
    due: date | None = None


def today_in_vietnam() -> date:
    """Today's date in Asia/Ho_Chi_Minh, whatever the machine's time zone."""
    return datetime.now(VIETNAM).date()


def vietnam_time(timestamp: float) -> datetime:
    """A file time (seconds since the epoch) as Vietnam's wall clock, whatever the machine's time
    zone: whether a report came before the deadline must not depend on the server.

    >>> vietnam_time(0)
    datetime.datetime(1970, 1, 1, 7, 0)
    """
    return datetime.fromtimestamp(timestamp, VIETNAM).replace(tzinfo=None)


def task_status(task: Task, as_of: date, due_soon_days: int = 7) -> TaskStatus:
    """The status of one task.

    >>> from tdkt_xl.plans.deadlines import parse_deadline
    >>> t = Task(sheet="PC", kind="phan_cong", code="PC-1", number="1", row=7, rows=[7],
    ...          deadline=parse_deadline("Trước ngày 15/6", 2024))
    >>> task_status(t, date(2024, 6, 10)).status.value
    'Sắp đến hạn'

    A cell naming several deadlines ("Trước ngày 15/6 và trước ngày 01/12") is measured against
    the earliest due not yet met. A due is met when the task was done (its completion date, on
    or before ``as_of``) on or before it: the rule of a single due ("done after the due" is
    "Hoàn thành trễ hạn", "not done and the due passed" is "Quá hạn") applied to each due in
    turn. So a task not done is measured against its first due, and is overdue once that day has
    passed (the later dues do not excuse a missed earlier one); a task done after its first due
    is done late; a task done by its first due met every due.

    >>> t = t.model_copy(update={"deadline": parse_deadline("Trước ngày 15/6 và trước ngày 01/12", 2024)})
    >>> late = task_status(t, date(2024, 7, 1))
    >>> late.status.value, late.due, late.days_left
    ('Quá hạn', datetime.date(2024, 6, 15), -16)
    """
    due = _measured_due(task, as_of)
    days_left = (due - as_of).days if due is not None else None
    completed = task.completed_on
    if completed is not None and completed <= as_of:
        late = due is not None and completed > due
        status = Status.DONE_LATE if late else Status.DONE
        return TaskStatus(task=task, as_of=as_of, status=status, days_left=None, due=due)
    # done after as_of: not yet done on that day, whatever the progress cell says now
    if completed is None and task.progress == Status.DONE.value:
        return TaskStatus(task=task, as_of=as_of, status=Status.DONE, days_left=None, due=due)
    if due is None or days_left is None:
        status = Status.RECURRING if task.deadline.recurring else Status.UNKNOWN
        return TaskStatus(task=task, as_of=as_of, status=status)
    if days_left < 0:
        status = Status.OVERDUE
    elif days_left <= due_soon_days:
        status = Status.DUE_SOON
    else:
        status = Status.NOT_DUE
    return TaskStatus(task=task, as_of=as_of, status=status, days_left=days_left, due=due)


def _measured_due(task: Task, as_of: date) -> date | None:
    """The due a task's status is measured against: its only one, or the earliest not yet met
    (met: done, on or before ``as_of``, on or before that due); all met, the last."""
    dues = task.deadline.dues
    if len(dues) < 2:
        return task.deadline.due
    completed = task.completed_on
    if completed is None and task.progress == Status.DONE.value:
        return dues[-1]  # done, with no date: every due met
    done = completed is not None and completed <= as_of
    return next((day for day in dues if not (done and completed is not None and completed <= day)),
                dues[-1])


def due_label(item: TaskStatus) -> str:
    """Which of several dues a status is measured against: "15/06/2024 (1/2)"; "" for a task with
    one due.

    >>> from tdkt_xl.plans.deadlines import parse_deadline
    >>> t = Task(sheet="PC", kind="phan_cong", code="PC-1", number="1", row=7, rows=[7],
    ...          deadline=parse_deadline("Trước ngày 15/6 và trước ngày 01/12", 2024))
    >>> due_label(task_status(t, date(2024, 6, 1)))
    '15/06/2024 (1/2)'
    """
    dues = item.task.deadline.dues
    if len(dues) < 2 or item.due is None or item.due not in dues:
        return ""
    return f"{item.due:%d/%m/%Y} ({dues.index(item.due) + 1}/{len(dues)})"


def plan_status(plan: Plan, as_of: date | None = None) -> list[TaskStatus]:
    """Every task's status. ``as_of`` defaults to Cấu hình's date, then today in Vietnam."""
    day = as_of or plan.config.as_of or today_in_vietnam()
    return [task_status(t, day, plan.config.due_soon_days) for t in plan.tasks]


def shown_quarter(item: TaskStatus) -> int | None:
    """The quarter shown beside a task: its deadline's, or, for a cell naming several deadlines,
    that of the one the status is measured against (so Quý and Hạn agree).

    >>> from tdkt_xl.plans.deadlines import parse_deadline
    >>> t = Task(sheet="PC", kind="phan_cong", code="PC-1", number="1", row=7, rows=[7],
    ...          deadline=parse_deadline("Trước ngày 15/6 và trước ngày 01/12", 2024))
    >>> shown_quarter(task_status(t, date(2024, 6, 1))), t.deadline.quarter
    (2, 4)
    """
    deadline = item.task.deadline
    if len(deadline.dues) > 1 and item.due is not None:
        return quarter_of(item.due)
    return deadline.quarter


def status_row(item: TaskStatus) -> tuple[str, date | str | None, int | None, str]:
    """The four values written next to a task: Quý, Hạn, Còn (ngày), Trạng thái.

    For a cell naming several deadlines, Hạn says which one the status is measured against
    ("15/06/2024 (1/2)", see :func:`due_label`); for any other task it is the due date.
    """
    deadline = item.task.deadline
    quarter = QUARTER_ROMAN.get(shown_quarter(item) or 0, "")
    due: date | str | None = due_label(item) or deadline.due
    if due is None and deadline.recurring:
        due = Status.RECURRING.value
    return quarter, due, item.days_left, item.status.value


def count_by_status(items: list[TaskStatus]) -> dict[Status, int]:
    """How many tasks have each status, in the order of :class:`Status`."""
    counts = dict.fromkeys(Status, 0)
    for item in items:
        counts[item.status] += 1
    return counts


# --- what the status writers put in a workbook (shared by the openpyxl and xlwings adapters) ---

RESULT_SHEET = "Kết quả kiểm tra"
STATUS_HEADERS = ("Quý", "Hạn", "Còn (ngày)", "Trạng thái")
GENERATED_KEYS = ("quarter", "due", "days_left", "status")
STATUS_WIDTHS = (12, 12, 12, 20)  # column widths of new Quý, Hạn, Còn (ngày), Trạng thái columns
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = "D9E1F2"
BORDER_COLOR = "808080"
LINK_COLOR = "0563C1"
PROBLEM_FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}
RESULT_HEADERS = ("STT", "Mức độ", "Mã", "Tên lỗi", "Sheet", "Ô", "Nội dung")
RESULT_WIDTHS = (6, 10, 18, 26, 12, 7, 56)
RESULT_LINK_COLUMN = 6  # "Ô": a link to the cell
RESULT_FIRST_ROW = 4  # the header is on row 3, the first problem on row 4
NO_PROBLEMS = "Không có lỗi hay cảnh báo nào."


@dataclass(frozen=True)
class StatusColumns:
    """Where a sheet's Quý, Hạn, Còn (ngày), Trạng thái go; ``new`` are the columns to create.

    >>> StatusColumns((7, 8, 9, 10), (7, 8, 9, 10)).headers()
    [(7, 'Quý'), (8, 'Hạn'), (9, 'Còn (ngày)'), (10, 'Trạng thái')]
    """

    columns: tuple[int, int, int, int]
    new: tuple[int, ...] = ()

    def headers(self) -> list[tuple[int, str]]:
        """(column, title) of each new column."""
        return [(c, t) for c, t in zip(self.columns, STATUS_HEADERS, strict=True) if c in self.new]

    def width(self, column: int) -> int:
        """The width a new column gets."""
        return STATUS_WIDTHS[self.columns.index(column)]


def status_columns(sheet: TaskSheet, used_columns: int = 0) -> StatusColumns:
    """The columns a table's generated cells use: those found in its header, else new ones after it.

    ``used_columns`` is the sheet's last used column, so that new columns never overwrite
    anything to the right of the table.

    >>> ts = TaskSheet(name="PC", kind="phan_cong", header_row=2, columns={"content": 2},
    ...                last_column=9, first_row=3, last_row=9, generated_columns={"status": 9})
    >>> status_columns(ts, used_columns=6)
    StatusColumns(columns=(10, 11, 12, 9), new=(10, 11, 12))
    """
    next_free = max(sheet.last_column, used_columns) + 1
    columns: list[int] = []
    new: list[int] = []
    for key in GENERATED_KEYS:
        column = sheet.generated_columns.get(key)
        if column is None:
            column, next_free = next_free, next_free + 1
            new.append(column)
        columns.append(column)
    return StatusColumns((columns[0], columns[1], columns[2], columns[3]), tuple(new))


def status_fill(status: Status) -> str:
    """The fill colour (RRGGBB) of a status cell; :data:`STATUS_COLORS` also has the font colour.

    >>> status_fill(Status.OVERDUE)
    'FFC7CE'
    """
    return STATUS_COLORS[status][0]


def problem_counts(problems: Sequence[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for p in problems if p.severity == "error")
    return errors, len(problems) - errors


def result_title(plan: Plan, statuses: Sequence[TaskStatus]) -> str:
    """The first line of the "Kết quả kiểm tra" sheet.

    >>> result_title(Plan(year=2024), [])
    'Kết quả kiểm tra: 0 lỗi, 0 cảnh báo; 0 nhiệm vụ; trạng thái tính đến ngày .'
    """
    errors, warnings = problem_counts(plan.problems)
    as_of = statuses[0].as_of.strftime("%d/%m/%Y") if statuses else ""
    return (f"Kết quả kiểm tra: {errors} lỗi, {warnings} cảnh báo; {len(statuses)} nhiệm vụ; "
            f"trạng thái tính đến ngày {as_of}.")


def severity_label(problem: Problem) -> str:
    return "Lỗi" if problem.severity == "error" else "Cảnh báo"


def problem_title(code: str) -> str:
    """The Vietnamese title of a problem's code (the code itself when it is not registered).

    >>> problem_title("deadline-unreadable")
    'Thời hạn không đọc được'
    """
    try:
        return CODES[Code(code)].title
    except (ValueError, KeyError):
        return code


def result_problems(problems: Sequence[Problem], sheet_names: Sequence[str] = ()) -> list[Problem]:
    """The problems in the order "Kết quả kiểm tra" lists them: those of no sheet first, then by
    sheet (in ``sheet_names``' order, others after by name), then by cell, row before column (B2
    before A10, "10:10" a whole row before its cells).

    >>> found = result_problems([Problem.make("hidden-row", sheet="PL", row=10, number="1"),
    ...                          Problem.make("empty-content", sheet="PL", row=2, column=3, number="1"),
    ...                          Problem.make("empty-content", sheet="A", row=9, column=1, number="1")],
    ...                         ["PL", "A"])
    >>> [p.cell for p in found]
    ['C2', '10:10', 'A9']
    """
    order = {name: index for index, name in enumerate(sheet_names)}

    def key(problem: Problem) -> tuple[int, int, str, int, int]:
        if problem.sheet is None:
            return (0, 0, "", 0, 0)
        known = order.get(problem.sheet)
        return (1, known if known is not None else len(order), problem.sheet if known is None else "",
                problem.row or 0, problem.column or 0)

    return sorted(problems, key=key)


def result_rows(plan: Plan, sheet_names: Sequence[str] = ()
                ) -> list[tuple[int, str, str, str, str, str, str]]:
    """One row per problem, in :func:`result_problems`' order: STT, Mức độ, Mã, Tên lỗi, Sheet, Ô,
    Nội dung."""
    return [(index, severity_label(p), p.code, problem_title(p.code), p.sheet or "", p.cell or "",
             p.message) for index, p in enumerate(result_problems(plan.problems, sheet_names), start=1)]


def link_target(problem: Problem, sheet_names: Sequence[str]) -> str | None:
    """The cell a result row links to ("B7", or "A7" for a whole row), or None.

    >>> link_target(Problem.make("hidden-row", sheet="PL", row=7, number="1"), ["PL"])
    'A7'
    """
    if not (problem.sheet and problem.row and problem.sheet in sheet_names):
        return None
    return problem.cell if problem.column else f"A{problem.row}"


def note_text(problem: Problem) -> str:
    """The text of the comment put on a problem cell.

    >>> note_text(Problem.make("empty-content", sheet="PL", row=7, column=2, number="3"))
    '[empty-content] Nhiệm vụ 3 không có nội dung.'
    """
    return f"[{problem.code}] {problem.message}"


def mark_cell(problem: Problem, merged: Iterable[tuple[int, int, int, int]] = ()) -> tuple[int, int] | None:
    """The cell that carries a problem's comment: its own, the top-left of its merged range, or
    column A of its row when it names a whole row. None when the problem has no row.

    >>> mark_cell(Problem.make("empty-content", sheet="PL", row=8, column=1, number="3"),
    ...           [(7, 1, 8, 1)])
    (7, 1)
    """
    if problem.row is None:
        return None
    row, column = problem.row, problem.column or 1
    for min_row, min_col, max_row, max_col in merged:
        if min_row <= row <= max_row and min_col <= column <= max_col:
            return min_row, min_col
    return row, column
