"""The nightly merge's consolidation, rebuilt from the ledger at every run without redoing the
work of the previous run.

It gives what :func:`~tdkt_xl.consolidate.consolidate` and the master of
:mod:`tdkt_xl.master` give over the ledger's stored reports (the nightly tests compare the
two through every kind of change), in fewer steps per unit:

* each stored report is decoded once into a small :class:`Record`, kept for the next run by
  its version and what the scan saw of its file (path, time, still in the inbox or not);
* the rows of the master's long sheets are kept by their content (:class:`~tdkt_xl.master.RowMemo`):
  the rows of units whose report did not change are not written again;
* the counts per form and year are carried over, with the counts of the reports that came and
  went added and taken off.

All of it is kept in one cache file beside the ledger. The cache only saves work: one that is
missing, damaged, or made from another ledger, plan or version of tdkt_xl is not used, and
everything is made from the ledger again (as on a first run).
"""

from __future__ import annotations

import array
import contextlib
import functools
import gc
import hashlib
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from tdkt_xl import __version__
from tdkt_xl import consolidate as consolidate_module
from tdkt_xl import master as master_module
from tdkt_xl.atomic import atomic_path
from tdkt_xl.consolidate import (
    READER_VERSION,
    SUBMISSION_ORDER,
    FileOutcome,
    UnitReport,
    choose_newest,
    plan_forms,
    plan_years,
    progress_counts,
    submission_state,
    superseded_reason,
)
from tdkt_xl.ledger import CurrentVersion, Ledger
from tdkt_xl.master import MasterData, RowMemo, SubmissionRow, TaskRow
from tdkt_xl.models import Plan
from tdkt_xl.status import vietnam_time

CACHE_FORMAT = 1  # raise when what is kept changes
GONE_MARK = " (không còn trong hộp thư)"

ProblemRow = tuple[str, str, str, str, str, str]  # (file, sheet, cell, severity, code, message)


class Entry(NamedTuple):
    """A unit's report on one task, as the master shows it."""

    status: str | None
    completed_on: date | None
    result: str
    difficulties: str
    note: str


class Record(NamedTuple):
    """What one accepted stored report gives the master."""

    id: int
    unit_code: str
    file: str  # as the master shows it (marked when no longer in the inbox)
    present: bool
    modified: datetime
    submitted_on: date | None
    entries: dict[str, Entry]  # task -> entry
    problems: tuple[ProblemRow, ...]
    sums: bytes  # the count of each form of the plan over the years (array "q"): cheap to keep


def _seen(version: CurrentVersion) -> tuple[Any, ...]:
    """What a record depends on besides its version: when any of it changes it is made again."""
    return (version.sha256, version.reader, version.plan_id, version.path, version.present, version.mtime_ns)


def _record(version: CurrentVersion, report: UnitReport, sums: list[int]) -> Record:
    modified = vietnam_time(version.mtime_ns / 1e9)  # the file's time now: touched files too
    entries = {code: Entry(e.status, e.completed_on, e.result, e.difficulties, e.note)
               for code, e in report.progress.items()}
    problems = tuple((p.file or "", p.sheet or "", p.cell or "", p.severity, p.code, p.message)
                     for p in report.problems)
    return Record(version.id, version.unit_code or report.unit_code, shown(version), version.present,
                  modified, report.report_date or modified.date(), entries, problems,
                  array.array("q", sums).tobytes())


def shown(version: CurrentVersion) -> str:
    """A file's name as the master shows it."""
    return version.path if version.present else version.path + GONE_MARK


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a cache of many small objects is read or written (it
    would go over them again and again as they are made); nothing made there is a cycle."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass
class Cache:
    """What one run keeps for the next."""

    key: tuple[Any, ...]
    records: dict[int, tuple[tuple[Any, ...], Record]] = field(default_factory=dict)
    # the versions whose counts make ``totals``, with the content each had then
    counted: dict[int, tuple[str, int, str]] = field(default_factory=dict)
    totals: dict[str, dict[int, int]] = field(default_factory=dict)
    style_ids: dict[str, str] = field(default_factory=dict)
    rows: dict[tuple[Any, ...], bytes] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, key: tuple[Any, ...]) -> Cache:
        try:
            with open(path, "rb") as handle, _collector_paused():
                kept = pickle.load(handle)
            if isinstance(kept, Cache) and kept.key == key:
                return kept
        except Exception:  # missing, damaged, or written by other code: everything is made again
            pass
        return cls(key)

    def store(self, path: Path) -> None:
        try:
            with atomic_path(path) as temp, open(temp, "wb") as handle, _collector_paused():
                pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # made again next time


