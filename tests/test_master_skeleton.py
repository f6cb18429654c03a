"""The master's skeleton, written without openpyxl, is what openpyxl's write-only workbook makes of the
same sheets (``tests/skeleton_reference.py``), part by part; and openpyxl and LibreOffice read it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdkt_xl.consolidation.master_cells import DETAIL_WIDTHS, PROBLEMS_WIDTHS, SUBMISSIONS_WIDTHS
from tdkt_xl.consolidation.master_skeleton import SheetLayout, Skeleton, build_skeleton, style_ids
from tdkt_xl.errors import InvalidValue
from tests.skeleton_reference import openpyxl_skeleton

# What openpyxl writes that the skeleton does not have the same: who wrote it, and when.
OURS_ONLY = {"docProps/app.xml"}
_TIMES = re.compile(rb"<dcterms:(created|modified)([^>]*)>[^<]*<")
# openpyxl writes Excel's default palette of indexed colours out in full; without it, a reader uses
# that same default (and no style of the master uses an indexed colour)
# openpyxl "merges" the title cell alone when its line spans one column; the skeleton does not
_ONE_CELL_MERGED = b'<mergeCells count="1"><mergeCell ref="A1"/></mergeCells>'
_PALETTE = re.compile(rb'<colors><indexedColors>(<rgbColor rgb="[0-9A-F]{8}"/>){64}</indexedColors></colors>')

MASTER_LIKE = [
    SheetLayout("Tình hình nộp báo cáo", SUBMISSIONS_WIDTHS, 1000),
    SheetLayout("Tiến độ nhiệm vụ", (11, 44, 20, 20, 11, 8, 8, 8, 8, 8, 18), 48),
    SheetLayout("Chi tiết tiến độ", DETAIL_WIDTHS, 1333),
    SheetLayout("Số liệu tổng hợp", (52, *[9] * 10, 10), 63, 67, 10),
    SheetLayout("Số liệu chi tiết", (12, 30, *[14] * 61, 10), 1000),
    SheetLayout("Lỗi", PROBLEMS_WIDTHS, 0),
]


def parts(skeleton: Skeleton) -> dict[str, bytes]:
    return {name: _PALETTE.sub(b"", _TIMES.sub(rb"<dcterms:\1\2><", data)).replace(_ONE_CELL_MERGED, b"")
            for name, _, data in skeleton.parts if name not in OURS_ONLY}


def assert_same(layouts: list[SheetLayout]) -> None:
    ours, reference = build_skeleton(layouts), openpyxl_skeleton(layouts)
    assert [name for name, _, _ in ours.parts if name not in OURS_ONLY] == \
        [name for name, _, _ in reference.parts if name not in OURS_ONLY]
    mine, theirs = parts(ours), parts(reference)
    for name in theirs:
        assert mine[name] == theirs[name], name
    assert ours.sheet_parts == reference.sheet_parts
    assert ours.style_ids == reference.style_ids == style_ids()
    assert ours.key == reference.key


def test_the_masters_skeleton_is_what_openpyxl_makes() -> None:
    assert_same(MASTER_LIKE)


@pytest.mark.parametrize("layouts", [
    [SheetLayout("Một", (10, 40), 0)],  # fits a portrait page: shrunk to its width, no filter
    [SheetLayout("A b'c & <d>", (10,) * 40, 5, title_columns=3)],  # across pages, a quote in the name
    [SheetLayout("Biểu đồ", (52, 9, 9, 10), 4, 9, 2), SheetLayout("Hai", (6, 30), 2, 7, 1)],  # two charts
    [SheetLayout("Rộng", (8.43, 12.5, 100), 3, title_columns=1)],
])
def test_every_kind_of_sheet_is_what_openpyxl_makes(layouts: list[SheetLayout]) -> None:
    assert_same(layouts)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(4, 80), min_size=2, max_size=30), st.integers(0, 5000),
                          st.integers(0, 3), st.integers(0, 12)), min_size=1, max_size=4))
def test_any_layout_is_what_openpyxl_makes(drawn: list[tuple[list[int], int, int, int]]) -> None:
    layouts = [SheetLayout(f"Sheet số {number}", tuple(widths), rows,
                           chart_row=(rows + 5 if chart and len(widths) > 2 else 0),
                           chart_columns=(min(years, len(widths) - 2) if chart and len(widths) > 2 else 0),
                           title_columns=chart % 3)
               for number, (widths, rows, chart, years) in enumerate(drawn, start=1)]
    assert_same(layouts)


def test_sheet_titles_must_differ() -> None:
    with pytest.raises(InvalidValue):
        build_skeleton([SheetLayout("Lỗi", (6, 40), 2), SheetLayout("Lỗi", (6, 40), 3)])


def test_a_title_over_one_column_is_not_merged() -> None:
    skeleton = build_skeleton([SheetLayout("Hẹp", (200,), 1)])
    sheet = dict((name, data) for name, _, data in skeleton.parts)["xl/worksheets/sheet1.xml"]
    assert b"<mergeCell" not in sheet


def test_the_skeleton_opens_with_openpyxl(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    skeleton = build_skeleton(MASTER_LIKE)
    path = tmp_path / "skeleton.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, _, data in skeleton.parts:
            archive.writestr(name, data)
    book = load_workbook(path)
    assert book.sheetnames == [layout.title for layout in MASTER_LIKE]
    totals = book["Số liệu tổng hợp"]
    assert totals.freeze_panes == "A4" and totals.auto_filter.ref == "A3:L66"
    assert totals.page_setup.paperSize == 9 and totals.print_title_rows == "$3:$3"
    assert totals._charts and book["Lỗi"].page_setup.orientation in {"portrait", "landscape"}


def test_consolidate_writes_the_master_without_openpyxl(demo_source: Path, tmp_path: Path) -> None:
    """``tdkt-xl consolidate`` on the demo's plan and inbox, as a user runs it, in a Python of its own:
    neither openpyxl nor numpy is imported in the process that reads the plan and writes the master
    (openpyxl's import, numpy with it, took longer than writing a thousand units' master)."""
    master = tmp_path / "tong_hop.xlsx"
    code = (
        "import runpy, sys, atexit, json\n"
        "atexit.register(lambda: print(json.dumps([m for m in ('openpyxl', 'numpy') if m in sys.modules]),"
        " file=sys.stderr))\n"
        f"sys.argv = ['tdkt-xl', 'consolidate', {str(demo_source / 'hop_thu')!r}, '--plan',"
        f" {str(demo_source / 'ke_hoach_mau.xlsx')!r}, '--out', {str(master)!r}, '--json']\n"
        "runpy.run_module('tdkt_xl', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    summary = json.loads(done.stdout)
    assert summary["units"]["submitted"] and master.exists()


def test_the_theme_is_openpyxls_read_from_its_source_or_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.writer.theme import theme_xml

    from tdkt_xl.consolidation import master_skeleton

    master_skeleton._theme.cache_clear()
    assert master_skeleton._theme() == theme_xml.encode("utf-8")
    master_skeleton._theme.cache_clear()
    monkeypatch.setattr(master_skeleton.importlib.util, "find_spec", lambda name: None)  # no file found
    try:
        assert master_skeleton._theme() == theme_xml.encode("utf-8")
    finally:
        master_skeleton._theme.cache_clear()
