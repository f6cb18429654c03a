"""Consolidate an inbox folder of unit reports into the master: the I/O around the core.

Every file under the inbox gets an outcome: accepted, rejected (with its reason),
superseded by a newer report of the same unit, or skipped (not a workbook).
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import operator
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from tdkt_xl.consolidation.aggregate import Consolidation, FileOutcome, consolidate
from tdkt_xl.errors import Code
from tdkt_xl.intake.book_readers import RawBook, read_values
from tdkt_xl.intake.inbox_entries import Skipped, entry_status, unreadable_entry
from tdkt_xl.intake.plan_index import index_plan
from tdkt_xl.intake.report_sheets import ReportRejected
from tdkt_xl.intake.safety.limits_and_rejections import Limits
from tdkt_xl.intake.unit_report import UnitReport, compact_report, read_unit_report
from tdkt_xl.intake.word_document import LEGACY_WORD_SUFFIXES, is_word_name
from tdkt_xl.intake.worker_pool import HeadStart, Reader, ReadResult, read_many
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import today_in_vietnam, vietnam_time
from tdkt_xl.plans.text import shown_name
from tdkt_xl.reports.layout import plan_id

# Read: .xlsx, .xlsm and .ods (LibreOffice), each whatever its name says; .xls and .xlsb are
# rejected with how to save them as .xlsx: a unit's report must not be skipped as if it were a note.
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass(frozen=True)
class Inbox:
    """The files found under an inbox folder, as paths relative to it with forward slashes.

    ``skipped_why``: the skipped entries that are not merely other files (a link loop, a named
    pipe, a folder that cannot be read…), by name, with why; ``unreadable_folders``: the folders
    (names ending in "/") whose content could not be listed; ``documents``: the units' reports in
    Word (.docx, and .doc, which is refused with why), regular files checked as workbooks are, also
    among the skipped names (they are not consolidated into the master).
    """

    root: Path
    names: list[str]
    skipped_names: list[str]
    stats: dict[str, os.stat_result] = field(default_factory=dict)  # by name, when asked for
    skipped_why: dict[str, Skipped] = field(default_factory=dict)
    unreadable_folders: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    @cached_property
    def workbooks(self) -> list[Path]:
        return [self.root / name for name in self.names]

    @cached_property
    def skipped(self) -> list[Path]:
        return [self.root / name for name in self.skipped_names]

    def name(self, path: Path) -> str:
        return inbox_name(path, self.root)


def inbox_name(path: Path, root: Path) -> str:
    """A file's path as given under the inbox ``root`` (forward slashes on every system), as text
    any writer takes (:func:`~tdkt_xl.plans.text.shown_name`).

    >>> inbox_name(Path("hop_thu/dot_2/P1.xlsx"), Path("hop_thu"))
    'dot_2/P1.xlsx'
    """
    return shown_name(path.relative_to(root).as_posix())


def _workbook_status(entry: os.DirEntry[str]) -> os.stat_result | Skipped | None:
    """A workbook-named entry: its status when it is a regular file (a symbolic link followed to
    one), why it is skipped otherwise; None for a plain file whose status was not asked for."""
    if entry.is_file(follow_symlinks=False):  # (from the listing: no system call on most systems)
        return None
    return entry_status(entry.path)


class _Walk:
    """What :func:`scan_inbox` has found so far."""

    def __init__(self, stat: bool) -> None:
        self.stat = stat
        self.workbooks: list[str] = []
        self.skipped: list[str] = []
        self.stats: dict[str, os.stat_result] = {}
        self.why: dict[str, Skipped] = {}
        self.unreadable: list[str] = []
        self.documents: list[str] = []

    def skip(self, name: str, why: Skipped | None = None) -> None:
        self.skipped.append(name)
        if why is not None:
            self.why[name] = why

    def document(self, entry: os.DirEntry[str], name: str) -> None:
        """A unit's report in Word: listed when it is a regular file, skipped (not consolidated)."""
        try:
            status = _workbook_status(entry)
        except FileNotFoundError:
            return
        except OSError:
            status = None
        if isinstance(status, Skipped):
            self.skip(name, status)
            return
        self.documents.append(name)
        self.skip(name)

    def workbook(self, entry: os.DirEntry[str], name: str) -> None:
        try:
            status = _workbook_status(entry)
            if status is None and self.stat:
                status = entry.stat()
        except FileNotFoundError:  # removed since the folder was listed
            return
        except OSError:  # the caller finds out why when it opens the file
            status = None
        if isinstance(status, Skipped):
            self.skip(name, status)
            return
        if status is not None and self.stat:
            self.stats[name] = status
        self.workbooks.append(name)

    def folder(self, folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=operator.attrgetter("name"))
        except OSError as error:
            if not prefix:  # the inbox itself: nothing to go on with
                raise
            if not isinstance(error, FileNotFoundError):  # (a folder removed meanwhile is just gone)
                self.unreadable.append(prefix)
                self.skip(prefix, unreadable_entry(error, folder=True))
            return
        subfolders = []
        for entry in entries:
            name = prefix + entry.name
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                subfolders.append(entry)
            elif is_word_name(entry.name):
                self.document(entry, name)
            elif entry.name.startswith("~$") or not entry.name.lower().endswith(EXCEL_SUFFIXES):
                if not _linked_folder(entry):  # as os.walk: a linked folder is not walked into
                    self.skip(name)
            else:
                self.workbook(entry, name)
        for entry in subfolders:
            self.folder(entry.path, f"{prefix}{entry.name}/")


