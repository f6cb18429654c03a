"""Checking report values and consolidating them: the pure core, on values made by code."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tdkt_xl import load_plan
from tdkt_xl.consolidation.aggregate import FileOutcome, consolidate
from tdkt_xl.intake.plan_index import plan_forms, plan_years
from tdkt_xl.intake.report_sheets import ReportRejected
from tdkt_xl.intake.unit_report import read_unit_report
from tdkt_xl.plans.grids import ExcelError
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import Status, task_status
from tdkt_xl.reports.layout import (
    INFO_SHEET,
    META_SHEET,
    PROGRESS_HEADERS,
    PROGRESS_SHEET,
    STATS_SHEET,
    TEMPLATE_VERSION,
    plan_id,
    unit_tasks,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")


def report_sheets(plan: Plan, code: str, *, made_on: Any = datetime(2024, 6, 20),
                  status: Any = "Đã hoàn thành", completed: Any = datetime(2024, 3, 20),
                  count: Any = 1, meta: bool = True) -> dict[str, list[list[Any]]]:
    """A filled report as the cell values a reader returns (years as floats, like calamine)."""
    sheets: dict[str, list[list[Any]]] = {}
    if meta:
        sheets[META_SHEET] = [["plan_id", plan_id(plan)], ["template_version", TEMPLATE_VERSION],
                              ["unit_code", code], ["plan_year", float(plan.year)]]
    sheets[INFO_SHEET] = [["BÁO CÁO"], [], ["Mã đơn vị", code], ["Tên đơn vị", "x"],
                          ["Kỳ báo cáo", "Năm 2024"], ["Người lập", "An"], ["Điện thoại", "0912"],
                          ["Ngày lập", made_on]]
    progress: list[list[Any]] = [["TIẾN ĐỘ"], [], list(PROGRESS_HEADERS)]
    for task, role in unit_tasks(plan, code):
        progress.append([task.code, task.content, role, task.deadline.due, status, completed,
                         "Kết quả", None, None])
    sheets[PROGRESS_SHEET] = progress
    years = plan_years(plan)
    stats: list[list[Any]] = [["SỐ LIỆU"], [], ["Hình thức khen thưởng", *map(float, years), "Tổng"]]
    level = None
    for form in plan_forms(plan):
        if form.level != level:
            level = form.level
            stats.append([level])
        stats.append([form.name, *[count] * len(years), None])
    sheets[STATS_SHEET] = stats
    return sheets


def test_clean_report(plan: Plan) -> None:
    report = read_unit_report(report_sheets(plan, "BTDKT"), plan, file="a.xlsx")
    assert report.problems == []
    assert report.unit_code == "BTDKT"
    assert report.report_date == date(2024, 6, 20)
    assert report.progress["PL-I-1"].status == "Đã hoàn thành"
    assert report.progress["PL-II-4"].role == "Phối hợp"
    assert all(report.stats[f.name] == dict.fromkeys(plan_years(plan), 1) for f in plan_forms(plan))


@pytest.mark.parametrize(("change", "code", "reason"), [
    ("other-plan", "other-plan", "kế hoạch khác"),
    ("other-year", "other-plan", "kế hoạch khác (kế hoạch năm 2023, mã kế hoạch 000000000000); hãy dùng "
                                 "mẫu được gửi kèm kế hoạch này (năm 2024)"),
    ("unknown-unit", "unknown-unit", 'Mã đơn vị "XYZ"'),
    ("group-unit", "unknown-unit", 'Mã đơn vị "NHOM_DP"'),
    ("no-progress-sheet", "changed-layout", 'Thiếu sheet "Tiến độ"'),
    ("renamed-header", "changed-layout", "không có dòng tiêu đề đúng mẫu"),
    ("missing-year", "changed-layout", "thiếu cột năm 2023"),
    ("empty-code", "missing-unit-code", "trống"),
])
def test_whole_file_rejections(plan: Plan, change: str, code: str, reason: str) -> None:
    sheets = report_sheets(plan, "BTDKT")
    if change == "other-plan":  # another plan of the same year: a task with the same code, not the same task
        sheets[META_SHEET][0][1] = "000000000000"
        sheets[PROGRESS_SHEET][3][1] = "Một nhiệm vụ của kế hoạch khác"
    elif change == "other-year":  # the same tasks, but last year's plan
        sheets[META_SHEET][0][1] = "000000000000"
        sheets[META_SHEET][3][1] = 2023.0
    elif change == "unknown-unit":
        sheets[INFO_SHEET][2][1] = "XYZ"
    elif change == "group-unit":
        sheets[INFO_SHEET][2][1] = "NHOM_DP"
    elif change == "no-progress-sheet":
        del sheets[PROGRESS_SHEET]
    elif change == "renamed-header":
        sheets[PROGRESS_SHEET][2][4] = "Trạng thái"
    elif change == "missing-year":
        sheets[STATS_SHEET][2] = [*sheets[STATS_SHEET][2][:-2], "Tổng"]
    elif change == "empty-code":
        sheets[INFO_SHEET][2][1] = None
    with pytest.raises(ReportRejected) as rejected:
        read_unit_report(sheets, plan, file="a.xlsx")
    assert rejected.value.code == code
    assert reason in rejected.value.reason


@pytest.mark.parametrize(("declared_year", "earlier", "content", "accepted"), [
    # an earlier version of this plan: its identity is known (the year as calamine reads it) ...
    (2024.0, {"0123456789ab"}, None, True),
    ("2024", {"0123456789ab"}, None, True),
    (2024.0, {"0123456789ab"}, "Đã sửa lời", True),
    # ... or unknown, but every task listed is one of this plan's, code and content
    (2024.0, set(), None, True),
    (2024.0, set(), "  GIỮ NGUYÊN  ", True),  # case, accents and spacing aside (set below)
    (2024.0, set(), "SỬA MỘT CHỮ", True),  # a word of the task changed in the plan since (set below)
    (2024.0, set(), "Một nhiệm vụ của kế hoạch khác", False),  # a task code of this plan, another task
    (2024.0, set(), "no tasks", True),  # a unit with no task: only counts, the unit's whatever the plan
    (2023.0, {"0123456789ab"}, None, False),  # another year's plan
    (None, {"0123456789ab"}, None, False),  # no year to compare
])
def test_report_from_an_earlier_version_of_the_plan(plan: Plan, declared_year: Any, earlier: set[str],
                                                    content: str | None, accepted: bool) -> None:
    sheets = report_sheets(plan, "BTDKT")
    assert plan.year == 2024 and sheets[META_SHEET][3][0] == "plan_year"
    sheets[META_SHEET][0][1] = "0123456789ab"
    sheets[META_SHEET][3][1] = declared_year
    if content == "  GIỮ NGUYÊN  ":
        content = "  " + str(sheets[PROGRESS_SHEET][3][1]).upper().replace(" ", "   ") + " "
    elif content == "SỬA MỘT CHỮ":
        words = str(sheets[PROGRESS_SHEET][3][1]).split()
        assert len(words) >= 8
        content = " ".join([*words[:-1], "mới"])
    if content == "no tasks":
        del sheets[PROGRESS_SHEET][3:]
    elif content is not None:
        sheets[PROGRESS_SHEET][3][1] = content
    if not accepted:
        with pytest.raises(ReportRejected) as rejected:
            read_unit_report(sheets, plan, file="a.xlsx", earlier_plan_ids=earlier)
        assert rejected.value.code == "other-plan"
        return
    report = read_unit_report(sheets, plan, file="a.xlsx", earlier_plan_ids=earlier)
    found = [(p.code, p.severity, p.sheet) for p in report.problems]
    assert found == [("earlier-plan", "warning", META_SHEET)]
    assert "phiên bản trước của kế hoạch này (mã 0123456789ab)" in report.problems[0].message
    assert content == "no tasks" or report.progress["PL-I-1"].status == "Đã hoàn thành"


@pytest.mark.parametrize(("value", "code"), [
    ("12", "number-as-text"), (-3.0, "negative-number"), ("mười", "text-in-number"),
    (ExcelError("#VALUE!"), "excel-error"), (2.5, "not-whole-number"), (True, "text-in-number"),
])
def test_bad_number_cells_are_listed_and_left_out(plan: Plan, value: Any, code: str) -> None:
    sheets = report_sheets(plan, "BTDKT")
    first = plan_forms(plan)[0].name
    first_form_row = next(i for i, r in enumerate(sheets[STATS_SHEET]) if r and r[0] == first)
    sheets[STATS_SHEET][first_form_row][1] = value
    report = read_unit_report(sheets, plan, file="a.xlsx")
    assert [p.code for p in report.problems] == [code]
    problem = report.problems[0]
    assert (problem.sheet, problem.cell, problem.file) == (STATS_SHEET, f"B{first_form_row + 1}", "a.xlsx")
    assert 2014 not in report.stats[plan_forms(plan)[0].name]
    assert report.stats[plan_forms(plan)[0].name][2015] == 1


def test_date_and_status_cell_problems(plan: Plan) -> None:
    sheets = report_sheets(plan, "P1", made_on="20/06/2024", status="Xong", completed="hôm qua")
    report = read_unit_report(sheets, plan, file="p1.xlsx")
    codes = [p.code for p in report.problems]
    assert codes[0] == "date-as-text"
    assert report.problems[0].cell == "B8"
    assert "bad-progress" in codes and "not-a-date" in codes
    assert report.report_date is None
    assert report.progress["PC-3"].status is None


def test_total_cell_disagreeing_with_its_row(plan: Plan) -> None:
    sheets = report_sheets(plan, "BTDKT")
    row = next(i for i, r in enumerate(sheets[STATS_SHEET]) if r and r[0] == plan_forms(plan)[0].name)
    sheets[STATS_SHEET][row][-1] = 99.0
    report = read_unit_report(sheets, plan, file="a.xlsx")
    assert [p.code for p in report.problems] == ["total-mismatch"]
    assert "ghi 99 nhưng cộng các năm được 10" in report.problems[0].message


def test_text_is_cleaned_and_cut(plan: Plan) -> None:
    sheets = report_sheets(plan, "P1")
    sheets[PROGRESS_SHEET][3][6] = "a\x01b" + "x" * 40_000
    report = read_unit_report(sheets, plan, file="p1.xlsx")
    assert [p.code for p in report.problems] == ["control-characters", "text-too-long"]
    assert len(report.progress["PC-3"].result) == 32_767
    assert report.progress["PC-3"].result.startswith("abx")


def test_without_identity_sheet_read_by_info(plan: Plan) -> None:
    report = read_unit_report(report_sheets(plan, "P1", meta=False), plan, file="p1.xlsx")
    assert [p.code for p in report.problems] == ["no-identity"]
    assert report.unit_code == "P1"


def test_consolidate_newest_report_wins_and_late_units(plan: Plan) -> None:
    old = read_unit_report(report_sheets(plan, "P1", made_on=datetime(2024, 6, 1), count=1), plan,
                           file="p1_cu.xlsx")
    new = read_unit_report(report_sheets(plan, "P1", made_on=datetime(2024, 6, 20), count=2), plan,
                           file="p1.xlsx")
    late = read_unit_report(report_sheets(plan, "P2", made_on=datetime(2024, 6, 30), count=3), plan,
                            file="p2.xlsx")
    rejected = FileOutcome(file="hong.xlsx", outcome="rejected", reason="Tệp bị hỏng", code="corrupt-zip")
    result = consolidate(plan, [new, old, late], [rejected], as_of=date(2024, 7, 1))
    states = {s.unit.code: s.state for s in result.submissions}
    assert states["P1"] == "on_time" and states["P2"] == "late" and states["P3"] == "missing"
    assert [s.state for s in result.submissions][:3] == ["missing"] * 3  # the đôn đốc list first
    first_form = plan_forms(plan)[0].name
    assert result.totals[first_form][2014] == 2 + 3
    summary = result.summary("tong_hop.xlsx")
    assert summary["files"] == {"accepted": ["p1.xlsx", "p2.xlsx"],
                                "rejected": [{"file": "hong.xlsx", "reason": "Tệp bị hỏng"}],
                                "superseded": ["p1_cu.xlsx"], "skipped": []}
    units = summary["units"]
    assert isinstance(units, dict)
    assert units["late"] == ["P2"] and units["expected"] == 17 and units["submitted"] == 2
    assert summary["totals"][first_form]["2014"] == 5  # type: ignore[index]


def test_task_status_from_unit_reports(plan: Plan) -> None:
    done = read_unit_report(report_sheets(plan, "P1", completed=datetime(2024, 6, 10)), plan, file="p1.xlsx")
    result = consolidate(plan, [done], [], as_of=date(2024, 7, 1))
    by_code = {t.task.code: t for t in result.tasks}
    assert by_code["PC-3"].status is Status.DONE  # due 15/6, done 10/6
    assert (by_code["PC-3"].done, by_code["PC-3"].nothing) == (1, 0)
    late = read_unit_report(report_sheets(plan, "P1", completed=datetime(2024, 6, 20)), plan, file="p1.xlsx")
    result = consolidate(plan, [late], [], as_of=date(2024, 7, 1))
    assert {t.task.code: t for t in result.tasks}["PC-3"].status is Status.DONE_LATE
    # no unit reports it done: the plan's own record stands, the status the status copy shows
    # (issue 16: the master and the status copy agree)
    result = consolidate(plan, [], [], as_of=date(2024, 7, 1))
    task = {t.task.code: t for t in result.tasks}["PC-3"]
    assert task.status is task_status(task.task, date(2024, 7, 1), plan.config.due_soon_days).status
    assert task.task.completed_on or task.task.progress  # (the sample plan records it done)
    blank = plan.model_copy(deep=True)
    for sheet in blank.sheets:
        sheet.tasks = [t.model_copy(update={"completed_on": None, "progress": ""}) if t.code == "PC-3" else t
                       for t in sheet.tasks]
    result = consolidate(blank, [], [], as_of=date(2024, 7, 1))
    assert {t.task.code: t for t in result.tasks}["PC-3"].status is Status.OVERDUE


def test_total_cell_disagreeing_as_calamine_reads_it(plan: Plan) -> None:
    """Counts as floats (what calamine gives): the block-wise check finds the same problem."""
    sheets = report_sheets(plan, "BTDKT")
    sheets[STATS_SHEET] = [[float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in r]
                           for r in sheets[STATS_SHEET]]
    plain = read_unit_report(sheets, plan, file="a.xlsx")
    assert plain.problems == [] and all(isinstance(n, int) for c in plain.stats.values() for n in c.values())
    row = next(i for i, r in enumerate(sheets[STATS_SHEET]) if r and r[0] == plan_forms(plan)[0].name)
    sheets[STATS_SHEET][row][-1] = 99.0
    report = read_unit_report(sheets, plan, file="a.xlsx")
    assert [p.code for p in report.problems] == ["total-mismatch"]
    assert "ghi 99 nhưng cộng các năm được 10" in report.problems[0].message
    assert report.stats == plain.stats


def _stats_row(sheets: dict[str, list[list[Any]]], name: str) -> int:
    return next(i for i, r in enumerate(sheets[STATS_SHEET]) if r and r[0] == name)


@pytest.mark.parametrize("meta", [True, False])
def test_unit_code_typed_over_another_units_template_is_rejected(plan: Plan, meta: bool) -> None:
    sheets = report_sheets(plan, "P1", meta=meta)
    sheets[INFO_SHEET][3][1] = next(u.name for u in plan.units or [] if u.code == "P1")
    sheets[INFO_SHEET][2][1] = "P2"
    with pytest.raises(ReportRejected) as rejected:
        read_unit_report(sheets, plan, file="p1.xlsx")
    assert rejected.value.code == "unit-mismatch"
    assert rejected.value.reason.startswith('Mã đơn vị "P2" (sheet "Thông tin", ô B3) nhưng tệp là mẫu báo '
                                            "cáo của P1 (")


def test_a_name_that_is_no_units_does_not_reject(plan: Plan) -> None:
    sheets = report_sheets(plan, "P1", meta=False)  # "Tên đơn vị" is "x": nothing to compare with
    sheets[INFO_SHEET][2][1] = "P2"
    assert read_unit_report(sheets, plan, file="p.xlsx").unit_code == "P2"


@pytest.mark.parametrize(("status", "completed", "expected_status", "expected_date", "codes"), [
    (None, datetime(2024, 6, 1), "Đã hoàn thành", date(2024, 6, 1), []),  # a date alone: done
    ("Chưa hoàn thành", datetime(2024, 6, 1), None, date(2024, 6, 1), ["bad-progress"]),
    ("x", datetime(2024, 6, 1), None, date(2024, 6, 1), ["bad-progress"]),
    ("Đang thực hiện", datetime(2024, 6, 1), "Đang thực hiện", None, ["date-not-done"]),
    ("chua thuc hien", datetime(2024, 6, 1), "Chưa thực hiện", None, ["date-not-done"]),
    ("Đã hoàn thành", None, "Đã hoàn thành", None, []),
])
def test_status_and_completion_date_together(plan: Plan, status: Any, completed: Any,
                                             expected_status: str | None, expected_date: date | None,
                                             codes: list[str]) -> None:
    report = read_unit_report(report_sheets(plan, "P1", status=status, completed=completed), plan,
                              file="p1.xlsx")
    entry = report.progress["PC-3"]
    assert (entry.status, entry.completed_on) == (expected_status, expected_date)
    assert sorted({p.code for p in report.problems}) == codes
    if codes == ["date-not-done"]:
        assert "Có ngày hoàn thành 01/06/2024 nhưng tình trạng là" in report.problems[0].message
        assert report.problems[0].cell == "F4"


def test_task_rows_twice_without_code_and_missing(plan: Plan) -> None:
    sheets = report_sheets(plan, "BTDKT")
    rows = sheets[PROGRESS_SHEET]
    first = list(rows[3])
    rows.insert(4, [first[0], first[1], first[2], None, "Chưa thực hiện", None, "khác", None, None])
    rows.append([None, None, None, None, "Đã hoàn thành", None, "bổ sung", None, None])
    rows.append([None, "chỉ có nội dung", None, None, None, None, None, None, None])  # nothing typed in
    gone = rows.pop(6)[0]
    report = read_unit_report(sheets, plan, file="a.xlsx")
    found = [(p.code, p.cell) for p in report.problems]
    last = len(rows)
    assert found == [("duplicate-task", "A5"), ("row-without-task", f"A{last - 1}"), ("missing-task", None)]
    assert report.problems[0].message == f'Mã nhiệm vụ "{first[0]}" đã có ở dòng 4; dòng này bị bỏ qua.'
    assert report.problems[2].message == (f'Nhiệm vụ {gone} được giao cho đơn vị nhưng không có dòng trong '
                                          'sheet "Tiến độ"; coi như chưa báo cáo.')
    assert report.progress[first[0]].status == "Đã hoàn thành" and report.progress[first[0]].row == 4


@pytest.mark.parametrize("as_calamine", [False, True])
def test_form_row_twice_counts_the_first_and_says_so(plan: Plan, as_calamine: bool) -> None:
    sheets = report_sheets(plan, "BTDKT", count=1.0 if as_calamine else 1)
    name = plan_forms(plan)[0].name
    row = _stats_row(sheets, name)
    years = plan_years(plan)
    sheets[STATS_SHEET].insert(row + 1, [name, *[7.0 if as_calamine else 7] * len(years), None])
    report = read_unit_report(sheets, plan, file="a.xlsx")
    assert [(p.code, p.cell) for p in report.problems] == [("duplicate-form", f"A{row + 2}")]
    assert report.problems[0].message.startswith(f'Dòng "{name}" đã có ở dòng {row + 1}; số liệu dòng này')
    assert report.stats[name] == dict.fromkeys(years, 1)


@pytest.mark.parametrize(("extra", "filled", "codes"), [
    (2014.0, True, ["duplicate-year"]),
    (2024.0, True, ["unknown-year"]),
    (2024.0, False, []),
    ("2030", True, ["unknown-year"]),
])
def test_year_columns_that_are_not_read_are_said(plan: Plan, extra: Any, filled: bool,
                                                 codes: list[str]) -> None:
    sheets = report_sheets(plan, "BTDKT")
    for row in sheets[STATS_SHEET][2:]:
        if row and row[0] in {f.name for f in plan_forms(plan)}:
            row.append(4 if filled else None)
    sheets[STATS_SHEET][2].append(extra)
    report = read_unit_report(sheets, plan, file="a.xlsx")
    assert [p.code for p in report.problems] == codes
    if codes:
        column = len(sheets[STATS_SHEET][2])
        assert report.problems[0].row == 3 and report.problems[0].column == column
    if codes == ["duplicate-year"]:
        assert "đã có ở cột B" in report.problems[0].message
    if codes == ["unknown-year"]:
        assert "(2014–2023)" in report.problems[0].message
    assert all(counts == dict.fromkeys(plan_years(plan), 1) for counts in report.stats.values())


def test_an_empty_template_is_not_a_submission(plan: Plan) -> None:
    sheets = report_sheets(plan, "BTDKT", made_on=None, status=None, completed=None, count=None)
    sheets[INFO_SHEET][5][1] = sheets[INFO_SHEET][6][1] = None  # Người lập, Điện thoại
    for row in sheets[PROGRESS_SHEET][3:]:
        row[6] = None  # Kết quả
    with pytest.raises(ReportRejected) as rejected:
        read_unit_report(sheets, plan, file="a.xlsx")
    assert rejected.value.code == "empty-report"
    sheets[INFO_SHEET][5][1] = "An"  # someone signed it: a report with nothing to say
    assert read_unit_report(sheets, plan, file="a.xlsx").author == "An"


def test_report_date_after_the_file_was_saved_is_not_used(plan: Plan) -> None:
    sheets = report_sheets(plan, "P1", made_on=datetime(2042, 6, 10))
    report = read_unit_report(sheets, plan, file="p1.xlsx", modified=datetime(2024, 6, 11, 9, 0))
    assert [(p.code, p.cell) for p in report.problems] == [("report-date-after-saved", "B8")]
    assert report.problems[0].message == ("Ngày lập 10/06/2042 sau ngày tệp được lưu (11/06/2024): có thể "
                                          "nhập nhầm; dùng ngày lưu tệp.")
    assert report.report_date is None and report.submitted_on == date(2024, 6, 11)
    next_day = read_unit_report(report_sheets(plan, "P1", made_on=datetime(2024, 6, 12)), plan,
                                file="p1.xlsx", modified=datetime(2024, 6, 11, 23, 0))
    assert next_day.problems == [] and next_day.report_date == date(2024, 6, 12)


def test_newer_file_with_unreadable_report_date_wins(plan: Plan) -> None:
    older = read_unit_report(report_sheets(plan, "P1", made_on=datetime(2024, 6, 10)), plan,
                             file="p1_v1.xlsx", modified=datetime(2024, 6, 10, 8))
    newer = read_unit_report(report_sheets(plan, "P1", made_on="20/06/2024", count=2), plan,
                             file="p1_v2.xlsx", modified=datetime(2024, 6, 20, 8))
    assert newer.report_date is None
    result = consolidate(plan, [older, newer], [], as_of=date(2024, 7, 1))
    assert [r.file for r in result.reports] == ["p1_v2.xlsx"]
    superseded = [f for f in result.files if f.outcome == "superseded"]
    assert [f.file for f in superseded] == ["p1_v1.xlsx"]
    assert "p1_v2.xlsx" in superseded[0].reason


@pytest.mark.parametrize("typed", ["1.234", "1,234", " 12 ", "12,0"])
def test_numbers_typed_as_text_with_separators(plan: Plan, typed: str) -> None:
    sheets = report_sheets(plan, "BTDKT")
    sheets[STATS_SHEET][_stats_row(sheets, plan_forms(plan)[0].name)][1] = typed
    report = read_unit_report(sheets, plan, file="a.xlsx")
    assert [p.code for p in report.problems] == ["number-as-text"]


def test_summary_lists_cell_problems(plan: Plan) -> None:
    sheets = report_sheets(plan, "P1", status="Xong")
    report = read_unit_report(sheets, plan, file="p1.xlsx")
    summary = consolidate(plan, [report], [], as_of=date(2024, 7, 1)).summary("m.xlsx")
    listed = summary["problems"]
    assert isinstance(listed, list) and len(listed) == len(report.problems) == len(report.progress)
    assert listed[0] == {"file": "p1.xlsx", "severity": "error", "code": "bad-progress", "sheet": "Tiến độ",
                         "cell": "E4", "message": report.problems[0].message}
