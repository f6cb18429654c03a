"""One run at a time: a lock file that survives crashes without a person cleaning up.

The lock is a small JSON file created with O_EXCL (atomic on local disks and on
SMB/NFS shares alike). A lock whose process is gone (same host, pid not alive)
or that is older than ``stale_after`` seconds is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any


class LockBusy(Exception):
    """Another run holds the lock; the message says which and since when."""


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    started: float

    def describe(self) -> str:
        when = time.strftime("%d/%m/%Y %H:%M:%S", time.localtime(self.started))
        return f"tiến trình {self.pid} trên máy {self.host}, từ {when}"


_ERROR_ACCESS_DENIED = 5
_STILL_ACTIVE = 259
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        return _alive_on_windows(pid, ctypes.WinDLL("kernel32", use_last_error=True),  # type: ignore[attr-defined]
                                 ctypes.get_last_error)  # type: ignore[attr-defined]
    try:
        os.kill(pid, 0)  # signal 0: only asks whether it exists (on Windows it would kill it)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive_on_windows(pid: int, kernel32: Any, last_error: Callable[[], int]) -> bool:
    """Whether process ``pid`` runs, through kernel32 (tests pass a fake one).

    A process of another user cannot be opened (access denied) but exists; one that has
    exited can still be opened while something holds a handle to it, so its exit code says.
    """
    import ctypes

    handle = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return bool(last_error() == _ERROR_ACCESS_DENIED)
    try:
        code = ctypes.c_ulong()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return code.value == _STILL_ACTIVE
        return True
    finally:
        kernel32.CloseHandle(handle)


def read_lock(path: Path) -> LockInfo | None:
    """What a lock file says, or None when it is absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), float(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class RunLock:
    """``with RunLock(path):`` — raises :class:`LockBusy` when another live run holds it.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "run.lock"
    >>> with RunLock(p) as lock: p.exists()
    True
    >>> p.exists()
    False
    """

    def __init__(self, path: Path, *, stale_after: float = 12 * 3600) -> None:
        self.path = path
        self.stale_after = stale_after
        self.took_over: LockInfo | None = None

    def _stale(self, info: LockInfo | None) -> bool:
        if info is None:
            # unreadable: a writer died between create and write, or it is being written now
            try:
                return time.time() - self.path.stat().st_mtime > 60
            except OSError:
                return True
        if time.time() - info.started > self.stale_after:
            return True
        return info.host == socket.gethostname() and not _alive(info.pid)

    def acquire(self) -> RunLock:
        payload = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                info = read_lock(self.path)
                if not self._stale(info):
                    assert info is not None
                    raise LockBusy(f"Đang có một lần chạy khác ({info.describe()}); khoá: {self.path}.") \
                        from None
                self.took_over = info
                # move the stale lock aside atomically, so two runs cannot both take it over
                aside = self.path.with_name(f"{self.path.name}.stale.{os.getpid()}")
                try:
                    os.replace(self.path, aside)
                    aside.unlink()
                except FileNotFoundError:
                    pass
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            return self
        raise LockBusy(f"Không lấy được khoá {self.path}.")

    def release(self) -> None:
        info = read_lock(self.path)
        if info is not None and info.pid == os.getpid() and info.host == socket.gethostname():
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
