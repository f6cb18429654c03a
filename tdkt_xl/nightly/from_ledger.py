"""The consolidation read back from the nightly ledger, without reading the inbox again (issue 17).

The nightly run keeps every file version it read in its ledger (:mod:`tdkt_xl.nightly.ledger`)
with its checked report and counts. :func:`consolidation_from_ledger` puts the current versions'
reports together with :func:`~tdkt_xl.consolidation.aggregate.consolidate`, counted by the rule of
the nightly rebuild (:func:`~tdkt_xl.nightly.rebuild.counted_rule`), so that the Word documents
and the analysts' tables see what the last nightly master shows. The ledger is only read: a path
that is not a ledger, or a damaged one, is said in Vietnamese (:class:`ResultsUnavailable`) and
never turned into a new ledger.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

from tdkt_xl.collector import collector_paused
from tdkt_xl.consolidation.aggregate import Consolidation, FileOutcome, consolidate
from tdkt_xl.errors import CODES, Code, TdktError
from tdkt_xl.intake.unit_report import UnitReport
from tdkt_xl.nightly.ledger import CurrentVersion, Ledger
from tdkt_xl.nightly.rebuild import counted_rule, shown
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import today_in_vietnam, vietnam_time
from tdkt_xl.plans.text import os_error_message
from tdkt_xl.reports.layout import plan_id

SQLITE_MAGIC = b"SQLite format 3\0"
_LEDGER_TABLES = {"versions", "paths"}


class ResultsUnavailable(TdktError):
    """The consolidated results cannot be had from this source (a ledger missing or damaged, an
    inbox that cannot be read, a workbook given as a plan that is not one); the message is
    Vietnamese and names the file."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def ledger_error(code: Code, path: Path, reason: str = "") -> ResultsUnavailable:
    """The error of a ledger that cannot be read, worded by the registry.

    >>> str(ledger_error(Code.LEDGER_MISSING, Path("x.tdkt.sqlite")))[:30]
    'Không có sổ cái x.tdkt.sqlite:'
    """
    return ResultsUnavailable(code, CODES[code].template.format(path=path, reason=reason))


def _check_ledger_file(path: Path) -> None:
    """Raise :class:`ResultsUnavailable` unless ``path`` is an SQLite file holding a ledger's
    tables (read-only: the ledger class would make any other file a new ledger)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise ledger_error(Code.LEDGER_MISSING, path) from None
    except IsADirectoryError:
        raise ledger_error(Code.LEDGER_DAMAGED, path, "đây là một thư mục, không phải tệp sổ cái.") from None
    except OSError as error:
        raise ledger_error(Code.LEDGER_DAMAGED, path, os_error_message(error)) from None
    if head != SQLITE_MAGIC:
        raise ledger_error(Code.LEDGER_DAMAGED, path, "tệp không phải sổ cái SQLite của lần tổng hợp hằng "
                                                      "đêm." if head else "tệp rỗng.")
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as error:
        raise ledger_error(Code.LEDGER_DAMAGED, path, _why(error)) from None
    if not tables >= _LEDGER_TABLES:
        raise ledger_error(Code.LEDGER_DAMAGED, path, "tệp là một cơ sở dữ liệu SQLite khác, không phải sổ "
                                                      "cái của lần tổng hợp hằng đêm.")


def _why(error: sqlite3.Error | ValueError) -> str:
    """Why the ledger could not be read, in Vietnamese.

    >>> _why(sqlite3.OperationalError("database is locked"))[:40]
    'sổ cái đang được ghi (lần tổng hợp hằng '
    """
    if isinstance(error, sqlite3.OperationalError) and any(word in str(error) for word in ("locked", "busy")):
        return "sổ cái đang được ghi (lần tổng hợp hằng đêm đang chạy?); thử lại sau ít phút."
    return "tệp SQLite đã hỏng." if isinstance(error, sqlite3.Error) else str(error)


def _stored_report(version: CurrentVersion, text: str | None, counts: dict[str, dict[int, int]],
                   path: Path) -> UnitReport:
    """A counted version's report as the nightly master uses it: its file as shown there, its
    time, whether it is still in the inbox, its counts."""
    if text is None:
        raise ledger_error(Code.LEDGER_DAMAGED, path, f"phiên bản {version.id} ({version.path}) được nhận "
                                                      "nhưng không có báo cáo đã lưu.")
    try:
        report = UnitReport.model_validate_json(text)
    except ValueError:
        raise ledger_error(Code.LEDGER_DAMAGED, path, f"báo cáo đã lưu của {version.path} không đọc "
                                                      "được.") from None
    report.file = shown(version)
    report.unit_code = version.unit_code or report.unit_code
    report.present = version.present
    report.modified = vietnam_time(version.mtime_ns / 1e9)
    report.stats = counts
    return report


def consolidation_from_ledger(plan: Plan, path: Path, *, as_of: date | None = None) -> Consolidation:
    """The consolidation of the current versions kept in the nightly ledger at ``path`` against
    ``plan`` on ``as_of`` (default: the plan's "Ngày tính", else today in Việt Nam), as the nightly
    rebuild counts them; the inbox is not read. ``timings`` gets "read_ledger" (seconds).

    Raises :class:`ResultsUnavailable` (codes ``ledger-missing``, ``ledger-damaged``).
    """
    started = time.perf_counter()
    _check_ledger_file(path)
    with collector_paused():  # thousands of reports made at once, none of them a cycle
        return _from_ledger(plan, path, as_of, started)


def _from_ledger(plan: Plan, path: Path, as_of: date | None, started: float) -> Consolidation:
    try:
        with Ledger(path) as ledger:
            rule = counted_rule(plan, plan_id(plan), ledger)
            counted: list[CurrentVersion] = []
            outcomes: list[FileOutcome] = []
            for version in ledger.current_versions():
                row = rule(version)
                if row is None:
                    counted.append(version)
                else:
                    file, outcome, code, reason = row
                    outcomes.append(FileOutcome(file=file, outcome="rejected", code=code, reason=reason,
                                                unit_code=version.unit_code, chased=outcome == "rejected"))
            ids = [version.id for version in counted]
            texts = ledger.stored_reports(ids)
            counts = ledger.report_counts(ids)
    except (sqlite3.Error, ValueError) as error:
        raise ledger_error(Code.LEDGER_DAMAGED, path, _why(error)) from None
    reports = [_stored_report(version, texts.get(version.id), counts.get(version.id, {}), path)
               for version in counted]
    read = time.perf_counter()
    day = as_of or plan.config.as_of or today_in_vietnam()
    result = consolidate(plan, reports, outcomes, as_of=day, plan_file=plan.file)
    result.timings = {"read_ledger": round(read - started, 3),
                      "consolidate": round(time.perf_counter() - read, 3)}
    return result
