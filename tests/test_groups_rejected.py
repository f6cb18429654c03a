"""Groups and rejected files in the master (issue 16): a task given to a group counts the group's
members when the "Đơn vị" sheet lists them (a "Thuộc nhóm" column), else shows the group by name as
one line that is not chased; a unit whose files were all rejected is "Tệp bị loại – đề nghị gửi
lại" with the file and why, on the đôn đốc list; the consolidation's and the nightly's masters
agree; the master's task status agrees with the status copy's."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import NIGHTLY_AS_OF, OLD
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tdkt_xl.consolidation.aggregate import (
    GROUP_LINE_STATUS,
    STATE_LABELS,
    FileOutcome,
    FileUnits,
    UnitGroups,
    consolidate,
)
from tdkt_xl.consolidation.inbox import run_consolidation
from tdkt_xl.consolidation.master import PROGRESS_DETAIL_SHEET, PROGRESS_SHEET, SUBMISSIONS_SHEET
from tdkt_xl.documents.sources import load_consolidation
from tdkt_xl.errors import Code, ProblemLog
from tdkt_xl.excel import content
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.models import Plan, Task
from tdkt_xl.plans.status import task_status
from tdkt_xl.plans.unit_list import read_units
from tdkt_xl.plans.units import Unit, UnitRef

# --- reading the groups a unit belongs to ------------------------------------------------------

UNIT_ROWS = [
    ["Mã đơn vị", "Tên đơn vị", "Loại", "Email", "{header}"],
    ["NHOM_HUYEN", "Các huyện, thị xã, thành phố", "Nhóm đơn vị", None, None],
    ["NHOM_CUM", "Các Cụm, Khối thi đua", "Nhóm đơn vị", None, None],
    ["HA", "UBND huyện A", "Đơn vị", "a@x.vn", "{a}"],
    ["HB", "UBND huyện B", "Đơn vị", "b@x.vn", "{b}"],
    ["SYT", "Sở Y tế", "Đơn vị", None, None],
]


def _units(header: str, a: str, b: str) -> tuple[list[Unit], ProblemLog]:
    rows = [[c.format(header=header, a=a, b=b) if isinstance(c, str) else c for c in row]
            for row in UNIT_ROWS]
    log = ProblemLog()
    return read_units(Grid("Đơn vị", rows), log, "kh.xlsx"), log


@pytest.mark.parametrize("header", ["Thuộc nhóm", "THUỘC CỤM, KHỐI", "Thuoc nhom", "Nhóm"])
@pytest.mark.parametrize(("a", "b"), [
    ("NHOM_HUYEN", "NHOM_HUYEN; NHOM_CUM"),
    ("Các huyện, thị xã, thành phố", "nhom_huyen, NHOM_CUM"),
    ("Các huyện, thị xã, thành phố", "Các huyện, thị xã, thành phố\nCác Cụm, Khối thi đua"),
])
def test_the_unit_list_reads_each_units_groups(header: str, a: str, b: str) -> None:
    units, log = _units(header, a, b)
    by_code = {u.code: u for u in units}
    assert by_code["HA"].groups == ("NHOM_HUYEN",)
    assert by_code["HB"].groups == ("NHOM_HUYEN", "NHOM_CUM")
    assert by_code["SYT"].groups == () and by_code["NHOM_HUYEN"].groups == ()
    assert not log.problems
    groups = UnitGroups(units)
    assert groups.members == {"NHOM_HUYEN": ["HA", "HB"], "NHOM_CUM": ["HB"]}


def test_a_group_that_is_not_in_the_list_is_warned_at_its_cell() -> None:
    units, log = _units("Thuộc nhóm", "Cụm số 9", "NHOM_CUM")
    assert {u.code: u.groups for u in units}["HA"] == ()
    (problem,) = log.problems
    assert (problem.code, problem.severity, problem.cell) == (Code.GROUP_NOT_FOUND, "warning", "E4")
    assert "Cụm số 9" in problem.message and "UBND huyện A" in problem.message
    assert "NHOM_HUYEN" in problem.message


# --- the lines of a task -------------------------------------------------------------------

def _task(lead: list[str], partners: list[str], **extra: Any) -> Task:
    return Task(sheet="PL", kind="phu_luc", code="T1", number="1", row=5, rows=[5], content="Việc",
                lead=[UnitRef(text=c, code=c) for c in lead],
                partners=[UnitRef(text=c, code=c) for c in partners], **extra)


GROUP_UNITS = [Unit(code="G", name="Các huyện", kind="Nhóm"), Unit(code="E", name="Các cụm", kind="Nhóm"),
               *[Unit(code=f"U{i}", name=f"Huyện {i}", groups=("G",)) for i in range(3)],
               Unit(code="S", name="Sở")]


@settings(max_examples=60, deadline=None)
@given(lead=st.lists(st.sampled_from(["G", "E", "U0", "U1", "S"]), min_size=1, max_size=4, unique=True),
       partners=st.lists(st.sampled_from(["G", "E", "U2", "S"]), max_size=3, unique=True))
def test_a_tasks_lines_expand_groups_with_members(lead: list[str], partners: list[str]) -> None:
    lines = UnitGroups(GROUP_UNITS).lines(_task(lead, partners))
    codes = [line.code for line in lines]
    assert len(codes) == len(set(codes))  # each unit once
    assert "G" not in codes  # a group with members: its members instead
    assert ("E" in codes) == ("E" in lead or "E" in partners)
    assert all(line.group == (line.code == "E") for line in lines)  # only a group without members
    named = {c for c in lead + partners if c not in ("G", "E")}
    if "G" in lead + partners:
        named |= {"U0", "U1", "U2"}
    assert set(codes) - {"E"} == named
    leads = {line.code for line in lines if line.lead}
    expected_leads = {c for c in lead if c not in ("G", "E")} | ({"U0", "U1", "U2"} if "G" in lead else set())
    assert leads - {"E"} == expected_leads


def _plan(tasks: list[Task], units: list[Unit] = GROUP_UNITS, **config: Any) -> Plan:
    from tdkt_xl.plans.models import PlanConfig, TaskSheet

    sheet = TaskSheet(name="PL", kind="phu_luc", header_row=4, columns={}, last_column=5, first_row=5,
                      last_row=5 + len(tasks), tasks=tasks)
    return Plan(year=2024, sheets=[sheet], units=units, config=PlanConfig(year=2024, **config))


@pytest.mark.parametrize(("completed", "progress"), [(None, ""), (date(2024, 4, 12), ""),
                                                     (None, "Đã hoàn thành"), (date(2024, 3, 1), "")])
def test_a_task_of_groups_without_members_is_not_kept_overdue(completed: date | None, progress: str) -> None:
    """Only groups without listed members: no line is counted as not reported, and the status is
    the plan's own (what the status copy shows), not "Quá hạn" for ever."""
    from tdkt_xl.plans.deadlines import Deadline

    task = _task(["E"], [], deadline=Deadline(due=date(2024, 3, 31)), completed_on=completed,
                 progress=progress)
    result = consolidate(_plan([task]), [], [], as_of=date(2024, 7, 1))
    (progress_row,) = result.tasks
    assert progress_row.units == ["E"] and progress_row.groups == ["E"] and progress_row.nothing == 0
    assert progress_row.status is task_status(task, date(2024, 7, 1), 7).status
    assert not any(s.unit.code == "E" for s in content.to_remind(result))


