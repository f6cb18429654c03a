"""Tests for :mod:`tdkt_xl.plans.deadline_cells` (issue 14): Excel dates shown as a month or a
quarter by their number format, and reviewers' notes typed inside deadline cells; read through
openpyxl workbooks made here with real date cells and number formats."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import PHAN_CONG_HEADER, BookMaker

from tdkt_xl import load_plan
from tdkt_xl.intake.openpyxl_grids import read_grids
from tdkt_xl.plans.deadline_cells import date_format_kind, keeps_format, read_deadline_cell
from tdkt_xl.plans.deadlines import parse_deadline
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.text import clean, strip_diacritics


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def variants(text: str) -> list[str]:
    """The same text as staff's files hold it: NFC, NFD, without diacritics."""
    return [text, nfd(text), strip_diacritics(text)]


# --- number formats -------------------------------------------------------------------------------

FORMATS: list[tuple[str | None, str]] = [
    # a day is shown: the day (today's reading)
    ("dd/mm/yyyy", "day"), ("d/m/yy", "day"), ("dd/mm/yy", "day"), ("m/d/yyyy", "day"),
    ("d-mmm", "day"), ("d-mmm-yy", "day"), ("mm-dd-yy", "day"), ("dd/mm/yyyy;@", "day"),
    ("[$-42A]dd/mm/yyyy", "day"), ('"Ngày "dd" tháng "mm" năm "yyyy', "day"),
    ("dddd, dd/mm/yyyy", "day"), ("m/d/yy h:mm", "day"), ("General", "day"), ("@", "day"),
    ("Short Date", "day"), ("Medium Date", "day"), ("h:mm", "day"), ("[h]:mm", "day"),
    ("mm:ss", "day"), (None, "day"), ("", "day"),
    # only a month (and year)
    ('"Tháng "m/yyyy', "month"), ('"Tháng "mm/yyyy', "month"), ("mm/yyyy", "month"),
    ("m/yyyy", "month"), ("mmm yyyy", "month"), ("mmmm yyyy", "month"), ("mmm-yy", "month"),
    ("[$-42A]mmmm yyyy", "month"), ('"Tháng "m', "month"), ("mm/yyyy;@", "month"),
    ('"T"m"/"yyyy', "month"), ("\\T\\h\\á\\n\\g m/yyyy", "month"),
    # a quarter: a format whose text says "Quý"
    ('"Quý "m/yyyy', "quarter"), ('"Quý II/"yyyy', "quarter"), ('"Q"m/yyyy', "quarter"),
    # only a year
    ("yyyy", "year"), ('"Năm "yyyy', "year"),
]


@pytest.mark.parametrize(("number_format", "kind"), FORMATS, ids=[repr(f) for f, _ in FORMATS])
def test_what_a_format_shows(number_format: str | None, kind: str) -> None:
    forms = [number_format] if number_format is None else variants(number_format)
    for form in forms:
        assert date_format_kind(form) == kind
        assert keeps_format(form) == (kind != "day")


# --- dates with formats ----------------------------------------------------------------------------

DATES: list[tuple[date, str, date, date, str]] = [
    (date(2026, 4, 1), '"Tháng "m/yyyy', date(2026, 4, 1), date(2026, 4, 30), "Tháng 04/2026"),
    (date(2026, 5, 1), '"Tháng "mm/yyyy', date(2026, 5, 1), date(2026, 5, 31), "Tháng 05/2026"),
    (date(2024, 2, 15), "mm/yyyy", date(2024, 2, 1), date(2024, 2, 29), "Tháng 02/2024"),
    (date(2025, 2, 28), "m/yyyy", date(2025, 2, 1), date(2025, 2, 28), "Tháng 02/2025"),
    (date(2026, 12, 31), "mmm yyyy", date(2026, 12, 1), date(2026, 12, 31), "Tháng 12/2026"),
    (date(2026, 5, 20), '"Quý "m/yyyy', date(2026, 4, 1), date(2026, 6, 30), "Quý II/2026"),
    (date(2026, 1, 1), '"Quý III/"yyyy', date(2026, 7, 1), date(2026, 9, 30), "Quý III/2026"),
    (date(2026, 11, 3), '"Quý "m/yyyy', date(2026, 10, 1), date(2026, 12, 31), "Quý IV/2026"),
    (date(2027, 6, 1), "yyyy", date(2027, 1, 1), date(2027, 12, 31), "Năm 2027"),
    # the month number shown after "Quý" is the quarter the cell shows ("Quý 2/2026")
    (date(2026, 2, 1), '"Quý "m/yyyy', date(2026, 4, 1), date(2026, 6, 30), "Quý II/2026"),
    (date(2026, 3, 1), '"Quý "mm"/"yyyy', date(2026, 7, 1), date(2026, 9, 30), "Quý III/2026"),
    (date(2026, 4, 1), "\\Q\\u\\ý m/yyyy", date(2026, 10, 1), date(2026, 12, 31), "Quý IV/2026"),
    (date(2026, 1, 1), '"Q"m/yyyy', date(2026, 1, 1), date(2026, 3, 31), "Quý I/2026"),
]


