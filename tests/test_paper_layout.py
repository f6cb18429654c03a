"""Row heights and page setup (tdkt_xl/paper.py, issue 16): the estimate is never short of what a
real font needs, the page setup never prints under 9 pt, and every writer sets them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tdkt_xl.consolidation.master_cells import (
    Block,
    CellWriter,
    RowFormat,
    cell_texts,
    cells_height,
    row_height,
    xml_text,
)
from tdkt_xl.errors import Problem
from tdkt_xl.paper import (
    MIN_PRINTED_POINTS,
    Cell,
    char_width,
    column_points,
    line_points,
    page_fit,
    printable_points,
    row_points,
    wrapped_lines,
)
from tdkt_xl.plans.status import result_problems
from tdkt_xl.reports.template import fit_to_paper

_DEJAVU, _LIBERATION = Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = [_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf",
              *(_LIBERATION / name for name in ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
                                                "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"))]
LETTERS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:-()/%\"'&"
           "ăâđêôơưĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ–")
WORDS = st.text(alphabet=LETTERS, min_size=1, max_size=18)
TEXTS = st.lists(WORDS, min_size=1, max_size=60).map(" ".join)


def _renderers() -> list[tuple[object, bool, float]]:
    """(font, bold, how much wider than Excel's its renderer draws a column): LibreOffice drawing
    Calibri as DejaVu Sans (fontconfig's choice) or as Liberation Sans (Arial's widths), and Times
    New Roman as Liberation Serif (its widths) in Excel's columns (the default font's, Calibri)."""
    pymupdf = pytest.importorskip("pymupdf")
    models = [("DejaVuSans.ttf", 1.25), ("DejaVuSans-Bold.ttf", 1.25), ("LiberationSans-Regular.ttf", 1.12),
              ("LiberationSans-Bold.ttf", 1.12), ("LiberationSerif-Regular.ttf", 1.0),
              ("LiberationSerif-Bold.ttf", 1.0)]
    found = [(pymupdf.Font(fontfile=str(path)), "Bold" in path.name, wider)
             for path in FONT_FILES for name, wider in models if path.name == name and path.exists()]
    # (without those files: the PDF standard fonts, Helvetica's widths being Arial's)
    return found or [(pymupdf.Font("helv"), False, 1.12), (pymupdf.Font("hebo"), True, 1.12),
                     (pymupdf.Font("tiro"), False, 1.0), (pymupdf.Font("tibo"), True, 1.0)]


def _real_lines(font: object, text: str, room: float, size: float) -> int:
    """Lines of ``text`` wrapped word by word in ``room`` points with the real font's widths."""
    measure = font.text_length  # type: ignore[attr-defined]
    space = measure(" ", size)
    lines, used = 1, 0.0
    for word in text.split(" "):
        drawn = measure(word, size)
        if used and used + space + drawn <= room:
            used += space + drawn
            continue
        if used:
            lines += 1
        lines += int(drawn // room) if drawn > room else 0
        used = drawn % room if drawn > room else drawn
    return lines


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, width=st.floats(6, 90), size=st.sampled_from([9.0, 10.0, 11.0, 12.0, 13.0, 14.0]))
def test_the_estimate_never_has_fewer_lines_than_a_real_font(text: str, width: float, size: float) -> None:
    """What a row's height is made of: as many lines as each renderer wraps the text into, or more."""
    for font, bold, wider in _renderers():
        room = max(column_points(width) * wider - 6.0, size)
        assert wrapped_lines(text, width, size, bold) >= _real_lines(font, text, room, size), (font, bold)


@settings(max_examples=150, deadline=None)
@given(text=TEXTS, more=TEXTS, width=st.floats(6, 90), wider=st.floats(0, 60))
def test_lines_grow_with_text_and_shrink_with_width(text: str, more: str, width: float, wider: float) -> None:
    assert wrapped_lines(f"{text} {more}", width) >= wrapped_lines(text, width)
    assert wrapped_lines(text, width + wider) <= wrapped_lines(text, width)
    assert wrapped_lines(f"{text}\n{more}", width) == wrapped_lines(text, width) + wrapped_lines(more, width)


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.tuples(TEXTS, st.floats(4, 80), st.sampled_from([10.0, 11.0, 12.0, 14.0]),
                                st.booleans()), min_size=1, max_size=8))
def test_a_row_is_as_high_as_its_tallest_cell(cells: list[tuple[str, float, float, bool]]) -> None:
    height = row_points([Cell(text, width, size, bold) for text, width, size, bold in cells])
    tallest = max(wrapped_lines(text, width, size, bold) * line_points(size)
                  for text, width, size, bold in cells)
    assert min(tallest, 409) <= height <= 409


@settings(max_examples=200, deadline=None)
@given(widths=st.lists(st.floats(2, 80), min_size=1, max_size=40),
       smallest=st.sampled_from([9.0, 10.0, 11.0, 12.0]), portrait=st.booleans())
