"""The fast plan reader (:mod:`tdkt_xl.intake.calamine_grids`: python-calamine for the values, the
sheet XML for the layout) gives the grids the openpyxl reader gives, for workbooks made by code
with every layout fact a plan reader uses, for the real plans, and for files written without cell
references; a hostile file is refused, and without python-calamine openpyxl reads the plan."""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import WORKBOOK_RELS, raw_xlsx, sheet_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.cell import get_column_letter

from tdkt_xl import load_plan
from tdkt_xl.intake import calamine_grids
from tdkt_xl.intake.calamine_grids import BUILTIN_DATE_FORMATS, read_plan_grids
from tdkt_xl.intake.file_formats import WorkbookError
from tdkt_xl.intake.openpyxl_grids import read_grids
from tdkt_xl.plans.deadline_cells import keeps_format
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.reader import read_plan

REALPLANS = Path(__file__).resolve().parents[1].parent / "shared" / "realplans"
SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "ke_hoach_mau.xlsx"


def comparable(grid: Grid) -> tuple[Any, ...]:
    """A grid's facts; merged ranges as a set (openpyxl keeps them in a set)."""
    return (grid.name, grid.rows, grid.hidden_rows, sorted(grid.merged), grid.fonts, grid.hidden_columns,
            grid.state, grid.bold, grid.formats)


def assert_same_grids(path: Path) -> None:
    fast = read_plan_grids(path)
    assert fast is not None, "the fast reader left the file to openpyxl"
    assert [comparable(g) for g in fast] == [comparable(g) for g in read_grids(path)]


# --- workbooks made by code --------------------------------------------------------------------

TEXTS = st.sampled_from(["Nội dung", "Phòng Tổ chức cán bộ", "Quý I", "STT", "  Sở Y tế  ", "a;b",
                         "Néi dung", "Ph\u00f2ng", "#N/A text", "x" * 40, "Tháng 7"])
LEGACY_TEXTS = st.sampled_from(["Néi dung thùc hiÖn", "§¬n vÞ", "Thêi gian"])
NUMBERS = st.one_of(st.integers(-10**6, 10**6),
                    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)))
DATES = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)).map(
    lambda d: dt.datetime(d.year, d.month, d.day))
VALUES = st.one_of(st.none(), TEXTS, NUMBERS, DATES, st.booleans())
# a date format on a date, another on the rest (a number before 1900 shown as a date is read
# differently: openpyxl gives a datetime of 1899, calamine a time of day)
DATE_FORMATS = st.sampled_from(["dd/mm/yyyy", '"Tháng "m/yyyy', "mm/yyyy", '"Quý "m/yyyy', "yyyy", "mmm-yy"])
OTHER_FORMATS = st.sampled_from(["General", "0.00", "@"])
FONTS = st.sampled_from([None, ".VnTime", "VNI-Times", "Times New Roman", ".VnTimeH"])


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, Any]:
    rows = draw(st.integers(1, 8))
    columns = draw(st.integers(1, 6))
    cells = [[draw(VALUES) for _ in range(columns)] for _ in range(rows)]
    styles = {(r, c): (draw(FONTS), draw(st.booleans()),
                       draw(DATE_FORMATS if isinstance(cells[r - 1][c - 1], dt.datetime) else OTHER_FORMATS))
              for r in range(1, rows + 1) for c in range(1, columns + 1) if draw(st.integers(0, 2)) == 0}
    for (r, c), (font, _, _) in styles.items():
        if font is not None and not isinstance(cells[r - 1][c - 1], dt.datetime) and draw(st.booleans()):
            cells[r - 1][c - 1] = draw(LEGACY_TEXTS)
    merged = []
    if rows >= 2 and draw(st.booleans()):
        top = draw(st.integers(1, rows - 1))
        column = draw(st.integers(1, columns))
        merged.append((top, column, draw(st.integers(top + 1, rows)), column))
    return {"cells": cells, "styles": styles, "merged": merged,
            "hidden_rows": draw(st.sets(st.integers(1, rows + 2), max_size=3)),
            "hidden_columns": draw(st.sets(st.integers(1, columns + 1), max_size=2)),
            "state": draw(st.sampled_from(["visible", "visible", "hidden", "veryHidden"]))}


def write(path: Path, specs: list[dict[str, Any]], default_font: str | None) -> Path:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    if default_font is not None:  # every cell without a style of its own in that font (style 0)
        book._fonts[0] = Font(name=default_font)  # type: ignore[attr-defined]
    for index, spec in enumerate(specs):
        ws = book.create_sheet(f"Sheet {index}")
        for row in spec["cells"]:
            ws.append(row)
        for (r, c), (font, bold, number_format) in spec["styles"].items():
            cell = ws.cell(r, c)
            cell.font = Font(name=font or "Calibri", bold=bold)
            cell.number_format = number_format
        for r1, c1, r2, c2 in spec["merged"]:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for row in spec["hidden_rows"]:
            ws.row_dimensions[row].hidden = True
        for column in spec["hidden_columns"]:
            ws.column_dimensions[get_column_letter(column)].hidden = True
        if index:  # the first sheet stays visible: a workbook needs one
            ws.sheet_state = spec["state"]
    book.save(path)
    return path


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(sheets(), min_size=1, max_size=3), default_font=st.sampled_from([None, ".VnTime"]))
def test_the_fast_reader_gives_the_grids_openpyxl_gives(tmp_path: Path, specs: list[dict[str, Any]],
                                                         default_font: str | None) -> None:
    assert_same_grids(write(tmp_path / "k.xlsx", specs, default_font))


