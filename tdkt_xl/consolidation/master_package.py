"""The master as an xlsx package: its *skeleton* made by openpyxl, and the rows put into it.

openpyxl makes the skeleton (styles, sheets with their column widths, frozen panes, filters, print
setup, the chart, and no rows); :func:`save_master` puts each sheet's rows (written by
:mod:`tdkt_xl.consolidation.master_cells`) into it and writes the zip. The skeleton depends only
on the sheets' layout (:class:`SheetLayout`: titles, widths, row counts), so the nightly run
keeps it between runs (:class:`SkeletonStore`), with the long sheets' rows deflated in pieces
(:class:`PieceStore`), and then writes the master without openpyxl.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tdkt_xl.consolidation import cache_files
from tdkt_xl.consolidation.master_cells import (
    DETAIL_WIDTHS,
    HEADER_ROW,
    PROBLEMS_WIDTHS,
    SUBMISSIONS_WIDTHS,
    Block,
    RowStream,
    SheetRows,
    title_span,
)
from tdkt_xl.consolidation.zip_writer import ZipWriter, deflate_piece, raw_compressor
from tdkt_xl.errors import InvalidValue
from tdkt_xl.intake.safety.xlsx_parts import sheet_parts
from tdkt_xl.paper import A4_PAPER, ESTIMATE_VERSION, MARGINS_INCH, page_fit
from tdkt_xl.plans.status import STATUS_COLORS

if TYPE_CHECKING:
    from openpyxl import Workbook

SKELETON_FORMAT = 2  # raise when what build_skeleton makes of the same layouts changes

_STATE_COLORS = {"missing": "FFC7CE", "late": "FFEB9C", "on_time": "C6EFCE", "submitted": "DDEBF7",
                 "rejected": "F8CBAD"}  # (rejected: issue 16, H5)
_BORDER = "808080"
# What each named cell style is, as plain data (openpyxl objects are made from it for the skeleton)
STYLES: dict[str, dict[str, Any]] = {
    "title": {"font": {"bold": True, "size": 12}, "alignment": {"vertical": "top", "wrap_text": True}},
    "header": {"font": {"bold": True}, "fill": "D9E1F2", "border": True,
               "alignment": {"horizontal": "center", "vertical": "center", "wrap_text": True}},
    "cell": {"border": True, "alignment": {"vertical": "top", "wrap_text": True}},
    "date": {"border": True, "alignment": {"vertical": "top"}, "number_format": "dd/mm/yyyy"},
    "bold": {"font": {"bold": True}, "border": True, "number_format": "#,##0"},
    "level": {"font": {"bold": True}, "fill": "F2F2F2", "border": True},
    **{state: {"fill": color, "border": True, "alignment": {"vertical": "top"}}
       for state, color in _STATE_COLORS.items()},
    **{status.value: {"fill": fill, "font": {"color": font}, "border": True,
                      "alignment": {"vertical": "top", "wrap_text": True}}
       for status, (fill, font) in STATUS_COLORS.items()},
    # (added last: the ids of the others stay those of masters written before)
    "count": {"border": True, "alignment": {"vertical": "top"}, "number_format": "#,##0"},
}


@dataclass(frozen=True)
class SheetLayout:
    """What the skeleton of one sheet depends on."""

    title: str
    widths: tuple[float, ...]
    data_rows: int  # rows under the header (the filter covers them)
    chart_row: int = 0  # the row whose year columns the chart plots (0: no chart)
    chart_columns: int = 0
    title_columns: int = 2  # repeated on each page when the sheet is printed across pages


@dataclass
class Skeleton:
    """The master without its rows: the parts openpyxl saved, which part is each sheet, and the
    ids of :data:`STYLES` in its styles part."""

    key: str
    parts: list[tuple[str, tuple[int, int, int, int, int, int], bytes]]
    sheet_parts: dict[str, str]
    style_ids: dict[str, str]


def skeleton_key(layouts: Sequence[SheetLayout]) -> str:
    """What identifies a skeleton: the layouts, the styles, the code that makes it, and the widths
    and estimates the long sheets' rows' heights are made with (the nightly run keeps those rows
    under this key too). (A skeleton kept from an older openpyxl is still a good workbook, with its
    own style ids.) The skeleton's file is kept under it and the digest of the whole package too."""
    rows = [SUBMISSIONS_WIDTHS, DETAIL_WIDTHS, PROBLEMS_WIDTHS, ESTIMATE_VERSION]
    text = json.dumps([SKELETON_FORMAT, STYLES, [asdict(layout) for layout in layouts], rows],
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_skeleton(layouts: Sequence[SheetLayout], key: str | None = None) -> Skeleton:
    """The skeleton of a master with these sheets, made by openpyxl (write-only: fast)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    style_ids: dict[str, str] = {}
    for layout in layouts:
        ws: Any = workbook.create_sheet(layout.title)
        _lay_out_sheet(ws, layout)
        if not style_ids:
            style_ids = _add_styles(workbook, ws)
        if layout.chart_row:
            _add_chart(ws, layout)
    workbook.properties.title = "Tổng hợp báo cáo thi đua, khen thưởng"
    workbook.properties.creator = "tdkt_xl"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = [(info.filename, info.date_time, archive.read(info.filename)) for info in archive.infolist()]
        by_title = {name: part for part, name in sheet_parts(archive).items()}
    return Skeleton(key or skeleton_key(layouts), parts, by_title, style_ids)


def _lay_out_sheet(ws: Any, layout: SheetLayout) -> None:
    """A skeleton's sheet: its column widths, frozen panes, filter and print setup."""
    from openpyxl.utils.cell import get_column_letter

    for column, width in enumerate(layout.widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if layout.data_rows:
        ws.auto_filter.ref = (f"A{HEADER_ROW}:{get_column_letter(len(layout.widths))}"
                              f"{HEADER_ROW + layout.data_rows}")
    _print_setup(ws, layout)


def _print_setup(ws: Any, layout: SheetLayout) -> None:
    """A4, margins, the header row on every page; shrunk to the page's width only as far as its
    text stays 9 pt or more (:func:`tdkt_xl.paper.page_fit`), else across pages with its title
    columns repeated; the chart (under the table) on a page of its own."""
    from openpyxl.utils.cell import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.worksheet.properties import PageSetupProperties

    fit = page_fit(layout.widths, title_columns=layout.title_columns)
    ws.page_setup.orientation = "landscape" if fit.landscape else "portrait"
    ws.page_setup.paperSize = A4_PAPER
    ws.page_margins = PageMargins(**MARGINS_INCH)
    if fit.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.page_setup.scale = fit.scale
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if fit.title_columns:
        ws.print_title_cols = f"A:{get_column_letter(fit.title_columns)}"
    if layout.chart_row:
        ws.row_breaks.append(Break(id=layout.chart_row + 1))
    # the title line merged across the first page's columns: it wraps there (its row is as high)
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=title_span(layout.widths), max_row=1))


