"""The nightly run's caches as data, never as code: files with a checked header, and a codec of
plain values.

What the nightly run keeps beside its ledger for the next run (the rebuild's cache and journal,
the master's skeleton, the deflated pieces) lives in a folder others may write to. Nothing read
from there may run code (no pickle), and nothing read from there is trusted unless it proves to
be what this code wrote for this key:

* a file is a header (:data:`MAGIC`, its kind, :data:`FORMAT_VERSION`, the SHA-256 of its key,
  the payload's length and SHA-256) and the payload; a record of a journal is the same, one after
  the other;
* the key is digested with :func:`package_digest` (every ``.py`` file of the installed
  ``tdkt_xl``), so that a cache made by other code is never used, whatever constant was bumped;
* a file that is not a regular file, is not owned by this user or can be written by others
  (POSIX), is cut off, damaged, of another kind, key or format, is ignored (None): the caller
  makes what it held again;
* files are written with mode 0o600, whole or not at all (temporary file, fsync, rename, fsync of
  the folder);
* the payload is :func:`encode`'s: JSON of plain values (None, bool, int, float, str, and tagged
  lists, tuples, dicts, dates, times, and only the named classes the caller lists), the bytes
  apart, raw.

>>> from datetime import date
>>> value = {"a": (1, date(2024, 7, 1), b"\\x00xy"), 3: [None, "ệ"]}
>>> decode(b"".join(encode(value, {})), {}) == value
True
"""

from __future__ import annotations

import array
import dataclasses
import functools
import hashlib
import json
import os
import stat
import struct
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tdkt_xl.errors import InvalidValue, TdktError

MAGIC = b"TDKTCACH"
FORMAT_VERSION = 1
_HEADER = struct.Struct("<8s4sI32sQ32s")  # magic, kind, format version, key digest, length, SHA-256
_PAYLOAD_HEAD = struct.Struct("<QI")  # length of the JSON, count of byte strings


class CacheDamaged(TdktError):
    """A cache file or journal record that is not what this code wrote (caught by the readers)."""


@functools.cache
def package_digest() -> str:
    """The SHA-256 of every ``.py`` file of the installed tdkt_xl (names and contents, in order)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
        data = path.read_bytes()
        name = path.relative_to(root).as_posix().encode("utf-8")
        digest.update(b"%d:%s:%d:" % (len(name), name, len(data)))
        digest.update(data)
    return digest.hexdigest()


def key_digest(*parts: object) -> bytes:
    """The digest a cache is kept under: ``parts`` (plain values) with :func:`package_digest`."""
    text = json.dumps([package_digest(), *parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).digest()


def _header(kind: bytes, key: bytes, chunks: Sequence[bytes | memoryview]) -> bytes:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return _HEADER.pack(MAGIC, kind, FORMAT_VERSION, key, sum(len(c) for c in chunks), digest.digest())


def write_file(path: Path, kind: bytes, key: bytes, chunks: Sequence[bytes | memoryview]) -> bool:
    """``chunks`` kept at ``path`` (mode 0o600, atomically) under ``key``; False when the folder
    cannot be written (the cache is made again next time)."""
    header = _header(kind, key, chunks)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with open(handle, "wb") as out:
            out.write(header)
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, 0o600)
        os.replace(name, path)
        _sync_folder(path.parent)
        return True
    except OSError:
        return False
    finally:
        Path(name).unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def append_record(path: Path, kind: bytes, key: bytes, chunks: Sequence[bytes | memoryview]) -> bool:
    """A record added at the end of the journal at ``path`` (made with mode 0o600)."""
    data = b"".join([_header(kind, key, chunks), *chunks])
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return False
    try:
        if not _trusted(os.fstat(fd)):
            return False
        os.write(fd, data)
        os.fsync(fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _trusted(status: os.stat_result) -> bool:
    """A regular file this user owns and no one else may write (POSIX); a regular file elsewhere."""
    if not stat.S_ISREG(status.st_mode):
        return False
    if hasattr(os, "getuid"):
        return status.st_uid == os.getuid() and not status.st_mode & 0o022
    return True


def read_bytes(path: Path) -> bytes:
    """The bytes of a cache file, if it is one this user may trust (:func:`_trusted`); a symlink,
    a FIFO or a device is never opened for reading (raises :class:`CacheDamaged`; OSError when
    missing)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        if not _trusted(status):
            raise CacheDamaged(f"{path}: not a private regular file")
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(status.st_size + 1)
    finally:
        os.close(fd)
    if len(data) != status.st_size:
        raise CacheDamaged(f"{path}: changed while read")
    return data


def records(data: bytes, kind: bytes) -> Iterator[tuple[bytes, memoryview]]:
    """Each record of ``data`` (key digest, payload), checked; raises :class:`CacheDamaged` at the
    first one that is cut off, damaged or of another kind or format."""
    view, at = memoryview(data), 0
    while at < len(data):
        if len(data) - at < _HEADER.size:
            raise CacheDamaged("cut off in a header")
        magic, found, version, key, length, digest = _HEADER.unpack_from(data, at)
        start = at + _HEADER.size
        payload = view[start:start + length]
        if magic != MAGIC or found != kind or version != FORMAT_VERSION or len(payload) != length \
                or hashlib.sha256(payload).digest() != digest:
            raise CacheDamaged("not a record of this kind, or damaged")
        yield key, payload
        at = start + length


