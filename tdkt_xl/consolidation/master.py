"""Write the master tổng hợp workbook: submissions, progress, totals, problems.

Every row is written as XML text with the style ids of the workbook's styles. openpyxl
makes the rest (the *skeleton*: styles, sheets with their column widths, frozen panes,
filters, print setup, the chart, and no rows), which the rows are then put into: ten
thousand units make close to a million cells, which openpyxl's cell objects write in
seconds per hundred thousand. The skeleton depends only on the sheets' layout
(:class:`SheetLayout`: titles, widths, row counts), so the nightly merge keeps it
between runs (:class:`SkeletonStore`) and then writes the master without openpyxl.
Text from unit files is always written as text (an inline string): never a formula,
never an error value.
"""

from __future__ import annotations

import array
import errno
import hashlib
import io
import itertools
import json
import math
import os
import pickle
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from tdkt_xl.atomic import atomic_path, backup_path
from tdkt_xl.consolidation.aggregate import STATE_LABELS, Consolidation
from tdkt_xl.consolidation.zip_writer import ZipWriter, deflate_piece, raw_compressor
from tdkt_xl.errors import column_letter
from tdkt_xl.intake.safety.xlsx_parts import sheet_parts
from tdkt_xl.plans.models import CommendationForm, Task
from tdkt_xl.plans.status import STATUS_COLORS, Status

SUBMISSIONS_SHEET = "Tình hình nộp báo cáo"
PROGRESS_SHEET = "Tiến độ nhiệm vụ"
PROGRESS_DETAIL_SHEET = "Chi tiết tiến độ"
TOTALS_SHEET = "Số liệu tổng hợp"
TOTALS_DETAIL_SHEET = "Số liệu chi tiết"
PROBLEMS_SHEET = "Lỗi"
HEADER_ROW = 3
PAGE_WIDTH = 300
SKELETON_FORMAT = 1  # raise when what build_skeleton makes of the same layouts changes
PIECE_ROWS = 16  # rows of a long sheet deflated together (:class:`PieceStore`)

_STATE_COLORS = {"missing": "FFC7CE", "late": "FFEB9C", "on_time": "C6EFCE", "submitted": "DDEBF7"}
_BORDER = "808080"
# What each named cell style is, as plain data (openpyxl objects are made from it for the skeleton)
STYLES: dict[str, dict[str, Any]] = {
    "title": {"font": {"bold": True, "size": 12}},
    "header": {"font": {"bold": True}, "fill": "D9E1F2", "border": True,
               "alignment": {"horizontal": "center", "vertical": "center", "wrap_text": True}},
    "cell": {"border": True, "alignment": {"vertical": "top", "wrap_text": True}},
    "date": {"border": True, "alignment": {"vertical": "top"}, "number_format": "dd/mm/yyyy"},
    "bold": {"font": {"bold": True}, "border": True},
    "level": {"font": {"bold": True}, "fill": "F2F2F2", "border": True},
    **{state: {"fill": color, "border": True} for state, color in _STATE_COLORS.items()},
    **{status.value: {"fill": fill, "font": {"color": font}, "border": True}
       for status, (fill, font) in STATUS_COLORS.items()},
}


class Formula(str):
    """A formula for a raw row (without the leading "=")."""


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                              **{chr(c): None for c in range(32) if chr(c) not in "\t\n\r"},
                              "\ufffe": None, "\uffff": None})
_XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what the table changes
_EPOCH = date(1899, 12, 30)


def xml_text(value: str) -> str:
    """Text as XML character data: &, <, > escaped, characters XML cannot hold dropped.

    >>> xml_text("a<b\\x01 & c")
    'a&lt;b &amp; c'
    """
    # (str.translate looks up every character of a Vietnamese text: ten times slower than a search)
    return value if _XML_SPECIAL.search(value) is None else value.translate(_XML_ESCAPES)


