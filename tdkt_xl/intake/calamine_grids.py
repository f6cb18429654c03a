"""A plan workbook as :class:`~tdkt_xl.plans.grids.Grid` objects, read fast: the cell values with
python-calamine (:func:`tdkt_xl.intake.book_readers.read_values`, after the safety checks of
:mod:`tdkt_xl.intake.safety`), and the little calamine does not give (merged ranges, hidden rows
and columns, the fonts of legacy-encoded text, bold text, the number formats of dates shown as a
month or a quarter) from the sheet and style XML, with a few regular-expression passes over each
sheet part (no parser builds a tree of its cells).

The grids are the ones :func:`tdkt_xl.intake.openpyxl_grids.read_grids` makes: whole numbers as
``int``, date cells as ``datetime``, the same layout facts (``tests/test_plan_grids.py`` compares
the two readers). :func:`read_plan_grids` gives None when it cannot read a file this way (no
python-calamine, a cell whose style matters written without its reference, a file the safety scan
finds broken …): the caller reads it with openpyxl then, which says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tdkt_xl.errors import Code, TdktError
from tdkt_xl.intake.file_formats import FileFormat, WorkbookError, sniff
from tdkt_xl.intake.safety.limits_and_rejections import RejectedFile
from tdkt_xl.intake.safety.xlsx_parts import formula_cells_without_value, sheet_parts
from tdkt_xl.intake.safety.xml_text import column_number, xml_attributes
from tdkt_xl.plans.deadline_cells import keeps_format
from tdkt_xl.plans.grids import ExcelError, FormulaWithoutValue, Grid, formulas_as_cells, put_values

# Rejections of a hostile file (not merely a broken one): said, never handed to openpyxl.
HOSTILE = frozenset({Code.ZIP_BOMB, Code.XML_ENTITIES, Code.OVERSIZED_SHEET, Code.TOO_MANY_MEMBERS,
                     Code.BAD_MEMBER_NAME, Code.BAD_SHARED_STRINGS, Code.TOO_LARGE})

# Excel's built-in date formats (ECMA-376 18.8.30, as openpyxl names them): the only built-in
# formats a date cell can show less than a day with; other ids show a day or no date at all.
BUILTIN_DATE_FORMATS = {14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
                        19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
                        45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0"}

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # some writers (the Open XML SDK) put every tag in a prefix
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData\b")
_SHEET_DATA_END = re.compile(rb"</" + _PREFIX + rb"sheetData>|<" + _PREFIX + rb"sheetData\s*/>")
_COLUMN = re.compile(rb"<" + _PREFIX + rb"col\b([^>]*)>")
_ROW = re.compile(rb"<" + _PREFIX + rb"row\b([^>]*)>")
_MERGE = re.compile(rb"<" + _PREFIX + rb"mergeCell\b([^>]*)>")
_CELL = re.compile(rb"<" + _PREFIX + rb"c\b([^>]*)>")
_ROW_OR_CELL = re.compile(rb"<" + _PREFIX + rb"(row|c)\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*["']([0-9]+)["']""")
_HIDDEN = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["']""")
_STYLE = re.compile(rb"""(?:^|\s)s\s*=\s*["']([0-9]+)["']""")
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?")
_TRUE = ("1", "true")


class _Unusual(TdktError):
    """Something in a file this reader leaves to openpyxl."""


@dataclass(frozen=True)
class CellStyles:
    """What the cell styles (``cellXfs`` of ``xl/styles.xml``) say that a plan needs, by style index:
    a legacy (TCVN3/VNI) font's name, a bold font, a date format that shows no day."""

    legacy_fonts: dict[int, str] = field(default_factory=dict)
    bold: frozenset[int] = frozenset()
    formats: dict[int, str] = field(default_factory=dict)

    @property
    def wanted(self) -> frozenset[int]:
        return frozenset(self.legacy_fonts) | self.bold | frozenset(self.formats)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


def _fonts(section: ET.Element | None) -> list[tuple[str, bool]]:
    """Each font's name and whether it is bold, in order."""
    fonts: list[tuple[str, bool]] = []
    for font in section if section is not None else ():
        name = _child(font, "name")
        bold = _child(font, "b")
        fonts.append((name.get("val", "") if name is not None else "",
                      bold is not None and bold.get("val", "1").lower() in _TRUE))
    return fonts


def _int(text: str | None) -> int:
    return int(text) if text is not None and text.strip().isdigit() else 0


