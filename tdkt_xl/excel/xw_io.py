"""xlwings adapter: an open workbook's sheets as grids, and batched writes back.

Every function here makes a fixed number of Excel calls, whatever the number of rows:
one read per sheet, one write per block of cells, one call per colour or column.

Engines:

* ``excel`` (desktop Excel through COM on Windows, AppleScript on macOS): what the
  add-in uses. Merged cells, hidden rows, legacy fonts and the number formats of dates shown
  as a month or a quarter are read on Windows from the used range's XML Spreadsheet value
  (one call, :func:`sheet_layout_from_xml`); on macOS they are not read (a date formatted
  "Tháng "m/yyyy is then read as its day).
* ``remote`` (xlwings Server / Lite; the tests drive the handlers through it): the
  payload carries values only, so merged cells, hidden rows, fonts and number formats are lost; there is
  no status bar and no folder dialog; notes (comments) need an Office.js client.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tdkt_xl.errors import TdktError, column_letter
from tdkt_xl.excel.xw_light import xw
from tdkt_xl.plans.deadline_cells import keeps_format
from tdkt_xl.plans.grids import EXCEL_ERRORS, ExcelError, Grid
from tdkt_xl.plans.text import fold

log = logging.getLogger("tdkt_xl.excel")

REMOTE = "remote"
MAX_COLOR_CELLS = 10_000  # Range.set_colors takes at most this many cells a call
MAX_ADDRESS = 250  # COM's Range("A1,B2,…") takes an address of at most 255 characters
Color = str  # "RRGGBB" or "#RRGGBB"
Cell = tuple[int, int]
Merged = tuple[int, int, int, int]


def engine(book: xw.Book) -> str:
    """``"excel"`` for desktop Excel, ``"remote"`` for a book built from a client's JSON."""
    return str(book.app.engine.name)


def is_remote(book: xw.Book) -> bool:
    return engine(book) == REMOTE


def hex_color(color: Color | None) -> str | None:
    """``"#rrggbb"`` as xlwings takes it.

    >>> hex_color("FFC7CE"), hex_color(None)
    ('#ffc7ce', None)
    """
    if color is None:
        return None
    return "#" + color.lstrip("#").lower()


def address(row: int, column: int) -> str:
    """``(7, 2)`` -> ``"B7"``."""
    return f"{column_letter(column)}{row}"


# --- reading -----------------------------------------------------------------------


def cell_value(value: Any) -> object:
    """A value as the core takes it: errors as :class:`ExcelError`, whole floats as int.

    >>> cell_value("#N/A").__class__.__name__, cell_value(2024.0), cell_value("")
    ('ExcelError', 2024, None)
    """
    if isinstance(value, str):
        if value in EXCEL_ERRORS:
            return ExcelError(value)
        return value if value != "" else None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def values_to_rows(values: Sequence[Sequence[Any]] | None, first_row: int, first_column: int
                   ) -> list[list[object]]:
    """A block read at (``first_row``, ``first_column``) as rows anchored at A1.

    >>> values_to_rows([[1, None], [None, None]], 2, 3)
    [[], [None, None, 1]]
    """
    rows: list[list[object]] = [[] for _ in range(first_row - 1)]
    for raw in values or []:
        cells: list[object] = [None] * (first_column - 1) + [cell_value(v) for v in raw]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def sheet_grid(sheet: xw.Sheet, *, layout: bool = True) -> Grid:
    """One sheet as a :class:`Grid`: its used range read in one call (plus one for the layout on
    Windows Excel). The used range need not start at A1."""
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value
    first_row, first_column = used.row, used.column
    grid = Grid(sheet.name, values_to_rows(values, first_row, first_column))
    try:
        grid.state = "visible" if sheet.visible else "hidden"  # a hidden task sheet is not read
    except Exception:  # a client that does not say: read the sheet as before
        log.debug("Không biết sheet %s có ẩn không", sheet.name, exc_info=True)
    if layout and not is_remote(sheet.book) and sys.platform.startswith("win"):
        try:
            layout = sheet_layout_from_xml(_spreadsheet_xml(used), first_row, first_column)
            grid.hidden_rows, grid.merged, grid.fonts = layout.hidden_rows, layout.merged, layout.fonts
            grid.formats = layout.formats
        except Exception:  # an old Excel, a protected sheet: go on with values alone
            log.warning("Không đọc được ô gộp/dòng ẩn của sheet %s", sheet.name, exc_info=True)
    return grid


