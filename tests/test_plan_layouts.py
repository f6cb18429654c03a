"""Plan layouts staff really use (issue 14): headers by role, durations, groups and their items,
Roman sections, the plan's issue date. Every fixture is made here by code, each label in its
composed (NFC), decomposed (NFD) and no-diacritic spelling."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from tdkt_xl import load_plan
from tdkt_xl.plans.grids import Grid, find_header, header_field
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.reader import read_plan
from tdkt_xl.plans.text import strip_diacritics

Spelling = Callable[[str], str]
SPELLINGS: dict[str, Spelling] = {
    "nfc": lambda text: unicodedata.normalize("NFC", text),
    "nfd": lambda text: unicodedata.normalize("NFD", text),
    "plain": strip_diacritics,
}
spellings = pytest.mark.parametrize("spell", list(SPELLINGS.values()), ids=list(SPELLINGS))
UNITS = ["Sở Tài chính", "Sở Y tế", "Sở Xây dựng", "Sở Du lịch", "Sở Công Thương"]


def grid(rows: list[list[Any]], name: str = "Phụ lục", **layout: Any) -> Grid:
    return Grid(name, [list(r) for r in rows], **layout)


def read(*grids: Grid, year: int = 2026) -> Plan:
    return read_plan(list(grids), year=year)


def codes(plan: Plan) -> list[str]:
    return [p.code for p in plan.problems if p.code != "no-unit-list"]


def task_rows(count: int, *, deadline: str = "30/6/2026", first: int = 1) -> list[list[Any]]:
    return [[first + i, f"Triển khai nhiệm vụ số {first + i} của kế hoạch", UNITS[i % len(UNITS)], deadline]
            for i in range(count)]


# --- 1. the header by role -------------------------------------------------------------------

CONTENT_LABELS = ["Nhiệm vụ", "Công việc", "Nội dung công việc", "Tên nhiệm vụ", "Tên nhóm nhiệm vụ/nhiệm vụ",
                  "NỘI DUNG", "Nội dung\nthực hiện"]
LEAD_LABELS = ["Cơ quan chủ trì", "Cơ quan/đơn vị chủ trì", "Chủ trì", "Đơn vị\nthực hiện", "ĐƠN VỊ CHỦ TRÌ"]
DEADLINE_LABELS = ["Thời hạn hoàn thành", "Tiến độ", "Thời gian thực hiện", "Thời hạn", "Tiến độ hoàn thành"]


@spellings
@pytest.mark.parametrize("content", CONTENT_LABELS)
@pytest.mark.parametrize(("lead", "deadline"), list(zip(LEAD_LABELS, DEADLINE_LABELS, strict=True)))
def test_header_found_by_role(spell: Spelling, content: str, lead: str, deadline: str) -> None:
    header = [spell(h) for h in ("Stt", content, lead, "Cơ quan phối hợp", deadline, "Sản phẩm")]
    rows = [[spell("KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2026")], header,
            *[[*r[:3], "Sở Tư pháp", r[3], "Báo cáo"] for r in task_rows(3)]]
    match = find_header(grid(rows))
    assert match is not None and match.row == 2
    assert match.columns == {"number": 1, "content": 2, "lead": 3, "partners": 4, "deadline": 5, "product": 6}
    plan = read(grid(rows))
    assert len(plan.tasks) == 3 and codes(plan) == []
    assert plan.tasks[0].deadline.due == date(2026, 6, 30)


@spellings
@pytest.mark.parametrize(("label", "role"), [
    ("Kết quả dự kiến", "product"), ("Sản phẩm đầu ra", "product"), ("Mã nhiệm vụ", "code"),
    ("Số ngày dự kiến", "duration"), ("Thời gian thực hiện (ngày)", "duration"),
    ("Đơn vị chỉ đạo", "directing"),
    ("Ngày hoàn thành", "completed"), ("Tình trạng", "progress"), ("Ghi chú", "note"), ("Kết quả", None),
])
def test_role_vocabulary(spell: Spelling, label: str, role: str | None) -> None:
    assert header_field(spell(label)) == role


@spellings
def test_number_over_two_columns(spell: Spelling) -> None:
    rows = [[spell("Stt"), None, spell("Tên nhiệm vụ"), spell("Đơn vị chủ trì"), spell("Thời hạn")],
            ["TT", spell("Chi tiết"), None, None, None],
            [1, "a)", "Việc một của nhóm", "Sở Y tế", "30/6/2026"]]
    match = find_header(grid(rows, merged=[(1, 1, 1, 2), (1, 3, 2, 3), (1, 4, 2, 4), (1, 5, 2, 5)]))
    assert match is not None
    assert (match.columns["number"], match.columns["number2"], match.data_start) == (1, 2, 3)


@pytest.mark.parametrize("blank_label", [None, "", "(2)"])
@pytest.mark.parametrize("short_column", ["Mã số", "Ký hiệu"])
def test_content_is_the_longest_free_text_when_unlabelled(blank_label: str | None, short_column: str) -> None:
    rows = [["TT", short_column, blank_label, "Chủ trì", "Thời hạn"],
            *[[i, f"K{i}", f"Tổ chức hội nghị sơ kết công tác lần {i}", UNITS[i], "30/6/2026"]
              for i in (1, 2, 3)]]
    match = find_header(grid(rows))
    assert match is not None and match.columns["content"] == 3
    plan = read(grid(rows))
    assert [t.content[:20] for t in plan.tasks] == ["Tổ chức hội nghị sơ "] * 3 and codes(plan) == []


@pytest.mark.parametrize("labels", [["STT", "Nội dung"], ["Ghi chú", "Thời hạn"], ["Nội dung", "Thời hạn"]])
def test_too_few_roles_make_no_header(labels: list[str]) -> None:
    assert find_header(grid([labels, [1, "Việc có nội dung khá dài"]])) is None


@spellings
def test_no_task_table_names_the_candidates_and_the_missing_role(spell: Spelling) -> None:
    rows = [[spell("DANH MỤC")], ["STT", spell("Mã nhiệm vụ"), spell("Đơn vị chủ trì"), spell("Thời hạn")],
            [1, "N01", "Sở Y tế", "30/6/2026"]]
    plan = read(grid(rows, name="Bảng 1"))
    found = next(p for p in plan.problems if p.code == "sheet-not-found")
    assert "dòng 2" in found.message and "thiếu cột nội dung" in found.message
    assert "Bảng 1" in found.message
    named = read(grid(rows, name="Phụ lục"))
    missing = next(p for p in named.problems if p.code == "header-not-found")
    assert "dòng 2" in missing.message and "thiếu cột nội dung" in missing.message


def test_a_numbered_list_without_units_is_not_a_task_table() -> None:
    rows = [["STT", "Nội dung", "Ghi chú"], [1, "Danh sách tập thể đề nghị khen thưởng", ""]]
    plan = read(grid(rows, name="Phụ lục 3"), grid([["TT", "Nội dung", "Chủ trì"], *task_rows(1)], name="PL"))
    assert [s.name for s in plan.sheets] == ["PL"]
    message = next(p.message for p in plan.problems if p.code == "no-task-table")
    assert "dòng 1" in message and "cột đơn vị thực hiện" in message and "cột số thứ tự" not in message


# --- 2. durations are not deadlines -------------------------------------------------------------

@spellings
@pytest.mark.parametrize(("label", "cells"), [
    ("Số ngày\ndự kiến", [7, 30, "Sở KHCN đưa ra kế hoạch"]),
    ("Thời gian thực hiện (ngày)", ["30 ngày", "15 ngày làm việc", 10]),
    ("Thời gian thực hiện", ["30 ngày", 7, 10]),  # named like a deadline, holding days
])
def test_duration_column_gives_no_deadline_error(spell: Spelling, label: str, cells: list[Any]) -> None:
    rows = [["TT", spell("Công việc"), spell("Đơn vị thực hiện"), spell(label)],
            *[[i + 1, f"Công việc số {i + 1} của lộ trình", "Sở Y tế", c] for i, c in enumerate(cells)]]
    plan = read(grid(rows))
    assert plan.valid and len(plan.tasks) == 3
    assert set(codes(plan)) <= {"no-deadline"}
    assert all(t.deadline.due is None for t in plan.tasks)
    expected = [c if isinstance(c, int) else int(c.split()[0]) if c[0].isdigit() else None for c in cells]
    assert [t.duration_days for t in plan.tasks] == expected
    assert plan.sheets[0].columns["duration"] == 4 and "deadline" not in plan.sheets[0].columns


@pytest.mark.parametrize("days", [5, 30, 45])
def test_duration_with_a_start_gives_the_due_date(days: int) -> None:
    rows = [["TT", "Công việc", "Đơn vị thực hiện", "Ngày bắt đầu", "Số ngày"],
            [1, "Cài đặt hệ thống", "Sở Y tế", "01/03/2026", f"{days} ngày"]]
    task = read(grid(rows)).tasks[0]
    start = date(2026, 3, 1)
    assert (task.deadline.start, task.deadline.due) == (start, start + timedelta(days=days))


# --- 3. groups and their items -------------------------------------------------------------------

Merges = list[tuple[int, int, int, int]]


def two_column_numbered(spell: Spelling, groups: int, items: int) -> tuple[list[list[Any]], Merges]:
    """"Stt" over "TT | Chi tiết": group rows numbered only in "Chi tiết", a deadline and a
    partner merged down over each group's items."""
    rows: list[list[Any]] = [
        [spell("Stt"), None, spell("Tên nhiệm vụ"), spell("Đơn vị chủ trì"), spell("Đơn vị phối hợp"),
         spell("Thời hạn")],
        ["TT", spell("Chi tiết"), None, None, None, None]]
    merged = [(1, 1, 1, 2), (1, 3, 2, 3), (1, 4, 2, 4), (1, 5, 2, 5), (1, 6, 2, 6)]
    number = 0
    for g in range(1, groups + 1):
        top = len(rows) + 1
        rows.append([None, str(g), f"Nhóm nhiệm vụ thứ {g}", None, "Sở Tư pháp", f"{g}/7/2026"])
        for i in range(items):
            number += 1
            rows.append([number, f"{'abcdeg'[i]})", f"Việc {i + 1} của nhóm {g}", UNITS[i], None, None])
        merged += [(top, 5, top + items, 5), (top, 6, top + items, 6)]
    return rows, merged