# --- files rejected --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["S.xlsx", "thang6/S (1).xlsx", "s_v2.xlsx", "Sở.xlsx", "S - Copy.xls"])
def test_a_rejected_file_is_its_units_by_its_name(name: str) -> None:
    plan = _plan([_task(["S"], [])])
    assert FileUnits(plan.units)(name) == "S"
    refused = FileOutcome(file=name, outcome="rejected", code="corrupt", reason="Tệp Excel bị hỏng.")
    other = FileOutcome(file="ghi_chu.xlsx", outcome="rejected", code="corrupt", reason="Hỏng.")
    result = consolidate(plan, [], [refused, other], as_of=date(2024, 7, 1))
    states = {s.unit.code: s for s in result.submissions}
    assert states["S"].state == "rejected" and states["S"].rejected == [refused]
    assert states["U0"].state == "missing" and not states["U0"].rejected
    assert STATE_LABELS["rejected"] == "Tệp bị loại – đề nghị gửi lại"
    assert [s.unit.code for s in content.to_remind(result)][:1] == ["U0"]
    assert {s.unit.code: s.state for s in content.to_remind(result)}["S"] == "rejected"
    summary = result.summary("m.xlsx")["units"]
    assert isinstance(summary, dict) and summary["rejected"] == ["S"] and "S" not in summary["missing"]
    rows = content.reminder_rows(result, 2024)
    row = next(r for r in rows if r[1] == "S")
    assert row[3] == "Tệp bị loại – đề nghị gửi lại" and row[6] == f"{name}: Tệp Excel bị hỏng."


# --- the consolidation's and the nightly's masters, through the demo round -------------------