@dataclass
class Rebuilt:
    """A rebuild: what the master shows, the units' summary, the superseded versions."""

    data: MasterData
    units: dict[str, Any]
    superseded: dict[int, str]  # version -> the file used instead
    superseded_files: list[str]
    cache: Cache
    path: Path
    changed: bool  # whether the cache differs from the one read

    def memo(self, style_ids: dict[str, str]) -> RowMemo:
        """The rows kept by the last run, for a master of these style ids."""
        from tdkt_xl.master import CellWriter

        kept = self.cache.rows if self.cache.style_ids == style_ids else {}
        return RowMemo(CellWriter(style_ids), kept)

    def keep(self, memo: RowMemo) -> None:
        """Keep the cache for the next run, with the rows this master used."""
        if not self.changed and memo.made == 0 and len(memo.used) == len(self.cache.rows) \
                and self.cache.style_ids == memo.writer.ids:
            return  # nothing new: the file as it is serves the next run
        self.cache.style_ids, self.cache.rows = memo.writer.ids, memo.used
        self.cache.store(self.path)


def rebuild(plan: Plan, identity: str, ledger: Ledger, cache_path: Path, *, as_of: date) -> Rebuilt:
    """The consolidation of every current version in ``ledger`` against ``plan`` (``identity``: its
    id), on ``as_of``."""
    forms = plan_forms(plan)
    form_names = [f.name for f in forms]
    years = plan_years(plan)
    key = (CACHE_FORMAT, _code_digest(), READER_VERSION, ledger.identity(), identity, tuple(form_names),
           tuple(years))
    cache = Cache.load(cache_path, key)
    changed = False
    units = {unit.code: unit for unit in plan.units or []}
    plan_years_by_id: dict[str, int] | None = None

    # which stored reports count, and what each gives
    counted: list[tuple[CurrentVersion, tuple[Any, ...]]] = []
    outcomes: list[tuple[str, str, str, str]] = []  # (file, outcome, code, reason): rejected
    for version in ledger.current_versions():
        name = shown(version)
        if version.outcome != "accepted":
            outcomes.append((name, "rejected", version.code, version.reason))
            continue
        # checked when read, against the plan of then: what the plan says now still counts (a file
        # gone from the inbox cannot be read again)
        unit = units.get(version.unit_code or "")
        year: int | None = plan.year
        if version.plan_id != identity:
            plan_years_by_id = plan_years_by_id if plan_years_by_id is not None else ledger.plan_years()
            year = plan_years_by_id.get(version.plan_id)
        if unit is None or unit.is_group or year != plan.year:
            gone = _no_longer_counted(name, version.unit_code or "", year, plan.year)
            outcomes.append((gone.file, gone.outcome, gone.code, gone.reason))
            continue
        counted.append((version, _seen(version)))

    kept = cache.records
    records: dict[int, tuple[tuple[Any, ...], Record]] = {}
    to_read = [version for version, seen in counted if kept.get(version.id, ((),))[0] != seen]
    if to_read:
        changed = True
        ids = [version.id for version in to_read]
        texts = ledger.stored_reports(ids)
        _, sums = ledger.stats_totals(ids, form_names, years)
        for version in to_read:
            report = UnitReport.model_validate_json(texts[version.id])
            given = sums.get(version.id, {})
            counts = [given.get(name, 0) for name in form_names]
            kept[version.id] = (_seen(version), _record(version, report, counts))
    for version, _ in counted:
        records[version.id] = kept[version.id]
    changed = changed or len(records) != len(kept)
    cache.records = records

    newest, superseded = choose_newest(record for _, record in records.values())

    # the counts: carried over from the last run, the versions that came and went added and taken off
    now_counted = {r.id: records[r.id][0][:3] for r in newest.values()}
    gone_ids = [i for i in cache.counted if i not in now_counted]
    new_ids = [i for i in now_counted if i not in cache.counted]
    if cache.totals and all(cache.counted[i] == now_counted[i] for i in cache.counted if i in now_counted) \
            and ledger.contents(gone_ids) == {i: cache.counted[i] for i in gone_ids} \
            and len(gone_ids) + len(new_ids) < len(now_counted):
        totals = {name: dict(counts) for name, counts in cache.totals.items()}
        for sign, ids in ((-1, gone_ids), (1, new_ids)):
            if ids:
                part, _ = ledger.stats_totals(ids, form_names, years)
                for name, by_year in part.items():
                    row = totals[name]
                    for year_, count in by_year.items():
                        row[year_] += sign * count
    else:
        totals, _ = ledger.stats_totals(list(now_counted), form_names, years)
    if now_counted != cache.counted:
        changed = True
    cache.counted, cache.totals = now_counted, totals

    deadline = plan.config.report_deadline
    submissions: list[SubmissionRow] = []
    for unit in plan.units or []:
        if unit.is_group:
            continue
        found = newest.get(unit.code)
        state = submission_state(found.submitted_on if found else None, deadline, found is not None)
        submissions.append(SubmissionRow(unit.code, unit.name, unit.email, state,
                                         found.submitted_on if found else None, found.file if found else "",
                                         len(found.problems) if found else None))
    submissions.sort(key=lambda s: (SUBMISSION_ORDER[s.state], s.code))

    by_task: dict[str, dict[str, Entry]] = {}
    for code, record in newest.items():
        for task_code, entry in record.entries.items():
            by_task.setdefault(task_code, {})[code] = entry
    tasks = []
    for task in plan.tasks:
        entries = by_task.get(task.code, {})
        codes, done, ongoing, not_started, nothing, status = progress_counts(
            task, entries, as_of, plan.config.due_soon_days)
        tasks.append(TaskRow(task, codes, done, ongoing, not_started, nothing, status, entries))

    in_use = {code: record.file for code, record in newest.items()}
    replaced = [(r.file, "superseded", "", superseded_reason(r.unit_code, in_use[r.unit_code]))
                for r in superseded]
    rejected = len(outcomes)
    shown_outcomes = sorted(outcomes + replaced, key=lambda o: o[0])
    problems = [p for r in newest.values() for p in r.problems] + [p for r in superseded for p in r.problems]
    data = MasterData(
        as_of=as_of, deadline=deadline, submissions=submissions, tasks=tasks, files=in_use, forms=forms,
        years=years, totals=totals,
        by_unit=[(code, units[code].name, newest[code].sums) for code in sorted(newest)],
        outcomes=shown_outcomes, problems=problems, rejected=rejected)
    said = {
        "expected": len(submissions),
        "submitted": sum(1 for s in submissions if s.state != "missing"),
        "late": [s.code for s in submissions if s.state == "late"],
        "missing": [s.code for s in submissions if s.state == "missing"],
    }
    return Rebuilt(data, said, {r.id: in_use[r.unit_code] for r in superseded},
                   sorted(r.file for r in superseded), cache, cache_path, changed)


@functools.cache
def _code_digest() -> str:
    """The code that makes what the cache keeps (records, rows): a cache made by other code is not used."""
    digest = hashlib.sha256(__version__.encode())
    for module in (consolidate_module, master_module, sys.modules[__name__]):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def _no_longer_counted(file: str, unit_code: str, year: int | None, plan_year: int) -> FileOutcome:
    """A stored report the plan of now does not take: its unit left the plan, or it was checked
    against another year's plan (a file gone from the inbox, which cannot be read again)."""
    if year == plan_year:
        return FileOutcome(file=file, outcome="rejected", code="unknown-unit", unit_code=unit_code,
                           reason=f"Đơn vị {unit_code} không còn trong danh sách đơn vị của kế hoạch (hoặc "
                                  "nay là một nhóm); báo cáo không được tổng hợp.")
    which = f"kế hoạch năm {year}" if year else "một kế hoạch khác"
    return FileOutcome(file=file, outcome="rejected", code="other-plan", unit_code=unit_code,
                       reason=f"Báo cáo đã được kiểm tra theo {which} và tệp không còn trong hộp thư để "
                              f"kiểm tra lại; không tổng hợp vào kế hoạch năm {plan_year}.")