def _linked_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def scan_inbox(root: Path, *, stat: bool = False) -> Inbox:
    """Every workbook under ``root`` (subfolders too, after the folder's own files), and the
    other files as skipped. Excel's owner lock files (``~$name.xlsx``) are skipped, not read
    as submissions.

    Only regular files are listed as workbooks, and nothing is opened here: a symbolic link is
    followed to a regular file only (a loop or a link to nothing is skipped, with why), a named
    pipe, a device or a socket is skipped with why, and a subfolder that cannot be listed
    (permissions) is skipped with why while the others are walked (see
    :mod:`tdkt_xl.intake.inbox_entries`).

    ``stat``: also each workbook's size and time, in ``stats`` (on Windows the folder listing
    gives them, which saves a round trip per file on a network share). A workbook gone before
    it could be stat-ed is left out; one that cannot be stat-ed is listed without.
    """
    walk = _Walk(stat)
    walk.folder(os.fspath(root), "")
    return Inbox(root, walk.workbooks, walk.skipped, walk.stats, walk.why, walk.unreadable, walk.documents)


NARRATIVE_REPORT = ("Báo cáo bằng văn bản Word của đơn vị: đã nhận, không tổng hợp vào sổ tổng hợp "
                    "(lệnh tdkt-xl y-kien tập hợp nội dung theo đề cương)")
LEGACY_WORD_REPORT = ("Văn bản Word 97-2003 (.doc): chương trình không đọc. Đề nghị đơn vị mở bằng Word, "
                      "lưu thành Word Document (.docx) rồi gửi lại")


def _skipped_reason(name: str) -> str:
    base = name.rpartition("/")[2]
    if base.startswith("~$"):
        return "Excel đang mở tệp này (tệp khoá ~$)"
    if is_word_name(base):
        return LEGACY_WORD_REPORT if base.lower().endswith(LEGACY_WORD_SUFFIXES) else NARRATIVE_REPORT
    return "Không phải tệp Excel"


def skipped_outcomes(names: Iterable[str], why: Mapping[str, Skipped] | None = None) -> list[FileOutcome]:
    """The files of an inbox that are not reports, each with why it was left out (``why``: the
    entries skipped for a reason of their own, see :attr:`Inbox.skipped_why`). A unit's report
    in Word is listed as received, not consolidated.

    >>> [o.reason for o in skipped_outcomes(["ghi_chu.txt", "dot_2/~$P3.xlsx"])]
    ['Không phải tệp Excel', 'Excel đang mở tệp này (tệp khoá ~$)']
    >>> skipped_outcomes(["SGTVT.docx"])[0].reason.startswith("Báo cáo bằng văn bản Word")
    True
    """
    why = why or {}
    return [FileOutcome(file=shown_name(name), outcome="skipped", code=why[name].code,
                        reason=why[name].reason) if name in why else
            FileOutcome(file=shown_name(name), outcome="skipped", reason=_skipped_reason(name))
            for name in names]


def _modified(result: ReadResult) -> datetime | None:
    if result.modified is not None:
        return vietnam_time(result.modified)
    try:
        return vietnam_time(result.path.stat().st_mtime)
    except OSError:
        return None