MEMBERS = {"CUMDBSH": "NHOM_CUMKHOI_TRUONG", "P1": "NHOM_DP; Các Cụm, Khối thi đua", "P2": "NHOM_DP"}


def _add_groups(setup: NightlySettings) -> None:
    book = load_workbook(setup.plan)
    sheet = book["Đơn vị"]
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Mã đơn vị")
    column = sheet.max_column + 1
    sheet.cell(header, column, "Thuộc nhóm")
    for row in range(header + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value in MEMBERS:
            sheet.cell(row, column, MEMBERS[sheet.cell(row, 1).value])
    book.save(setup.plan)


def _values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


def test_groups_and_rejected_files_in_both_masters(setup: NightlySettings, tmp_path: Path) -> None:
    _add_groups(setup)
    plan = load_plan(setup.plan)
    assert not [p for p in plan.problems if p.code == Code.GROUP_NOT_FOUND]
    run_nightly(setup)
    direct = tmp_path / "truc_tiep.xlsx"
    result = run_consolidation(plan, setup.inbox, direct, as_of=NIGHTLY_AS_OF)
    nightly = _values(setup.out)
    assert nightly == _values(direct)

    # PL-I-5: lead "Các địa phương, đơn vị" (P1, P2) and "Cụm trưởng, Khối trưởng …" (CUMDBSH); the
    # cooperating group "Các địa phương, đơn vị, các Cụm, Khối thi đua" lists no member: one line
    detail = [row for row in nightly[PROGRESS_DETAIL_SHEET][3:] if row[0] == "PL-I-5"]
    assert [(row[2], row[4]) for row in detail] == [("P1", "Chủ trì"), ("P2", "Chủ trì"),
                                                     ("CUMDBSH", "Chủ trì"), ("NHOM_DP_CUMKHOI", "Phối hợp")]
    assert detail[-1][3] == "Các địa phương, đơn vị, các Cụm, Khối thi đua"
    assert detail[-1][5] == GROUP_LINE_STATUS
    progress = next(row for row in nightly[PROGRESS_SHEET][3:] if row[0] == "PL-I-5")
    task = next(t for t in plan.tasks if t.code == "PL-I-5")
    status = task_status(task, NIGHTLY_AS_OF, plan.config.due_soon_days).status
    assert progress[5] == 3 and progress[10] == status.value  # the status copy's: "Hoàn thành trễ hạn"
    assert {t.task.code: t for t in result.tasks}["PL-I-5"].status is status
    # no line of a group is ever "Chưa báo cáo"
    groups = {u.code for u in plan.units or [] if u.is_group}
    assert all(row[5] == GROUP_LINE_STATUS for row in nightly[PROGRESS_DETAIL_SHEET][3:] if row[2] in groups)

    # the demo's broken PPCTT.xlsx: PPCTT's only file
    submissions = {row[1]: row for row in nightly[SUBMISSIONS_SHEET][3:]}
    assert submissions["PPCTT"][4] == "Tệp bị loại – đề nghị gửi lại"
    assert submissions["PPCTT"][6].startswith("PPCTT.xlsx – bị loại: Tệp Excel bị hỏng")
    assert "1 có tệp bị loại" in nightly[SUBMISSIONS_SHEET][0][0]

    # a later run: PQLHS sends a broken file; the nightly's incremental rebuild agrees
    (setup.inbox / "PQLHS (1).xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    os.utime(setup.inbox / "PQLHS (1).xlsx", (OLD, OLD))  # not one being written
    second = run_nightly(setup)
    assert "PQLHS" in second.units["rejected"] and "PQLHS" not in second.units["missing"]
    again = run_consolidation(plan, setup.inbox, direct, as_of=NIGHTLY_AS_OF)
    nightly = _values(setup.out)
    assert nightly == _values(direct)
    # and the consolidation read back from the ledger (documents.sources), as the Word documents do
    ledger = load_consolidation(setup.plan, state=setup.state_path, as_of=NIGHTLY_AS_OF).consolidation
    assert {s.unit.code: (s.state, [f.file for f in s.rejected]) for s in ledger.submissions} == \
        {s.unit.code: (s.state, [f.file for f in s.rejected]) for s in again.submissions}
    assert [(t.status, t.nothing, t.groups) for t in ledger.tasks] == [(t.status, t.nothing, t.groups)
                                                                       for t in again.tasks]
    submissions = {row[1]: row for row in nightly[SUBMISSIONS_SHEET][3:]}
    assert submissions["PQLHS"][4] == "Tệp bị loại – đề nghị gửi lại"
    assert submissions["PQLHS"][6].startswith("PQLHS (1).xlsx – bị loại: ")