def read_file(path: Path, kind: bytes, key: bytes) -> memoryview | None:
    """The payload kept at ``path`` under ``key``, or None: missing, unreadable, not trusted, damaged,
    cut off, of another kind, format or key, or with anything after it."""
    try:
        found = list(records(read_bytes(path), kind))
    except (OSError, CacheDamaged):
        return None
    if len(found) != 1 or found[0][0] != key:
        return None
    return found[0][1]


# --- the codec -----------------------------------------------------------------------------------

_PLAIN = (str, int, float, bool, type(None))


class _Encoder:
    def __init__(self, classes: dict[str, type]) -> None:
        self.names = {cls: name for name, cls in classes.items()}
        self.blobs: list[bytes] = []

    def __call__(self, value: Any) -> Any:  # noqa: C901 (one branch per kind of value)
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is bytes:
            self.blobs.append(value)
            return {"b": len(self.blobs) - 1}
        if kind is list:
            return [self(item) for item in value]
        if kind is dict:
            return {"m": [self(item) for pair in value.items() for item in pair]}
        if kind is tuple:
            return {"u": [self(item) for item in value]}
        if kind is datetime:
            return {"t": value.isoformat()}
        if kind is date:
            return {"d": value.toordinal()}
        if kind is set:
            return {"e": [self(item) for item in sorted(value)]}
        if kind is array.array:
            self.blobs.append(value.tobytes())
            return {"a": [value.typecode, len(self.blobs) - 1]}
        name = self.names.get(kind)
        if name is None:
            raise InvalidValue(f"not kept in a cache: {kind.__name__}")
        if hasattr(value, "_fields"):
            return {"n": name, "v": [self(item) for item in value]}
        if hasattr(value, "__getstate__") and hasattr(kind, "__setstate__"):
            return {"o": name, "v": self(value.__getstate__())}
        return {"c": name, "v": [self(getattr(value, f.name)) for f in dataclasses.fields(value)]}


class _Decoder:
    """Each JSON object of a payload made again, innermost first (``json.loads``'s object hook:
    every object of the payload is a tagged value, lists are lists)."""

    def __init__(self, classes: dict[str, type], blobs: list[bytes]) -> None:
        self.classes, self.blobs = classes, blobs

    def __call__(self, value: dict[str, Any]) -> Any:
        if len(value) == 2:
            return self._instance(value)
        ((tag, inner),) = value.items()
        if tag == "u":
            return tuple(inner)
        if tag == "m":
            return dict(zip(inner[::2], inner[1::2], strict=True))
        if tag == "b":
            return self.blobs[inner]
        if tag == "d":
            return date.fromordinal(inner)
        if tag == "t":
            return datetime.fromisoformat(inner)
        if tag == "e":
            return set(inner)
        if tag == "a":
            made = array.array(inner[0])
            made.frombytes(self.blobs[inner[1]])
            return made
        raise CacheDamaged(f"unknown tag {tag!r}")

    def _instance(self, value: dict[str, Any]) -> Any:
        kind = "n" if "n" in value else "o" if "o" in value else "c"  # (thousands: no generator)
        cls, inner = self.classes[value[kind]], value["v"]
        if kind == "o":
            made: Any = object.__new__(cls)
            made.__setstate__(inner)
            return made
        return cls(*inner)  # a named tuple's or a dataclass's fields, in order


def encode(value: Any, classes: dict[str, type]) -> list[bytes]:
    """``value`` as the chunks of a payload: JSON of plain values, then the byte strings in it.
    ``classes``: the named tuples, dataclasses and classes with ``__getstate__``/``__setstate__``
    it may hold, by name."""
    encoder = _Encoder(classes)
    text = json.dumps(encoder(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sizes = array.array("Q", [len(blob) for blob in encoder.blobs])
    return [_PAYLOAD_HEAD.pack(len(text), len(sizes)), text, sizes.tobytes(), *encoder.blobs]


def decode(payload: bytes | memoryview, classes: dict[str, type]) -> Any:
    """What :func:`encode` made into ``payload``; only ``classes`` are made (raises
    :class:`CacheDamaged` for anything else)."""
    try:
        view = memoryview(payload)
        text_size, count = _PAYLOAD_HEAD.unpack_from(view, 0)
        at = _PAYLOAD_HEAD.size
        text = bytes(view[at:at + text_size])
        at += text_size
        sizes = array.array("Q")
        sizes.frombytes(view[at:at + 8 * count])
        at += 8 * count
        blobs: list[bytes] = []
        for size in sizes:
            blobs.append(bytes(view[at:at + size]))
            at += size
        if at != len(view) or len(blobs) != count:
            raise CacheDamaged("payload of the wrong length")
        return json.loads(text, object_hook=_Decoder(classes, blobs))
    except CacheDamaged:
        raise
    except Exception as error:  # whatever a foreign payload makes the decoder trip on
        raise CacheDamaged(str(error)) from error