@pytest.mark.parametrize("name", ["hn_caodiem100", "hn_syt6582", "hn_kh38pl1"])
def test_the_real_plans_read_the_same(name: str) -> None:
    path = REALPLANS / f"{name}.xlsx"
    if not path.exists():
        pytest.skip("../shared/realplans is not here")
    assert_same_grids(path)


def test_the_sample_plan_reads_the_same() -> None:
    assert_same_grids(SAMPLE)


def test_the_builtin_date_formats_are_openpyxl_s() -> None:
    """Every built-in format that shows a date without its day is in the table, as openpyxl names it."""
    for number, code in BUILTIN_FORMATS.items():
        if keeps_format(code) or number in BUILTIN_DATE_FORMATS:
            assert BUILTIN_DATE_FORMATS.get(number) == code


# --- files written part by part --------------------------------------------------------------

STYLES = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
          'spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="170" formatCode="mm/yyyy"/>'
          '</numFmts>'
          '<fonts count="2"><font><name val="Arial"/></font><font><b/><name val=".VnTime"/></font></fonts>'
          '<cellXfs count="3"><xf fontId="0" numFmtId="0"/><xf fontId="1" numFmtId="0"/>'
          '<xf fontId="0" numFmtId="170"/></cellXfs></styleSheet>')


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_cells_and_rows_without_references_are_placed_in_order(tmp_path: Path, prefix: str) -> None:
    """Some writers leave out ``r`` (and put tags in a prefix): a cell then follows the one before it."""
    p = prefix
    cells = (f'<{p}row><{p}c t="inlineStr" s="1"><{p}is><{p}t>Néi dung</{p}t></{p}is></{p}c>'
             f'<{p}c s="2"><{p}v>45474</{p}v></{p}c></{p}row>'
             f'<{p}row hidden="1"><{p}c t="inlineStr" s="1"><{p}is><{p}t>§¬n vÞ</{p}t></{p}is></{p}c>'
             f'</{p}row>')
    sheet = sheet_xml(cells, dimension=None)
    if prefix:
        sheet = (sheet.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
                 .replace("<sheetData>", "<x:sheetData>")
                 .replace("</sheetData></worksheet>", "</x:sheetData></x:worksheet>"))
    rels = ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>')
    path = raw_xlsx(tmp_path / "k.xlsx", sheet=sheet, extra={
        "xl/styles.xml": STYLES,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace("</Relationships>", rels)})
    fast = read_plan_grids(path)
    assert fast is not None
    grid = fast[0]
    assert grid.rows == [["Néi dung", dt.datetime(2024, 7, 1)], ["§¬n vÞ"]]
    assert grid.fonts == {(1, 1): ".VnTime", (2, 1): ".VnTime"}
    assert grid.bold == frozenset({(1, 1), (2, 1)})
    assert grid.formats == {(1, 2): "mm/yyyy"}
    assert grid.hidden_rows == frozenset({2})


def test_a_hostile_plan_is_refused_with_a_vietnamese_message(tmp_path: Path) -> None:
    bomb = tmp_path / "ke_hoach.xlsx"
    raw_xlsx(bomb, sheet=sheet_xml(prolog='<!DOCTYPE x [<!ENTITY a "aaaa">]>'))
    with pytest.raises(WorkbookError, match="lý do an toàn") as raised:
        load_plan(bomb)
    assert "ke_hoach.xlsx" in str(raised.value)


def test_without_calamine_openpyxl_reads_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_plan(SAMPLE)
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    assert read_plan_grids(SAMPLE) is None
    plan = load_plan(SAMPLE)
    assert plan.model_dump() == expected.model_dump()


def test_a_file_the_fast_reader_cannot_read_goes_to_openpyxl(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet part the workbook names but the package lacks: the plan is what openpyxl reads."""
    path = tmp_path / "k.xlsx"
    answers: list[list[Grid] | None] = []
    real = calamine_grids.read_plan_grids

    def counted(source: Path) -> list[Grid] | None:
        answers.append(real(source))
        return answers[-1]

    monkeypatch.setattr("tdkt_xl.intake.plan_workbook.read_plan_grids", counted)
    with zipfile.ZipFile(SAMPLE) as archive, zipfile.ZipFile(path, "w") as broken:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/sheet1"):
                broken.writestr(info, archive.read(info))
    plan = load_plan(path)
    assert answers == [None]
    assert plan.model_dump() == read_plan(read_grids(path), file=str(path)).model_dump()
