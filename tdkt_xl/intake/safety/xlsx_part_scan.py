"""The checks of one XML part of an .xlsx: :class:`PartScan`, fed the part in pieces as it is
decompressed (a DOCTYPE/ENTITY, the sheet's extent from A1, error cells, the shared-string
table's declared counts), and :func:`quick_scan_part`, the same checks in a few passes over a
small part read whole.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

from tdkt_xl.errors import Code
from tdkt_xl.intake.safety.limits_and_rejections import (
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    MB,
    RESAVE_ADVICE,
    Limits,
    RejectedFile,
    oversized_sheet,
    rejected_file,
    thousands,
    xml_entities,
)
from tdkt_xl.intake.safety.xml_text import ENTITY_DECLARATION, column_number, xml_attributes
from tdkt_xl.intake.safety.zip_container import OUT_CHUNK, READ_CHUNK, member_chunks, small_member

# --- what the XML parts say --------------------------------------------------

_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:worksheet|dialogsheet|macrosheet|sst)\b")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,12})")
_ANY_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,4})(\d{1,12})[\"'][^>]*?(/?)>"
)
_ANY_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr\s*=\s*[\"'](\d{1,12})[\"']")
_SST = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b([^>]*)>")
_CARRY_LIMIT = 1 * MB
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00?\x00", b"\x00<\x00?")
_ROW_TAG = re.compile(rb'<row r="(\d{1,12})"')
_WIDE_CELL = re.compile(rb'<c r="([A-Za-z]{2,4})\d')
_TAGS = (b"<row ", b"<c ", b"<c>", b'<c r="')


class PartScan:
    """Checks fed with one XML part's bytes, in pieces cut just before a ``<``."""

    def __init__(self, info: zipfile.ZipInfo, role: str, limits: Limits, sheets: int = 0) -> None:
        self.name = info.orig_filename
        self.info = info
        self.role = role  # "sheet", "sst", "rels" or "xml"
        self.limits = limits
        self.sheets = sheets
        self.seen_head = False
        self.decoder: codecs.IncrementalDecoder | None = None
        self.carry = b""
        self.collected: list[bytes] = []
        # sheets: the grid a reader builds from A1
        self.row_tag = _ROW_TAG
        self.wide_cell = _WIDE_CELL
        self.tags = _TAGS
        self.precise = False  # every cell looked at (from some piece on)
        self.exact = False  # every cell looked at from the start: the bound is the grid
        self.max_row = 0
        self.max_column = 0
        self.has_cells = False
        self.has_errors = False

    def restart_precisely(self) -> None:
        """Forget the quick count; the part is fed again and every cell is looked at."""
        self.precise = self.exact = True
        self.max_row = self.max_column = 0
        self.has_cells = False
        self.carry = b""
        if self.decoder is not None:
            self.decoder.reset()

    def feed(self, data: bytes) -> None:
        if not self.seen_head and self.decoder is None and data.startswith(_UTF16_STARTS):
            big_endian = data[:2] in (b"\xfe\xff", b"\x00<")
            self.decoder = codecs.getincrementaldecoder("utf-16-be" if big_endian else "utf-16-le")("replace")
        if self.decoder is not None:
            data = self.decoder.decode(data).lstrip("\ufeff").encode("utf-8")
        buffer = self.carry + data
        cut = buffer.rfind(b"<")
        if cut < 0 or len(buffer) - cut > _CARRY_LIMIT:
            cut = len(buffer)
        piece, self.carry = buffer[:cut], buffer[cut:]
        if piece:
            self.check(piece)

    def finish(self) -> None:
        if self.carry:
            self.check(self.carry)
            self.carry = b""

    def check(self, piece: bytes) -> None:
        if b"<!" in piece and ENTITY_DECLARATION.search(piece):
            raise xml_entities(self.name)
        if self.role == "rels":
            self.collected.append(piece)
        if not self.seen_head:
            self.seen_head = True
            self._head(piece)
        if self.role == "sheet":
            self._sheet(piece)

    def _head(self, piece: bytes) -> None:
        if self.role not in ("sheet", "sst"):
            return
        root = _ROOT_PREFIX.search(piece, 0, 4096)
        prefix = root.group(1) if root and root.group(1) else b""
        if prefix:
            escaped = re.escape(prefix)
            self.row_tag = re.compile(b"<" + escaped + rb'row r="(\d{1,12})"')
            self.wide_cell = re.compile(b"<" + escaped + rb'c r="([A-Za-z]{2,4})\d')
            self.tags = (b"<" + prefix + b"row ", b"<" + prefix + b"c ", b"<" + prefix + b"c>",
                         b"<" + prefix + b'c r="')
        if self.role == "sheet":
            at = piece.find(b"dimension")
            dimension = _DIMENSION.search(piece, max(at - 64, 0)) if at >= 0 else None
            if dimension:
                self._dimension(dimension.group(1).decode("ascii", "replace"))
        elif self.role == "sst":
            sst = _SST.search(piece, 0, 4096)
            if sst:
                self._shared_strings(xml_attributes(sst.group(1)))

    # sheets ---------------------------------------------------------------
    def _dimension(self, ref: str) -> None:
        last = _REF.fullmatch(ref.split(":")[-1])
        if last is None:
            return
        rows, columns = int(last.group(2)), column_number(last.group(1))
        self._within_excel(f"{last.group(1)}{last.group(2)}", rows, columns)
        if rows * columns > self.limits.max_cells:
            raise oversized_sheet(self.name, f"khai báo vùng dữ liệu {ref}, tức {thousands(rows * columns)} "
                                             f"ô tính từ A1 (tối đa {thousands(self.limits.max_cells)} ô)")

    def _within_excel(self, ref: str, row: int, column: int) -> None:
        if row > EXCEL_MAX_ROWS or column > EXCEL_MAX_COLUMNS:
            raise oversized_sheet(self.name, f"có ô {ref} nằm ngoài giới hạn của Excel "
                                             f"({thousands(EXCEL_MAX_ROWS)} dòng × "
                                             f"{thousands(EXCEL_MAX_COLUMNS)} cột)")

    def _sheet(self, piece: bytes) -> None:
        if not self.has_errors and (b't="e"' in piece or b"t='e'" in piece):
            self.has_errors = True
        if not self.precise:
            if self._count_usual_layout(piece):
                return
            self.precise = True  # an unusual layout: look at every cell from here on
        self._count_every_cell(piece)

    def _count_usual_layout(self, piece: bytes) -> bool:
        """The quick count of a piece in the usual layout; False (nothing counted) when it is not."""
        row_open, cell_open, cell_bare, cell_with_ref = self.tags
        rows = self.row_tag.findall(piece)
        cells = piece.count(cell_with_ref)
        usual = cells == piece.count(cell_open) and cell_bare not in piece
        if not (usual and len(rows) == piece.count(row_open)):
            return False
        # The usual layout (r= first): rows from the row tags (empty ones too) and
        # columns from cells beyond Z only; 26 columns are assumed otherwise.
        if rows:
            self.max_row = max(self.max_row, max(map(int, rows)))
        if cells:
            self.has_cells = True
            wide = self.wide_cell.findall(piece)
            if wide:
                self.max_column = max(self.max_column, max(column_number(w.decode()) for w in wide))
        if self.max_row > EXCEL_MAX_ROWS or self.max_column > EXCEL_MAX_COLUMNS:
            self._within_excel(f"ở dòng {thousands(self.max_row)} hoặc cột {thousands(self.max_column)}",
                               self.max_row, self.max_column)
        return True

    def _count_every_cell(self, piece: bytes) -> None:
        """The precise count: every cell's reference (cells without a value left out) and row."""
        for match in _ANY_CELL.finditer(piece):
            row, column = int(match.group(2)), column_number(match.group(1).decode())
            if row > EXCEL_MAX_ROWS or column > EXCEL_MAX_COLUMNS:
                self._within_excel(f"{match.group(1).decode()}{row}", row, column)
            if match.group(3):  # <c …/> has no value: readers keep no cell for it
                continue
            self.has_cells = True
            self.max_row = max(self.max_row, row)
            self.max_column = max(self.max_column, column)
        for match in _ANY_ROW.finditer(piece):
            if int(match.group(1)) > EXCEL_MAX_ROWS:
                self._within_excel(f"ở dòng {thousands(int(match.group(1)))}", int(match.group(1)), 1)

    def cells_bound(self) -> int:
        """Rows × columns of the grid a reader builds from A1 (an upper bound until exact)."""
        if not self.has_cells:
            return 0
        return self.max_row * (self.max_column if self.exact else max(self.max_column, 26))

    def check_extent(self) -> None:
        if self.cells_bound() > self.limits.max_cells:
            raise oversized_sheet(self.name, f"có dữ liệu đến dòng {thousands(self.max_row)}, "
                                             f"cột {thousands(self.max_column)}, "
                                             f"tức {thousands(self.cells_bound())} ô tính từ A1 (tối đa "
                                             f"{thousands(self.limits.max_cells)} ô)")

    # shared strings -------------------------------------------------------
    def _shared_strings(self, attributes: dict[str, str]) -> None:
        unique = attributes.get("uniqueCount")
        count = attributes.get("count")
        for key, text in (("uniqueCount", unique), ("count", count)):
            if text is not None and not text.strip().isdigit():
                raise self._bad_strings(f"có {key}=\"{text}\" không phải là số")
        if unique is not None:
            number = int(unique)
            if number > self.limits.max_unique_strings:
                raise self._bad_strings(f"khai báo {thousands(number)} chuỗi khác nhau (tối đa "
                                               f"{thousands(self.limits.max_unique_strings)})")
            if number > self.info.file_size:
                raise self._bad_strings(f"khai báo {thousands(number)} chuỗi trong khi cả phần này chỉ dài "
                                               f"{thousands(self.info.file_size)} byte")
        if count is not None and int(count) > self.limits.max_cells * max(self.sheets, 1):
            raise self._bad_strings(f"khai báo {thousands(int(count))} ô dùng chuỗi, nhiều hơn số ô tối đa "
                                           "của mọi sheet cộng lại")

    def _bad_strings(self, detail: str) -> RejectedFile:
        return rejected_file(
            Code.BAD_SHARED_STRINGS,
            f"Bảng chuỗi dùng chung ({self.name}) {detail} — tệp bị hỏng hoặc bị chỉnh sửa. "
            f"{RESAVE_ADVICE}; nếu không mở được, đề nghị đơn vị gửi lại tệp.",
        )