@pytest.mark.parametrize(("day", "number_format", "start", "due", "text"), DATES,
                         ids=[f"{d}-{f}" for d, f, *_ in DATES])
@pytest.mark.parametrize("as_datetime", [False, True])
def test_a_date_formatted_as_a_period_is_that_period(day: date, number_format: str, start: date,
                                                     due: date, text: str, as_datetime: bool) -> None:
    value = datetime(day.year, day.month, day.day) if as_datetime else day
    for form in variants(number_format):
        cell = read_deadline_cell(value, form, 2026)
        assert (cell.deadline.start, cell.deadline.due, cell.text) == (start, due, text)
        assert cell.deadline.quarter == (due.month - 1) // 3 + 1
        assert cell.notes == () and cell.deadline.problem is None


@pytest.mark.parametrize("number_format", [None, "dd/mm/yyyy", "d/m/yy", "General"])
def test_a_date_shown_as_a_day_is_that_day(number_format: str | None) -> None:
    cell = read_deadline_cell(datetime(2026, 2, 5), number_format, 2026)
    assert (cell.deadline.start, cell.deadline.due, cell.text) == (date(2026, 2, 5), date(2026, 2, 5),
                                                                   "05/02/2026")
    assert cell.deadline == parse_deadline(datetime(2026, 2, 5), 2026)


@pytest.mark.parametrize("value", ["Tháng 4/2026", 46113, 2026.0, None])
def test_a_format_applies_to_dates_only(value: object) -> None:
    # a text or a number keeps its own reading whatever format its cell has
    assert read_deadline_cell(value, '"Tháng "m/yyyy', 2026).deadline == parse_deadline(value, 2026)


# --- notes typed after the deadline -------------------------------------------------------------------

NOTES: list[tuple[str, str, date | None, str]] = [
    ("13/02/2026\n Đề xuất hạn là thường xuyên", "13/02/2026", date(2026, 2, 13),
     "Đề xuất hạn là thường xuyên"),
    ("28/02/2026 \n Đề xuất hạn là thường xuyên", "28/02/2026", date(2026, 2, 28),
     "Đề xuất hạn là thường xuyên"),
    ("31/03/2026\n Các sở, ban, ngành có văn bản đề xuất trước ngày 15/3/2026", "31/03/2026",
     date(2026, 3, 31), "Các sở, ban, ngành có văn bản đề xuất trước ngày 15/3/2026"),
    ("Quý II/2026 - đề nghị lùi sang quý III", "Quý II/2026", date(2026, 6, 30),
     "đề nghị lùi sang quý III"),
    ("Quý II/2026 – Đề nghị lùi sang quý III", "Quý II/2026", date(2026, 6, 30),
     "Đề nghị lùi sang quý III"),
    ("Tháng 6/2026 (đề nghị điều chỉnh sang tháng 9)", "Tháng 6/2026", date(2026, 6, 30),
     "đề nghị điều chỉnh sang tháng 9"),
    ("Trước ngày 15/6; ý kiến: xin lùi đến 30/6", "Trước ngày 15/6", date(2026, 6, 15),
     "ý kiến: xin lùi đến 30/6"),
    ("30/9/2026\nGhi chú: chờ hướng dẫn của Bộ", "30/9/2026", date(2026, 9, 30),
     "Ghi chú: chờ hướng dẫn của Bộ"),
    ("Thường xuyên\nKiến nghị ghi rõ tháng", "Thường xuyên", None, "Kiến nghị ghi rõ tháng"),
    ("Quý IV - Lưu ý: gửi kèm số liệu", "Quý IV", date(2026, 12, 31), "Lưu ý: gửi kèm số liệu"),
]


