"""One run at a time: a lock file that survives crashes without a person cleaning up.

The lock is a small JSON file created with O_EXCL (atomic on local disks and on
SMB/NFS shares alike). A lock whose process is gone (same host, pid not alive),
that is older than ``stale_after`` seconds, or that is still empty or unreadable
a minute after it was written is stale and taken over.

Only one run may remove a given stale lock. It first creates, with O_EXCL, a
takeover ticket named after the lock's content (``<lock>.takeover-<hash>-<n>``),
then reads the lock again and removes it only if it still holds that content.
Every removal of the lock file, the owner's own release included, goes through
such a ticket (only a run that fails to write its new lock removes it at once),
and each lock's content is unique (a random token), so no run can remove a lock
other than the one it judged: at most one run holds the lock.
The only assumption is on time: a run never takes longer than a minute between
creating a file (the lock or a ticket) and finishing with it; a ticket older
than that is left by a dead run, and the next generation ``n + 1`` is taken.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from tdkt_xl.errors import TdktError


class LockBusy(TdktError):
    """Another run holds the lock; the message says which and since when."""


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    started: float
    readable: bool = True

    def describe(self) -> str:
        when = time.strftime("%d/%m/%Y %H:%M:%S", time.localtime(self.started))
        if not self.readable:
            return f"một lần chạy chưa ghi xong khoá, tạo lúc {when}"
        return f"tiến trình {self.pid} trên máy {self.host}, từ {when}"


SETTLE_SECONDS = 60.0  # longest a run takes between creating a file and finishing with it
_TICKET_GENERATIONS = 8
_ERROR_ACCESS_DENIED = 5
_STILL_ACTIVE = 259
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_CREATE = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)


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


def _parse(data: bytes) -> LockInfo | None:
    try:
        fields = json.loads(data.decode("utf-8"))
        return LockInfo(int(fields["pid"]), str(fields["host"]), float(fields["started"]))
    except (ValueError, KeyError, TypeError):
        return None


def read_lock(path: Path) -> LockInfo | None:
    """What a lock file says, or None when it is absent or unreadable."""
    try:
        return _parse(path.read_bytes())
    except OSError:
        return None


@dataclass(frozen=True)
class _Seen:
    """A lock file's content and modification time, read together."""

    data: bytes
    mtime: float

    @property
    def key(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


def _look(path: Path) -> _Seen | None:
    """The lock file as it is now; None when it is absent (or, on Windows, being deleted)."""
    try:
        with open(path, "rb") as handle:
            return _Seen(handle.read(), os.fstat(handle.fileno()).st_mtime)
    except (FileNotFoundError, PermissionError):
        return None


def _create_new(path: Path) -> int:
    """Create ``path`` only if it does not exist (O_EXCL): its descriptor; FileExistsError if it does."""
    return os.open(path, _CREATE, 0o644)


def _write(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _age(path: Path) -> float:
    """Seconds since ``path`` was modified; 0 when it has just been removed."""
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _unlink(path: Path) -> None:
    for attempt in range(20):
        try:
            path.unlink(missing_ok=True)
            return
        except PermissionError:  # Windows: another run has it open for a moment to read it
            if attempt == 19:
                raise
            time.sleep(0.05)


class RunLock:
    """``with RunLock(path):`` — raises :class:`LockBusy` when another live run holds it.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "run.lock"
    >>> with RunLock(p) as lock: p.exists()
    True
    >>> sorted(p.parent.iterdir())
    []
    """

    def __init__(self, path: Path, *, stale_after: float = 12 * 3600) -> None:
        self.path = path
        self.stale_after = stale_after
        self.took_over: LockInfo | None = None
        self._payload: bytes | None = None  # what this run wrote into the lock, while it holds it

    def _stale(self, info: LockInfo | None, mtime: float) -> bool:
        if info is None:  # empty or unreadable: being written now, or its writer died in between
            return time.time() - mtime > SETTLE_SECONDS
        if time.time() - info.started > self.stale_after:
            return True
        return info.host == socket.gethostname() and not _alive(info.pid)

    def _busy(self, what: str) -> LockBusy:
        return LockBusy(f"Đang có một lần chạy khác ({what}); khoá: {self.path}.")

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(5):
            if self._create():
                self._drop_old_tickets()
                return self
            seen = _look(self.path)
            if seen is None:
                continue  # removed in between: try again
            info = _parse(seen.data)
            if not self._stale(info, seen.mtime):
                raise self._busy(info.describe() if info is not None else "khoá đang được tạo")
            if self._remove_stale(seen):
                self.took_over = info if info is not None else LockInfo(0, "", seen.mtime, readable=False)
        raise LockBusy(f"Không lấy được khoá {self.path}.")

    def _create(self) -> bool:
        """Create the lock with this run's content; False when a lock file is there."""
        payload = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(),
                              "token": secrets.token_hex(8)}).encode("utf-8")
        try:
            fd = _create_new(self.path)
        except FileExistsError:
            return False
        try:
            _write(fd, payload)
        except BaseException:
            _unlink(self.path)  # nobody removes a lock this young but its writer
            raise
        seen = _look(self.path)
        if seen is None or seen.data != payload:  # only if this run stalled a minute before writing
            raise self._busy("nó đã tiếp quản khoá khi lần chạy này đang tạo")
        self._payload = payload
        return True

    def _ticket(self, key: str, generation: int) -> Path:
        return self.path.with_name(f"{self.path.name}.takeover-{key}-{generation}")

    def _claim(self, key: str) -> int:
        """Take the takeover ticket of the lock whose content hashes to ``key``: its generation.

        Raises LockBusy when another run holds it (a ticket younger than a minute).
        """
        for generation in range(_TICKET_GENERATIONS):
            ticket = self._ticket(key, generation)
            try:
                os.close(_create_new(ticket))
                return generation
            except FileExistsError:
                if _age(ticket) <= SETTLE_SECONDS:  # its holder is at work (or has just finished)
                    raise self._busy("nó đang tiếp quản khoá cũ") from None
        raise LockBusy(f"Không lấy được khoá {self.path}.")

    def _drop_tickets(self, key: str, generation: int) -> None:
        """Remove the tickets of ``key`` up to ``generation`` once the lock no longer holds it.

        The lock never holds that content again (an empty one is judged again by its age), so a
        ticket made for it later is harmless.
        """
        for older in range(generation, -1, -1):
            _unlink(self._ticket(key, older))

    def _drop_old_tickets(self) -> None:
        """Remove tickets left by dead runs; safe while this run holds the lock (see above)."""
        assert self._payload is not None
        own = _Seen(self._payload, 0.0).key
        with contextlib.suppress(OSError):  # only tidying up
            for ticket in self.path.parent.glob(f"{self.path.name}.takeover-*"):
                if f"-{own}-" not in ticket.name:
                    ticket.unlink(missing_ok=True)

    def _remove_stale(self, seen: _Seen) -> bool:
        """Remove the stale lock ``seen`` if it is still there; whether this run removed it."""
        generation = self._claim(seen.key)
        try:
            now = _look(self.path)
            if now is None or now.data != seen.data or not self._stale(_parse(now.data), now.mtime):
                return False  # another run took it over, or its writer has just written it
            _unlink(self.path)
            return True
        finally:
            self._drop_tickets(seen.key, generation)

    def release(self) -> None:
        """Remove the lock if this run still holds it (a run that took it over keeps it)."""
        payload, self._payload = self._payload, None
        if payload is None:
            return
        own = _Seen(payload, 0.0)
        try:
            generation = self._claim(own.key)
        except LockBusy:
            return  # a run judged this lock stale and is removing it right now
        try:
            now = _look(self.path)
            if now is not None and now.data == payload:
                _unlink(self.path)
        finally:
            self._drop_tickets(own.key, generation)

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