def check_result(plan: Plan, name: str, result: ReadResult, *, modified: datetime | None,
                 expected_plan_id: str, kept: bool = True, earlier_plan_ids: Collection[str] = ()
                 ) -> UnitReport | FileOutcome:
    """One file's read result checked against the plan: its report, or why it is rejected.

    ``kept``: the report will be held with thousands of others (it is then made compact, see
    :func:`~tdkt_xl.intake.unit_report.compact_report`). ``earlier_plan_ids``: see
    :func:`~tdkt_xl.intake.unit_report.read_unit_report`.
    """
    if result.book is not None and isinstance(result.book.checked, (UnitReport, FileOutcome)):
        checked = result.book.checked  # checked in the worker that read it
    elif result.rejection is not None or result.book is None:
        reason = result.rejection.reason if result.rejection else "Không đọc được tệp."
        code = result.rejection.code if result.rejection else Code.UNREADABLE
        return FileOutcome(file=name, outcome="rejected", reason=reason, code=code)
    else:
        try:
            checked = read_unit_report(result.book.sheets, plan, file=name, modified=modified,
                                       expected_plan_id=expected_plan_id, earlier_plan_ids=earlier_plan_ids)
        except ReportRejected as rejected:
            return FileOutcome(file=name, outcome="rejected", reason=rejected.reason, code=rejected.code)
    if kept and isinstance(checked, UnitReport):
        compact_report(checked, plan)
    return checked


# What the reading processes check against: set in the parent just before they are forked.
_CHECKING: tuple[Plan, str, Path, frozenset[str]] | None = None  # plan, its id, the inbox, earlier ids


def read_and_check(path: Path, limits: Limits) -> RawBook:
    """Read a report and check it in the worker process (less to send back, less for the parent).

    Needs the plan of :func:`checking_in_workers`, which forked workers inherit; without it
    (processes spawned, as on Windows, or a cluster) the values go back to be checked there.
    """
    book = read_values(path, limits)
    if _CHECKING is None:
        return book
    plan, expected, root, earlier = _CHECKING
    try:
        name = inbox_name(path, root)
        modified = vietnam_time(path.stat().st_mtime)
    except (ValueError, OSError):
        return book
    checked = check_result(plan, name, ReadResult(path, book, None, 0.0), modified=modified,
                           expected_plan_id=expected, earlier_plan_ids=earlier)
    return RawBook({}, book.hidden_sheets, book.very_hidden_sheets, checked=checked)


def read_and_check_when_ready(checking: str, path: Path, limits: Limits) -> RawBook:
    """:func:`read_and_check` in a worker forked before the plan was read (see :class:`ReadingAhead`):
    the plan is taken from the file ``checking`` (JSON, as the nightly ledger keeps plans) once the
    parent has written it there; until then the values go back to be checked in the parent."""
    global _CHECKING
    if _CHECKING is None and os.path.exists(checking):
        try:
            with open(checking, encoding="utf-8") as handle:  # written by our parent, in a folder of its own
                given = json.load(handle)
            plan = Plan.model_validate_json(given["plan"])
        except (OSError, ValueError, KeyError, TypeError):
            return read_values(path, limits)
        _CHECKING = (plan, index_plan(plan, given["id"]), Path(given["root"]), frozenset(given["earlier"]))
    return read_and_check(path, limits)


@dataclass
class ReadingAhead:
    """An inbox scanned and its first reports being read before the plan is (see :func:`reading_ahead`)."""

    inbox: Inbox
    head_start: HeadStart
    checking: str  # where the plan goes for the workers, once it is read

    @property
    def reader(self) -> Reader:
        return functools.partial(read_and_check_when_ready, self.checking)

    def hand_over(self, checking: tuple[Plan, str, Path, frozenset[str]]) -> None:
        """Write what the workers check against where they look for it, as data (JSON), atomically:
        a worker never sees half of it."""
        plan, identity, root, earlier = checking
        partial = self.checking + ".part"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump({"plan": plan.model_dump_json(exclude_defaults=True), "id": identity, "root": str(root),
                       "earlier": sorted(earlier)}, handle)
        os.replace(partial, self.checking)


