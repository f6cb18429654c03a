"""Time validate and validate + status copy of a generated plan of N tasks, against baselines in
the same run, in alternating rounds (each round runs each step once; medians and spread):

* python-calamine reading every sheet's values of the same file (the reader's floor): ``validate``
  should take at most 8 times as long (issue 18);
* openpyxl opening the same workbook, and opening and saving it (what the status copy must do at
  least: it keeps the plan's formatting): validate + status copy at most twice the latter.

Figures are ratios to the baselines, so they mean the same on a slower or faster machine.

    python bench/bench_plan.py [--tasks 10000] [--rounds 5] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tdkt_xl import load_plan, plan_status, validate
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


def calamine_values(path: Path) -> None:
    """Every sheet's values, as python-calamine gives them (the floor of any reader)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--rounds", "--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where validate spends its time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = make_plan(Path(folder) / "plan.xlsx", args.tasks)
        out = Path(folder) / "status.xlsx"
        saved = Path(folder) / "saved.xlsx"

        def open_and_save() -> None:
            book = load_workbook(source)
            book.save(saved)
            book.close()

        def status() -> None:
            fresh = load_plan(source)
            write_status_workbook(source, out, fresh, plan_status(fresh))

        steps: dict[str, Callable[[], object]] = {
            "calamine_values": lambda: calamine_values(source),
            "openpyxl_open": lambda: load_workbook(source).close(),
            "openpyxl_open_save": open_and_save,
            "validate": lambda: validate(source),
            "validate_plus_status_copy": status,
        }
        for step in steps.values():  # warm: imports and caches, as in a running command
            step()
        times: dict[str, list[float]] = {name: [] for name in steps}
        cpu: dict[str, list[float]] = {name: [] for name in steps}
        for round_number in range(args.rounds):
            names = list(steps)
            if round_number % 2:
                names.reverse()  # alternate the order too
            for name in names:
                start, start_cpu = time.perf_counter(), time.process_time()
                steps[name]()
                times[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
        # each round's ratios (its steps a few seconds apart): this machine's speed drifts within
        # minutes, so the median of these is steadier than a ratio of medians
        rounds = range(args.rounds)
        each_validate = [times["validate"][r] / times["calamine_values"][r] for r in rounds]
        each_status = [times["validate_plus_status_copy"][r] / times["openpyxl_open_save"][r] for r in rounds]
        if args.profile:
            import cProfile
            import pstats

            cProfile.runctx("validate(source)", globals(), {"validate": validate, "source": source},
                            str(Path(folder) / "validate.prof"))
            pstats.Stats(str(Path(folder) / "validate.prof")).sort_stats("tottime").print_stats(25)
        plan = load_plan(source)
        tracemalloc.start()
        status()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    result = {
        "tasks": len(plan.tasks),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
                   f"{platform.python_version()}",
        "rounds": args.rounds,
        "seconds": {name: spread(values) for name, values in times.items()},
        "validate_over_calamine": round(medians["validate"] / medians["calamine_values"], 2),
        "validate_over_openpyxl_open": round(medians["validate"] / medians["openpyxl_open"], 2),
        "validate_plus_status_over_openpyxl_open_save": round(
            medians["validate_plus_status_copy"] / medians["openpyxl_open_save"], 2),
        # CPU time of this process (every step runs in it): steadier than wall time on a busy machine
        "cpu_seconds": {name: spread(values) for name, values in cpu.items()},
        "cpu_validate_over_calamine": round(cpu_medians["validate"] / cpu_medians["calamine_values"], 2),
        "cpu_validate_plus_status_over_openpyxl_open_save": round(
            cpu_medians["validate_plus_status_copy"] / cpu_medians["openpyxl_open_save"], 2),
        "validate_over_calamine_each_round": [round(r, 2) for r in each_validate],
        "validate_over_calamine_median_of_rounds": round(statistics.median(each_validate), 2),
        "validate_plus_status_over_open_save_each_round": [round(r, 2) for r in each_status],
        "validate_plus_status_over_open_save_median_of_rounds": round(statistics.median(each_status), 2),
        "peak_python_memory_mb": round(peak / 2**20, 1),
        "problems": len(plan.problems),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
