"""Time ``tdkt-xl consolidate`` on N filled unit reports, against two baselines in the same run.

    python bench/bench_consolidate.py [--files 1000] [--repeat 1] [--data DIR] [--workers 2]

Generates (once, cached in ``--data``) a plan with N units and N filled unit report
workbooks, then measures on the same files, each the median of ``--repeat`` runs:

(a) ``python -m tdkt_xl consolidate INBOX --plan PLAN --out MASTER --json`` as a user runs
    it, end to end, master written; its totals are checked. The time up to "every file read
    and checked" is ``run_consolidation(...).timings["read_and_check"]`` in a fresh
    interpreter (as the command runs it), taken right after a (c) run in each repeat since the
    machine's speed drifts; the steps are also timed in-process (``scan_inbox``,
    ``read_many`` + ``check_results``, ``consolidate``, ``write_master``);
(b) the plain script a user would write: a pandas ``read_excel(engine="openpyxl")`` loop over
    the same files (all sheets), the "Số liệu" sheet found by its header row, the year
    columns summed per form and written with ``DataFrame.to_excel``; its totals are checked;
(c) python-calamine reading every sheet of every file (``to_python()``), in-process, single
    thread, nothing else;
(d) the script an expert would write today (``bench/expert_polars.py``: fastexcel, a pool of
    ``--workers`` processes, polars, the master with the same per-unit detail sheets written by
    ``write_excel``), run as a subprocess alternating with (a), the order swapped every round;
    its totals are checked. Needs the ``bench`` extra (``pip install -e .[bench]``); left out
    when it is missing. ``--only-peer`` runs (a) and (d) alone.

Memory: peak RSS of (a) as a subprocess with its worker processes, sampled from /proc every
50 ms (largest single process and sum over the process tree; PSS sum too, which counts pages
shared after fork once), and the kernel's ``ru_maxrss`` of the subprocess (``wait4``).
(a) is also run on N/10 files (an inbox of symlinks) to show whether memory is flat.

Figures are also given as ratios to the baselines, so they mean the same on a slower or
faster machine. Timings are reported, never asserted. Prints one JSON object;
``--profile`` also prints a cProfile of the parent's steps and of reading files to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import Workbook

from tdkt_xl.consolidation.aggregate import Consolidation, consolidate
from tdkt_xl.consolidation.inbox import check_results, run_consolidation, scan_inbox
from tdkt_xl.consolidation.master import write_master
from tdkt_xl.intake.book_readers import read_values
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.intake.worker_pool import read_many
from tdkt_xl.plans.models import Plan
from tdkt_xl.reports.layout import (
    INFO_FIRST_ROW,
    INFO_LABELS,
    INFO_SHEET,
    PROGRESS_CHOICES,
    PROGRESS_DONE,
    PROGRESS_HEADER_ROW,
    PROGRESS_HEADERS,
    PROGRESS_ONGOING,
    PROGRESS_SHEET,
    STATS_FORM_HEADER,
    STATS_HEADER_ROW,
    STATS_SHEET,
)
from tdkt_xl.reports.template import build_unit_report, report_forms, reporting_units, stats_years

BENCH = Path(__file__).resolve().parent
DEFAULT_DATA = BENCH / "data"
GENERATOR_VERSION = 1  # bump when the generated files change, to invalidate the cache
SEED = 2024
PLAN_YEAR = 2024
AS_OF = date(2024, 7, 1)
REPORT_DEADLINE = date(2024, 6, 25)
SECTIONS = ("I", "II", "III", "IV")
APPENDIX_TASKS_PER_SECTION = 8  # Phụ lục: 4 × 8 tasks, one lead unit and partners each
ASSIGNMENT_TASKS = 16  # Phân công: lead units only (that sheet has no partner column)
DEADLINES = ("Tháng 2", "Trước ngày 15/6", "Đầu tháng 7", "Quý III", "Thường xuyên",
             "từ tháng 3 đến tháng 5", "30/11/2024", "Cuối tháng 9", "6 tháng đầu năm",
             "Khi có yêu cầu")
COUNTS = (0, 0, 0, 1, 1, 2, 3, 5, 8, 12)
AUTHORS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Thu Hà", "Hoàng Quốc Việt")
SAMPLE_S = 0.05
TARGET_SPEEDUP_OVER_B = 5.0
TARGET_SPEEDUP_OVER_D = 1.25
TARGET_READ_CHECK_OVER_C = 1.5
TARGET_PEAK_MB = 500.0
FLAT_RATIO = 1.25  # peak at N within this factor of the peak at N/10 counts as flat

Totals = dict[str, dict[int, int]]
T = TypeVar("T")


# --- the plan ---------------------------------------------------------------------


def unit_code(index: int, files: int) -> str:
    return f"DV{index:0{max(4, len(str(files)))}d}"


def unit_name(index: int) -> str:
    return f"Sở Thử nghiệm {index}"


def task_units(files: int) -> tuple[list[tuple[int, list[int]]], list[list[int]]]:
    """Units (1-based) of each task: Phụ lục (lead, partners) and Phân công (leads).

    Unit u takes slot (u - 1) % tasks: in a Phụ lục slot the first unit leads and the
    others are partners; in a Phân công slot every unit leads. Every third unit is also a
    partner of one more Phụ lục task, so some units report on two tasks.
    """
    appendix_count = len(SECTIONS) * APPENDIX_TASKS_PER_SECTION
    slots = appendix_count + ASSIGNMENT_TASKS
    members: list[list[int]] = [[] for _ in range(slots)]
    for unit in range(1, files + 1):
        members[(unit - 1) % slots].append(unit)
    appendix: list[tuple[int, list[int]]] = []
    for slot in range(appendix_count):
        lead = members[slot][0] if members[slot] else 1 + slot % files
        partners = [u for u in members[slot] if u != lead]
        appendix.append((lead, partners))
    for unit in range(3, files + 1, 3):
        slot = (unit // 3 * 7) % appendix_count
        lead, partners = appendix[slot]
        if unit != lead and unit not in partners:
            partners.append(unit)
    assignment = [members[appendix_count + k] or [1 + k % files] for k in range(ASSIGNMENT_TASKS)]
    return appendix, assignment


def make_plan(path: Path, files: int) -> Path:
    """A plan with N units, a Phụ lục (sections I–IV) and a Phân công sheet, made by code."""
    appendix_units, assignment_units = task_units(files)

    def names(units: list[int]) -> str | None:
        return "; ".join(unit_name(u) for u in units) or None

    book = Workbook()
    appendix = book.active
    assert appendix is not None
    appendix.title = "Phụ lục"
    appendix.append([f"PHỤ LỤC THỰC HIỆN NHIỆM VỤ NĂM {PLAN_YEAR}"])
    appendix.append(["STT", "Nội dung thực hiện", "Đơn vị chỉ đạo", "Đơn vị thực hiện",
                     "Đơn vị phối hợp", "Ghi chú"])
    for quarter, roman in enumerate(SECTIONS, start=1):
        appendix.append([roman, f"Quý {roman}"])
        for number in range(1, APPENDIX_TASKS_PER_SECTION + 1):
            lead, partners = appendix_units[(quarter - 1) * APPENDIX_TASKS_PER_SECTION + number - 1]
            appendix.append([number, f"Nhiệm vụ {quarter}.{number}: tổ chức phong trào thi đua",
                             unit_name(1), unit_name(lead), names(partners), None])
    assignment = book.create_sheet("Phân công")
    assignment.append(["TT", "NỘI DUNG", "ĐƠN VỊ THỰC HIỆN", "THỜI GIAN HOÀN THÀNH"])
    for number, leads in enumerate(assignment_units, start=1):
        assignment.append([f"{number}.", f"Nhiệm vụ phân công {number}: báo cáo kết quả",
                           names(leads), DEADLINES[number % len(DEADLINES)]])
    units = book.create_sheet("Đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị", "Tên gọi khác, viết tắt", "Loại", "Email"])
    for index in range(1, files + 1):
        units.append([unit_code(index, files), unit_name(index), None, "Đơn vị",
                      f"dv{index}@thu-nghiem.gov.vn"])
    config = book.create_sheet("Cấu hình")
    config.append(["Thiết lập", "Giá trị"])
    config.append(["Năm kế hoạch", PLAN_YEAR])
    config.append(["Ngày tính trạng thái", AS_OF])
    config.append(["Hạn nộp báo cáo", REPORT_DEADLINE])
    config.append(["Năm số liệu từ", 2014])
    config.append(["Năm số liệu đến", 2023])
    book.save(path)
    return path


# --- the filled reports -------------------------------------------------------------


def fill_report(book: Workbook, plan: Plan, rng: random.Random, totals: Totals) -> None:
    """Fill a unit's report in memory as the unit would; add its numbers to ``totals``."""
    info = book[INFO_SHEET]

    def info_row(label: str) -> int:
        return INFO_FIRST_ROW + INFO_LABELS.index(label)

    info.cell(info_row("Người lập"), 2, rng.choice(AUTHORS))
    info.cell(info_row("Điện thoại"), 2, f"0912 {rng.randint(100, 999)} {rng.randint(100, 999)}")
    made_on = REPORT_DEADLINE - timedelta(days=rng.randint(1, 12))
    info.cell(info_row("Ngày lập"), 2, datetime.combine(made_on, datetime.min.time()))

    progress = book[PROGRESS_SHEET]

    def col(header: str) -> int:
        return PROGRESS_HEADERS.index(header) + 1

    for row in range(PROGRESS_HEADER_ROW + 1, progress.max_row + 1):
        if not progress.cell(row, col("Mã nhiệm vụ")).value:
            continue
        status = rng.choices(PROGRESS_CHOICES, weights=(5, 3, 2))[0]
        progress.cell(row, col("Tình trạng"), status)
        if status == PROGRESS_DONE:
            finished = date(PLAN_YEAR, 1, 15) + timedelta(days=rng.randint(0, 160))
            progress.cell(row, col("Ngày hoàn thành"), datetime.combine(finished, datetime.min.time()))
            result = "Đã ban hành văn bản và triển khai đến các đơn vị trực thuộc."
        elif status == PROGRESS_ONGOING:
            result = "Đang dự thảo, lấy ý kiến các đơn vị liên quan."
        else:
            result = "Chưa triển khai, dự kiến thực hiện trong quý tới."
        progress.cell(row, col("Kết quả"), result)

    stats = book[STATS_SHEET]
    forms = {f.name for f in report_forms(plan)}
    years = {c: v for c in range(2, stats.max_column + 1)
             if isinstance(v := stats.cell(STATS_HEADER_ROW, c).value, int)}
    for row in range(STATS_HEADER_ROW + 1, stats.max_row + 1):
        name = stats.cell(row, 1).value
        if name not in forms:
            continue
        assert isinstance(name, str)
        for column, year in years.items():
            count = rng.choice(COUNTS)
            stats.cell(row, column, count)
            totals[name][year] += count


