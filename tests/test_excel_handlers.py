"""The Excel add-in's handlers, run against real xlwings Book objects without Excel.

xlwings' ``remote`` engine builds a Book from the JSON that Excel's xlwings client sends
(``xw.Book(json=payload)``); ``book.json()["actions"]`` is what Excel would apply. The
payloads are made from real workbooks read with openpyxl (tests/xlwings_remote.py). The remote engine is
xlwings PRO code (PolyForm Noncommercial, which permits use by government institutions)
and needs ``XLWINGS_LICENSE_KEY=noncommercial``: only these tests use it; the add-in
itself runs on open-source xlwings with desktop Excel.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from conftest import PHAN_CONG_HEADER, BookMaker, DemoCopier, find_soffice, libreoffice_convert
from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from xlwings_remote import Action, actions, open_book

from tdkt_xl.demo.run import PROPOSALS
from tdkt_xl.excel import content, handlers
from tdkt_xl.excel.draft_button import DRAFT_REPORT_FILE
from tdkt_xl.excel.status_copy import write_status_workbook
from tdkt_xl.excel.xw_io import address_chunks, values_to_rows
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.plans.status import (
    RESULT_LINK_COLUMN,
    RESULT_SHEET,
    STATUS_COLORS,
    plan_status,
    result_problems,
    status_row,
)
from tdkt_xl.reports.template import reporting_units

# --- the remote engine and payloads ---------------------------------------------------------


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The remote engine registered (xlwings only registers it at import when the licence
    key is set), the log in a temporary folder, and no mock caller left behind."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv(handlers.LOG_ENV, str(tmp_path / "nhat_ky.log"))
    if "remote" not in [engine.name for engine in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    yield
    if hasattr(xw.Book, "_mock_caller"):
        del xw.Book._mock_caller


def funcs(book: xw.Book) -> list[str]:
    return [a["func"] for a in actions(book)]


def alert(book: xw.Book) -> Action:
    found = [a for a in actions(book) if a["func"] == "alert"]
    assert len(found) == 1
    return found[0]


def sheet_index(book: xw.Book, name: str) -> int:
    return [s.name for s in book.sheets].index(name)


def written(book: xw.Book, sheet: str) -> dict[tuple[int, int], Any]:
    """Every cell written with setValues on ``sheet`` (1-based (row, column) -> value)."""
    position = sheet_index(book, sheet)
    cells: dict[tuple[int, int], Any] = {}
    for action in actions(book):
        if action["func"] == "setValues" and action["sheet_position"] == position:
            for r, row in enumerate(action["values"]):
                for c, value in enumerate(row):
                    cells[(action["start_row"] + r + 1, action["start_column"] + c + 1)] = value
    return cells


def on_sheet(book: xw.Book, sheet: str, func: str) -> list[Action]:
    position = sheet_index(book, sheet)
    return [a for a in actions(book) if a["func"] == func and a["sheet_position"] == position]


# --- generated plans ---------------------------------------------------------------------

UNITS = [f"Phòng {i}" for i in range(1, 11)]
DEADLINES = ["Tháng 2", "Trước ngày 15/6", "Đầu tháng 7", "Quý III", "Thường xuyên", "30/11/2024",
             "Cuối tháng 9", "6 tháng đầu năm"]


def make_plan(path: Path, tasks: int) -> Path:
    """A valid plan of ``tasks`` tasks: a Phụ lục by quarter and a Phân công with deadlines and
    completion dates, a unit list and Cấu hình (status date 01/07/2024)."""
    book = Workbook()
    appendix = book.active
    assert appendix is not None
    appendix.title = "Phụ lục"
    appendix.append(["PHỤ LỤC NHIỆM VỤ NĂM 2024"])
    appendix.append(["STT", "Nội dung thực hiện", "Đơn vị chỉ đạo", "Đơn vị thực hiện",
                     "Đơn vị phối hợp"])
    per_quarter = tasks // 8
    for quarter, roman in enumerate(["I", "II", "III", "IV"], start=1):
        appendix.append([roman, f"Quý {roman}"])
        for number in range(1, per_quarter + 1):
            appendix.append([number, f"Nhiệm vụ {quarter}.{number}", "Phòng 1",
                             UNITS[number % 10], UNITS[(number + 1) % 10]])
    assignment = book.create_sheet("Phân công")
    assignment.append(["TT", "NỘI DUNG", "ĐƠN VỊ THỰC HIỆN", "THỜI GIAN HOÀN THÀNH", "Ngày hoàn thành"])
    for number in range(1, tasks - 4 * per_quarter + 1):
        done = dt.datetime(2024, 1, 10 + number % 15) if number % 3 == 0 else None
        assignment.append([f"{number}.", f"Nhiệm vụ phân công {number}", UNITS[number % 10],
                           DEADLINES[number % len(DEADLINES)], done])
    units = book.create_sheet("Đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị", "Tên gọi khác, viết tắt", "Loại", "Email"])
    for index, name in enumerate(UNITS, start=1):
        units.append([f"P{index}", name, "", "Đơn vị", f"p{index}@mau.gov.vn"])
    config = book.create_sheet("Cấu hình")
    config.append(["Thiết lập", "Giá trị"])
    config.append(["Năm kế hoạch", 2024])
    config.append(["Ngày tính trạng thái", dt.datetime(2024, 7, 1)])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_round: DemoCopier) -> Path:
    """The demo's plan, templates and inbox (two units late, three missing, one broken file)."""
    root, _result = demo_round(tmp_path_factory.mktemp("demo"))
    return root


