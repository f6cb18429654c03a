"""The nightly batch merge: incremental, crash-safe, one run at a time.

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
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tdkt_xl import __version__
from tdkt_xl.atomic import backup_path
from tdkt_xl.consolidation.inbox import check_result, checking_in_workers, scan_inbox
from tdkt_xl.consolidation.master import PieceStore, SkeletonStore, write_rows
from tdkt_xl.intake.file_formats import WorkbookError
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.intake.unit_report import READER_VERSION, UnitReport
from tdkt_xl.intake.workers import ReadResult, read_many, read_values
from tdkt_xl.nightly.ledger import RETRIED, CurrentFile, Ledger, read_again
from tdkt_xl.nightly.lock import LockBusy, RunLock
from tdkt_xl.nightly.rebuild import collector_paused, rebuild
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import today_in_vietnam, vietnam_time
from tdkt_xl.plans.text import os_error_reason, os_error_text, shown_name
from tdkt_xl.reports.layout import plan_id

EXIT_OK, EXIT_REJECTED, EXIT_FAILED, EXIT_LOCKED, EXIT_MASTER_IN_USE = 0, 1, 2, 3, 4
KEPT_READ = 1000  # reports kept for the rebuild as read (more: decoded from the ledger, a few at a time)
KILL_ENV = "TDKT_TEST_KILL_AT"  # tests only: SIGKILL this process at a named point


def crash_point(name: str) -> None:
    """Let tests kill a real run at a named point (a real SIGKILL, no clean-up runs)."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class NightlySettings:
    """What a nightly run needs; from the command line or a TOML file (same names)."""

    plan: Path
    inbox: Path
    out: Path
    state: Path | None = None
    quarantine: Path | None = None
    fresh_seconds: float = 60
    workers: int = 2
    timeout: float = 60
    scheduler: str | None = None
    as_of: date | None = None

    @property
    def state_path(self) -> Path:
        return self.state or self.out.with_name(f"{self.out.stem}.tdkt.sqlite")

    @property
    def lock_path(self) -> Path:
        return self.state_path.with_name(self.state_path.name + ".lock")

    @property
    def in_use_path(self) -> Path:
        """Where the master goes when ``out`` cannot be replaced (open in Excel on Windows)."""
        return self.out.with_name(f"{self.out.stem}.moi{self.out.suffix}")

    @property
    def skeleton_path(self) -> Path:
        """The master's skeleton kept for the next run (a cache: made again when missing)."""
        return self.state_path.with_name(self.state_path.name + ".skeleton")

    @property
    def cache_path(self) -> Path:
        """What the consolidation keeps for the next run (:mod:`tdkt_xl.nightly.rebuild`; a cache too)."""
        return self.state_path.with_name(self.state_path.name + ".cache")

    @property
    def pieces_path(self) -> Path:
        """The master's long sheets deflated in pieces, for the next run (a cache too)."""
        return self.state_path.with_name(self.state_path.name + ".deflated")

    @property
    def log_path(self) -> Path:
        return self.state_path.with_name(f"{self.out.stem}.nhat_ky.jsonl")

    @classmethod
    def from_toml(cls, path: Path, **overrides: Any) -> NightlySettings:
        """Settings from a TOML file; relative paths are relative to the file's folder.

        Keys: plan, inbox, out, state, quarantine, fresh_seconds, workers, timeout, scheduler, as_of.
        A value of the wrong type is a ValueError with a Vietnamese message (exit code 2 from the
        command), not a failure in the middle of the night. The file may start with a UTF-8 BOM
        (Notepad writes one).
        """
        try:
            data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: tệp cấu hình không phải văn bản UTF-8 ({error.reason}, byte "
                             f"{error.start}); lưu lại tệp với mã UTF-8.") from error
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: tệp cấu hình sai cú pháp TOML ({error}). Mỗi dòng dạng "
                             'khoá = "giá trị", ví dụ plan = "ke_hoach.xlsx".') from error
        data = data.get("nightly", data)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: mục [nightly] phải là một bảng khoá = giá trị.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{path}: không hiểu khoá {', '.join(unknown)}; "
                             f"các khoá dùng được: {', '.join(sorted(known))}.")
        values: dict[str, Any] = {key: _setting(path, key, value) for key, value in data.items()}
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [k for k in ("plan", "inbox", "out") if k not in values]
        if missing:
            raise ValueError(f"{path}: thiếu khoá {', '.join(missing)}.")
        return cls(**values)


