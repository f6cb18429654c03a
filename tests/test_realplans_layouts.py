"""The real plan workbooks in ../shared/realplans (when present): their layouts read as the
folder's README says. Deadline phrases, Excel date formats and unit lists are checked by their
own tests; here, an error left on a deadline cell must be a phrase counted from the plan's issue
date (read by the deadline parser, not by the layout)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tdkt_xl import load_plan
from tdkt_xl.plans.models import Plan

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realplans"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="no ../shared/realplans here")
_RELATIVE = re.compile(r"(?i)^\s*(?:\d+ ngày\b|từ ngày ban hành)")


def read(name: str) -> Plan:
    return load_plan(REAL / f"{name}.xlsx")


def layout_errors(plan: Plan) -> list[str]:
    """Errors other than a deadline phrase counted from the plan's issue date."""
    cells = {t.row: t.deadline_text for t in plan.tasks}
    return [f"{p.code} {p.cell}" for p in plan.problems if p.severity == "error"
            and not (p.code == "deadline-unreadable" and _RELATIVE.match(cells.get(p.row or 0, "")))]


@pytest.mark.parametrize(("name", "tasks"), [("hn_caodiem100", 33), ("hn_syt6582", 12), ("hn_kh38pl1", 20)])
def test_real_plan_layouts(name: str, tasks: int) -> None:
    plan = read(name)
    assert len(plan.tasks) == tasks
    assert layout_errors(plan) == []
    assert not [p for p in plan.problems if p.code in ("missing-number", "empty-unit", "number-gap")]


def test_groups_numbered_in_chi_tiet_are_headings_whose_items_inherit() -> None:
    plan = read("hn_caodiem100")
    by_row = {t.row: t for t in plan.tasks}
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, 34)]
    first = by_row[8]
    assert (first.deadline.due, [u.text for u in first.lead]) == (date(2026, 8, 30), ["Sở Tài chính"])
    assert first.group == "1" and first.partners  # merged down from the group row
    relative = by_row[20]
    assert relative.deadline.due is None and [u.text for u in relative.lead] == ["Sở Khoa học và Công nghệ"]


def test_durations_are_not_deadlines() -> None:
    plan = read("hn_syt6582")
    assert plan.valid
    assert all(t.deadline.due is None for t in plan.tasks)
    assert [t.duration_days for t in plan.tasks][:3] == [7, 30, None]


def test_parent_rows_with_a_code_and_topic_sections() -> None:
    plan = read("hn_kh38pl1")
    assert plan.valid
    assert [s.roman for s in plan.sheets[0].sections] == ["I", "II", "III"]
    assert all(s.quarter is None for s in plan.sheets[0].sections)
    assert {t.group for t in plan.tasks if t.group} == {"KH20_TT_N01.1", "KH20_TT_N02.2", "KH20_TT_N02.3",
                                                        "KH20_TT_N02.4"}
