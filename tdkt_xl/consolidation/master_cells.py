"""The master's rows as XML: each row's cells written as XML text with the style ids of the
master's styles part (:class:`CellWriter`), the rows of one sheet (:class:`SheetRows`), and the data
rows of a long sheet in pieces deflated apart (:class:`Block`, written as :class:`RowFormat` says).

Ten thousand units make close to a million cells, which openpyxl's cell objects write in seconds
per hundred thousand: these write them as text instead, to be put into the master's skeleton
(:mod:`tdkt_xl.consolidation.master_package`). Text from unit files is always written as text (an
inline string): never a formula, never an error value.
"""

from __future__ import annotations

import array
import itertools
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from tdkt_xl.errors import InvalidValue, column_letter
from tdkt_xl.paper import Cell, first_page_columns, line_points, page_fit, row_points
from tdkt_xl.zip_writer import deflate_piece

HEADER_ROW = 3
# rows of a long sheet deflated together (:class:`Block`)
PIECE_ROWS = 16
# the column widths of the sheets with rows of their own (the rows' heights are fitted to them)
SUBMISSIONS_WIDTHS = (6, 14, 36, 24, 14, 12, 32, 8)
PROGRESS_WIDTHS = (11, 44, 20, 20, 11, 8, 8, 8, 8, 8, 18)
DETAIL_WIDTHS = (12, 44, 12, 28, 10, 16, 12, 34, 34, 24, 26)
PROBLEMS_WIDTHS = (6, 24, 12, 7, 10, 17, 22, 60)
TITLE_POINTS = 12.0  # the title line's font (the rest: Calibri 11)


def title_span(widths: Sequence[float]) -> int:
    """How many columns a sheet's title line is merged across: those its first page prints, so that
    it wraps there rather than run off the page."""
    return first_page_columns(widths, page_fit(widths, title_columns=2))


def totals_detail_widths(forms: int) -> tuple[float, ...]:
    """The widths of "Số liệu chi tiết": code, name, one column per form, total."""
    return (12, 30, *[14] * forms, 10)


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
        """The cells of ``values``, in the plain cell style but for ``special`` ones (index ->
        style name; a date's is the date style)."""
        # Cells carry no "r": a cell without one is the next column (ECMA-376 18.3.1.4; Excel,
        # LibreOffice, openpyxl and calamine read it so), which makes the XML about 40% smaller.
        # Numbers carry no t="n", the default type.
        ids = self.ids
        plain, escaped = ids["cell"], self.escaped
        number = f'<c s="{ids.get("count", plain)}"><v>'  # counts shown with thousands separators
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
            else:
                cells.append(self._other_cell(value, style, special is not None and index in special))
            index += 1
        return "".join(cells).encode("utf-8")

    def _other_cell(self, value: Any, style: str, styled: bool) -> str:
        """A cell of a value that is neither None, a plain number, a formula nor text: a boolean, a
        number of another type, a date (in the date style unless ``styled``: its style is special),
        anything else as its text."""
        if isinstance(value, bool):
            return f'<c s="{style}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c s="{style}"><v>{value}</v></c>'
        if isinstance(value, date):
            day = value.date() if isinstance(value, datetime) else value
            style = style if styled else self.ids["date"]
            return f'<c s="{style}"><v>{(day - _EPOCH).days}</v></c>'
        return f'<c s="{style}" t="inlineStr"><is><t>{xml_text(str(value))}</t></is></c>'


_CELL = re.compile(rb"<c [^>]*?(?:/>|>(.*?)</c>)", re.DOTALL)
_TEXT = re.compile(rb"<is><t[^>]*>(.*?)</t></is>", re.DOTALL)


def cell_texts(cells: bytes) -> list[str]:
    """The text of each cell of a row written by :meth:`CellWriter.cells` ("" for a number, a date,
    a formula or an empty cell: none of them wraps).

    >>> cell_texts(CellWriter({"cell": "1", "date": "2"}).cells(["a & b", 3, None, "c"]))
    ['a & b', '', '', 'c']
    """
    texts: list[str] = []
    for match in _CELL.finditer(cells):
        inner = match.group(1)
        text = _TEXT.match(inner) if inner else None
        texts.append(text.group(1).decode("utf-8").replace("&lt;", "<").replace("&gt;", ">")
                     .replace("&amp;", "&") if text else "")
    return texts