def _add_styles(workbook: Workbook, ws: Any) -> dict[str, str]:
    """Each of :data:`STYLES` added to the workbook's styles (through a cell of sheet ``ws``), with
    its id."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    side = Side(style="thin", color=_BORDER)
    border = Border(left=side, right=side, top=side, bottom=side)
    style_ids: dict[str, str] = {}
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
    return style_ids


def _add_chart(ws: Any, layout: SheetLayout) -> None:
    """The chart of the year columns of the layout's ``chart_row``, under the table."""
    from openpyxl.chart import BarChart, Reference

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
    ws.add_chart(chart, f"A{layout.chart_row + 3}")  # (on the page after the table's: a row break)


class SkeletonStore:
    """The last skeleton made, kept in a file (the nightly run's state folder) for the next run, as
    data with a checked header (:mod:`~tdkt_xl.consolidation.cache_files`).

    A file that cannot be read or is not trusted, or a skeleton of other layouts or code, is made
    again.
    """

    KIND = b"SKEL"

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, layouts: Sequence[SheetLayout]) -> Skeleton:
        key = skeleton_key(layouts)
        digest = cache_files.key_digest("skeleton", key)
        payload = cache_files.read_file(self.path, self.KIND, digest)
        if payload is not None:
            try:
                kept = _skeleton_of(cache_files.decode(payload, {}), key)
                if kept is not None:
                    return kept
            except (cache_files.CacheDamaged, TypeError, ValueError, AttributeError):
                pass  # made again
        skeleton = build_skeleton(layouts, key)
        data = [[name, list(date_time), blob] for name, date_time, blob in skeleton.parts]
        cache_files.write_file(self.path, self.KIND, digest, cache_files.encode(
            [skeleton.key, data, skeleton.sheet_parts, skeleton.style_ids], {}))
        return skeleton


