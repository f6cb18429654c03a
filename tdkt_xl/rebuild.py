"""The nightly merge's consolidation, rebuilt from the ledger at every run without redoing the
work of the previous run.

It gives the master that :func:`~tdkt_xl.consolidate.consolidate` and :mod:`tdkt_xl.master`
give over the ledger's stored reports (the nightly tests compare the two through every kind of
change), in a few steps per unit: what a unit of the plan gives the master (its rows, already
written as XML, its state, its progress on its tasks: a :class:`UnitPart`) is kept for the next
run, and made again only when one of the unit's reports changed (a new version, a file touched,
moved or gone). The counts per form and year are carried over too, with the counts of the
reports that came and went added and taken off.

All of it is kept in one cache file beside the ledger. The cache only saves work: one that is
missing, damaged, or made from another ledger, plan file or version of tdkt_xl is not used, and
everything is made from the ledger again, as on a first run.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import pickle
import sys
import uuid
from collections.abc import Iterator, Sequence
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
from tdkt_xl.master import (
    SUBMISSIONS_SHEET,
    SUBMISSIONS_WIDTHS,
    CellWriter,
    SheetLayout,
    SheetRows,
    SubmissionRow,
    TaskRow,
    assemble,
    detail_values,
    outcome_values,
    problem_values,
    sheet_layouts,
    skeleton_key,
    style_ids,
    submission_values,
)
from tdkt_xl.models import CommendationForm, Plan, Task
from tdkt_xl.status import vietnam_time

CACHE_FORMAT = 4  # raise when what is kept changes (the code's own digest is in the key too)
GONE_MARK = " (không còn trong hộp thư)"
_BATCH = 1000

ProblemRow = tuple[str, str, str, str, str, str]  # (file, sheet, cell, severity, code, message)
Content = tuple[str, int, str]  # (sha256, reader, plan id): what a version's stored values depend on


class Entry(NamedTuple):
    """A unit's report on one task."""

    status: str | None
    completed_on: date | None
    result: str
    difficulties: str
    note: str


class Progress(NamedTuple):
    """What counting a task's progress needs of a unit's entry."""

    status: str | None
    completed_on: date | None


class Record(NamedTuple):
    """One accepted stored report, as a unit's part is made from it."""

    id: int
    content: Content
    unit_code: str
    file: str  # as the master shows it (marked when no longer in the inbox)
    present: bool
    modified: datetime
    submitted_on: date | None
    entries: dict[str, Entry]  # task -> entry
    problems: tuple[ProblemRow, ...]
    sums: list[int]  # each form's count over the years

    @property
    def order(self) -> tuple[Any, ...]:
        """Where it comes among all reports (:func:`~tdkt_xl.consolidate.choose_newest`'s order)."""
        return (self.submitted_on or date.min, self.modified or datetime.min, self.present, self.file)


class UnitPart(NamedTuple):
    """What one unit of the plan gives the master; kept while its reports and the plan stay."""

    digest: bytes  # of the unit's reports it was made from
    state: str
    newest: tuple[int, Content, str] | None  # the report used: (version, content, file)
    first: tuple[Any, ...] | None  # the order of the unit's first report, when it has problems (they
    # come in the order of their units' first reports)
    superseded: tuple[tuple[tuple[Any, ...], int, str, tuple[ProblemRow, ...]], ...]  # (order of the
    # report that replaced it, version, file, problems) of each report not used
    progress: tuple[tuple[str, Progress], ...]  # (task, progress) of the report used
    problems: tuple[ProblemRow, ...]  # of the report used
    submission: bytes  # the cells of its row in "Tình hình nộp báo cáo", after the STT
    detail: tuple[bytes, ...]  # of its rows in "Chi tiết tiến độ", in the order they come
    by_unit: bytes  # of its row in "Số liệu chi tiết" before its "Tổng" (b"": no report)


def shown(version: CurrentVersion) -> str:
    """A file's name as the master shows it."""
    return version.path if version.present else version.path + GONE_MARK


def _seen(version: CurrentVersion) -> tuple[Any, ...]:
    """What a unit's part depends on of one of its versions."""
    return (version.id, version.sha256, version.reader, version.plan_id, version.path, version.present,
            version.mtime_ns)