def empty_totals(plan: Plan) -> Totals:
    return {f.name: dict.fromkeys(stats_years(plan), 0) for f in report_forms(plan)}


_generator_plan: Plan | None = None


def _init_generator(plan_path: str) -> None:
    global _generator_plan
    _generator_plan = load_plan(plan_path)


def _generate_chunk(codes: list[str], inbox: str, seed: int) -> Totals:
    """Build, fill and save the reports of ``codes`` (in a generator worker)."""
    plan = _generator_plan
    assert plan is not None
    totals = empty_totals(plan)
    for unit in reporting_units(plan, codes):
        book = build_unit_report(plan, unit)
        fill_report(book, plan, random.Random(f"{seed}:{unit.code}"), totals)
        target = Path(inbox) / f"{unit.code}.xlsx"
        partial = target.with_name(f".{target.name}.part")
        book.save(partial)
        book.close()
        os.replace(partial, target)
    return totals


@dataclass
class Data:
    """The generated plan and inbox."""

    root: Path
    files: int
    totals: Totals
    generation_s: float | None  # None when the cached files were reused
    cached_generation_s: float | None = None

    @property
    def plan(self) -> Path:
        return self.root / "plan.xlsx"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"


def _read_manifest(root: Path, files: int) -> dict[str, Any] | None:
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (manifest.get("version"), manifest.get("files"), manifest.get("seed")) != (
            GENERATOR_VERSION, files, SEED):
        return None
    inbox = root / "inbox"
    present = sorted(p.name for p in inbox.glob("*.xlsx")) if inbox.is_dir() else []
    if len(present) != files or not (root / "plan.xlsx").is_file():
        return None
    return manifest


