"""Memory held per report (issue 18: flat in the number of reports).

A consolidation holds every report it uses until the master is written. Each report is read
here as a worker reads it (its cell values checked, the report pickled to the parent and
unpickled there), then everything is consolidated and the master written; tracemalloc gives
what the parent holds for N and for 4N reports, and the increment per report must stay small.
A report of the sample plan gives 61 forms × 10 years of counts: kept as dicts of dicts, as
before, they alone took some 20 KB a report.
"""

from __future__ import annotations

import gc
import pickle
import tempfile
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tdkt_xl import load_plan
from tdkt_xl.consolidation.aggregate import consolidate
from tdkt_xl.consolidation.inbox import check_result
from tdkt_xl.consolidation.master import master_data, master_rows, write_rows
from tdkt_xl.consolidation.master_cells import CellWriter
from tdkt_xl.consolidation.master_skeleton import build_skeleton
from tdkt_xl.intake.book_readers import RawBook
from tdkt_xl.intake.plan_index import plan_forms, plan_years
from tdkt_xl.intake.unit_report import UnitReport, read_unit_report
from tdkt_xl.intake.worker_pool import ReadResult
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import (
    INFO_SHEET,
    META_SHEET,
    PROGRESS_HEADERS,
    PROGRESS_SHEET,
    STATS_SHEET,
    TEMPLATE_VERSION,
    plan_id,
    unit_tasks,
)

SMALL, LARGE = 40, 160
# bytes per report the parent may hold, and may use beyond that while writing the master: about
# 3.3 KB and 0.3 KB when this was written, 27 KB and 2.4 KB before (counts as dicts of dicts,
# every row of the master's long sheets built before any was written)
HELD_PER_REPORT = 8_000
WRITING_PER_REPORT = 1_500
AS_OF = date(2024, 6, 30)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The sample plan with units enough for the larger run (the sample's own report on tasks)."""
    sample = load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")
    extra = [Unit(code=f"TN{number:04d}", name=f"Đơn vị thử nghiệm {number}") for number in range(LARGE)]
    return sample.model_copy(update={"units": [*(sample.units or []), *extra]})


def _sheets(plan: Plan, code: str, number: int) -> dict[str, list[list[Any]]]:
    """A filled report as the cell values a reader returns (numbers as floats, like calamine)."""
    years = plan_years(plan)
    progress: list[list[Any]] = [["TIẾN ĐỘ"], [], list(PROGRESS_HEADERS)]
    for task, role in unit_tasks(plan, code):
        progress.append([task.code, task.content, role, task.deadline.due, "Đang thực hiện", None,
                         f"Kết quả của đơn vị {code}", None, None])
    stats: list[list[Any]] = [["SỐ LIỆU"], [], ["Hình thức khen thưởng", *map(float, years), "Tổng"]]
    for row, form in enumerate(plan_forms(plan)):
        counts = [float((number * 7 + row * 3 + column) % 11) for column in range(len(years))]
        stats.append([form.name, *counts, float(sum(counts))])
    return {
        META_SHEET: [["plan_id", plan_id(plan)], ["template_version", TEMPLATE_VERSION], ["unit_code", code],
                     ["plan_year", float(plan.year)]],
        INFO_SHEET: [["BÁO CÁO"], [], ["Mã đơn vị", code], ["Tên đơn vị", f"Đơn vị {code}"],
                     ["Kỳ báo cáo", "Năm 2024"], ["Người lập", f"Người lập {number}"],
                     ["Điện thoại", f"0912 {number:06d}"], ["Ngày lập", datetime(2024, 6, 20)]],
        PROGRESS_SHEET: progress,
        STATS_SHEET: stats,
    }


def _reports(plan: Plan, count: int) -> Iterator[UnitReport]:
    """``count`` reports, each checked as a worker checks it and handed over as a worker does."""
    identity = plan_id(plan)
    codes = [u.code for u in plan.units or [] if not u.is_group][:count]
    for number, code in enumerate(codes):
        name = f"{code}.xlsx"
        checked = read_unit_report(_sheets(plan, code, number), plan, file=name,
                                   modified=datetime(2024, 6, 21, 8, number % 60))
        book = pickle.loads(pickle.dumps(RawBook({}, (), (), checked=checked)))  # to the parent
        kept = check_result(plan, name, ReadResult(Path(name), book, None, 0.0), modified=None,
                            expected_plan_id=identity)
        assert isinstance(kept, UnitReport)
        yield kept


def _held_and_writing(plan: Plan, count: int, folder: Path) -> tuple[int, int]:
    """What a consolidation of ``count`` reports holds, and the most memory writing its master
    took beyond what was held before it (bytes, as tracemalloc counts them)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = consolidate(plan, list(_reports(plan, count)), [], as_of=AS_OF)
        assert len(result.reports) == count
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        # the master as write_master writes it, its skeleton (openpyxl's workbook, the same for any
        # number of reports) made first, outside what is measured
        skeleton = build_skeleton(master_data(result).layouts())
        gc.collect()
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        gc.disable()  # (the peak then does not depend on when a collection comes)
        try:
            data = master_data(result)
            write_rows(master_rows(data, CellWriter(skeleton.style_ids)), skeleton,
                       Path(tempfile.mkdtemp(dir=folder)) / "tong_hop.xlsx")  # (no backup to make)
        finally:
            gc.enable()
        writing = tracemalloc.get_traced_memory()[1] - start
        del result, data
    finally:
        tracemalloc.stop()
    return held, writing


def test_memory_per_report_is_small(plan: Plan, tmp_path: Path) -> None:
    """The memory a consolidation holds, and uses while writing its master, grows by a few KB a
    report (measured as the difference between N and 4N reports: what does not depend on the
    number of reports, such as imports and caches filled once, cancels out; the row heights of the
    master's texts are cached, up to a bound, once for all the runs)."""
    _held_and_writing(plan, LARGE, tmp_path)  # imports, and caches filled once (bounded: row heights)
    small_held, small_writing = _held_and_writing(plan, SMALL, tmp_path)
    large_held, large_writing = _held_and_writing(plan, LARGE, tmp_path)
    held = (large_held - small_held) / (LARGE - SMALL)
    writing = (large_writing - small_writing) / (LARGE - SMALL)
    assert held < HELD_PER_REPORT, f"{held:.0f} bytes held per report"
    assert writing < WRITING_PER_REPORT, f"{writing:.0f} bytes used per report while writing the master"

