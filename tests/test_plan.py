"""Reading and checking plan workbooks made by code."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import PHAN_CONG_HEADER, PHU_LUC_HEADER, BookMaker, SheetSpec

from tdkt_xl import load_plan
from tdkt_xl.plans.deadlines import parse_deadline, quarter_bounds
from tdkt_xl.plans.legacy_encodings import unicode_to_tcvn3
from tdkt_xl.plans.models import Plan, Task
from tdkt_xl.plans.status import Status, plan_status, task_status
from tdkt_xl.plans.task_numbers import read_number

BTDKT = "Ban Thi đua - Khen thưởng, Sở Nội vụ"


def codes(plan: Plan) -> list[str]:
    return [p.code for p in plan.problems]


def problem(plan: Plan, code: str) -> Any:
    found = [p for p in plan.problems if p.code == code]
    assert found, f"no {code} in {codes(plan)}"
    return found[0]


def phu_luc(*task_rows: list[Any], title: bool = True) -> list[list[Any]]:
    rows: list[list[Any]] = []
    if title:
        rows += [["PHỤ LỤC THỰC HIỆN NHIỆM VỤ NĂM 2024"], ["(Kèm theo Kế hoạch số /KH-UBND)"], []]
    rows.append(PHU_LUC_HEADER)
    rows += [list(r) for r in task_rows]
    return rows


# --- the sample workbook -----------------------------------------------------


def test_sample_plan_reads_clean(sample_plan: Path) -> None:
    plan = load_plan(sample_plan)
    assert plan.problems == []
    assert plan.valid
    assert {s.name: len(s.tasks) for s in plan.sheets} == {"Phụ lục": 25, "Phân công": 12}
    assert plan.year == 2024
    assert [s.quarter for s in plan.sheets[0].sections] == [1, 2, 3, 4]


def test_sample_plan_tasks(sample_plan: Path) -> None:
    plan = load_plan(sample_plan)
    by_code = {t.code: t for t in plan.tasks}
    first = by_code["PL-I-1"]
    assert [u.code for u in first.lead] == ["BTDKT"]
    assert [u.code for u in first.partners] == ["SGTVT"]
    assert [u.code for u in first.directing] == ["UBND"]
    assert first.deadline.due == date(2024, 3, 31)
    assert first.deadline_from_section
    # the number cell merged over two rows: one task, two rows, content joined
    six = by_code["PL-I-6"]
    assert six.rows == [12, 13]
    assert six.content.endswith("- Tham gia các phong trào thi đua do UBND tỉnh phát động.")
    # seed 000's task 6: "6." merged over rows whose contents start "6.1.", "6.2."
    sub1, sub2 = by_code["PC-6.1"], by_code["PC-6.2"]
    assert (sub1.number, sub1.parent, sub1.row) == ("6.1", "6", 12)
    assert (sub2.number, sub2.parent, sub2.row) == ("6.2", "6", 13)
    assert sub2.content.startswith("Tiếp thu, giải trình")
    assert [u.code for u in sub2.lead] == ["PTCCB"]
    assert by_code["PC-3"].deadline.due == date(2024, 6, 15)
    assert by_code["PC-5"].deadline.due == date(2024, 7, 10)
    # several units in one cell, with bullets and line breaks
    assert [u.code for u in by_code["PL-II-5"].lead] == ["SGDDT", "NHOM_HUYEN"]


def test_sample_plan_status_on_config_date(sample_plan: Path) -> None:
    plan = load_plan(sample_plan)
    statuses = {s.task.code: s for s in plan_status(plan)}
    assert statuses["PL-I-1"].as_of == date(2024, 7, 1)
    assert statuses["PL-I-1"].status is Status.DONE
    assert statuses["PL-I-5"].status is Status.DONE_LATE
    assert statuses["PL-I-6"].status is Status.OVERDUE
    assert statuses["PL-I-6"].days_left == -92
    assert statuses["PC-4"].status is Status.DONE_LATE
    assert statuses["PC-6.1"].status is Status.NOT_DUE
    assert statuses["PC-6.1"].days_left == 30


# --- finding sheets and headers ---------------------------------------------


@pytest.mark.parametrize("sheet_name", ["Phụ lục", "PHU LUC", "phụ lục 1", "Sheet1", "PL"])
def test_sheet_found_by_name_or_header(make_book: BookMaker, sheet_name: str) -> None:
    path = make_book({sheet_name: phu_luc(["I", "Quý I"], [1, "Việc A", "UBND tỉnh", BTDKT])})
    plan = load_plan(path)
    assert [s.name for s in plan.sheets] == [sheet_name]
    assert plan.sheets[0].kind == "phu_luc"
    assert plan.tasks[0].deadline.due == date(2024, 3, 31)


@pytest.mark.parametrize(
    "header",
    [
        ["STT", "Nội dung", "Đơn vị thực hiện", "Thời gian hoàn thành"],
        ["TT", "NỘI DUNG", "ĐƠN VỊ THỰC HIỆN", "THỜI HẠN"],
        ["Stt", "Nội dung thực hiện", "Đơn vị chủ trì", "Thời gian"],
        [" S T T".replace(" ", ""), "Nội  dung\n thực hiện ", "Đơn vị\nthực hiện", "Thời hạn\nhoàn thành"],
        [unicodedata.normalize("NFD", h) for h in ["STT", "Nội dung", "Đơn vị thực hiện",
                                                   "Thời gian hoàn thành"]],
    ],
)
def test_header_variants(make_book: BookMaker, header: list[str]) -> None:
    rows = [["BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2024"], header, [1, "Việc A", "Phòng I", "Tháng 7"]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert plan.problems == []
    assert plan.tasks[0].deadline.due == date(2024, 7, 31)


def test_two_row_header_and_column_number_row(make_book: BookMaker) -> None:
    rows = [
        ["KẾ HOẠCH NĂM 2024"],
        ["TT", "Nội dung", "Đơn vị", None, "Thời gian hoàn thành"],
        [None, None, "Chủ trì", "Phối hợp", None],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, "Việc A", "Phòng I", "Phòng II", "Tháng 3"],
    ]
    spec = SheetSpec(rows, merged=["C2:D2", "A2:A3", "B2:B3", "E2:E3"])
    plan = load_plan(make_book({"Phân công": spec}))
    assert plan.problems == []
    task = plan.tasks[0]
    assert ([u.code for u in task.lead], [u.code for u in task.partners]) == (["P1"], ["P2"])
    assert task.row == 5


def test_header_not_found_lists_sheets_and_columns(make_book: BookMaker) -> None:
    path = make_book({"Phụ lục": [["Danh sách"], ["Cột 1", "Cột 2"]]})
    plan = load_plan(path)
    found = problem(plan, "header-not-found")
    assert found.sheet == "Phụ lục"
    assert '"Nội dung"' in found.message and '"Đơn vị thực hiện"' in found.message
    assert '"Danh sách"' in found.message


def test_no_task_sheet_lists_available_sheets(make_book: BookMaker) -> None:
    plan = load_plan(make_book({"Trang 1": [["Xin chào"]]}))
    found = problem(plan, "sheet-not-found")
    assert '"Trang 1", "Đơn vị", "Cấu hình"' in found.message
    assert not plan.valid


# --- rows --------------------------------------------------------------------


def test_title_rows_and_notes_are_not_tasks(make_book: BookMaker) -> None:
    rows = phu_luc(
        ["I", "Quý I"],
        [1, "Việc A", "UBND tỉnh", BTDKT],
        [2, "Việc B", "UBND tỉnh", "Phòng I"],
        [],
        ["Ghi chú: các đơn vị báo cáo trước ngày 10 của tháng cuối quý."],
        [None, "Nơi nhận: như trên"],
    )
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert [t.content for t in plan.tasks] == ["Việc A", "Việc B"]
    assert plan.problems == []


def test_continuation_rows_and_multiline_cells(make_book: BookMaker) -> None:
    rows = phu_luc(
        ["I", "Quý I"],
        [1, "Các địa phương:", "UBND tỉnh", "- Các địa phương, đơn vị;\n- Phòng I"],
        [None, "- Xây dựng kế hoạch"],
        [None, "- Tổ chức hoạt động"],
        [None, None, None, None, "Phòng II"],
        [2, "Việc B", "UBND tỉnh", "Phòng III"],
    )
    plan = load_plan(make_book({"Phụ lục": rows}))
    first = plan.tasks[0]
    assert first.content == "Các địa phương:\n- Xây dựng kế hoạch\n- Tổ chức hoạt động"
    assert [u.code for u in first.lead] == ["NHOM_DP", "P1"]
    assert [u.code for u in first.partners] == ["P2"]
    assert first.rows == [6, 7, 8, 9]
    assert plan.problems == []


def test_sub_rows_with_their_own_numbers(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER,
            ["5.", "Việc năm", "Phòng I", "Tháng 6"],
            ["6.", "Việc sáu gồm:", "Phòng I", "Tháng 7"],
            ["6.1", "Phần một", "Phòng II", None],
            ["6.2", "Phần hai", "Phòng III", "Cuối tháng 7"],
            ["7.", "Việc bảy", "Phòng I", "Tháng 8"]]
    rows[1][0] = "1."
    rows[2][0] = "2."
    rows[5][0] = "3."
    rows[3][0], rows[4][0] = "2.1", "2.2"
    plan = load_plan(make_book({"Phân công": rows}))
    assert [t.number for t in plan.tasks] == ["1", "2", "2.1", "2.2", "3"]
    assert [t.parent for t in plan.tasks] == [None, None, "2", "2", None]
    assert plan.tasks[3].deadline.start == date(2024, 7, 21)
    assert codes(plan) == ["deadline-empty"]


def test_merged_unit_and_deadline_cells_cover_sub_rows(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER,
            ["1.", "6.1. Phần một", "Phòng I", "Tháng 7"],
            [None, "6.2. Phần hai", None, None]]
    rows[1][1] = "1.1. Phần một"
    rows[2][1] = "1.2. Phần hai"
    spec = SheetSpec(rows, merged=["A2:A3", "C2:C3", "D2:D3"])
    plan = load_plan(make_book({"Phân công": spec}))
    assert [t.number for t in plan.tasks] == ["1.1", "1.2"]
    assert [[u.code for u in t.lead] for t in plan.tasks] == [["P1"], ["P1"]]
    assert [t.deadline.due for t in plan.tasks] == [date(2024, 7, 31)] * 2
    assert plan.problems == []


def test_hidden_row_is_read_and_reported(make_book: BookMaker) -> None:
    rows = phu_luc(["I", "Quý I"], [1, "Việc A", "UBND tỉnh", BTDKT],
                   [2, "Việc ẩn", "UBND tỉnh", "Phòng I"])
    plan = load_plan(make_book({"Phụ lục": SheetSpec(rows, hidden=[7])}))
    assert [t.content for t in plan.tasks] == ["Việc A", "Việc ẩn"]
    found = problem(plan, "hidden-row")
    assert (found.severity, found.row) == ("warning", 7)
    assert plan.valid


def test_nfd_and_old_tone_placement_units(make_book: BookMaker) -> None:
    nfd = unicodedata.normalize("NFD", "Ban thi đua – khen thưởng, sở nội vụ")
    rows = phu_luc(["I", "Quý I"], [1, unicodedata.normalize("NFD", "Việc hoà giải"),
                                    "Uỷ ban nhân dân tỉnh", nfd])
    plan = load_plan(make_book({"Phụ lục": rows}))
    task = plan.tasks[0]
    assert [u.code for u in task.lead] == ["BTDKT"]
    assert [u.code for u in task.directing] == ["UBND"]
    assert task.content == "Việc hoà giải"
    assert plan.problems == []


@pytest.mark.parametrize(("value", "kind", "text"), [
    (1, "top", "1"), ("1.", "top", "1"), ("01", "top", "1"), (3.0, "top", "3"),
    ("6.1", "sub", "6.1"), ("6.1.", "sub", "6.1"), (6.2, "sub", "6.2"), ("IV", "roman", "IV"),
    ("a)", "letter", "a"), (None, "none", ""), ("1a?", "bad", "1a?"),
    ("Ghi chú: báo cáo", "text", "Ghi chú: báo cáo"),
])
def test_read_number(value: object, kind: str, text: str) -> None:
    number = read_number(value)
    assert (number.kind, number.text) == (kind, text)


# --- problems ----------------------------------------------------------------


def test_numbering_problems(make_book: BookMaker) -> None:
    rows = phu_luc(
        ["I", "Quý I"],
        [1, "Việc 1", "UBND tỉnh", "Phòng I"],
        [3, "Việc 3", "UBND tỉnh", "Phòng I"],
        [3, "Việc 3 lần nữa", "UBND tỉnh", "Phòng I"],
        [2, "Việc 2", "UBND tỉnh", "Phòng I"],
        [None, "Việc không số", "UBND tỉnh", "Phòng I"],
    )
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert codes(plan) == ["number-gap", "duplicate-number", "number-out-of-order",
                           "missing-number"]
    gap, duplicate, order, missing = plan.problems
    assert (gap.cell, gap.severity) == ("A7", "warning")
    assert "Thiếu số thứ tự 2" in gap.message
    assert (duplicate.cell, duplicate.severity) == ("A8", "error")
    assert "đã dùng ở ô A7" in duplicate.message
    assert order.cell == "A9"
    assert (missing.cell, missing.severity) == ("A10", "error")
    assert len(plan.tasks) == 5
    assert len({t.code for t in plan.tasks}) == 5


def test_section_problems(make_book: BookMaker) -> None:
    rows = phu_luc(
        ["II", "Quý II"], [1, "Việc", "UBND tỉnh", "Phòng I"],
        ["I", "Quý I"], [1, "Việc", "UBND tỉnh", "Phòng I"],
        ["II", "Quý II"], [1, "Việc", "UBND tỉnh", "Phòng I"],
    )
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert codes(plan) == ["section-out-of-order", "duplicate-section"]
    assert plan.problems[0].cell == "B7"
    assert "đứng sau \"Quý II\"" in plan.problems[0].message
    assert "B5" in plan.problems[1].message


def test_empty_content_and_unit(make_book: BookMaker) -> None:
    rows = phu_luc(["I", "Quý I"], [1, None, "UBND tỉnh", "Phòng I"],
                   [2, "Việc không đơn vị", "UBND tỉnh", None])
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert codes(plan) == ["empty-content", "empty-unit"]
    assert [p.cell for p in plan.problems] == ["B6", "D7"]


def test_unknown_unit_suggests_closest(make_book: BookMaker) -> None:
    rows = phu_luc(["I", "Quý I"], [1, "Việc", "UBND tỉnh", "Phòng Tổ chức can bo; Sở Y tế"])
    rows[-1][3] = "Phòng Tổ chức cán bội; Sở Y tế"
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert codes(plan) == ["unknown-unit", "unknown-unit"]
    first, second = plan.problems
    assert first.cell == "D6" and first.severity == "warning"
    assert 'Đơn vị "Phòng Tổ chức cán bội" không có trong danh sách Đơn vị' in first.message
    assert "có phải: Phòng Tổ chức cán bộ?" in first.message
    assert second.message == 'Đơn vị "Sở Y tế" không có trong danh sách Đơn vị.'


def test_without_unit_list_one_warning(make_book: BookMaker) -> None:
    rows = phu_luc(["I", "Quý I"], [1, "Việc", "UBND tỉnh", "Sở Bất kỳ, Sở Khác; Phòng X"])
    plan = load_plan(make_book({"Phụ lục": rows}, units=False))
    assert codes(plan) == ["no-unit-list"]
    assert plan.units is None
    assert [u.text for u in plan.tasks[0].lead] == ["Sở Bất kỳ, Sở Khác", "Phòng X"]


@pytest.mark.parametrize(("deadline", "code", "cell_text"), [
    ("Khi nào xong", "deadline-unreadable", 'Không đọc được thời hạn "Khi nào xong"'),
    ("31/4", "deadline-impossible", 'Thời hạn "31/4" có ngày không tồn tại (31/4/2024)'),
    ("15/12/2023", "deadline-outside-year", "không thuộc năm kế hoạch 2024"),
])
def test_deadline_problems(make_book: BookMaker, deadline: str, code: str,
                           cell_text: str) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", deadline]]
    plan = load_plan(make_book({"Phân công": rows}))
    found = problem(plan, code)
    assert found.cell == "D2"
    assert cell_text in found.message


@pytest.mark.parametrize(("deadline", "due"), [
    ("Trước năm 2025", date(2024, 12, 31)),
    ("Trước năm sau", date(2024, 12, 31)),
    ("Trước tháng 1 năm sau", date(2024, 12, 31)),
])
def test_before_next_year_is_within_the_plan_year(make_book: BookMaker, deadline: str,
                                                   due: date) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", deadline]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert plan.tasks[0].deadline.due == due
    assert plan.problems == []


def test_conditional_deadline_is_not_a_problem(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Khi có yêu cầu"]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert plan.problems == []
    assert plan_status(plan, date(2024, 5, 1))[0].status is Status.UNKNOWN


def test_own_deadline_outside_section_quarter(make_book: BookMaker) -> None:
    header = [*PHU_LUC_HEADER[:5], "Thời gian hoàn thành"]
    rows = [header, ["I", "Quý I"], [1, "Việc", "UBND tỉnh", "Phòng I", None, "Tháng 5"],
            [2, "Việc", "UBND tỉnh", "Phòng I", None, "Trước ngày 15/3"]]
    plan = load_plan(make_book({"Phụ lục": rows}))
    found = problem(plan, "deadline-outside-quarter")
    assert found.cell == "F3"
    assert "nằm ngoài Quý I (01/01/2024 – 31/03/2024)" in found.message
    assert codes(plan) == ["deadline-outside-quarter"]
    assert plan.tasks[0].deadline.due == date(2024, 5, 31)
    assert plan.tasks[1].deadline.due == date(2024, 3, 15)
    assert not plan.tasks[1].deadline_from_section


def test_excel_error_values(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "#REF!"], [2, "#N/A", "Phòng II", "Tháng 2"]]
    plan = load_plan(make_book({"Phân công": rows}))
    errors = [p for p in plan.problems if p.code == "excel-error"]
    assert [(p.cell, p.severity) for p in errors] == [("D2", "error"), ("B3", "error")]
    assert "#REF!" in errors[0].message


def test_legacy_encoded_text_is_read_and_reported(make_book: BookMaker) -> None:
    legacy = unicode_to_tcvn3("Ban Thi đua - Khen thưởng, Sở Nội vụ")
    rows = [PHAN_CONG_HEADER, [1, unicode_to_tcvn3("Xây dựng kế hoạch"), legacy, "Tháng 2"]]
    spec = SheetSpec(rows, fonts={"B2": ".VnTime", "C2": ".VnTime"})
    plan = load_plan(make_book({"Phân công": spec}))
    legacy_problems = [p for p in plan.problems if p.code == "legacy-encoding"]
    assert [p.cell for p in legacy_problems] == ["B2", "C2"]
    assert "TCVN3" in legacy_problems[0].message
    assert '"Xây dựng kế hoạch"' in legacy_problems[0].message
    assert plan.tasks[0].content == "Xây dựng kế hoạch"
    assert [u.code for u in plan.tasks[0].lead] == ["BTDKT"]


def test_legacy_cells_are_said_once_wherever_the_reader_reads_them(make_book: BookMaker) -> None:
    """The reader reads a column at a time and a row's cells only when it needs them: a legacy
    cell is still said once, for its cell, in a task's first row, a row continuing it, and a
    section row."""
    legacy = unicode_to_tcvn3("Ban Thi đua - Khen thưởng, Sở Nội vụ")
    rows = [PHAN_CONG_HEADER,
            [None, unicode_to_tcvn3("Quý I: công tác chung"), None, None],
            [1, "Việc một", legacy, unicode_to_tcvn3("Tháng hai")],
            [None, "", legacy, None],
            [2, "Việc hai", "Phòng I", "Tháng 2"]]
    spec = SheetSpec(rows, fonts={"B2": ".VnTime", "C3": ".VnTime", "D3": ".VnTime", "C4": ".VnTime"})
    plan = load_plan(make_book({"Phân công": spec}))
    said = [p.cell for p in plan.problems if p.code == "legacy-encoding"]
    assert sorted(said) == ["B2", "C3", "C4", "D3"]
    first = plan.tasks[0]
    assert [u.code for u in first.lead] == ["BTDKT"] and first.rows == [3, 4]
    assert first.deadline_text == "Tháng hai" and first.deadline.due is not None


def test_completion_dates(make_book: BookMaker) -> None:
    header = [*PHAN_CONG_HEADER, "Ngày hoàn thành"]
    rows = [header,
            [1, "Việc", "Phòng I", "Tháng 2", datetime(2024, 2, 20)],
            [2, "Việc", "Phòng I", "Tháng 2", "05/03/2024"],
            [3, "Việc", "Phòng I", "Tháng 2", "xong rồi"]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert [t.completed_on for t in plan.tasks] == [date(2024, 2, 20), date(2024, 3, 5), None]
    assert problem(plan, "completion-date-unreadable").cell == "E4"
    statuses = plan_status(plan, date(2024, 6, 1))
    assert [s.status for s in statuses] == [Status.DONE, Status.DONE_LATE, Status.OVERDUE]


@pytest.mark.parametrize(("completed", "progress", "as_of", "expected"), [
    (date(2024, 3, 3), "", date(2024, 2, 1), Status.NOT_DUE),  # done later: not yet on 1/2
    (date(2024, 3, 3), "", date(2024, 2, 26), Status.DUE_SOON),
    (date(2024, 3, 3), "", date(2024, 3, 2), Status.OVERDUE),
    (date(2024, 3, 3), "", date(2024, 3, 3), Status.DONE_LATE),  # done on the day itself
    (date(2024, 2, 26), "", date(2024, 2, 25), Status.DUE_SOON),
    (date(2024, 2, 26), "", date(2024, 2, 26), Status.DONE),
    (date(2024, 3, 3), "Đã hoàn thành", date(2024, 2, 1), Status.NOT_DUE),
    (None, "Đã hoàn thành", date(2024, 2, 1), Status.DONE),  # no date: done whenever asked
])
def test_completion_after_as_of_is_not_done_yet(completed: date | None, progress: str, as_of: date,
                                                 expected: Status) -> None:
    task = Task(sheet="PC", kind="phan_cong", code="PC-1", number="1", row=2, rows=[2],
                deadline=parse_deadline("Tháng 2", 2024), completed_on=completed, progress=progress)
    assert task_status(task, as_of).status is expected


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2024, 2, 1), [Status.NOT_DUE, Status.NOT_DUE, Status.DONE]),
    (date(2024, 3, 10), [Status.DONE_LATE, Status.DONE_LATE, Status.DONE]),
])
def test_plan_status_ignores_completion_after_as_of(make_book: BookMaker, as_of: date,
                                                     expected: list[Status]) -> None:
    header = [*PHAN_CONG_HEADER, "Ngày hoàn thành", "Tình trạng"]
    rows = [header,
            [1, "Việc", "Phòng I", "Tháng 2", datetime(2024, 3, 3), None],
            [2, "Việc", "Phòng I", "Tháng 2", datetime(2024, 3, 3), "Đã hoàn thành"],
            [3, "Việc", "Phòng I", "Tháng 2", None, "Đã hoàn thành"]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert [s.status for s in plan_status(plan, as_of)] == expected


# --- plan year ---------------------------------------------------------------


def test_year_from_config_then_title_then_override(make_book: BookMaker, tmp_path: Path) -> None:
    rows = [["PHỤ LỤC NHIỆM VỤ NĂM 2023 VÀ ĐỊNH HƯỚNG NĂM 2025"], PHAN_CONG_HEADER,
            [1, "Việc", "Phòng I", "Tháng 2"]]
    with_config = load_plan(make_book({"Phân công": rows}))
    assert with_config.year == 2024
    from_title = load_plan(make_book({"Phân công": rows}, name="b.xlsx", config=False))
    assert from_title.year == 2025
    assert from_title.tasks[0].deadline.due == date(2025, 2, 28)
    overridden = load_plan(make_book({"Phân công": rows}, name="c.xlsx"), year=2030)
    assert overridden.tasks[0].deadline.due == date(2030, 2, 28)


def test_year_from_as_of_when_no_title(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]]
    config = [["Thiết lập", "Giá trị"], ["Ngày tính trạng thái", datetime(2026, 3, 1)],
              ["Số ngày sắp đến hạn", 10]]
    plan = load_plan(make_book({"Phân công": rows}, config=config))
    assert plan.year == 2026
    assert plan.config.due_soon_days == 10
    assert plan_status(plan)[0].as_of == date(2026, 3, 1)


def test_bad_config_value_is_reported(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]]
    config = [["Thiết lập", "Giá trị"], ["Năm kế hoạch", 2024], ["Số ngày sắp đến hạn", "bảy"]]
    plan = load_plan(make_book({"Phân công": rows}, config=config))
    found = problem(plan, "config-unreadable")
    assert (found.sheet, found.cell) == ("Cấu hình", "B3")
    assert plan.config.due_soon_days == 7


@pytest.mark.parametrize(("config", "as_of", "report_deadline"), [
    ([["Năm kế hoạch", 2023], ["Ngày tính trạng thái", "15/6"], ["Hạn nộp báo cáo", "ngày 20/11"]],
     date(2023, 6, 15), date(2023, 11, 20)),
    ([["Ngày tính trạng thái", "15/6"], ["Hạn nộp báo cáo", "20/11"], ["Năm kế hoạch", "2021"]],
     date(2021, 6, 15), date(2021, 11, 20)),  # the year may come after the dates
    ([["Năm kế hoạch", 2023], ["Ngày tính trạng thái", "15/6/2022"]], date(2022, 6, 15), None),
])
def test_config_dates_in_the_plan_year(make_book: BookMaker, config: list[list[Any]], as_of: date,
                                       report_deadline: date | None) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]]
    plan = load_plan(make_book({"Phân công": rows}, config=[["Thiết lập", "Giá trị"], *config]))
    assert (plan.config.as_of, plan.config.report_deadline) == (as_of, report_deadline)
    assert plan.problems == []


@pytest.mark.parametrize("value", ["Trước 30/6 và 31/12", "Trước ngày 15/6 và 15/12", "Tháng 6"])
def test_config_date_must_be_one_day(make_book: BookMaker, value: str) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]]
    config = [["Thiết lập", "Giá trị"], ["Năm kế hoạch", 2024], ["Ngày tính trạng thái", value]]
    plan = load_plan(make_book({"Phân công": rows}, config=config))
    assert problem(plan, "config-unreadable").cell == "B3"
    assert plan.config.as_of is None


def test_fail_fast_stops_at_first_error(make_book: BookMaker) -> None:
    from tdkt_xl.errors import FailFast

    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "31/4"], [2, "Việc", "Phòng I", "Tháng 13"]]
    with pytest.raises(FailFast) as raised:
        load_plan(make_book({"Phân công": rows}), fail_fast=True)
    assert (raised.value.problem.code, raised.value.problem.cell) == ("deadline-impossible", "D2")


# --- section rows (quarters, topics, headings) --------------------------------

SECTION_TOPICS = ["Công tác tuyên truyền", "Phát động phong trào thi đua", "Quy chế, quy định về thi đua",
                  "Công tác khen thưởng", "Sơ kết, tổng kết", "Quyết định khen thưởng đột xuất"]


@pytest.mark.parametrize("count", [3, 6])
def test_topic_sections_starting_with_quy_set_no_quarter(make_book: BookMaker, count: int) -> None:
    rows: list[list[Any]] = [PHU_LUC_HEADER]
    for roman, topic in zip(["I", "II", "III", "IV", "V", "VI"][:count], SECTION_TOPICS, strict=False):
        rows += [[roman, topic], [1, f"Việc thuộc mục {roman}", "UBND tỉnh", "Phòng I"]]
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert [s.quarter for s in plan.sheets[0].sections] == [None] * count
    assert [t.code for t in plan.tasks][2] == "PL-III-1"
    assert [t.deadline.due for t in plan.tasks] == [None] * count
    assert codes(plan) == ["no-deadline"] * count
    assert [p.cell for p in plan.problems] == [f"B{3 + 2 * i}" for i in range(count)]
    assert plan.valid
    assert {s.status for s in plan_status(plan, date(2024, 7, 1))} == {Status.UNKNOWN}


@pytest.mark.parametrize(("section", "merged", "quarter"), [
    (["I", "NHIỆM VỤ QUÝ I"], [], 1),
    (["II", "Các nhiệm vụ thực hiện trong Quý II"], [], 2),
    (["III", "Quý III/2024"], [], 3),
    (["IV", "QUÝ IV NĂM 2024"], [], 4),
    (["I. QUÝ I"], ["A2:F2"], 1),  # the section typed in the number column, merged across
    (["Quý III"], [], 3),
    ([None, "Quý hai"], [], 2),
])
def test_quarter_section_rows(make_book: BookMaker, section: list[Any], merged: list[str],
                              quarter: int) -> None:
    rows = [PHU_LUC_HEADER, section, [1, "Việc A", "UBND tỉnh", "Phòng I"],
            [None, "- Báo cáo kết quả quý IV"], [2, "Việc B", "UBND tỉnh", "Phòng II"]]
    plan = load_plan(make_book({"Phụ lục": SheetSpec(rows, merged=merged)}))
    assert plan.problems == []
    assert [s.quarter for s in plan.sheets[0].sections] == [quarter]
    assert [(t.number, t.rows) for t in plan.tasks] == [("1", [3, 4]), ("2", [5])]
    assert [(t.deadline.start, t.deadline.due) for t in plan.tasks] == [quarter_bounds(2024, quarter)] * 2


@pytest.mark.parametrize("first_unit_row", [2, 3])
def test_unit_cells_merged_across_section_rows(make_book: BookMaker, first_unit_row: int) -> None:
    rows: list[list[Any]] = [PHU_LUC_HEADER, ["I", "Quý I"], [1, "Việc A"], [2, "Việc B"], ["II", "Quý II"],
                             [1, "Việc C"], ["III", "Quý III"], [1, "Việc D"]]
    rows[first_unit_row - 1] = [*rows[first_unit_row - 1], "UBND tỉnh", "Phòng I"]
    merged = [f"C{first_unit_row}:C8", f"D{first_unit_row}:D8"]
    plan = load_plan(make_book({"Phụ lục": SheetSpec(rows, merged=merged)}))
    assert plan.problems == []
    assert [s.quarter for s in plan.sheets[0].sections] == [1, 2, 3]
    assert [t.code for t in plan.tasks] == ["PL-I-1", "PL-I-2", "PL-II-1", "PL-III-1"]
    assert [[u.code for u in t.lead] for t in plan.tasks] == [["P1"]] * 4
    assert [t.deadline.quarter for t in plan.tasks] == [1, 1, 2, 3]


@pytest.mark.parametrize(("header", "extra"), [
    (["TT", "Nội dung", "Đơn vị thực hiện"], []),
    (["TT", "Nội dung", "Đơn vị thực hiện", "Ghi chú"], ["Việc thường niên"]),
])
def test_task_without_any_deadline_is_warned(make_book: BookMaker, header: list[str],
                                            extra: list[str]) -> None:
    rows = [header, [1, "Việc", "Phòng I", *extra], [2, "Việc khác", "Phòng II", *extra]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert codes(plan) == ["no-deadline", "no-deadline"]
    assert [(p.cell, p.severity) for p in plan.problems] == [("B2", "warning"), ("B3", "warning")]
    assert 'Nhiệm vụ 1 không có thời hạn' in plan.problems[0].message


def test_lettered_headings_restart_numbering(make_book: BookMaker) -> None:
    letters = ["a)", "b)", "c)", "d)", "đ)", "e)", "g)", "h)", "i)", "k)"]
    rows: list[list[Any]] = [PHAN_CONG_HEADER, ["A", "NHIỆM VỤ TRỌNG TÂM"],
                             ["1)", "Tổ chức các đợt thi đua:", "Phòng I", "Năm 2024"]]
    rows += [[mark, f"Đợt {i + 1}", "Phòng I", f"Tháng {i + 2}"] for i, mark in enumerate(letters)]
    rows += [["2)", "Tổng kết năm", "Phòng I", "Tháng 12"], ["B", "NHIỆM VỤ THƯỜNG XUYÊN"],
             ["01", "Theo dõi phong trào", "Phòng II", "Thường xuyên"],
             ["02", "Báo cáo định kỳ", "Phòng II", "Hằng quý"]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert plan.problems == []
    assert [s.label for s in plan.sheets[0].sections] == ["NHIỆM VỤ TRỌNG TÂM", "NHIỆM VỤ THƯỜNG XUYÊN"]
    numbers = [t.number for t in plan.tasks]
    assert numbers == ["1", *[f"1{m.rstrip(')')}" for m in letters], "2", "1", "2"]
    assert plan.tasks[9].code == "PC-A-1i" and plan.tasks[9].parent == "1"
    assert [t.code for t in plan.tasks[-2:]] == ["PC-B-1", "PC-B-2"]


def test_lettered_heading_keeps_the_quarter_of_its_section(make_book: BookMaker) -> None:
    rows = [PHU_LUC_HEADER, ["II", "Quý II"], ["A", "Nhiệm vụ trọng tâm"],
            [1, "Việc", "UBND tỉnh", "Phòng I"], ["B", "Nhiệm vụ khác"],
            [1, "Việc khác", "UBND tỉnh", "Phòng I"]]
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert plan.problems == []
    assert [(t.code, t.deadline.quarter) for t in plan.tasks] == [("PL-II-A-1", 2), ("PL-II-B-1", 2)]


# --- columns the staff fill and columns tdkt_xl writes -------------------------


@pytest.mark.parametrize(("header", "values", "dues"), [
    ("Quý", ["I", 2, "Quý III", "iv"],
     [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]),
    ("Hạn", ["Tháng 2", "Trước ngày 15/6", datetime(2024, 9, 5), "Quý IV"],
     [date(2024, 2, 29), date(2024, 6, 15), date(2024, 9, 5), date(2024, 12, 31)]),
    ("Thời hạn", ["Tháng 3", "Tháng 6", "Tháng 9", "Tháng 12"],
     [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]),
])
def test_staff_quarter_and_deadline_columns_are_read(make_book: BookMaker, header: str,
                                                     values: list[Any], dues: list[date]) -> None:
    rows = [["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", header, "Ghi chú"]]
    rows += [[i + 1, f"Việc {i + 1}", "Phòng I", "Phòng II", value] for i, value in enumerate(values)]
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert plan.problems == []
    assert [t.deadline.due for t in plan.tasks] == dues
    assert plan.sheets[0].generated_columns == {}


@pytest.mark.parametrize(("quarter", "deadline", "code"), [
    ("II", "Tháng 8", "deadline-outside-quarter"),
    ("Quý 5", "Tháng 8", "quarter-unreadable"),
    ("sớm", None, "quarter-unreadable"),
])
def test_staff_quarter_column_problems(make_book: BookMaker, quarter: str, deadline: str | None,
                                       code: str) -> None:
    rows = [[*PHAN_CONG_HEADER, "Quý"], [1, "Việc", "Phòng I", deadline, quarter]]
    plan = load_plan(make_book({"Phân công": rows}))
    found = problem(plan, code)
    assert found.cell == ("D2" if code == "deadline-outside-quarter" else "E2")


@pytest.mark.parametrize(("progress", "done"), [
    ("Đã hoàn thành", True), ("Hoàn thành", True), ("Hoàn thành 100%", True), ("Xong", True),
    ("Không hoàn thành", False), ("Chưa hoàn thành", False), ("Hoàn thành 50%", False),
    ("Đang thực hiện", False), ("Chưa hoàn thành xong", False),
])
def test_only_an_explicit_done_status_counts(make_book: BookMaker, progress: str, done: bool) -> None:
    rows = [[*PHAN_CONG_HEADER, "Tình trạng"], [1, "Việc", "Phòng I", "Tháng 2", progress]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert plan_status(plan, date(2024, 7, 1))[0].status is (Status.DONE if done else Status.OVERDUE)


@pytest.mark.parametrize("header", ["Kết quả", "Kết quả/sản phẩm", "Sản phẩm", "Kết quả thực hiện"])
def test_expected_result_column_is_not_a_status(make_book: BookMaker, header: str) -> None:
    rows = [[*PHAN_CONG_HEADER, header],
            [1, "Xây dựng Quy chế", "Phòng I", "Tháng 2", "Hoàn thành dự thảo Quy chế trình UBND tỉnh"]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert "progress" not in plan.sheets[0].columns
    assert plan_status(plan, date(2024, 7, 1))[0].status is Status.OVERDUE


# --- header rows ---------------------------------------------------------------


def test_period_header_over_start_and_end_columns(make_book: BookMaker) -> None:
    rows = [["TT", "Nội dung", "Đơn vị thực hiện", "Thời gian thực hiện", None, "Ghi chú"],
            [None, None, None, "Bắt đầu", "Hoàn thành", None],
            [1, "Xây dựng dự thảo", "Phòng I", "Tháng 2", "Tháng 5", None],
            [2, "Tổng kết", "Phòng I", "01/10/2024", "15/12/2024", None]]
    spec = SheetSpec(rows, merged=["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"])
    plan = load_plan(make_book({"Phân công": spec}))
    assert plan.problems == []
    assert (plan.sheets[0].columns["start"], plan.sheets[0].columns["deadline"]) == (4, 5)
    assert [(t.deadline.start, t.deadline.due) for t in plan.tasks] == [
        (date(2024, 2, 1), date(2024, 5, 31)), (date(2024, 10, 1), date(2024, 12, 15))]


@pytest.mark.parametrize("top", ["Đơn vị thực hiện", "Cơ quan, đơn vị thực hiện", "Đơn vị"])
def test_unit_header_over_lead_and_partners(make_book: BookMaker, top: str) -> None:
    rows = [["STT", "Nội dung thực hiện", top, None, "Thời gian"], [None, None, "Chủ trì", "Phối hợp", None],
            [1, "Việc", "Phòng I", "Phòng II; Phòng III", "Tháng 2"]]
    spec = SheetSpec(rows, merged=["A1:A2", "B1:B2", "C1:D1", "E1:E2"])
    plan = load_plan(make_book({"Phụ lục": spec}))
    assert plan.problems == []
    task = plan.tasks[0]
    assert ([u.code for u in task.lead], [u.code for u in task.partners]) == (["P1"], ["P2", "P3"])


@pytest.mark.parametrize(("hidden", "lead_column", "why"), [
    (True, 4, "(cột C đang ẩn)"),
    (False, 3, ""),
])
def test_duplicate_unit_columns_prefer_the_visible_one(make_book: BookMaker, hidden: bool,
                                                       lead_column: int, why: str) -> None:
    rows = [["STT", "Nội dung", "Đơn vị thực hiện (cũ)", "Đơn vị thực hiện", "Thời gian hoàn thành"],
            [1, "Việc", "Phòng I", "Phòng II", "Tháng 2"]]
    if not hidden:
        rows[0][2], rows[0][3] = rows[0][3], rows[0][2]
    plan = load_plan(make_book({"Phụ lục": SheetSpec(rows, hidden_columns=["C"] if hidden else [])}))
    assert plan.sheets[0].columns["lead"] == lead_column
    assert [u.code for u in plan.tasks[0].lead] == (["P2"] if hidden else ["P1"])
    found = problem(plan, "duplicate-header")
    assert found.cell == ("C1" if hidden else "D1")
    assert found.severity == "warning"
    assert (why in found.message) and ("đang ẩn" in found.message) == hidden


def test_legacy_encoded_header_row(make_book: BookMaker) -> None:
    header = ["STT", "Nội dung thực hiện", "Đơn vị chỉ đạo", "Đơn vị thực hiện", "Thời gian hoàn thành"]
    rows = [[unicode_to_tcvn3(h) for h in header], ["I", "Quý I"],
            [1, unicode_to_tcvn3("Xây dựng kế hoạch"), "UBND tỉnh", "Phòng I", unicode_to_tcvn3("Tháng 2")]]
    fonts = {**{f"{letter}1": ".VnTime" for letter in "ABCDE"}, "A2": ".VnTime", "B2": ".VnTime",
             "B3": ".VnTime", "E3": ".VnTime"}
    plan = load_plan(make_book({"Phụ lục": SheetSpec(rows, fonts=fonts)}))
    assert [t.content for t in plan.tasks] == ["Xây dựng kế hoạch"]
    assert plan.tasks[0].deadline.due == date(2024, 2, 29)
    assert [p.cell for p in plan.problems if p.code == "legacy-encoding"] == ["B3", "E3"]
    assert plan.valid


@pytest.mark.parametrize("text_rows", [0, 28, 42, 150])
def test_header_below_the_plan_text(make_book: BookMaker, text_rows: int) -> None:
    rows: list[list[Any]] = [[f"Đoạn {i + 1}: các sở, ban, ngành tổ chức thực hiện …"]
                             for i in range(text_rows)]
    rows += [PHU_LUC_HEADER, ["I", "Quý I"], [1, "Việc", "UBND tỉnh", "Phòng I"]]
    plan = load_plan(make_book({"Kế hoạch": rows}))
    assert plan.problems == []
    assert plan.sheets[0].header_row == text_rows + 1
    assert plan.tasks[0].row == text_rows + 3


def test_header_not_found_says_how_far_it_looked(make_book: BookMaker) -> None:
    plan = load_plan(make_book({"Phụ lục": [["Danh sách"], ["Cột 1", "Cột 2"]]}))
    assert "trong 200 dòng đầu" in problem(plan, "header-not-found").message


# --- sheets ----------------------------------------------------------------------


def test_hidden_task_sheets_are_skipped_and_named(make_book: BookMaker) -> None:
    live = [PHAN_CONG_HEADER, [1, "Việc năm nay", "Phòng I", "Tháng 2"]]
    old = [PHAN_CONG_HEADER, [1, "Việc năm trước", "Phòng I", "Tháng 2/2023"]]
    path = make_book({"Phân công": live, "Phụ lục (bản cũ)": SheetSpec(old, state="hidden"),
                      "Phân công 2023": SheetSpec(old, state="veryHidden")})
    plan = load_plan(path)
    assert [t.content for t in plan.tasks] == ["Việc năm nay"]
    assert [(p.code, p.sheet) for p in plan.problems] == [
        ("hidden-sheet", "Phụ lục (bản cũ)"), ("hidden-sheet", "Phân công 2023")]
    assert "không được đọc" in plan.problems[0].message
    assert plan.valid


def test_only_hidden_task_sheet_is_read_with_a_warning(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]]
    plan = load_plan(make_book({"Phân công": SheetSpec(rows, state="hidden")}))
    assert [t.content for t in plan.tasks] == ["Việc"]
    assert codes(plan) == ["hidden-sheet"]
    assert "vẫn được đọc" in plan.problems[0].message


@pytest.mark.parametrize(("task_sheet", "unit_sheet"), [
    ("Phân công - Hướng dẫn tổng kết", "DS đơn vị"),
    ("Phân công", "Danh sách đơn vị"),
    ("Bảng nhiệm vụ", "Danh sách các đơn vị"),
])
def test_sheet_names(make_book: BookMaker, task_sheet: str, unit_sheet: str) -> None:
    from conftest import UNIT_ROWS

    rows = [PHAN_CONG_HEADER, [1, "Hướng dẫn tổng kết", "Phòng I", "Tháng 2"]]
    plan = load_plan(make_book({task_sheet: rows, unit_sheet: UNIT_ROWS}, units=False))
    assert plan.problems == []
    assert [s.name for s in plan.sheets] == [task_sheet]
    assert [u.code for u in plan.tasks[0].lead] == ["P1"]


def test_statistics_sheet_named_like_an_appendix_is_a_warning(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]]
    stats = [["SỐ LIỆU KHEN THƯỞNG 2014-2023"], ["Hình thức", "2014", "2015"], ["Huân chương", 3, 4]]
    plan = load_plan(make_book({"Phân công": rows, "Phụ lục 2 - Số liệu": stats}))
    assert codes(plan) == ["no-task-table"]
    found = plan.problems[0]
    assert (found.severity, found.sheet) == ("warning", "Phụ lục 2 - Số liệu")
    assert '"Hình thức"' in found.message
    assert plan.valid and len(plan.tasks) == 1


# --- second tables, repeated headers, merged number cells ----------------------------


def test_second_table_below_is_not_read_as_tasks(make_book: BookMaker) -> None:
    header = [*PHU_LUC_HEADER[:5], "Thời gian", "Ghi chú"]
    rows = [header, ["I", "Quý I"], [1, "Việc", "UBND tỉnh", "Phòng I", None, "Tháng 2"], [],
            [None, "DANH SÁCH CÁC CỤM, KHỐI THI ĐUA NĂM 2024"],
            ["STT", "Tên cụm, khối", "Đơn vị chỉ đạo", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian"],
            [1, "Cụm thi đua số 1", "UBND tỉnh", "Phòng II"],
            [2, "Cụm thi đua số 2", "UBND tỉnh", "Phòng III"]]
    plan = load_plan(make_book({"Phụ lục": rows}))
    assert [t.content for t in plan.tasks] == ["Việc"]
    assert codes(plan) == ["second-table"]
    assert (plan.problems[0].cell, plan.problems[0].severity) == ("6:6", "warning")


@pytest.mark.parametrize(("second_numbers", "expected"), [
    ([3, 4], ["1", "2", "3", "4"]),  # the header repeated on each printed page
    ([1, 2], ["1", "2", "1", "2"]),  # a second table under the same header
])
def test_repeated_header_row_is_skipped(make_book: BookMaker, second_numbers: list[int],
                                        expected: list[str]) -> None:
    rows: list[list[Any]] = [PHAN_CONG_HEADER, [1, "Việc 1", "Phòng I", "Tháng 2"],
                             [2, "Việc 2", "Phòng I", "Tháng 3"], PHAN_CONG_HEADER,
                             ["(1)", "(2)", "(3)", "(4)"]]
    rows += [[n, f"Việc {n}b", "Phòng II", "Tháng 5"] for n in second_numbers]
    plan = load_plan(make_book({"Phân công": rows}))
    assert plan.problems == []
    assert [t.number for t in plan.tasks] == expected
    assert len({t.code for t in plan.tasks}) == 4


@pytest.mark.parametrize(("second", "conflict"), [("Tháng 9", True), ("Tháng 7", False), (None, False)])
def test_number_merged_over_rows_with_two_deadlines(make_book: BookMaker, second: str | None,
                                                    conflict: bool) -> None:
    rows = [PHAN_CONG_HEADER, [6, "Hoàn thiện dự thảo Báo cáo", "Phòng I", "Tháng 7"],
            [None, "Hoàn thiện dự thảo Chỉ thị mới", "Phòng II", second]]
    rows[1][0] = 1
    plan = load_plan(make_book({"Phân công": SheetSpec(rows, merged=["A2:A3"])}))
    assert [t.rows for t in plan.tasks] == [[2, 3]]
    assert plan.tasks[0].deadline.due == date(2024, 7, 31)
    if conflict:
        found = problem(plan, "conflicting-deadlines")
        assert (found.cell, found.severity) == ("D3", "warning")
        assert '"Tháng 7" (ô D2) và "Tháng 9"' in found.message
    assert ("conflicting-deadlines" in codes(plan)) == conflict


def test_formulas_without_a_value_are_said_for_their_cells(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, ["=ROW()-1", "Xây dựng kế hoạch", "='Đơn vị'!B5", "Tháng 2"],
            [2, "Tổng kết", "Phòng I", '="Trước ngày "&"15/6"']]
    plan = load_plan(make_book({"Phân công": rows}))
    found = [(p.code, p.cell) for p in plan.problems]
    assert found == [("formula-no-value", "A2"), ("formula-no-value", "C2"), ("formula-no-value", "D3")]
    assert "=ROW()-1" in plan.problems[0].message
    assert not plan.valid


# --- the "Đơn vị" sheet ------------------------------------------------------------------


def test_unit_sheet_group_headings_and_aliases(make_book: BookMaker) -> None:
    units = [["STT", "Mã đơn vị", "Tên đơn vị", "Tên viết tắt"],
             ["I", None, "CÁC SỞ, BAN, NGÀNH", None],
             [1, "SGDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT, Sở GDĐT"],
             [2, "BTDKT", "Ban Thi đua - Khen thưởng, Sở Nội vụ", "Ban TĐKT, Sở Nội vụ"],
             ["II", None, "UBND CÁC HUYỆN", None],
             [3, "HTD", "UBND huyện Tiên Du", None]]
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Sở GDĐT", "Tháng 2"],
            [2, "Việc", "Ban TĐKT, Sở Nội vụ", "Tháng 2"]]
    plan = load_plan(make_book({"Phân công": rows, "Đơn vị": units}, units=False))
    assert plan.problems == []
    assert [u.code for u in plan.units or []] == ["SGDDT", "BTDKT", "HTD"]
    assert (plan.units or [])[0].aliases == ("Sở GD&ĐT", "Sở GDĐT")
    assert (plan.units or [])[1].aliases == ("Ban TĐKT, Sở Nội vụ",)
    assert [[u.code for u in t.lead] for t in plan.tasks] == [["SGDDT"], ["BTDKT"]]


def test_legacy_encoded_unit_sheet(make_book: BookMaker) -> None:
    from conftest import UNIT_ROWS

    units = [UNIT_ROWS[0], *[[unicode_to_tcvn3(v) if isinstance(v, str) else v for v in r]
                             for r in UNIT_ROWS[1:4]]]
    fonts = {f"{letter}{row}": ".VnTime" for letter in "ABCD" for row in (2, 3, 4)}
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Ban Thi đua - Khen thưởng, Sở Nội vụ", "Tháng 2"]]
    plan = load_plan(make_book({"Phân công": rows, "Đơn vị": SheetSpec(units, fonts=fonts)}, units=False))
    assert [u.name for u in plan.units or []] == ["Ban Thi đua - Khen thưởng, Sở Nội vụ", "UBND tỉnh",
                                                  "Sở Giao thông vận tải"]
    assert [u.code for u in plan.tasks[0].lead] == ["BTDKT"]
    assert {p.code for p in plan.problems} == {"legacy-encoding"}
    assert all(p.sheet == "Đơn vị" for p in plan.problems)


# --- small things ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "warned"), [("Quý I", False), ("Tháng 2", True)])
def test_legacy_warning_only_when_the_reading_differs(make_book: BookMaker, text: str, warned: bool) -> None:
    rows = [[*PHAN_CONG_HEADER[:3], "Thời gian"], [1, "Việc", "Phòng I", unicode_to_tcvn3(text)]]
    plan = load_plan(make_book({"Phân công": SheetSpec(rows, fonts={"D2": ".VnTime"})}))
    assert ("legacy-encoding" in codes(plan)) == warned
    assert plan.tasks[0].deadline_text == text


@pytest.mark.parametrize(("value", "kind", "text"), [
    ("6,1", "sub", "6.1"), ("6,1.", "sub", "6.1"), ("i)", "letter", "i"), ("i", "roman", "I"),
    (datetime(2024, 1, 7), "bad", "07/01/2024"),
])
def test_read_number_more(value: object, kind: str, text: str) -> None:
    number = read_number(value)
    assert (number.kind, number.text) == (kind, text)
