"""Tests for the sample plan workbook built by ``tdkt_xl.demo.sample_plan``."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl.demo.sample_plan import build_sample_plan, main

REPO_ROOT = Path(__file__).resolve().parent.parent
COMMITTED = REPO_ROOT / "workbooks" / "ke_hoach_mau.xlsx"

APPENDIX_HEADERS = [
    "STT",
    "Nội dung\nthực hiện",
    "Đơn vị\nchỉ đạo",
    "Đơn vị\nthực hiện",
    "Đơn vị\nphối hợp",
    "Ngày hoàn thành",
    "Ghi chú",
]
ASSIGNMENT_HEADERS = [
    "TT",
    "NỘI DUNG",
    "ĐƠN VỊ THỰC HIỆN",
    "THỜI GIAN\nHOÀN THÀNH",
    "Ngày hoàn thành",
    "Ghi chú",
]
SECTIONS = [("I", "Quý I"), ("II", "Quý II"), ("III", "Quý III"), ("IV", "Quý IV")]
# Seed 003: Quý I has tasks 1–10, Quý II 1–5, Quý III 1–3, Quý IV 1–7.
TASKS_PER_SECTION = {"I": 10, "II": 5, "III": 3, "IV": 7}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = build_sample_plan(tmp_path_factory.mktemp("sample") / "ke_hoach_mau.xlsx")
    return load_workbook(path)


def _sheet(wb: Workbook, name: str) -> Worksheet:
    ws = wb[name]
    assert isinstance(ws, Worksheet)
    return ws


def _row(ws: Worksheet, row: int, width: int) -> list[object]:
    return [ws.cell(row=row, column=c).value for c in range(1, width + 1)]


def _find_row(ws: Worksheet, column: int, value: object) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == value:
            return row
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


def _merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def _appendix_sections(ws: Worksheet) -> dict[str, list[int]]:
    """Map each section numeral to the rows of its numbered tasks."""
    sections: dict[str, list[int]] = {}
    current = ""
    for row in range(6, ws.max_row + 1):
        number = ws.cell(row=row, column=1).value
        if isinstance(number, str) and number in dict(SECTIONS):
            current = number
            sections[current] = []
        elif isinstance(number, int) and current:
            sections[current].append(row)
    return sections


def test_sheet_names_and_order(workbook: Workbook) -> None:
    assert workbook.sheetnames == ["Phụ lục", "Phân công", "Đơn vị", "Cấu hình"]
    assert workbook.properties.creator == "tdkt_xl"
    assert workbook.properties.title
    assert workbook.properties.created == dt.datetime(2024, 1, 15)


def test_appendix_titles_and_header(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    assert ws["A1"].value == "PHỤ LỤC THỰC HIỆN NHIỆM VỤ NĂM 2024"
    assert ws["A1"].font.bold
    assert str(ws["A2"].value).startswith("(Kèm theo Kế hoạch số")
    assert ws["A2"].font.italic
    assert {"A1:G1", "A2:G2"} <= _merged(ws)
    assert _row(ws, 3, 7) == [None] * 7
    assert _row(ws, 4, 7) == APPENDIX_HEADERS
    assert all(ws.cell(row=4, column=c).font.bold for c in range(1, 8))
    assert _row(ws, 5, 7) == [f"({i})" for i in range(1, 8)]
    assert ws.freeze_panes == "A6"
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$4:$5"


def test_appendix_sections_in_order(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    found = [
        (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value)
        for r in range(6, ws.max_row + 1)
        if ws.cell(row=r, column=1).value in dict(SECTIONS)
    ]
    assert found == SECTIONS
    assert ws["A6"].value == "I"
    assert ws["B6"].font.bold


def test_appendix_task_counts_and_numbering(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    sections = _appendix_sections(ws)
    assert {k: len(v) for k, v in sections.items()} == TASKS_PER_SECTION
    for rows in sections.values():
        assert [ws.cell(row=r, column=1).value for r in rows] == list(range(1, len(rows) + 1))
        for r in rows:
            assert ws.cell(row=r, column=2).alignment.wrap_text
            assert ws.cell(row=r, column=2).border.left.style == "thin"


def test_appendix_seed_wording(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    rows = _appendix_sections(ws)["I"]
    assert "Cùm, Khối thi đua" in str(ws.cell(row=rows[2], column=2).value)
    assert ws.cell(row=rows[4], column=4).value == (
        "- Các địa phương, đơn vị;\n- Cụm trưởng, Khối trưởng các Cụm, Khối thi đua"
    )
    assert str(ws.cell(row=rows[5], column=2).value).startswith(
        "Các địa phương, đơn vị, các Cụm, Khối thi đua:\n- Xây dựng Kế hoạch"
    )
    assert ws.cell(row=rows[6], column=5).value == "Các Cụm, Khối thi đua; Các địa phương, đơn vị"
    row = _appendix_sections(ws)["II"][4]
    assert ws.cell(row=row, column=4).value == (
        "- Sở Giáo dục và Đào tạo;\n- Các huyện, thị xã, thành phố."
    )


def test_appendix_dates(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    sections = _appendix_sections(ws)
    done = {
        (section, n): ws.cell(row=r, column=6).value
        for section, rows in sections.items()
        for n, r in enumerate(rows, start=1)
    }
    for n in (1, 2, 3, 4, 7, 8, 9, 10):
        value = done[("I", n)]
        assert isinstance(value, dt.datetime)
        assert (value.year, value.month) == (2024, 3)
    assert done[("I", 5)] == dt.datetime(2024, 4, 12)
    assert done[("II", 3)] == dt.datetime(2024, 6, 25)
    filled = {key for key, value in done.items() if value is not None}
    expected = {("I", n) for n in (1, 2, 3, 4, 5, 7, 8, 9, 10)} | {("II", 3)}
    assert filled == expected
    for key in expected:
        row = sections[key[0]][key[1] - 1]
        assert ws.cell(row=row, column=6).number_format == "dd/mm/yyyy"


def test_appendix_continuation_row(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    row = _appendix_sections(ws)["I"][5]
    assert ws.cell(row=row, column=1).value == 6
    assert f"A{row}:A{row + 1}" in _merged(ws)
    assert _row(ws, row + 1, 7) == [
        None,
        "- Tham gia các phong trào thi đua do UBND tỉnh phát động.",
        None,
        None,
        None,
        None,
        None,
    ]
    assert ws.cell(row=row + 2, column=1).value == 7


def test_appendix_no_hidden_rows(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    assert not any(dim.hidden for dim in ws.row_dimensions.values())


def test_appendix_note_row(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phụ lục")
    last_task = _appendix_sections(ws)["IV"][-1]
    assert _row(ws, last_task + 1, 7) == [None] * 7
    note = ws.cell(row=last_task + 2, column=1)
    assert str(note.value).startswith("Ghi chú: Các địa phương, đơn vị báo cáo")
    assert note.font.italic
    assert f"A{last_task + 2}:G{last_task + 2}" in _merged(ws)
    assert ws.max_row == last_task + 2


def test_assignment_layout(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phân công")
    assert ws["A1"].value == "Bảng tóm tắt phân công nhiệm vụ"
    assert ws["A1"].font.bold
    assert ws["A4"].value == "(Kèm theo Kế hoạch số 21 /KH-BTĐKT ngày 10 /6/2024)"
    assert {f"A{r}:F{r}" for r in range(1, 5)} <= _merged(ws)
    header = _find_row(ws, 1, "TT")
    assert _row(ws, header, 6) == ASSIGNMENT_HEADERS
    assert ws.freeze_panes == f"A{header + 1}"
    numbers = [ws.cell(row=r, column=1).value for r in range(header + 1, ws.max_row + 1)]
    assert [n for n in numbers if n is not None] == [f"{i}." for i in range(1, 12)]
    assert len(numbers) == 12


def test_assignment_subrows_and_dates(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Phân công")
    six = _find_row(ws, 1, "6.")
    assert f"A{six}:A{six + 1}" in _merged(ws)
    assert str(ws.cell(row=six, column=2).value).startswith("6.1. Tiếp thu, giải trình")
    assert str(ws.cell(row=six, column=2).value).endswith(
        "Dự thảo Báo cáo tổng kết Chỉ thị 34-CT/TW"
    )
    assert _row(ws, six, 4)[2:] == ["Phòng I", "Tháng 7"]
    assert str(ws.cell(row=six + 1, column=2).value).startswith("6.2. Tiếp thu, giải trình")
    assert str(ws.cell(row=six + 1, column=2).value).endswith("Dự thảo Chỉ thị mới")
    assert _row(ws, six + 1, 4)[2:] == ["Phòng Tổ chức cán bộ", "Tháng 7"]
    four = ws.cell(row=_find_row(ws, 1, "4."), column=2).value
    assert str(four).count("\n- ") == 1 and str(four).startswith("- ")
    expected = {
        "1.": dt.datetime(2024, 2, 26),
        "2.": dt.datetime(2024, 6, 20),
        "3.": dt.datetime(2024, 6, 14),
        "4.": dt.datetime(2024, 6, 18),
        "5.": dt.datetime(2024, 7, 5),
    }
    header = _find_row(ws, 1, "TT")
    for row in range(header + 1, ws.max_row + 1):
        number = ws.cell(row=row, column=1).value
        value = ws.cell(row=row, column=5).value
        assert value == (expected.get(str(number)) if number else None)
    deadlines = {ws.cell(row=r, column=4).value for r in range(header + 1, ws.max_row + 1)}
    assert deadlines == {
        "Tháng 2",
        "Tháng 6",
        "Trước ngày 15/6",
        "Đầu tháng 7",
        "Tháng 7",
        "Tháng 8",
    }


def _split_units(text: str) -> list[str]:
    """Split a unit cell on ";" and line breaks, drop "- " bullets and a trailing "."."""
    parts = []
    for piece in re.split(r"[;\n]", text):
        piece = piece.strip()
        piece = piece.removeprefix("- ").strip().removesuffix(".").strip()
        if piece:
            parts.append(piece)
    return parts


def test_every_unit_in_tables_is_known(workbook: Workbook) -> None:
    units = _sheet(workbook, "Đơn vị")
    assert _row(units, 1, 5) == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Tên gọi khác, viết tắt",
        "Loại",
        "Email",
    ]
    known: set[str] = set()
    codes: list[str] = []
    for row in range(2, units.max_row + 1):
        codes.append(str(units.cell(row=row, column=1).value))
        known.add(str(units.cell(row=row, column=2).value).casefold())
        aliases = units.cell(row=row, column=3).value
        if aliases:
            known.update(a.strip().casefold() for a in str(aliases).split(";"))
    assert len(codes) == len(set(codes))

    texts: list[str] = []
    appendix = _sheet(workbook, "Phụ lục")
    for row in range(6, appendix.max_row + 1):
        if isinstance(appendix.cell(row=row, column=1).value, str):
            continue  # section and note rows
        texts += [str(appendix.cell(row=row, column=c).value or "") for c in (3, 4, 5)]
    assignment = _sheet(workbook, "Phân công")
    header = _find_row(assignment, 1, "TT")
    texts += [
        str(assignment.cell(row=r, column=3).value)
        for r in range(header + 1, assignment.max_row + 1)
    ]
    names = {name for text in texts for name in _split_units(text)}
    assert "Ban Thi đua - Khen thưởng, Sở Nội vụ" in names
    missing = sorted(n for n in names if n.casefold() not in known)
    assert missing == []


def test_units_sheet_rows(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Đơn vị")
    rows = {ws.cell(row=r, column=1).value: _row(ws, r, 5) for r in range(2, ws.max_row + 1)}
    assert rows["BTDKT"][1] == "Ban Thi đua - Khen thưởng, Sở Nội vụ"
    assert rows["BTDKT"][4] == "ban.tdkt@mau.gov.vn"
    assert rows["UBND"][3] == "Đơn vị"
    assert rows["NHOM_DP"][3] == "Nhóm đơn vị"
    assert rows["NHOM_DP"][4] is None
    for code in ("P1", "P2", "P3", "PTCCB", "PPCTT", "PQLHS", "TTTTTT", "VPB", "CUMDBSH"):
        assert code in rows
    for values in rows.values():
        email = values[4]
        assert email is None or str(email).endswith("@mau.gov.vn")
    assert ws.freeze_panes == "A2"


def test_config_sheet(workbook: Workbook) -> None:
    ws = _sheet(workbook, "Cấu hình")
    assert _row(ws, 1, 3) == ["Thiết lập", "Giá trị", "Giải thích"]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(2, 8)}
    assert values["Năm kế hoạch"].value == 2024
    assert values["Số ngày sắp đến hạn"].value == 7
    assert values["Ngày tính trạng thái"].value == dt.datetime(2024, 7, 1)
    assert values["Ngày tính trạng thái"].number_format == "dd/mm/yyyy"
    assert values["Hạn nộp báo cáo"].value == dt.datetime(2024, 6, 25)
    assert values["Năm số liệu từ"].value == 2014
    assert values["Năm số liệu đến"].value == 2023


def test_all_text_is_nfc(workbook: Workbook) -> None:
    for ws in workbook.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert unicodedata.is_normalized("NFC", value), value


def _values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_main_writes_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "mau.xlsx"
    assert main([str(out)]) == 0
    assert out.is_file()
    assert str(out) in capsys.readouterr().out
    assert [p.name for p in out.parent.iterdir()] == ["mau.xlsx"]  # no temp file left
    assert _values(out)["Cấu hình"][0] == ("Thiết lập", "Giá trị", "Giải thích")


def test_build_is_byte_stable(tmp_path: Path) -> None:
    first = build_sample_plan(tmp_path / "a.xlsx").read_bytes()
    second = build_sample_plan(tmp_path / "b.xlsx").read_bytes()
    assert first == second


@pytest.mark.skipif(not COMMITTED.is_file(), reason="workbooks/ke_hoach_mau.xlsx is absent")
def test_committed_workbook_is_current(tmp_path: Path) -> None:
    fresh = build_sample_plan(tmp_path / "ke_hoach_mau.xlsx")
    assert _values(COMMITTED) == _values(fresh)


def test_default_output_of_an_installed_package_is_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Installed with pip, the package sits in site-packages: ``tdkt-xl sample`` without OUT wrote
    the plan there (site-packages/workbooks/ke_hoach_mau.xlsx) instead of where the user is."""
    from click.testing import CliRunner

    from tdkt_xl.cli import cli
    from tdkt_xl.demo import sample_plan as sample

    assert sample.default_output() == COMMITTED  # the checkout the tests run from
    site_packages = tmp_path / "venv" / "lib" / "site-packages"
    (site_packages / "tdkt_xl").mkdir(parents=True)
    monkeypatch.setattr(sample, "_PACKAGE_DIR", site_packages / "tdkt_xl")
    work = tmp_path / "lam_viec"
    work.mkdir()
    monkeypatch.chdir(work)
    assert sample.default_output() == Path("ke_hoach_mau.xlsx")
    result = CliRunner().invoke(cli, ["sample"])
    assert result.exit_code == 0, result.output
    assert result.output == "Đã ghi sổ mẫu: ke_hoach_mau.xlsx\n"
    assert main([]) == 0
    assert capsys.readouterr().out == "Đã ghi sổ mẫu: ke_hoach_mau.xlsx\n"
    assert load_workbook(work / "ke_hoach_mau.xlsx").sheetnames[:2] == ["Phụ lục", "Phân công"]
    assert not list(site_packages.rglob("*.xlsx"))