@pytest.mark.parametrize(("cell_text", "deadline", "due", "note"), NOTES, ids=[repr(n[0]) for n in NOTES])
@pytest.mark.parametrize("variant", [0, 1, 2], ids=["nfc", "nfd", "no-diacritics"])
def test_a_note_after_the_deadline_is_kept_apart(cell_text: str, deadline: str, due: date | None,
                                                 note: str, variant: int) -> None:
    cell = read_deadline_cell(variants(cell_text)[variant], None, 2026)
    # the text a message quotes is NFC (clean): compare the readings of the expected texts
    assert cell.text == read_deadline_cell(variants(deadline)[variant], None, 2026).text
    assert cell.deadline.due == due
    assert cell.deadline == parse_deadline(cell.text, 2026)
    assert len(cell.notes) == 1
    assert strip_diacritics(cell.notes[0]) == strip_diacritics(note)


def test_a_note_after_a_deadline_over_several_lines_keeps_every_line_of_it() -> None:
    cell = read_deadline_cell("Trước ngày 15/6\nvà trước ngày 01/12\nĐề nghị gửi sớm hơn", None, 2026)
    assert cell.text == "Trước ngày 15/6 và trước ngày 01/12"
    assert cell.deadline == parse_deadline(cell.text, 2026)
    assert cell.notes == ("Đề nghị gửi sớm hơn",)


NOT_NOTES = [
    "Quý II/2026 - Quý III/2026",  # a period, not a note
    "Quý I/2026 (Kế hoạch CĐS); Năm 2026 (theo từng hệ thống)",  # two deadlines
    "Tháng 6\nnăm 2026",  # one phrase over two lines
    "Trước ngày 15/6 và trước ngày 01/12",
    "Trong tháng 01/2026",
    "Đề xuất hạn là thường xuyên",  # a note alone: nothing before it reads as a deadline
    "Đề nghị hoàn thành trước 30/6",  # the phrase itself says "đề nghị"
    "Khi có yêu cầu\n(đề xuất của đơn vị)",  # nothing before it gives a date
    "",
]


@pytest.mark.parametrize("cell_text", NOT_NOTES)
@pytest.mark.parametrize("variant", [0, 1, 2], ids=["nfc", "nfd", "no-diacritics"])
def test_a_cell_without_a_note_reads_as_before(cell_text: str, variant: int) -> None:
    text = variants(cell_text)[variant]
    cell = read_deadline_cell(text, None, 2026)
    assert cell.notes == ()
    assert cell.deadline == parse_deadline(clean(text), 2026)  # the cell's text as the reader gives it


def test_the_issue_date_is_accepted() -> None:
    cell = read_deadline_cell("Trước ngày 15/6", None, 2026, issued=date(2026, 1, 10))
    assert cell.deadline.due == date(2026, 6, 15)


# --- workbooks made with openpyxl ------------------------------------------------------------------

# (deadline cell value, its number format or None, the reading: start, due, deadline text)
CELLS: list[tuple[Any, str | None, date | None, date | None, str]] = [
    (datetime(2026, 4, 1), '"Tháng "m/yyyy', date(2026, 4, 1), date(2026, 4, 30), "Tháng 04/2026"),
    (datetime(2026, 5, 1), '"Tháng "mm/yyyy', date(2026, 5, 1), date(2026, 5, 31), "Tháng 05/2026"),
    (datetime(2026, 2, 5), "dd/mm/yy", date(2026, 2, 5), date(2026, 2, 5), "05/02/2026"),
    (datetime(2026, 2, 8), "d/m/yy", date(2026, 2, 8), date(2026, 2, 8), "08/02/2026"),
    (datetime(2026, 8, 1), '"Quý "m/yyyy', date(2026, 7, 1), date(2026, 9, 30), "Quý III/2026"),
    (datetime(2026, 10, 1), "mmm yyyy", date(2026, 10, 1), date(2026, 10, 31), "Tháng 10/2026"),
    ("13/02/2026\n Đề xuất hạn là thường xuyên", None, date(2026, 2, 13), date(2026, 2, 13),
     "13/02/2026"),
    ("Quý II/2026 - đề nghị lùi sang quý III", None, date(2026, 4, 1), date(2026, 6, 30), "Quý II/2026"),
]


