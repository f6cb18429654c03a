"""Writing files whole or not at all: a temporary file beside the target, synced to the disk,
then one rename (and the folder synced, so the rename itself survives a power cut).

Kept apart from the openpyxl adapters so that the nightly run can write its master
without importing them. A full disk, a read-only share or one that went away while writing
leaves the target as it was and no temporary file behind.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def fsync_path(path: Path, *, folder: bool = False) -> None:
    """Push ``path`` (a file, or a folder's entries) to the disk. Folders cannot be opened on
    Windows and some shares refuse to sync one: that is not an error there."""
    if folder and os.name == "nt":
        return
    fd = os.open(path, (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if folder else os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as error:
        if not folder or error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES):
            raise
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only if the block succeeds; the new
    file and its folder are synced to the disk before and after the rename. An OS error that
    names no file is given ``target`` as its file, so that a message can say where."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix,
                                        dir=target.parent)
    except OSError as error:
        _name(error, target)
        raise
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        # mkstemp makes the file private (0600); give it the mode a normal new file would get
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        fsync_path(temp)
        fsync_path(target.parent, folder=True)
        os.replace(temp, target)
        fsync_path(target.parent, folder=True)
    except OSError as error:
        _name(error, target)
        raise
    finally:
        with suppress(OSError):  # the share went away: nothing more can be cleaned up from here
            temp.unlink(missing_ok=True)


def _name(error: OSError, target: Path) -> None:
    """Give ``error`` ``target`` as its file when it names none."""
    if error.filename is None:
        error.filename = str(target)


def atomic_copy(source: Path, target: Path, *, limit: int | None = None) -> None:
    """Copy ``source`` to ``target`` through :func:`atomic_path` (times kept): a copy cut short
    leaves no half-written ``target``. Copies only the first ``limit`` bytes when given, so a
    huge file cannot fill the disk."""
    with atomic_path(target) as temp:
        with source.open("rb") as reading, temp.open("wb") as writing:
            left = -1 if limit is None else limit
            while left != 0:
                chunk = reading.read(1 << 20 if left < 0 else min(left, 1 << 20))
                if not chunk:
                    break
                writing.write(chunk)
                left = left if left < 0 else left - len(chunk)
        shutil.copystat(source, temp)


def atomic_write_text(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` through :func:`atomic_path`."""
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")


def backup_path(path: Path) -> Path:
    """``ke_hoach.xlsx`` -> ``ke_hoach.bak.xlsx`` (still opens in Excel)."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")
