"""What kind of entry an inbox folder holds, and opening one safely (issue 15: the inbox walk).

Only regular files are opened: a named pipe (FIFO) blocks whoever opens it for reading, a
device such as ``/dev/zero`` never ends, a socket cannot be read at all. :func:`entry_status`
tells, without opening anything, whether a path is a regular file (following symbolic links,
at most :data:`MAX_LINK_DEPTH` of them, so a loop ends) or why it is skipped;
:func:`open_regular` opens one non-blocking and checks again on the open descriptor (the entry
may have been replaced since); :func:`bounded_sha256` hashes one, bounded in size and time.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
import time
from dataclasses import dataclass

from tdkt_xl.errors import Code, TdktError
from tdkt_xl.intake.safety.limits_and_rejections import Limits
from tdkt_xl.plans.text import os_error_reason, shown_name

MAX_LINK_DEPTH = 8  # symbolic links followed in a row; more is taken as a loop
_read = os.read  # one name for the reads of a hash (a test blocks it to play a stalled share)
HASH_SECONDS = 60.0  # hashing one inbox file in the main process stops after this long
_CHUNK = 1 << 20
# read only, never blocking on a pipe that slipped in (where the system has it), binary on Windows
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
               | getattr(os, "O_CLOEXEC", 0))


@dataclass(frozen=True)
class Skipped:
    """Why an entry of the inbox is not read: a code of the registry and a Vietnamese reason."""

    code: Code
    reason: str


class UnsafeEntry(TdktError, OSError):
    """An entry that must not be opened (not a regular file, a link loop…); ``skipped`` says why.

    An :class:`OSError` too, so that a caller that reports OS errors reports it (in Vietnamese).
    """

    def __init__(self, skipped: Skipped, path: str | None = None) -> None:
        super().__init__(skipped.reason)
        self.skipped = skipped
        self.strerror = skipped.reason  # (the reason and the path, told by tdkt_xl.plans.text.os_error_text)
        self.filename = path

    def __str__(self) -> str:
        return f"{self.skipped.reason} ({self.filename})" if self.filename else self.skipped.reason


class EntryReplaced(TdktError, FileNotFoundError):
    """The entry checked is not the one opened (replaced meanwhile): taken as gone, seen again at
    the next scan."""


class ReadTooSlow(TdktError, TimeoutError):
    """Reading an inbox file in this process took longer than allowed (a share that stalls)."""


def kind_name(mode: int) -> str:
    """What an entry that is not a regular file is, in Vietnamese.

    >>> kind_name(stat.S_IFIFO), kind_name(stat.S_IFCHR)
    ('ống dẫn có tên (FIFO)', 'tệp thiết bị (thiết bị ký tự)')
    """
    if stat.S_ISFIFO(mode):
        return "ống dẫn có tên (FIFO)"
    if stat.S_ISCHR(mode):
        return "tệp thiết bị (thiết bị ký tự)"
    if stat.S_ISBLK(mode):
        return "tệp thiết bị (thiết bị khối)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISDIR(mode):
        return "thư mục"
    return "mục đặc biệt của hệ điều hành"


def not_regular(mode: int, linked: bool = False) -> Skipped:
    """An entry that is not a regular file (``linked``: reached through a symbolic link).

    >>> not_regular(stat.S_IFIFO).reason.startswith("Không phải tệp thường mà là ống dẫn có tên")
    True
    """
    via = "liên kết tượng trưng (symlink) tới " if linked else ""
    return Skipped(Code.NOT_A_REGULAR_FILE,
                   f"Không phải tệp thường mà là {via}{kind_name(mode)}: không mở để khỏi treo chương "
                   "trình, nên bỏ qua. Xoá mục này khỏi hộp thư và chép tệp báo cáo thật vào.")


def link_loop() -> Skipped:
    return Skipped(Code.SYMLINK_LOOP,
                   f"Liên kết tượng trưng (symlink) vòng lặp hoặc nối quá {MAX_LINK_DEPTH} tầng, không trỏ "
                   "tới tệp nào, nên bỏ qua. Xoá liên kết và chép tệp báo cáo thật vào hộp thư.")


def dangling_link(target: str) -> Skipped:
    """A symbolic link to nothing.

    >>> dangling_link("cu/P1.xlsx").code
    'dangling-link'
    """
    return Skipped(Code.DANGLING_LINK,
                   f"Liên kết tượng trưng (symlink) trỏ tới {shown_name(target)}, nơi không còn tệp nào, "
                   "nên bỏ qua. Xoá liên kết và chép tệp báo cáo thật vào hộp thư.")


def unreadable_entry(error: OSError, *, folder: bool = False) -> Skipped:
    """A file or folder the run may not look at (permissions) or that the system will not give.

    >>> unreadable_entry(PermissionError(errno.EACCES, "Permission denied"), folder=True).reason[:71]
    'Không đọc được thư mục (tài khoản chạy chương trình không có quyền đọc)'
    """
    what = "thư mục" if folder else "tệp"
    inside = ": các tệp bên trong chưa được đọc" if folder else ""
    why = ("tài khoản chạy chương trình không có quyền đọc" if error.errno in (errno.EACCES, errno.EPERM)
           else os_error_reason(error))
    return Skipped(Code.ENTRY_UNREADABLE,
                   f"Không đọc được {what} ({why}){inside}. Cấp quyền đọc {what} cho tài khoản chạy "
                   "chương trình rồi chạy lại.")


def _link_step(current: str) -> str:
    target = os.readlink(current)
    return os.path.join(os.path.dirname(current), target)


def entry_status(path: str) -> os.stat_result | Skipped:
    """The status of the regular file at ``path`` (through symbolic links, at most
    :data:`MAX_LINK_DEPTH`), or why it is skipped; opens nothing. Raises FileNotFoundError
    when ``path`` itself is gone.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp(); a, b = os.path.join(folder, "a.xlsx"), os.path.join(folder, "b.xlsx")
    >>> os.symlink("b.xlsx", a); os.symlink("a.xlsx", b)
    >>> entry_status(a).code
    'symlink-loop'
    """
    current, hops = path, 0
    while True:
        try:
            status = os.lstat(current)
        except FileNotFoundError:
            if hops == 0:
                raise
            return dangling_link(os.readlink(path) if os.path.islink(path) else current)
        except OSError as error:
            if error.errno == errno.ELOOP:
                return link_loop()
            return unreadable_entry(error)
        if stat.S_ISREG(status.st_mode):
            return status
        if not stat.S_ISLNK(status.st_mode):
            return not_regular(status.st_mode, linked=hops > 0)
        if hops >= MAX_LINK_DEPTH:
            return link_loop()
        try:
            current, hops = _link_step(current), hops + 1
        except OSError as error:
            return unreadable_entry(error)


def open_regular(path: str, expected: os.stat_result | None = None) -> int:
    """A read-only descriptor of the regular file at ``path``: checked before it is opened (so a
    device is never opened), opened non-blocking where the system has it, and checked again on
    the open descriptor (``expected``: the same file as that status). Raises :class:`UnsafeEntry`
    or an OSError."""
    checked = entry_status(path)
    if isinstance(checked, Skipped):
        raise UnsafeEntry(checked, path)
    handle = os.open(path, _READ_FLAGS)
    try:
        opened = os.fstat(handle)
        if not stat.S_ISREG(opened.st_mode):
            raise UnsafeEntry(not_regular(opened.st_mode), path)
        reference = expected or checked
        if (opened.st_dev, opened.st_ino) != (reference.st_dev, reference.st_ino) and opened.st_ino:
            raise EntryReplaced(errno.ENOENT, "tệp vừa bị thay bằng tệp khác", path)  # as if gone
    except BaseException:
        os.close(handle)
        raise
    return handle


def bounded_sha256(path: str, limits: Limits = Limits(), timeout_s: float = HASH_SECONDS) -> str:  # noqa: B008
    """The SHA-256 of the regular file at ``path``, reading at most ``limits.max_file_bytes`` (a
    larger file: the digest of that much and of its size; it is refused when read anyway) and for
    at most ``timeout_s`` seconds (then :class:`ReadTooSlow`, a TimeoutError, in Vietnamese).

    >>> import tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.xlsx"); _ = open(p, "wb").write(b"abc")
    >>> bounded_sha256(p)[:12], bounded_sha256(p, Limits(max_file_bytes=2))[:12] != "ba7816bf8f01"
    ('ba7816bf8f01', True)
    """
    handle = open_regular(path)
    deadline = time.monotonic() + timeout_s
    digest = hashlib.sha256()
    left = limits.max_file_bytes
    try:
        while left > 0:
            chunk = _read(handle, min(_CHUNK, left))
            if not chunk:
                return digest.hexdigest()
            digest.update(chunk)
            left -= len(chunk)
            if time.monotonic() > deadline:
                raise ReadTooSlow(f"đọc tệp quá {timeout_s:g} giây")
        size = os.fstat(handle).st_size
        if size > limits.max_file_bytes:  # (the size, so that a longer file is not the same content)
            digest.update(f"\0size={size}".encode())
        return digest.hexdigest()
    finally:
        os.close(handle)


def sha256_within(path: str, limits: Limits = Limits(), timeout_s: float = HASH_SECONDS) -> str:  # noqa: B008
    """:func:`bounded_sha256` in a thread of its own, so that an open or a read the system itself
    blocks in (a network share that stopped answering) cannot hold the run: after ``timeout_s``
    (and a second's grace) the file is left to that thread and :class:`ReadTooSlow` is raised.

    >>> import tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.xlsx"); _ = open(p, "wb").write(b"abc")
    >>> sha256_within(p)[:12]
    'ba7816bf8f01'
    """
    result: list[str] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            result.append(bounded_sha256(path, limits, timeout_s))
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    thread = threading.Thread(target=work, name="tdkt-hash", daemon=True)
    thread.start()
    thread.join(timeout_s + 1.0)
    if thread.is_alive():
        raise ReadTooSlow(f"đọc tệp quá {timeout_s:g} giây")
    if failure:
        raise failure[0]
    return result[0]
