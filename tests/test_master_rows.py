"""The master's long sheets: rows written as XML text, read back by openpyxl and calamine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tdkt_xl.master import CellWriter, Formula, SheetLayout, SheetRows, build_skeleton, save_master


def write(path: Path, rows: list[list[object]], special: dict[int, str] | None = None) -> Path:
    skeleton = build_skeleton([SheetLayout("Dài", (8,) * 5, len(rows))])
    sheet = SheetRows("Dài", CellWriter(skeleton.style_ids))
    sheet.heading("Tiêu đề", ["A", "B", "C", "D", "E"])
    for row in rows:
        sheet.append(row, special)
    save_master(skeleton, [sheet], path)
    return path


def test_values_types_and_styles_read_back(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [1, "=HYPERLINK(\"http://x.invalid\")", "#N/A", date(2024, 6, 15), None],
        [2, "  lề trái", "a & b < c > d", 2.5, Formula("SUM(A4:A5)")],
        [3, "dòng 1\ndòng 2", "-5 đơn vị", True, "@x"],
    ]
    path = write(tmp_path / "dai.xlsx", rows, {4: "late"})
    sheet = load_workbook(path)["Dài"]
    assert sheet["A1"].value == "Tiêu đề" and sheet["A3"].value == "A"
    got = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4, max_col=5)]
    assert got[0][:4] == [1, '=HYPERLINK("http://x.invalid")', "#N/A", got[0][3]]
    assert sheet["B4"].data_type == "s" and sheet["C4"].data_type == "s"  # text, not formula/error
    assert got[0][3].date() == date(2024, 6, 15) and sheet["D4"].number_format == "dd/mm/yyyy"
    assert got[1] == [2, "  lề trái", "a & b < c > d", 2.5, "=SUM(A4:A5)"]
    assert got[2] == [3, "dòng 1\ndòng 2", "-5 đơn vị", True, "@x"]
    assert sheet["E5"].fill.fgColor.rgb.endswith("FFEB9C")  # the "late" fill of the special column
    assert sheet["B5"].border.left.style == "thin"
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Dài").to_python()
    assert calamine[3][:3] == [1.0, '=HYPERLINK("http://x.invalid")', "#N/A"]


def test_control_characters_are_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "ky_tu.xlsx", [["a\x00b\x1fc\tđ"]])
    assert load_workbook(path)["Dài"]["A4"].value == "abc\tđ"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.one_of(
    st.none(), st.integers(-10**12, 10**12),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff\r"),
            max_size=30),
), min_size=1, max_size=5), min_size=1, max_size=6))
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, rows: list[list[object]]) -> None:
    path = write(tmp_path_factory.mktemp("rt") / "rt.xlsx", rows)
    sheet = load_workbook(path)["Dài"]
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Dài").to_python(skip_empty_area=False)
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            found = sheet.cell(4 + offset, column).value
            line = grid[3 + offset] if 3 + offset < len(grid) else []
            by_calamine = line[column - 1] if column - 1 < len(line) else ""
            if isinstance(value, str):
                expected = "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)
                assert found == (expected or None)
                assert by_calamine == expected
            else:
                assert found == value
                assert by_calamine == ("" if value is None else value)
