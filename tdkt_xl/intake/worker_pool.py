"""Reading many workbooks in worker processes, so that a hostile or broken file costs one file.

python-calamine is fast but aborts the whole process on some crafted files, and
openpyxl can spend minutes on others. :func:`read_many` reads each file in a
worker process with a memory limit (``RLIMIT_AS``, where the ``resource`` module
exists: not on Windows, where only the time limit applies) and a time limit, and
gives one :class:`ReadResult` per path: the values, or a :class:`Rejection` that
says in Vietnamese why the file was not read. A worker that dies or hangs costs
the file it was reading; the others are read all the same. How one file is read
(what the values are) is in :mod:`tdkt_xl.intake.book_readers`.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import faulthandler
import gc
import logging
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tdkt_xl.intake.book_readers import RawBook, read_values
from tdkt_xl.intake.reader_failures import crashed, out_of_memory, timed_out, unreadable
from tdkt_xl.intake.safety.examine import scan_package
from tdkt_xl.intake.safety.limits_and_rejections import MB, Limits, RejectedFile, Rejection
from tdkt_xl.intake.safety.word_package import scan_word_package
from tdkt_xl.intake.word_document import is_word_name

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.sharedctypes import Synchronized


@dataclass(frozen=True)
class ReadResult:
    """What became of one path: ``book`` when read, ``rejection`` when not.

    >>> ReadResult(Path("a.xlsx"), None, Rejection("empty-file", "Tệp rỗng."), 0.0).ok
    False
    """

    path: Path
    book: RawBook | None
    rejection: Rejection | None
    seconds: float
    modified: float | None = None  # the file's st_mtime as the worker saw it, when it says

    @property
    def ok(self) -> bool:
        return self.book is not None


Reader = Callable[[Path, Limits], RawBook]
_Outcome = tuple["RawBook | Rejection", float]
_Done = tuple[int, "RawBook | Rejection", float, "float | None"]  # index, outcome, seconds, st_mtime


_log = logging.getLogger(__name__)


# --- inside a worker process ---------------------------------------------------

_worker_memory_mb: int | None = None
_worker_slots: ctypes.Array[ctypes.c_double] | None = None
_worker_slot = -1
_SLOT_WIDTH = 3  # pid, index of the file being read, monotonic start (0 when idle)


def _limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at its current size plus ``memory_mb``; not on Windows."""
    global _worker_memory_mb
    _worker_memory_mb = memory_mb
    if sys.platform == "win32":
        return
    import resource

    base = 0
    try:
        with open("/proc/self/statm") as statm:
            base = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    limit = base + memory_mb * MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):  # macOS may refuse: the time limit still applies
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _read_guarded(reader: Reader, path: Path, limits: Limits) -> _Outcome:
    """``reader(path, limits)``, with every exception turned into a :class:`Rejection`."""
    start = time.perf_counter()
    outcome: RawBook | Rejection
    try:
        outcome = reader(path, limits)
    except RejectedFile as rejected:
        outcome = rejected.rejection
    except MemoryError:
        outcome = out_of_memory(_worker_memory_mb)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # calamine's PanicException is a BaseException
        outcome = unreadable(error)
    return outcome, time.perf_counter() - start


