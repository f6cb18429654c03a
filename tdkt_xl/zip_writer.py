"""A zip file (an .xlsx) written from members given as they are to be stored.

:mod:`zipfile` deflates what it is given. The master's long sheets are instead put together
from pieces of raw deflate made on their own, most of them kept from the last nightly run
(:class:`~tdkt_xl.consolidation.master_cells.Block`): a piece made by :func:`deflate_piece` ends
on a byte boundary and refers to nothing before it, so pieces can follow each other in one member;
the member ends with :data:`DEFLATE_END`. The safety scan's copy of a report for its reader
(:func:`~tdkt_xl.intake.safety.zip_container.stored_copy`) stores some members uncompressed and
copies the others' deflate as it was.

>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with ZipWriter(buffer) as archive:
...     pieces = [deflate_piece(b"<a>"), deflate_piece(b"</a>"), DEFLATE_END]
...     archive.add("a.xml", (2024, 1, 2, 3, 4, 6), pieces, size=7, crc=zlib.crc32(b"<a></a>"))
>>> zipfile.ZipFile(buffer).read("a.xml")
b'<a></a>'
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from typing import Protocol

from tdkt_xl.errors import InvalidValue

LEVEL = 1  # fast: the master's sheets are tens of megabytes of XML
DEFLATE_END = b"\x03\x00"  # an empty last block (what a fresh compressor's Z_FINISH gives)
_LIMIT = 0xFFFFFFFF  # without the zip64 extensions, no size or offset reaches this
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def raw_compressor() -> zlib._Compress:
    """A compressor of raw deflate (no zlib header: as a zip member holds it) at :data:`LEVEL`."""
    return zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)


def deflate_piece(data: bytes | memoryview) -> bytes:
    """``data`` as raw deflate that ends on a byte boundary and is not the last block."""
    compressor = raw_compressor()
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def deflate_whole(data: bytes) -> bytes:
    """``data`` as one complete raw deflate stream."""
    compressor = raw_compressor()
    return compressor.compress(data) + compressor.flush()


_DEFLATED, _STORED = 8, 0
_OWNER_ONLY = 0o600 << 16  # (what a member of the master is made with: read and write, its owner)


class Writable(Protocol):
    """Where a zip is written: a file open for writing, or anything that takes bytes as they come."""

    def write(self, data: bytes, /) -> object: ...


class ZipWriter:
    """Members written one after the other, then the central directory (on :meth:`close`)."""

    def __init__(self, stream: Writable) -> None:
        self.stream = stream
        self.offset = 0
        self.directory: list[bytes] = []  # each member's entry of the central directory

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()

    def add(self, name: str, date_time: tuple[int, int, int, int, int, int], stored: Iterable[bytes], *,
            size: int, crc: int, method: int = _DEFLATED, attributes: int = _OWNER_ONLY) -> None:
        """A member of ``size`` bytes with CRC ``crc``, ``stored`` as it goes into the file (in
        pieces): its raw deflate, or with ``method`` 0 (stored) its bytes themselves. ``attributes``:
        the directory's external attributes of the member."""
        if method not in (_DEFLATED, _STORED):
            raise InvalidValue(f"{name}: kiểu nén {method} không được ghi")
        pieces = list(stored)
        compressed = sum(map(len, pieces))
        if max(size, compressed, self.offset) >= _LIMIT:
            raise InvalidValue(f"{name}: quá lớn cho một tệp zip không có zip64 ({size} byte)")
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # (0x800: the name is UTF-8)
        year, month, day, hour, minute, second = date_time
        when = (hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day)  # (DOS)
        header = _LOCAL.pack(0x04034B50, 20, flags, method, *when, crc, compressed, size, len(encoded), 0)
        entry = _CENTRAL.pack(0x02014B50, 3 << 8 | 20, 20, flags, method, *when, crc, compressed, size,
                              len(encoded), 0, 0, 0, 0, attributes, self.offset)
        self.directory.append(entry + encoded)
        self.stream.write(b"".join([header, encoded, *pieces]))
        self.offset += len(header) + len(encoded) + compressed

    def add_bytes(self, name: str, date_time: tuple[int, int, int, int, int, int], data: bytes) -> None:
        """A member deflated here, whole."""
        self.add(name, date_time, [deflate_whole(data)], size=len(data), crc=zlib.crc32(data))

    def close(self) -> None:
        listing = b"".join(self.directory)
        count = len(self.directory)
        if count > 0xFFFF or self.offset + len(listing) >= _LIMIT:
            raise InvalidValue("quá nhiều phần hoặc quá lớn cho một tệp zip không có zip64")
        self.stream.write(listing + _END.pack(0x06054B50, 0, 0, count, count, len(listing), self.offset, 0))
        self.offset += len(listing)
