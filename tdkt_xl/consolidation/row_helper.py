"""The last rows of a master's long sheets made in a second process while this one makes the first.

Writing a master is the end of ``consolidate``: every report has been read, the workers that read
them have stopped, and one core would be idle while this process makes the long sheets' rows (a
unit's row on each task, its counts, its submission: two thirds of a second at five thousand
units). A :class:`RowHelper` forks a process that makes the last half of those rows (the
:class:`~tdkt_xl.consolidation.master_cells.RowStream` s, in the order the master is written), each
stream's share deflated on its own (:func:`~tdkt_xl.zip_writer.deflate_piece`: it
ends on a byte boundary and refers to nothing before it, so it goes into the sheet's deflate as
it is) with its length and CRC-32 (:func:`crc32_combine` puts those after the first rows'), and
sends them back through a pipe.

Only where processes are forked (Linux), and only for a master long enough to be worth it
(:data:`LEAST_ROWS`). When the helper fails (killed, out of memory, anything it sends that is not
what was asked), its rows are made here, as without it: the master is the same either way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import struct
import sys
import zlib
from collections.abc import Sequence

from tdkt_xl.consolidation.master_cells import RowStream
from tdkt_xl.zip_writer import raw_compressor

# rows below which a master is written by one process (a fork costs a few milliseconds; a row
# about thirty microseconds to make)
LEAST_ROWS = 1500
_ZEROS = bytes(1 << 20)
# what the helper sends: for each stream's share, its place, its deflate's length, the rows' length
# and CRC-32, then the deflate (plain data: nothing sent is run, as no cache is: cache_files)
_SHARE = struct.Struct("<IQQI")

log = logging.getLogger(__name__)


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of two pieces of data one after the other, from each one's CRC-32 and the second's
    length (CRC-32 is affine in its starting value: ``crc32(b, c) = crc32(b) ^ crc32(0…, c) ^
    crc32(0…)``, with as many zero bytes as ``b`` has).

    >>> a, b = b"<row>1</row>", b"<row>2</row>"
    >>> crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    True
    """
    shifted, zeros = first, 0
    left = second_length
    while left:
        chunk = memoryview(_ZEROS)[:min(left, len(_ZEROS))]
        shifted, zeros = zlib.crc32(chunk, shifted), zlib.crc32(chunk, zeros)
        left -= len(chunk)
    return second ^ shifted ^ zeros


Made = tuple[bytes, int, int]  # rows as raw deflate (ending on a byte boundary), their length and CRC-32


def deflated_rows(stream: RowStream, start: int) -> Made:
    """Rows ``start`` to the end of ``stream``, deflated on their own, with their length and CRC-32."""
    compressor = raw_compressor()
    out: list[bytes] = []
    size = crc = 0
    for piece in stream.pieces(start):
        size, crc = size + len(piece), zlib.crc32(piece, crc)
        out.append(compressor.compress(piece))
    out.append(compressor.flush(zlib.Z_FULL_FLUSH))
    return b"".join(out), size, crc


def can_fork() -> bool:
    """Whether this process may fork a helper (Linux: elsewhere forking is unsafe or missing)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class RowHelper:
    """A forked process making the last rows of ``streams`` (see the module's text); ``cut(stream)``
    is how many of a stream's rows are this process's to make, ``rest(stream)`` the others, made."""

    def __init__(self, streams: Sequence[RowStream], share: float = 0.5) -> None:
        self.streams = list(streams)
        self.cuts: dict[int, int] = {}  # id of a stream -> the first of its rows the helper makes
        rows = sum(len(stream) for stream in self.streams)
        left = round(rows * share)  # the helper's rows, taken from the end
        for stream in reversed(self.streams):
            taken = min(left, len(stream))
            self.cuts[id(stream)] = len(stream) - taken
            left -= taken
        self.made: dict[int, Made] | None = None
        self.pid: int | None = None
        self.reader: int | None = None

    @classmethod
    def start(cls, streams: Sequence[RowStream], *, least_rows: int = LEAST_ROWS,
              share: float = 0.5) -> RowHelper | None:
        """A helper making about ``share`` of the rows, started; None where it is not worth it or
        processes are not forked."""
        if not can_fork() or sum(len(stream) for stream in streams) < least_rows:
            return None
        helper = cls(streams, share)
        helper._fork()
        return helper

    def _shares(self) -> list[tuple[int, RowStream, int]]:
        """The helper's part of each stream that has one: (its place, the stream, its first row)."""
        return [(place, stream, self.cuts[id(stream)]) for place, stream in enumerate(self.streams)
                if self.cuts[id(stream)] < len(stream)]

    def _fork(self) -> None:
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            log.warning("could not fork a helper: the master is written by one process", exc_info=True)
            self.made = {}
            return
        if pid == 0:  # the helper: make its rows, send them, and end without running anything else
            code = 1
            try:
                os.close(reader)
                made = {place: deflated_rows(stream, first) for place, stream, first in self._shares()}
                with os.fdopen(writer, "wb") as pipe:
                    for place, (deflated, size, crc) in made.items():
                        pipe.write(_SHARE.pack(place, len(deflated), size, crc))
                        pipe.write(deflated)
                code = 0
            finally:
                os._exit(code)  # (no exit handlers, no buffers of the parent's flushed twice)
        os.close(writer)
        self.pid, self.reader = pid, reader

    def cut(self, stream: RowStream) -> int:
        """How many of ``stream``'s rows, from its first, this process makes."""
        return self.cuts.get(id(stream), len(stream))

    def rest(self, stream: RowStream) -> Made:
        """The helper's rows of ``stream`` (from :meth:`cut` on), made by it, or here when it failed."""
        if self.made is None:
            self.made = self._receive()
        place = next(place for place, known in enumerate(self.streams) if known is stream)
        made = self.made.get(place)
        if made is None:
            made = self.made[place] = deflated_rows(stream, self.cut(stream))
        return made

    def _receive(self) -> dict[int, Made]:
        """What the helper sent, checked; empty (every row made here) when it failed."""
        assert self.reader is not None and self.pid is not None
        with os.fdopen(self.reader, "rb") as pipe:
            self.reader = None
            data = pipe.read()
        pid, self.pid = self.pid, None
        _, status = os.waitpid(pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            log.warning("the master's helper process failed (status %d): its rows are made here", status)
            return {}
        made = _unpacked(data)
        if made is None or set(made) != {place for place, _stream, _first in self._shares()}:
            log.warning("the master's helper sent other rows than asked: they are made here")
            return {}
        return made

    def close(self) -> None:
        """Stop the helper when its rows were not taken (the master failed on the way)."""
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
        if self.pid is not None:
            pid, self.pid = self.pid, None
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _unpacked(data: bytes) -> dict[int, Made] | None:
    """What the helper sent (see :data:`_SHARE`), or None when it is not that."""
    made: dict[int, Made] = {}
    at = 0
    while at < len(data):
        if len(data) - at < _SHARE.size:
            return None
        place, length, size, crc = _SHARE.unpack_from(data, at)
        at += _SHARE.size
        if len(data) - at < length or place in made:
            return None
        made[place] = (data[at:at + length], size, crc)
        at += length
    return made
