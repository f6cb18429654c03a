"""Memory of the nightly rebuild per report (issue 18: flat in the number of reports).

A first nightly run makes the master from the whole ledger (:func:`~tdkt_xl.nightly.rebuild.rebuild`
without a cache): every unit's rows, the counts summed. tracemalloc gives the most memory the
rebuild took for N and for 4N reports stored in a ledger (of the same plan, so that what comes
with the plan's units cancels out), and the increment per report must stay small. Before, every
row was held twice (by its unit's result and by its sheet's pieces), and the counts of every
report were turned into a dict each only to be thrown away.
"""

from __future__ import annotations

import gc
import pickle
import sys
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
from test_memory import AS_OF as MEMORY_AS_OF
from test_memory import _sheets

from tdkt_xl import load_plan
from tdkt_xl.consolidation.inbox import check_result
from tdkt_xl.intake.book_readers import RawBook
from tdkt_xl.intake.unit_report import UnitReport, read_unit_report
from tdkt_xl.intake.worker_pool import ReadResult
from tdkt_xl.nightly import ledger as ledger_module
from tdkt_xl.nightly import rebuild as rebuild_module
from tdkt_xl.nightly.ledger import Ledger
from tdkt_xl.nightly.rebuild import rebuild
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.nightly.summary import NightlySummary
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import plan_id

SMALL, LARGE = 40, 160
# bytes per report the rebuild may take at its peak: 1.26 KB now (the units made in the order of
# "Số liệu chi tiết", whose rows go into their pieces as they come); 2.2 KB when every unit's row of
# counts was held until that sheet was built; 15.6 KB before that (each row held twice, the counts of
# all the reports unpacked at once, each report's sums made a dict that nothing used)
PEAK_PER_REPORT = 1_900
AS_OF: date = MEMORY_AS_OF


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The sample plan with units enough for the larger run."""
    sample = load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")
    extra = [Unit(code=f"TN{number:04d}", name=f"Đơn vị thử nghiệm {number}") for number in range(LARGE)]
    return sample.model_copy(update={"units": [*(sample.units or []), *extra]})


def _ledger(plan: Plan, count: int, path: Path) -> None:
    """A ledger holding ``count`` accepted reports, each checked as a worker checks it."""
    identity = plan_id(plan)
    codes = [u.code for u in plan.units or [] if not u.is_group][:count]
    with Ledger(path) as ledger, ledger.batch():
        for number, code in enumerate(codes):
            name = f"{code}.xlsx"
            checked = read_unit_report(_sheets(plan, code, number), plan, file=name,
                                       modified=datetime(2024, 6, 21, 8, number % 60))
            book = pickle.loads(pickle.dumps(RawBook({}, (), (), checked=checked)))
            report = check_result(plan, name, ReadResult(Path(name), book, None, 0.0), modified=None,
                                  expected_plan_id=identity, kept=False)
            assert isinstance(report, UnitReport)
            ledger.record(path=name, sha256=name, size=1, mtime_ns=1_718_000_000_000_000_000 + number,
                          plan_id=identity, outcome="accepted", report=report)


def _rebuild_peak(plan: Plan, count: int, folder: Path) -> int:
    """The most memory a first rebuild over ``count`` stored reports took (bytes, as tracemalloc
    counts them), its master's sheets made."""
    state = folder / f"ledger_{count}.sqlite"
    if not state.exists():
        _ledger(plan, count, state)
    with Ledger(state) as ledger:
        gc.collect()
        tracemalloc.start()
        gc.disable()  # (the peak then does not depend on when a collection comes)
        try:
            start = tracemalloc.get_traced_memory()[0]
            rebuilt = rebuild(plan, plan_id(plan), "plan", ledger, folder / f"cache_{count}", as_of=AS_OF)
            assert len(rebuilt.state.newest) == count
            for sheet in rebuilt.sheets():
                assert sheet.chunks
            peak = tracemalloc.get_traced_memory()[1] - start
            del rebuilt
        finally:
            gc.enable()
            tracemalloc.stop()
    return peak


def test_rebuild_peak_per_report_is_small(plan: Plan, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The first rebuild's peak grows by a few KB a report (N against 4N reports of one plan:
    imports, caches filled once and what comes with the plan's units cancel out). The stored
    reports are decoded a few units at a time (100 in a real run: here fewer, so that the
    reports decoded together do not hide what is held for every report), and their counts summed
    a few at a time too (900 in a real run)."""
    monkeypatch.setattr(rebuild_module, "_BATCH", 20)
    monkeypatch.setattr(ledger_module, "_CHUNK", 20, raising=False)
    _rebuild_peak(plan, LARGE, tmp_path)  # imports, and caches filled once (bounded: row heights)
    small = _rebuild_peak(plan, SMALL, tmp_path)
    large = _rebuild_peak(plan, LARGE, tmp_path)
    per_report = (large - small) / (LARGE - SMALL)
    assert per_report < PEAK_PER_REPORT, f"{per_report:.0f} bytes per report at the rebuild's peak"


def test_freed_memory_is_given_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The nightly gives the C library's free pages back between its stages (Linux; elsewhere
    nothing is asked)."""
    from tdkt_xl import heap

    assert heap.give_back_freed_memory() is sys.platform.startswith("linux")
    monkeypatch.setattr(heap.sys, "platform", "win32")
    heap._trim.cache_clear()
    try:
        assert heap.give_back_freed_memory() is False
    finally:
        monkeypatch.undo()
        heap._trim.cache_clear()


def test_the_nightly_gives_memory_back_after_its_big_stages(monkeypatch: pytest.MonkeyPatch,
                                                            setup: NightlySettings) -> None:
    """After the scan, the parse and the consolidation: the stages done at each call."""
    from tdkt_xl.nightly import run as run_module

    done: list[str] = []
    calls: list[list[str]] = []
    original = run_module._phase

    @contextmanager
    def phase(summary: NightlySummary, name: str) -> Iterator[None]:
        with original(summary, name):
            yield
        done.append(name)

    def give_back() -> bool:
        calls.append(list(done))
        return True

    monkeypatch.setattr(run_module, "_phase", phase)
    monkeypatch.setattr(run_module, "give_back_freed_memory", give_back)
    assert run_module.run_nightly(setup).exit_code in (0, run_module.EXIT_REJECTED)  # (the demo's bad files)
    assert calls == [["plan", "scan"], ["plan", "scan", "parse"],
                     ["plan", "scan", "parse", "ledger", "consolidate"]]