def read_grids(book: xw.Book) -> list[Grid]:
    """Every worksheet of ``book`` as a grid, one read per sheet."""
    return [sheet_grid(sheet) for sheet in book.sheets]


class NoSpreadsheetXml(TdktError):
    """Excel gave no XML Spreadsheet value for a range (an old Excel, a protected sheet)."""


def _spreadsheet_xml(used: xw.Range) -> str:
    """The range as Excel's XML Spreadsheet 2003 (``Range.Value(xlRangeValueXMLSpreadsheet)``).

    ``Value`` is a property with a parameter, which pywin32's late binding exposes in
    different ways: the raw ``IDispatch.Invoke`` is tried first, then the makepy and the
    dynamic spellings.
    """
    api = used.api

    def invoke() -> Any:
        ole = api._oleobj_
        return ole.Invoke(ole.GetIDsOfNames("Value"), 0, 2, True, 11)  # DISPATCH_PROPERTYGET

    failures: list[str] = []
    for attempt in (invoke, lambda: api.GetValue(11), lambda: api.Value(11)):
        try:
            result = attempt()
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
            continue
        if isinstance(result, str) and result.lstrip().startswith("<"):
            return result
        failures.append(f"not XML: {type(result).__name__}")
    raise NoSpreadsheetXml("; ".join(failures))


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_LEGACY_FONT = re.compile(r"^(\.vn|vni)", re.IGNORECASE)


def layout_from_xml(xml: str, first_row: int = 1, first_column: int = 1
                    ) -> tuple[frozenset[int], list[Merged], dict[Cell, str]]:
    """Hidden rows, merged ranges and legacy font names from an XML Spreadsheet 2003 text.

    Positions in the XML count from the range's top-left cell; the result counts from A1.

    >>> xml = ('<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    ...        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Styles>'
    ...        '<Style ss:ID="s1"><Font ss:FontName=".VnTime"/></Style></Styles>'
    ...        '<Worksheet ss:Name="PL"><Table><Row><Cell ss:MergeDown="1"><Data ss:Type="Number">6'
    ...        '</Data></Cell><Cell ss:StyleID="s1"><Data ss:Type="String">x</Data></Cell></Row>'
    ...        '<Row ss:Hidden="1"><Cell ss:Index="2"/></Row></Table></Worksheet></Workbook>')
    >>> layout_from_xml(xml, 7, 1)
    (frozenset({8}), [(7, 1, 8, 1)], {(7, 2): '.VnTime'})
    """
    layout = sheet_layout_from_xml(xml, first_row, first_column)
    return layout.hidden_rows, layout.merged, layout.fonts


@dataclass
class SheetLayout:
    """What a sheet's XML Spreadsheet says beside its values."""

    hidden_rows: frozenset[int] = frozenset()
    merged: list[Merged] = field(default_factory=list)
    fonts: dict[Cell, str] = field(default_factory=dict)
    formats: dict[Cell, str] = field(default_factory=dict)  # dates shown as a month or a quarter


def _styles(root: ET.Element) -> tuple[dict[str, str], dict[str, str]]:
    """Legacy font names and date formats not showing a day, by style id."""
    fonts: dict[str, str] = {}
    formats: dict[str, str] = {}
    for style in root.iter(f"{_SS}Style"):
        font = style.find(f"{_SS}Font")
        name = font.get(f"{_SS}FontName") if font is not None else None
        if name and _LEGACY_FONT.match(name):
            fonts[style.get(f"{_SS}ID", "")] = name
        number = style.find(f"{_SS}NumberFormat")
        shown = number.get(f"{_SS}Format") if number is not None else None
        if shown and keeps_format(shown):
            formats[style.get(f"{_SS}ID", "")] = shown
    return fonts, formats


