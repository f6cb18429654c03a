"""The real plan workbooks of ``../shared/realplans/`` (Hà Nội, 2026), read as their README says a
correct reading gives. The workbooks are not part of the project: these tests run when the folder
is beside the checkout (as in the development workspace and CI) and are skipped elsewhere. Each
layout feature they have is also built by code in the other test files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tdkt_xl import load_plan, plan_status
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import Status, TaskStatus

REALPLANS = Path(__file__).resolve().parents[1].parent / "shared" / "realplans"
AS_OF = date(2026, 7, 25)

pytestmark = pytest.mark.skipif(not REALPLANS.is_dir(), reason="../shared/realplans is not here")


def _plan(name: str) -> Plan:
    return load_plan(REALPLANS / f"{name}.xlsx")


def _by_row(statuses: list[TaskStatus], row: int) -> TaskStatus:
    return next(item for item in statuses if item.task.row == row)


@pytest.mark.parametrize(("name", "tasks"), [("hn_caodiem100", 33), ("hn_syt6582", 12), ("hn_kh38pl1", 20)])
def test_each_real_plan_is_read_whole_and_valid(name: str, tasks: int) -> None:
    plan = _plan(name)
    errors = [f"{p.where()}: {p.code}: {p.message}" for p in plan.problems if p.severity == "error"]
    assert errors == []
    assert len(plan.tasks) == tasks


def test_an_item_inherits_the_deadline_merged_down_over_its_group() -> None:
    """hn_caodiem100, row 8 (1 / a): due 30/08/2026 from the cell merged over a)–h)."""
    item = _by_row(plan_status(_plan("hn_caodiem100"), AS_OF), 8)
    assert item.task.deadline.due == date(2026, 8, 30)
    assert [unit.label for unit in item.task.lead] == ["Sở Tài chính"]


def test_a_deadline_counted_from_an_issue_date_the_plan_does_not_give_has_no_due_date() -> None:
    """hn_caodiem100, row 20 (11 / a): "100 ngày kể từ ngày ban hành Kế hoạch", no plan date."""
    plan = _plan("hn_caodiem100")
    item = _by_row(plan_status(plan, AS_OF), 20)
    assert item.task.deadline.due is None
    assert item.status is Status.UNKNOWN
    assert [unit.label for unit in item.task.lead] == ["Sở Khoa học và Công nghệ"]
    assert any(p.code == "deadline-relative" and p.row == 20 for p in plan.problems)


def test_durations_are_not_deadlines() -> None:
    """hn_syt6582: the only time column holds durations ("Số ngày dự kiến")."""
    statuses = plan_status(_plan("hn_syt6582"), AS_OF)
    assert {item.status for item in statuses} == {Status.UNKNOWN}
