"""The master as an xlsx package: its *skeleton* and the rows put into it.

:mod:`tdkt_xl.consolidation.master_skeleton` writes the skeleton (styles, sheets with their column
widths, frozen panes, filters, print setup, the chart, and no rows); :func:`save_master` puts each
sheet's rows (written by :mod:`tdkt_xl.consolidation.master_cells`) into it and writes the zip. The
skeleton depends only on the sheets' layout (titles, widths, row counts) and takes a millisecond to
make: it is made for each master. The long sheets' rows come either
made as the sheet is written (:class:`~tdkt_xl.consolidation.master_cells.RowStream`) or deflated
in pieces already (:class:`~tdkt_xl.consolidation.master_cells.Block`, which the nightly keeps).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from tdkt_xl.consolidation.master_cells import RowStream, SheetRows
from tdkt_xl.consolidation.master_skeleton import Skeleton
from tdkt_xl.consolidation.row_helper import LEAST_ROWS, RowHelper, crc32_combine
from tdkt_xl.errors import InvalidValue
from tdkt_xl.zip_writer import ZipWriter, raw_compressor

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")
_SHEET_DATA = b"<sheetData></sheetData>"


def save_master(skeleton: Skeleton, sheets: Sequence[SheetRows], path: Path, *,
                helper_rows: int = LEAST_ROWS) -> None:
    """The skeleton with each sheet's rows put in, written to ``path`` (not atomically: see
    :func:`~tdkt_xl.consolidation.master.write_master`). A master of ``helper_rows`` rows or more
    to make (:class:`~tdkt_xl.consolidation.master_cells.RowStream`) has the last half made by a
    second process (:class:`~tdkt_xl.consolidation.row_helper.RowHelper`)."""
    rows = {sheet.title: sheet for sheet in sheets}
    missing = set(rows) - set(skeleton.sheet_parts)
    if missing:
        raise InvalidValue(f"sheets not in the skeleton: {sorted(missing)}")
    by_part = {skeleton.sheet_parts[title]: sheet for title, sheet in rows.items()}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    streams = [chunk for name, _, _ in skeleton.parts if name in by_part
               for chunk in by_part[name].chunks if isinstance(chunk, RowStream)]
    helper = RowHelper.start(streams, least_rows=helper_rows)
    try:
        _write_package(skeleton, by_part, path, now, helper)
    finally:
        if helper is not None:
            helper.close()


def _write_package(skeleton: Skeleton, by_part: dict[str, SheetRows], path: Path, now: bytes,
                   helper: RowHelper | None) -> None:
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
                                                  helper)
            out.add(name, date_time, deflated, size=size, crc=crc)


def _deflated_sheet(sheet: SheetRows, head: bytes, tail: bytes, helper: RowHelper | None = None
                    ) -> tuple[list[bytes], int, int]:
    """A sheet's XML as raw deflate (in pieces), with its size and CRC (a block's pieces, and the
    rows of its streams that ``helper`` makes, put in as they were deflated)."""
    out: list[bytes] = []
    size = crc = 0
    loose = raw_compressor()  # all but the blocks' pieces
    pending: list[bytes] = [head]

    def add(data: bytes | memoryview) -> None:
        nonlocal size, crc
        size, crc = size + len(data), zlib.crc32(data, crc)
        out.append(loose.compress(data))

    for chunk in sheet.chunks:
        if isinstance(chunk, bytes):
            pending.append(chunk)
            continue
        add(b"".join(pending))
        pending.clear()
        if isinstance(chunk, RowStream):  # (made here, a piece at a time)
            cut = len(chunk) if helper is None else helper.cut(chunk)
            for piece in chunk.pieces(0, cut):
                add(piece)
            if cut < len(chunk):
                assert helper is not None
                made, made_size, made_crc = helper.rest(chunk)
                out += (loose.flush(zlib.Z_FULL_FLUSH), made)  # (what follows refers to nothing before)
                size, crc = size + made_size, crc32_combine(crc, made_crc, made_size)
            continue
        out.append(loose.flush(zlib.Z_FULL_FLUSH))  # (what follows refers to nothing before it)
        out += chunk.packed
        for piece_crc, piece_size in zip(chunk.crcs, chunk.lengths, strict=True):
            size, crc = size + piece_size, crc32_combine(crc, piece_crc, piece_size)
    pending.append(tail)
    add(b"".join(pending))
    out.append(loose.flush())
    return out, size, crc
