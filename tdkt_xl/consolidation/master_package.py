"""The master as an xlsx package: its *skeleton* and the rows put into it.

:mod:`tdkt_xl.consolidation.master_skeleton` writes the skeleton (styles, sheets with their column
widths, frozen panes, filters, print setup, the chart, and no rows); :func:`save_master` puts each
sheet's rows (written by :mod:`tdkt_xl.consolidation.master_cells`) into it and writes the zip. The
skeleton depends only on the sheets' layout (:class:`SheetLayout`: titles, widths, row counts), so
the nightly run keeps it between runs (:class:`SkeletonStore`), with the long sheets' rows deflated
in pieces (:class:`PieceStore`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tdkt_xl.consolidation import cache_files
from tdkt_xl.consolidation.master_cells import Block, RowStream, SheetRows
from tdkt_xl.consolidation.master_skeleton import SheetLayout, Skeleton, build_skeleton, skeleton_key
from tdkt_xl.consolidation.row_helper import LEAST_ROWS, RowHelper, crc32_combine
from tdkt_xl.consolidation.zip_writer import ZipWriter, deflate_piece, raw_compressor
from tdkt_xl.errors import InvalidValue


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
                pieces: PieceStore | None = None, *, helper_rows: int = LEAST_ROWS) -> None:
    """The skeleton with each sheet's rows put in, written to ``path`` (not atomically: see
    :func:`~tdkt_xl.consolidation.master.write_master`). ``pieces``: the long sheets' rows
    deflated by the last run. Without them, a master of ``helper_rows`` long sheets' rows or more
    has the last half made by a second process (:class:`~tdkt_xl.consolidation.row_helper.RowHelper`)."""
    rows = {sheet.title: sheet for sheet in sheets}
    missing = set(rows) - set(skeleton.sheet_parts)
    if missing:
        raise InvalidValue(f"sheets not in the skeleton: {sorted(missing)}")
    by_part = {skeleton.sheet_parts[title]: sheet for title, sheet in rows.items()}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    streams = [chunk for name, _, _ in skeleton.parts if name in by_part
               for chunk in by_part[name].chunks if isinstance(chunk, RowStream)]
    helper = RowHelper.start(streams, least_rows=helper_rows) if pieces is None else None
    try:
        _write_package(skeleton, by_part, path, now, pieces, helper)
    finally:
        if helper is not None:
            helper.close()


def _write_package(skeleton: Skeleton, by_part: dict[str, SheetRows], path: Path, now: bytes,
                   pieces: PieceStore | None, helper: RowHelper | None) -> None:
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
                                                  pieces, helper)
            out.add(name, date_time, deflated, size=size, crc=crc)


def _deflated_sheet(sheet: SheetRows, head: bytes, tail: bytes, pieces: PieceStore | None,
                    helper: RowHelper | None = None) -> tuple[list[bytes], int, int]:
    """A sheet's XML as raw deflate (in pieces), with its size and CRC (the rows of its streams that
    ``helper`` makes put in as it made them)."""
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
            cut = len(chunk) if helper is None else helper.cut(chunk)
            for piece in chunk.pieces(0, cut):
                add(piece)
            if cut < len(chunk):
                assert helper is not None
                made, made_size, made_crc = helper.rest(chunk)
                out += (loose.flush(zlib.Z_FULL_FLUSH), made)  # (what follows refers to nothing before)
                size, crc = size + made_size, crc32_combine(crc, made_crc, made_size)
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