def generate(root: Path, files: int, workers: int) -> Data:
    """The plan and N filled reports in ``root``: reused when the manifest matches, else made."""
    root.mkdir(parents=True, exist_ok=True)
    if root.resolve() == DEFAULT_DATA.resolve() or root.resolve().is_relative_to(DEFAULT_DATA.resolve()):
        ignore = DEFAULT_DATA / ".gitignore"
        if not ignore.exists():  # keep the cache out of git without touching the repo's .gitignore
            DEFAULT_DATA.mkdir(parents=True, exist_ok=True)
            ignore.write_text("# generated by bench/bench_consolidate.py\n*\n", encoding="utf-8")
    manifest = _read_manifest(root, files)
    if manifest is not None:
        totals = {form: {int(y): n for y, n in years.items()} for form, years in manifest["totals"].items()}
        return Data(root, files, totals, None, manifest.get("generation_s"))
    start = time.perf_counter()
    data = Data(root, files, {}, None)
    data.manifest.unlink(missing_ok=True)
    if data.inbox.exists():
        shutil.rmtree(data.inbox)
    data.inbox.mkdir()
    make_plan(data.plan, files)
    plan = load_plan(data.plan)
    codes = [u.code for u in reporting_units(plan)]
    if len(codes) != files:
        raise SystemExit(f"the generated plan has {len(codes)} reporting units, not {files}")
    totals = empty_totals(plan)
    size = max(1, min(50, files // (workers * 8) or 1))
    chunks = [codes[i:i + size] for i in range(0, len(codes), size)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_generator,
                             initargs=(str(data.plan),)) as pool:
        for part in pool.map(_generate_chunk, chunks, [str(data.inbox)] * len(chunks),
                             [SEED] * len(chunks)):
            for form, years in part.items():
                for year, count in years.items():
                    totals[form][year] += count
    data.totals = totals
    data.generation_s = time.perf_counter() - start
    data.manifest.write_text(json.dumps({
        "version": GENERATOR_VERSION, "files": files, "seed": SEED,
        "generation_s": round(data.generation_s, 1), "plan_problems": len(plan.problems),
        "totals": totals,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    return data


def subset_inbox(data: Data, count: int) -> Path:
    """An inbox of the first ``count`` reports, as symlinks to the generated files."""
    folder = data.root / f"inbox_{count}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for path in sorted(data.inbox.glob("*.xlsx"))[:count]:
        (folder / path.name).symlink_to(path.resolve())
    return folder


# --- measuring --------------------------------------------------------------------


def timed(action: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median wall time of ``repeat`` runs, and the last run's result."""
    times: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


def _status_kb(pid: int, key: str, name: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{name}") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                stat = handle.read()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


@dataclass
class TreeSampler:
    """Samples RSS (and PSS) of a process and its descendants every ``interval`` seconds."""

    root: int
    interval: float = SAMPLE_S
    max_single_kb: int = 0
    max_sum_kb: int = 0
    max_pss_sum_kb: int = 0
    max_processes: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        pids = _tree(self.root)
        rss = [_status_kb(pid, "VmRSS:") for pid in pids]
        pss = sum(_status_kb(pid, "Pss:", "smaps_rollup") for pid in pids)
        self.max_single_kb = max(self.max_single_kb, *rss)
        self.max_sum_kb = max(self.max_sum_kb, sum(rss))
        self.max_pss_sum_kb = max(self.max_pss_sum_kb, pss)
        self.max_processes = max(self.max_processes, sum(1 for r in rss if r))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


@dataclass
class CommandRun:
    seconds: float
    exit_code: int
    summary: dict[str, Any]
    stderr: str
    ru_maxrss_kb: int
    sampler: TreeSampler
    cpu_seconds: float = 0.0  # user + system time of the command and of the workers it reaped


def run_sampled(command: list[str]) -> CommandRun:
    """Run a command as a subprocess, its whole process tree's memory sampled; JSON stdout parsed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        with TreeSampler(process.pid) as sampler:
            # wait4: the kernel's peak RSS of the command and of the workers it reaped
            _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, said = out.read().decode("utf-8"), err.read().decode("utf-8", "replace")
    try:
        summary = json.loads(text)
    except ValueError:
        summary = {}
    return CommandRun(seconds, returncode, summary, said[-2000:], usage.ru_maxrss, sampler,
                      usage.ru_utime + usage.ru_stime)


def run_command(inbox: Path, plan: Path, master: Path, workers: int) -> CommandRun:
    """``python -m tdkt_xl consolidate … --json`` in a subprocess, with its memory sampled."""
    master.unlink(missing_ok=True)
    return run_sampled([sys.executable, "-m", "tdkt_xl", "consolidate", str(inbox), "--plan", str(plan),
                        "--out", str(master), "--json", "--workers", str(workers)])


def startup() -> float:
    """Interpreter start and the imports of ``tdkt-xl consolidate``, in a fresh process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c",
                    "import tdkt_xl.cli, tdkt_xl.consolidation.inbox, tdkt_xl.consolidation.master"],
                   check=True)
    return time.perf_counter() - start


_FRESH_RUN = """
import json, sys
from datetime import date
from pathlib import Path
from tdkt_xl.consolidation.inbox import run_consolidation
from tdkt_xl.intake.plan_workbook import load_plan
plan = load_plan(Path(sys.argv[1]))
done = run_consolidation(plan, Path(sys.argv[2]), Path(sys.argv[3]), as_of=date.fromisoformat(sys.argv[4]),
                         workers=int(sys.argv[5]))
print(json.dumps(done.timings))
"""


def run_consolidation_fresh(data: Data, master: Path, workers: int) -> dict[str, float]:
    """``run_consolidation`` in a new interpreter, as the command runs it; its own phase timings."""
    master.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", _FRESH_RUN, str(data.plan), str(data.inbox), str(master),
                           AS_OF.isoformat(), str(workers)], capture_output=True, text=True, check=True)
    timings: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return timings


def steps(plan: Plan, inbox_dir: Path, master: Path, workers: int) -> dict[str, float]:
    """The steps of :func:`tdkt_xl.consolidation.inbox.run_consolidation`, each timed (read and check
    overlap)."""
    master.unlink(missing_ok=True)
    times: dict[str, float] = {}
    start = time.perf_counter()
    inbox = scan_inbox(inbox_dir)
    times["scan_inbox"] = time.perf_counter() - start
    mark = time.perf_counter()
    results = read_many(inbox.workbooks, workers=workers)
    reports, outcomes = check_results(plan, inbox, results)
    times["read_many_and_check_results"] = time.perf_counter() - mark
    times["read_and_check"] = time.perf_counter() - start
    mark = time.perf_counter()
    result = consolidate(plan, reports, outcomes, as_of=AS_OF, plan_file=plan.file)
    times["consolidate"] = time.perf_counter() - mark
    mark = time.perf_counter()
    write_master(result, master)
    times["write_master"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - start
    if len(reports) != len(inbox.workbooks):
        raise SystemExit(f"in-process: {len(reports)} reports from {len(inbox.workbooks)} files")
    return times


def read_then_check(plan: Plan, inbox_dir: Path, workers: int) -> dict[str, float]:
    """Reading and checking one after the other (not overlapped), to see what each costs."""
    inbox = scan_inbox(inbox_dir)
    start = time.perf_counter()
    results = list(read_many(inbox.workbooks, workers=workers))
    read = time.perf_counter() - start
    mark = time.perf_counter()
    check_results(plan, inbox, results)
    return {"read_many_alone": read, "check_results_alone": time.perf_counter() - mark,
            "worker_seconds_per_file_ms": 1000 * sum(r.seconds for r in results) / max(1, len(results))}


def pandas_loop(files: list[Path], out: Path) -> Totals:
    """(b): the plain script — pandas read_excel (openpyxl) of every sheet, sum, to_excel."""
    import pandas as pd

    frames = []
    years: list[Any] = []
    for path in files:
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", header=2)
        for frame in sheets.values():
            if STATS_FORM_HEADER not in frame.columns:
                continue
            years = [c for c in frame.columns if str(c).isdigit()]
            rows = frame[[STATS_FORM_HEADER, *years]].dropna(subset=years, how="all")
            frames.append(rows)
    totals = pd.concat(frames).groupby(STATS_FORM_HEADER, sort=False)[years].sum()
    totals.to_excel(out, sheet_name="Tổng hợp")
    return {str(form): {int(y): int(totals.at[form, y]) for y in years} for form in totals.index}


def calamine_all(files: list[Path]) -> int:
    """(c): python-calamine, every sheet of every file, ``to_python()``, nothing else."""
    from python_calamine import CalamineWorkbook

    rows = 0
    for path in files:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            rows += len(workbook.get_sheet_by_name(name).to_python())
        workbook.close()
    return rows


def as_json_totals(totals: Totals) -> dict[str, dict[str, int]]:
    return {form: {str(y): n for y, n in years.items()} for form, years in totals.items()}


def same_totals(found: Totals | dict[str, dict[str, int]], expected: Totals) -> bool:
    wanted = as_json_totals(expected)
    got = {str(form): {str(y): int(n) for y, n in years.items()} for form, years in found.items()}
    for form, years in wanted.items():  # a form or year with nothing may be left out by pandas
        for year, count in years.items():
            if got.get(form, {}).get(year, 0) != count:
                return False
    return all(form in wanted and set(years) <= set(wanted[form]) for form, years in got.items())


def profile(action: Callable[[], object], limit: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(limit)
    return buffer.getvalue()


# --- (d) the expert's script ---------------------------------------------------------


def run_peer(inbox: Path, master: Path, workers: int, detail: bool = True) -> CommandRun:
    """(d) ``bench/expert_polars.py`` in a subprocess (fastexcel, a pool, polars), memory sampled."""
    master.unlink(missing_ok=True)
    command = [sys.executable, str(BENCH / "expert_polars.py"), str(inbox), str(master),
               "--workers", str(workers)]
    return run_sampled(command + ([] if detail else ["--no-detail"]))


def peer_available() -> bool:
    try:
        metadata.version("polars")
        metadata.version("fastexcel")
        metadata.version("xlsxwriter")
    except metadata.PackageNotFoundError:
        return False
    return True


def alternate_a_and_d(data: Data, out: Path, workers: int, repeat: int, peer: bool
                      ) -> tuple[list[CommandRun], list[CommandRun]]:
    """(a) and (d) one after the other in each round (the machine's speed drifts), the order
    swapped every round."""
    runs: list[CommandRun] = []
    peer_runs: list[CommandRun] = []
    peer = peer and peer_available()
    for round_ in range(repeat):
        order = ("a", "d") if round_ % 2 == 0 else ("d", "a")
        for which in order:
            if which == "a":
                runs.append(run_command(data.inbox, data.plan, out / "tong_hop.xlsx", workers))
            elif peer:
                peer_runs.append(run_peer(data.inbox, out / "tong_hop_polars.xlsx", workers))
    return runs, peer_runs


def _spread(values: list[float]) -> dict[str, Any]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "each": [round(v, 3) for v in values]}


def peer_figures(runs: list[CommandRun], peer_runs: list[CommandRun], expected: Totals) -> dict[str, Any]:
    """(d) beside (a): seconds, the ratio d/a of each round and their median, memory, totals checked."""
    if not peer_runs:
        return {"d_expert_polars": "not run (polars, fastexcel and xlsxwriter: pip install -e .[bench])"}
    ratios = [d.seconds / a.seconds for a, d in zip(runs, peer_runs, strict=True)]
    return {
        "d_expert_polars": {
            "a_seconds": _spread([r.seconds for r in runs]),
            "d_seconds": _spread([r.seconds for r in peer_runs]),
            "d_over_a_each_round": [round(r, 3) for r in ratios],
            "d_over_a_median_of_rounds": round(statistics.median(ratios), 3),
            "a_cpu_s": _spread([r.cpu_seconds for r in runs]),
            "d_cpu_s": _spread([r.cpu_seconds for r in peer_runs]),
            "a_max_tree_pss_sum_mb": _mb(max(r.sampler.max_pss_sum_kb for r in runs)),
            "d_max_tree_pss_sum_mb": _mb(max(r.sampler.max_pss_sum_kb for r in peer_runs)),
            "d_exit_code": peer_runs[-1].exit_code,
            "d_totals_match": bool(peer_runs[-1].summary) and same_totals(peer_runs[-1].summary, expected),
            "target_a_at_least_1_25x_faster_than_d": statistics.median(ratios) >= TARGET_SPEEDUP_OVER_D,
        },
    }


def only_peer(data: Data, out: Path, workers: int, repeat: int, files: int) -> None:
    """``--only-peer``: (a) and (d) alternating, nothing else."""
    runs, peer_runs = alternate_a_and_d(data, out, workers, repeat, peer=True)
    last = runs[-1]
    accepted = len(last.summary.get("files", {}).get("accepted", [])) if last.summary else 0
    print(json.dumps({"machine": machine(), "files": files, "workers": workers, "repeat": repeat,
                      "a_totals_match": bool(last.summary) and same_totals(last.summary.get("totals", {}),
                                                                          data.totals),
                      "a_accepted_files": accepted, "a_exit_code": last.exit_code,
                      "a_stderr": last.stderr if last.exit_code else "",
                      **peer_figures(runs, peer_runs, data.totals)}, ensure_ascii=False, indent=2))


# --- the machine --------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    memory_mb = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    versions: dict[str, str] = {}
    for name in ("openpyxl", "pandas", "python-calamine", "XlsxWriter", "polars", "fastexcel"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": model or platform.processor() or platform.machine(),
        "memory_mb": memory_mb,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        **versions,
    }


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


def byte_compile_package() -> None:
    """Byte-compile tdkt_xl as an installed package is: with an editable install and
    ``PYTHONDONTWRITEBYTECODE`` set (as on the machine these figures come from), every process
    measured would otherwise compile the modules changed since their last bytecode again."""
    import tdkt_xl

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(tdkt_xl.__file__).parent)],
                   check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000, help="number of unit reports (default 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the median is kept")
    parser.add_argument("--data", type=Path, default=None,
                        help="cache folder for the generated files (default bench/data/files_N)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (generation and reading)")
    parser.add_argument("--profile", action="store_true", help="print cProfile tables to stderr")
    parser.add_argument("--no-peer", action="store_true", help="leave out (d), the expert's polars script")
    parser.add_argument("--only-peer", action="store_true",
                        help="only (a) and (d), alternating (no (b), (c) or in-process steps)")
    args = parser.parse_args()
    if args.files < 10:
        parser.error("--files must be at least 10")
    root = args.data or DEFAULT_DATA / f"files_{args.files}"
    byte_compile_package()

    data = generate(root, args.files, args.workers)
    out = data.root / "out"
    out.mkdir(exist_ok=True)
    files = sorted(data.inbox.glob("*.xlsx"))
    for path in files:  # the same warm page cache for every measurement
        path.read_bytes()
    if args.only_peer:
        only_peer(data, out, args.workers, args.repeat, len(files))
        return
    plan_load_s, plan = timed(lambda: load_plan(data.plan), args.repeat)
    startup_s, _ = timed(startup, args.repeat)

    # (c) python-calamine alone, and (a) up to "read and checked" in a fresh interpreter as the
    # command runs it, one after the other in each repeat (the machine's speed drifts)
    c_runs: list[float] = []
    fresh_runs: list[dict[str, float]] = []
    for _ in range(args.repeat):
        c_one, _rows = timed(lambda: calamine_all(files), 1)
        c_runs.append(c_one)
        fresh_runs.append(run_consolidation_fresh(data, out / "tong_hop_fresh.xlsx", args.workers))
    c_s = statistics.median(c_runs)

    # (a) the command, end to end, as a user runs it, alternating with (d) the expert's script;
    # the memory of both sampled
    runs, peer_runs = alternate_a_and_d(data, out, args.workers, args.repeat, peer=not args.no_peer)
    a_s = statistics.median(r.seconds for r in runs)
    last = runs[-1]
    a_totals_ok = bool(last.summary) and same_totals(last.summary.get("totals", {}), data.totals)
    accepted = len(last.summary.get("files", {}).get("accepted", [])) if last.summary else 0
    peer = peer_figures(runs, peer_runs, data.totals)

    # (a) in-process: the same steps timed, and run_consolidation itself
    step_runs = [steps(plan, data.inbox, out / "tong_hop_steps.xlsx", args.workers)
                 for _ in range(args.repeat)]
    phase = {key: statistics.median(r[key] for r in step_runs) for key in step_runs[0]}
    in_process_runs: list[tuple[float, Consolidation]] = []
    for _ in range(args.repeat):
        (out / "tong_hop_inproc.xlsx").unlink(missing_ok=True)
        start = time.perf_counter()
        done = run_consolidation(plan, data.inbox, out / "tong_hop_inproc.xlsx", as_of=AS_OF,
                                 workers=args.workers)
        in_process_runs.append((time.perf_counter() - start, done))
    in_process_s = statistics.median(seconds for seconds, _ in in_process_runs)
    in_process = in_process_runs[-1][1]
    run_timings = {key: statistics.median(t[key] for t in fresh_runs) for key in fresh_runs[0]}
    pair_ratios = [t["read_and_check"] / c for t, c in zip(fresh_runs, c_runs, strict=True)]
    separate = read_then_check(plan, data.inbox, args.workers)

    # (a) on N/10 files: is memory flat?
    small_count = max(1, args.files // 10)
    small = run_command(subset_inbox(data, small_count), data.plan, out / "tong_hop_small.xlsx",
                        args.workers)

    # (b) the plain pandas script
    b_s, b_totals = timed(lambda: pandas_loop(files, out / "tong_hop_pandas.xlsx"), args.repeat)
    b_totals_ok = same_totals(b_totals, data.totals)

    peak_sum = max(r.sampler.max_sum_kb for r in runs)
    peak_small = small.sampler.max_sum_kb
    # the time up to "every file read and checked": run_consolidation's own figure when it
    # gives one, else the same steps timed here
    read_check = run_timings.get("read_and_check", phase["read_and_check"])
    read_check_source = ("run_consolidation(...).timings in a fresh interpreter"
                         if "read_and_check" in run_timings else "steps timed here")
    n = len(files)
    result: dict[str, Any] = {
        "machine": machine(),
        "files": n,
        "workers": args.workers,
        "repeat": args.repeat,
        "generation_s": round(data.generation_s, 1) if data.generation_s is not None else None,
        "generation_cached_s": data.cached_generation_s,
        "seconds": {
            "a_consolidate_command": round(a_s, 3),
            "a_read_and_check": round(read_check, 3),
            "b_pandas_openpyxl_loop": round(b_s, 3),
            "c_calamine_read_all": round(c_s, 3),
            "c_calamine_read_all_each_repeat": [round(c, 3) for c in c_runs],
            "a_read_and_check_each_repeat": [round(t["read_and_check"], 3) for t in fresh_runs],
        },
        "files_per_s": {
            "a_consolidate_command": round(n / a_s, 1),
            "a_read_and_check": round(n / read_check, 1),
            "b_pandas_openpyxl_loop": round(n / b_s, 1),
            "c_calamine_read_all": round(n / c_s, 1),
        },
        "ratios": {
            "b_over_a": round(b_s / a_s, 2),
            "a_read_and_check_over_c": round(read_check / c_s, 2),
            "a_read_and_check_over_c_each_repeat": [round(r, 2) for r in pair_ratios],
        },
        "a_phases_in_process_s": {
            "startup_and_imports": round(startup_s, 3),
            "plan_load": round(plan_load_s, 3),
            **{key: round(value, 3) for key, value in phase.items()},
            "run_consolidation_total": round(in_process_s, 3),
            "command_minus_startup_plan_and_steps": round(a_s - startup_s - plan_load_s - phase["total"], 3),
            **{key: round(value, 3) for key, value in separate.items()},
        },
        "run_consolidation_timings": {k: round(v, 3) for k, v in run_timings.items()},
        "a_read_and_check_from": read_check_source,
        "memory": {
            "a_max_tree_rss_sum_mb": _mb(peak_sum),
            "a_max_tree_pss_sum_mb": _mb(max(r.sampler.max_pss_sum_kb for r in runs)),
            "a_max_single_process_rss_mb": _mb(max(r.sampler.max_single_kb for r in runs)),
            "a_ru_maxrss_mb": _mb(max(r.ru_maxrss_kb for r in runs)),
            "a_processes": max(r.sampler.max_processes for r in runs),
            "small_files": small_count,
            "small_max_tree_rss_sum_mb": _mb(peak_small),
            "small_max_tree_pss_sum_mb": _mb(small.sampler.max_pss_sum_kb),
            "small_max_single_process_rss_mb": _mb(small.sampler.max_single_kb),
            "small_seconds": round(small.seconds, 3),
            "growth_n_over_n10": round(peak_sum / peak_small, 2) if peak_small else None,
            "sample_interval_s": SAMPLE_S,
        },
        **peer,
        "checks": {
            "a_exit_code": last.exit_code,
            "a_accepted_files": accepted,
            "a_totals_match": a_totals_ok,
            "b_totals_match": b_totals_ok,
            "small_exit_code": small.exit_code,
            "in_process_reports": len(in_process.reports),
        },
        "targets": {
            "a_at_least_5x_faster_than_b": b_s / a_s >= TARGET_SPEEDUP_OVER_B,
            "a_read_and_check_within_1_5x_of_c": read_check / c_s <= TARGET_READ_CHECK_OVER_C,
            "peak_memory_under_500_mb": _mb(peak_sum) < TARGET_PEAK_MB,
            "memory_flat_in_files": bool(peak_small) and peak_sum / peak_small <= FLAT_RATIO,
        },
    }
    if last.exit_code != 0:
        result["checks"]["a_stderr"] = last.stderr
    print(json.dumps(result, ensure_ascii=False, indent=2))

    if args.profile:
        print("=== parent side of (a), in-process run_consolidation ===", file=sys.stderr)
        print(profile(lambda: run_consolidation(plan, data.inbox, out / "tong_hop_profile.xlsx",
                                                as_of=AS_OF, workers=args.workers)), file=sys.stderr)
        sample = files[:100]
        print(f"=== worker side of (a): read_values on {len(sample)} files, in-process ===", file=sys.stderr)
        print(profile(lambda: [read_values(p) for p in sample], limit=20), file=sys.stderr)


if __name__ == "__main__":
    main()