class CellWriter:
    """Cells of a row as XML (the inside of a ``<row>``), with the style ids of a workbook.

    >>> CellWriter({"cell": "3", "late": "5", "date": "4"}).cells(["a<b", 3, None], {2: "late"})
    b'<c s="3" t="inlineStr"><is><t>a&lt;b</t></is></c><c s="3"><v>3</v></c><c s="5"/>'
    """

    def __init__(self, style_ids: dict[str, str]) -> None:
        self.ids = style_ids
        self.escaped: dict[str, str] = {}

    def cells(self, values: Sequence[Any], special: dict[int, str] | None = None) -> bytes:
        # Cells carry no "r": a cell without one is the next column (ECMA-376 18.3.1.4; Excel,
        # LibreOffice, openpyxl and calamine read it so), which makes the XML about 40% smaller.
        # Numbers carry no t="n", the default type.
        ids = self.ids
        plain, escaped = ids["cell"], self.escaped
        number = f'<c s="{plain}"><v>'
        cells: list[str] = []
        index, count = 0, len(values)
        while index < count:
            value = values[index]
            kind = type(value)
            if (kind is int or kind is float) and not (special and index in special):
                end = index + 1  # a run of plain numbers (a unit's counts): one join
                while end < count and type(values[end]) in (int, float) and not (special and end in special):
                    end += 1
                cells.append(number + f"</v></c>{number}".join(map(str, values[index:end])) + "</v></c>")
                index = end
                continue
            style = ids[special[index]] if special and index in special else plain
            if value is None:
                cells.append(f'<c s="{style}"/>')
            elif kind is int or kind is float:
                cells.append(f'<c s="{style}"><v>{value}</v></c>')
            elif isinstance(value, Formula):
                cells.append(f'<c s="{style}"><f>{xml_text(value)}</f><v/></c>')
            elif isinstance(value, str):
                text = escaped.get(value)
                if text is None:
                    text = xml_text(value)
                    if len(escaped) < 4096:  # texts repeat (a task's content on each unit's row)
                        escaped[value] = text
                if not text:
                    cells.append(f'<c s="{style}"/>')
                else:
                    space = ' xml:space="preserve"' if text != text.strip() else ""
                    cells.append(f'<c s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif isinstance(value, bool):
                cells.append(f'<c s="{style}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                cells.append(f'<c s="{style}"><v>{value}</v></c>')
            elif isinstance(value, date):
                day = value.date() if isinstance(value, datetime) else value
                style = ids[special[index]] if special and index in special else ids["date"]
                cells.append(f'<c s="{style}"><v>{(day - _EPOCH).days}</v></c>')
            else:
                cells.append(f'<c s="{style}" t="inlineStr"><is><t>{xml_text(str(value))}</t></is></c>')
            index += 1
        return "".join(cells).encode("utf-8")


class SheetRows:
    """The rows of one sheet, as XML: its title line, its header row, then its data rows.

    >>> rows = SheetRows("T", CellWriter({"title": "1", "header": "2", "cell": "3", "date": "4"}))
    >>> rows.heading("Tiêu đề", ["A"]); rows.append(["x"]); print(b"".join(rows.chunks[-3:]).decode())
    <row r="4"><c s="3" t="inlineStr"><is><t>x</t></is></c></row>
    """

    def __init__(self, title: str, writer: CellWriter) -> None:
        self.title = title
        self.writer = writer
        self.row = 0
        self.chunks: list[bytes | Block] = []  # the XML, in pieces (a row's cells are not copied into it)

    def heading(self, text: str, headers: Sequence[object]) -> None:
        """Row 1 the sheet's title, row 2 empty, row 3 (:data:`HEADER_ROW`) the headers."""
        self.append([text], {0: "title"})
        self.row += 1
        self.append(headers, dict.fromkeys(range(len(headers)), "header"))

    def append(self, values: Sequence[Any], special: dict[int, str] | None = None) -> None:
        self.append_cells(self.writer.cells(values, special))

    def append_cells(self, *cells: bytes) -> None:
        """A row made of cells already written by :meth:`CellWriter.cells` (in pieces)."""
        self.row += 1
        self.chunks += (b'<row r="%d">' % self.row, *cells, b"</row>")

    def append_block(self, block: Block) -> None:
        """Rows already written (they must start at the next row)."""
        self.row += len(block.keys)
        self.chunks.append(block)


class RowFormat(NamedTuple):
    """How the rows of a long sheet are written around each item's cells: its row number (the
    first item's is ``first``), an STT cell before (``number``, with ``%d``), a cell after
    (``total``, with the row's number twice)."""

    first: int = HEADER_ROW + 1
    number: bytes | None = None
    total: bytes | None = None

    def head(self, index: int) -> bytes:
        row = b'<row r="%d">' % (self.first + index)
        return row + self.number % (index + 1) if self.number is not None else row

    def tail(self, index: int) -> bytes:
        if self.total is None:
            return b"</row>"
        row = self.first + index
        return self.total % (row, row) + b"</row>"


class Block:
    """The data rows of a long sheet, as XML in pieces of :data:`PIECE_ROWS` rows, with what each
    row is of (``keys``: its unit) and the sizes of each row's three parts: what goes before its
    own cells (row number, STT), its cells, and what goes after ("Tổng", the row's end); the parts
    around the cells depend on the row's place only (:class:`RowFormat`). Rows changed make new
    pieces of theirs only: the others are the same bytes (a master's long sheets are tens of
    megabytes, of which a night changes a little).

    >>> form = RowFormat(4, b"<n>%d</n>")
    >>> block = Block.build([("A", b"<a/>"), ("B", b"<b/>")], form)
    >>> block.data
    b'<row r="4"><n>1</n><a/></row><row r="5"><n>2</n><b/></row>'
    >>> patched = block.patched({0: b"<aa/>"})
    >>> patched.data == Block.build([("A", b"<aa/>"), ("B", b"<b/>")], form).data, patched.cells(1)
    (True, b'<b/>')
    """

    __slots__ = ("_ends", "changed", "keys", "pieces", "rows", "sizes")

    def __init__(self, pieces: list[bytes], keys: list[str], sizes: array.array[int], rows: int,
                 changed: set[int] | None = None) -> None:
        self.pieces, self.keys, self.sizes = pieces, keys, sizes
        self.rows = rows  # rows per piece
        self._ends: dict[int, list[int]] = {}  # piece -> where each of its rows' parts ends in it
        # the pieces whose rows changed since :meth:`settle` (None: every one)
        self.changed = changed

    @classmethod
    def build(cls, items: Iterable[tuple[str, bytes]], form: RowFormat) -> Block:
        pieces: list[bytes] = []
        parts: list[bytes] = []
        keys: list[str] = []
        sizes = array.array("q")
        rows = PIECE_ROWS
        for index, (key, cells) in enumerate(items):
            head, tail = form.head(index), form.tail(index)
            parts += (head, cells, tail)
            keys.append(key)
            sizes += array.array("q", (len(head), len(cells), len(tail)))
            if len(parts) == 3 * rows:
                pieces.append(b"".join(parts))
                parts.clear()
        if parts:
            pieces.append(b"".join(parts))
        return cls(pieces, keys, sizes, rows)

    @property
    def data(self) -> bytes:
        """All the rows."""
        return b"".join(self.pieces)

    def _piece_ends(self, piece: int) -> list[int]:
        ends = self._ends.get(piece)
        if ends is None:
            first = 3 * piece * self.rows
            ends = self._ends[piece] = list(itertools.accumulate(self.sizes[first:first + 3 * self.rows]))
        return ends

    def cells(self, index: int) -> bytes:
        piece, row = divmod(index, self.rows)
        ends = self._piece_ends(piece)
        return self.pieces[piece][ends[3 * row]:ends[3 * row + 1]]

    def settle(self) -> None:
        """From now on, :attr:`changed` counts the pieces changed from these rows."""
        self.changed = set()

    def patched(self, new: dict[int, bytes]) -> Block:
        """The same rows with the cells of some replaced (by index)."""
        if not new:
            return self
        sizes, pieces = array.array("q", self.sizes), list(self.pieces)
        by_piece: dict[int, list[int]] = {}
        for index in sorted(new):
            by_piece.setdefault(index // self.rows, []).append(index)
        for piece, indexes in by_piece.items():
            ends, data = self._piece_ends(piece), memoryview(self.pieces[piece])
            parts: list[bytes | memoryview] = []
            previous = 0
            for index in indexes:
                row, cells = index % self.rows, new[index]
                parts += (data[previous:ends[3 * row]], cells)
                previous = ends[3 * row + 1]
                sizes[3 * index + 1] = len(cells)
            parts.append(data[previous:])
            pieces[piece] = b"".join(parts)
        changed = None if self.changed is None else self.changed | by_piece.keys()
        return Block(pieces, self.keys, sizes, self.rows, changed)

    def __getstate__(self) -> tuple[list[bytes], list[str], bytes, int]:
        return self.pieces, self.keys, self.sizes.tobytes(), self.rows

    def __setstate__(self, state: tuple[list[bytes], list[str], bytes, int]) -> None:
        self.pieces, self.keys, self.rows = state[0], state[1], state[3]
        self.sizes = array.array("q")
        self.sizes.frombytes(state[2])
        self._ends = {}
        self.changed = None


def row_formats(ids: dict[str, str], forms: int) -> dict[str, RowFormat]:
    """How each long sheet's rows are written: "S" the submissions (STT), "D" the units' rows on
    each task, "U" the units' counts ("Tổng" after them), "P" the "Lỗi" rows (STT)."""
    plain = ids["cell"]
    number = f'<c s="{plain}"><v>%d</v></c>'.encode("ascii")
    total = f'<c s="{plain}"><f>SUM({column_letter(3)}%d:{column_letter(2 + forms)}%d)</f><v/></c>'
    return {"S": RowFormat(number=number), "D": RowFormat(), "U": RowFormat(total=total.encode("ascii")),
            "P": RowFormat(number=number)}


@dataclass(frozen=True)
class SheetLayout:
    """What the skeleton of one sheet depends on."""

    title: str
    widths: tuple[float, ...]
    data_rows: int  # rows under the header (the filter covers them)
    chart_row: int = 0  # the row whose year columns the chart plots (0: no chart)
    chart_columns: int = 0


@dataclass
class Skeleton:
    """The master without its rows: the parts openpyxl saved, which part is each sheet, and the
    ids of :data:`STYLES` in its styles part."""

    key: str
    parts: list[tuple[str, tuple[int, int, int, int, int, int], bytes]]
    sheet_parts: dict[str, str]
    style_ids: dict[str, str]


def skeleton_key(layouts: Sequence[SheetLayout]) -> str:
    """What identifies a skeleton: the layouts, the styles and the code that makes it. (A skeleton
    kept from an older openpyxl is still a good workbook, with its own style ids.)"""
    text = json.dumps([SKELETON_FORMAT, STYLES, [asdict(layout) for layout in layouts]], ensure_ascii=False,
                      sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_skeleton(layouts: Sequence[SheetLayout], key: str | None = None) -> Skeleton:
    """The skeleton of a master with these sheets, made by openpyxl (write-only: fast)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils.cell import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook(write_only=True)
    side = Side(style="thin", color=_BORDER)
    border = Border(left=side, right=side, top=side, bottom=side)
    style_ids: dict[str, str] = {}
    sheets: list[Any] = []
    for layout in layouts:
        ws: Any = workbook.create_sheet(layout.title)
        sheets.append(ws)
        for column, width in enumerate(layout.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        if layout.data_rows:
            ws.auto_filter.ref = (f"A{HEADER_ROW}:{get_column_letter(len(layout.widths))}"
                                  f"{HEADER_ROW + layout.data_rows}")
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        # a landscape A4 page holds about PAGE_WIDTH character widths still readable; a wider sheet
        # (one column per form) is printed across pages, its first two columns repeated on each
        pages = max(1, math.ceil(sum(layout.widths) / PAGE_WIDTH))
        ws.page_setup.fitToWidth = pages
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        if pages > 1:
            ws.print_title_cols = "A:B"
        if not style_ids:
            cell_styles: Any = workbook._cell_styles  # type: ignore[attr-defined]
            for name, spec in STYLES.items():
                cell: Any = WriteOnlyCell(ws)
                if "font" in spec:
                    cell.font = Font(**spec["font"])
                if "fill" in spec:
                    cell.fill = PatternFill("solid", fgColor=spec["fill"])
                if spec.get("border"):
                    cell.border = border
                if "alignment" in spec:
                    cell.alignment = Alignment(**spec["alignment"])
                if "number_format" in spec:
                    cell.number_format = spec["number_format"]
                # the id openpyxl's own cells would get (StyleableObject.style_id)
                style_ids[name] = str(cell_styles.add(cell._style))
        if layout.chart_row:
            chart = BarChart()
            chart.title = "Tổng số khen thưởng theo năm"
            chart.y_axis.title = "Số lượt"
            chart.x_axis.title = "Năm"
            last = 1 + layout.chart_columns
            chart.add_data(Reference(ws, min_col=2, max_col=last, min_row=layout.chart_row,
                                     max_row=layout.chart_row), from_rows=True, titles_from_data=False)
            chart.set_categories(Reference(ws, min_col=2, max_col=last, min_row=HEADER_ROW,
                                           max_row=HEADER_ROW))
            chart.legend = None
            chart.y_axis.scaling.min = 0
            chart.x_axis.delete = False  # otherwise recent Excel hides the axes' labels
            chart.y_axis.delete = False
            chart.width, chart.height = 22, 9
            ws.add_chart(chart, f"A{layout.chart_row + 3}")
    workbook.properties.title = "Tổng hợp báo cáo thi đua, khen thưởng"
    workbook.properties.creator = "tdkt_xl"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = [(info.filename, info.date_time, archive.read(info.filename)) for info in archive.infolist()]
        by_title = {name: part for part, name in sheet_parts(archive).items()}
    return Skeleton(key or skeleton_key(layouts), parts, by_title, style_ids)


class SkeletonStore:
    """The last skeleton made, kept in a file (the nightly merge's state folder) for the next run.

    A file that cannot be read, or a skeleton of other layouts, is made again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, layouts: Sequence[SheetLayout]) -> Skeleton:
        key = skeleton_key(layouts)
        try:
            with open(self.path, "rb") as handle:
                kept = pickle.load(handle)
            if isinstance(kept, Skeleton) and kept.key == key:
                return kept
        except Exception:  # missing, damaged, written by other code: made again
            pass
        skeleton = build_skeleton(layouts, key)
        try:
            with atomic_path(self.path) as temp:
                temp.write_bytes(pickle.dumps(skeleton, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # made again next time
        return skeleton


class PieceStore:
    """The long sheets' rows deflated in pieces (:attr:`Block.pieces`) by one nightly run, kept in a
    file for the next: a piece whose rows did not change since (:attr:`Block.changed`) is not
    deflated again. What is kept is used only by a run whose rows were settled at the state it was
    made of (``tag``: the rebuild's cache, see :meth:`~tdkt_xl.nightly.rebuild.Rebuilt.tag`).
    """

    def __init__(self, path: Path, tag: object) -> None:
        self.path, self.tag = path, tag
        self.kept: dict[str, list[bytes]] = {}
        self.made: dict[str, list[bytes]] = {}
        self.fresh = 0  # pieces deflated by this run
        if tag is None:
            return
        try:
            with open(path, "rb") as handle:
                if pickle.load(handle) == tag:
                    self.kept = pickle.load(handle)
        except Exception:  # missing, damaged, or written by other code: every piece deflated again
            self.kept = {}

    def deflated(self, title: str, block: Block) -> Iterator[tuple[bytes, bytes]]:
        """Each piece of ``block`` (the rows of sheet ``title``) with its raw deflate."""
        kept, changed = self.kept.get(title), block.changed
        if kept is not None and (changed is None or len(kept) != len(block.pieces)):
            kept = None
        made: list[bytes] = []
        for number, piece in enumerate(block.pieces):
            if kept is not None and changed is not None and number not in changed:
                deflated = kept[number]
            else:
                deflated = deflate_piece(piece)
                self.fresh += 1
            made.append(deflated)
            yield piece, deflated
        self.made[title] = made

    def keep(self, tag: object) -> None:
        """Keep the pieces of this run's master, the state its rows are at being ``tag``."""
        if tag == self.tag and not self.fresh and self.made.keys() == self.kept.keys():
            return
        try:
            with atomic_path(self.path) as temp, open(temp, "wb") as handle:
                pickle.dump(tag, handle, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(self.made, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # deflated again next time


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")
_SHEET_DATA = b"<sheetData></sheetData>"


def save_master(skeleton: Skeleton, sheets: Sequence[SheetRows], path: Path,
                pieces: PieceStore | None = None) -> None:
    """The skeleton with each sheet's rows put in, written to ``path`` (not atomically: see
    :func:`write_master`). ``pieces``: the long sheets' rows deflated by the last run."""
    rows = {sheet.title: sheet for sheet in sheets}
    missing = set(rows) - set(skeleton.sheet_parts)
    if missing:
        raise ValueError(f"sheets not in the skeleton: {sorted(missing)}")
    by_part = {skeleton.sheet_parts[title]: sheet for title, sheet in rows.items()}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    with open(path, "wb") as handle, ZipWriter(handle) as out:
        for name, date_time, data in skeleton.parts:
            sheet = by_part.get(name)
            if sheet is None:
                if name == "docProps/core.xml":  # when this master was made, not its skeleton
                    for stamp in (_CREATED, _MODIFIED):
                        data = stamp.sub(rb"\g<1>" + now + rb"\g<2>", data)
                out.add_bytes(name, date_time, data)
                continue
            head, marker, tail = data.partition(_SHEET_DATA)
            if not marker:
                raise ValueError(f"{name}: no empty <sheetData>")
            deflated, size, crc = _deflated_sheet(sheet, head + b"<sheetData>", b"</sheetData>" + tail,
                                                  pieces)
            out.add(name, date_time, deflated, size=size, crc=crc)


def _deflated_sheet(sheet: SheetRows, head: bytes, tail: bytes, pieces: PieceStore | None
                    ) -> tuple[list[bytes], int, int]:
    """A sheet's XML as raw deflate (in pieces), with its size and CRC."""
    out: list[bytes] = []
    size = crc = 0
    loose = raw_compressor()  # all but the blocks' pieces
    pending: list[bytes] = [head]

    def add(data: bytes | memoryview, deflated: bytes | None = None) -> None:
        nonlocal size, crc
        size, crc = size + len(data), zlib.crc32(data, crc)
        out.append(loose.compress(data) if deflated is None else deflated)

    for chunk in sheet.chunks:
        if not isinstance(chunk, Block):
            pending.append(chunk)
            continue
        add(b"".join(pending))
        pending.clear()
        if pieces is None:
            for piece in chunk.pieces:
                add(piece)
            continue
        out.append(loose.flush(zlib.Z_FULL_FLUSH))  # (what follows refers to nothing before it)
        for piece, deflated in pieces.deflated(sheet.title, chunk):
            add(piece, deflated)
    pending.append(tail)
    add(b"".join(pending))
    out.append(loose.flush())
    return out, size, crc


def _vn(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# --- what each sheet shows ---------------------------------------------------------------

SUBMISSIONS_HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Email", "Tình trạng", "Ngày lập", "Tệp", "Số lỗi"]
SUBMISSIONS_WIDTHS = (6, 14, 42, 28, 16, 12, 40, 8)
PROGRESS_HEADERS = ["Mã nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn", "Số đơn vị",
                    "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Chưa báo cáo", "Trạng thái"]
PROGRESS_WIDTHS = (12, 60, 28, 28, 12, 9, 11, 11, 11, 11, 18)
DETAIL_HEADERS = ["Mã nhiệm vụ", "Nội dung", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tình trạng",
                  "Ngày hoàn thành", "Kết quả", "Khó khăn, vướng mắc", "Ghi chú", "Tệp"]
DETAIL_WIDTHS = (12, 50, 12, 30, 10, 16, 12, 40, 40, 24, 30)
PROBLEMS_HEADERS = ["STT", "Tệp", "Sheet", "Ô", "Mức độ", "Mã", "Nội dung"]
PROBLEMS_WIDTHS = (6, 36, 14, 8, 12, 18, 80)


class SubmissionRow(NamedTuple):
    """A unit of the plan on the submissions sheet (``file`` "" and ``problems`` None: missing)."""

    code: str
    name: str
    email: str
    state: str
    submitted_on: date | None
    file: str
    problems: int | None


class TaskRow(NamedTuple):
    """A task across its units (``entries``: unit -> anything with status, completed_on, result,
    difficulties and note; units without an entry have not reported it)."""

    task: Task
    units: list[str]
    done: int
    ongoing: int
    not_started: int
    nothing: int
    status: Status
    entries: Mapping[str, Any]


# The values of each kind of row of the long sheets (after the STT), and the styles of their
# special cells: both the consolidation's master and the nightly's (which keeps the cells of its
# units' rows between runs) write them with these.

def submission_values(row: SubmissionRow) -> tuple[list[Any], dict[int, str]]:
    label = STATE_LABELS[row.state]
    return [row.code, row.name, row.email, label, row.submitted_on, row.file, row.problems], {3: row.state}


def detail_values(task: Task, code: str, name: str, lead: bool, entry: Any, file: str) -> list[Any]:
    """One unit's row on one task in "Chi tiết tiến độ" (``entry`` None: it has not reported)."""
    role = "Chủ trì" if lead else "Phối hợp"
    if entry is None:
        return [task.code, task.content, code, name, role, "Chưa báo cáo", None, "", "", "", ""]
    return [task.code, task.content, code, name, role, entry.status or "", entry.completed_on, entry.result,
            entry.difficulties, entry.note, file]


def outcome_values(file: str, outcome: str, code: str, reason: str) -> list[Any]:
    """A rejected or superseded file in "Lỗi"."""
    return [file, "", "", "Bị loại" if outcome == "rejected" else "Bị thay thế", code or outcome, reason]


def problem_values(file: str, sheet: str, cell: str, severity: str, code: str, message: str) -> list[Any]:
    """A cell problem in "Lỗi"."""
    return [file, sheet, cell, "Lỗi" if severity == "error" else "Cảnh báo", code, message]


def totals_levels(forms: Iterable[CommendationForm]) -> list[str]:
    """The levels of the forms, each once, in order (a heading row each in the totals sheet)."""
    levels: list[str] = []
    for form in forms:
        if not levels or levels[-1] != form.level:
            levels.append(form.level)
    return levels


def sheet_layouts(units: int, tasks: Sequence[TaskRow], forms: Sequence[CommendationForm], years: int,
                  reports: int, problem_rows: int) -> list[SheetLayout]:
    """The layouts of a master's six sheets, from how many rows each has."""
    sum_row = HEADER_ROW + len(forms) + len(totals_levels(forms)) + 1
    return [
        SheetLayout(SUBMISSIONS_SHEET, SUBMISSIONS_WIDTHS, units),
        SheetLayout(PROGRESS_SHEET, PROGRESS_WIDTHS, len(tasks)),
        SheetLayout(PROGRESS_DETAIL_SHEET, DETAIL_WIDTHS, sum(len(item.units) for item in tasks)),
        SheetLayout(TOTALS_SHEET, (52, *[8] * years, 10), sum_row - HEADER_ROW - 1, sum_row, years),
        SheetLayout(TOTALS_DETAIL_SHEET, (12, 30, *[14] * len(forms), 10), reports),
        SheetLayout(PROBLEMS_SHEET, PROBLEMS_WIDTHS, problem_rows),
    ]


def style_ids() -> dict[str, str]:
    """The id of each of :data:`STYLES` in every master's styles part (made by openpyxl)."""
    return build_skeleton([SheetLayout(SUBMISSIONS_SHEET, SUBMISSIONS_WIDTHS, 0)]).style_ids


@dataclass
class MasterData:
    """What the master shows, in the order it shows it."""

    as_of: date
    deadline: date | None
    submissions: list[SubmissionRow]
    tasks: list[TaskRow]
    files: dict[str, str]  # unit -> the file its report came from
    forms: list[CommendationForm]
    years: list[int]
    totals: dict[str, dict[int, int]]
    by_unit: list[tuple[str, str, list[int]]]  # (unit, name, count of each form), by unit code
    outcomes: list[tuple[str, str, str, str]]  # (file, outcome, code, reason): rejected, superseded
    problems: list[tuple[str, str, str, str, str, str]]  # (file, sheet, cell, severity, code, message)
    rejected: int

    def layouts(self) -> list[SheetLayout]:
        """The sheets of this master, as its skeleton depends on them."""
        return sheet_layouts(len(self.submissions), self.tasks, self.forms, len(self.years),
                             len(self.by_unit), len(self.outcomes) + len(self.problems))


def master_data(result: Consolidation) -> MasterData:
    """What ``result``'s master shows."""
    forms = [f.name for f in result.forms]
    return MasterData(
        as_of=result.as_of, deadline=result.report_deadline,
        submissions=[SubmissionRow(s.unit.code, s.unit.name, s.unit.email, s.state,
                                   s.report.submitted_on if s.report else None,
                                   s.report.file if s.report else "",
                                   len(s.report.problems) if s.report else None) for s in result.submissions],
        tasks=[TaskRow(t.task, t.units, t.done, t.ongoing, t.not_started, t.nothing, t.status, t.entries)
               for t in result.tasks],
        files={r.unit_code: r.file for r in result.reports},
        forms=list(result.forms), years=list(result.years), totals=result.totals,
        by_unit=[(r.unit_code, r.unit_name, r.form_total_list(forms))
                 for r in sorted(result.reports, key=lambda r: r.unit_code)],
        outcomes=[(f.file, f.outcome, f.code, f.reason) for f in result.files
                  if f.outcome in ("rejected", "superseded")],
        problems=[(p.file or "", p.sheet or "", p.cell or "", p.severity, p.code, p.message)
                  for p in result.problems],
        rejected=len(result.rejected),
    )


def master_rows(data: MasterData, writer: CellWriter) -> list[SheetRows]:
    """Every sheet of the master, as rows."""
    forms = row_formats(writer.ids, len(data.forms))
    names = {s.code: s.name for s in data.submissions}
    detail: list[tuple[str, bytes]] = []
    for item in data.tasks:
        leads = {u.code for u in item.task.lead}
        for code in item.units:
            values = detail_values(item.task, code, names.get(code, code), code in leads,
                                   item.entries.get(code), data.files.get(code, ""))
            detail.append((code, writer.cells(values)))
    problems = [("", writer.cells(outcome_values(*outcome))) for outcome in data.outcomes]
    problems += [("", writer.cells(problem_values(*problem))) for problem in data.problems]
    return assemble(
        writer, as_of=data.as_of, deadline=data.deadline,
        states=[row.state for row in data.submissions],
        submissions=Block.build(((row.code, writer.cells(*submission_values(row)))
                                 for row in data.submissions), forms["S"]),
        tasks=data.tasks, detail=Block.build(detail, forms["D"]), forms=data.forms, years=data.years,
        totals=data.totals,
        by_unit=Block.build(((code, writer.cells([code, name, *counts]))
                             for code, name, counts in data.by_unit), forms["U"]),
        problems=Block.build(problems, forms["P"]), rejected=data.rejected, cell_problems=len(data.problems))


def assemble(writer: CellWriter, *, as_of: date, deadline: date | None, states: Sequence[str],
             submissions: Block, tasks: Sequence[TaskRow], detail: Block,
             forms: Sequence[CommendationForm], years: Sequence[int], totals: dict[str, dict[int, int]],
             by_unit: Block, problems: Block, rejected: int, cell_problems: int) -> list[SheetRows]:
    """The master's sheets, from the rows of its long sheets (:class:`Block`, rows made with
    :func:`row_formats`: the submissions, the units' rows on each task, the units' counts and the
    "Lỗi" rows) and the rest."""
    sheet = SheetRows(SUBMISSIONS_SHEET, writer)
    missing, late, expected = states.count("missing"), states.count("late"), len(states)
    said = f"; hạn nộp {_vn(deadline)}" if deadline else ""
    sheet.heading(f"TÌNH HÌNH NỘP BÁO CÁO (đến ngày {_vn(as_of)}{said}): {expected - missing}/{expected} "
                  f"đơn vị đã nộp, {missing} chưa nộp, {late} nộp muộn", SUBMISSIONS_HEADERS)
    sheet.append_block(submissions)
    sheets = [sheet]

    sheet = SheetRows(PROGRESS_SHEET, writer)
    sheet.heading(f"TIẾN ĐỘ NHIỆM VỤ (đến ngày {_vn(as_of)})", PROGRESS_HEADERS)
    for item in tasks:
        task = item.task
        sheet.append([task.code, task.content, "; ".join(u.label for u in task.lead),
                      "; ".join(u.label for u in task.partners), task.deadline.due or task.deadline_text,
                      len(item.units), item.done, item.ongoing, item.not_started, item.nothing,
                      item.status.value], {10: item.status.value})
    sheets.append(sheet)

    sheet = SheetRows(PROGRESS_DETAIL_SHEET, writer)
    sheet.heading("CHI TIẾT TIẾN ĐỘ THEO ĐƠN VỊ", DETAIL_HEADERS)
    sheet.append_block(detail)
    sheets.append(sheet)

    sheet = SheetRows(TOTALS_SHEET, writer)
    sheet.heading(f"SỐ LIỆU KHEN THƯỞNG TỔNG HỢP {years[0]}–{years[-1]} ({len(by_unit.keys)} đơn vị đã nộp)",
                  ["Hình thức khen thưởng", *years, "Tổng"])
    first, last = column_letter(2), column_letter(1 + len(years))
    level = None
    for form in forms:
        if form.level != level:
            level = form.level
            sheet.append([level, *[None] * (len(years) + 1)], dict.fromkeys(range(len(years) + 2), "level"))
        row = sheet.row + 1
        sheet.append([form.name, *[totals[form.name][y] for y in years],
                      Formula(f"SUM({first}{row}:{last}{row})")])
    bottom = sheet.row
    sheet.append(["Cộng", *[Formula(f"SUM({column_letter(c)}{HEADER_ROW + 1}:{column_letter(c)}{bottom})")
                            for c in range(2, len(years) + 3)]],
                 dict.fromkeys(range(len(years) + 2), "bold"))
    sheets.append(sheet)

    sheet = SheetRows(TOTALS_DETAIL_SHEET, writer)
    sheet.heading(f"SỐ LIỆU KHEN THƯỞNG THEO ĐƠN VỊ (cộng {years[0]}–{years[-1]}; "
                  "số từng năm xem trong tệp của đơn vị)",
                  ["Mã đơn vị", "Tên đơn vị", *[f.name for f in forms], "Tổng"])
    sheet.append_block(by_unit)
    sheets.append(sheet)

    sheet = SheetRows(PROBLEMS_SHEET, writer)
    sheet.heading(f"LỖI TRONG CÁC TỆP BÁO CÁO: {rejected} tệp bị loại, {cell_problems} lỗi/cảnh báo trong ô",
                  PROBLEMS_HEADERS)
    sheet.append_block(problems)
    sheets.append(sheet)
    return sheets


def write_master(result: Consolidation | MasterData, target: Path,
                 before_replace: Callable[[], None] | None = None) -> Path:
    """Write the master atomically; an existing master is first kept as ``<name>.bak.xlsx``.

    ``before_replace`` runs after the new master is complete in its temporary file.
    """
    data = result if isinstance(result, MasterData) else master_data(result)
    skeleton = build_skeleton(data.layouts())
    return write_rows(master_rows(data, CellWriter(skeleton.style_ids)), skeleton, target, before_replace)


def write_rows(sheets: Sequence[SheetRows], skeleton: Skeleton, target: Path,
               before_replace: Callable[[], None] | None = None, *, pieces: PieceStore | None = None) -> Path:
    """Write a master made of ``sheets`` into ``skeleton``, atomically (see :func:`write_master`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if target.exists():
        shutil.copy2(target, backup_path(target))
    with atomic_path(target) as temp:
        save_master(skeleton, sheets, temp, pieces)
        if before_replace is not None:
            before_replace()
    return target
