"""The nightly run: incremental, crash-safe, one run at a time.

Each run: take the lock; scan the inbox; parse only files that are new or
changed since the ledger last saw them (a file modified in the last
``fresh_seconds`` waits for the next run); record the results in the ledger in
transactions of up to 200 files or 2 seconds; rebuild the master from the ledger
(the plan itself comes from the ledger when its file has not changed) and write it
atomically; append a line to the run log. Killing the process at any point
leaves the previous master intact and the ledger consistent, and the next run
completes the work.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import errno
import json
import logging
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tdkt_xl import __version__
from tdkt_xl.atomic import atomic_copy, atomic_write_text, backup_path
from tdkt_xl.collector import collector_paused
from tdkt_xl.consolidation.inbox import Inbox, check_result, checking_in_workers, scan_inbox
from tdkt_xl.consolidation.master import write_rows
from tdkt_xl.consolidation.master_skeleton import build_skeleton
from tdkt_xl.errors import Code, MissingExtra
from tdkt_xl.heap import give_back_freed_memory
from tdkt_xl.intake.book_readers import read_values
from tdkt_xl.intake.file_formats import WorkbookError
from tdkt_xl.intake.inbox_entries import UnsafeEntry, sha256_within
from tdkt_xl.intake.safety.limits_and_rejections import Limits
from tdkt_xl.intake.unit_report import READER_VERSION, UnitReport
from tdkt_xl.intake.worker_pool import HeadStart, ReadResult, read_many
from tdkt_xl.nightly.ledger import RETRIED, CurrentFile, Ledger, read_again
from tdkt_xl.nightly.lock import LockBusy, RunLock
from tdkt_xl.nightly.rebuild import Cache, Rebuilt, few_enough, read_cache, rebuild
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.nightly.summary import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_MASTER_IN_USE,
    EXIT_REJECTED,
    NightlySummary,
)
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import today_in_vietnam, vietnam_time
from tdkt_xl.plans.text import os_error_message, os_error_reason, shown_name
from tdkt_xl.reports.layout import plan_id

KEPT_READ = 1000  # reports kept for the rebuild as read (more: decoded from the ledger, a few at a time)
QUARANTINE_LIMIT = Limits().max_file_bytes  # a quarantine copy: no larger than a report may be
KILL_ENV = "TDKT_TEST_KILL_AT"  # tests only: SIGKILL this process at a named point

_log = logging.getLogger(__name__)


def crash_point(name: str) -> None:
    """Let tests kill a real run at a named point (a real SIGKILL, no clean-up runs)."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def sha256_of(path: Path) -> str:
    """The digest of a regular file (an inbox file or the plan), bounded in size and time; a pipe,
    a device or a link loop raises :class:`~tdkt_xl.intake.inbox_entries.UnsafeEntry` (an OSError
    in Vietnamese) instead of being opened (:func:`~tdkt_xl.intake.inbox_entries.sha256_within`)."""
    return sha256_within(os.fspath(path))