def _plan_with_dates(make_book: BookMaker, cells: list[tuple[Any, str | None]], tmp_path: Path) -> Path:
    rows: list[list[Any]] = [["KẾ HOẠCH NĂM 2026"], PHAN_CONG_HEADER]
    rows += [[i + 1, f"Nhiệm vụ {i + 1}", "Phòng I", value] for i, (value, _) in enumerate(cells)]
    path = make_book({"Phân công": rows}, config=[["Thiết lập", "Giá trị"], ["Năm kế hoạch", 2026]])
    book = openpyxl.load_workbook(path)
    sheet = book["Phân công"]
    for i, (_, number_format) in enumerate(cells):
        if number_format is not None:
            sheet.cell(3 + i, 4).number_format = number_format
    book.save(path)
    return path


def test_the_grid_carries_the_formats_of_dates_shown_as_periods(make_book: BookMaker,
                                                               tmp_path: Path) -> None:
    path = _plan_with_dates(make_book, [(v, f) for v, f, *_ in CELLS], tmp_path)
    grid = next(g for g in read_grids(path) if g.name == "Phân công")
    expected = {(3 + i, 4): f for i, (_, f, *_) in enumerate(CELLS) if f and keeps_format(f)}
    assert grid.formats == expected
    assert len(expected) == 4  # the day formats are not kept


def test_a_plan_reads_dates_by_their_formats_and_warns_of_notes(make_book: BookMaker,
                                                               tmp_path: Path) -> None:
    plan = load_plan(_plan_with_dates(make_book, [(v, f) for v, f, *_ in CELLS], tmp_path))
    assert [(t.deadline.start, t.deadline.due, t.deadline_text) for t in plan.tasks] == [
        (start, due, text) for _, _, start, due, text in CELLS
    ]
    notes = [p for p in plan.problems if p.code == "deadline-note"]
    assert [(p.row, p.severity) for p in notes] == [(9, "warning"), (10, "warning")]
    assert notes[0].message == ('Ô thời hạn có ghi chú kèm theo: "Đề xuất hạn là thường xuyên"; '
                                'chỉ dùng thời hạn "13/02/2026".')
    assert plan.valid


def test_a_date_merged_down_keeps_its_format_on_every_row() -> None:
    grid = Grid("PL", [["TT", "Hạn"], [1, datetime(2026, 4, 1)], [2, None], [3, None]],
                merged=[(2, 2, 3, 2)], formats={(2, 2): '"Tháng "m/yyyy'})
    assert grid.fill_merged_down() == {(3, 2)}
    assert grid.formats == {(2, 2): '"Tháng "m/yyyy', (3, 2): '"Tháng "m/yyyy'}
    readings = [read_deadline_cell(grid.value(row, 2), grid.formats.get((row, 2)), 2026) for row in (2, 3)]
    april = (date(2026, 4, 1), date(2026, 4, 30))
    assert [(c.deadline.start, c.deadline.due) for c in readings] == [april, april]


def test_a_plan_reads_a_merged_month_on_every_row(make_book: BookMaker) -> None:
    rows: list[list[Any]] = [["KẾ HOẠCH NĂM 2026"], PHAN_CONG_HEADER,
                             [1, "Nhiệm vụ 1", "Phòng I", datetime(2026, 4, 1)],
                             [2, "Nhiệm vụ 2", "Phòng II", None]]
    path = make_book({"Phân công": rows}, config=[["Thiết lập", "Giá trị"], ["Năm kế hoạch", 2026]])
    book = openpyxl.load_workbook(path)
    book["Phân công"].merge_cells("D3:D4")
    book["Phân công"]["D3"].number_format = '"Tháng "m/yyyy'
    book.save(path)
    plan = load_plan(path)
    assert [(t.deadline.start, t.deadline.due, t.deadline_text) for t in plan.tasks] == [
        (date(2026, 4, 1), date(2026, 4, 30), "Tháng 04/2026")] * 2