@pytest.fixture
def sample_copy(sample_plan: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ke_hoach" / sample_plan.name
    target.parent.mkdir()
    target.write_bytes(sample_plan.read_bytes())
    return target


# --- Kiểm tra ---------------------------------------------------------------------------


def test_kiem_tra_on_the_sample_plan(sample_plan: Path) -> None:
    book = open_book(sample_plan)
    message = handlers.kiem_tra()  # through xw.Book.caller(), as from Excel
    assert message == "Kiểm tra xong: 0 lỗi, 0 cảnh báo; 37 nhiệm vụ. Sổ kế hoạch hợp lệ."
    assert alert(book)["args"][:4] == [message, "TĐKT – Kiểm tra", "ok", "info"]
    names = funcs(book)
    assert names[0] == "setScreenUpdating" and actions(book)[0]["args"] == [False]
    assert names[-2:] == ["setScreenUpdating", "alert"] and actions(book)[-2]["args"] == [True]
    assert "addSheet" in names and "setRangeColors" not in names and "addNote" not in names
    cells = written(book, RESULT_SHEET)
    assert cells[(1, 1)] == ("Kết quả kiểm tra: 0 lỗi, 0 cảnh báo; 37 nhiệm vụ; "
                             "trạng thái tính đến ngày 01/07/2024.")
    assert [cells[(3, c)] for c in range(1, 8)] == ["STT", "Mức độ", "Mã", "Tên lỗi", "Sheet", "Ô",
                                                    "Nội dung"]
    assert cells[(4, 1)] == "Không có lỗi hay cảnh báo nào."


@pytest.fixture
def bad_plan(make_book: BookMaker) -> Path:
    rows = [["BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2024"], [*PHAN_CONG_HEADER, "Ngày hoàn thành"],
            ["1.", "Hướng dẫn tổng kết", "Phòng III", "Tháng 2", "26/02/2024"],
            ["1.", "Dự thảo báo cáo", "Phòng I", "Khi nào xong", None],
            ["3.", "Lấy ý kiến góp ý", "Phòng Y", "Đầu tháng 7", None],
            ["4.", "Tuyên truyền", "Phòng II", "Thường xuyên", "hôm qua"]]
    path = make_book({"Phân công": rows})
    workbook = load_workbook(path)
    workbook["Phân công"]["B6"] = "=NA()"  # an error value, cached as #N/A below
    workbook.save(path)
    # openpyxl keeps no cached value for a formula: write the error as Excel would cache it
    workbook = load_workbook(path)
    cell = workbook["Phân công"]["B6"]
    cell.value = "#N/A"
    cell.data_type = "e"
    workbook.save(path)
    return path


def test_kiem_tra_marks_problems_with_fills_notes_and_links(bad_plan: Path) -> None:
    plan = load_plan(bad_plan)
    errors = sum(1 for p in plan.problems if p.severity == "error")
    warnings = len(plan.problems) - errors
    book = open_book(bad_plan)
    message = handlers.kiem_tra(book)
    assert message.startswith(f"Kiểm tra xong: {errors} lỗi, {warnings} cảnh báo; 4 nhiệm vụ.")
    assert errors >= 3 and warnings >= 1
    codes = {p.code for p in plan.problems}
    assert {"duplicate-number", "deadline-unreadable", "unknown-unit", "excel-error",
            "completion-date-unreadable"} <= codes
    # one fill matrix for the whole sheet: error cells red, warning cells yellow, others kept
    fills = on_sheet(book, "Phân công", "setRangeColors")
    assert len(fills) == 1
    fill = fills[0]
    matrix = fill["args"][0]
    colors = {(fill["start_row"] + r + 1, fill["start_column"] + c + 1): v
              for r, row in enumerate(matrix) for c, v in enumerate(row) if v != "keep"}
    assert colors[(4, 1)] == "#ffc7ce"  # duplicate number
    assert colors[(4, 4)] == "#ffc7ce"  # "Khi nào xong"
    assert colors[(5, 3)] == "#ffeb9c"  # unknown unit
    assert colors[(6, 2)] == "#ffc7ce"  # #N/A
    # notes carry the code and the message
    notes = {a["args"][0]: a["args"][1] for a in on_sheet(book, "Phân công", "addNote")}
    assert notes["$A$4"].startswith("[duplicate-number] Số thứ tự 1 bị trùng")
    assert notes["$C$5"].startswith('[unknown-unit] Đơn vị "Phòng Y"')
    # the result sheet lists every problem, with a link to its cell
    cells = written(book, RESULT_SHEET)
    listed = [cells[(4 + i, 3)] for i in range(len(plan.problems))]  # sorted by sheet, then cell
    assert listed == [p.code for p in result_problems(plan.problems, [s.name for s in book.sheets])]
    assert sorted(listed) == sorted(p.code for p in plan.problems)
    links = [cells[(4 + i, RESULT_LINK_COLUMN)] for i in range(len(plan.problems))]
    assert content.link_formula("Phân công", "A4") in links
    assert "ADDRESS(ROW('Phân công'!A4),COLUMN('Phân công'!A4),4)" in content.link_formula("Phân công", "A4")
    rules = on_sheet(book, RESULT_SHEET, "addConditionalFormat")
    assert {r["args"][0]["formula1"]: r["args"][0]["fill_color"] for r in rules} == {
        '="Lỗi"': "#ffc7ce", '="Cảnh báo"': "#ffeb9c"}
    assert "activateSheet" in funcs(book)


def _checked_before(workbook: Any, cell: str, path: Path) -> xw.Book:
    """The workbook with the result sheet an earlier Kiểm tra left, marking ``cell`` of "Phân công"
    (with a note there), saved to ``path`` and opened."""
    results = workbook.create_sheet(RESULT_SHEET)
    results["A1"] = "Kết quả kiểm tra: 1 lỗi, 0 cảnh báo; 12 nhiệm vụ; trạng thái tính đến ngày 01/07/2024."
    results["A3"] = "STT"
    results.append([1, "Lỗi", "duplicate-number", "Phân công", cell, "Số thứ tự 1 bị trùng"])
    workbook.save(path)
    return open_book(path, notes={"Phân công": [f"${cell[0]}${cell[1:]}"]})


def test_kiem_tra_again_clears_the_marks_of_fixed_cells(bad_plan: Path, tmp_path: Path) -> None:
    """A second Kiểm tra after a fix: the old result sheet says which cells were marked."""
    workbook = load_workbook(bad_plan)
    sheet = workbook["Phân công"]
    sheet["A4"] = "2."  # the duplicate number fixed
    book = _checked_before(workbook, "A4", tmp_path / "da_sua.xlsx")
    handlers.kiem_tra(book)
    fill = on_sheet(book, "Phân công", "setRangeColors")[0]
    row, column = 4 - 1 - fill["start_row"], 1 - 1 - fill["start_column"]
    assert fill["args"][0][row][column] is None  # fill removed
    assert [a["args"] for a in on_sheet(book, "Phân công", "deleteNote")] == [["$A$4"]]


def test_kiem_tra_again_after_rows_were_inserted_clears_where_the_mark_moved(
        bad_plan: Path, tmp_path: Path) -> None:
    """Rows inserted above a marked cell: its link formula now shows the moved address (as
    Excel recalculates it), and the next Kiểm tra clears the mark there, not at the old address."""
    workbook = load_workbook(bad_plan)
    sheet = workbook["Phân công"]
    sheet.insert_rows(1, 2)  # the table, and the mark of its duplicate number, two rows lower
    sheet["A6"] = "2."  # the duplicate number fixed
    sheet["A4"].fill = PatternFill("solid", fgColor="00B050")  # the user's own colour where it was
    book = _checked_before(workbook, "A6", tmp_path / "chen_dong.xlsx")
    handlers.kiem_tra(book)
    fill = on_sheet(book, "Phân công", "setRangeColors")[0]
    colors = {(fill["start_row"] + r + 1, fill["start_column"] + c + 1): v
              for r, row in enumerate(fill["args"][0]) for c, v in enumerate(row) if v != "keep"}
    assert colors[(6, 1)] is None  # the moved mark removed
    assert (4, 1) not in colors  # the user's colour at the old address kept
    assert [a["args"] for a in on_sheet(book, "Phân công", "deleteNote")] == [["$A$6"]]


@pytest.mark.slow
def test_the_links_of_the_result_sheet_follow_a_moved_cell_in_a_spreadsheet(tmp_path: Path) -> None:
    """The link formulas computed by LibreOffice: the address shown is the cell's, and once the
    reference has moved (as Excel moves it when rows or columns are inserted) the moved one."""
    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice Calc is not installed")
    workbook = Workbook()
    workbook.active.title = "Phân công"
    results = workbook.create_sheet(RESULT_SHEET)
    moved = {"B7": "D9", "A12": "A15"}  # two rows and two columns inserted; three rows
    formulas = [content.link_formula("Phân công", "B7"),
                content.link_formula("Phân công", "A12", whole_row=True)]
    for row, formula in enumerate(formulas, start=1):
        results.cell(row, 1, formula)
        shifted = formula
        for old, new in moved.items():
            shifted = shifted.replace(f"!{old})", f"!{new})")
        results.cell(row, 2, shifted)
    path = tmp_path / "links.xlsx"
    workbook.save(path)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--calc",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(path)],
                   check=True, capture_output=True, timeout=180)
    computed = load_workbook(tmp_path / "lo" / path.name, data_only=True)[RESULT_SHEET]
    shown = [[c.value for c in row] for row in computed.iter_rows(max_col=2)]
    assert shown == [["B7", "D9"], ["12:12", "15:15"]]
    with_formulas = load_workbook(tmp_path / "lo" / path.name)[RESULT_SHEET]
    assert with_formulas["A1"].value.startswith("=HYPERLINK(")  # still a link after the round trip