@spellings
@pytest.mark.parametrize(("groups", "items"), [(1, 3), (3, 2), (4, 5)])
def test_groups_numbered_in_a_second_column(spell: Spelling, groups: int, items: int) -> None:
    rows, merged = two_column_numbered(spell, groups, items)
    plan = read(grid(rows, merged=merged))
    assert codes(plan) == []
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, groups * items + 1)]
    for index, task in enumerate(plan.tasks):
        g = index // items + 1
        assert task.group == str(g)
        assert task.deadline.due == date(2026, 7, g)
        assert [u.text for u in task.partners] == ["Sở Tư pháp"]


@spellings
def test_parent_rows_with_a_code_are_groups(spell: Spelling) -> None:
    rows = [["STT", spell("Mã nhiệm vụ"), spell("Tên nhóm nhiệm vụ/nhiệm vụ"), spell("Đơn vị chủ trì"),
             spell("Đơn vị phối hợp"), spell("Thời hạn hoàn thành")],
            ["I", "KH_N01", spell("Hoàn thiện thể chế")],
            [None, "KH_N01.1", "Xây dựng bộ tiêu chuẩn", "Sở Y tế", "Sở Tư pháp", "Quý I/2026"],
            [1, "KH_N01.1.1", "Rà soát tiêu chuẩn", "Sở Xây dựng", None, None],
            [2, "KH_N01.1.2", "Đề xuất bổ sung", "Sở Du lịch", "Sở Tài chính", "15/02/2026"],
            [3, "KH_N01.2", "Việc ngoài nhóm", "Sở Y tế", None, "20/02/2026"],
            ["II", "KH_N02", spell("Phát triển hạ tầng số")],
            [4, "KH_N02.1", "Việc tiếp theo", "Sở Y tế", None, "Quý II/2026"]]
    plan = read(grid(rows))
    assert codes(plan) == [] and plan.valid
    first, second, outside, last = plan.tasks
    assert (first.group, [u.text for u in first.partners], first.deadline.due) == (
        "KH_N01.1", ["Sở Tư pháp"], date(2026, 3, 31))
    assert (second.group, [u.text for u in second.partners], second.deadline.due) == (
        "KH_N01.1", ["Sở Tài chính"], date(2026, 2, 15))
    assert outside.group is None and outside.partners == []
    assert last.section is not None and last.section.roman == "II" and last.section.quarter is None