def cell_styles(styles_xml: bytes | None) -> CellStyles:
    """The cell styles a plan reader needs from ``xl/styles.xml`` (none without one).

    >>> xml = (b'<styleSheet><numFmts><numFmt numFmtId="164" formatCode="&quot;Th\\xc3\\xa1ng &quot;m/yyyy"/>'
    ...        b'</numFmts><fonts><font><name val="Arial"/></font><font><b/><name val=".VnTime"/></font>'
    ...        b'</fonts><cellXfs><xf fontId="0" numFmtId="0"/><xf fontId="1" numFmtId="164"/>'
    ...        b'<xf fontId="0" numFmtId="17"/></cellXfs></styleSheet>')
    >>> styles = cell_styles(xml); styles.legacy_fonts, sorted(styles.bold), styles.formats
    ({1: '.VnTime'}, [1], {1: '"Tháng "m/yyyy', 2: 'mmm-yy'})
    """
    if not styles_xml:
        return CellStyles()
    root = ET.fromstring(styles_xml)  # checked by the safety scan: no DOCTYPE, bounded size
    sections = {_local(child.tag): child for child in root}
    custom = {_int(item.get("numFmtId")): item.get("formatCode", "")
              for item in sections.get("numFmts", ())}
    fonts = _fonts(sections.get("fonts"))
    legacy: dict[int, str] = {}
    bold: set[int] = set()
    formats: dict[int, str] = {}
    for index, xf in enumerate(sections.get("cellXfs", ())):
        font_id, format_id = _int(xf.get("fontId")), _int(xf.get("numFmtId"))
        name, is_bold = fonts[font_id] if font_id < len(fonts) else ("", False)
        if name.lower().startswith((".vn", "vni")):
            legacy[index] = name
        if is_bold:
            bold.add(index)
        number_format = custom.get(format_id, BUILTIN_DATE_FORMATS.get(format_id))
        if number_format is not None and keeps_format(number_format):
            formats[index] = number_format
    return CellStyles(legacy, frozenset(bold), formats)


# --- one sheet part --------------------------------------------------------------------------


def _reference(attributes: bytes) -> tuple[int, int]:
    """(row, column) of a cell's ``r`` attribute; a cell without one is left to openpyxl."""
    found = _REFERENCE.search(attributes)
    if found is None:
        raise _Unusual("a cell without its reference")
    return int(found.group(2)), column_number(found.group(1).decode())


def hidden_rows(body: bytes) -> frozenset[int]:
    """The rows of ``sheetData`` marked hidden.

    >>> sorted(hidden_rows(b'<row r="2" hidden="1"><c r="A2"/></row><row r="3"/><x:row r="9" hidden="true">'))
    [2, 9]
    >>> sorted(hidden_rows(b'<row r="2"/><row hidden="1"/>'))
    [3]
    """
    if b"hidden" not in body or _HIDDEN.search(body) is None:
        return frozenset()
    found: set[int] = set()
    row = 0
    for match in _ROW.finditer(body):
        number = _ROW_NUMBER.search(match.group(1))
        row = int(number.group(1)) if number is not None else row + 1  # a row without r: the next one
        if _HIDDEN.search(match.group(1)) is not None:
            found.add(row)
    return frozenset(found)


def hidden_columns(head: bytes) -> frozenset[int]:
    """The columns the ``<cols>`` before ``sheetData`` hide.

    >>> sorted(hidden_columns(b'<cols><col min="2" max="3" hidden="1"/><col min="5" max="5"/></cols>'))
    [2, 3]
    """
    found: set[int] = set()
    for match in _COLUMN.finditer(head):
        if _HIDDEN.search(match.group(1)) is None:
            continue
        attributes = xml_attributes(match.group(1))
        first, last = _int(attributes.get("min")), _int(attributes.get("max"))
        if first and last:
            found.update(range(first, last + 1))
    return frozenset(found)