def scan_part(handle: BinaryIO, scan: PartScan, full: bool) -> None:
    """Feed one part to ``scan``: its head only unless ``full``, all of it at once when small; a
    sheet whose quick count is over the limit is fed again and counted cell by cell."""
    info = scan.info
    stop_after = None if full else scan.limits.head_bytes
    if info.file_size <= min(OUT_CHUNK, scan.limits.head_bytes) and info.compress_size <= READ_CHUNK:
        small = small_member(handle, info)
        chunks: Iterable[bytes] = (small,)
    else:
        chunks = member_chunks(handle, info, stop_after)
    if isinstance(chunks, tuple) and scan.decoder is None and not chunks[0].startswith(_UTF16_STARTS):
        scan.check(chunks[0])  # the whole part at once
    else:
        for chunk in chunks:
            scan.feed(chunk)
        scan.finish()
    if scan.role != "sheet":
        return
    if not scan.exact and scan.cells_bound() > scan.limits.max_cells:
        # The quick count takes empty rows and 26 columns: count again with every cell.
        scan.restart_precisely()
        for chunk in member_chunks(handle, scan.info, stop_after):
            scan.feed(chunk)
        scan.finish()
    scan.check_extent()


_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_PLAIN_ROOTS = (b"<worksheet", b"<sst", b"<Relationships", b"<dialogsheet", b"<macrosheet")