_INLINE_TEXT = re.compile(rb"<t[^>]*>([^<]*)</t>")
# the heights of texts and cells already measured: texts repeat (a task's content on each of its
# units' rows), but ten thousand units' names, e-mails and files do not, and a cache as large as
# them held tens of megabytes of their copies (measuring anew is cheap: paper's words are cached)
_MEASURED = 4096


@lru_cache(maxsize=_MEASURED)
def _written_points(text: bytes, width: float) -> float:
    # (as written: "&amp;" measured as five characters, a little more room than it needs)
    return row_points([Cell(text.decode("utf-8"), width)])


def cells_height(cells: bytes, widths: tuple[float, ...]) -> float | None:
    """:func:`row_height` of a row written by :meth:`CellWriter.cells`, from its XML (fast: a long
    sheet's rows are made many thousands at a time).

    >>> cells_height(CellWriter({"cell": "1"}).cells(["a", "một nội dung khá dài " * 3, 1]), (5, 20, 5)) > 30
    True
    """
    height = 0.0
    if b"\n" in cells:  # (rare: every text looked at)
        for match in _INLINE_TEXT.finditer(cells):
            text = match.group(1)
            column = cells.count(b"<c ", 0, match.start()) - 1  # (cells carry no "r": counted)
            if column < len(widths) and (len(text) >= 0.4 * widths[column] or b"\n" in text):
                height = max(height, _written_points(text, widths[column]))
    else:
        # a cell's XML shorter than its column's limit holds no text long enough to wrap
        for cell, limit, width in zip(cells.split(b"<c ")[1:], _limits(widths), widths, strict=False):
            if len(cell) > limit:
                height = max(height, _cell_xml_points(cell, width))
    return height if height > line_points() else None


@lru_cache(maxsize=_MEASURED)
def _cell_xml_points(cell: bytes, width: float) -> float:
    """The height of one cell's XML (texts repeat: a task's content on each unit's row)."""
    match = _INLINE_TEXT.search(cell)
    if match is None or len(match.group(1)) < 0.4 * width:
        return 0.0
    return _written_points(match.group(1), width)


@lru_cache(maxsize=64)
def _limits(widths: tuple[float, ...]) -> list[float]:
    # (a text cell's XML but its text, `s="1" t="inlineStr"><is><t>` and `</t></is></c>`, is 40 bytes
    # or more; its text's bytes at least its characters)
    return [0.4 * width + 39 for width in widths]


@lru_cache(maxsize=_MEASURED)
def _cell_points(text: str, width: float, bold: bool) -> float:
    return row_points([Cell(text, width, bold=bold)])


def row_height(texts: Sequence[str], widths: Sequence[float], *, bold: bool = False) -> float | None:
    """The height (points) of a row of these texts in columns of these widths, or None when one
    line of the default font is enough (the row is written without one).

    >>> row_height(["a", "b"], [10, 10]) is None, row_height(["một nội dung khá dài " * 3], [20]) > 30
    (True, True)
    """
    height = 0.0
    for text, width in zip(texts, widths, strict=False):
        # a text of fewer characters than 0.4 of its column's width fits on one line, whatever they are
        if text and (len(text) >= 0.4 * width or "\n" in text):
            height = max(height, _cell_points(text, width, bold))
    return height if height > line_points() else None


def row_start(row: int, height: float | None) -> bytes:
    """A row's start tag, with its height when it has one (``customHeight``: Excel and LibreOffice
    otherwise give the row the default height).

    >>> row_start(4, 30.0)
    b'<row r="4" ht="30" customHeight="1">'
    """
    if height is None:
        return b'<row r="%d">' % row
    return b'<row r="%d" ht="%s" customHeight="1">' % (row, f"{height:g}".encode("ascii"))