def test_kiem_tra_on_a_workbook_that_is_not_a_plan(make_book: BookMaker) -> None:
    path = make_book({"Sheet1": [["Họ tên", "Điểm"], ["An", 9]]}, units=False, config=False)
    book = open_book(path)
    message = handlers.kiem_tra(book)
    assert "không phải sổ kế hoạch" in message and "Nhật ký:" in message
    assert alert(book)["args"][3] == "critical"
    assert "addSheet" not in funcs(book)


@pytest.mark.parametrize("button", ["kiem_tra", "cap_nhat_trang_thai"])
def test_kiem_tra_on_a_unit_report_says_what_it_is(demo: Path, tmp_path: Path, button: str) -> None:
    path = tmp_path / "P2.xlsx"
    path.write_bytes((demo / "mau_bao_cao" / "P2.xlsx").read_bytes())
    book = open_book(path)
    message = getattr(handlers, button)(book)
    assert message.startswith(
        'Sổ "P2.xlsx": Tệp này không phải sổ kế hoạch mà là báo cáo của đơn vị Phòng II theo mẫu gửi '
        'các đơn vị: có các sheet "Thông tin", "Tiến độ", "Số liệu". Hãy mở sổ kế hoạch')
    assert alert(book)["args"][3] == "critical"
    assert "addSheet" not in funcs(book)


