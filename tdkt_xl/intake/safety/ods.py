"""The checks of an OpenDocument spreadsheet (.ods, as LibreOffice saves it; also one renamed .xlsx).

After the zip directory (sizes, ratio, names): its manifest (a password) and its ``content.xml``
to its end in one expat pass (:class:`_OdsContent`), which finds what python-calamine will make
of it: the extent of each sheet with repeated rows and cells counted, error cells and formulas
without a value.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat

from tdkt_xl.errors import Code
from tdkt_xl.intake.file_formats import ODS_MIMETYPE
from tdkt_xl.intake.safety.limits_and_rejections import (
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    Limits,
    OdsCells,
    PackageScan,
    RejectedFile,
    corrupt_file,
    oversized_sheet,
    rejected_file,
    thousands,
    xml_entities,
)
from tdkt_xl.intake.safety.xml_text import ENTITY_DECLARATION
from tdkt_xl.intake.safety.zip_container import check_directory, member_chunks, small_member

ODS_MANIFEST = "META-INF/manifest.xml"
ODS_CONTENT = "content.xml"
# The attributes that give an .ods cell a value (calamine reads the first it meets).
_ODS_VALUES = ("office:value", "office:string-value", "office:date-value", "office:time-value",
               "office:boolean-value")
_ODS_CELLS = ("table:table-cell", "table:covered-table-cell")
_ODS_REFERENCE = re.compile(r"\[\.?([^\]]*)\]")  # [.B5], [.B5:.K5]


def _mimetype(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The content of an OpenDocument package's ``mimetype`` member (b"" when it cannot be one)."""
    if info.file_size > 128 or info.compress_size > 4096 or info.flag_bits & 0x1:
        return b""
    try:
        return small_member(handle, info).strip()
    except RejectedFile:
        return b""