class SheetRows:
    """The rows of one sheet, as XML: its title line, its header row, then its data rows.

    >>> rows = SheetRows("T", CellWriter({"title": "1", "header": "2", "cell": "3", "date": "4"}))
    >>> rows.heading("Tiêu đề", ["A"]); rows.append(["x"]); print(b"".join(rows.chunks[-3:]).decode())
    <row r="4"><c s="3" t="inlineStr"><is><t>x</t></is></c></row>
    """

    def __init__(self, title: str, writer: CellWriter, widths: Sequence[float] = ()) -> None:
        self.title = title
        self.writer = writer
        self.widths = tuple(widths)  # the columns' (each row's height is fitted to its text)
        self.row = 0
        # the XML, in pieces (a row's cells are not copied into it)
        self.chunks: list[bytes | Block | RowStream] = []

    def heading(self, text: str, headers: Sequence[object]) -> None:
        """Row 1 the sheet's title, row 2 empty, row 3 (:data:`HEADER_ROW`) the headers."""
        self.row += 1
        title = self.writer.cells([text], {0: "title"})
        width = sum(self.widths[:title_span(self.widths)]) if self.widths else 0
        height = row_points([Cell(text, width, TITLE_POINTS, bold=True)] if width else [],
                            least=line_points(TITLE_POINTS))
        self.chunks += (row_start(self.row, height), title, b"</row>")
        self.row += 1
        self.append(headers, dict.fromkeys(range(len(headers)), "header"), bold=True)

    def append(self, values: Sequence[Any], special: dict[int, str] | None = None, *,
               bold: bool = False) -> None:
        texts = [value if isinstance(value, str) else str(value) if isinstance(value, int) else ""
                 for value in values]
        height = row_height(texts, self.widths, bold=bold) if self.widths else None
        self.row += 1
        self.chunks += (row_start(self.row, height), self.writer.cells(values, special), b"</row>")

    def append_cells(self, *cells: bytes) -> None:
        """A row made of cells already written by :meth:`CellWriter.cells` (in pieces)."""
        self.row += 1
        self.chunks += (b'<row r="%d">' % self.row, *cells, b"</row>")

    def append_block(self, block: Block | RowStream) -> None:
        """Rows already written, or to be written as the sheet is (they must start at the next row)."""
        self.row += len(block.keys)
        self.chunks.append(block)