# The parts other than sheets that passed the checks, byte for byte, with the role, limits and
# count of sheets they passed under: the reports made from one template share their workbook, styles
# and relationships, and a worker reads hundreds of them. A part is taken as passed only when its
# very bytes are those (a part that differs by a byte is checked).
_PASSED: dict[tuple[str, Limits, int, bytes], None] = {}
_PASSED_KEPT = 64


def quick_scan_part(handle: io.BytesIO, info: zipfile.ZipInfo, role: str, limits: Limits, sheet_count: int
                    ) -> tuple[bool, bytes]:
    """The checks of one small XML part in a few passes over its bytes: (has error cells, the bytes).

    Parts the few passes cannot judge (UTF-16, a prefixed root element, a sheet whose
    quick count exceeds the limit) go through the streaming :class:`PartScan`. A part other than a
    sheet whose bytes passed before (:data:`_PASSED`) is not checked again.
    """
    data = small_member(handle, info)
    if role == "sheet":
        return _quick_checks(handle, info, role, limits, sheet_count, data)
    key = (role, limits, sheet_count, data)
    if key in _PASSED:
        return False, data
    has_errors, data = _quick_checks(handle, info, role, limits, sheet_count, data)
    if not has_errors:
        if len(_PASSED) >= _PASSED_KEPT:
            _PASSED.clear()
        _PASSED[key] = None
    return has_errors, data


