"""The nightly run's memory: an SQLite ledger of every file version ever seen.

Nothing is ever deleted. A *version* is one content (SHA-256) of one path; it
keeps what the file was (size, time, hash, unit, plan and template identity),
when it was first and last seen, its outcome and the values it contributed
(the checked report as JSON, its counts in a compact JSON of their own), so the
master can be rebuilt without reading the file again. Every write is a
transaction: a run killed at any point leaves the ledger as it was after its
last completed write.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from tdkt_xl.errors import RETRIED_CODES, Code, InvalidValue
from tdkt_xl.intake.unit_report import READER_VERSION, UnitReport
from tdkt_xl.nightly.ledger_stats import StatsColumns, StatsTotals, stats_columns, unpack_counts

# Rejections whose cause may pass (the file was being copied, the share blinked, the machine was
# busy): a version rejected so is read again at the next run instead of being known by its hash.
RETRIED = RETRIED_CODES


def read_again(code: str, reader: int) -> bool:
    """Whether a stored reading gives way to a new one of the same file: it failed for a cause
    that may pass (:data:`RETRIED`), or it was made by earlier reading rules.

    >>> read_again("", READER_VERSION), read_again("timeout", READER_VERSION), read_again("", 1)
    (False, True, True)
    """
    return code in RETRIED or reader != READER_VERSION

class CurrentVersion(NamedTuple):
    """A path's current version as the master is rebuilt from it (its stored report apart)."""

    id: int
    path: str
    present: bool
    sha256: str
    mtime_ns: int
    plan_id: str
    outcome: str
    code: str
    reason: str
    unit_code: str | None
    reader: int


class CurrentFile(NamedTuple):
    """A path's current version as a scan compares it with the file."""

    id: int
    size: int
    mtime_ns: int
    plan_id: str
    outcome: str
    code: str
    reader: int
    present: bool = True  # in the inbox at the last scan
    unit_code: str | None = None


SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    plan_id TEXT NOT NULL,
    outcome TEXT NOT NULL,          -- accepted | rejected
    code TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    unit_code TEXT,
    template_version TEXT,
    report_date TEXT,
    report TEXT,                    -- UnitReport JSON for accepted versions (without its counts)
    quarantined INTEGER NOT NULL DEFAULT 0,
    stats TEXT,                     -- the counts as {"y": years, "f": forms, "c": counts, "s": sums},
                                    -- only when stats_counts cannot hold them (and in older ledgers)
    stats_layout TEXT,              -- which years of which forms the counts are (stats_layouts.key)
    stats_counts BLOB,              -- the counts then each form's sum, little-endian int32 when every
                                    -- one fits, else int64 (the length tells), NULL if one does not fit
    superseded_by TEXT,             -- accepted, but the unit's newer report (this file) is used
    reader INTEGER NOT NULL DEFAULT 1,  -- consolidate.READER_VERSION of the reading kept here
    UNIQUE (path, sha256, plan_id)
);
CREATE INDEX IF NOT EXISTS versions_path ON versions (path, last_seen);
CREATE INDEX IF NOT EXISTS versions_unit ON versions (unit_code);
CREATE INDEX IF NOT EXISTS versions_plan ON versions (plan_id);
CREATE TABLE IF NOT EXISTS paths (
    path TEXT PRIMARY KEY,
    current INTEGER REFERENCES versions (id),  -- the version now at this path
    present INTEGER NOT NULL,                   -- 1 while the file is in the inbox
    last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS stats_layouts (
    key TEXT PRIMARY KEY,            -- stats_layout(years, forms)
    years TEXT NOT NULL,             -- JSON
    forms TEXT NOT NULL              -- JSON
);
CREATE TABLE IF NOT EXISTS plans (
    sha256 TEXT NOT NULL,            -- of the plan file
    reader TEXT NOT NULL,            -- the tdkt_xl version that read it
    plan TEXT NOT NULL,              -- the Plan as JSON
    stored REAL NOT NULL,
    PRIMARY KEY (sha256, reader)
);
CREATE INDEX IF NOT EXISTS paths_current ON paths (current);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,            -- last_scan: when the inbox was last scanned; identity: the
                                     -- ledger's name (Ledger.identity)
    value
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    finished REAL,
    status TEXT NOT NULL,            -- running | done | failed
    summary TEXT
);
"""


@dataclass(frozen=True)
class Version:
    """One stored version of a file."""

    id: int
    path: str
    sha256: str
    size: int
    mtime_ns: int
    first_seen: float
    last_seen: float
    plan_id: str
    outcome: str
    code: str
    reason: str
    unit_code: str | None
    template_version: str | None
    report_date: str | None
    report: str | None
    quarantined: bool
    superseded_by: str | None = None
    reader: int = 1

    def unit_report(self) -> UnitReport | None:
        return UnitReport.model_validate_json(self.report) if self.report else None


_VERSION_FIELDS = ["id", "path", "sha256", "size", "mtime_ns", "first_seen", "last_seen", "plan_id",
                   "outcome", "code", "reason", "unit_code", "template_version", "report_date", "report",
                   "quarantined", "superseded_by", "reader"]

# A version now at a path in the inbox was last seen by the last scan, whose time is kept once
# (meta 'last_scan') instead of written to every unchanged row on every run.
_LAST_SEEN = ("CASE WHEN {present} THEN max(v.last_seen, coalesce((SELECT value FROM meta "
              "WHERE key='last_scan'), v.last_seen)) ELSE v.last_seen END")
_IS_CURRENT_AND_PRESENT = "EXISTS (SELECT 1 FROM paths c WHERE c.current = v.id AND c.present = 1)"


def _version_columns(present: str = _IS_CURRENT_AND_PRESENT) -> str:
    """The columns of :class:`Version` from ``versions v`` (``present``: whether v is in the inbox)."""
    return ", ".join(_LAST_SEEN.format(present=present) if name == "last_seen" else f"v.{name}"
                     for name in _VERSION_FIELDS)


def _last_scan(db: sqlite3.Connection) -> float | None:
    row = db.execute("SELECT value FROM meta WHERE key='last_scan'").fetchone()
    return float(row[0]) if row else None


def _report_json(report: UnitReport) -> str:
    return report.model_dump_json(exclude={"stats", "form_totals"})




_CHUNK = 900  # versions a query asks for (under SQLite's limit on parameters)


def _in_chunks(values: list[Any], size: int = _CHUNK) -> Iterator[tuple[list[Any], str]]:
    """``values`` a few hundred at a time (under SQLite's limit on parameters), each with the
    question marks of its ``IN (…)``.

    >>> [(chunk, marks) for chunk, marks in _in_chunks([1, 2, 3], 2)]
    [([1, 2], '?,?'), ([3], '?')]
    """
    for start in range(0, len(values), size):
        chunk = values[start:start + size]
        yield chunk, ",".join("?" * len(chunk))


def _version(row: tuple[Any, ...]) -> Version:
    values = dict(zip(_VERSION_FIELDS, row, strict=True))
    values["quarantined"] = bool(values["quarantined"])
    return Version(**values)


class Ledger:
    """The SQLite ledger. Use as a context manager; each method is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._in_batch = False
        self.touched: set[str] = set()  # paths whose current version or its file's place or time changed
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        # A rollback journal, not WAL: the ledger usually sits on the shared folder beside the
        # master, and WAL needs memory shared by every process using it (one host, no network
        # filesystem). One writer at a time is ensured by the run lock.
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(versions)")}
        if "stats_counts" not in columns:
            self._keep_counts_apart(columns)
        if "superseded_by" not in columns:
            with self.transaction() as db:
                db.execute("ALTER TABLE versions ADD COLUMN superseded_by TEXT")
        if "reader" not in columns:  # readings from before the reader was versioned: version 1
            with self.transaction() as db:
                db.execute("ALTER TABLE versions ADD COLUMN reader INTEGER NOT NULL DEFAULT 1")
        self.db.execute("CREATE INDEX IF NOT EXISTS versions_superseded ON versions (superseded_by) "
                        "WHERE superseded_by IS NOT NULL")  # a few rows: read at every run
        # what a scan compares, for every path at every run, apart from the rows' stored reports
        # (a version's row spans pages of its own: reading ten thousand of them takes twice as long)
        self.db.execute("CREATE INDEX IF NOT EXISTS versions_scan ON versions "
                        "(id, size, mtime_ns, plan_id, outcome, code, reader, unit_code)")

    def _keep_counts_apart(self, columns: set[str]) -> None:
        """A ledger from before counts were kept apart: move them out of the stored reports."""
        with self.transaction() as db:
            for name, kind in (("stats", "TEXT"), ("stats_layout", "TEXT"), ("stats_counts", "BLOB")):
                if name not in columns:
                    db.execute(f"ALTER TABLE versions ADD COLUMN {name} {kind}")
            rows = db.execute("SELECT id, report, stats FROM versions WHERE report IS NOT NULL").fetchall()
            for version_id, text, stats_text in rows:
                report = UnitReport.model_validate_json(text)
                if not report.stats and stats_text:
                    stored = json.loads(stats_text)
                    width = len(stored["y"])
                    report.stats = {name: dict(zip(stored["y"], stored["c"][i * width:(i + 1) * width],
                                                   strict=True))
                                    for i, name in enumerate(stored["f"])}
                counts = self._stats_columns(report)
                db.execute("UPDATE versions SET report=?, stats=?, stats_layout=?, stats_counts=? WHERE id=?",
                           (_report_json(report), counts.text, counts.layout, counts.packed, version_id))
            self._changed(db, [])

    def _stats_columns(self, report: UnitReport) -> StatsColumns:
        """A report's stats columns, its layout's years and forms kept once in ``stats_layouts``
        (in the caller's transaction)."""
        columns = stats_columns(report)
        if columns.packed is not None:
            self.db.execute("INSERT OR IGNORE INTO stats_layouts (key, years, forms) VALUES (?, ?, ?)",
                            (columns.layout, json.dumps(columns.years),
                             json.dumps(columns.forms, ensure_ascii=False)))
        return columns

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction; inside :meth:`batch`, part of the batch's."""
        if self._in_batch:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:  # (a full disk makes SQLite roll back by itself)
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes in one transaction (one disk sync instead of one per write): all or none
        of them are kept if the process dies."""
        with self.transaction():
            self._in_batch = True
            try:
                yield
            finally:
                self._in_batch = False

    # --- reading ---

    def current(self) -> dict[str, tuple[Version, bool]]:
        """Every path ever seen: its current version and whether it is still in the inbox."""
        return {version.path: (version, present) for version, present in self.iter_current()}

    def iter_current(self) -> Iterator[tuple[Version, bool]]:
        """Like :meth:`current`, by path order, one row at a time (the stored reports are big)."""
        cursor = self.db.execute(
            f"SELECT {_version_columns('p.present = 1')}, p.present "
            "FROM paths p JOIN versions v ON v.id = p.current ORDER BY p.path")
        for row in cursor:
            yield _version(row[:-1]), bool(row[-1])

    def current_files(self) -> dict[str, CurrentFile]:
        """Every path's current version: what a scan needs, without reading the stored reports."""
        rows = self.db.execute("SELECT p.path, v.id, v.size, v.mtime_ns, v.plan_id, v.outcome, v.code, "
                               "v.reader, p.present = 1, v.unit_code FROM paths p "
                               "JOIN versions v INDEXED BY versions_scan ON v.id = p.current")
        make = CurrentFile._make
        return {row[0]: make(row[1:]) for row in rows}

    def current_versions(self, *, paths: Iterable[str] | None = None, units: Iterable[str] | None = None
                         ) -> list[CurrentVersion]:
        """Every path's current version (or those of these ``paths``, or naming these ``units``), by
        path, without its stored report."""
        select = ("SELECT v.id, p.path, p.present = 1, v.sha256, v.mtime_ns, v.plan_id, v.outcome, v.code, "
                  "v.reason, v.unit_code, v.reader FROM paths p JOIN versions v ON v.id = p.current")
        make = CurrentVersion._make
        if paths is None and units is None:
            return [make(row) for row in self.db.execute(select + " ORDER BY p.path")]
        column, wanted = ("p.path", list(paths)) if paths is not None else ("v.unit_code", list(units or ()))
        found: list[CurrentVersion] = []
        for chunk, marks in _in_chunks(wanted):
            found += map(make, self.db.execute(f"{select} WHERE {column} IN ({marks})", chunk))
        return sorted(found, key=lambda version: version.path)

    def stored_reports(self, version_ids: list[int]) -> dict[int, str]:
        """The stored report (JSON) of each of these versions that has one."""
        found: dict[int, str] = {}
        for chunk, marks in _in_chunks(version_ids):
            found.update(self.db.execute(f"SELECT id, report FROM versions WHERE id IN ({marks}) "
                                         "AND report IS NOT NULL", chunk))
        return found

    def changes(self) -> int:
        """How many times what the master is made of (a path's version, its presence, its file's
        time) has changed in this ledger: what is kept beside it for the next run says at which
        count it was made, and this run's :attr:`touched` paths are the rest."""
        row = self.db.execute("SELECT value FROM meta WHERE key='changes'").fetchone()
        return int(row[0]) if row else 0

    def _changed(self, db: sqlite3.Connection, paths: Iterable[str]) -> None:
        """In the caller's transaction: these paths changed."""
        db.execute("INSERT INTO meta (key, value) VALUES ('changes', 1) "
                   "ON CONFLICT (key) DO UPDATE SET value = value + 1")
        self.touched.update(paths)

    def identity(self) -> str:
        """This ledger's name, made at its first use: what is kept beside it for the next run
        (the nightly's caches) must have been made from it, not from an earlier one."""
        row = self.db.execute("SELECT value FROM meta WHERE key='identity'").fetchone()
        if row is not None:
            return str(row[0])
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('identity', ?)", (uuid.uuid4().hex,))
            return str(db.execute("SELECT value FROM meta WHERE key='identity'").fetchone()[0])

    def find(self, path: str, sha256: str, plan_id: str) -> Version | None:
        row = self.db.execute(f"SELECT {_version_columns()} FROM versions v WHERE path=? AND sha256=? "
                              "AND plan_id=?", (path, sha256, plan_id)).fetchone()
        return _version(row) if row else None

    def plan_ids(self) -> set[str]:
        """The identities of every plan files were checked against (earlier versions of the plan)."""
        return {plan_id for (plan_id,) in self.db.execute("SELECT DISTINCT plan_id FROM versions")}

    def history(self, unit_code: str) -> list[Version]:
        """Every version that named this unit, oldest first: by when a nightly run first saw it, then
        (versions first seen in one run) by "Ngày lập" and file time, as consolidation tells the
        newer report (the order the readers finished in says nothing)."""
        rows = self.db.execute(f"SELECT {_version_columns()} FROM versions v WHERE unit_code=? "
                               "ORDER BY first_seen, report_date, mtime_ns, id", (unit_code,)).fetchall()
        return [_version(r) for r in rows]

    def stats_totals(self, version_ids: list[int], forms: list[str], years: list[int], *, sums: bool = True
                     ) -> tuple[dict[str, dict[int, int]], dict[int, dict[str, int]]]:
        """The counts of these versions summed: per form and year over all of them, and per
        version the sum over the years of each form (``sums``; else an empty dict), read and summed
        900 versions at a time (the counts of ten thousand reports are never all held).

        Counts of forms or years not given are left out; a year a report does not give counts 0.
        """
        summed = StatsTotals(forms, years, sums=sums)
        others: list[int] = []
        for start in range(0, len(version_ids), _CHUNK):
            packed, left = self._packed_counts(version_ids[start:start + _CHUNK], summed.usual, summed.dtypes)
            others += left
            for dtype, (ids, blobs) in packed.items():
                others.extend(summed.add_packed(ids, blobs, dtype))
        layouts: dict[str, tuple[list[int], list[str]]] = {}
        for version_id in others:  # another layout (other forms or years): by name and year
            decoded = self._stored_counts(version_id, layouts)
            if decoded is not None:
                summed.add_decoded(version_id, *decoded)
        return summed.totals(), summed.per_version

    def report_counts(self, version_ids: list[int]) -> dict[int, dict[str, dict[int, int]]]:
        """Each of these versions' counts as its report had them (form -> year -> count), for the
        versions that have counts (issue 17: the consolidation read back from the ledger)."""
        layouts: dict[str, tuple[list[int], list[str]]] = {}
        found: dict[int, dict[str, dict[int, int]]] = {}
        for version_id in version_ids:
            decoded = self._stored_counts(version_id, layouts)
            if decoded is None:
                continue
            years, forms, counts, _sums = decoded
            width = len(years)
            found[version_id] = {form: dict(zip(years, counts[i * width:(i + 1) * width], strict=True))
                                 for i, form in enumerate(forms)}
        return found

    def _packed_counts(self, version_ids: list[int], usual: str, dtypes: dict[int, str]
                       ) -> tuple[dict[str, tuple[list[int], list[bytes]]], list[int]]:
        """The packed counts of these versions of the ``usual`` layout, by numpy type (``dtypes``:
        by length), with their versions; and the other versions."""
        packed: dict[str, tuple[list[int], list[bytes]]] = {"<i4": ([], []), "<i8": ([], [])}
        others: list[int] = []
        for chunk, marks in _in_chunks(version_ids):
            rows = self.db.execute(
                f"SELECT id, stats_layout, stats_counts FROM versions WHERE id IN ({marks})", chunk)
            for version_id, layout, blob in rows:
                dtype = dtypes.get(len(blob)) if layout == usual and blob is not None else None
                if dtype is None:
                    others.append(version_id)
                else:
                    packed[dtype][0].append(version_id)
                    packed[dtype][1].append(blob)
        return packed, others

    def _stored_counts(self, version_id: int, layouts: dict[str, tuple[list[int], list[str]]]
                       ) -> tuple[list[int], list[str], list[int], list[int]] | None:
        """One version's years, forms, counts and sums, exactly (Python integers), from its JSON or
        its packed counts; None when it has none."""
        text, layout, blob = self.db.execute("SELECT stats, stats_layout, stats_counts FROM versions "
                                             "WHERE id=?", (version_id,)).fetchone()
        if text:
            stored = json.loads(text)
            return stored["y"], stored["f"], stored["c"], stored["s"]
        if blob is None or layout is None:
            return None
        if layout not in layouts:
            row = self.db.execute("SELECT years, forms FROM stats_layouts WHERE key=?", (layout,)).fetchone()
            if row is None:
                raise InvalidValue(f"Sổ cái thiếu bố cục số liệu {layout} của phiên bản {version_id}.")
            layouts[layout] = (json.loads(row[0]), json.loads(row[1]))
        years, forms = layouts[layout]
        count = len(years) * len(forms)
        values = unpack_counts(blob, count + len(forms))
        return years, forms, values[:count], values[count:]

    def stored_plan(self, sha256: str, reader: str) -> str | None:
        """The plan read earlier from a file with this content, as JSON (None when not stored)."""
        row = self.db.execute("SELECT plan FROM plans WHERE sha256=? AND reader=?",
                              (sha256, reader)).fetchone()
        return str(row[0]) if row else None

    def plan_years(self) -> dict[str, int]:
        """The year of each plan stored (by the plan's identity): what a version checked against an
        earlier plan is judged by once its file is gone."""
        from tdkt_xl.plans.models import Plan
        from tdkt_xl.reports.layout import plan_id

        years: dict[str, int] = {}
        for (text,) in self.db.execute("SELECT plan FROM plans"):
            try:
                plan = Plan.model_validate_json(text)
            except ValueError:  # stored by another model of the plan
                continue
            years[plan_id(plan)] = plan.year
        return years

    def store_plan(self, sha256: str, reader: str, plan_json: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO plans (sha256, reader, plan, stored) VALUES (?, ?, ?, ?)",
                       (sha256, reader, plan_json, time.time()))

    def runs(self) -> list[tuple[int, float, float | None, str, dict[str, Any]]]:
        rows = self.db.execute("SELECT id, started, finished, status, summary FROM runs ORDER BY id")
        return [(r[0], r[1], r[2], r[3], json.loads(r[4]) if r[4] else {}) for r in rows]

    # --- writing ---

    def record(self, *, path: str, sha256: str, size: int, mtime_ns: int, plan_id: str, outcome: str,
               code: str = "", reason: str = "", report: UnitReport | None = None,
               template_version: str | None = None, now: float | None = None,
               make_current: bool = True) -> Version:
        """Store a parsed version (or see it again) and, unless told not to, make it the path's
        current one. A version whose stored reading gives way (:func:`read_again`) takes the
        outcome of its new reading."""
        now = now or time.time()
        if template_version is None and report is not None:
            template_version = report.template_version or None
        with self.transaction() as db:
            stats = self._stats_columns(report) if report else None
            previous = db.execute("SELECT id, code, reader FROM versions WHERE path=? AND sha256=? AND "
                                  "plan_id=?", (path, sha256, plan_id)).fetchone()
            if previous is not None and read_again(previous[1], previous[2]):
                db.execute(
                    "UPDATE versions SET outcome=?, code=?, reason=?, unit_code=?, template_version=?, "
                    "report_date=?, report=?, stats=?, stats_layout=?, stats_counts=?, reader=? WHERE id=?",
                    (outcome, code, reason, report.unit_code if report else None, template_version,
                     report.report_date.isoformat() if report and report.report_date else None,
                     _report_json(report) if report else None,
                     *((stats.text, stats.layout, stats.packed) if stats else (None, None, None)),
                     READER_VERSION, previous[0]))
            db.execute(
                "INSERT INTO versions (path, sha256, size, mtime_ns, first_seen, last_seen, plan_id, "
                "outcome, code, reason, unit_code, template_version, report_date, report, stats, "
                "stats_layout, stats_counts, reader) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (path, sha256, plan_id) DO UPDATE SET last_seen=excluded.last_seen, "
                "size=excluded.size, mtime_ns=excluded.mtime_ns",
                (path, sha256, size, mtime_ns, now, now, plan_id, outcome, code, reason,
                 report.unit_code if report else None, template_version,
                 report.report_date.isoformat() if report and report.report_date else None,
                 _report_json(report) if report else None,
                 *((stats.text, stats.layout, stats.packed) if stats else (None, None, None)),
                 READER_VERSION))
            version_id = db.execute("SELECT id FROM versions WHERE path=? AND sha256=? AND plan_id=?",
                                    (path, sha256, plan_id)).fetchone()[0]
            if make_current:
                db.execute("INSERT INTO paths (path, current, present, last_seen) VALUES (?, ?, 1, ?) "
                           "ON CONFLICT (path) DO UPDATE SET current=excluded.current, present=1, "
                           "last_seen=excluded.last_seen", (path, version_id, now))
            self._changed(db, [path])
        found = self.find(path, sha256, plan_id)
        assert found is not None
        return found

    def scanned(self, unchanged: list[tuple[str, int, int]], present: set[str], now: float,
                known: dict[str, CurrentFile] | None = None) -> list[str]:
        """After a scan at ``now``: files found unchanged (path, size, mtime_ns) are seen, the
        ``present`` paths are in the inbox, the others are marked gone; returns the gone paths.
        ``known``: :meth:`current_files` taken before the scan (saves reading them again: what the
        run wrote since is about files read, which are ``present``, not ``unchanged``).

        A file still where it was, with the same size and time, costs no write: the last seen
        time of a path in the inbox is the last scan's time, kept once (see :data:`_LAST_SEEN`).
        """
        with self.transaction() as db:
            previous = _last_scan(db)
            stored = known if known is not None else self.current_files()
            moved: list[tuple[int, int, str]] = []
            back: list[tuple[str]] = []
            for path, size, mtime_ns in unchanged:
                file = stored.get(path)
                if file is not None and (file.size != size or file.mtime_ns != mtime_ns):
                    moved.append((size, mtime_ns, path))
                if file is not None and not file.present:
                    back.append((path,))
            db.executemany("UPDATE versions SET size=?, mtime_ns=? WHERE id="
                           "(SELECT current FROM paths WHERE path=?)", moved)
            db.executemany("UPDATE paths SET present=1 WHERE path=?", back)
            gone = sorted(path for path, file in stored.items() if file.present and path not in present)
            if previous is not None:  # gone files were last seen by the previous scan
                db.executemany("UPDATE paths SET last_seen=max(last_seen, ?) WHERE path=?",
                               [(previous, path) for path in gone])
                db.executemany("UPDATE versions SET last_seen=max(last_seen, ?) WHERE id="
                               "(SELECT current FROM paths WHERE path=?)",
                               [(previous, path) for path in gone])
            db.executemany("UPDATE paths SET present=0 WHERE path=?", [(path,) for path in gone])
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_scan', ?)", (now,))
            if moved or back or gone:
                self._changed(db, [path for _size, _mtime, path in moved] + [path for (path,) in back] + gone)
        return gone

    def mark_superseded(self, superseded: dict[int, str]) -> None:
        """Record which accepted versions are superseded now, and by which file; the others are
        not (a version can be used again when the newer report goes). Writes only what changed."""
        with self.transaction() as db:
            before = dict(db.execute("SELECT id, superseded_by FROM versions "
                                     "WHERE superseded_by IS NOT NULL"))
            db.executemany("UPDATE versions SET superseded_by=NULL WHERE id=?",
                           [(version_id,) for version_id in before if version_id not in superseded])
            db.executemany("UPDATE versions SET superseded_by=? WHERE id=?",
                           [(by, version_id) for version_id, by in superseded.items()
                            if before.get(version_id) != by])

    def to_quarantine(self) -> list[tuple[int, str, str]]:
        """(version id, path, reason) of each path's current version that was rejected and has no
        copy in quarantine yet (a file that could not even be opened has nothing to copy)."""
        return self.db.execute(
            "SELECT v.id, p.path, v.reason FROM paths p JOIN versions v ON v.id = p.current "
            "WHERE v.outcome = 'rejected' AND v.quarantined = 0 AND v.code != ? "
            "ORDER BY p.path", (Code.FILE_LOCKED.value,)).fetchall()

    def mark_quarantined(self, version_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE versions SET quarantined=1 WHERE id=?", (version_id,))

    def start_run(self, now: float) -> int:
        with self.transaction() as db:
            cursor = db.execute("INSERT INTO runs (started, status) VALUES (?, 'running')", (now,))
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished=?, status=?, summary=? WHERE id=?",
                       (time.time(), status, json.dumps(summary, ensure_ascii=False), run_id))
