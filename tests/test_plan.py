"""Reading and checking plan workbooks made by code."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import PHAN_CONG_HEADER, PHU_LUC_HEADER, BookMaker, SheetSpec

from tdkt_xl import load_plan
from tdkt_xl.deadline import parse_deadline
from tdkt_xl.legacy import unicode_to_tcvn3
from tdkt_xl.models import Plan, Task
from tdkt_xl.plan import read_number
from tdkt_xl.status import Status, plan_status, task_status

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
    from tdkt_xl.problems import FailFast

    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "31/4"], [2, "Việc", "Phòng I", "Tháng 13"]]
    with pytest.raises(FailFast) as raised:
        load_plan(make_book({"Phân công": rows}), fail_fast=True)
    assert (raised.value.problem.code, raised.value.problem.cell) == ("deadline-impossible", "D2")