def merged_ranges(tail: bytes) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each ``mergeCell``, in file order.

    >>> merged_ranges(b'<mergeCells count="2"><mergeCell ref="A1:F1"/><mergeCell ref="B5:B7"/></mergeCells>')
    [(1, 1, 1, 6), (5, 2, 7, 2)]
    """
    ranges: list[tuple[int, int, int, int]] = []
    for match in _MERGE.finditer(tail):
        found = _RANGE.fullmatch(xml_attributes(match.group(1)).get("ref", "").strip())
        if found is None:
            continue
        left, top, right, bottom = found.groups()
        first = (int(top), column_number(left))
        last = (int(bottom), column_number(right)) if right and bottom else first
        ranges.append((min(first[0], last[0]), min(first[1], last[1]),
                       max(first[0], last[0]), max(first[1], last[1])))
    return ranges


def styled_cells(body: bytes, wanted: frozenset[int]) -> dict[tuple[int, int], int]:
    """(row, column) -> style of each cell whose style is one of ``wanted`` (a cell without an
    ``s`` has style 0: when style 0 is wanted every cell is looked at, else only the wanted ones).
    A cell written without its ``r`` reference is where it stands: after the cell before it, on
    its row (:func:`cells_in_order`).

    >>> styled_cells(b'<c r="A1" s="2" t="s"><v>0</v></c><c r="B1"><v>1</v></c><c r="C1" s="3"/>',
    ...              frozenset({0, 3}))
    {(1, 2): 0, (1, 3): 3}
    >>> styled_cells(b'<row r="4"><c s="3"><v>1</v></c><c s="3"/></row><row><c s="3"/></row>', frozenset({3}))
    {(4, 1): 3, (4, 2): 3, (5, 1): 3}
    """
    cells: dict[tuple[int, int], int] = {}
    if not wanted:
        return cells
    try:
        if 0 in wanted:
            for match in _CELL.finditer(body):
                style = _STYLE.search(match.group(1))
                if style is None or int(style.group(1)) in wanted:
                    cells[_reference(match.group(1))] = int(style.group(1)) if style else 0
            return cells
        choices = b"|".join(str(index).encode() for index in sorted(wanted))
        pattern = re.compile(rb"<" + _PREFIX + rb"c\b([^>]*?\ss\s*=\s*[\"'](" + choices + rb")[\"'][^>]*)>")
        for match in pattern.finditer(body):
            cells[_reference(match.group(1))] = int(match.group(2))
    except _Unusual:
        cells = {place: style for place, style in cells_in_order(body) if style in wanted}
    return cells


def cells_in_order(body: bytes) -> Iterator[tuple[tuple[int, int], int]]:
    """((row, column), style) of every cell of ``sheetData``, a row or cell without its reference
    placed after the one before it (as Excel and openpyxl read them).

    >>> list(cells_in_order(b'<row><c s="1"/><c r="C1"/><c/></row><row r="5"><c r="B5" s="2"/></row>'))
    [((1, 1), 1), ((1, 3), 0), ((1, 4), 0), ((5, 2), 2)]
    """
    row = column = 0
    for match in _ROW_OR_CELL.finditer(body):
        attributes = match.group(2)
        if match.group(1) == b"row":
            number = _ROW_NUMBER.search(attributes)
            row, column = (int(number.group(1)) if number else row + 1), 0
            continue
        found = _REFERENCE.search(attributes)
        if found is not None:
            row, column = int(found.group(2)), column_number(found.group(1).decode())
        else:
            column += 1
        style = _STYLE.search(attributes)
        yield (row, column), int(style.group(1)) if style else 0


def openpyxl_like(rows: list[list[object]]) -> list[list[object]]:
    """Values as openpyxl gives them: a whole number as an ``int`` (calamine gives every number as a
    float), a date as a ``datetime`` (calamine gives a whole day as a ``date``). In place.

    >>> openpyxl_like([[1.0, 2.5, "a", dt.date(2024, 1, 2), None, True]])
    [[1, 2.5, 'a', datetime.datetime(2024, 1, 2, 0, 0), None, True]]
    """
    for index, values in enumerate(rows):
        rows[index] = [_openpyxl_value(v) if type(v) in _CONVERTED else v for v in values]
    return rows


_CONVERTED = frozenset({float, dt.date})


def _openpyxl_value(value: object) -> object:
    if isinstance(value, float):
        return int(value) if value.is_integer() and -1e15 < value < 1e15 else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _style_facts(grid: Grid, cells: dict[tuple[int, int], int], styles: CellStyles) -> None:
    """The fonts, bold cells and shown formats of a grid's styled cells, as openpyxl_grids finds them."""
    bold: set[tuple[int, int]] = set()
    for place, style in cells.items():
        value = grid.value(*place)
        if not isinstance(value, str | dt.date) or isinstance(value, FormulaWithoutValue):
            continue  # openpyxl reads a formula without a value as an empty cell
        if isinstance(value, str):
            font = styles.legacy_fonts.get(style)
            if font is not None and not isinstance(value, ExcelError) and not value.isascii():
                grid.fonts[place] = font
            if style in styles.bold:
                bold.add(place)
        elif style in styles.formats:
            grid.formats[place] = styles.formats[style]
    grid.bold = frozenset(bold)