def _digest(versions: Sequence[CurrentVersion]) -> bytes:
    text = repr([_seen(version) for version in versions]).encode("utf-8", "surrogateescape")
    return hashlib.sha1(text, usedforsecurity=False).digest()


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
    """What one run keeps for the next: a file of the whole (written again now and then) and a
    journal beside it of what each later run changed (a run where 1% of the reports changed
    writes 1% of the parts, not the whole)."""

    key: tuple[Any, ...]
    style_ids: dict[str, str] = field(default_factory=dict)
    parts: dict[str, UnitPart] = field(default_factory=dict)
    counted: dict[int, Content] = field(default_factory=dict)  # the versions summed in ``totals``
    totals: dict[str, dict[int, int]] = field(default_factory=dict)
    generation: str = ""  # of the whole file: journal entries made for another one are not used
    journal_size: int = 0  # bytes of journal read with it (-1: one was cut short); not kept
    whole_size: int = 0  # bytes of the whole file; not kept
    # what this run changed in ``counted``: the versions (with their content) and those taken off
    counted_change: tuple[dict[int, Content], list[int]] = field(default_factory=lambda: ({}, []))

    @classmethod
    def read(cls, path: Path, key: tuple[Any, ...]) -> Cache | None:
        """The cache kept at ``path`` (the whole, then its journal), or None when there is none for
        ``key`` (its key comes first in the file: a cache of another key is not read)."""
        try:
            with open(path, "rb") as handle, _collector_paused():
                if pickle.load(handle) != key:
                    return None
                kept = pickle.load(handle)
            if not (isinstance(kept, Cache) and kept.key == key and kept.generation):
                return None
            kept.whole_size, kept.journal_size = path.stat().st_size, 0
        except Exception:  # missing, damaged, or written by other code: everything is made again
            return None
        try:
            with open(_journal(path), "rb") as handle, _collector_paused():
                while True:
                    try:
                        generation, parts, removed, counted, uncounted, totals = pickle.load(handle)
                    except EOFError:
                        break
                    if generation == kept.generation:
                        kept.parts.update(parts)
                        for code in removed:
                            kept.parts.pop(code, None)
                        kept.counted.update(counted)
                        for version_id in uncounted:
                            kept.counted.pop(version_id, None)
                        kept.totals = totals
                kept.journal_size = handle.tell()
        except FileNotFoundError:
            pass
        except Exception:  # an entry cut short (a run killed while writing it): write the whole next
            kept.journal_size = -1
        return kept

    def store(self, path: Path, made: dict[str, UnitPart], removed: list[str]) -> None:
        """Keep what this run changed: ``made`` and ``removed`` parts, the counts summed."""
        try:
            small = len(made) + len(removed) <= len(self.parts) // 10
            if small and self.generation and 0 <= self.journal_size < self.whole_size // 2:
                with open(_journal(path), "ab") as handle, _collector_paused():
                    counted, uncounted = self.counted_change
                    pickle.dump((self.generation, made, removed, counted, uncounted, self.totals), handle,
                                protocol=pickle.HIGHEST_PROTOCOL)
                return
            self.generation = uuid.uuid4().hex
            with atomic_path(path) as temp, open(temp, "wb") as handle, _collector_paused():
                pickle.dump(self.key, handle, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
            _journal(path).unlink(missing_ok=True)  # (left behind by a crash: of another generation)
        except OSError:
            pass  # made again next time


def _journal(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


@dataclass
class Rebuilt:
    """A rebuild: what the master needs, the units' summary, the superseded versions."""

    plan: Plan
    as_of: date
    forms: list[CommendationForm]
    years: list[int]
    totals: dict[str, dict[int, int]]
    parts: list[tuple[str, UnitPart]]  # the plan's units, in the submissions sheet's order
    tasks: list[TaskRow]
    detail: list[bytes]
    by_unit: list[bytes]
    problems: list[bytes]  # the cells of the "Lỗi" rows
    rejected: int
    cell_problems: int
    units: dict[str, Any]  # the summary's "units"
    superseded: dict[int, str]  # version -> the file used instead
    superseded_files: list[str]
    style_ids: dict[str, str]
    cache: Cache
    path: Path
    changed: bool  # whether the cache differs from the one read
    made: dict[str, UnitPart] = field(default_factory=dict)  # the parts made by this run
    removed: list[str] = field(default_factory=list)  # the units whose parts it dropped

    def layouts(self) -> list[SheetLayout]:
        return sheet_layouts(len(self.parts), self.tasks, self.forms, len(self.years), len(self.by_unit),
                             len(self.problems))

    def sheets(self) -> list[SheetRows]:
        """The master's sheets."""
        return assemble(
            CellWriter(self.style_ids), as_of=self.as_of, deadline=self.plan.config.report_deadline,
            states=[part.state for _, part in self.parts],
            submissions=[part.submission for _, part in self.parts], tasks=self.tasks, detail=self.detail,
            forms=self.forms, years=self.years, totals=self.totals, by_unit=self.by_unit,
            problems=self.problems, rejected=self.rejected, cell_problems=self.cell_problems)

    def keep(self) -> None:
        """Keep the cache for the next run (when it changed)."""
        if self.changed:
            self.cache.store(self.path, self.made, self.removed)


def rebuild(plan: Plan, identity: str, plan_digest: str, ledger: Ledger, cache_path: Path, *, as_of: date,
            ids: dict[str, str] | None = None, read: dict[int, UnitReport] | None = None) -> Rebuilt:
    """The consolidation of every current version in ``ledger`` against ``plan`` (``identity``: its
    id; ``plan_digest``: of its file and of how it was read), on ``as_of``. ``ids``: the style ids
    of the master's skeleton, when they differ from those the cache was made with; ``read``: reports
    this run read and stored, by version (not decoded from the ledger again)."""
    forms = plan_forms(plan)
    form_names = [f.name for f in forms]
    years = plan_years(plan)
    units = {unit.code: unit for unit in plan.units or []}
    ids_key = skeleton_key([SheetLayout(SUBMISSIONS_SHEET, SUBMISSIONS_WIDTHS, 0)])
    key = (CACHE_FORMAT, _code_digest(), READER_VERSION, ledger.identity(), plan_digest, identity, ids_key)
    cache = Cache.read(cache_path, key) or Cache(key)
    changed = False
    if ids is not None and ids != cache.style_ids:
        cache = Cache(key, ids)
    if not cache.style_ids:
        cache.style_ids, changed = style_ids(), True
    writer = CellWriter(cache.style_ids)

    # which stored reports count, by unit
    by_unit_versions: dict[str, list[CurrentVersion]] = {}
    rejected: list[tuple[str, str, str, str]] = []  # (file, "rejected", code, reason)
    plan_years_by_id: dict[str, int] | None = None
    for version in ledger.current_versions():
        if version.outcome != "accepted":
            rejected.append((shown(version), "rejected", version.code, version.reason))
            continue
        # checked when read, against the plan of then: what the plan says now still counts (a file
        # gone from the inbox cannot be read again)
        unit = units.get(version.unit_code or "")
        year: int | None = plan.year
        if version.plan_id != identity:
            plan_years_by_id = plan_years_by_id if plan_years_by_id is not None else ledger.plan_years()
            year = plan_years_by_id.get(version.plan_id)
        if unit is None or unit.is_group or year != plan.year:
            gone = _no_longer_counted(shown(version), version.unit_code or "", year, plan.year)
            rejected.append((gone.file, gone.outcome, gone.code, gone.reason))
            continue
        by_unit_versions.setdefault(unit.code, []).append(version)

    # each unit's part: kept, or made from its stored reports
    kept = cache.parts
    parts: dict[str, UnitPart] = {}
    to_make: list[tuple[str, bytes]] = []
    for code, unit in units.items():
        if unit.is_group:
            continue
        digest = _digest(by_unit_versions.get(code, ()))
        part = kept.get(code)
        if part is not None and part.digest == digest:
            parts[code] = part
        else:
            to_make.append((code, digest))
    made = _make_parts(plan, ledger, writer, to_make, by_unit_versions, form_names, years,
                       read or {}) if to_make else {}
    parts.update(made)
    removed = [code for code in kept if code not in parts]
    changed = changed or bool(made) or bool(removed)
    cache.parts = parts

    # the units in the submissions sheet's order; the other long sheets
    ordered = sorted(parts.items(), key=lambda item: (SUBMISSION_ORDER[item[1].state], item[0]))
    used = {code: part.newest for code, part in parts.items() if part.newest is not None}
    by_task: dict[str, dict[str, Progress]] = {}
    for code, part in parts.items():
        for task_code, progress in part.progress:
            by_task.setdefault(task_code, {})[code] = progress
    tasks: list[TaskRow] = []
    detail: list[bytes] = []
    position = dict.fromkeys(parts, 0)
    for task in plan.tasks:
        entries = by_task.get(task.code, {})
        codes, done, ongoing, not_started, nothing, status = progress_counts(
            task, entries, as_of, plan.config.due_soon_days)
        tasks.append(TaskRow(task, codes, done, ongoing, not_started, nothing, status, entries))
        for code in codes:
            at = position.get(code)
            if at is None:  # not a unit that reports (a group, or a unit not in the list): never reported
                lead = any(u.code == code for u in task.lead)
                detail.append(writer.cells(detail_values(task, code, code, lead, None, "")))
                continue
            detail.append(parts[code].detail[at])
            position[code] = at + 1
    by_unit = [parts[code].by_unit for code in sorted(used)]

    # "Lỗi": rejected and superseded files by name, then the problems of the reports used (in the
    # order their units' first reports come) and of those superseded (in the order they were)
    in_use = {code: newest[2] for code, newest in used.items()}
    replaced = [(order, version_id, file, problems, code) for code, part in parts.items()
                for order, version_id, file, problems in part.superseded]
    replaced.sort(key=lambda item: item[0])
    outcomes = sorted(rejected + [(file, "superseded", "", superseded_reason(code, in_use[code]))
                                  for _, _, file, _, code in replaced], key=lambda outcome: outcome[0])
    with_problems = sorted((part for part in parts.values() if part.problems), key=lambda p: p.first or ())
    cell_problems = [problem for part in with_problems for problem in part.problems]
    cell_problems += [problem for _, _, _, problems, _ in replaced for problem in problems]
    problem_rows = [writer.cells(outcome_values(*outcome)) for outcome in outcomes]
    problem_rows += [writer.cells(problem_values(*problem)) for problem in cell_problems]

    totals, counted_changed = _totals(cache, ledger, {newest[0]: newest[1] for newest in used.values()},
                                      form_names, years)
    changed = changed or counted_changed
    said = {
        "expected": len(ordered),
        "submitted": sum(1 for _, part in ordered if part.state != "missing"),
        "late": [code for code, part in ordered if part.state == "late"],
        "missing": [code for code, part in ordered if part.state == "missing"],
    }
    return Rebuilt(plan, as_of, forms, years, totals, ordered, tasks, detail, by_unit, problem_rows,
                   sum(1 for outcome in outcomes if outcome[1] == "rejected"), len(cell_problems), said,
                   {version_id: in_use[code] for _, version_id, _, _, code in replaced},
                   sorted(file for _, _, file, _, _ in replaced), cache.style_ids, cache, cache_path, changed,
                   made, removed)


def _make_parts(plan: Plan, ledger: Ledger, writer: CellWriter, to_make: list[tuple[str, bytes]],
                versions: dict[str, list[CurrentVersion]], form_names: list[str], years: list[int],
                read: dict[int, UnitReport]) -> dict[str, UnitPart]:
    """The parts of these units, from their stored reports."""
    wanted = {code for code, _ in to_make}
    occurrences: dict[str, list[tuple[Task, bool]]] = {code: [] for code in wanted}
    for task in plan.tasks:  # each unit's rows in "Chi tiết tiến độ", in the order they come
        leads = {u.code for u in task.lead}
        for ref in task.units:
            if ref.code in wanted:
                occurrences[ref.code].append((task, ref.code in leads))
    units = {unit.code: unit for unit in plan.units or []}
    deadline = plan.config.report_deadline
    made: dict[str, UnitPart] = {}
    texts: dict[int, str] = {}
    sums: dict[int, dict[str, int]] = {}
    for number, (code, digest) in enumerate(to_make):
        if number % _BATCH == 0:  # the stored reports of a thousand units at a time (a first run)
            batch = [version.id for code_, _ in to_make[number:number + _BATCH]
                     for version in versions.get(code_, ())]
            texts = ledger.stored_reports([i for i in batch if i not in read])
            _, sums = ledger.stats_totals(batch, form_names, years)
        unit = units[code]
        records = [_record(version, read.get(version.id) or UnitReport.model_validate_json(texts[version.id]),
                           [sums.get(version.id, {}).get(name, 0) for name in form_names])
                   for version in versions.get(code, ())]
        newest_of, superseded = choose_newest(records)
        newest = newest_of.get(code)
        # what replaced each superseded report: the next one in the order, as choose_newest goes
        ordered = sorted(records, key=lambda r: r.order)
        replaced = tuple((ordered[index + 1].order, record.id, record.file, record.problems)
                         for index, record in enumerate(ordered[:-1]))
        assert [r.id for r in superseded] == [item[1] for item in replaced]
        state = submission_state(newest.submitted_on if newest else None, deadline, newest is not None)
        row = SubmissionRow(code, unit.name, unit.email, state, newest.submitted_on if newest else None,
                            newest.file if newest else "", len(newest.problems) if newest else None)
        file = newest.file if newest else ""
        detail = tuple(writer.cells(detail_values(task, code, unit.name, lead,
                                                  newest.entries.get(task.code) if newest else None, file))
                       for task, lead in occurrences[code])
        made[code] = UnitPart(
            digest, state, (newest.id, newest.content, newest.file) if newest else None,
            ordered[0].order if newest and (newest.problems or replaced) else None, replaced,
            tuple((task, Progress(e.status, e.completed_on)) for task, e in newest.entries.items())
            if newest else (),
            newest.problems if newest else (), writer.cells(*submission_values(row)), detail,
            writer.cells([code, unit.name, *newest.sums]) if newest else b"")
    return made


def _record(version: CurrentVersion, report: UnitReport, sums: list[int]) -> Record:
    modified = vietnam_time(version.mtime_ns / 1e9)  # the file's time now: touched files too
    entries = {code: Entry(e.status, e.completed_on, e.result, e.difficulties, e.note)
               for code, e in report.progress.items()}
    problems = tuple((p.file or "", p.sheet or "", p.cell or "", p.severity, p.code, p.message)
                     for p in report.problems)
    return Record(version.id, (version.sha256, version.reader, version.plan_id),
                  version.unit_code or report.unit_code, shown(version), version.present, modified,
                  report.report_date or modified.date(), entries, problems, sums)


def _totals(cache: Cache, ledger: Ledger, counted: dict[int, Content], forms: list[str], years: list[int]
            ) -> tuple[dict[str, dict[int, int]], bool]:
    """The counts of the ``counted`` versions summed per form and year: the last run's, with the
    versions that came and went added and taken off when that is less work and sure to be right
    (every version still counted, and every one that went, has the content it was counted with)."""
    gone = [i for i in cache.counted if i not in counted]
    new = [i for i in counted if i not in cache.counted]
    if not gone and not new and cache.totals:
        return cache.totals, False
    carried = bool(cache.totals) and len(gone) + len(new) < len(counted) \
        and all(counted[i] == content for i, content in cache.counted.items() if i in counted) \
        and ledger.contents(gone) == {i: cache.counted[i] for i in gone}
    if carried:
        totals = {name: dict(by_year) for name, by_year in cache.totals.items()}
        for sign, ids in ((-1, gone), (1, new)):
            if ids:
                part, _ = ledger.stats_totals(ids, forms, years)
                for name, by_year in part.items():
                    row = totals[name]
                    for year, count in by_year.items():
                        row[year] += sign * count
    else:
        totals, _ = ledger.stats_totals(list(counted), forms, years)
    cache.counted_change = ({i: content for i, content in counted.items() if cache.counted.get(i) != content},
                            [i for i in cache.counted if i not in counted])
    cache.counted, cache.totals = counted, totals
    return totals, True


@functools.cache
def _code_digest() -> str:
    """The code that makes what the cache keeps: a cache made by other code is not used."""
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