# --- Cập nhật trạng thái ---------------------------------------------------------------------


def _json_cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def test_cap_nhat_trang_thai_matches_the_status_command(sample_plan: Path, tmp_path: Path) -> None:
    book = open_book(sample_plan)
    message = handlers.cap_nhat_trang_thai()
    # PC-5 is completed on 05/07/2024, after the status date: not yet done on 01/07/2024
    assert message == ("Đã cập nhật trạng thái 37 nhiệm vụ, tính đến ngày 01/07/2024. Đã hoàn thành 12, "
                       "Hoàn thành trễ hạn 2, Quá hạn 5, Chưa đến hạn 18. Có 5 nhiệm vụ quá hạn (tô đỏ).")
    plan = load_plan(sample_plan)
    statuses = plan_status(plan)
    copy = write_status_workbook(sample_plan, tmp_path / "copy.xlsx", plan, statuses)
    expected = load_workbook(copy)
    for task_sheet in plan.sheets:
        cells = written(book, task_sheet.name)
        header = {column: value for (row, column), value in cells.items() if row == task_sheet.header_row}
        assert list(header.values()) == ["Quý", "Hạn", "Còn (ngày)", "Trạng thái"]
        for column in header:  # the same columns as the openpyxl copy
            assert expected[task_sheet.name].cell(task_sheet.header_row, column).value == header[column]
        for item in statuses:
            if item.task.sheet == task_sheet.name:
                got = [cells[(item.task.row, c)] for c in header]
                assert got == [_json_cell(v) for v in status_row(item)]
        rules = on_sheet(book, task_sheet.name, "addConditionalFormat")
        assert {r["args"][0]["formula1"]: (r["args"][0]["fill_color"], r["args"][0]["font_color"])
                for r in rules} == {f'="{s.value}"': ("#" + f.lower(), "#" + c.lower())
                                    for s, (f, c) in STATUS_COLORS.items()}
        formats = on_sheet(book, task_sheet.name, "setNumberFormat")
        assert [a["args"] for a in formats] == [["dd/mm/yyyy"]]


def test_cap_nhat_trang_thai_updates_existing_columns(sample_plan: Path, tmp_path: Path) -> None:
    """On the copy written by ``tdkt-xl status``, the existing columns are updated, not added."""
    plan = load_plan(sample_plan)
    copy = write_status_workbook(sample_plan, tmp_path / "copy.xlsx", plan, plan_status(plan))
    book = open_book(copy)
    message = handlers.cap_nhat_trang_thai(book, as_of=dt.date(2024, 9, 25))
    assert "tính đến ngày 25/09/2024" in message
    statuses = plan_status(plan, dt.date(2024, 9, 25))
    appendix = load_plan(copy).sheets[0]
    cells = written(book, appendix.name)
    assert not [k for k in cells if k[0] == appendix.header_row]  # no new header
    first = next(s for s in statuses if s.task.sheet == appendix.name)
    status_column = appendix.generated_columns["status"]
    assert cells[(first.task.row, status_column)] == first.status.value == "Đã hoàn thành"
    overdue = [s for s in statuses if s.task.sheet == appendix.name and s.status.value == "Quá hạn"]
    assert overdue and all(cells[(s.task.row, status_column)] == "Quá hạn" for s in overdue)


def test_action_count_does_not_grow_with_rows(tmp_path: Path) -> None:
    counts: dict[str, list[list[str]]] = {"kiem_tra": [], "cap_nhat_trang_thai": []}
    for tasks in (20, 2000):
        path = make_plan(tmp_path / f"ke_hoach_{tasks}.xlsx", tasks)
        plan = load_plan(path)
        assert plan.problems == [] and len(plan.tasks) == tasks
        for name in counts:
            book = open_book(path)
            getattr(handlers, name)(book)
            counts[name].append(funcs(book))
    for name, (small, large) in counts.items():
        assert small == large, name
    assert len(counts["kiem_tra"][0]) == 32  # (one a column width: "Tên lỗi" beside "Mã", issue 16)
    assert len(counts["cap_nhat_trang_thai"][0]) == 97