def _skeleton_of(value: Any, key: str) -> Skeleton | None:
    """A skeleton decoded, checked to be made of plain values of the right kinds."""
    found, data, by_title, ids = value
    parts = [(name, tuple(date_time), blob) for name, date_time, blob in data]
    plain = all(isinstance(name, str) and isinstance(blob, bytes) and len(date_time) == 6
                and all(type(item) is int for item in date_time) for name, date_time, blob in parts)
    texts = all(isinstance(k, str) and isinstance(v, str) for d in (by_title, ids) for k, v in d.items())
    if found != key or not plain or not texts or not set(by_title.values()) <= {p[0] for p in parts}:
        return None
    return Skeleton(found, parts, by_title, ids)


class PieceStore:
    """The long sheets' rows deflated in pieces (:attr:`Block.pieces`) by one nightly run, kept in a
    file for the next: a piece whose rows did not change since (:attr:`Block.changed`) is not
    deflated again. What is kept is used only by a run whose rows were settled at the state it was
    made of (``tag``: the rebuild's cache, see :meth:`~tdkt_xl.nightly.rebuild.Rebuilt.tag`), and a
    kept piece only when the CRC-32 and length of the rows it was deflated from, kept with it, are
    those of the rows it now stands for (checked, not taken from the bookkeeping).
    """

    KIND = b"PIEC"

    def __init__(self, path: Path, tag: object) -> None:
        self.path, self.tag = path, tag
        # title -> each piece's (deflated, CRC-32 and length of its rows)
        self.kept: dict[str, list[tuple[bytes, int, int]]] = {}
        self.made: dict[str, list[tuple[bytes, int, int]]] = {}
        self.fresh = 0  # pieces deflated by this run
        if tag is None:
            return
        payload = cache_files.read_file(path, self.KIND, cache_files.key_digest("pieces", tag))
        if payload is None:
            return
        try:
            kept = cache_files.decode(payload, {})
            self.kept = {title: [(piece, crc, size) for piece, crc, size in pieces]
                         for title, pieces in kept.items()}
            if not all(isinstance(piece, bytes) and type(crc) is int and type(size) is int
                       for pieces in self.kept.values() for piece, crc, size in pieces):
                self.kept = {}
        except (cache_files.CacheDamaged, TypeError, ValueError, AttributeError):
            self.kept = {}  # every piece deflated again

    def deflated(self, title: str, block: Block) -> Iterator[tuple[bytes, bytes]]:
        """Each piece of ``block`` (the rows of sheet ``title``) with its raw deflate."""
        kept, changed = self.kept.get(title), block.changed
        if kept is not None and (changed is None or len(kept) != len(block.pieces)):
            kept = None
        made: list[tuple[bytes, int, int]] = []
        for number, piece in enumerate(block.pieces):
            crc = zlib.crc32(piece)
            if kept is not None and changed is not None and number not in changed \
                    and kept[number][1:] == (crc, len(piece)):
                deflated = kept[number][0]
            else:
                deflated = deflate_piece(piece)
                self.fresh += 1
            made.append((deflated, crc, len(piece)))
            yield piece, deflated
        self.made[title] = made

    def keep(self, tag: object) -> None:
        """Keep the pieces of this run's master, the state its rows are at being ``tag``."""
        if tag == self.tag and not self.fresh and self.made.keys() == self.kept.keys():
            return
        made = {title: [list(piece) for piece in pieces] for title, pieces in self.made.items()}
        cache_files.write_file(self.path, self.KIND, cache_files.key_digest("pieces", tag),
                               cache_files.encode(made, {}))  # (deflated again next time when not kept)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")
_SHEET_DATA = b"<sheetData></sheetData>"


def save_master(skeleton: Skeleton, sheets: Sequence[SheetRows], path: Path,
                pieces: PieceStore | None = None) -> None:
    """The skeleton with each sheet's rows put in, written to ``path`` (not atomically: see
    :func:`~tdkt_xl.consolidation.master.write_master`). ``pieces``: the long sheets' rows
    deflated by the last run."""
    rows = {sheet.title: sheet for sheet in sheets}
    missing = set(rows) - set(skeleton.sheet_parts)
    if missing:
        raise InvalidValue(f"sheets not in the skeleton: {sorted(missing)}")
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
                raise InvalidValue(f"{name}: no empty <sheetData>")
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
        if isinstance(chunk, bytes):
            pending.append(chunk)
            continue
        add(b"".join(pending))
        pending.clear()
        if isinstance(chunk, RowStream):  # (made here, a piece at a time)
            for piece in chunk.pieces():
                add(piece)
            continue
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