_PATH_KEYS = ("plan", "inbox", "out", "state", "quarantine")


def _setting(path: Path, key: str, value: object) -> object:
    """One value of a TOML settings file, checked and converted (paths relative to the file)."""
    def wrong(expected: str) -> ValueError:
        return ValueError(f"{path}: khoá {key} cần {expected}, không phải {value!r}.")

    if key in _PATH_KEYS:
        if not isinstance(value, str) or not value.strip():
            raise wrong('một đường dẫn trong ngoặc kép, ví dụ "D:/TDKT/hop_thu"')
        return (path.parent / value).resolve() if not Path(value).is_absolute() else Path(value)
    if key in ("fresh_seconds", "timeout"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise wrong("một số giây không âm, không có ngoặc kép (ví dụ 60)")
        return float(value)
    if key == "workers":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise wrong("một số nguyên từ 1 trở lên, không có ngoặc kép (ví dụ 2)")
        return value
    if key == "scheduler":
        if not isinstance(value, str):
            raise wrong('một địa chỉ trong ngoặc kép, ví dụ "tcp://10.0.0.5:8786"')
        return value or None
    if key == "as_of":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise wrong("một ngày dạng 2024-07-01")
    return value


@dataclass
class NightlySummary:
    """What a run did; printed, or written with --json, and appended to the run log."""

    run: int = 0
    started: str = ""
    exit_code: int = EXIT_OK
    message: str = ""
    master: str = ""
    files: dict[str, list[str]] = field(default_factory=lambda: {
        "new": [], "changed": [], "unchanged": [], "rejected": [], "superseded": [], "deferred": [],
        "gone": [], "skipped": [], "quarantined": []})
    units: dict[str, Any] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    took_over_lock: str = ""

    def say(self, text: str) -> None:
        """Add a sentence to the run's message."""
        self.message = f"{self.message} {text}" if self.message else text

    def counts(self) -> dict[str, int]:
        return {kind: len(paths) for kind, paths in self.files.items()}

    def as_json(self, *, unchanged_names: bool = True) -> dict[str, Any]:
        """The summary; without ``unchanged_names`` the unchanged files are only counted (the
        ledger keeps every run's summary, and those are most files every night)."""
        files = self.files if unchanged_names else {k: v for k, v in self.files.items() if k != "unchanged"}
        return {"run": self.run, "started": self.started, "exit_code": self.exit_code,
                "message": self.message, "master": self.master, "counts": self.counts(),
                "files": files, "units": self.units, "phases": self.phases,
                "took_over_lock": self.took_over_lock}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
            _quarantine(folder, root / real_names.get(name, name), name, reason)
        except FileNotFoundError:
            continue  # gone since the scan
        except OSError as error:  # the quarantine folder is full or read-only: say so, go on
            summary.say(f"Không chép được {name} vào thư mục cách ly: {os_error_reason(error)}; sẽ thử "
                        "lại ở lần chạy sau.")
            return
        ledger.mark_quarantined(version_id)
        summary.files["quarantined"].append(name)


def _quarantine(folder: Path, source: Path, name: str, reason: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    flat = name.replace("/", "__")
    shutil.copy2(source, folder / flat)  # a copy: inputs are never moved or deleted
    (folder / f"{flat}.ly_do.txt").write_text(f"Tệp: {name}\nLý do bị loại: {reason}\n", encoding="utf-8")


def _executor(settings: NightlySettings) -> tuple[concurrent.futures.Executor | None, Any]:
    """A Dask distributed executor when a scheduler is given; None means the local process pool."""
    if not settings.scheduler:
        return None, None
    try:
        from distributed import Client
    except ImportError as error:
        raise RuntimeError("Cần cài thêm: pip install 'tdkt_xl[dask]' để dùng --scheduler.") from error
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
    except OSError as error:
        summary.exit_code, summary.message = EXIT_FAILED, os_error_text(error)
    except (WorkbookError, RuntimeError, ValueError) as error:
        summary.exit_code, summary.message = EXIT_FAILED, str(error)
    except sqlite3.Error as error:  # a damaged ledger, or one another program keeps locked
        summary.exit_code = EXIT_FAILED
        summary.message = (f"Sổ cái {settings.state_path} không dùng được ({error}). Nếu tệp bị hỏng, "
                           "đổi tên nó rồi chạy lại: mọi tệp trong hộp thư sẽ được đọc lại từ đầu.")
    finally:
        if client is not None:
            client.close()
        lock.release()
        _append_log(settings, summary)
    return summary


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


LOCKED = "file-locked"  # kept with size -1: never "unchanged", so tried again at every run


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
            to_parse: list[tuple[Path, str, int, int, str]] = []
            unchanged: list[tuple[str, int, int]] = []
            present: set[str] = set()
            ahead: list[str] = []  # modified "in the future"
            real_names: dict[str, str] = {}  # shown name -> the name on disk, where they differ
            reread: list[str] = []  # read by an earlier version of the reading rules
            folder = os.fspath(inbox.root)
            ours = _own_files(settings, inbox.root)
            for found in inbox.names:
                if _is_own(found, ours):
                    continue
                name = shown_name(found)  # the name as data (ledger, master); ``found`` opens the file
                if name != found:
                    real_names[name] = found
                try:
                    stat = inbox.stats.get(found) or os.stat(os.path.join(folder, found))
                    age = now - stat.st_mtime
                    if abs(age) < settings.fresh_seconds:  # (or just ahead: the share's clock)
                        present.add(name)
                        summary.files["deferred"].append(name)
                        continue
                    if age < 0:
                        ahead.append(name)
                    known = current.get(name)
                    retried = known is not None and read_again(known.code, known.reader)
                    if known is not None and not retried and (known.size, known.mtime_ns, known.plan_id) == (
                            stat.st_size, stat.st_mtime_ns, identity):
                        present.add(name)
                        unchanged.append((name, stat.st_size, stat.st_mtime_ns))
                        continue
                    path = inbox.root / found  # a Path only for the files read (not 10,000 each night)
                    digest = sha256_of(path)
                except FileNotFoundError:  # removed since the folder was listed: gone
                    continue
                except OSError as error:  # locked (being copied in, on Windows) or not readable
                    present.add(name)
                    _record_locked(summary, ledger, name, identity, now, error, current.get(name))
                    continue
                present.add(name)
                seen_before = ledger.find(name, digest, identity)
                if seen_before is not None and read_again(seen_before.code, seen_before.reader):
                    seen_before = None  # failed for a passing cause, or read by older rules: read again
                if known is not None and known.reader != READER_VERSION:
                    reread.append(name)
                if seen_before is not None and known is not None and seen_before.id == known.id:
                    unchanged.append((name, stat.st_size, stat.st_mtime_ns))  # touched, same content
                    continue
                if seen_before is not None:
                    ledger.record(path=name, sha256=digest, size=stat.st_size, mtime_ns=stat.st_mtime_ns,
                                  plan_id=identity, outcome=seen_before.outcome, now=now)
                    summary.files["changed"].append(name)
                    continue
                summary.files["new" if known is None else "changed"].append(name)
                to_parse.append((path, name, stat.st_size, stat.st_mtime_ns, digest))
            if reread:
                summary.say(f"Cách đọc báo cáo đã được sửa (bản tdkt_xl mới): {len(reread)} tệp đã đọc "
                            "trước đây được đọc lại.")
            if ahead:
                summary.say(f"{len(ahead)} tệp có thời gian sửa sau lúc chạy (đồng hồ máy gửi sai?), vẫn "
                            f"được đọc: {', '.join(ahead[:5])}{' …' if len(ahead) > 5 else ''}.")
            summary.files["skipped"] = [shown_name(n) for n in inbox.skipped_names if not _is_own(n, ours)]

        read: dict[int, UnitReport] = {}  # the reports accepted by this run, by version
        with _phase(summary, "parse"):
            by_path = {item[0]: item for item in to_parse}
            used = ledger.plan_ids()
            earlier = used - {identity}  # reports made from them are still read
            if used and identity not in used:
                summary.say(f"Kế hoạch đã thay đổi (mã kế hoạch nay là {identity}): mọi tệp được kiểm tra "
                            "lại; báo cáo làm từ mẫu của bản trước vẫn được dùng, có cảnh báo trong sheet "
                            "\"Lỗi\".")
            with checking_in_workers(plan, inbox.root, executor, earlier, identity) if to_parse \
                    else nullcontext(read_values) as reader:  # nothing to read: no workers, no index
                results = read_many([item[0] for item in to_parse], workers=settings.workers,
                                    timeout_s=settings.timeout, executor=executor, reader=reader)
                for batch in _batches(results):
                    with ledger.batch():
                        for result in batch:
                            item = by_path[result.path]
                            _record(summary, ledger, plan, (identity, earlier), now, item, result,
                                    current.get(item[1]), read)
                    crash_point("after-first-record")

        with _phase(summary, "ledger"):
            crash_point("before-seen")
            summary.files["gone"] = ledger.scanned(unchanged, present, now, known=current)
            summary.files["unchanged"] = [u[0] for u in unchanged]
            if settings.quarantine is not None:
                _quarantine_rejected(settings.quarantine, summary, ledger, inbox.root, present, real_names)

        with _phase(summary, "consolidate"):
            day = settings.as_of or plan.config.as_of or today_in_vietnam()
            rebuilt = rebuild(plan, identity, plan_digest, ledger, settings.cache_path, as_of=day, read=read,
                              changes=changes, scanned=current)
            ledger.mark_superseded(rebuilt.superseded)
            summary.files["superseded"] = rebuilt.superseded_files
            summary.units = rebuilt.units

        if summary.files["rejected"]:
            summary.exit_code = EXIT_REJECTED
        with _phase(summary, "write"):
            crash_point("before-master")
            skeleton = SkeletonStore(settings.skeleton_path).get(rebuilt.layouts())
            if skeleton.style_ids != rebuilt.style_ids:  # (another openpyxl made the skeleton)
                rebuilt = rebuild(plan, identity, plan_digest, ledger, settings.cache_path, as_of=day,
                                  ids=skeleton.style_ids, read=read)
            sheets = rebuilt.sheets()
            pieces = PieceStore(settings.pieces_path, rebuilt.base)
            try:
                write_rows(sheets, skeleton, settings.out,
                           before_replace=lambda: crash_point("during-master-write"), pieces=pieces)
            except PermissionError as error:  # on Windows: the master is open in Excel somewhere
                beside = settings.in_use_path
                write_rows(sheets, skeleton, beside, pieces=pieces)
                summary.master, summary.exit_code = str(beside), EXIT_MASTER_IN_USE
                summary.say(f"Không thay được {settings.out} ({os_error_reason(error)}): tệp đang mở "
                            f"(trong Excel?) hoặc chỉ cho đọc. Sổ tổng hợp mới đã ghi vào {beside}; đóng "
                            "tệp kia, lần chạy sau sẽ ghi vào đúng chỗ.")
            rebuilt.keep()
            pieces.keep(rebuilt.tag())
        ledger.finish_run(summary.run, "done", summary.as_json(unchanged_names=False))
