"""Unit report workbooks: files, layout, validations, protection and forms of commendation."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import PHAN_CONG_HEADER, UNIT_ROWS, BookMaker, SheetSpec
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl import Grid, load_plan, read_plan
from tdkt_xl.plans.commendation_forms import (
    DEFAULT_FORMS,
    LEVEL_PROVINCE,
    LEVEL_STATE,
    forms_by_level,
    read_forms,
)
from tdkt_xl.plans.grids import role_by_name
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import (
    INFO_FIRST_ROW,
    INFO_LABELS,
    INFO_SHEET,
    INFO_TITLE,
    META_KEYS,
    META_SHEET,
    PROGRESS_CHOICES,
    PROGRESS_HEADER_ROW,
    PROGRESS_HEADERS,
    PROGRESS_INPUTS,
    PROGRESS_SHEET,
    ROLE_LEAD,
    ROLE_PARTNER,
    STATS_FORM_HEADER,
    STATS_HEADER_ROW,
    STATS_SHEET,
    STATS_TOTAL_HEADER,
    TEMPLATE_VERSION,
    plan_id,
    safe_file_stem,
)
from tdkt_xl.reports.template import build_unit_report, reporting_units, write_unit_reports

FORMS_ROWS: list[list[Any]] = [
    ["DANH MỤC HÌNH THỨC KHEN THƯỞNG ĐƯA VÀO BÁO CÁO"],
    ["STT", "Cấp", "Hình thức khen thưởng"],
    [1, "Cấp Nhà nước", "Huân chương Lao động hạng Ba (tập thể)"],
    [2, None, "Bằng khen của Thủ tướng Chính phủ (cá nhân)"],
    [3, "Cấp tỉnh", "Cờ thi đua của UBND tỉnh"],
    [4, None, "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"],
    [5, None, "bằng khen của chủ tịch ubnd tỉnh (cá nhân)"],  # repeated: skipped
]


def _units_grid(extra: list[list[Any]] | None = None) -> Grid:
    return Grid("Đơn vị", [list(r) for r in UNIT_ROWS] + (extra or []))


def _small_plan(*tasks: list[Any], extra_units: list[list[Any]] | None = None,
                config: list[list[Any]] | None = None, forms: list[list[Any]] | None = None) -> Plan:
    """A plan read from grids (values exactly as given, text starting with "=" included)."""
    grids = [Grid("Phân công", [PHAN_CONG_HEADER, *[list(t) for t in tasks]]),
             _units_grid(extra_units),
             Grid("Cấu hình", config or [["Thiết lập", "Giá trị"], ["Năm kế hoạch", 2024],
                                         ["Hạn nộp báo cáo", date(2024, 7, 15)]])]
    if forms is not None:
        grids.append(Grid("Hình thức khen thưởng", forms))
    return read_plan(grids, year=2024)


def _saved(workbook: Workbook, tmp_path: Path, name: str = "r.xlsx") -> Workbook:
    """Save and reopen, so tests see what Excel will see."""
    path = tmp_path / name
    workbook.save(path)
    return load_workbook(path)


def _validations(ws: Worksheet) -> list[DataValidation]:
    return list(ws.data_validations.dataValidation)


def _validation_at(ws: Worksheet, coordinate: str) -> DataValidation:
    found = [dv for dv in _validations(ws) if coordinate in dv.sqref]
    assert len(found) == 1, (coordinate, [str(dv.sqref) for dv in _validations(ws)])
    return found[0]


def _progress_rows(ws: Worksheet) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=PROGRESS_HEADER_ROW + 1,
                                                         max_col=len(PROGRESS_HEADERS))]


def _column(header: str) -> int:
    return PROGRESS_HEADERS.index(header) + 1


def _unit(plan: Plan, code: str) -> Unit:
    assert plan.units is not None
    return next(u for u in plan.units if u.code == code)


# --- files --------------------------------------------------------------------


def test_one_file_per_reporting_unit(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    assert plan.units is not None
    paths = write_unit_reports(plan, tmp_path / "out")
    expected = [f"{safe_file_stem(u.code)}.xlsx" for u in plan.units if not u.is_group]
    assert [p.name for p in paths] == expected
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(expected)
    assert "NHOM_DP.xlsx" not in expected
    workbook = load_workbook(paths[0])
    assert workbook.sheetnames == [INFO_SHEET, PROGRESS_SHEET, STATS_SHEET, META_SHEET]


def test_file_names_are_windows_safe_and_distinct(tmp_path: Path) -> None:
    plan = _small_plan([1, "Việc", "Phòng I", "Tháng 2"], extra_units=[
        ["CON", "Phòng Con", "", "Đơn vị", ""],
        ["Sở/GD", "Sở Giáo dục và Đào tạo", "", "Đơn vị", ""],
        ["So_GD", "Sở Giáo dục (trùng tên tệp)", "", "Đơn vị", ""],
        ["p1", "Phòng một", "", "Đơn vị", ""],
    ])
    paths = write_unit_reports(plan, tmp_path, units=["CON", "Sở/GD", "So_GD", "P1", "p1"])
    assert [p.name for p in paths] == ["_CON.xlsx", "So_GD.xlsx", "So_GD_2.xlsx", "P1.xlsx", "p1_2.xlsx"]
    for path in paths:
        assert path.exists()
        assert not set(path.stem) & set('<>:"/\\|?*')
    assert load_workbook(paths[1])[INFO_SHEET].cell(INFO_FIRST_ROW, 2).value == "Sở/GD"
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_units_argument_checks_codes(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    assert [u.code for u in reporting_units(plan, ["p1", "BTDKT", "P1"])] == ["P1", "BTDKT"]
    with pytest.raises(ValueError, match="KHONG_CO"):
        write_unit_reports(plan, tmp_path, units=["KHONG_CO"])
    with pytest.raises(ValueError, match="nhóm đơn vị"):
        write_unit_reports(plan, tmp_path, units=["NHOM_DP"])
    with pytest.raises(ValueError, match="danh sách đơn vị"):
        write_unit_reports(Plan(year=2024), tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- Thông tin and META ---------------------------------------------------------


def test_info_sheet(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    ws = _saved(build_unit_report(plan, _unit(plan, "BTDKT")), tmp_path)[INFO_SHEET]
    assert ws["A1"].value == INFO_TITLE and ws["A1"].font.b
    rows = {ws.cell(INFO_FIRST_ROW + i, 1).value: ws.cell(INFO_FIRST_ROW + i, 2)
            for i in range(len(INFO_LABELS))}
    assert list(rows) == list(INFO_LABELS)
    assert rows["Mã đơn vị"].value == "BTDKT"
    assert rows["Tên đơn vị"].value == "Ban Thi đua - Khen thưởng, Sở Nội vụ"
    assert rows["Kỳ báo cáo"].value == "Năm 2024"
    assert rows["Mã đơn vị"].protection.locked and rows["Tên đơn vị"].protection.locked
    for label in ("Kỳ báo cáo", "Người lập", "Điện thoại", "Ngày lập"):
        assert not rows[label].protection.locked, label
    assert rows["Người lập"].value is None and rows["Điện thoại"].value is None
    assert rows["Điện thoại"].number_format == "@"  # a leading 0 stays
    when = rows["Ngày lập"]
    assert when.value is None and when.number_format == "dd/mm/yyyy"
    validation = _validation_at(ws, when.coordinate)
    assert validation.type == "date" and validation.showErrorMessage and validation.error
    texts = [str(c.value) for c in ws["A"] if c.value]
    assert f"Hạn nộp báo cáo: {plan.config.report_deadline:%d/%m/%Y}" in texts
    assert any(t.startswith("Hướng dẫn") for t in texts)
    assert ws.protection.sheet


def test_meta_sheet(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    workbook = _saved(build_unit_report(plan, _unit(plan, "P1")), tmp_path)
    ws = workbook[META_SHEET]
    assert ws.sheet_state == "veryHidden"
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, len(META_KEYS) + 1)}
    assert values == {"plan_id": plan_id(plan), "template_version": TEMPLATE_VERSION,
                      "unit_code": "P1", "plan_year": 2024}
    assert workbook.active is not None and workbook.active.title == INFO_SHEET


# --- Tiến độ ----------------------------------------------------------------------


def test_progress_tasks_and_roles(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    ws = _saved(build_unit_report(plan, _unit(plan, "BTDKT")), tmp_path)[PROGRESS_SHEET]
    assert [c.value for c in ws[PROGRESS_HEADER_ROW]] == list(PROGRESS_HEADERS)
    assert "BTDKT" not in str(ws["A1"].value) and "Ban Thi đua" in str(ws["A1"].value)
    roles = {row[0]: row[2] for row in _progress_rows(ws)}
    assert roles["PL-I-1"] == ROLE_LEAD
    assert roles["PL-II-4"] == ROLE_PARTNER
    assert "PC-3" not in roles
    task = next(t for t in plan.tasks if t.code == "PL-I-1")
    first = PROGRESS_HEADER_ROW + 1
    assert ws.cell(first, 1).value == "PL-I-1"
    assert ws.cell(first, 2).value == task.content
    assert ws.freeze_panes == f"A{first}"

    ws = _saved(build_unit_report(plan, _unit(plan, "P1")), tmp_path)[PROGRESS_SHEET]
    rows = {row[0]: row for row in _progress_rows(ws)}
    assert rows["PC-3"][2] == ROLE_LEAD
    due_row = next(r for r in range(first, ws.max_row + 1) if ws.cell(r, 1).value == "PC-3")
    due = ws.cell(due_row, _column("Hạn"))
    assert due.value == datetime(2024, 6, 15) and due.number_format == "dd/mm/yyyy"


def test_progress_text_stays_text_and_recurring_deadline(tmp_path: Path) -> None:
    plan = _small_plan([1, "=SUM(A1:A9) là chữ, không phải công thức", "Phòng I", "Thường xuyên"],
                       [2, "- Việc có gạch đầu dòng", "Phòng I", "Trước ngày 15/6"],
                       [3, "Việc của phòng khác", "Phòng II", "Tháng 3"])
    ws = _saved(build_unit_report(plan, _unit(plan, "P1")), tmp_path)[PROGRESS_SHEET]
    rows = _progress_rows(ws)
    assert [r[0] for r in rows] == ["PC-1", "PC-2"]
    content = ws.cell(PROGRESS_HEADER_ROW + 1, _column("Nội dung"))
    assert content.value == "=SUM(A1:A9) là chữ, không phải công thức" and content.data_type == "s"
    assert ws.cell(PROGRESS_HEADER_ROW + 2, _column("Nội dung")).value == "- Việc có gạch đầu dòng"
    assert rows[0][_column("Hạn") - 1] == "Thường xuyên"
    assert rows[1][_column("Hạn") - 1] == datetime(2024, 6, 15)


def test_progress_validations_and_protection(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    ws = _saved(build_unit_report(plan, _unit(plan, "P1")), tmp_path)[PROGRESS_SHEET]
    first, last = PROGRESS_HEADER_ROW + 1, PROGRESS_HEADER_ROW + 8  # P1 has 8 tasks
    assert ws.cell(last, 1).value and not ws.cell(last + 1, 1).value
    status = _validation_at(ws, f"E{first}")
    assert status.type == "list" and str(status.sqref) == f"E{first}:E{last}"
    assert status.formula1 == '"' + ",".join(PROGRESS_CHOICES) + '"'
    assert status.showErrorMessage and status.errorTitle and status.error
    done = _validation_at(ws, f"F{first}")
    assert done.type == "date" and done.operator == "between" and str(done.sqref) == f"F{first}:F{last}"
    assert (int(done.formula1), int(done.formula2)) == (36526, 73415)  # 01/01/2000, 31/12/2100
    assert ws.cell(first, _column("Ngày hoàn thành")).number_format == "dd/mm/yyyy"
    assert ws.protection.sheet
    for row in (first, last):
        for column, header in enumerate(PROGRESS_HEADERS, start=1):
            assert ws.cell(row, column).protection.locked is (header not in PROGRESS_INPUTS), header
    assert ws.cell(PROGRESS_HEADER_ROW, 1).protection.locked


def test_unit_without_tasks_gets_a_note_row(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    ws = _saved(build_unit_report(plan, _unit(plan, "VPB")), tmp_path)[PROGRESS_SHEET]
    assert [c.value for c in ws[PROGRESS_HEADER_ROW]] == list(PROGRESS_HEADERS)
    rows = [r for r in _progress_rows(ws) if any(v is not None for v in r)]
    assert len(rows) == 1
    assert rows[0][0] is None and "không" in str(rows[0][1])
    assert not _validations(ws)


# --- Số liệu ------------------------------------------------------------------------


def test_stats_sheet_default_years_forms_and_totals(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    ws = _saved(build_unit_report(plan, _unit(plan, "P1")), tmp_path)[STATS_SHEET]
    header = [c.value for c in ws[STATS_HEADER_ROW]]
    assert header == [STATS_FORM_HEADER, *range(2014, 2024), STATS_TOTAL_HEADER]
    names = [ws.cell(r, 1).value for r in range(STATS_HEADER_ROW + 1, ws.max_row + 1)]
    expected: list[str] = []
    for level, forms in forms_by_level(DEFAULT_FORMS):
        expected += [level, *(f.name for f in forms)]
    assert names == expected
    level_row = STATS_HEADER_ROW + 1
    assert ws.cell(level_row, 1).value == LEVEL_STATE and ws.cell(level_row, 1).font.b
    assert all(ws.cell(level_row, c).value is None for c in range(2, 13))
    assert all(ws.cell(level_row, c).protection.locked for c in range(1, 13))
    row = level_row + 1
    assert ws.cell(row, 12).value == f"=SUM(B{row}:K{row})" and ws.cell(row, 12).data_type == "f"
    assert ws.cell(row, 1).protection.locked and ws.cell(row, 12).protection.locked
    assert not any(ws.cell(row, c).protection.locked for c in range(2, 12))
    counts = _validation_at(ws, f"B{row}")
    assert counts.type == "whole" and counts.operator == "greaterThanOrEqual" and counts.formula1 == "0"
    assert counts.showErrorMessage and counts.error
    province_row = names.index(LEVEL_PROVINCE) + STATS_HEADER_ROW + 1
    assert f"B{province_row}" not in counts.sqref and f"K{province_row + 1}" in counts.sqref
    assert f"L{row}" not in counts.sqref
    assert ws.protection.sheet


def test_stats_years_from_config_and_forms_from_plan_sheet(tmp_path: Path) -> None:
    config = [["Thiết lập", "Giá trị"], ["Năm kế hoạch", 2024], ["Năm số liệu từ", 2019],
              ["Năm số liệu đến", 2023]]
    plan = _small_plan([1, "Việc", "Phòng I", "Tháng 2"], config=config, forms=FORMS_ROWS)
    assert not plan.problems
    ws = _saved(build_unit_report(plan, _unit(plan, "P1")), tmp_path)[STATS_SHEET]
    assert [c.value for c in ws[STATS_HEADER_ROW]] == [STATS_FORM_HEADER, 2019, 2020, 2021, 2022,
                                                        2023, STATS_TOTAL_HEADER]
    names = [ws.cell(r, 1).value for r in range(STATS_HEADER_ROW + 1, ws.max_row + 1)]
    assert names == ["Cấp Nhà nước", "Huân chương Lao động hạng Ba (tập thể)",
                     "Bằng khen của Thủ tướng Chính phủ (cá nhân)", "Cấp tỉnh",
                     "Cờ thi đua của UBND tỉnh", "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"]
    assert ws.cell(STATS_HEADER_ROW + 2, 7).value == f"=SUM(B{STATS_HEADER_ROW + 2}:F{STATS_HEADER_ROW + 2})"


# --- forms --------------------------------------------------------------------------


def test_default_forms() -> None:
    names = [f.name for f in DEFAULT_FORMS]
    assert len(names) == len(set(names)) == 61
    assert {f.level for f in DEFAULT_FORMS} == {LEVEL_STATE, LEVEL_PROVINCE}
    assert all(unicodedata.is_normalized("NFC", f.name + f.level) for f in DEFAULT_FORMS)
    for name in ("Huân chương Lao động hạng Nhất (tập thể)", "Huân chương Lao động hạng Nhất (cá nhân)",
                 "Huân chương Độc lập hạng Ba (cá nhân)", "Huân chương Dũng cảm",
                 "Anh hùng Lao động (tập thể)", "Chiến sĩ thi đua toàn quốc", "Cờ thi đua của Chính phủ",
                 "Bằng khen của Thủ tướng Chính phủ (cá nhân)", "Cờ thi đua cấp bộ, ban, ngành, tỉnh",
                 "Bằng khen cấp bộ, ban, ngành, tỉnh (tập thể)", "Tập thể lao động xuất sắc",
                 "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh"):
        assert name in names, name
    for only_one in ("Chiến sĩ thi đua", "Huân chương Dũng cảm", "Cờ thi đua", "Tập thể lao động"):
        assert not any(n.startswith(only_one) and n.endswith(")") for n in names), only_one
    levels = [f.level for f in DEFAULT_FORMS]
    assert levels == sorted(levels, key=[LEVEL_STATE, LEVEL_PROVINCE].index)


def test_read_forms_blank_and_merged_levels() -> None:
    grid = Grid("Hình thức khen thưởng", [
        ["Cấp", "Hình thức khen thưởng"],
        ["Cấp Nhà nước", None],  # a level row
        [None, "Huân chương Lao động hạng Ba (cá nhân)"],
        [None, "  Huân chương Lao động hạng Nhì (cá nhân) "],
        ["Cấp tỉnh", "Bằng khen của Chủ tịch UBND tỉnh (tập thể)"],
        [None, "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"],
        [None, None],
    ], merged=[(5, 1, 6, 1)])
    forms = read_forms(grid)
    assert [(f.level, f.name) for f in forms] == [
        ("Cấp Nhà nước", "Huân chương Lao động hạng Ba (cá nhân)"),
        ("Cấp Nhà nước", "Huân chương Lao động hạng Nhì (cá nhân)"),
        ("Cấp tỉnh", "Bằng khen của Chủ tịch UBND tỉnh (tập thể)"),
        ("Cấp tỉnh", "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"),
    ]
    assert read_forms(Grid("Hình thức khen thưởng", [["Không có bảng"]])) == []


def test_forms_sheet_in_a_plan_workbook(make_book: BookMaker) -> None:
    forms = SheetSpec([["Cấp", "Hình thức khen thưởng"], ["Cấp Nhà nước", "Huân chương Lao động hạng Ba"],
                       [None, "Anh hùng Lao động"], ["Cấp tỉnh", "Bằng khen của Chủ tịch UBND tỉnh"]],
                      merged=["A2:A3"])
    path = make_book({"Phân công": [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]],
                      "Hình thức khen thưởng": forms})
    plan = load_plan(path)
    assert role_by_name("Hình thức khen thưởng") == role_by_name("HINH THUC KHEN THUONG") == "forms"
    assert plan.forms is not None
    assert [(f.level, f.name) for f in plan.forms] == [
        ("Cấp Nhà nước", "Huân chương Lao động hạng Ba"), ("Cấp Nhà nước", "Anh hùng Lao động"),
        ("Cấp tỉnh", "Bằng khen của Chủ tịch UBND tỉnh")]
    assert [s.name for s in plan.sheets] == ["Phân công"]
    assert not plan.problems
    assert load_plan(make_book({"Phân công": [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "Tháng 2"]]},
                               name="no_forms.xlsx")).forms is None


# --- every sheet ----------------------------------------------------------------------


def test_print_setup_and_layout(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    workbook = _saved(build_unit_report(plan, _unit(plan, "P1")), tmp_path)
    for name, orientation in ((INFO_SHEET, "portrait"), (PROGRESS_SHEET, "landscape"),
                              (STATS_SHEET, "landscape")):
        ws = workbook[name]
        assert ws.page_setup.orientation == orientation, name
        assert int(ws.page_setup.paperSize) == 9  # A4
        # shrunk to the page's width only when nothing is shrunk, else a scale keeping 9 pt (issue 16)
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        else:
            assert int(ws.page_setup.scale) * 11 >= 900, name
        assert ws.freeze_panes is not None
        assert all((ws.column_dimensions[c].width or 0) >= 8 for c in "AB")
    assert workbook[PROGRESS_SHEET].print_title_rows == f"${PROGRESS_HEADER_ROW}:${PROGRESS_HEADER_ROW}"
    assert workbook[STATS_SHEET].print_title_rows == f"${STATS_HEADER_ROW}:${STATS_HEADER_ROW}"
    assert workbook[PROGRESS_SHEET].cell(PROGRESS_HEADER_ROW + 1, 2).alignment.wrap_text


def test_cell_values_are_deterministic(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)

    def values(workbook: Workbook) -> dict[str, list[tuple[Any, ...]]]:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}

    first = values(_saved(build_unit_report(plan, _unit(plan, "BTDKT")), tmp_path, "a.xlsx"))
    second = values(_saved(build_unit_report(plan, _unit(plan, "BTDKT")), tmp_path, "b.xlsx"))
    assert first == second
    assert not any(isinstance(v, datetime) and v.date() == date.today()
                   for rows in first.values() for row in rows for v in row)
