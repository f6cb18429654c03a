"""A zip file (an .xlsx) written from members the caller deflated itself.

:mod:`zipfile` deflates what it is given; the master's long sheets are instead put together
from pieces of raw deflate made on their own, most of them kept from the last nightly run
(:class:`~tdkt_xl.consolidation.master_cells.Block`). A piece made by
:func:`deflate_piece` ends on a byte boundary and refers to nothing before it, so pieces can
follow each other in one member; the member ends with :data:`DEFLATE_END`.

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
from typing import BinaryIO, NamedTuple

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


class _Member(NamedTuple):
    name: bytes
    flags: int
    time: int
    date: int
    crc: int
    compressed: int
    size: int
    offset: int


class ZipWriter:
    """Members written one after the other, then the central directory (on :meth:`close`)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.offset = 0
        self.members: list[_Member] = []

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()

    def add(self, name: str, date_time: tuple[int, int, int, int, int, int], deflated: Iterable[bytes], *,
            size: int, crc: int) -> None:
        """A member whose raw deflate is ``deflated`` (in pieces), of ``size`` bytes with CRC ``crc``."""
        pieces = list(deflated)
        compressed = sum(len(piece) for piece in pieces)
        if max(size, compressed, self.offset) >= _LIMIT:
            raise InvalidValue(f"{name}: quá lớn cho một tệp zip không có zip64 ({size} byte)")
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800  # the name is UTF-8
        year, month, day, hour, minute, second = date_time
        member = _Member(encoded, flags, hour << 11 | minute << 5 | second // 2,
                         (year - 1980) << 9 | month << 5 | day, crc, compressed, size, self.offset)
        header = _LOCAL.pack(0x04034B50, 20, flags, 8, member.time, member.date, crc, compressed, size,
                             len(encoded), 0)
        self.stream.write(b"".join([header, encoded, *pieces]))
        self.offset += len(header) + len(encoded) + compressed
        self.members.append(member)

    def add_bytes(self, name: str, date_time: tuple[int, int, int, int, int, int], data: bytes) -> None:
        """A member deflated here, whole."""
        self.add(name, date_time, [deflate_whole(data)], size=len(data), crc=zlib.crc32(data))

    def close(self) -> None:
        start = self.offset
        for m in self.members:
            header = _CENTRAL.pack(0x02014B50, 3 << 8 | 20, 20, m.flags, 8, m.time, m.date, m.crc,
                                   m.compressed, m.size, len(m.name), 0, 0, 0, 0, 0o600 << 16, m.offset)
            self.stream.write(header + m.name)
            self.offset += len(header) + len(m.name)
        if len(self.members) > 0xFFFF or self.offset >= _LIMIT:
            raise InvalidValue("quá nhiều phần hoặc quá lớn cho một tệp zip không có zip64")
        count = len(self.members)
        self.stream.write(_END.pack(0x06054B50, 0, 0, count, count, self.offset - start, start, 0))
