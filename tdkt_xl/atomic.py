"""Writing files whole or not at all: a temporary file beside the target, then one rename.

Kept apart from the openpyxl adapters so that the nightly run can write its master
without importing them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only if the block succeeds."""
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix,
                                    dir=target.parent)
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
        os.replace(temp, target)
    finally:
        if temp.exists():
            temp.unlink()


def backup_path(path: Path) -> Path:
    """``ke_hoach.xlsx`` -> ``ke_hoach.bak.xlsx`` (still opens in Excel)."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")
