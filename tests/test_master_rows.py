"""The master's long sheets: rows written as XML text, read back by openpyxl and calamine."""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tdkt_xl.consolidation.master_cells import (
    _XML_ESCAPES,
    HEADER_ROW,
    PIECE_ROWS,
    Block,
    CellWriter,
    Formula,
    RowFormat,
    RowStream,
    SheetRows,
    xml_text,
)
from tdkt_xl.consolidation.master_package import save_master
from tdkt_xl.consolidation.master_skeleton import SheetLayout, build_skeleton
from tdkt_xl.errors import InvalidValue
from tdkt_xl.zip_writer import DEFLATE_END, ZipWriter, deflate_piece


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


def test_xml_text_drops_and_escapes_what_the_table_says() -> None:
    """The quick path (no special character found) gives what the full table would."""
    for code in [*range(0xD800), *range(0xE000, 0x10000)]:
        text = f"ab{chr(code)}c"
        assert xml_text(text) == text.translate(_XML_ESCAPES), hex(code)


def test_zip_writer_members_read_back(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    parts = [b"<row>%d</row>" % i for i in range(50)]
    data = b"".join(parts)
    with path.open("wb") as handle, ZipWriter(handle) as archive:
        archive.add_bytes("[Content_Types].xml", (2024, 6, 15, 10, 30, 58), b"<Types/>")
        pieces = [deflate_piece(part) for part in parts] + [DEFLATE_END]
        archive.add("xl/worksheets/sheet1.xml", (1980, 1, 1, 0, 0, 0), pieces, size=len(data),
                    crc=zlib.crc32(data))
        archive.add_bytes("tên tiếng Việt.xml", (2024, 1, 1, 0, 0, 0), "đ".encode())
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.read("xl/worksheets/sheet1.xml") == data
        assert archive.read("tên tiếng Việt.xml") == "đ".encode()
        assert archive.getinfo("[Content_Types].xml").date_time == (2024, 6, 15, 10, 30, 58)


def test_zip_writer_stored_members_and_attributes() -> None:
    buffer = io.BytesIO()
    with ZipWriter(buffer) as archive:
        archive.add("a.xml", (2024, 6, 15, 10, 30, 58), [b"<a>", b"</a>"], size=7, crc=zlib.crc32(b"<a></a>"),
                    method=zipfile.ZIP_STORED, attributes=0o644 << 16)
        archive.add_bytes("b.xml", (2024, 6, 15, 10, 30, 58), b"<b/>")
        with pytest.raises(InvalidValue):
            archive.add("c.xml", (2024, 6, 15, 10, 30, 58), [b""], size=0, crc=0, method=zipfile.ZIP_BZIP2)
    with zipfile.ZipFile(buffer) as archive:
        assert archive.testzip() is None
        members = [(one.compress_type, one.external_attr, archive.read(one)) for one in archive.infolist()]
        assert members == [(zipfile.ZIP_STORED, 0o644 << 16, b"<a></a>"),
                           (zipfile.ZIP_DEFLATED, 0o600 << 16, b"<b/>")]


def test_block_pieces_are_kept_deflated_and_only_changed_ones_made_again() -> None:
    form = RowFormat(4, b"<n>%d</n>")
    block = Block.build([(f"U{i}", b"<c>%d</c>" % i) for i in range(PIECE_ROWS * 2 + 3)], form)
    pieces = block.pieces
    assert len(pieces) == 3 and b"".join(pieces) == block.data
    assert pieces[1].startswith(b'<row r="%d">' % (4 + PIECE_ROWS))
    assert [zlib.decompressobj(-zlib.MAX_WBITS).decompress(packed) for packed in block.packed] == pieces
    assert list(block.crcs) == [zlib.crc32(piece) for piece in pieces]
    assert list(block.lengths) == [len(piece) for piece in pieces]
    patched = block.patched({PIECE_ROWS + 1: b"<x/>", 2 * PIECE_ROWS: b"<y/>"})
    assert patched.packed[0] is block.packed[0]  # (not inflated nor deflated again)
    assert patched.packed[1] != block.packed[1] and patched.packed[2] != block.packed[2]
    assert patched.cells(PIECE_ROWS + 1) == b"<x/>" and patched.cells(1) == b"<c>1</c>"
    assert patched.all_cells() == [patched.cells(i) for i in range(PIECE_ROWS * 2 + 3)]
    assert block.data.replace(b"<c>17</c>", b"<x/>").replace(b"<c>32</c>", b"<y/>") == patched.data


def test_a_damaged_piece_is_refused() -> None:
    block = Block.build([(f"U{i}", b"<c>%d</c>" % i) for i in range(3)], RowFormat(4))
    state = list(block.__getstate__())
    state[0] = [b"\x03\x00"]  # a piece of nothing
    damaged = Block.__new__(Block)
    damaged.__setstate__(tuple(state))  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        damaged.cells(0)


def _long_sheet(block: Block, writer: CellWriter) -> SheetRows:
    sheet = SheetRows("Dài", writer)
    sheet.heading("Tiêu đề", ["A", "B"])
    sheet.append_block(block)
    sheet.append(["cuối"])
    return sheet


def test_a_sheet_of_kept_pieces_is_the_sheet_written_whole(tmp_path: Path) -> None:
    """A sheet whose rows are a block's deflated pieces (some made again) is the same sheet, byte for
    byte once inflated, as one made of its rows; every CRC and length as the zip directory says."""
    rows = PIECE_ROWS * 4 + 5
    skeleton = build_skeleton([SheetLayout("Dài", (8, 8), rows + 1)])
    writer = CellWriter(skeleton.style_ids)
    form = RowFormat(HEADER_ROW + 1)
    block = Block.build([(f"U{i}", writer.cells([f"U{i}", i])) for i in range(rows)], form)
    changed = block.patched({PIECE_ROWS + 2: writer.cells(["mới", -1])}, form)
    save_master(skeleton, [_long_sheet(changed, writer)], tmp_path / "2.xlsx")
    stream = RowStream(changed.keys, changed.all_cells(), bytes, form)
    whole = SheetRows("Dài", writer)
    whole.heading("Tiêu đề", ["A", "B"])
    whole.append_block(stream)
    whole.append(["cuối"])
    save_master(skeleton, [whole], tmp_path / "whole.xlsx", helper_rows=10**9)

    def values_of(name: str) -> list[list[object]]:
        return [[c.value for c in row] for row in load_workbook(tmp_path / name)["Dài"].iter_rows()]

    values = values_of("2.xlsx")
    assert values == values_of("whole.xlsx")
    assert values[HEADER_ROW + PIECE_ROWS + 2] == ["mới", -1] and values[-1] == ["cuối", None]
    with zipfile.ZipFile(tmp_path / "2.xlsx") as two, zipfile.ZipFile(tmp_path / "whole.xlsx") as whole_zip:
        assert two.testzip() is None
        sheet = skeleton.sheet_parts["Dài"]
        assert two.read(sheet) == whole_zip.read(sheet)
