"""Time validate + status of a generated plan of N tasks, against a baseline in the same run.

Baseline: openpyxl opening the same workbook (the floor for anything that reads
it with styles, merged cells and hidden rows). Figures are ratios to that
baseline, so they mean the same on a slower or faster machine.

    python bench/bench_plan.py [--tasks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tdkt_xl import load_plan, plan_status
from tdkt_xl.excel.status_copy import write_status_workbook

DEADLINES = ["Tháng 2", "Trước ngày 15/6", "Đầu tháng 7", "Quý III", "Thường xuyên",
             "từ tháng 3 đến tháng 5", "30/11/2024", "Cuối tháng 9", "6 tháng đầu năm",
             "Khi có yêu cầu"]
UNITS = [f"Phòng {i}" for i in range(1, 41)]


def make_plan(path: Path, tasks: int) -> Path:
    """A plan with a Phụ lục (4 quarters) and a Phân công sheet, ``tasks`` tasks in all."""
    book = Workbook()
    appendix = book.active
    assert appendix is not None
    appendix.title = "Phụ lục"
    appendix.append([f"PHỤ LỤC THỰC HIỆN NHIỆM VỤ NĂM 2024 ({tasks} nhiệm vụ)"])
    appendix.append(["STT", "Nội dung thực hiện", "Đơn vị chỉ đạo", "Đơn vị thực hiện",
                     "Đơn vị phối hợp", "Ghi chú"])
    half = tasks // 2
    per_quarter = half // 4
    for quarter, roman in enumerate(["I", "II", "III", "IV"], start=1):
        appendix.append([roman, f"Quý {roman}"])
        for number in range(1, per_quarter + 1):
            appendix.append([number, f"Nhiệm vụ {quarter}.{number}: xây dựng kế hoạch thi đua",
                             "UBND tỉnh", UNITS[number % 40],
                             f"{UNITS[(number + 1) % 40]}; {UNITS[(number + 2) % 40]}", None])
    assignment = book.create_sheet("Phân công")
    assignment.append(["TT", "NỘI DUNG", "ĐƠN VỊ THỰC HIỆN", "THỜI GIAN HOÀN THÀNH"])
    for number in range(1, tasks - 4 * per_quarter + 1):
        assignment.append([f"{number}.", f"Nhiệm vụ phân công {number}", UNITS[number % 40],
                           DEADLINES[number % len(DEADLINES)]])
    units = book.create_sheet("Đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị", "Tên gọi khác, viết tắt", "Loại", "Email"])
    units.append(["UBND", "UBND tỉnh", "", "Đơn vị", ""])
    for index, name in enumerate(UNITS, start=1):
        units.append([f"P{index}", name, "", "Đơn vị", f"p{index}@mau.gov.vn"])
    config = book.create_sheet("Cấu hình")
    config.append(["Thiết lập", "Giá trị"])
    config.append(["Năm kế hoạch", 2024])
    book.save(path)
    return path


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = make_plan(Path(folder) / "plan.xlsx", args.tasks)
        out = Path(folder) / "status.xlsx"
        baseline = timed(lambda: load_workbook(source).close(), args.repeat)
        validate = timed(lambda: load_plan(source), args.repeat)
        plan = load_plan(source)

        def status() -> None:
            fresh = load_plan(source)
            write_status_workbook(source, out, fresh, plan_status(fresh))

        status_time = timed(status, args.repeat)
        tracemalloc.start()
        status()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    result = {
        "tasks": len(plan.tasks),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
                   f"{platform.python_version()}",
        "baseline_openpyxl_open_s": round(baseline, 3),
        "validate_s": round(validate, 3),
        "validate_ratio": round(validate / baseline, 2),
        "validate_plus_status_written_s": round(status_time, 3),
        "validate_plus_status_ratio": round(status_time / baseline, 2),
        "peak_python_memory_mb": round(peak / 2**20, 1),
        "problems": len(plan.problems),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