def _ods_chunks(handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """:func:`~tdkt_xl.intake.safety.zip_container.member_chunks` of a whole part, a broken one
    said to be a broken .ods."""
    try:
        yield from member_chunks(handle, info, None)
    except RejectedFile as rejected:
        if rejected.rejection.code != Code.CORRUPT_ZIP:
            raise
        raise corrupt_file(rejected.detail, ods=True) from None


def _check_manifest(handle: BinaryIO, info: zipfile.ZipInfo) -> None:
    """The manifest calamine reads first: no DOCTYPE, and no password (``encryption-data``)."""
    tail = b""
    for chunk in _ods_chunks(handle, info):
        piece = tail + chunk
        if b"<!" in piece and ENTITY_DECLARATION.search(piece):
            raise xml_entities(info.orig_filename)
        if b"encryption-data" in piece:
            raise rejected_file(
                Code.ENCRYPTED,
                "Bảng tính .ods có đặt mật khẩu mở tệp (nội dung đã mã hoá) nên không đọc được. Đề nghị "
                "đơn vị gỡ mật khẩu (mở bằng LibreOffice Calc, Tệp > Lưu thành, bỏ chọn \"Lưu với mật "
                "khẩu\", Lưu) rồi gửi lại.",
            )
        tail = chunk[-64:]


def ods_formula(formula: str) -> str:
    """An OpenDocument formula written as in Excel: without its namespace, references without
    brackets, arguments separated by commas (text in quotes left as it is).

    >>> ods_formula("of:=SUM([.B5:.K5])+1"), ods_formula("of:=DATE(2024;6;1)"), ods_formula('="a;b"')
    ('=SUM(B5:K5)+1', '=DATE(2024,6,1)', '="a;b"')
    """
    prefix, colon, rest = formula.partition(":")
    if colon and prefix.isalpha() and rest.startswith("="):
        formula = rest
    pieces = formula.split('"')
    for at in range(0, len(pieces), 2):  # outside quotes
        pieces[at] = _ODS_REFERENCE.sub(lambda m: m.group(1).replace(":.", ":"),
                                        pieces[at]).replace(";", ",")
    formula = '"'.join(pieces)
    return formula if formula.startswith("=") else f"={formula}"


def _repeats(text: str | None) -> int:
    if text is None:
        return 1
    if not text.isdigit() or len(text) > 12:
        raise corrupt_file(f"{ODS_CONTENT} có số lần lặp \"{text[:20]}\" không hợp lệ", ods=True)
    return int(text)


class _OdsContent:
    """What python-calamine makes of an .ods's ``content.xml``, worked out in one expat pass.

    Names are matched as written ("table:table-row"), without resolving namespaces, as calamine
    matches them. Rows and cells are counted with their repeats (``number-rows-repeated``,
    ``number-columns-repeated``; a covered cell of a merge counts as a cell) and the content of a
    cell is not looked into (calamine skips it), but for an error cell's text. A sheet is
    rejected ("oversized-sheet") as soon as a cell with a value lies beyond Excel's last row or
    column, or its grid from A1 to its last value exceeds ``limits.max_cells``: a tiny file may
    repeat one value over every cell of a sheet. Empty cells are not counted (LibreOffice
    writes one empty row repeated to the sheet's last row). A DOCTYPE is rejected before any
    entity is declared; XML that is not well formed is a broken file.

    >>> scan = _OdsContent(Limits())
    >>> scan.feed(b'<t><table:table table:name="A"><table:table-row table:number-rows-repeated="2">'
    ...           b'<table:table-cell/><table:table-cell table:formula="of:=1/0" '
    ...           b'calcext:value-type="error" office:string-value=""><text:p>#DIV/0!</text:p>'
    ...           b'</table:table-cell></table:table-row></table:table></t>')
    >>> scan.close(); scan.errors
    {'A': [(1, 2, 2, 1, '#DIV/0!')]}
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.errors: dict[str, list[OdsCells]] = {}
        self.formulas: dict[str, list[OdsCells]] = {}
        self.table: str | None = None  # the sheet being read (None: outside, or a table calamine skips)
        self.row = 0  # rows of the sheet before the current one
        self.row_repeats = 1
        self.column = 0  # cells of the row before the current one
        self.inside = 0  # depth inside a cell
        self.max_row = self.max_column = 0
        self.error: tuple[int, int, list[str]] | None = None  # an error cell's column, repeats, text
        self.paragraph = False  # in a paragraph of the cell's own text (not of a comment on it)
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._doctype
        self.parser = parser

    def feed(self, data: bytes) -> None:
        self._parse(data, False)

    def close(self) -> None:
        self._parse(b"", True)

    def _parse(self, data: bytes, final: bool) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            raise corrupt_file(f"{ODS_CONTENT} không phải XML hợp lệ: {error}", ods=True) from None

    def _doctype(self, *_args: object) -> None:
        raise xml_entities(ODS_CONTENT)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self.inside:
            self.paragraph = self.paragraph or (self.inside == 1 and name == "text:p")
            self.inside += 1
            return
        if self.table is None:
            if name == "table:table":
                self.table, self.row, self.max_row, self.max_column = attributes.get("table:name"), 0, 0, 0
            return
        if name == "table:table-row":
            self.row_repeats = _repeats(attributes.get("table:number-rows-repeated"))
            self.column = 0
        elif name in _ODS_CELLS:
            self.inside = 1
            first = self.column
            repeats = _repeats(attributes.get("table:number-columns-repeated"))
            self.column += repeats
            formula = attributes.get("table:formula")
            valued = attributes.get("office:value-type") == "string" or any(
                key in attributes for key in _ODS_VALUES)
            if not (valued or formula) or repeats == 0 or self.row_repeats == 0:
                return  # empty: calamine keeps no value
            self._extent(self.row + self.row_repeats, self.column)
            if attributes.get("calcext:value-type") == "error":
                self.error = (first, repeats, [])
                self.parser.CharacterDataHandler = self._text  # text is wanted of error cells only
            elif formula and not valued:
                text = ods_formula(formula)
                if not text.upper().startswith("=SUM("):  # as for .xlsx: the template's "Tổng" column
                    self.formulas.setdefault(self.table, []).append(
                        (self.row + 1, first + 1, self.row_repeats, repeats, text))

    def _end(self, name: str) -> None:
        if self.inside:
            self.inside -= 1
            if self.inside == 1:
                self.paragraph = False
            if not self.inside and self.error is not None and self.table is not None:
                first, repeats, text = self.error
                self.errors.setdefault(self.table, []).append(
                    (self.row + 1, first + 1, self.row_repeats, repeats, "".join(text).strip() or "#N/A"))
                self.error = None
                self.parser.CharacterDataHandler = None
            return
        if self.table is None:
            return
        if name == "table:table-row":
            self.row += self.row_repeats
            self.row_repeats = 1
        elif name == "table:table":
            self.table = None

    def _text(self, data: str) -> None:
        if self.error is not None and self.paragraph:
            self.error[2].append(data)

    def _extent(self, last_row: int, last_column: int) -> None:
        """A value reaches ``last_row`` and ``last_column`` (1-based) of the current sheet."""
        part = f'{ODS_CONTENT}, sheet "{self.table}"'
        if last_row > EXCEL_MAX_ROWS or last_column > EXCEL_MAX_COLUMNS:
            raise oversized_sheet(part, f"có dữ liệu ở dòng {thousands(last_row)}, "
                                        f"cột {thousands(last_column)}, "
                                        f"nằm ngoài giới hạn của Excel ({thousands(EXCEL_MAX_ROWS)} dòng × "
                                        f"{thousands(EXCEL_MAX_COLUMNS)} cột)")
        self.max_row = max(self.max_row, last_row)
        self.max_column = max(self.max_column, last_column)
        if self.max_row * self.max_column > self.limits.max_cells:
            raise oversized_sheet(part, f"có dữ liệu đến dòng {thousands(self.max_row)}, "
                                        f"cột {thousands(self.max_column)}, "
                                        f"tức {thousands(self.max_row * self.max_column)} ô tính từ A1 "
                                        f"(tối đa {thousands(self.limits.max_cells)} ô)")


def _examine_ods(handle: BinaryIO, by_name: dict[str, zipfile.ZipInfo], limits: Limits, quick: bool
                 ) -> PackageScan:
    """The checks of an OpenDocument spreadsheet, its zip directory already checked: the parts
    calamine parses (the manifest and ``content.xml``) are read to their end, decompression
    bounded by their declared sizes; the others are not read."""
    for needed in (ODS_MANIFEST, ODS_CONTENT):
        if needed not in by_name:
            raise corrupt_file(f"thiếu phần {needed}", ods=True)
    _check_manifest(handle, by_name[ODS_MANIFEST])
    content = _OdsContent(limits)
    for chunk in _ods_chunks(handle, by_name[ODS_CONTENT]):
        content.feed(chunk)
    content.close()
    in_memory = handle.getvalue() if quick and isinstance(handle, io.BytesIO) else None
    return PackageScan(content=in_memory, ods=True, ods_errors=content.errors, ods_formulas=content.formulas)


def examine_opendocument(handle: BinaryIO, infos: list[zipfile.ZipInfo], size: int, limits: Limits,
                         quick: bool) -> PackageScan | None:
    """The checks of a zip with a ``mimetype`` member and no xl/workbook.xml: those of an
    OpenDocument spreadsheet, a rejection for another OpenDocument file (a text, a
    presentation…), None when the member names no OpenDocument type."""
    by_name = {info.orig_filename: info for info in infos}
    mimetype = _mimetype(handle, by_name["mimetype"])
    if mimetype == ODS_MIMETYPE:
        check_directory(infos, size, limits)
        return _examine_ods(handle, by_name, limits, quick)
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        kind = mimetype.rpartition(b".")[2].decode("ascii", "replace")
        raise rejected_file(
            Code.NOT_A_WORKBOOK,
            f"Tệp là tài liệu OpenDocument loại \"{kind}\" (văn bản, trình chiếu…), không phải "
            "bảng tính: có thể gửi nhầm tệp. Đề nghị đơn vị gửi lại đúng tệp báo cáo (.xlsx hoặc "
            ".ods).",
        )
    return None