@contextmanager
def _phase(summary: NightlySummary, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        summary.phases[name] = round(summary.phases.get(name, 0) + time.perf_counter() - started, 3)


def _clean_leftovers(master: Path) -> None:
    """Temporary masters left by a killed run (we hold the lock, so none is in use)."""
    for leftover in master.parent.glob(f".{master.stem}.*{master.suffix}"):
        leftover.unlink(missing_ok=True)


def _quarantine_rejected(folder: Path, summary: NightlySummary, ledger: Ledger, root: Path,
                         present: set[str], real_names: dict[str, str]) -> None:
    """Copy every rejected file still in the inbox that has no copy in quarantine yet: those
    rejected in this run, and those a full or read-only quarantine folder turned away before."""
    for version_id, name, reason in ledger.to_quarantine():
        if name not in present:
            continue
        try:
            _quarantine(folder, root / real_names.get(name, name), name, reason, root)
        except FileNotFoundError:
            continue  # gone since the scan
        except OSError as error:  # the quarantine folder is full or read-only: say so, go on
            summary.say(f"Không chép được {name} vào thư mục cách ly: {os_error_reason(error)}; sẽ thử "
                        "lại ở lần chạy sau.")
            return
        ledger.mark_quarantined(version_id)
        summary.files["quarantined"].append(name)


def _quarantine(folder: Path, source: Path, name: str, reason: str, inbox: Path | None = None) -> None:
    """A copy of ``source`` (inputs are never moved or deleted; no more than the largest report
    the intake takes, so a huge file cannot fill the disk; only a file inside ``inbox``) and a note
    of why, each written whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    flat = name.replace("/", "__")
    if inbox is None or _inside(source, inbox):
        atomic_copy(source, folder / flat, limit=QUARANTINE_LIMIT)
        cut = (f"Bản sao chỉ gồm {QUARANTINE_LIMIT} byte đầu của tệp.\n"
               if source.stat().st_size > QUARANTINE_LIMIT else "")
    else:  # a link to a file elsewhere: its content is not copied into a folder others may read
        cut = "Tệp là liên kết tới một tệp ngoài hộp thư nên không được chép vào đây.\n"
    atomic_write_text(folder / f"{flat}.ly_do.txt", f"Tệp: {name}\nLý do bị loại: {reason}\n{cut}")


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, its links followed, is a file under ``folder``."""
    try:
        return path.resolve(strict=True).is_relative_to(folder.resolve(strict=True))
    except (OSError, RuntimeError):
        return False


def _executor(settings: NightlySettings) -> tuple[concurrent.futures.Executor | None, Any]:
    """A Dask distributed executor when a scheduler is given; None means the local process pool."""
    if not settings.scheduler:
        return None, None
    try:
        from distributed import Client
    except ImportError as error:
        raise MissingExtra("Cần cài thêm: pip install 'tdkt_xl[dask]' để dùng --scheduler.") from error
    client = Client(settings.scheduler)  # type: ignore[no-untyped-call]
    return client.get_executor(), client  # type: ignore[no-untyped-call]


def run_nightly(settings: NightlySettings, *, executor: concurrent.futures.Executor | None = None
                ) -> NightlySummary:
    """One nightly run. Never raises for bad input files; returns the summary with its exit code."""
    summary = NightlySummary(started=datetime.now().isoformat(timespec="seconds"), master=str(settings.out))
    lock = RunLock(settings.lock_path)
    try:
        lock.acquire()
    except LockBusy as busy:
        summary.exit_code, summary.message = EXIT_LOCKED, str(busy)
        return summary
    except OSError as error:  # the ledger's folder cannot be made or written
        summary.exit_code = EXIT_FAILED
        summary.message = f"Không tạo được khoá chạy {settings.lock_path}: {os_error_reason(error)}."
        _append_log(settings, summary)
        return summary
    client = None
    try:
        if lock.took_over is not None:
            summary.took_over_lock = lock.took_over.describe()
        if executor is None:
            executor, client = _executor(settings)
        _run(settings, summary, executor)
    except OSError as error:  # a full disk, no permission, a read-only disk, a share gone
        summary.exit_code, summary.message = EXIT_FAILED, os_error_message(error)
    except (WorkbookError, RuntimeError, ValueError) as error:
        summary.exit_code, summary.message = EXIT_FAILED, str(error)
    except sqlite3.Error as error:  # a damaged ledger, a full disk, or another program holds it
        summary.exit_code, summary.message = EXIT_FAILED, ledger_error_message(settings.state_path, error)
    finally:
        if client is not None:
            client.close()
        lock.release()
        _append_log(settings, summary)
    return summary


# SQLite's primary result codes (error.sqlite_errorcode & 0xFF) and the OS error each stands for
_SQLITE_DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
_SQLITE_AS_OS = {13: errno.ENOSPC, 8: errno.EACCES, 3: errno.EPERM, 23: errno.EACCES, 10: errno.EIO,
                 14: errno.ENOENT}  # FULL, READONLY, PERM, AUTH, IOERR, CANTOPEN


def _sqlite_code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def ledger_damaged(path: Path) -> bool:
    """Whether SQLite itself finds the ledger damaged (``PRAGMA quick_check``, read-only); a
    ledger that cannot be reached at all (full disk, share gone) is not called damaged."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except (sqlite3.Error, OSError, ValueError):
        return False
    try:
        return db.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    except sqlite3.Error as error:
        return _sqlite_code(error) in _SQLITE_DAMAGED
    finally:
        db.close()


def ledger_error_message(path: Path, error: sqlite3.Error) -> str:
    """What to tell the user when the ledger failed: damaged (rename it) only when SQLite says
    so; otherwise the disk, the permissions or the share, and that the ledger is kept as is."""
    if _sqlite_code(error) in _SQLITE_DAMAGED or ledger_damaged(path):
        _log.warning("ledger %s: %s", path, error)  # SQLite's own (English) words: for the log
        return (f"Sổ cái {path} không dùng được (SQLite báo tệp hỏng hoặc không phải cơ sở dữ liệu): "
                "tệp bị hỏng. Đổi tên nó rồi chạy lại: mọi tệp "
                "trong hộp thư sẽ được đọc lại từ đầu.")
    code = _SQLITE_AS_OS.get(_sqlite_code(error))
    if code is None:  # busy, locked, or anything else that is not damage
        _log.warning("ledger %s: %s", path, error)
        return (f"Sổ cái {path} chưa dùng được lúc này (SQLite báo đang bận hoặc bị khoá); sổ cái "
                "không bị hỏng, đừng đổi tên "
                "nó. Đóng chương trình khác đang mở sổ cái (nếu có), rồi chạy lại.")
    said = os_error_message(OSError(code, os.strerror(code), str(path)))
    return f"{said} Sổ cái không bị hỏng, đừng đổi tên nó."


def _append_log(settings: NightlySettings, summary: NightlySummary) -> None:
    try:
        settings.log_path.parent.mkdir(parents=True, exist_ok=True)
        line = {"started": summary.started, "exit_code": summary.exit_code, "counts": summary.counts(),
                "phases": summary.phases, "message": summary.message}
        with settings.log_path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError:
        pass


# a stored plan is used only by the same reader (the suffix is raised when reading a plan changes)
PLAN_READER = f"tdkt_xl {__version__} plan-json-3"


def load_plan_cached(path: Path, ledger: Ledger) -> tuple[Plan, str]:
    """The plan read from ``path``, or the same content read by an earlier run (JSON in the ledger),
    and what identifies the plan so read (its file's content and the reading rules).

    Reading a plan of ten thousand units takes over a second; a stored one, a tenth of that.
    """
    digest = sha256_of(path)
    identity = f"{digest} {PLAN_READER}"
    stored = ledger.stored_plan(digest, PLAN_READER)
    if stored is not None:
        try:
            with collector_paused():  # (tens of thousands of objects, none of them a cycle)
                return Plan.model_validate_json(stored).model_copy(update={"file": str(path)}), identity
        except ValueError:  # stored by a different model of the plan: read the file again
            pass
    from tdkt_xl.intake.plan_workbook import load_plan  # (the reader: only when the plan is new)

    plan = load_plan(path)
    ledger.store_plan(digest, PLAN_READER, plan.model_dump_json(exclude_defaults=True))  # (faster to read)
    return plan, identity


def _batches(results: Iterator[ReadResult], size: int = 200, seconds: float = 2.0
             ) -> Iterator[list[ReadResult]]:
    """Results in groups of ``size``, or fewer when ``seconds`` have passed since the group began."""
    batch: list[ReadResult] = []
    started = time.monotonic()
    for result in results:
        if not batch:
            started = time.monotonic()
        batch.append(result)
        if len(batch) >= size or time.monotonic() - started >= seconds:
            yield batch
            batch = []
    if batch:
        yield batch


def _record(summary: NightlySummary, ledger: Ledger, plan: Plan,
            identities: tuple[str, set[str]], now: float, item: tuple[Path, str, int, int, str],
            result: ReadResult, previous: CurrentFile | None, read: dict[int, UnitReport]) -> None:
    """One parsed file checked and kept in the ledger.

    ``identities``: the plan's, and those of its earlier versions. ``previous``: the version the
    path had; when it was accepted and the new one fails for a passing cause (:data:`RETRIED`),
    the previous one stays in use until the new one can be read. ``read``: the reports accepted,
    by version (the rebuild need not decode them from the ledger again).
    """
    _path, name, size, mtime_ns, digest = item
    identity, earlier = identities
    checked = check_result(plan, name, result, modified=vietnam_time(mtime_ns / 1e9),
                           expected_plan_id=identity, earlier_plan_ids=earlier,
                           kept=False)  # into the ledger, then dropped
    report = checked if isinstance(checked, UnitReport) else None
    outcome = "accepted" if report is not None else "rejected"
    code = "" if isinstance(checked, UnitReport) else checked.code
    reason = "" if isinstance(checked, UnitReport) else checked.reason
    if code in RETRIED and previous is not None and previous.outcome == "accepted":
        ledger.record(path=name, sha256=digest, size=size, mtime_ns=mtime_ns, plan_id=identity,
                      outcome=outcome, code=code, reason=reason, now=now, make_current=False)
        _keep_previous(summary, name, reason)
        return
    version = ledger.record(path=name, sha256=digest, size=size, mtime_ns=mtime_ns, plan_id=identity,
                            outcome=outcome, code=code, reason=reason, report=report, now=now)
    if report is not None and version.reader == READER_VERSION and version.outcome == "accepted" \
            and len(read) < KEPT_READ:
        read[version.id] = report
    if outcome == "rejected":
        summary.files["rejected"].append(name)


def _own_files(settings: NightlySettings, root: Path) -> tuple[set[str], tuple[str, ...]]:
    """What this job writes, when it sits inside the inbox: file names and folder prefixes (under
    the inbox, with "/"), so that its master, ledger and quarantine copies are never read as
    reports (a quarantine folder inside the inbox would copy its own copies every night)."""
    def under(path: Path) -> str | None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            return None

    out = settings.out
    files = {under(p) for p in (out, backup_path(out), settings.in_use_path, settings.state_path,
                                settings.lock_path, settings.log_path, settings.skeleton_path,
                                settings.cache_path, settings.pieces_path)}
    inside = under(settings.quarantine) if settings.quarantine is not None else None
    return {f for f in files if f}, (f"{inside}/",) if inside else ()


def _is_own(name: str, ours: tuple[set[str], tuple[str, ...]]) -> bool:
    files, folders = ours
    return name in files or (bool(folders) and name.startswith(folders))


def _keep_previous(summary: NightlySummary, name: str, reason: str) -> None:
    summary.files["deferred"].append(name)
    summary.say(f"Chưa đọc được bản mới của {name} ({reason.rstrip('.')}); vẫn dùng bản trước, sẽ đọc lại "
                "ở lần chạy sau.")


LOCKED = Code.FILE_LOCKED  # kept with size -1: never "unchanged", so tried again at every run


def _record_locked(summary: NightlySummary, ledger: Ledger, name: str, identity: str, now: float,
                   error: OSError, previous: CurrentFile | None) -> None:
    """A file that cannot be opened now: rejected for this run, tried again at the next; a unit's
    report accepted before stays in use meanwhile."""
    if previous is not None and previous.outcome == "accepted":
        _keep_previous(summary, name, f"không mở được tệp: {os_error_reason(error)}")
        return
    ledger.record(path=name, sha256=LOCKED, size=-1, mtime_ns=-1, plan_id=identity, outcome="rejected",
                  code=LOCKED, now=now,
                  reason=f"Không mở được tệp để đọc ({os_error_reason(error)}): có thể tệp đang được chép "
                         "vào, đang bị khoá hoặc không có quyền đọc. Sẽ đọc lại ở lần chạy sau.")
    summary.files["rejected"].append(name)


@dataclass
class InboxScan:
    """What the scan of the inbox found, apart from what it said in the summary."""

    # the files to read: (path, name, size, mtime_ns, sha256)
    to_parse: list[tuple[Path, str, int, int, str]] = field(default_factory=list)
    unchanged: list[tuple[str, int, int]] = field(default_factory=list)  # (name, size, mtime_ns)
    present: set[str] = field(default_factory=set)
    ahead: list[str] = field(default_factory=list)  # modified "in the future"
    # shown name -> the name on disk, where they differ
    real_names: dict[str, str] = field(default_factory=dict)
    reread: list[str] = field(default_factory=list)  # read by an earlier version of the reading rules


def _run(settings: NightlySettings, summary: NightlySummary,
         executor: concurrent.futures.Executor | None) -> None:
    now = time.time()
    for needed in (settings.plan, settings.inbox):  # said before a ledger is made that would stay empty
        os.stat(needed)
    _clean_leftovers(settings.out)
    with Ledger(settings.state_path) as ledger:
        with _phase(summary, "plan"):
            plan, plan_digest = load_plan_cached(settings.plan, ledger)
            identity = plan_id(plan)
        summary.run = ledger.start_run(now)
        changes = ledger.changes()  # what the rebuild's cache may be at: this run's changes are the rest
        with _phase(summary, "scan"):
            inbox = scan_inbox(settings.inbox, stat=True)
            current = ledger.current_files()
            scan = _scan(settings, summary, ledger, inbox, current, identity, now)
            inbox.stats.clear()  # (compared: ten thousand stat results are not held through the run)
        give_back_freed_memory()  # (each stage after the scan starts from what the run still holds)

        with _phase(summary, "parse"):
            # a night where few files changed: the rebuild's cache is read while they are parsed
            kept: list[Cache | None] = []
            ahead = _few_to_parse(plan, len(scan.to_parse)) and executor is None
            read = _parse(settings, summary, ledger, plan, identity, inbox.root, executor, scan.to_parse,
                          current, now, meanwhile=(lambda: kept.append(read_cache(
                              plan, identity, plan_digest, ledger, settings.cache_path))) if ahead else None)
            scan.to_parse.clear()  # (read and recorded)
        give_back_freed_memory()

        with _phase(summary, "ledger"):
            crash_point("before-seen")
            summary.files["gone"] = ledger.scanned(scan.unchanged, scan.present, now, known=current)
            summary.files["unchanged"] = [u[0] for u in scan.unchanged]
            if settings.quarantine is not None:
                _quarantine_rejected(settings.quarantine, summary, ledger, inbox.root, scan.present,
                                     scan.real_names)

        with _phase(summary, "consolidate"):
            day = settings.as_of or plan.config.as_of or today_in_vietnam()
            rebuilt = rebuild(plan, identity, plan_digest, ledger, settings.cache_path, as_of=day, read=read,
                              changes=changes, scanned=current, kept=kept)
            kept.clear()
            ledger.mark_superseded(rebuilt.superseded)
            summary.files["superseded"] = rebuilt.superseded_files
            summary.units = rebuilt.units
        give_back_freed_memory()

        if summary.files["rejected"]:
            summary.exit_code = EXIT_REJECTED
        with _phase(summary, "write"):
            _write_master(settings, summary, rebuilt, lambda ids: rebuild(
                plan, identity, plan_digest, ledger, settings.cache_path, as_of=day, ids=ids, read=read))
        ledger.finish_run(summary.run, "done", summary.as_json(unchanged_names=False))


def _scan(settings: NightlySettings, summary: NightlySummary, ledger: Ledger, inbox: Inbox,
          current: dict[str, CurrentFile], identity: str, now: float) -> InboxScan:
    """Each file of the inbox compared with its path's current version in the ledger (``current``):
    too fresh (deferred), unchanged, or changed (:func:`_changed_file`); a file that cannot be
    opened is recorded as such."""
    scan = InboxScan()
    folder = os.fspath(inbox.root)
    ours = _own_files(settings, inbox.root)
    for found in inbox.names:
        if _is_own(found, ours):
            continue
        name = shown_name(found)  # the name as data (ledger, master); ``found`` opens the file
        if name != found:
            scan.real_names[name] = found
        try:
            stat = inbox.stats.get(found) or os.stat(os.path.join(folder, found))
            age = now - stat.st_mtime
            if abs(age) < settings.fresh_seconds:  # (or just ahead: the share's clock)
                scan.present.add(name)
                summary.files["deferred"].append(name)
                continue
            if age < 0:
                scan.ahead.append(name)
            known = current.get(name)
            retried = known is not None and read_again(known.code, known.reader)
            if known is not None and not retried and (known.size, known.mtime_ns, known.plan_id) == (
                    stat.st_size, stat.st_mtime_ns, identity):
                scan.present.add(name)
                scan.unchanged.append((name, stat.st_size, stat.st_mtime_ns))
                continue
            path = inbox.root / found  # a Path only for the files read (not 10,000 each night)
            digest = sha256_of(path)
        except FileNotFoundError:  # removed since the folder was listed: gone
            continue
        except UnsafeEntry as unsafe:  # replaced by a pipe, a device… since the folder was listed
            inbox.skipped_names.append(found)
            inbox.skipped_why[found] = unsafe.skipped
            continue
        except OSError as error:  # locked (being copied in, on Windows) or not readable
            scan.present.add(name)
            _record_locked(summary, ledger, name, identity, now, error, current.get(name))
            continue
        scan.present.add(name)
        _changed_file(summary, ledger, scan, (path, name, stat.st_size, stat.st_mtime_ns, digest), known,
                      identity, now)
    _keep_unreadable_folders(summary, scan, inbox, current)
    _say_scan_notes(summary, scan)
    summary.files["skipped"] = [shown_name(n) for n in inbox.skipped_names if not _is_own(n, ours)]
    _say_skipped_entries(summary, inbox, ours)
    return scan


def _keep_unreadable_folders(summary: NightlySummary, scan: InboxScan, inbox: Inbox,
                             current: dict[str, CurrentFile]) -> None:
    """The files the ledger knows under a folder that cannot be listed now stay as they were (not
    gone): a folder whose permissions changed does not take its units out of the master."""
    for folder in inbox.unreadable_folders:
        prefix = shown_name(folder)
        kept = [name for name, file in current.items() if file.present and name.startswith(prefix)]
        scan.present.update(kept)
        if kept:
            summary.say(f"Không đọc được thư mục {prefix}: vẫn dùng {len(kept)} tệp đã đọc từ đó ở các "
                        "lần chạy trước.")


def _say_skipped_entries(summary: NightlySummary, inbox: Inbox,
                         ours: tuple[set[str], tuple[str, ...]]) -> None:
    """The entries skipped for a cause of their own (a link loop, a pipe, a folder that cannot be
    read…), each with why, in the run's message (at most ten named)."""
    said = [(name, why) for name, why in inbox.skipped_why.items() if not _is_own(name, ours)]
    for name, why in said[:10]:
        summary.say(f"Bỏ qua {shown_name(name)}: {why.reason}")
    if len(said) > 10:
        summary.say(f"… và {len(said) - 10} mục khác cũng bị bỏ qua (xem danh sách tệp bỏ qua).")


def _changed_file(summary: NightlySummary, ledger: Ledger, scan: InboxScan,
                  item: tuple[Path, str, int, int, str], known: CurrentFile | None, identity: str,
                  now: float) -> None:
    """A file not as its path's current version (``known``) was: a content the ledger has for
    this path and plan is that version again (touched only) or taken as stored; any other is to
    be read."""
    _path, name, size, mtime_ns, digest = item
    seen_before = ledger.find(name, digest, identity)
    if seen_before is not None and read_again(seen_before.code, seen_before.reader):
        seen_before = None  # failed for a passing cause, or read by older rules: read again
    if known is not None and known.reader != READER_VERSION:
        scan.reread.append(name)
    if seen_before is not None and known is not None and seen_before.id == known.id:
        scan.unchanged.append((name, size, mtime_ns))  # touched, same content
        return
    if seen_before is not None:
        ledger.record(path=name, sha256=digest, size=size, mtime_ns=mtime_ns,
                      plan_id=identity, outcome=seen_before.outcome, now=now)
        summary.files["changed"].append(name)
        return
    summary.files["new" if known is None else "changed"].append(name)
    scan.to_parse.append(item)


def _say_scan_notes(summary: NightlySummary, scan: InboxScan) -> None:
    """What the scan tells besides the files: files read again by new reading rules, file times
    ahead of the run's."""
    reread, ahead = scan.reread, scan.ahead
    if reread:
        summary.say(f"Cách đọc báo cáo đã được sửa (bản tdkt_xl mới): {len(reread)} tệp đã đọc "
                    "trước đây được đọc lại.")
    if ahead:
        summary.say(f"{len(ahead)} tệp có thời gian sửa sau lúc chạy (đồng hồ máy gửi sai?), vẫn "
                    f"được đọc: {', '.join(ahead[:5])}{' …' if len(ahead) > 5 else ''}.")


def _counted(results: Iterator[ReadResult], total: int,
             progress: Callable[[int, int], None] | None) -> Iterator[ReadResult]:
    """The results as they come, ``progress(done, total)`` told of each (issue 15, progress)."""
    if progress is None or not total:
        yield from results
        return
    progress(0, total)
    for done, result in enumerate(results, start=1):
        progress(done, total)
        yield result


def _few_to_parse(plan: Plan, count: int) -> bool:
    """Whether so few files are to be parsed that the rebuild will likely go on from its cache
    (:func:`~tdkt_xl.nightly.rebuild.few_enough`, as it judges the units they belong to)."""
    return count > 0 and few_enough(count, sum(1 for unit in plan.units or [] if not unit.is_group))


def _parse(settings: NightlySettings, summary: NightlySummary, ledger: Ledger, plan: Plan, identity: str,
           root: Path, executor: concurrent.futures.Executor | None,
           to_parse: list[tuple[Path, str, int, int, str]], current: dict[str, CurrentFile], now: float,
           meanwhile: Callable[[], None] | None = None) -> dict[int, UnitReport]:
    """The files to parse read (in worker processes) and kept in the ledger, in batches; returns
    the reports accepted by this run, by version. ``meanwhile`` is done while the workers start
    reading (forked first, and kept fed by :class:`~tdkt_xl.intake.worker_pool.HeadStart`)."""
    read: dict[int, UnitReport] = {}
    by_path = {item[0]: item for item in to_parse}
    used = ledger.plan_ids()
    earlier = used - {identity}  # reports made from them are still read
    if used and identity not in used:
        summary.say(f"Kế hoạch đã thay đổi (mã kế hoạch nay là {identity}): mọi tệp được kiểm tra "
                    "lại; báo cáo làm từ mẫu của bản trước vẫn được dùng, có cảnh báo trong sheet "
                    "\"Lỗi\".")
    paths = [item[0] for item in to_parse]
    with checking_in_workers(plan, root, executor, earlier, identity) if to_parse \
            else nullcontext(read_values) as reader:  # nothing to read: no workers, no index
        head = None
        if meanwhile is not None and paths and executor is None and sys.platform.startswith("linux"):
            head = HeadStart(paths, workers=settings.workers, reader=reader)  # (forks, as read_many would)
        try:
            if meanwhile is not None:
                meanwhile()
            results = read_many(paths, workers=settings.workers, timeout_s=settings.timeout,
                                executor=executor, reader=reader, head_start=head)
            for batch in _batches(_counted(results, len(to_parse), settings.progress)):
                with ledger.batch():
                    for result in batch:
                        item = by_path[result.path]
                        _record(summary, ledger, plan, (identity, earlier), now, item, result,
                                current.get(item[1]), read)
                crash_point("after-first-record")
        finally:
            if head is not None:
                head.close()  # (taken over by read_many: nothing left to stop)
    return read


def _write_master(settings: NightlySettings, summary: NightlySummary, rebuilt: Rebuilt,
                  rebuild_with: Callable[[dict[str, str]], Rebuilt]) -> None:
    """The master written from ``rebuilt`` into its skeleton (``rebuild_with``: the rebuild again,
    with the skeleton's style ids when they are not the rebuild's, as a cache of other code's would
    have), beside ``out`` when that cannot be replaced; what the rebuild keeps for the next run kept."""
    crash_point("before-master")
    skeleton = build_skeleton(rebuilt.layouts())
    if skeleton.style_ids != rebuilt.style_ids:  # (a skeleton whose styles were numbered otherwise)
        rebuilt = rebuild_with(skeleton.style_ids)
    sheets = rebuilt.sheets()  # (the long sheets' rows deflated in pieces already: Block)
    try:
        write_rows(sheets, skeleton, settings.out, before_replace=lambda: crash_point("during-master-write"))
    except PermissionError as error:  # on Windows: the master is open in Excel somewhere
        beside = settings.in_use_path
        write_rows(sheets, skeleton, beside)
        summary.master, summary.exit_code = str(beside), EXIT_MASTER_IN_USE
        summary.say(f"Không thay được {settings.out} ({os_error_reason(error)}): tệp đang mở "
                    f"(trong Excel?) hoặc chỉ cho đọc. Sổ tổng hợp mới đã ghi vào {beside}; đóng "
                    "tệp kia, lần chạy sau sẽ ghi vào đúng chỗ.")
    rebuilt.keep()
    for earlier in (settings.pieces_path, settings.skeleton_path):  # what earlier versions kept apart
        with contextlib.suppress(OSError):
            earlier.unlink(missing_ok=True)
