"""Deadline status of every task on a given day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from tdkt_xl.models import Plan, Task

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
    """A task's status on ``as_of``; ``days_left`` is negative when overdue."""

    model_config = ConfigDict(frozen=True)

    task: Task
    as_of: date
    status: Status
    days_left: int | None = None


def today_in_vietnam() -> date:
    """Today's date in Asia/Ho_Chi_Minh, whatever the machine's time zone."""
    return datetime.now(VIETNAM).date()


def task_status(task: Task, as_of: date, due_soon_days: int = 7) -> TaskStatus:
    """The status of one task.

    >>> from tdkt_xl.deadline import parse_deadline
    >>> t = Task(sheet="PC", kind="phan_cong", code="PC-1", number="1", row=7, rows=[7],
    ...          deadline=parse_deadline("Trước ngày 15/6", 2024))
    >>> task_status(t, date(2024, 6, 10)).status.value
    'Sắp đến hạn'
    """
    due = task.deadline.due
    days_left = (due - as_of).days if due is not None else None
    if task.completed_on is not None:
        late = due is not None and task.completed_on > due
        status = Status.DONE_LATE if late else Status.DONE
        return TaskStatus(task=task, as_of=as_of, status=status, days_left=None)
    if task.progress == Status.DONE.value:
        return TaskStatus(task=task, as_of=as_of, status=Status.DONE, days_left=None)
    if due is None or days_left is None:
        status = Status.RECURRING if task.deadline.recurring else Status.UNKNOWN
        return TaskStatus(task=task, as_of=as_of, status=status)
    if days_left < 0:
        status = Status.OVERDUE
    elif days_left <= due_soon_days:
        status = Status.DUE_SOON
    else:
        status = Status.NOT_DUE
    return TaskStatus(task=task, as_of=as_of, status=status, days_left=days_left)


def plan_status(plan: Plan, as_of: date | None = None) -> list[TaskStatus]:
    """Every task's status. ``as_of`` defaults to Cấu hình's date, then today in Vietnam."""
    day = as_of or plan.config.as_of or today_in_vietnam()
    return [task_status(t, day, plan.config.due_soon_days) for t in plan.tasks]


def status_row(item: TaskStatus) -> tuple[str, date | str | None, int | None, str]:
    """The four values written next to a task: Quý, Hạn, Còn (ngày), Trạng thái."""
    deadline = item.task.deadline
    quarter = QUARTER_ROMAN.get(deadline.quarter or 0, "")
    due: date | str | None = deadline.due
    if due is None and deadline.recurring:
        due = Status.RECURRING.value
    return quarter, due, item.days_left, item.status.value


def count_by_status(items: list[TaskStatus]) -> dict[Status, int]:
    """How many tasks have each status, in the order of :class:`Status`."""
    counts = dict.fromkeys(Status, 0)
    for item in items:
        counts[item.status] += 1
    return counts