class RowFormat(NamedTuple):
    """How the rows of a long sheet are written around each item's cells: its row number (the
    first item's is ``first``), an STT cell before (``number``, with ``%d``), a cell after
    (``total``, with the row's number twice)."""

    first: int = HEADER_ROW + 1
    number: bytes | None = None
    total: bytes | None = None
    widths: tuple[float, ...] = ()  # of the columns of the item's cells (empty: no heights)

    def head(self, index: int, cells: bytes = b"") -> bytes:
        """What goes before the item's ``cells``: the row's start (with the height its cells' text
        needs in :attr:`widths`) and its STT."""
        height = cells_height(cells, self.widths) if self.widths and cells else None
        row = row_start(self.first + index, height)
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
    around the cells depend on the row's place only (:class:`RowFormat`).

    Each piece is kept deflated on its own (:func:`~tdkt_xl.zip_writer.deflate_piece`:
    it ends on a byte boundary and refers to nothing before it), with the CRC-32 and length of its
    rows: it goes into the master as it is (:attr:`packed`), and only a piece whose rows change is
    inflated and made again. A master's long sheets are tens of megabytes of XML, of which a night
    changes a little; deflated, they are a tenth of that, in memory and in the nightly's cache.

    >>> form = RowFormat(4, b"<n>%d</n>")
    >>> block = Block.build([("A", b"<a/>"), ("B", b"<b/>")], form)
    >>> block.data
    b'<row r="4"><n>1</n><a/></row><row r="5"><n>2</n><b/></row>'
    >>> patched = block.patched({0: b"<aa/>"})
    >>> patched.data == Block.build([("A", b"<aa/>"), ("B", b"<b/>")], form).data, patched.cells(1)
    (True, b'<b/>')
    """

    __slots__ = ("_ends", "_inflated", "crcs", "keys", "lengths", "packed", "rows", "sizes")

    def __init__(self, packed: list[bytes], crcs: array.array[int], lengths: array.array[int],
                 keys: list[str], sizes: array.array[int], rows: int) -> None:
        # each piece deflated, and the CRC-32 and length of its rows
        self.packed, self.crcs, self.lengths = packed, crcs, lengths
        self.keys, self.sizes = keys, sizes
        self.rows = rows  # rows per piece
        self._ends: dict[int, list[int]] = {}  # piece -> where each of its rows' parts ends in it
        self._inflated: tuple[int, bytes] | None = None  # the last piece inflated

    @classmethod
    def build(cls, items: Iterable[tuple[str, bytes]], form: RowFormat) -> Block:
        keys: list[str] = []
        sizes = array.array("q")

        def cells() -> Iterator[bytes]:
            for key, row in items:
                keys.append(key)
                yield row

        packed: list[bytes] = []
        crcs, lengths = array.array("L"), array.array("q")
        for piece in _row_pieces(cells(), form, sizes):
            packed.append(deflate_piece(piece))
            crcs.append(zlib.crc32(piece))
            lengths.append(len(piece))
        return cls(packed, crcs, lengths, keys, sizes, PIECE_ROWS)

    def piece(self, number: int) -> bytes:
        """The rows of piece ``number``, inflated."""
        kept = self._inflated
        if kept is not None and kept[0] == number:
            return kept[1]
        data = zlib.decompressobj(-zlib.MAX_WBITS).decompress(self.packed[number], self.lengths[number] + 1)
        if len(data) != self.lengths[number] or zlib.crc32(data) != self.crcs[number]:
            raise InvalidValue(f"piece {number} of a block does not inflate to its rows")
        self._inflated = (number, data)
        return data

    @property
    def pieces(self) -> list[bytes]:
        """Every piece's rows, inflated."""
        return [self.piece(number) for number in range(len(self.packed))]

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
        """The cells of row ``index`` (inflating its piece: for many rows, :meth:`all_cells`)."""
        piece, row = divmod(index, self.rows)
        ends = self._piece_ends(piece)
        return self.piece(piece)[ends[3 * row]:ends[3 * row + 1]]

    def all_cells(self) -> list[bytes]:
        """The cells of every row, in order (each piece inflated once)."""
        found: list[bytes] = []
        for number in range(len(self.packed)):
            data, ends = self.piece(number), self._piece_ends(number)
            found += (data[ends[3 * row]:ends[3 * row + 1]] for row in range(len(ends) // 3))
        return found

    def patched(self, new: dict[int, bytes], form: RowFormat | None = None) -> Block:
        """The same rows with the cells of some replaced (by index); with the ``form`` they were
        built with, their starts too (a row's height follows its cells). Only the pieces of those
        rows are inflated and deflated again."""
        if not new:
            return self
        sizes, packed = array.array("q", self.sizes), list(self.packed)
        crcs, lengths = array.array("L", self.crcs), array.array("q", self.lengths)
        by_piece: dict[int, list[int]] = {}
        for index in sorted(new):
            by_piece.setdefault(index // self.rows, []).append(index)
        for piece, indexes in by_piece.items():
            ends, data = self._piece_ends(piece), memoryview(self.piece(piece))
            parts: list[bytes | memoryview] = []
            previous = 0
            for index in indexes:
                row, cells = index % self.rows, new[index]
                if form is None:
                    parts += (data[previous:ends[3 * row]], cells)
                else:
                    head = form.head(index, cells)
                    parts += (data[previous:ends[3 * row] - sizes[3 * index]], head, cells)
                    sizes[3 * index] = len(head)
                previous = ends[3 * row + 1]
                sizes[3 * index + 1] = len(cells)
            parts.append(data[previous:])
            joined = b"".join(parts)
            packed[piece], crcs[piece] = deflate_piece(joined), zlib.crc32(joined)
            lengths[piece] = len(joined)
        return Block(packed, crcs, lengths, self.keys, sizes, self.rows)

    def __getstate__(self) -> tuple[list[bytes], list[str], bytes, int, bytes, bytes]:
        return (self.packed, self.keys, self.sizes.tobytes(), self.rows, self.crcs.tobytes(),
                self.lengths.tobytes())

    def __setstate__(self, state: tuple[list[bytes], list[str], bytes, int, bytes, bytes]) -> None:
        self.packed, self.keys, self.rows = state[0], state[1], state[3]
        self.sizes, self.crcs, self.lengths = array.array("q"), array.array("L"), array.array("q")
        self.sizes.frombytes(state[2])
        self.crcs.frombytes(state[4])
        self.lengths.frombytes(state[5])
        if not len(self.packed) == len(self.crcs) == len(self.lengths):
            raise InvalidValue("a block's pieces, CRCs and lengths do not match")
        self._ends = {}
        self._inflated = None


class RowStream:
    """The data rows of a long sheet written only as the sheet is (:meth:`pieces`: the same bytes
    as :attr:`Block.pieces` of the same rows), so that a master's tens of megabytes of rows are
    never all held at once. ``keys``: what each row is of; ``items``: what each row is made from,
    in the order of ``keys``, and ``render`` makes a row's cells from its item, so that any run of
    rows can be written on its own (:meth:`pieces` with ``start``; see
    :mod:`~tdkt_xl.consolidation.row_helper`).

    >>> form = RowFormat(4, b"<n>%d</n>")
    >>> stream = RowStream(["A", "B"], [b"<a/>", b"<b/>"], bytes, form)
    >>> b"".join(stream.pieces()) == Block.build([("A", b"<a/>"), ("B", b"<b/>")], form).data
    True
    >>> b"".join(stream.pieces(1))
    b'<row r="5"><n>2</n><b/></row>'
    """

    __slots__ = ("form", "items", "keys", "render")

    def __init__(self, keys: list[str], items: Sequence[Any], render: Callable[[Any], bytes],
                 form: RowFormat) -> None:
        if len(keys) != len(items):
            raise InvalidValue(f"{len(keys)} keys for {len(items)} rows")
        self.keys, self.items, self.render, self.form = keys, items, render, form

    def __len__(self) -> int:
        return len(self.keys)

    def pieces(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The XML of rows ``start`` to ``stop`` (counted from 0; the end when None), with their
        row numbers in the sheet, :data:`PIECE_ROWS` rows at a time."""
        rows = itertools.islice(self.items, start, stop)
        return _row_pieces(map(self.render, rows), self.form, first=start)


def _row_pieces(cells: Iterable[bytes], form: RowFormat, sizes: array.array[int] | None = None,
                first: int = 0) -> Iterator[bytes]:
    """Rows' XML from their cells, :data:`PIECE_ROWS` rows a piece (each row: what ``form`` puts
    before its cells, its cells, what it puts after); ``sizes`` gets the three parts' lengths;
    ``first``: the index of the first row (its place in the sheet's data rows)."""
    parts: list[bytes] = []
    for index, row in enumerate(cells, first):
        head, tail = form.head(index, row), form.tail(index)
        parts += (head, row, tail)
        if sizes is not None:
            sizes += array.array("q", (len(head), len(row), len(tail)))
        if len(parts) == 3 * PIECE_ROWS:
            yield b"".join(parts)
            parts.clear()
    if parts:
        yield b"".join(parts)


def row_formats(ids: dict[str, str], forms: int) -> dict[str, RowFormat]:
    """How each long sheet's rows are written: "S" the submissions (STT), "D" the units' rows on
    each task, "U" the units' counts ("Tổng" after them), "P" the "Lỗi" rows (STT)."""
    plain, count = ids["cell"], ids.get("count", ids["cell"])
    number = f'<c s="{plain}"><v>%d</v></c>'.encode("ascii")
    total = f'<c s="{count}"><f>SUM({column_letter(3)}%d:{column_letter(2 + forms)}%d)</f><v/></c>'
    return {"S": RowFormat(number=number, widths=SUBMISSIONS_WIDTHS[1:]),
            "D": RowFormat(widths=DETAIL_WIDTHS),
            "U": RowFormat(total=total.encode("ascii"), widths=totals_detail_widths(forms)[:-1]),
            "P": RowFormat(number=number, widths=PROBLEMS_WIDTHS[1:])}