def test_the_page_setup_never_prints_under_9_points(widths: list[float], smallest: float,
                                                    portrait: bool) -> None:
    fit = page_fit(widths, smallest=smallest, title_columns=2, portrait=portrait)
    if fit.fit_width:  # only a sheet that fits the page at full size (even a quarter wider)
        assert sum(map(column_points, widths)) * 1.17 <= printable_points(fit.landscape) and fit.scale == 100
    else:
        assert fit.scale * smallest / 100 >= MIN_PRINTED_POINTS and fit.title_columns == 2
    if not portrait:
        assert fit.landscape


def test_a_long_row_of_the_master_gets_its_height(tmp_path: Path) -> None:
    """A long sheet's row with wrapped text gets a height (customHeight: else the default is kept),
    a short one none; patching a row's cells gives the row the height of its new text."""
    writer = CellWriter({"cell": "1", "date": "2"})
    form = RowFormat(widths=(12, 30))
    short, long = writer.cells(["A", "ngắn"]), writer.cells(["B", "một nội dung rất dài " * 8])
    block = Block.build([("A", short), ("B", long)], form)
    assert block.data.startswith(b'<row r="4"><c')
    assert b'<row r="5" ht="' in block.data and b'customHeight="1"' in block.data
    patched = block.patched({0: long, 1: short}, form)
    assert patched.data == Block.build([("A", long), ("B", short)], form).data
    assert cell_texts(long)[1].startswith("một nội dung")
    assert row_height(["x" * 3], [12]) is None


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=20), changes=st.dictionaries(st.integers(0, 19), TEXTS))
def test_patched_rows_are_the_rows_built_again(texts: list[str], changes: dict[int, str]) -> None:
    writer = CellWriter({"cell": "1", "date": "2"})
    form = RowFormat(number=b'<c s="1"><v>%d</v></c>', widths=(20, 8))
    rows = [(str(index), writer.cells([text, index])) for index, text in enumerate(texts)]
    new = {index: writer.cells([text, index]) for index, text in changes.items() if index < len(texts)}
    expected = [(key, new.get(index, cells)) for index, (key, cells) in enumerate(rows)]
    assert Block.build(rows, form).patched(new, form).data == Block.build(expected, form).data


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 10**6), WORDS, TEXTS,
                                 st.lists(WORDS, min_size=1, max_size=4).map("\n".join)),
                       min_size=1, max_size=12),
       widths=st.lists(st.floats(4, 60), min_size=12, max_size=12), style=st.sampled_from(["1", "12", "123"]))
def test_the_fast_row_height_is_the_row_height_of_its_texts(values: list[object], widths: list[float],
                                                            style: str) -> None:
    """The master's rows' heights, found in their XML without decoding most of it, are those of their
    texts (the texts as written: "&amp;" five characters)."""
    cells = CellWriter({"cell": style, "date": style, "count": style}).cells(values)
    assert cells_height(cells, tuple(widths)) == row_height([xml_text(t) for t in cell_texts(cells)], widths)


def test_an_openpyxl_sheet_is_fitted_to_paper(tmp_path: Path) -> None:
    """fit_to_paper: rows as high as their text (never lower than they were), A4, a wide sheet at a
    scale keeping 9 pt with its title rows and columns repeated."""
    from openpyxl.styles import Alignment

    book = Workbook()
    ws = book.active
    assert ws is not None
    for column in range(1, 15):
        ws.cell(1, column, f"Cột {column}")
        ws.column_dimensions[ws.cell(1, column).column_letter].width = 20
    ws.cell(2, 2, "một nội dung dài được xuống dòng " * 6).alignment = Alignment(wrap_text=True)
    ws.row_dimensions[3].height = 50
    ws.cell(3, 1, "x")
    fit_to_paper(ws, title_rows="1:1", title_columns=1)
    path = tmp_path / "a.xlsx"
    book.save(path)
    ws = load_workbook(path).active
    assert ws is not None
    assert ws.row_dimensions[2].height >= 4 * line_points() and ws.row_dimensions[3].height == 50
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.scale) * 11 >= 900 and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A"


def test_the_result_sheet_lists_problems_by_sheet_then_cell() -> None:
    problems = [Problem.make("empty-content", sheet="Phân công", row=12, column=2, number="1"),
                Problem.make("empty-content", sheet="Phụ lục", row=10, column=1, number="1"),
                Problem.make("empty-content", sheet="Phụ lục", row=9, column=3, number="1"),
                Problem.make("hidden-row", sheet="Phụ lục", row=9, number="1"),
                Problem.make("empty-content", sheet="Khác", row=1, column=1, number="1")]
    found = result_problems(problems, ["Phụ lục", "Phân công"])
    assert [(p.sheet, p.cell) for p in found] == [("Phụ lục", "9:9"), ("Phụ lục", "C9"), ("Phụ lục", "A10"),
                                                 ("Phân công", "B12"), ("Khác", "A1")]
    assert math.isclose(char_width("a"), char_width("á"))