def _sheet_data(data: bytes) -> tuple[int, int]:
    """Where ``sheetData`` starts and ends (found with ``find`` when its tag has no prefix: a
    regular expression that starts at every ``<`` of a large sheet is slow)."""
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    if start >= 0 and end > start:
        return start, end + len(b"</sheetData>")
    opening = _SHEET_DATA.search(data)
    if opening is None:
        raise _Unusual("a sheet part without sheetData")
    ends = [found.end() for found in _SHEET_DATA_END.finditer(data, opening.start())]
    return opening.start(), ends[-1] if ends else len(data)


def sheet_grid(name: str, rows: list[list[object]], data: bytes, styles: CellStyles, state: str) -> Grid:
    """One sheet's grid from its values (read by calamine) and its part's XML."""
    head_end, body_end = _sheet_data(data)
    head, body, tail = data[:head_end], data[head_end:body_end], data[body_end:]
    grid = Grid(name, openpyxl_like(rows), hidden_rows(body), merged_ranges(tail), {}, hidden_columns(head),
                state)
    _style_facts(grid, styled_cells(body, styles.wanted), styles)
    put_values(grid.rows, formulas_as_cells(formula_cells_without_value(body)), over_values=False)
    while grid.rows and not grid.rows[-1]:
        grid.rows.pop()
    return grid


# --- the workbook ----------------------------------------------------------------------------


def check_plan_file(path: Path) -> FileFormat:
    """The format of the file at ``path``; a :class:`WorkbookError` that says why when it is no Excel
    workbook a plan can be (missing, an .ods, an .xls, not a spreadsheet)."""
    found = sniff(path)
    if found.kind == "missing":
        raise WorkbookError(f"{path}: không tìm thấy tệp.")
    if found.kind == "ods":  # unit reports may be .ods; a plan may not (its layout is read from the XML)
        raise WorkbookError(
            f"{path}: tệp là {found.label}; sổ kế hoạch cần là sổ Excel .xlsx hoặc .xlsm (mở bằng "
            "LibreOffice Calc, chọn Tệp > Lưu thành, kiểu tệp \"Excel 2007-365 (.xlsx)\")."
        )
    if not found.is_openxml:
        raise WorkbookError(
            f"{path}: tệp là {found.label}; cần sổ Excel .xlsx hoặc .xlsm "
            "(mở bằng Excel rồi Lưu thành .xlsx)."
        )
    return found


def read_plan_grids(path: Path) -> list[Grid] | None:
    """Every worksheet of the plan workbook at ``path`` as grids, or None when this reader leaves
    the file to openpyxl. Raises :class:`WorkbookError` for a file the safety checks find hostile
    (a zip bomb, an XML entity declaration, an oversized sheet …).

    >>> import tempfile, pathlib
    >>> from openpyxl import Workbook
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "k.xlsx"; wb = Workbook(); wb.active.append(["STT", 1])
    >>> wb.save(p); [(g.name, g.rows) for g in read_plan_grids(p)]
    [('Sheet', [['STT', 1]])]
    """
    try:
        import python_calamine  # noqa: F401  (without it openpyxl reads the plan)

        from tdkt_xl.intake.book_readers import read_values
    except ImportError:
        return None
    try:
        book = read_values(path)
    except RejectedFile as rejected:
        if rejected.rejection.code in HOSTILE:
            raise WorkbookError(f"{path}: sổ kế hoạch không được mở vì lý do an toàn. "
                                f"{rejected.rejection.reason}") from None
        return None  # broken or odd: openpyxl says what is wrong
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's PanicException is a BaseException
        return None
    try:
        return _grids(path, book.sheets, book.hidden_sheets, book.very_hidden_sheets)
    except (_Unusual, zipfile.BadZipFile, KeyError, ValueError, OSError, ET.ParseError):
        return None


def _grids(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...],
           very_hidden: tuple[str, ...]) -> list[Grid]:
    grids: list[Grid] = []
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        styles = cell_styles(archive.read("xl/styles.xml") if "xl/styles.xml" in members else None)
        parts = {name: part for part, name in sheet_parts(archive).items()}
        for name, rows in sheets.items():
            part = parts.get(name)
            if part is None or part not in members:
                raise _Unusual(f"no part for sheet {name!r}")
            state = "veryHidden" if name in very_hidden else "hidden" if name in hidden else "visible"
            grids.append(sheet_grid(name, rows, archive.read(part), styles, state))
    return grids
