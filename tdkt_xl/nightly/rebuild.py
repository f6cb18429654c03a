"""The nightly rebuild: the consolidation made again from the ledger at every run without redoing the
work of the previous run.

It gives the master that :func:`~tdkt_xl.consolidation.aggregate.consolidate` and
:mod:`tdkt_xl.consolidation.master` give over the ledger's stored reports (the nightly tests
compare the two through every kind of change). What the master is made of is kept beside the
ledger for the next run (a :class:`~tdkt_xl.nightly.rebuild_state.State`): the rows of its long
sheets already written as XML (:class:`~tdkt_xl.consolidation.master_cells.Block`), each unit's
state, the progress of each unit on each task, the problems and superseded reports, the rejected
files and the counts summed. A run then looks only at the paths it changed in the ledger
(:attr:`~tdkt_xl.nightly.ledger.Ledger.touched`: files read, found again, moved, touched or gone):
the units they belong to, before and after, are made again
(:class:`~tdkt_xl.nightly.rebuild_state.UnitResult`) and put in place of their old rows, and the
counts of the reports that came and went are added and taken off.

The cache only saves work. It is used when it was made from this ledger at its present count of
changes (:meth:`~tdkt_xl.nightly.ledger.Ledger.changes`, so that a run killed after writing the ledger but
before keeping the cache is noticed), from the same plan file, reading rules and code, and
when few units changed; otherwise everything is made from the ledger again, as on a first run.
It is one file written whole now and then, and a journal of what each run changed in between.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tdkt_xl.collector import collector_paused
from tdkt_xl.consolidation import cache_files
from tdkt_xl.consolidation.aggregate import (
    NOT_SUBMITTED,
    SUBMISSION_ORDER,
    FileOutcome,
    FileUnits,
    UnitGroups,
    choose_newest,
    progress_counts,
    submission_state,
    superseded_reason,
)
from tdkt_xl.consolidation.master import (
    SUBMISSIONS_SHEET,
    SUBMISSIONS_WIDTHS,
    SubmissionRow,
    TaskRow,
    assemble,
    detail_values,
    outcome_values,
    problem_values,
    rejected_text,
    sheet_layouts,
    submission_values,
)
from tdkt_xl.consolidation.master_cells import Block, CellWriter, RowFormat, SheetRows, row_formats
from tdkt_xl.consolidation.master_skeleton import SheetLayout, skeleton_key, style_ids
from tdkt_xl.errors import Code
from tdkt_xl.intake.plan_index import plan_forms, plan_years
from tdkt_xl.intake.unit_report import READER_VERSION, UnitReport
from tdkt_xl.nightly.ledger import CurrentFile, CurrentVersion, Ledger
from tdkt_xl.nightly.rebuild_state import (
    Entry,
    JournalEntry,
    OutcomeRow,
    Progress,
    Record,
    State,
    UnitResult,
)
from tdkt_xl.nightly.unit_rows import UnitRows
from tdkt_xl.plans.models import CommendationForm, Plan, Task
from tdkt_xl.plans.status import vietnam_time

CACHE_FORMAT = 10  # (the digest of the whole package is in the key too: no constant to remember)
KIND = b"RBLD"  # of the cache file and of its journal's records
GONE_MARK = " (không còn trong hộp thư)"
# a "Lỗi" row's outcome: a file gone, rejected or no longer counted under another plan (shown
# "Bị loại", as "rejected"; it makes no unit "Tệp bị loại – đề nghị gửi lại")
EARLIER = "rejected earlier"
JOURNAL_ENTRIES = 32  # runs kept in the journal before the whole is written again
_BATCH = 100  # units made at a time from the reports the ledger keeps (a first run)

@dataclass
class Cache:
    """What one run keeps for the next: a file of the whole (written again now and then) and a
    journal beside it of what each later run changed."""

    key: tuple[Any, ...]
    changes: int  # the ledger's count of changes the state is at
    style_ids: dict[str, str]
    state: State
    generation: str = ""  # of the whole file: journal entries made for another one are not used
    entries: int = 0  # journal entries read with it (-1: one was cut short); not kept
    journal_size: int = 0  # not kept
    whole_size: int = 0  # not kept

    @classmethod
    def read(cls, path: Path, key: tuple[Any, ...], forms: int) -> Cache | None:
        """The cache kept at ``path`` with its journal applied, or None when there is none for
        ``key`` (kept as data with a checked header, :mod:`~tdkt_xl.consolidation.cache_files`:
        one of another key, damaged, cut off or not this user's own is not used)."""
        payload = cache_files.read_file(path, KIND, cache_files.key_digest("rebuild", key))
        if payload is None:
            return None
        try:
            with collector_paused():
                changes, ids, state, generation = cache_files.decode(payload, _CLASSES)
            if not (type(changes) is int and isinstance(state, State) and isinstance(generation, str)
                    and generation and _is_texts(ids) and state.blocks.keys() == {"S", "D", "U"}
                    and all(isinstance(block, Block) for block in state.blocks.values())):
                return None
        except (cache_files.CacheDamaged, TypeError, ValueError, AttributeError):
            return None  # everything is made again
        kept = cls(key, changes, ids, state, generation, 0, 0, len(payload))
        latest: dict[str, UnitResult] = {}
        orders: list[list[str] | None] = [None, None]
        journal_key = cache_files.key_digest("journal", key, generation)
        try:
            data = cache_files.read_bytes(_journal(path))
            kept.journal_size = len(data)
            with collector_paused():
                for found, record in cache_files.records(data, KIND):
                    if found != journal_key:
                        continue
                    entry = cache_files.decode(record, _CLASSES)
                    if not isinstance(entry, JournalEntry) or entry.generation != kept.generation:
                        raise cache_files.CacheDamaged("not a journal entry")
                    kept.entries += 1
                    _apply(kept.state, entry)
                    latest.update(entry.results)
                    orders = [entry.submissions_order or orders[0], entry.by_unit_order or orders[1]]
                    kept.changes = entry.changes
        except FileNotFoundError:
            pass
        except (OSError, cache_files.CacheDamaged, TypeError, ValueError, AttributeError, KeyError):
            # an entry cut short (a run killed while writing it), or a journal not to be trusted:
            # what was read of it stands (each entry checked whole); the whole is written next
            kept.entries = -1
        if latest:
            kept.state.blocks = _updated_blocks(kept.state.blocks, latest, orders[0], orders[1],
                                                row_formats(kept.style_ids, forms))
        return kept

    def tag(self) -> tuple[Any, ...]:
        """What identifies the state (its rows)."""
        return (self.key, self.generation, self.changes)

    def store_whole(self, path: Path) -> None:
        self.generation = uuid.uuid4().hex
        with collector_paused():
            chunks = cache_files.encode([self.changes, self.style_ids, self.state, self.generation], _CLASSES)
        if cache_files.write_file(path, KIND, cache_files.key_digest("rebuild", self.key), chunks):
            with contextlib.suppress(OSError):
                _journal(path).unlink(missing_ok=True)  # (left by a crash: of another generation anyway)

    def append(self, path: Path, entry: JournalEntry) -> None:
        with collector_paused():
            chunks = cache_files.encode(entry, _CLASSES)
        digest = cache_files.key_digest("journal", self.key, self.generation)
        cache_files.append_record(_journal(path), KIND, digest, chunks)


def _is_texts(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                           for k, v in value.items())


_CLASSES: dict[str, type] = {"Progress": Progress, "UnitResult": UnitResult, "State": State,
                              "JournalEntry": JournalEntry, "Block": Block}  # what the cache may hold


def _journal(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def _apply(state: State, entry: JournalEntry) -> None:
    """What a journal entry changed, but the rows (put in once, after every entry is read)."""
    for code, result in entry.results.items():
        state.put(code, result)
    for path, row in entry.rejected.items():
        if row is None:
            state.rejected.pop(path, None)
        else:
            state.rejected[path] = row
    state.totals = entry.totals


def _updated_blocks(blocks: dict[str, Block], results: dict[str, UnitResult],
                    submissions_order: list[str] | None, by_unit_order: list[str] | None,
                    forms: dict[str, RowFormat]) -> dict[str, Block]:
    """The long sheets' rows with those of these units in place of theirs (and in a new order
    where the units' states, or which of them have a report, changed)."""
    old = blocks["S"]
    index = {code: position for position, code in enumerate(old.keys)}
    if submissions_order is None:
        submissions = old.patched({index[code]: result.submission for code, result in results.items()},
                                  forms["S"])
    else:
        cells = old.all_cells()  # (each piece inflated once: the rows come in another order)
        submissions = Block.build(((code, results[code].submission if code in results else cells[index[code]])
                                   for code in submissions_order), forms["S"])
    old = blocks["U"]
    index = {code: position for position, code in enumerate(old.keys)}
    if by_unit_order is None:
        by_unit = old.patched({index[code]: result.by_unit for code, result in results.items()
                               if result.by_unit is not None}, forms["U"])
    else:
        cells = old.all_cells()
        by_unit = Block.build(((code, _cells(results[code]) if code in results else cells[index[code]])
                               for code in by_unit_order), forms["U"])
    old = blocks["D"]
    seen: dict[str, int] = {}
    changed: dict[int, bytes] = {}
    for position, code in enumerate(old.keys):
        result = results.get(code)
        if result is not None:
            at = seen.get(code, 0)
            changed[position] = result.detail[at]
            seen[code] = at + 1
    return {"S": submissions, "D": old.patched(changed, forms["D"]), "U": by_unit}  # (rows' heights too)


def _cells(result: UnitResult) -> bytes:
    assert result.by_unit is not None
    return result.by_unit


def shown(version: CurrentVersion) -> str:
    """A file's name as the master shows it."""
    return version.path if version.present else version.path + GONE_MARK


@dataclass
class Rebuilt:
    """A rebuild: what the master needs, the units' summary, the superseded versions."""

    plan: Plan
    as_of: date
    forms: list[CommendationForm]
    years: list[int]
    state: State
    tasks: list[TaskRow]
    problems: Block  # the "Lỗi" rows
    rejected: int
    cell_problems: int
    units: dict[str, Any]  # the summary's "units"
    superseded: dict[int, str]  # version -> the file used instead
    superseded_files: list[str]
    style_ids: dict[str, str]
    cache: Cache
    path: Path
    entry: JournalEntry | None  # what this run changed (None: the whole is to be written)
    changed: bool

    def layouts(self) -> list[SheetLayout]:
        return sheet_layouts(len(self.state.blocks["S"].keys), self.tasks, self.forms, len(self.years),
                             len(self.state.blocks["U"].keys), len(self.problems.keys))

    def sheets(self) -> list[SheetRows]:
        """The master's sheets."""
        blocks = self.state.blocks
        return assemble(
            CellWriter(self.style_ids), as_of=self.as_of, deadline=self.plan.config.report_deadline,
            states=[self.state.states[code] for code in blocks["S"].keys], submissions=blocks["S"],
            tasks=self.tasks, detail=blocks["D"], forms=self.forms, years=self.years,
            totals=self.state.totals, by_unit=blocks["U"], problems=self.problems, rejected=self.rejected,
            cell_problems=self.cell_problems)

    def keep(self) -> None:
        """Keep the cache for the next run: this run's changes in the journal, or the whole."""
        if not self.changed:
            return
        cache = self.cache
        if self.entry is not None and 0 <= cache.entries < JOURNAL_ENTRIES \
                and cache.journal_size < cache.whole_size // 2:
            cache.append(self.path, self.entry._replace(generation=cache.generation))
        else:
            cache.store_whole(self.path)


def few_enough(count: int, units: int) -> bool:
    """Whether so many paths or units are few enough to go on from the last run's state."""
    return count <= max(100, units // 10)


def _cache_key(ledger: Ledger, plan_digest: str, identity: str) -> tuple[Any, ...]:
    # (the files are kept under a digest of this key and of the whole package: cache_files.key_digest)
    ids_key = skeleton_key([SheetLayout(SUBMISSIONS_SHEET, SUBMISSIONS_WIDTHS, 0)])
    return (CACHE_FORMAT, READER_VERSION, ledger.identity(), plan_digest, identity, ids_key)


def read_cache(plan: Plan, identity: str, plan_digest: str, ledger: Ledger, cache_path: Path) -> Cache | None:
    """The cache :func:`rebuild` reads, read ahead while the workers parse: give it in ``kept``."""
    return Cache.read(cache_path, _cache_key(ledger, plan_digest, identity), len(plan_forms(plan)))


def rebuild(plan: Plan, identity: str, plan_digest: str, ledger: Ledger, cache_path: Path, *, as_of: date,
            ids: dict[str, str] | None = None, read: dict[int, UnitReport] | None = None,
            changes: int | None = None, scanned: dict[str, CurrentFile] | None = None,
            kept: list[Cache | None] | None = None) -> Rebuilt:
    """The consolidation of every current version in ``ledger`` against ``plan`` (``identity``: its
    id; ``plan_digest``: of its file and of how it was read), on ``as_of``.

    ``ids``: the style ids of the master's skeleton, when they differ from those the cache was made
    with; ``read``: reports this run read and stored, by version (not decoded from the ledger
    again); ``changes``: the ledger's count of changes when this run started, and ``scanned`` the
    paths' current versions then (the ledger's :attr:`~tdkt_xl.nightly.ledger.Ledger.touched` paths are
    what this run changed since); ``kept``: holds the cache :func:`read_cache` read ahead, if any.
    """
    forms = plan_forms(plan)
    form_names = [f.name for f in forms]
    years = plan_years(plan)
    key = _cache_key(ledger, plan_digest, identity)
    making = _Making(plan, identity, ledger, form_names, years, read or {})
    cache = None if ids is not None else kept[0] if kept else Cache.read(cache_path, key, len(forms))
    base = cache.tag() if cache is not None else None
    touched = ledger.touched
    entry: JournalEntry | None = None
    if cache is not None and changes is not None and scanned is not None and cache.changes == changes \
            and making.few(len(touched)):
        entry = _update(cache, making, touched, scanned)
    if entry is None or cache is None:  # everything from the ledger
        style = ids or (cache.style_ids if cache is not None else None) or style_ids()
        cache = Cache(key, ledger.changes(), style, _whole(making, CellWriter(style)))
        entry, base = None, None
    state = cache.state
    writer = CellWriter(cache.style_ids)
    forms_rows = row_formats(cache.style_ids, len(forms))

    tasks: list[TaskRow] = []
    for task in plan.tasks:
        entries = state.entries.get(task.code, {})
        lines = making.groups.lines(task)
        codes, done, ongoing, not_started, nothing, status = progress_counts(
            task, entries, as_of, plan.config.due_soon_days, lines)
        tasks.append(TaskRow(task, codes, done, ongoing, not_started, nothing, status, entries,
                             [line.code for line in lines if line.group],
                             [line.code for line in lines if line.lead]))

    # "Lỗi": rejected and superseded files by name, then the problems of the reports used (in the
    # order their units' first reports come) and of those superseded (in the order they were)
    replaced = sorted(((order, version_id, file, problems, code) for code, items in state.superseded.items()
                       for order, version_id, file, problems in items), key=lambda item: item[0])
    outcomes = sorted([*state.rejected.values(),
                       *[(file, "superseded", "", superseded_reason(code, state.files[code]))
                         for _, _, file, _, code in replaced]], key=lambda outcome: outcome[0])
    cell_problems = [problem for _, problems in sorted(state.problems.values(), key=lambda item: item[0])
                     for problem in problems]
    cell_problems += [problem for _, _, _, problems, _ in replaced for problem in problems]
    problem_rows = Block.build([("", writer.cells(outcome_values(*outcome))) for outcome in outcomes]
                               + [("", writer.cells(problem_values(*problem))) for problem in cell_problems],
                               forms_rows["P"])
    order = state.blocks["S"].keys
    said = {
        "expected": len(order),
        "submitted": sum(1 for code in order if state.states[code] not in NOT_SUBMITTED),
        "late": [code for code in order if state.states[code] == "late"],
        "missing": [code for code in order if state.states[code] == "missing"],
        "rejected": [code for code in order if state.states[code] == "rejected"],
    }
    # (changed, so kept, also when only the count of changes moved: the next run must find it at it)
    return Rebuilt(plan, as_of, forms, years, state, tasks, problem_rows,
                   sum(1 for outcome in outcomes if outcome[1] != "superseded"), len(cell_problems), said,
                   {version_id: state.files[code] for _, version_id, _, _, code in replaced},
                   sorted(file for _, _, file, _, _ in replaced), cache.style_ids, cache, cache_path,
                   entry, entry is None or bool(entry.results or entry.rejected) or cache.tag() != base)


class _Making:
    """What making units from the ledger needs."""

    def __init__(self, plan: Plan, identity: str, ledger: Ledger, form_names: list[str], years: list[int],
                 read: dict[int, UnitReport]) -> None:
        self.plan, self.identity, self.ledger = plan, identity, ledger
        self.form_names, self.years, self.read = form_names, years, read
        self.units = {unit.code: unit for unit in plan.units or []}
        self.codes = [code for code, unit in self.units.items() if not unit.is_group]  # the units that report
        self._plan_years: dict[str, int] | None = None
        self.groups = UnitGroups(plan.units)
        self.of_file = FileUnits(plan.units)

    def rejected_by_unit(self, rejected: Mapping[str, OutcomeRow]) -> dict[str, list[OutcomeRow]]:
        """The files the inbox rejected (path -> row) of each unit, told by their names, in the order
        of their names as shown (the consolidation's); not the reports of before that no longer
        count or were rejected against another plan (:data:`EARLIER`: last year's files, archived, do
        not make a unit "rejected")."""
        by_unit: dict[str, list[OutcomeRow]] = {}
        for path, row in sorted(rejected.items(), key=lambda item: item[1][0]):
            code = self.of_file(path) if row[1] == "rejected" else None
            if code is not None:
                by_unit.setdefault(code, []).append(row)
        return by_unit

    def few(self, count: int) -> bool:
        return few_enough(count, len(self.codes))

    def outcome(self, version: CurrentVersion) -> OutcomeRow | None:
        """The "Lỗi" row of a path's current version, or None when its report counts."""
        if version.outcome != "accepted":
            now = version.present or version.plan_id == self.identity
            return (shown(version), "rejected" if now else EARLIER, version.code, version.reason)
        # checked when read, against the plan of then: what the plan says now still counts (a file
        # gone from the inbox cannot be read again)
        unit = self.units.get(version.unit_code or "")
        year: int | None = self.plan.year
        if version.plan_id != self.identity:
            self._plan_years = self._plan_years if self._plan_years is not None else self.ledger.plan_years()
            year = self._plan_years.get(version.plan_id)
        if unit is None or unit.is_group or year != self.plan.year:
            gone = _no_longer_counted(shown(version), version.unit_code or "", year, self.plan.year)
            return (gone.file, EARLIER, gone.code, gone.reason)
        return None

    def units_made(self, codes: Collection[str], versions: dict[str, list[CurrentVersion]],
                   writer: CellWriter, rejected: Mapping[str, list[OutcomeRow]]) -> dict[str, UnitResult]:
        """These units made from their counted ``versions`` (and their ``rejected`` files)."""
        return dict(self.each_unit_made(codes, versions, writer, rejected))

    def each_unit_made(self, codes: Collection[str], versions: dict[str, list[CurrentVersion]],
                       writer: CellWriter, rejected: Mapping[str, list[OutcomeRow]]
                       ) -> Iterator[tuple[str, UnitResult]]:
        """:meth:`units_made`, one unit after the other in the order of ``codes`` (the stored
        reports decoded a hundred units at a time, each batch let go before the next)."""
        wanted = set(codes)
        occurrences: dict[str, list[tuple[Task, bool]]] = {code: [] for code in wanted}
        for task in self.plan.tasks:  # each unit's rows in "Chi tiết tiến độ", in the order they come
            for line in self.groups.lines(task):
                if line.code in wanted:
                    occurrences[line.code].append((task, line.lead))
        deadline = self.plan.config.report_deadline
        ordered_codes = list(codes)
        texts: dict[int, str] = {}
        sums: dict[int, dict[str, int]] = {}
        for number, code in enumerate(ordered_codes):
            if number % _BATCH == 0:  # the stored reports of a hundred units at a time (a first run)
                batch = [version.id for other in ordered_codes[number:number + _BATCH]
                         for version in versions.get(other, ())]
                texts = self.ledger.stored_reports([i for i in batch if i not in self.read])
                _, sums = self.ledger.stats_totals(batch, self.form_names, self.years)
            unit = self.units[code]
            records = [_record(version, self._report(version.id, texts),
                               [sums.get(version.id, {}).get(name, 0) for name in self.form_names])
                       for version in versions.get(code, ())]
            newest_of, superseded = choose_newest(records)
            newest = newest_of.get(code)
            # what replaced each superseded report: the next one in the order, as choose_newest goes
            ordered = sorted(records, key=lambda r: r.order)
            replaced = tuple((ordered[index + 1].order, record.id, record.file, record.problems)
                             for index, record in enumerate(ordered[:-1]))
            assert [r.id for r in superseded] == [item[1] for item in replaced]
            refused = rejected.get(code, []) if newest is None else []
            state = submission_state(newest.submitted_on if newest else None, deadline, newest is not None,
                                     bool(refused))
            file = newest.file if newest else ""
            row = SubmissionRow(code, unit.name, unit.email, state, newest.submitted_on if newest else None,
                                file or rejected_text((r[0], r[3]) for r in refused),
                                len(newest.problems) if newest else None)
            yield code, UnitResult(
                state, newest.id if newest else None, file,
                {task: Progress(e.status, e.completed_on) for task, e in newest.entries.items()}
                if newest else {},
                (ordered[0].order, newest.problems) if newest and newest.problems else None, replaced,
                writer.cells(*submission_values(row)),
                tuple(writer.cells(detail_values(task, code, unit.name, lead,
                                                 newest.entries.get(task.code) if newest else None, file))
                      for task, lead in occurrences[code]),
                writer.cells([code, unit.name, *newest.sums]) if newest else None)

    def _report(self, version_id: int, texts: dict[int, str]) -> UnitReport:
        return self.read.get(version_id) or UnitReport.model_validate_json(texts[version_id])


def _whole(making: _Making, writer: CellWriter) -> State:
    """The state made from the whole ledger (a first run, or no cache to go on from)."""
    rejected: dict[str, OutcomeRow] = {}
    versions: dict[str, list[CurrentVersion]] = {}
    for version in making.ledger.current_versions():
        row = making.outcome(version)
        if row is None:
            versions.setdefault(version.unit_code or "", []).append(version)
        else:
            rejected[version.path] = row
    refused = making.rejected_by_unit(rejected)
    state = State({}, {}, {}, {}, {}, {}, rejected, {}, {})
    rows = UnitRows()  # (each row held once: until its sheet's pieces take it)
    forms = row_formats(writer.ids, len(making.form_names))

    def by_unit(versions: dict[str, list[CurrentVersion]]) -> Iterator[tuple[str, bytes]]:
        # the units made in the order of their codes, the order of "Số liệu chi tiết": its rows (the
        # longest, one for each report) go into their pieces as they are made, never all held
        for code, result in making.each_unit_made(sorted(making.codes), versions, writer, refused):
            state.put(code, result)
            rows.add(code, result.submission, result.detail)
            if result.by_unit is not None:
                yield code, result.by_unit

    units_block = Block.build(by_unit(versions), forms["U"])
    del versions
    state.totals, _ = making.ledger.stats_totals(list(state.newest.values()), making.form_names, making.years,
                                                 sums=False)

    def detail() -> Iterator[tuple[str, bytes]]:
        for task in making.plan.tasks:
            for line in making.groups.lines(task):
                code = line.code
                row = rows.next_detail(code)
                if row is None:  # a group without listed members: one line, by name, not chased
                    unit = making.units.get(code)
                    row = writer.cells(detail_values(task, code, unit.name if unit else code, line.lead, None,
                                                     "", group=True))
                yield code, row

    state.blocks = {
        "S": Block.build(((code, rows.submissions.pop(code)) for code in _submissions_order(state)),
                         forms["S"]),
        "D": Block.build(detail(), forms["D"]),
        "U": units_block,
    }
    return state


def _submissions_order(state: State) -> list[str]:
    return sorted(state.states, key=lambda code: (SUBMISSION_ORDER[state.states[code]], code))


def _update(cache: Cache, making: _Making, touched: set[str], scanned: dict[str, CurrentFile]
            ) -> JournalEntry | None:
    """The cache brought to the ledger's state by what this run changed (``touched`` paths), or
    None when too much changed to be worth it."""
    state, ledger = cache.state, making.ledger
    now = {version.path: version for version in ledger.current_versions(paths=touched)} if touched else {}
    rows = {path: making.outcome(version) if (version := now.get(path)) is not None else None
            for path in touched}
    named = {scanned[path].unit_code for path in touched if path in scanned}
    named |= {version.unit_code for version in now.values()}
    # a file rejected, before or now, makes the unit its name tells "rejected" (only such files are
    # looked up by name: the lookup of ten thousand units' names is made when one is)
    named |= {making.of_file(path) for path in touched
              if _refused(state.rejected.get(path)) or _refused(rows[path])}
    affected = {code for code in named if code is not None and code in state.states}
    if not making.few(len(affected)):
        return None
    rejected: dict[str, OutcomeRow | None] = {path: row for path, row in rows.items()
                                              if state.rejected.get(path) != row}
    versions: dict[str, list[CurrentVersion]] = {}
    for version in ledger.current_versions(units=affected) if affected else ():
        if making.outcome(version) is None:
            versions.setdefault(version.unit_code or "", []).append(version)
    writer = CellWriter(cache.style_ids)
    rejected_now = {path: row for path, row in {**state.rejected, **rejected}.items() if row is not None}
    results = making.units_made(sorted(affected), versions, writer, making.rejected_by_unit(rejected_now))
    gone = [state.newest[code] for code in affected if code in state.newest]
    new = [result.newest for result in results.values() if result.newest is not None]
    totals = {name: dict(by_year) for name, by_year in state.totals.items()}
    for sign, ids in ((-1, gone), (1, new)):
        if ids:
            part, _ = ledger.stats_totals(ids, making.form_names, making.years, sums=False)
            for name, by_year in part.items():
                row_totals = totals[name]
                for year, count in by_year.items():
                    row_totals[year] += sign * count
    moved = any(result.state != state.states[code] for code, result in results.items())
    regrouped = any((result.newest is None) != (code not in state.newest) for code, result in results.items())
    entry = JournalEntry("", ledger.changes(), results, rejected, totals, None, None)
    _apply(state, entry)
    entry = entry._replace(submissions_order=_submissions_order(state) if moved else None,
                           by_unit_order=sorted(state.newest) if regrouped else None)
    state.blocks = _updated_blocks(state.blocks, results, entry.submissions_order, entry.by_unit_order,
                                   row_formats(cache.style_ids, len(making.form_names)))
    cache.changes = entry.changes
    return entry


def _refused(row: OutcomeRow | None) -> bool:
    """Whether a "Lỗi" row is of a file the inbox rejected (:meth:`_Making.rejected_by_unit` gives
    it to the unit its name tells)."""
    return row is not None and row[1] == "rejected"


def _record(version: CurrentVersion, report: UnitReport, sums: list[int]) -> Record:
    modified = vietnam_time(version.mtime_ns / 1e9)  # the file's time now: touched files too
    entries = {code: Entry(e.status, e.completed_on, e.result, e.difficulties, e.note)
               for code, e in report.progress.items()}
    problems = tuple((p.file or "", p.sheet or "", p.cell or "", p.severity, p.code, p.message)
                     for p in report.problems)
    return Record(version.id, version.unit_code or report.unit_code, shown(version), version.present,
                  modified, report.report_date or modified.date(), entries, problems, sums)


def _no_longer_counted(file: str, unit_code: str, year: int | None, plan_year: int) -> FileOutcome:
    """A stored report the plan of now does not take: its unit left the plan, or it was checked
    against another year's plan (a file gone from the inbox, which cannot be read again)."""
    if year == plan_year:
        return FileOutcome(file=file, outcome="rejected", code=Code.UNKNOWN_UNIT, unit_code=unit_code,
                           reason=f"Đơn vị {unit_code} không còn trong danh sách đơn vị của kế hoạch (hoặc "
                                  "nay là một nhóm); báo cáo không được tổng hợp.")
    which = f"kế hoạch năm {year}" if year else "một kế hoạch khác"
    return FileOutcome(file=file, outcome="rejected", code=Code.OTHER_PLAN, unit_code=unit_code,
                       reason=f"Báo cáo đã được kiểm tra theo {which} và tệp không còn trong hộp thư để "
                              f"kiểm tra lại; không tổng hợp vào kế hoạch năm {plan_year}.")


def counted_rule(plan: Plan, identity: str, ledger: Ledger) -> Callable[[CurrentVersion], OutcomeRow | None]:
    """The rule the rebuild counts a stored version by (issue 17: the consolidation read back from
    the ledger, :mod:`~tdkt_xl.nightly.from_ledger`): a version's "Lỗi" row (file,
    outcome, code, reason) when it is rejected or no longer counted, None when its report counts."""
    return _Making(plan, identity, ledger, [], [], {}).outcome