@contextmanager
def reading_ahead(inbox_dir: Path, *, workers: int = 2) -> Iterator[ReadingAhead | None]:
    """Scan ``inbox_dir`` and start reading its reports in worker processes at once, before the
    plan is read (give the result to :func:`run_consolidation`): the plan takes a while to load,
    and meanwhile the other core reads reports. None where workers are not forked (not Linux) or
    the inbox cannot be listed (then :func:`run_consolidation` says why). The workers are stopped
    on leaving when the reading was not taken over.
    """
    if not sys.platform.startswith("linux"):
        yield None
        return
    try:
        inbox = scan_inbox(inbox_dir)
    except OSError:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="tdkt_xl_")
    checking = os.path.join(folder, "checking.json")
    head_start = HeadStart(inbox.workbooks, workers=workers,
                           reader=functools.partial(read_and_check_when_ready, checking))
    try:
        yield ReadingAhead(inbox, head_start, checking)
    finally:
        head_start.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def checking_in_workers(plan: Plan, root: Path, executor: concurrent.futures.Executor | None = None,
                        earlier_plan_ids: Collection[str] = (), identity: str | None = None,
                        ahead: ReadingAhead | None = None) -> Iterator[Reader]:
    """The reader to give :func:`~tdkt_xl.intake.worker_pool.read_many`: one that checks in forked workers,
    or :func:`~tdkt_xl.intake.book_readers.read_values` (checked in this process) with a caller's
    ``executor`` or where workers are not forked. ``identity``: the plan's id, when known.

    The plan is handed over in a module variable that the workers inherit when forked, so
    two consolidations must not run at the same time in threads of one process; workers forked
    before (``ahead``) take it from a file.
    """
    global _CHECKING
    if executor is not None or not sys.platform.startswith("linux"):  # read_many forks on Linux only
        yield read_values
        return
    # the index once here, not once in each worker forked from now on
    expected = index_plan(plan, identity)
    _CHECKING = (plan, expected, root, frozenset(earlier_plan_ids))
    try:
        if ahead is not None:
            ahead.hand_over((plan, expected, root, frozenset(earlier_plan_ids)))
            yield ahead.reader
        else:
            yield read_and_check
    finally:
        _CHECKING = None


def check_results(plan: Plan, inbox: Inbox, results: Iterable[ReadResult]
                  ) -> tuple[list[UnitReport], list[FileOutcome]]:
    """Turn raw read results into reports and rejections (pure apart from file times)."""
    expected = plan_id(plan)
    reports: list[UnitReport] = []
    outcomes: list[FileOutcome] = []
    for result in results:
        checked = check_result(plan, inbox.name(result.path), result, modified=_modified(result),
                               expected_plan_id=expected)
        if isinstance(checked, UnitReport):
            reports.append(checked)
        else:
            outcomes.append(checked)
    return reports, outcomes


def consolidate_inbox(
    plan: Plan,
    inbox_dir: Path,
    *,
    as_of: date | None = None,
    workers: int = 2,
    timeout_s: float = 60,
    executor: concurrent.futures.Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    ahead: ReadingAhead | None = None,
) -> Consolidation:
    """Read, check and consolidate every report under ``inbox_dir``, writing nothing.

    ``timings`` gets "read_and_check" and "consolidate" (seconds). ``ahead``: the reading
    :func:`reading_ahead` started on ``inbox_dir``.
    """
    started = time.perf_counter()
    if ahead is not None and (executor is not None or ahead.inbox.root != inbox_dir):
        ahead.head_start.close()
        ahead = None
    inbox = ahead.inbox if ahead is not None else scan_inbox(inbox_dir)
    total = len(inbox.workbooks)

    def counted(results: Iterable[ReadResult]) -> Iterable[ReadResult]:
        for done, result in enumerate(results, start=1):
            if progress is not None:
                progress(done, total)
            yield result

    with checking_in_workers(plan, inbox.root, executor, ahead=ahead) as reader:
        results = read_many(inbox.workbooks, workers=workers, timeout_s=timeout_s, executor=executor,
                            reader=reader, head_start=ahead.head_start if ahead is not None else None)
        reports, outcomes = check_results(plan, inbox, counted(results))
    read_done = time.perf_counter()
    outcomes += skipped_outcomes(inbox.skipped_names, inbox.skipped_why)
    day = as_of or plan.config.as_of or today_in_vietnam()
    result = consolidate(plan, reports, outcomes, as_of=day, plan_file=plan.file)
    result.timings = {
        "read_and_check": round(read_done - started, 3),
        "consolidate": round(time.perf_counter() - read_done, 3),
    }
    return result


def run_consolidation(
    plan: Plan,
    inbox_dir: Path,
    master: Path,
    *,
    as_of: date | None = None,
    workers: int = 2,
    timeout_s: float = 60,
    executor: concurrent.futures.Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    ahead: ReadingAhead | None = None,
) -> Consolidation:
    """Read, check and consolidate every report under ``inbox_dir``; write ``master``.

    Inputs are only read. ``master`` is written atomically, the previous one kept as a backup.
    ``ahead``: the reading :func:`reading_ahead` started on ``inbox_dir`` before the plan was read.
    """
    # (imported here, not with this module: the workers that read ahead are forked without it)
    from tdkt_xl.consolidation.master import write_master

    result = consolidate_inbox(plan, inbox_dir, as_of=as_of, workers=workers, timeout_s=timeout_s,
                               executor=executor, progress=progress, ahead=ahead)
    started = time.perf_counter()
    write_master(result, master)
    result.timings["write_master"] = round(time.perf_counter() - started, 3)
    return result
