"""Reading reports before the plan is read (``HeadStart``, ``reading_ahead``): the same outcomes as
reading after it, every file once, and the defences of the pool (a crash, a hostile file) kept."""

from __future__ import annotations

import multiprocessing
import shutil
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import save_report
from test_workers import codes, crashing_reader, small_book

from tdkt_xl import load_plan
from tdkt_xl.consolidation import inbox as inbox_module
from tdkt_xl.consolidation.inbox import read_and_check_when_ready, reading_ahead, run_consolidation
from tdkt_xl.intake.safety import Limits
from tdkt_xl.intake.worker_pool import HeadStart, read_many
from tdkt_xl.plans.models import Plan
from tdkt_xl.reports.layout import plan_id

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers forked: Linux")


@pytest.fixture(scope="module")
def plan(sample_plan_path: Path) -> Plan:
    return load_plan(sample_plan_path)


@pytest.fixture(scope="module")
def sample_plan_path() -> Path:
    return Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_book(tmp_path_factory.mktemp("mau") / "mau.xlsx")


def _inbox(folder: Path, source: Path, count: int, odd: dict[int, str]) -> list[Path]:
    folder.mkdir()
    paths = []
    for number in range(count):
        path = folder / odd.get(number, f"don_vi_{number:02d}.xlsx")
        if path.name.startswith("rong"):
            path.write_bytes(b"")
        else:
            shutil.copyfile(source, path)
        paths.append(path)
    return paths


@pytest.mark.parametrize("at", [0, 3, 17])  # in the head start's first chunk, its second, later
def test_head_start_reads_every_path_once_and_a_crash_costs_one_file(tmp_path: Path, book: Path,
                                                                     at: int) -> None:
    paths = _inbox(tmp_path / "hop_thu", book, 24, {at: "crash.xlsx", at + 1: "rong.xlsx"})
    head_start = HeadStart(paths, workers=2, reader=crashing_reader)
    results = list(read_many(paths, workers=2, reader=crashing_reader, head_start=head_start))
    assert Counter(r.path for r in results) == Counter(paths)
    found = codes(results)
    assert found.pop("crash.xlsx") == "crashed-reader"
    assert found.pop("rong.xlsx") == "empty-file"
    assert set(found.values()) == {"ok"}
    assert head_start.pool is None  # taken over by read_many


def test_a_head_start_not_taken_stops_its_workers(tmp_path: Path, book: Path) -> None:
    paths = _inbox(tmp_path / "hop_thu", book, 12, {})
    before = {p.pid for p in multiprocessing.active_children()}
    with HeadStart(paths, workers=2) as head_start:
        assert head_start.pool is not None
    assert head_start.pool is None
    assert not {p.pid for p in multiprocessing.active_children()} - before


def bulky_reader(path: Path, limits: Limits) -> Any:
    """A result of 32 MB: its worker spends a while writing it to the parent."""
    return b"x" * (32 << 20)


def test_a_head_start_closed_while_its_workers_send_results_ends(tmp_path: Path, book: Path) -> None:
    """Workers killed in the middle of sending a result leave half a message in the pipe: closing
    must not wait for the rest of it for ever."""
    paths = _inbox(tmp_path / "hop_thu", book, 8, {})
    before = {p.pid for p in multiprocessing.active_children()}
    for pause in (0.2, 0.4, 0.6, 0.8):
        with HeadStart(paths, workers=2, reader=bulky_reader):
            time.sleep(pause)
    assert not {p.pid for p in multiprocessing.active_children()} - before


def test_a_head_start_for_other_paths_is_not_used(tmp_path: Path, book: Path) -> None:
    paths = _inbox(tmp_path / "hop_thu", book, 6, {})
    head_start = HeadStart(paths[:3], workers=1)
    results = list(read_many(paths, workers=2, head_start=head_start))
    assert Counter(r.path for r in results) == Counter(paths) and head_start.pool is None


def test_workers_forked_before_the_plan_check_once_it_is_handed_over(tmp_path: Path, plan: Plan) -> None:
    report = save_report(plan, plan.units[0].code, tmp_path / "hop_thu" / "a.xlsx")  # type: ignore[index]
    checking = str(tmp_path / "checking.json")
    assert inbox_module._CHECKING is None
    before = read_and_check_when_ready(checking, report, Limits())
    assert before.checked is None and before.sheets  # the values, to be checked by the parent
    ahead = inbox_module.ReadingAhead(inbox_module.scan_inbox(report.parent), None, checking)  # type: ignore[arg-type]
    ahead.hand_over((plan, plan_id(plan), report.parent, frozenset()))
    try:
        after = read_and_check_when_ready(checking, report, Limits())
    finally:
        inbox_module._CHECKING = None
    assert after.sheets == {} and after.checked is not None
    assert type(after.checked).__name__ == "UnitReport"
    # the plan as handed over (JSON) checks the report as the plan itself does
    with inbox_module.checking_in_workers(plan, report.parent) as reader:
        direct = reader(report, Limits())
    assert after.checked.model_dump() == direct.checked.model_dump()  # type: ignore[attr-defined]


def _summary(result: object) -> object:
    summary = result.summary("tong_hop.xlsx")  # type: ignore[attr-defined]
    summary.pop("timings", None)
    return summary


@pytest.mark.parametrize("count", [3, 30])
def test_reading_ahead_gives_what_reading_after_the_plan_gives(tmp_path: Path, plan: Plan,
                                                               sample_plan_path: Path, count: int) -> None:
    inbox = tmp_path / "hop_thu"
    units = [u.code for u in plan.units or []]
    for number in range(count):
        code = units[number % len(units)]
        save_report(plan, code, inbox / f"{number:02d}_{code}.xlsx", made_on=date(2024, 6, 1 + number % 20))
    (inbox / "rong.xlsx").write_bytes(b"")
    (inbox / "ghi_chu.txt").write_text("không phải báo cáo")
    plain = run_consolidation(plan, inbox, tmp_path / "a.xlsx", as_of=date(2024, 7, 1))
    with reading_ahead(inbox, workers=2) as ahead:
        assert ahead is not None
        again = load_plan(sample_plan_path)  # the plan read while the workers read reports
        early = run_consolidation(again, inbox, tmp_path / "b.xlsx", as_of=date(2024, 7, 1), ahead=ahead)
    assert _summary(early) == _summary(plain)
    def dumped(reports: list[Any]) -> list[dict[str, Any]]:
        return sorted((r.model_dump() for r in reports), key=lambda r: r["file"])

    assert dumped(early.reports) == dumped(plain.reports) and plain.reports


def test_reading_ahead_of_a_missing_inbox_leaves_it_to_the_run(tmp_path: Path) -> None:
    with reading_ahead(tmp_path / "khong_co") as ahead:
        assert ahead is None