def _die_with_parent() -> None:
    """Linux: end this worker when the process that started it dies (even by SIGKILL).

    Otherwise a killed nightly run would leave its readers behind, holding its pipes open.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _init_worker(memory_mb: int, slots: ctypes.Array[ctypes.c_double], counter: Synchronized[int]) -> None:
    global _worker_slots, _worker_slot
    # What the worker inherited from the parent is never garbage here: left out of collections,
    # its pages are not touched (and so not copied) by the collector.
    gc.freeze()
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    faulthandler.disable()  # a file that crashes its reader is reported as a rejection, not a dump
    _limit_memory(memory_mb)
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    if (slot + 1) * _SLOT_WIDTH <= len(slots):
        _worker_slots, _worker_slot = slots, slot
        slots[slot * _SLOT_WIDTH] = os.getpid()


def _read_chunk(reader: Reader, tasks: list[tuple[int, str]], limits: Limits) -> list[_Done]:
    results: list[_Done] = []
    slots, at = _worker_slots, _worker_slot * _SLOT_WIDTH
    for index, name in tasks:
        if slots is not None:
            slots[at + 1] = index
            slots[at + 2] = time.monotonic()
        outcome, seconds = _read_guarded(reader, Path(name), limits)
        if slots is not None:
            slots[at + 2] = 0.0
        try:
            modified: float | None = os.stat(name).st_mtime
        except OSError:
            modified = None
        results.append((index, outcome, seconds, modified))
    return results


def _read_alone_main(reader: Reader, name: str, limits: Limits, memory_mb: int, sender: Connection,
                     log: str) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()
    try:  # keep what a dying reader prints (Rust says "memory allocation of … failed")
        handle = os.open(log, os.O_WRONLY | os.O_TRUNC)
        os.dup2(handle, 2)
        os.close(handle)
    except OSError:
        pass
    _limit_memory(memory_mb)
    try:  # a file that broke a pool: the full package scan first, to name the cause
        if is_word_name(name):
            scan_word_package(Path(name), limits)
        else:
            scan_package(Path(name), limits)
    except RejectedFile as rejected:
        sender.send((rejected.rejection, 0.0))
        sender.close()
        return
    except BaseException:  # the reader below reports what is wrong
        pass
    sender.send(_read_guarded(reader, Path(name), limits))
    sender.close()


# --- in the parent -------------------------------------------------------------

def _result(path: Path, outcome: RawBook | Rejection, seconds: float, modified: float | None = None
            ) -> ReadResult:
    if isinstance(outcome, Rejection):
        return ReadResult(path, None, outcome, seconds, modified)
    return ReadResult(path, outcome, None, seconds, modified)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL if sys.platform != "win32" else signal.SIGTERM)


_CLOSE_WAIT_S = 60  # at most, for a killed pool's thread to clean up
# Files a pool of forked workers is given before a fresh one takes over. Forked workers share the
# parent's pages until either side writes to one (a reference count, a freed block used again); then
# the page is copied, and over thousands of files most of the parent's heap would be held twice. A
# fresh pool shares the pages again: the memory of a run of ten thousand files stays near that of
# one of a thousand. (Workers started anew, as on Windows, share nothing and are slow to start: one
# pool reads everything.)
FILES_PER_POOL = 3000


class _Pool:
    """A process pool whose workers say which file each one reads, and since when."""

    def __init__(self, context: multiprocessing.context.BaseContext, workers: int, memory_mb: int) -> None:
        self.slots = context.RawArray(ctypes.c_double, workers * _SLOT_WIDTH)
        self.counter: Synchronized[int] = context.Value("i", 0)
        self.executor = cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker,
            initargs=(memory_mb, self.slots, self.counter),
        )
        self.closed = False
        self.given = 0  # files submitted to it
        # (workers started anew, as on Windows, share no pages with this process: one pool does)
        self.forked = context.get_start_method() == "fork"

    @property
    def share(self) -> int:
        """How many more files it may be given: :data:`FILES_PER_POOL` in all (at least one) for
        forked workers, no end for others."""
        return max(1, FILES_PER_POOL) - self.given if self.forked else sys.maxsize

    def running(self) -> dict[int, float]:
        """Index of the file each worker is reading -> when it started (monotonic)."""
        found: dict[int, float] = {}
        for at in range(0, len(self.slots), _SLOT_WIDTH):
            started, index, again = self.slots[at + 2], self.slots[at + 1], self.slots[at + 2]
            if started > 0 and started == again:
                found[int(index)] = started
        return found

    def kill(self) -> None:
        """Kill the workers now (SIGKILL; TerminateProcess on Windows), without waiting: those that
        said their pid, and those still starting (one left alive could wait for ever on a queue
        lock held by a killed one)."""
        ours = {process.pid for process in multiprocessing.active_children()}
        pids = {int(self.slots[at]) for at in range(0, len(self.slots), _SLOT_WIDTH)}
        starting = getattr(self.executor, "_processes", None) or {}  # (None once shut down)
        pids.update(process.pid for process in list(starting.values()) if process.pid)
        for pid in pids:
            if pid and pid in ours:
                _kill(pid)

    def close(self, *, kill: bool = False) -> None:
        """Shut the pool down: once its workers have finished (``kill``: at once, the workers
        killed). Never waits for ever on a worker killed while it sent a result."""
        if self.closed:
            return
        self.closed = True
        if not kill:
            self.executor.shutdown(wait=True, cancel_futures=True)
            return
        # A worker killed in the middle of sending a result leaves half a message in the result
        # pipe, and the executor's thread waits for the rest of it for ever (this process holds
        # the pipe's other end open). With the workers dead, closing that end ends the wait: the
        # thread then finds the pool broken and cleans up. (CPython internals, looked up with care.)
        manager: threading.Thread | None = getattr(self.executor, "_executor_manager_thread", None)
        results = getattr(self.executor, "_result_queue", None)
        self.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()
        if manager is not None:
            manager.join(_CLOSE_WAIT_S)
            if manager.is_alive():
                _log.warning("worker pool's thread still running %d s after its workers were killed",
                             _CLOSE_WAIT_S)


def _chunk_size(count: int, workers: int) -> int:
    return max(1, min(32, count // (workers * 8)))


def _read_alone(path: Path, reader: Reader, limits: Limits, timeout_s: float, memory_mb: int,
                context: multiprocessing.context.BaseContext) -> ReadResult:
    """Read one file in a process of its own, to tell what became of it when a pool broke."""
    receiver, sender = context.Pipe(duplex=False)
    handle, log = tempfile.mkstemp(prefix="tdkt_xl_", suffix=".log")
    os.close(handle)
    process = context.Process(  # type: ignore[attr-defined]
        target=_read_alone_main, args=(reader, str(path), limits, memory_mb, sender, log), daemon=True
    )
    start = time.perf_counter()
    try:
        process.start()
        sender.close()
        if not receiver.poll(timeout_s):
            process.kill()
            process.join()
            return ReadResult(path, None, timed_out(timeout_s), time.perf_counter() - start)
        try:
            outcome, seconds = receiver.recv()
        except (EOFError, OSError):
            pass
        else:
            process.join(5)
            return _result(path, outcome, seconds)
        process.join(timeout_s)  # it closed its end: it is ending (or stuck ending: killed below)
        if process.is_alive():
            process.kill()
            process.join()
        with open(log, "rb") as printed:
            said = printed.read()[-4096:].decode("utf-8", "replace")
        code = process.exitcode
        if code == -getattr(signal, "SIGKILL", 9) or any(
            marker in said for marker in ("memory allocation of", "MemoryError", "Cannot allocate memory",
                                          "out of memory")
        ):
            rejection = out_of_memory(memory_mb)
        elif code is not None and code < 0:
            try:
                detail = f"tiến trình đọc bị dừng bởi tín hiệu {signal.Signals(-code).name}"
            except ValueError:
                detail = f"tiến trình đọc bị dừng bởi tín hiệu {-code}"
            rejection = crashed(detail)
        else:
            rejection = crashed(f"tiến trình đọc kết thúc đột ngột, mã {code}")
        return ReadResult(path, None, rejection, time.perf_counter() - start)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
            process.join()
        with contextlib.suppress(OSError):
            os.unlink(log)


@dataclass
class _Queues:
    """Indexes of the files still to read: ``pending`` in a pool, ``suspects`` each in a process of
    its own; ``strikes``: those already sent back to ``pending`` once after a worker died."""

    pending: deque[int]
    suspects: deque[int] = field(default_factory=deque)
    strikes: set[int] = field(default_factory=set)


_InFlight = dict[cf.Future[list[_Done]], list[int]]  # a submitted chunk -> the indexes of its files


def _read_in_pools(
    paths: Sequence[Path], workers: int, timeout_s: float, memory_mb: int, limits: Limits, reader: Reader,
    context: multiprocessing.context.BaseContext, head_start: HeadStart | None = None,
) -> Iterator[tuple[int, ReadResult]]:
    """Read in a pool (the first one: ``head_start``'s, when given), a new one after a worker died
    or a file took too long; a suspect of a crash in a process of its own."""
    queues = _Queues(deque(range(len(paths))))
    started = head_start.take() if head_start is not None else None
    if started is not None:
        queues.pending = started[2]
    size = _chunk_size(len(paths), workers)
    poll = min(0.5, max(0.05, timeout_s / 20))
    while queues.pending or queues.suspects or started is not None:
        while queues.suspects:
            index = queues.suspects.popleft()
            yield index, _read_alone(paths[index], reader, limits, timeout_s, memory_mb, context)
        if not queues.pending and started is None:
            break
        pool, in_flight = started[:2] if started is not None else (_Pool(context, workers, memory_mb), {})
        started = None
        finished = False
        try:
            yield from _read_in_pool(pool, queues, paths, reader, limits, workers, size, poll, timeout_s,
                                     in_flight)
            finished = True
        finally:
            pool.close(kill=not finished)


def _read_in_pool(pool: _Pool, queues: _Queues, paths: Sequence[Path], reader: Reader, limits: Limits,
                  workers: int, size: int, poll: float, timeout_s: float, in_flight: _InFlight | None = None
                  ) -> Iterator[tuple[int, ReadResult]]:
    """Keep one pool busy until the pending files are read, a worker dies or a file takes too long
    (the pool is then closed and the files it was given are queued again). ``in_flight``: the
    chunks already given to it (by a :class:`HeadStart`)."""
    in_flight = {} if in_flight is None else in_flight
    last_sign = time.monotonic()  # of a worker's life: a chunk done or a file being read
    while (queues.pending and pool.share > 0) or in_flight:
        if not _submit_chunks(pool, in_flight, queues.pending, paths, reader, limits, workers, size):
            _requeue_after_crash(pool, in_flight, [], queues)  # a worker died since the last wait
            break
        done, _ = cf.wait(in_flight, timeout=poll, return_when=cf.FIRST_COMPLETED)
        lost = yield from _collect(done, in_flight, queues, paths)
        if lost:
            _requeue_after_crash(pool, in_flight, lost, queues)
            break
        running = pool.running()
        if done or running:
            last_sign = time.monotonic()
        elif in_flight and time.monotonic() - last_sign > timeout_s:
            # Chunks given, none done and no worker reading for the whole time limit: the workers
            # are stuck before or between files (a lock inherited held at the fork, say). Start a
            # new pool; the files go back to the queue, alone at the second time.
            _log.warning("worker pool stuck for %.0f s: started again", time.monotonic() - last_sign)
            _requeue_after_crash(pool, in_flight, [], queues, kill=True)
            break
        outstanding = {index for chunk in in_flight.values() for index in chunk}
        expired = _over_time(running, outstanding, timeout_s)
        if expired:
            pool.close(kill=True)
            for index, seconds in expired.items():
                yield index, ReadResult(paths[index], None, timed_out(timeout_s), seconds)
            queues.pending.extendleft(index for index in outstanding if index not in expired)
            in_flight.clear()
            break


def _submit_chunks(pool: _Pool, in_flight: _InFlight, pending: deque[int], paths: Sequence[Path],
                   reader: Reader, limits: Limits, workers: int, size: int) -> bool:
    """Give the pool chunks of pending files until twice as many chunks as workers are in flight,
    and no more than :data:`FILES_PER_POOL` in all.

    False when the pool broke before it took them (a worker died after the last wait said
    nothing was done): the chunk goes back to the front of ``pending``."""
    while pending and len(in_flight) < 2 * workers and pool.share > 0:
        # smaller chunks as the queue (or the pool's share) runs out, so that the workers finish at
        # about the same time
        left = min(len(pending), pool.share)
        take = min(size, left, max(1, left // (2 * workers)))
        chunk = [pending.popleft() for _ in range(take)]
        tasks = [(index, str(paths[index])) for index in chunk]
        try:
            future = pool.executor.submit(_read_chunk, reader, tasks, limits)
        except BrokenProcessPool:
            pending.extendleft(reversed(chunk))
            return False
        in_flight[future] = chunk
        pool.given += len(chunk)
    return True


def _collect(done: Iterable[cf.Future[list[_Done]]], in_flight: _InFlight, queues: _Queues,
             paths: Sequence[Path]) -> Generator[tuple[int, ReadResult], None, list[int]]:
    """Yield the results of the chunks done; return the files of those a dead worker lost."""
    lost: list[int] = []
    for future in done:
        chunk = in_flight.pop(future)
        try:
            results = future.result()
        except BrokenProcessPool:
            lost.extend(chunk)
            continue
        except Exception:  # a result that could not be sent back: try alone
            queues.suspects.extend(chunk)
            continue
        for index, outcome, seconds, modified in results:
            yield index, _result(paths[index], outcome, seconds, modified)
    return lost


def _requeue_after_crash(pool: _Pool, in_flight: _InFlight, lost: list[int], queues: _Queues, *,
                         kill: bool = False) -> None:
    """Close a pool whose worker died (``kill``: whose workers are stuck) and queue again the files
    it lost and those still in flight."""
    # A worker died: the files being read then are suspects, read alone;
    # the others go back in the queue (alone too if caught in a second crash).
    running = pool.running()
    lost.extend(index for chunk in in_flight.values() for index in chunk)
    in_flight.clear()
    pool.close(kill=kill)
    for index in lost:
        if index in running or index in queues.strikes:
            queues.suspects.append(index)
        else:
            queues.strikes.add(index)
            queues.pending.appendleft(index)


def _over_time(running: dict[int, float], outstanding: set[int], timeout_s: float) -> dict[int, float]:
    """The files of ``outstanding`` a worker has been reading (``running``: :meth:`_Pool.running`)
    for over ``timeout_s``: their seconds."""
    now = time.monotonic()
    return {index: now - started for index, started in running.items()
            if now - started > timeout_s and index in outstanding}


def _read_with_executor(paths: Sequence[Path], executor: cf.Executor, workers: int, timeout_s: float,
                        limits: Limits, reader: Reader) -> Iterator[tuple[int, ReadResult]]:
    """A caller's executor: submit and result only, a time limit, no rebuilding."""
    pending: deque[int] = deque(range(len(paths)))
    in_flight: deque[tuple[int, float, cf.Future[_Outcome]]] = deque()
    while pending or in_flight:
        while pending and len(in_flight) < workers:
            index = pending.popleft()
            in_flight.append((index, time.monotonic(), executor.submit(_read_guarded, reader, paths[index],
                                                                       limits)))
        index, submitted, future = in_flight.popleft()
        try:
            outcome, seconds = future.result(timeout=max(0.0, submitted + timeout_s - time.monotonic()))
        except (TimeoutError, cf.TimeoutError):
            future.cancel()
            yield index, ReadResult(paths[index], None, timed_out(timeout_s), time.monotonic() - submitted)
            continue
        except Exception as error:  # a broken pool, a lost worker of a distributed cluster…
            _log.warning("reader failed: %s: %s", type(error).__name__, error)
            failed = crashed("tiến trình đọc gặp lỗi ngoài dự kiến")
            yield index, ReadResult(paths[index], None, failed, time.monotonic() - submitted)
            continue
        yield index, _result(paths[index], outcome, seconds)


class HeadStart:
    """A pool started, and given the first files, before the caller is ready to take the results
    (the command forks it before it loads the plan, so that the second core reads reports while the
    first loads the plan): hand it to :func:`read_many` with the same paths and reader.

    The workers are forked here, in the calling thread; a thread then keeps up to two chunks per
    worker submitted until :func:`read_many` takes the pool over (it forks nothing). Everything
    else is as in :func:`read_many`: the same limits, a worker that dies or a file over time
    handled the same way. Close it (or use it as a context manager) when it is not taken.
    """

    CHUNK = 4  # small chunks: the caller may take over soon

    def __init__(self, paths: Sequence[Path], *, workers: int = 2, memory_mb: int = 1024,
                 limits: Limits = Limits(), reader: Reader = read_values,  # noqa: B008
                 mp_context: multiprocessing.context.BaseContext | None = None) -> None:
        self.paths = _as_paths(paths)
        self.workers = max(1, min(workers, len(self.paths)))
        self.memory_mb, self.limits, self.reader = memory_mb, limits, reader
        self.context = mp_context or _default_context()
        self.in_flight: _InFlight = {}
        self.next = 0
        self.pool: _Pool | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if not self.paths:
            return
        # as read_many: forked workers start with the caller's objects frozen (read_many unfreezes)
        gc.freeze()
        self.pool = _Pool(self.context, self.workers, memory_mb)
        self._submit()  # forks the workers, here and now
        self._thread = threading.Thread(target=self._feed, name="tdkt_xl-head-start", daemon=True)
        self._thread.start()

    def _submit(self) -> bool:
        assert self.pool is not None
        # (no more than the pool's share: read_many then goes on in a fresh pool)
        chunk = list(range(self.next, min(self.next + min(self.CHUNK, self.pool.share), len(self.paths))))
        tasks = [(index, str(self.paths[index])) for index in chunk]
        try:
            future = self.pool.executor.submit(_read_chunk, self.reader, tasks, self.limits)
        except (BrokenProcessPool, RuntimeError):
            return False
        self.in_flight[future] = chunk
        self.next += len(chunk)
        self.pool.given += len(chunk)
        return True

    def _feed(self) -> None:
        while not self._stop.is_set() and self.next < len(self.paths) and self.pool is not None \
                and self.pool.share > 0:
            busy = [future for future in self.in_flight if not future.done()]
            if len(busy) >= 2 * self.workers:
                cf.wait(busy, timeout=0.05, return_when=cf.FIRST_COMPLETED)
            elif not self._submit():
                return

    def _halt(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def take(self) -> tuple[_Pool, _InFlight, deque[int]] | None:
        """For :func:`read_many`: the pool, the chunks in flight, the indexes not yet submitted."""
        self._halt()
        if self.pool is None:
            return None
        pool, self.pool = self.pool, None
        return pool, self.in_flight, deque(range(self.next, len(self.paths)))

    def close(self) -> None:
        """Stop the workers when :func:`read_many` did not take them over."""
        self._halt()
        if self.pool is not None:
            self.pool.close(kill=True)
            self.pool = None

    def __enter__(self) -> HeadStart:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_paths(paths: Sequence[Path | str]) -> list[Path]:
    """The paths as Path objects, those given as such the same objects (not a second ten thousand)."""
    return [path if isinstance(path, Path) else Path(path) for path in paths]


def _default_context() -> multiprocessing.context.BaseContext:
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")  # cheap to start again after a crash
    return multiprocessing.get_context()


def read_many(
    paths: Sequence[Path],
    *,
    workers: int = 2,
    timeout_s: float = 60,
    memory_mb: int = 1024,
    limits: Limits = Limits(),  # noqa: B008
    executor: cf.Executor | None = None,
    reader: Reader = read_values,
    mp_context: multiprocessing.context.BaseContext | None = None,
    head_start: HeadStart | None = None,
) -> Iterator[ReadResult]:
    """Read many workbooks in worker processes; yield one :class:`ReadResult` per path, in any order.

    Each worker may use ``memory_mb`` MB beyond its size at start (``RLIMIT_AS``;
    not on Windows, where only the time limit applies); a file that takes longer
    than ``timeout_s`` seconds is rejected ("timeout") and the pool's workers are
    killed and replaced. A worker that dies (abort, segfault, killed by the OS)
    costs only the file it was reading ("crashed-reader", "out-of-memory"): the
    files in flight are read again, the suspects one at a time in a process of their own.

    With a caller's ``executor`` (say, a Dask client's), tasks are only submitted
    there (one file each, ``workers`` at a time) and the time limit counts from
    submission; a file over time is rejected but cannot be stopped (it keeps its
    worker busy). ``reader`` must be a module-level function (it is sent to the
    workers); where processes are spawned (Windows, macOS) call this under
    ``if __name__ == "__main__":``. ``head_start``: a :class:`HeadStart` started on the same
    ``paths`` with the same ``reader``, whose pool reads first (not with a caller's ``executor``).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rong.xlsx"; _ = p.write_bytes(b"")
    >>> [(r.path.name, r.rejection.code) for r in read_many([p], workers=1)]
    [('rong.xlsx', 'empty-file')]
    """
    paths = _as_paths(paths)
    if head_start is not None and (executor is not None or head_start.paths != paths):
        head_start.close()  # (not the same files: read as if there were none)
        head_start = None
    if not paths:
        return
    # The caller's objects (the plan, earlier results) stay out of collections while
    # thousands of results arrive; forked workers start with them frozen too.
    gc.freeze()
    try:
        yield from _read_many(paths, workers, timeout_s, memory_mb, limits, executor, reader, mp_context,
                              head_start)
    finally:
        gc.unfreeze()


def _read_many(paths: list[Path], workers: int, timeout_s: float, memory_mb: int, limits: Limits,
               executor: cf.Executor | None, reader: Reader,
               mp_context: multiprocessing.context.BaseContext | None,
               head_start: HeadStart | None = None) -> Iterator[ReadResult]:
    workers = max(1, workers)
    seen: set[int] = set()
    if executor is not None:
        stream = _read_with_executor(paths, executor, workers, timeout_s, limits, reader)
    else:
        context = mp_context or (head_start.context if head_start is not None else _default_context())
        workers = min(workers, len(paths))
        stream = _read_in_pools(paths, workers, timeout_s, memory_mb, limits, reader, context, head_start)
    for index, result in stream:
        if index in seen:  # never twice, whatever happened
            continue
        seen.add(index)
        yield result