def sheet_layout_from_xml(xml: str, first_row: int = 1, first_column: int = 1) -> SheetLayout:
    """:func:`layout_from_xml`, with the number formats of the date cells shown as a month or a
    quarter (``"Tháng "m/yyyy``).

    >>> xml = ('<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    ...        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Styles>'
    ...        '<Style ss:ID="s2"><NumberFormat ss:Format="&quot;Tháng &quot;m/yyyy"/></Style></Styles>'
    ...        '<Worksheet ss:Name="PL"><Table><Row><Cell ss:StyleID="s2"><Data ss:Type="DateTime">'
    ...        '2026-04-01T00:00:00.000</Data></Cell><Cell ss:StyleID="s2"><Data ss:Type="String">x'
    ...        '</Data></Cell></Row></Table></Worksheet></Workbook>')
    >>> sheet_layout_from_xml(xml, 3, 6).formats
    {(3, 6): '"Tháng "m/yyyy'}
    """
    root = ET.fromstring(xml)
    fonts_by_style, formats_by_style = _styles(root)
    layout = SheetLayout()
    hidden: set[int] = set()
    table = root.find(f"{_SS}Worksheet/{_SS}Table")
    if table is None:
        return layout
    row_index = 0
    for row in table.iter(f"{_SS}Row"):
        row_index = int(row.get(f"{_SS}Index", row_index + 1))
        span = int(row.get(f"{_SS}Span", 0))
        absolute_row = first_row + row_index - 1
        if row.get(f"{_SS}Hidden") == "1":
            hidden.update(range(absolute_row, absolute_row + span + 1))
        column_index = 0
        for cell in row.iter(f"{_SS}Cell"):
            column_index = int(cell.get(f"{_SS}Index", column_index + 1))
            place = (absolute_row, first_column + column_index - 1)
            across = int(cell.get(f"{_SS}MergeAcross", 0))
            down = int(cell.get(f"{_SS}MergeDown", 0))
            if across or down:
                layout.merged.append((*place, place[0] + down, place[1] + across))
            style = cell.get(f"{_SS}StyleID", "Default")
            if style in fonts_by_style:
                layout.fonts[place] = fonts_by_style[style]
            data = cell.find(f"{_SS}Data")
            if style in formats_by_style and data is not None and data.get(f"{_SS}Type") == "DateTime":
                layout.formats[place] = formats_by_style[style]
            column_index += across
        row_index += span
    layout.hidden_rows = frozenset(hidden)
    return layout


# --- writing -----------------------------------------------------------------------


def write(sheet: xw.Sheet, row: int, column: int, rows: Sequence[Sequence[object]]) -> None:
    """Write a block of values in one call (rows are padded to the same width)."""
    if not rows:
        return
    width = max(len(r) for r in rows)
    block = [[*r, *([None] * (width - len(r)))] for r in rows]
    if width == 0:
        return
    sheet.range((row, column)).value = block


def block(sheet: xw.Sheet, top: int, left: int, bottom: int, right: int) -> xw.Range:
    return sheet.range((top, left), (bottom, right))


def set_borders(rng: xw.Range, color: Color) -> None:
    """Thin borders on every edge and inside a range."""
    rng.borders.line_style = "continuous"
    rng.borders.color = "#" + color.lstrip("#").lower()


def style_header(rng: xw.Range, fill: Color, border: Color) -> None:
    """Bold, filled, bordered, centred and wrapped: a table's header cells."""
    rng.font.bold = True
    rng.color = hex_color(fill)
    set_borders(rng, border)
    with contextlib.suppress(NotImplementedError):
        rng.horizontal_alignment = "center"
        rng.vertical_alignment = "center"
    rng.wrap_text = True


def center(rng: xw.Range) -> None:
    """Centred and wrapped (alignment needs an Office.js client on the remote engine)."""
    with contextlib.suppress(NotImplementedError):
        rng.horizontal_alignment = "center"
        rng.vertical_alignment = "center"
    rng.wrap_text = True


def color_by_value(rng: xw.Range, colors: Mapping[str, tuple[Color, Color]]) -> None:
    """Colour each cell of ``rng`` by its text: one conditional-format rule per text.

    The rules replace any the range had. A rule per value (not a fill per cell) keeps the
    number of Excel calls independent of the number of rows, and the colour follows the
    value when it is typed over.
    """
    rng.conditional_formats.clear()
    for text, (fill, font) in colors.items():
        rng.conditional_formats.add_cell_value(
            "equal_to", f'="{text}"', fill_color=hex_color(fill), font_color=hex_color(font))


