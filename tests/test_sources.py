"""The consolidated data for the documents and the analysts: from the inbox or the nightly ledger
(tdkt_xl.documents.sources, tdkt_xl.nightly.from_ledger)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import NIGHTLY_AS_OF

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.documents.sources import LoadedResults, ResultsUnavailable, consolidation_for, load_consolidation
from tdkt_xl.errors import Code, InvalidValue, TdktError
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings


def _nonzero(stats: dict[str, dict[int, int]]) -> dict[str, dict[int, int]]:
    """The counts but zeros (the ledger keeps a year a report left out, its cell said, as 0)."""
    return {form: kept for form, by_year in stats.items()
            if (kept := {y: n for y, n in by_year.items() if n})}


def _view(result: Consolidation) -> dict[str, object]:
    """What the inbox and the ledger must agree on."""
    return {
        "totals": result.totals,
        "states": {s.unit.code: s.state for s in result.submissions},
        "tasks": {t.task.code: (t.status, t.done, t.ongoing, t.not_started, t.nothing) for t in result.tasks},
        "entries": {t.task.code: {code: (e.status, e.completed_on, e.result, e.difficulties, e.note)
                                  for code, e in t.entries.items()} for t in result.tasks},
        "files": sorted((f.file, f.outcome) for f in result.files if f.outcome != "skipped"),
        "reports": {r.unit_code: (r.file, r.report_date, r.author, _nonzero(r.stats))
                    for r in result.reports},
        "problems": sorted((p.file, p.sheet, p.cell, p.code) for p in result.problems),
    }


def test_the_ledger_gives_what_the_inbox_gives(setup: NightlySettings) -> None:
    run_nightly(setup)
    before = setup.state_path.read_bytes()
    from_inbox = load_consolidation(setup.plan, inbox=setup.inbox, as_of=NIGHTLY_AS_OF)
    from_ledger = load_consolidation(setup.plan, state=setup.state_path, as_of=NIGHTLY_AS_OF)
    assert isinstance(from_ledger, LoadedResults)
    assert (from_inbox.source, from_ledger.source) == ("inbox", "ledger")
    assert from_ledger.path == setup.state_path and from_ledger.plan.tasks == from_inbox.plan.tasks
    assert _view(from_ledger.consolidation) == _view(from_inbox.consolidation)
    assert sum(n for by_year in from_ledger.consolidation.totals.values() for n in by_year.values()) > 0
    assert "read_ledger" in from_ledger.consolidation.timings
    assert setup.state_path.read_bytes() == before  # only read


def test_a_file_gone_from_the_inbox_is_still_counted_and_marked(setup: NightlySettings) -> None:
    run_nightly(setup)
    gone = setup.inbox / "P2.xlsx"
    gone.unlink()
    run_nightly(setup)
    result = consolidation_for(load_plan(setup.plan), state=setup.state_path, as_of=NIGHTLY_AS_OF)
    report = next(r for r in result.reports if r.unit_code == "P2")
    assert not report.present and report.file.startswith("P2.xlsx (")
    assert next(s for s in result.submissions if s.unit.code == "P2").state != "missing"


def test_ledger_missing_is_said_and_not_made(setup: NightlySettings, tmp_path: Path) -> None:
    missing = tmp_path / "khong_co.tdkt.sqlite"
    with pytest.raises(ResultsUnavailable) as caught:
        load_consolidation(setup.plan, state=missing)
    assert caught.value.code == Code.LEDGER_MISSING
    assert "Không có sổ cái" in str(caught.value) and str(missing) in str(caught.value)
    assert not missing.exists()


def _other_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")


@pytest.mark.parametrize(("make", "said"), [
    (lambda p: p.write_bytes(b""), "tệp rỗng"),
    (lambda p: p.write_text("không phải sổ cái", encoding="utf-8"), "không phải sổ cái SQLite"),
    (lambda p: p.write_bytes(b"SQLite format 3\0" + b"\xff" * 200), "đã hỏng"),
    (_other_sqlite, "cơ sở dữ liệu SQLite khác"),
    (lambda p: p.mkdir(), "thư mục"),
])
def test_a_damaged_ledger_is_said_and_left_as_it_was(setup: NightlySettings, tmp_path: Path,
                                                     make: object, said: str) -> None:
    path = tmp_path / "so_cai.tdkt.sqlite"
    make(path)  # type: ignore[operator]
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(ResultsUnavailable) as caught:
        load_consolidation(setup.plan, state=path)
    assert caught.value.code == Code.LEDGER_DAMAGED and said in str(caught.value)
    assert str(path) in str(caught.value)
    assert (path.read_bytes() if path.is_file() else None) == before


def test_a_stored_report_that_cannot_be_read_is_said(setup: NightlySettings) -> None:
    run_nightly(setup)
    with sqlite3.connect(setup.state_path) as db:
        db.execute("UPDATE versions SET report='{' WHERE outcome='accepted' AND path='P2.xlsx'")
    with pytest.raises(ResultsUnavailable, match=r"P2\.xlsx") as caught:
        load_consolidation(setup.plan, state=setup.state_path)
    assert caught.value.code == Code.LEDGER_DAMAGED


def test_neither_inbox_nor_ledger(setup: NightlySettings) -> None:
    with pytest.raises(InvalidValue, match="hộp thư"):
        load_consolidation(setup.plan)


def test_an_inbox_that_is_not_there(setup: NightlySettings, tmp_path: Path) -> None:
    with pytest.raises(ResultsUnavailable) as caught:
        load_consolidation(setup.plan, inbox=tmp_path / "khong_co")
    assert caught.value.code == Code.ENTRY_UNREADABLE and "khong_co" in str(caught.value)
    assert isinstance(caught.value, TdktError)


def test_a_master_given_as_the_plan_is_refused(setup: NightlySettings, tmp_path: Path) -> None:
    run_nightly(setup)
    master = tmp_path / "tong_hop_copy.xlsx"
    shutil.copy(setup.out, master)
    with pytest.raises(ResultsUnavailable) as caught:
        load_consolidation(master, inbox=setup.inbox)
    assert caught.value.code == Code.NOT_A_PLAN