def write_bold_book(path: Path, rows: list[list[Any]], bold_rows: set[int]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Phụ lục"
    for row in rows:
        sheet.append(row)
    for row in bold_rows:
        for cell in sheet[row]:
            cell.font = Font(bold=True)
    workbook.save(path)
    return path


def lettered_groups(spell: Spelling, groups: int) -> tuple[list[list[Any]], set[int]]:
    rows: list[list[Any]] = [["TT", spell("Nội dung"), spell("Chủ trì"), spell("Thời hạn")]]
    bold: set[int] = set()
    for g in range(groups):
        rows.append([None, spell(f"Nhóm việc {g + 1}"), "Sở Y tế", "30/9/2026"])
        bold.add(len(rows))
        rows += [["a)", "Việc thứ nhất", None, None], ["b)", "Việc thứ hai", "Sở Du lịch", "31/7/2026"]]
    return rows, bold


@spellings
@pytest.mark.parametrize("groups", [1, 3])
def test_bold_group_rows_over_lettered_items(tmp_path: Path, spell: Spelling, groups: int) -> None:
    rows, bold = lettered_groups(spell, groups)
    plan = load_plan(write_bold_book(tmp_path / "plan.xlsx", rows, bold))
    assert codes(plan) == []
    assert len(plan.tasks) == 2 * groups
    assert len({t.number for t in plan.tasks}) == 2 * groups  # a), b) restart under each group
    assert [t.deadline.due for t in plan.tasks[:2]] == [date(2026, 9, 30), date(2026, 7, 31)]
    assert [u.text for u in plan.tasks[0].lead] == ["Sở Y tế"]


@pytest.mark.parametrize("groups", [1, 2])
def test_merged_group_rows_over_lettered_items(groups: int) -> None:
    rows, bold = lettered_groups(SPELLINGS["nfc"], groups)
    for row in bold:  # the label merged across, no unit or deadline of its own
        rows[row - 1][2:] = [None, None]
    merged = [(row, 2, row, 4) for row in bold]
    plan = read(grid(rows, merged=merged))
    assert codes(plan) == ["empty-unit", "deadline-empty"] * groups  # item a) has nothing to inherit
    assert len(plan.tasks) == 2 * groups


def test_a_bold_row_without_items_below_is_no_group() -> None:
    rows = [["TT", "Nội dung", "Chủ trì", "Thời hạn"], [1, "Việc", "Sở Y tế", "30/6/2026"],
            [None, "Dòng đậm giải thích thêm", "Sở Y tế", "30/6/2026"],
            [2, "Việc khác", "Sở Y tế", "30/6/2026"]]
    plan = read(grid(rows, bold=frozenset({(3, 2)})))
    assert "missing-number" in codes(plan)


# --- 4. sections -------------------------------------------------------------------------------

@spellings
@pytest.mark.parametrize("where", ["number", "content", "merged"])
def test_roman_rows_are_sections(spell: Spelling, where: str) -> None:
    label = spell("IV. Phát triển hạ tầng số")
    section = {"number": [label], "content": [None, label], "merged": ["IV", label]}[where]
    rows = [["TT", spell("Nội dung"), spell("Chủ trì"), spell("Thời hạn")], section, *task_rows(2),
            [spell("V. Chuyển đổi số")], *task_rows(2, first=3)]
    plan = read(grid(rows, merged=[(2, 1, 2, 4)] if where == "merged" else []))
    assert codes(plan) == []
    assert [t.section.roman if t.section else None for t in plan.tasks] == ["IV", "IV", "V", "V"]
    assert all(t.section is not None and t.section.quarter is None for t in plan.tasks)


@spellings
def test_stray_text_in_a_section_row_is_a_warning_on_its_cell(spell: Spelling) -> None:
    rows = [["TT", spell("Nội dung"), spell("Chủ trì"), spell("Thời hạn")], *task_rows(1),
            ["II", spell("Nhiệm vụ phát triển"), None, spell("năm 2026")], *task_rows(1, first=2)]
    plan = read(grid(rows))
    assert codes(plan) == ["stray-text-in-section"]
    found = next(p for p in plan.problems if p.code == "stray-text-in-section")
    assert (found.row, found.column, found.severity) == (3, 4, "warning")
    assert len(plan.tasks) == 2 and plan.valid


@pytest.mark.parametrize("restart", [True, False])
def test_numbering_restarts_or_goes_on_under_sections(restart: bool) -> None:
    rows = [["TT", "Nội dung", "Chủ trì", "Thời hạn"], ["I", "Nhóm một"], *task_rows(3), ["II", "Nhóm hai"],
            *task_rows(2, first=1 if restart else 4)]
    assert codes(read(grid(rows))) == []


# --- 5. the plan's issue date ---------------------------------------------------------------------

@spellings
@pytest.mark.parametrize(("line", "issued"), [
    ("Hà Nội, ngày 10 tháng 6 năm 2024", date(2024, 6, 10)),
    ("TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026", date(2026, 1, 5)),
    ("(Kèm theo Kế hoạch số 12/KH-UBND ngày 3/2/2026 của UBND tỉnh)", date(2026, 2, 3)),
    ("(Kèm theo Kế hoạch số /KH-UBND ngày / /2026)", None),
    ("Hà Nội, ngày    tháng    năm 2026", None),
])
def test_issue_date_from_the_title_lines(spell: Spelling, line: str, issued: date | None) -> None:
    rows = [[spell("ỦY BAN NHÂN DÂN"), None, spell(line)], ["TT", "Nội dung", "Chủ trì", "Thời hạn"],
            *task_rows(1)]
    plan = read(grid(rows))
    assert plan.config.issued == issued


@spellings
def test_issue_date_from_the_config_sheet(spell: Spelling) -> None:
    rows = [[spell("Hà Nội, ngày 10 tháng 6 năm 2024")], ["TT", "Nội dung", "Chủ trì", "Thời hạn"],
            *task_rows(1)]
    config = grid([[spell("Năm kế hoạch"), 2026], [spell("Ngày ban hành"), "15/01/2026"]], name="Cấu hình")
    plan = read(grid(rows), config)
    assert plan.config.issued == date(2026, 1, 15)


@spellings
@pytest.mark.parametrize("written", ["group_row", "merged_down"])
def test_items_inherit_what_the_group_row_says_once(spell: Spelling, written: str) -> None:
    rows = [[spell("Stt"), None, spell("Nội dung công việc"), spell("Chủ trì"), spell("Thời hạn"),
             spell("Ghi chú")],
            ["TT", spell("Chi tiết"), None, None, None, None],
            [None, "1", "Nhóm việc", "Sở Y tế", "30/9/2026", spell("Báo cáo hằng tháng")],
            [1, "a)", "Việc thứ nhất", None, None, None],
            [2, "b)", "Việc thứ hai", "Sở Du lịch", "31/7/2026", "Ghi chú riêng"],
            [3, "2", "Việc có số ở cả hai cột", "Sở Xây dựng", "31/8/2026", None]]
    merged = [(1, 1, 1, 2), *[(1, c, 2, c) for c in (3, 4, 5, 6)]]
    if written == "merged_down":  # the unit written once, merged over the group's rows
        rows[4][3] = None
        merged.append((3, 4, 5, 4))
    plan = read(grid(rows, merged=merged))
    assert codes(plan) == []
    first, second, third = plan.tasks
    assert ([u.text for u in first.lead], first.deadline.due, first.note) == (
        ["Sở Y tế"], date(2026, 9, 30), unicodedata.normalize("NFC", spell("Báo cáo hằng tháng")))
    assert second.deadline.due == date(2026, 7, 31) and second.note == "Ghi chú riêng"
    assert [u.text for u in second.lead] == (["Sở Du lịch"] if written == "group_row" else ["Sở Y tế"])
    assert third.group is None and [u.text for u in third.lead] == ["Sở Xây dựng"]


@pytest.mark.parametrize("label", [None, "Diễn giải"])
def test_header_without_a_content_label_repeated_on_the_next_page(label: str | None) -> None:
    header = ["TT", label, "Chủ trì", "Thời hạn"]
    rows = [header, *task_rows(2), header, *task_rows(2, first=3)]
    plan = read(grid(rows))
    assert codes(plan) == [] and [t.number for t in plan.tasks] == ["1", "2", "3", "4"]