def fill_cells(sheet: xw.Sheet, colors: Mapping[Cell, Color | None]) -> None:
    """Give cells a fill (None: no fill), in as few calls as the engine allows.

    Remote engine: one ``set_colors`` matrix over the cells' bounding box (split every
    10,000 cells), other cells kept. Desktop Excel: one call per colour and per 250
    characters of address ("B7,B9:B12,…").
    """
    if not colors:
        return
    if is_remote(sheet.book):
        _fill_by_matrix(sheet, colors)
        return
    by_color: dict[Color | None, list[Cell]] = {}
    for cell, color in colors.items():
        by_color.setdefault(color, []).append(cell)
    for color, cells in by_color.items():
        for part in address_chunks(cells):
            sheet.range(part).color = hex_color(color)


def _fill_by_matrix(sheet: xw.Sheet, colors: Mapping[Cell, Color | None]) -> None:
    top = min(r for r, _ in colors)
    bottom = max(r for r, _ in colors)
    left = min(c for _, c in colors)
    right = max(c for _, c in colors)
    width = right - left + 1
    step = max(1, MAX_COLOR_CELLS // width)
    for start in range(top, bottom + 1, step):
        end = min(bottom, start + step - 1)
        matrix: list[list[Any]] = [
            [hex_color(colors[(r, c)]) if (r, c) in colors else ... for c in range(left, right + 1)]
            for r in range(start, end + 1)
        ]
        if all(v is ... for line in matrix for v in line):
            continue
        block(sheet, start, left, end, right).set_colors(matrix)


OWN_MARK = "TĐKT"
NOTE_SEPARATOR = "— TĐKT —"
_OUR_NOTE = re.compile(r"\[[a-z0-9-]+\] ")


class UserSheetsInTheWay(TdktError):
    """Both ``name`` and ``"name (TĐKT)"`` are sheets the user made."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def address_chunks(cells: Iterable[Cell], limit: int = MAX_ADDRESS) -> list[str]:
    """Comma-separated addresses, runs down a column joined ("B7:B9"), each at most ``limit`` long.

    >>> address_chunks([(7, 2), (8, 2), (9, 2), (12, 2), (3, 1)])
    ['A3,B7:B9,B12']
    """
    runs: list[str] = []
    ordered = sorted(set(cells), key=lambda rc: (rc[1], rc[0]))
    index = 0
    while index < len(ordered):
        row, column = ordered[index]
        end = row
        while index + 1 < len(ordered) and ordered[index + 1] == (end + 1, column):
            index += 1
            end += 1
        runs.append(address(row, column) if end == row
                    else f"{address(row, column)}:{address(end, column)}")
        index += 1
    chunks: list[str] = []
    current = ""
    for run in runs:
        candidate = f"{current},{run}" if current else run
        if len(candidate) > limit and current:
            chunks.append(current)
            current = run
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _ours(note: object) -> bool:
    """Whether a note was written by Kiểm tra: its text starts with a problem code in brackets."""
    try:
        text = note.text  # type: ignore[attr-defined]
    except NotImplementedError:  # xlwings Server cannot read a note's text: taken as ours, as before
        return True
    except Exception:
        return False
    return isinstance(text, str) and bool(_OUR_NOTE.match(text))


def _users_part(note: object) -> str:
    """What the user wrote in a note, without the problems Kiểm tra put after it."""
    return str(note.text).split(f"\n{NOTE_SEPARATOR}\n")[0]  # type: ignore[attr-defined]


def own_sheet_names(name: str) -> tuple[str, str]:
    """The names this add-in gives its sheet ``name``: itself, or beside a user's sheet of that name."""
    return name, f"{name} ({OWN_MARK})"


def set_notes(sheet: xw.Sheet, notes: Mapping[Cell, str], *, replace: Iterable[Cell] = ()) -> int:
    """Put notes (Excel's comments) on cells, replacing ours; delete our notes at ``replace``.
    A note the user wrote is kept: where a problem needs the cell, the problem's text is put
    after the user's (separated by a line).

    One call per note: callers cap the number. Returns how many were written; 0 where the
    engine cannot write notes (remote engine without an Office.js client).
    """
    written = 0
    for cell in replace:
        if cell in notes:
            continue
        with contextlib.suppress(Exception):
            rng = sheet.range(cell)
            existing = rng.note
            if existing is None:
                continue
            if _ours(existing):
                existing.delete()
            elif f"\n{NOTE_SEPARATOR}\n" in str(existing.text):  # the user's note, ours after it
                mine = _users_part(existing)
                existing.delete()
                rng.add_note(mine)
    for cell, text in notes.items():
        rng = sheet.range(cell)
        try:
            existing = rng.note
            if existing is not None:
                if not _ours(existing):
                    text = f"{_users_part(existing)}\n{NOTE_SEPARATOR}\n{text}"
                existing.delete()
            rng.add_note(text)
        except NotImplementedError:
            log.info("Engine %s cannot write notes", engine(sheet.book))
            return written
        written += 1
    return written


def sheet_named(book: xw.Book, name: str) -> xw.Sheet | None:
    """The sheet called ``name`` (case-insensitive), or None."""
    for sheet in book.sheets:
        if sheet.name.casefold() == name.casefold():
            return sheet
    return None


def fresh_sheet(book: xw.Book, name: str, title: str) -> xw.Sheet:
    """An empty sheet for this add-in's output: the sheet ``name`` cleared when an earlier click
    wrote it (its A1 starts with ``title``), else a new one after the last. A sheet of the same
    name the user made (a plan's own "Hướng dẫn") is never cleared: the new one is called
    ``"<name> (TĐKT)"``.
    """
    for candidate in own_sheet_names(name):
        sheet = sheet_named(book, candidate)
        if sheet is None:
            return book.sheets.add(candidate, after=book.sheets[len(book.sheets) - 1])
        first = sheet.range("A1").value
        if isinstance(first, str) and fold(first).startswith(fold(title)):
            sheet.clear()
            return sheet
    raise UserSheetsInTheWay(name)


def column_widths(sheet: xw.Sheet, widths: Sequence[float], first_column: int = 1) -> None:
    """One call per column."""
    for offset, width in enumerate(widths):
        sheet.range((1, first_column + offset)).column_width = width


# --- the user interface: screen updating, status bar, message box, folder dialog ---------


class Ui:
    """What a handler shows: screen updating off while it works, progress, the final message.

    >>> Ui.__name__
    'Ui'
    """

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        self.app = book.app
        self.remote = is_remote(book)
        self._status_bar = not self.remote

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Screen updating off during the block, restored (and the status bar given back to
        Excel) after it, even when the block raises."""
        before: bool = True
        with contextlib.suppress(Exception):
            before = bool(self.app.screen_updating)
        self.app.screen_updating = False
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                self.app.screen_updating = before
            self.progress(None)

    def progress(self, text: str | None) -> None:
        """Show ``text`` in the status bar (None gives it back to Excel); nothing where the engine
        has no status bar."""
        if not self._status_bar:
            return
        try:
            self.app.status_bar = text if text is not None else False
        except Exception:
            self._status_bar = False

    def alert(self, text: str, title: str, *, critical: bool = False) -> None:
        self.app.alert(text, title=title, mode="critical" if critical else "info")

    def pick_folder(self, title: str, start: Path | None) -> Path | None:
        """A folder from Excel's folder dialog (``Application.FileDialog(msoFileDialogFolderPicker)``).

        None where there is no such dialog (remote engine, macOS); raises :class:`Cancelled`
        when the user closes it without choosing.
        """
        if self.remote:
            return None
        try:
            dialog = self.app.api.FileDialog(4)
            dialog.Title = title
            dialog.AllowMultiSelect = False
            if start is not None:
                dialog.InitialFileName = str(start) + os.sep
        except Exception:
            log.info("No folder dialog on this engine", exc_info=True)
            return None
        with self.screen():
            chosen = dialog.Show()
        if chosen != -1:
            raise Cancelled
        return Path(str(dialog.SelectedItems(1)))

    @contextlib.contextmanager
    def screen(self) -> Iterator[None]:
        """Screen updating on for the block (a dialog shown while it is off may not repaint)."""
        with contextlib.suppress(Exception):
            self.app.screen_updating = True
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                self.app.screen_updating = False


class Cancelled(TdktError):
    """The user closed a dialog without choosing."""


def book_folder(book: xw.Book) -> Path | None:
    """The folder of a saved, local workbook; None for a new, unsaved or online (OneDrive URL) one."""
    try:
        name = str(book.fullname)
    except Exception:
        return None
    if "://" in name:
        return None
    path = Path(name)
    return path.parent if path.is_absolute() else None