def test_used_range_not_at_a1_and_error_values(tmp_path: Path) -> None:
    """A table starting at C4 is read at its place; #N/A is an error, not text."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Phân công"
    ws["C4"], ws["D4"], ws["E4"], ws["F4"] = "TT", "Nội dung", "Đơn vị thực hiện", "Thời gian hoàn thành"
    ws["C5"], ws["D5"], ws["E5"], ws["F5"] = 1, "Việc một", "Phòng I", "Tháng 2"
    ws["C6"], ws["D6"], ws["E6"], ws["F6"] = 2, "Việc hai", "Phòng I", "#N/A"
    ws["F6"].data_type = "e"
    path = tmp_path / "lech.xlsx"
    workbook.save(path)
    book = open_book(path)
    assert book.sheets[0].used_range.address == "$C$4:$F$6"
    handlers.cap_nhat_trang_thai(book, as_of=dt.date(2024, 1, 15))
    cells = written(book, "Phân công")
    assert cells[(4, 7)] == "Quý" and cells[(5, 10)] == "Chưa đến hạn"
    message = handlers.kiem_tra(open_book(path))
    assert message.startswith("Kiểm tra xong: 1 lỗi")
    assert values_to_rows([["#N/A", 2.0]], 2, 2)[1][1].__class__.__name__ == "ExcelError"


def test_address_chunks_stay_under_the_com_limit() -> None:
    chunks = address_chunks([(row, 4) for row in range(7, 4000, 2)])
    assert all(len(c) <= 250 for c in chunks) and chunks[0].startswith("D7,D9,")


# --- Tạo mẫu báo cáo, Tổng hợp, Đôn đốc, Hướng dẫn -----------------------------------------------


def test_tao_mau_bao_cao_writes_one_workbook_per_unit(sample_plan: Path, tmp_path: Path) -> None:
    book = open_book(sample_plan)
    folder = tmp_path / "mau"
    message = handlers.tao_mau_bao_cao(book, folder=folder)
    units = reporting_units(load_plan(sample_plan))
    files = sorted(p.name for p in folder.glob("*.xlsx"))
    assert len(files) == len(units) == 17 and "P1.xlsx" in files
    assert message.startswith(f"Đã tạo 17 sổ báo cáo (mỗi đơn vị một tệp <mã đơn vị>.xlsx) "
                              f"trong thư mục:\n{folder}\n")
    assert funcs(book) == ["setScreenUpdating", "setScreenUpdating", "alert"]


def test_tao_mau_bao_cao_without_a_saved_plan_says_what_to_do(sample_plan: Path) -> None:
    """The remote engine has no folder dialog and the book no folder: a Vietnamese message."""
    book = open_book(sample_plan)
    message = handlers.tao_mau_bao_cao(book)
    assert message.startswith("Sổ kế hoạch chưa được lưu vào máy nên chưa có thư mục mặc định.")
    assert "Nhật ký:" in message and "Traceback" not in message
    assert alert(book)["args"][3] == "critical"


def test_tong_hop_consolidates_and_reports(demo: Path, tmp_path: Path) -> None:
    book = open_book(demo / "ke_hoach_mau.xlsx")
    master = tmp_path / "tong_hop.xlsx"
    message = handlers.tong_hop(book, folder=demo / "hop_thu", master=master)
    lines = message.splitlines()
    assert lines[0] == "Tổng hợp xong, tính đến ngày 01/07/2024 (hạn nộp 25/06/2024)."
    # PPCTT's only file is broken: "có tệp bị loại", not "chưa nộp" (issue 16)
    assert lines[1] == ("Đơn vị: 14/17 đã nộp, 2 nộp muộn (HDSKT, SGTVT), 2 chưa nộp "
                        "(CUMDBSH, PQLHS), 1 có tệp bị loại (PPCTT).")
    assert lines[2] == "Tệp: 14 được dùng, 1 bị loại, 1 bị thay bằng bản mới hơn, 5 bỏ qua."
    assert lines[3].startswith("Bị loại: PPCTT.xlsx: Tệp Excel bị hỏng")
    assert lines[-1].startswith(f"Sổ tổng hợp: {master}")
    assert load_workbook(master).sheetnames[0] == "Tình hình nộp báo cáo"
    assert alert(book)["args"][0] == message


@pytest.mark.slow
def test_tong_hop_reads_a_report_saved_in_libreoffice(demo: Path, tmp_path: Path) -> None:
    """A late unit that saved its report as .ods in LibreOffice Calc: read, and still late."""
    inbox = tmp_path / "hop_thu"
    shutil.copytree(demo / "hop_thu", inbox)
    late = inbox / "dot_2" / "SGTVT.xlsx"
    (ods,) = libreoffice_convert([late], "ods", tmp_path / "lo")
    shutil.move(ods, late.with_suffix(".ods"))
    times = late.stat()
    os.utime(late.with_suffix(".ods"), ns=(times.st_atime_ns, times.st_mtime_ns))
    late.unlink()
    book = open_book(demo / "ke_hoach_mau.xlsx")
    message = handlers.tong_hop(book, folder=inbox, master=tmp_path / "tong_hop.xlsx")
    lines = message.splitlines()
    # PPCTT's only file is broken: "có tệp bị loại", not "chưa nộp" (issue 16)
    assert lines[1] == ("Đơn vị: 14/17 đã nộp, 2 nộp muộn (HDSKT, SGTVT), 2 chưa nộp "
                        "(CUMDBSH, PQLHS), 1 có tệp bị loại (PPCTT).")
    assert lines[2] == "Tệp: 14 được dùng, 1 bị loại, 1 bị thay bằng bản mới hơn, 5 bỏ qua."
    submissions = load_workbook(tmp_path / "tong_hop.xlsx")["Tình hình nộp báo cáo"]
    assert "dot_2/SGTVT.ods" in {c.value for row in submissions.iter_rows() for c in row}


def test_tong_hop_with_a_missing_folder(sample_plan: Path, tmp_path: Path) -> None:
    book = open_book(sample_plan)
    message = handlers.tong_hop(book, folder=tmp_path / "khong_co")
    assert message.startswith(f"Không có thư mục {tmp_path / 'khong_co'}.")


def test_don_doc_lists_missing_and_late_units_with_emails(demo: Path) -> None:
    book = open_book(demo / "ke_hoach_mau.xlsx")
    message = handlers.don_doc(book, folder=demo / "hop_thu")
    assert message == ('Sheet "Đôn đốc": 5 đơn vị cần đôn đốc; chưa nộp: CUMDBSH, PQLHS; '
                       "tệp bị loại, đề nghị gửi lại: PPCTT; "
                       "nộp muộn: HDSKT, SGTVT. Sao chép dòng email và nội dung nhắc vào thư gửi "
                       f"các đơn vị. Công văn đôn đốc (Word): {demo / 'cong_van_don_doc.docx'}.")
    assert (demo / "cong_van_don_doc.docx").stat().st_size > 0
    cells = written(book, content.REMINDER_SHEET)
    header = content.REMINDER_HEADER_ROW
    width = len(content.REMINDER_HEADERS)
    assert [cells[(header, c)] for c in range(1, width + 1)] == list(content.REMINDER_HEADERS)
    listed = [(cells[(header + i, 2)], cells[(header + i, 4)]) for i in range(1, 6)]
    assert listed == [("CUMDBSH", "Chưa nộp"), ("PQLHS", "Chưa nộp"),
                      ("PPCTT", "Tệp bị loại – đề nghị gửi lại"),
                      ("HDSKT", "Nộp muộn"), ("SGTVT", "Nộp muộn")]
    # the rejected unit's file and why, beside it (issue 16)
    assert str(cells[(header + 3, width)]).startswith("PPCTT.xlsx: Tệp Excel bị hỏng")
    assert not cells.get((header + 1, width))
    plan = load_plan(demo / "ke_hoach_mau.xlsx")
    emails = {u.code: u.email for u in plan.units or []}
    values = [v for v in cells.values() if isinstance(v, str)]
    line = next(v for v in values if "@" in v and ";" in v)
    assert line == "; ".join(emails[c] for c, _ in listed if emails[c])
    assert any(v.startswith("Tính đến ngày 01/07/2024, đơn vị chưa gửi báo cáo (đã quá hạn")
               for v in values)
    assert funcs(book).count("setValues") == 1


# --- Dự thảo báo cáo (issue 17) ------------------------------------------------------------


def test_du_thao_bao_cao_writes_the_draft_report_beside_the_plan(demo: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "hop_thu"
    shutil.copytree(demo / "hop_thu", inbox)
    book = open_book(demo / "ke_hoach_mau.xlsx")  # (not saved on this computer: beside the inbox)
    message = handlers.du_thao_bao_cao(book, folder=inbox)
    target = tmp_path / DRAFT_REPORT_FILE
    assert message.startswith("Đã viết dự thảo Báo cáo tổng kết (Word), tính đến ngày 01/07/2024:\n"
                              f"{target}\nSố liệu và ý kiến lấy từ báo cáo của 14/17 đơn vị "
                              f"({len(PROPOSALS)} đơn vị có kiến nghị, đề xuất).")
    assert message.endswith("Còn 5 đơn vị chưa nộp, có tệp bị loại hoặc nộp muộn: bấm Đôn đốc để lập "
                            "công văn nhắc.")
    assert alert(book)["args"][:2] == [message, "TĐKT – Dự thảo báo cáo"]
    paragraphs = [p.text for p in Document(str(target)).paragraphs]
    text = "\n".join(paragraphs)
    assert "BÁO CÁO" in paragraphs and "Kiến nghị, đề xuất".lower() in text.lower()
    for proposal in PROPOSALS.values():  # what the units proposed, quoted
        assert all(line in text for line in proposal.split("\n"))
    assert sorted(p.name for p in inbox.rglob("*")) == sorted(p.name for p in (demo / "hop_thu").rglob("*"))


def test_du_thao_bao_cao_that_cannot_be_written_says_why(demo: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "hop_thu"
    shutil.copytree(demo / "hop_thu", inbox)
    (tmp_path / DRAFT_REPORT_FILE).mkdir()  # where the document goes: not a file
    book = open_book(demo / "ke_hoach_mau.xlsx")
    message = handlers.du_thao_bao_cao(book, folder=inbox)
    assert message.startswith(f"Không ghi được dự thảo báo cáo {tmp_path / DRAFT_REPORT_FILE} (")
    assert "Traceback" not in message and alert(book)["args"][3] == "critical"


def test_du_thao_bao_cao_with_a_missing_folder(sample_plan: Path, tmp_path: Path) -> None:
    book = open_book(sample_plan)
    message = handlers.du_thao_bao_cao(book, folder=tmp_path / "khong_co")
    assert message.startswith(f"Không có thư mục {tmp_path / 'khong_co'}.")
    assert not (tmp_path / DRAFT_REPORT_FILE).exists()


def test_huong_dan_writes_the_help_sheet(sample_plan: Path, tmp_path: Path) -> None:
    book = open_book(sample_plan)
    assert handlers.huong_dan() == 'Đã mở sheet "Hướng dẫn".'
    cells = written(book, content.HELP_SHEET)
    assert cells[(1, 1)] == "HƯỚNG DẪN SỬ DỤNG THẺ TĐKT (tdkt_xl)"
    buttons = [cells[(r, 1)] for r in range(4, 11)]
    assert buttons == ["Kiểm tra", "Cập nhật trạng thái", "Tạo mẫu báo cáo", "Tổng hợp", "Đôn đốc",
                       "Dự thảo báo cáo", "Hướng dẫn"]
    assert cells[(max(r for r, _ in cells), 2)] == str(tmp_path / "nhat_ky.log")


# --- errors -------------------------------------------------------------------------------


def test_an_unexpected_error_becomes_a_message_with_the_log(
        sample_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setattr(handlers, "read_plan", broken)
    book = open_book(sample_plan)
    message = handlers.cap_nhat_trang_thai(book)
    log = tmp_path / "nhat_ky.log"
    assert message.startswith("Cập nhật trạng thái không thực hiện được vì một lỗi ngoài dự kiến "
                              "(RuntimeError).")
    assert message.endswith(str(log)) and "Traceback" not in message
    assert alert(book)["args"][:4] == [message, "TĐKT – Cập nhật trạng thái", "ok", "critical"]
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "hỏng giữa chừng" in text and "ke_hoach_mau.xlsx" in text
    # screen updating was turned off, and turned back on before the message
    assert [(a["func"], a["args"]) for a in actions(book)] == [
        ("setScreenUpdating", [False]), ("setScreenUpdating", [True]), ("alert", alert(book)["args"])]


def test_without_a_caller_the_handler_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    if hasattr(xw.Book, "_mock_caller"):
        monkeypatch.delattr(xw.Book, "_mock_caller")
    message = handlers.huong_dan()
    assert message.startswith("Hướng dẫn: không tìm thấy sổ Excel gọi lệnh.")


def test_every_button_has_its_handler() -> None:
    import tdkt_xl.excel as excel

    for name in ("kiem_tra", "cap_nhat_trang_thai", "tao_mau_bao_cao", "tong_hop", "don_doc",
                 "du_thao_bao_cao", "huong_dan"):
        assert getattr(excel, name) is handlers.BUTTONS[name]


# --- the desktop (COM) path, with a stand-in for Excel's objects ------------------------------


class _Ole:
    def __init__(self, xml: str) -> None:
        self.xml = xml

    def GetIDsOfNames(self, name: str) -> int:
        assert name == "Value"
        return 6

    def Invoke(self, dispid: int, lcid: int, flags: int, result: bool, *args: Any) -> str:
        assert (dispid, flags, args) == (6, 2, (11,))
        return self.xml


class _Api:
    def __init__(self, xml: str) -> None:
        self._oleobj_ = _Ole(xml)


class _Range:
    def __init__(self, sheet: _Sheet, address: Any) -> None:
        self.sheet, self.address = sheet, address

    @property
    def color(self) -> None:
        return None

    @color.setter
    def color(self, value: str | None) -> None:
        self.sheet.calls.append(("color", self.address, value))


class _Used:
    row, column = 7, 2
    api = _Api(
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table>'
        '<Row><Cell ss:MergeDown="1"/><Cell/></Row><Row ss:Hidden="1"><Cell ss:Index="2"/></Row>'
        '</Table></Worksheet></Workbook>')

    def options(self, **options: Any) -> Any:
        assert options == {"ndim": 2, "err_to_str": True}
        return type("V", (), {"value": [["6", "#REF!"], [None, 1.0]]})()


class _Sheet:
    name = "Phụ lục"

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, Any]] = []
        self.used_range = _Used()
        engine = type("E", (), {"name": "excel"})()
        self.book = type("B", (), {"app": type("A", (), {"engine": engine})()})()

    def range(self, address: Any) -> _Range:
        return _Range(self, address)


def test_desktop_path_reads_layout_and_fills_by_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from tdkt_xl.excel import xw_io

    monkeypatch.setattr(xw_io.sys, "platform", "win32")
    sheet = _Sheet()
    grid = xw_io.sheet_grid(sheet)  # type: ignore[arg-type]
    assert grid.rows[6] == [None, "6", xw_io.ExcelError("#REF!")] and grid.rows[7] == [None, None, 1]
    assert grid.merged == [(7, 2, 8, 2)] and grid.hidden_rows == frozenset({8})
    xw_io.fill_cells(sheet, {(7, 2): "FFC7CE", (8, 2): "FFC7CE", (9, 3): "FFEB9C",  # type: ignore[arg-type]
                             (4, 1): None})
    assert sheet.calls == [("color", "B7:B8", "#ffc7ce"), ("color", "C9", "#ffeb9c"), ("color", "A4", None)]


def test_a_sheet_of_the_users_with_our_name_is_never_cleared(sample_plan: Path, tmp_path: Path) -> None:
    workbook = load_workbook(sample_plan)
    own = workbook.create_sheet(content.HELP_SHEET)
    own["A1"] = "HƯỚNG DẪN LẬP KẾ HOẠCH (của phòng)"  # the plan's own help sheet
    path = tmp_path / "co_huong_dan.xlsx"
    workbook.save(path)
    book = open_book(path)
    handlers.huong_dan(book)
    added = [a["args"] for a in actions(book) if a["func"] == "addSheet"]
    assert added and added[0][1] == f"{content.HELP_SHEET} (TĐKT)"
    assert written(book, f"{content.HELP_SHEET} (TĐKT)")[(1, 1)] == "HƯỚNG DẪN SỬ DỤNG THẺ TĐKT (tdkt_xl)"
    user_sheet = sheet_index(book, content.HELP_SHEET)
    assert [a["func"] for a in actions(book) if a.get("sheet_position") == user_sheet] == []
    # a second click: the sheet written by the first one is reused
    again = load_workbook(path)
    ours = again.create_sheet(f"{content.HELP_SHEET} (TĐKT)")
    ours["A1"] = "HƯỚNG DẪN SỬ DỤNG THẺ TĐKT (tdkt_xl)"
    again.save(path)
    book = open_book(path)
    handlers.huong_dan(book)
    assert "addSheet" not in funcs(book)


def test_notes_the_user_wrote_are_kept() -> None:
    from tdkt_xl.excel.xw_io import NOTE_SEPARATOR, set_notes

    class Note:
        def __init__(self, cells: dict[str, str], address: str) -> None:
            self.cells, self.address = cells, address

        @property
        def text(self) -> str:
            return self.cells[self.address]

        def delete(self) -> None:
            del self.cells[self.address]

    class Range:
        def __init__(self, cells: dict[str, str], address: str) -> None:
            self.cells, self.address = cells, address

        @property
        def note(self) -> Note | None:
            return Note(self.cells, self.address) if self.address in self.cells else None

        def add_note(self, text: str) -> None:
            self.cells[self.address] = text

    class Sheet:
        def __init__(self) -> None:
            self.cells = {"A1": "Hỏi lại anh Bình", "B2": "[empty-unit] cũ", "C3": "Ghi chú riêng"}

        def range(self, address: str) -> Range:
            return Range(self.cells, address)

    sheet = Sheet()
    set_notes(sheet, {"A1": "[duplicate-number] Số trùng"}, replace=["B2", "C3"])  # type: ignore[arg-type]
    assert sheet.cells == {"A1": f"Hỏi lại anh Bình\n{NOTE_SEPARATOR}\n[duplicate-number] Số trùng",
                           "C3": "Ghi chú riêng"}
    set_notes(sheet, {}, replace=["A1"])  # fixed: the user's note is back as it was
    assert sheet.cells == {"A1": "Hỏi lại anh Bình", "C3": "Ghi chú riêng"}


def test_buttons_on_the_master_refuse_to_touch_it(demo: Path, tmp_path: Path) -> None:
    """After Tổng hợp the master is the active workbook: Kiểm tra or Cập nhật trạng thái there
    must not write statuses over its columns."""
    master = tmp_path / "tong_hop.xlsx"
    handlers.tong_hop(open_book(demo / "ke_hoach_mau.xlsx"), folder=demo / "hop_thu", master=master)
    for button in (handlers.kiem_tra, handlers.cap_nhat_trang_thai):
        book = open_book(master)
        message = button(book)
        assert message.startswith('Sổ "tong_hop.xlsx" là sổ tổng hợp (có sheet "Tình hình nộp báo cáo"), '
                                  "không phải sổ kế hoạch")
        assert [f for f in funcs(book) if f not in ("setScreenUpdating", "setStatusBar", "alert")] == []


def test_templates_again_over_returned_reports_keep_them(demo: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "hop_thu"
    shutil.copytree(demo / "hop_thu", inbox)
    before = {p.name: p.read_bytes() for p in inbox.glob("*.xlsx")}
    book = open_book(demo / "ke_hoach_mau.xlsx")
    message = handlers.tao_mau_bao_cao(book, folder=inbox)  # the wrong folder picked
    filled = [name for name in before if name in {f"{u.code}.xlsx" for u in
                                                  reporting_units(load_plan(demo / "ke_hoach_mau.xlsx"))}]
    assert filled and all((inbox / name).read_bytes() == before[name] for name in filled)
    assert f"Không ghi đè {len(filled)} tệp đã có nội dung" in message
    fresh = tmp_path / "mau"
    handlers.tao_mau_bao_cao(open_book(demo / "ke_hoach_mau.xlsx"), folder=fresh)
    again = handlers.tao_mau_bao_cao(open_book(demo / "ke_hoach_mau.xlsx"), folder=fresh)
    assert again.startswith("Đã tạo 17 sổ báo cáo") and "Không ghi đè" not in again  # blank ones: remade


def test_a_row_that_is_no_longer_a_task_loses_its_old_status(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    copy = write_status_workbook(sample_plan, tmp_path / "copy.xlsx", plan, plan_status(plan))
    appendix = load_plan(copy).sheets[0]
    gone = appendix.tasks[2]
    workbook = load_workbook(copy)
    sheet = workbook[appendix.name]
    for column in range(1, min(appendix.generated_columns.values())):  # the task's own cells cleared
        sheet.cell(gone.row, column).value = None
    workbook.save(copy)
    assert sheet.cell(gone.row, appendix.generated_columns["status"]).value  # the old status is there
    book = open_book(copy)
    handlers.cap_nhat_trang_thai(book)
    cells = written(book, appendix.name)
    assert [cells[(gone.row, c)] for c in sorted(appendix.generated_columns.values())] == ["", "", "", ""]


def test_the_templates_folder_is_made_before_the_dialog_opens(tmp_path: Path) -> None:
    """On Windows the folder dialog starts in mau_bao_cao; made first, so that OK puts the
    templates there and not loose beside the plan."""
    class Book:
        fullname = str(tmp_path / "ke_hoach.xlsx")

    class Dialog:
        started: Path | None = None

        def pick_folder(self, title: str, start: Path | None) -> Path | None:
            self.started = start
            return start

    dialog = Dialog()
    session = handlers.Session(Book(), dialog)  # type: ignore[arg-type]
    picked = handlers._folder(session, None, "mau_bao_cao", "Chọn thư mục", create=True)
    assert picked == dialog.started == tmp_path / "mau_bao_cao" and picked.is_dir()
    inbox = handlers._folder(session, None, "hop_thu", "Chọn thư mục")  # the inbox is not made
    assert inbox == tmp_path and not (tmp_path / "hop_thu").exists()