def _quick_checks(handle: io.BytesIO, info: zipfile.ZipInfo, role: str, limits: Limits, sheet_count: int,
                  data: bytes) -> tuple[bool, bytes]:
    root = _FIRST_ELEMENT.search(data, 0, 8192)
    plain = root is not None and (role == "xml" or data.startswith(_PLAIN_ROOTS, root.start()))
    if data.startswith(_UTF16_STARTS) or not plain:
        scan = PartScan(info, role, limits, sheet_count)
        scan_part(handle, scan, full=True)
        return scan.has_errors, data
    assert root is not None
    # DOCTYPE and ENTITY are only allowed before the root element (a parser rejects them later).
    if b"<!" in data[:root.start()] and ENTITY_DECLARATION.search(data, 0, root.start()):
        PartScan(info, role, limits).check(data[:root.start()])
    if role == "sst":
        sst = _SST.search(data, root.start(), root.start() + 4096)
        if sst:
            PartScan(info, role, limits, sheet_count)._shared_strings(xml_attributes(sst.group(1)))
        return False, data
    if role != "sheet":
        return False, data
    scan = PartScan(info, role, limits, sheet_count)
    at = data.find(b"dimension", 0, 8192)
    dimension = _DIMENSION.search(data, max(at - 64, 0), 8192) if at >= 0 else None
    if dimension:
        scan._dimension(dimension.group(1).decode("ascii", "replace"))
        last = _REF.fullmatch(dimension.group(1).decode("ascii", "replace").split(":")[-1])
        scan.max_column = column_number(last.group(1)) if last else 0
    # Excel, LibreOffice and openpyxl write rows in order: the last row tag is the bottom.
    # Rows out of order or cells beyond the dimension are caught where calamine runs (a
    # process with memory and time limits), then named by scan_package.
    last_row = _ROW_TAG.match(data, data.rfind(b'<row r="'))
    scan.max_row = int(last_row.group(1)) if last_row else 0
    scan.has_cells = b'<c r="' in data
    if scan.max_row > EXCEL_MAX_ROWS or scan.max_column > EXCEL_MAX_COLUMNS:
        scan._within_excel(f"ở dòng {thousands(scan.max_row)} hoặc cột {thousands(scan.max_column)}",
                           scan.max_row, scan.max_column)
    if scan.cells_bound() > limits.max_cells:
        scan = PartScan(info, role, limits, sheet_count)
        scan_part(handle, scan, full=True)
    return b't="e"' in data or (b"'" in data and b"t='e'" in data), data
