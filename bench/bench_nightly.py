"""Time ``tdkt-xl nightly`` on N generated unit reports: a full run, an unchanged run, a 1% run.

    python bench/bench_nightly.py [--files 10000] [--sizes 1000,10000] [--workers 2] [--repeat 1]

The plan and the N filled unit reports come from ``bench_consolidate.py`` (same generator,
same cache in ``bench/data/files_N``). For each size, the cached reports are copied into a
fresh working folder (``bench/data/nightly_N``: inbox, state, master), their modification
times set in the past, then ``python -m tdkt_xl nightly … --fresh-seconds 0 --json`` is run
as a subprocess, as the scheduler would run it:

1. full: a new ledger, every file parsed;
2. unchanged: the same inbox again (0% changed);
3. 1%: one count in "Số liệu" changed in 1% of the files (each file stays its unit's
   report; saved with openpyxl; a later, still past, modification time), then run again.

``--repeat N`` makes N such rounds, each on a fresh copy; each round's 1% run is divided by its
own full run (they are a minute apart: this machine's speed drifts by ±30% within the hour) and
the target is judged on the median of these ratios; the medians of each kind of run are
reported too.

Each run: wall time, the ``phases`` and ``counts`` of its JSON summary, and the peak memory of
the process tree (sum of RSS over the command and its workers, and the largest single process,
sampled from /proc every 50 ms). The totals of the master written are checked against the
expected ones (with the 1% changes added). Then another 1% of the files is changed and the
run is repeated in-process under cProfile: the time of named functions goes into the JSON
and the top of the table (cumulative) to stderr.

``--same-plan`` (or ``--only-same-plan``) also runs full runs on the first N/10 reports and on all
N of the largest size, with that size's plan in both, alternating: the ratio of their peaks (tree
PSS) says whether memory is flat in the number of reports (at most 1.25).

Targets (from the issue): the 1% run costs at most 5% of the full run; memory under 500 MB, flat.
Timings are reported, never asserted. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_consolidate as bc

import tdkt_xl
from tdkt_xl.consolidation.master import TOTALS_SHEET
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.reports.layout import STATS_HEADER_ROW, STATS_SHEET

CHANGED_SHARE = 0.01
TARGET_RATIO = 0.05
TARGET_PEAK_MB = 500.0
PAST_S = 3 * 86400  # the generated files are given modification times this far in the past
CHANGED_LATER_S = 3600  # a changed file's time: later than before, still in the past
PROFILE_LINES = 15
# functions whose cumulative time the in-process profile reports: (module file, function)
PROFILED = {
    "load_plan": ("tdkt_xl/intake/plan_workbook.py", "load_plan"),
    "plan_from_ledger_or_file": ("tdkt_xl/nightly/run.py", "load_plan_cached"),
    "scan_inbox": ("tdkt_xl/consolidation/inbox.py", "scan_inbox"),
    "ledger_current_files": ("tdkt_xl/nightly/ledger.py", "current_files"),
    "sha256_of": ("tdkt_xl/nightly/run.py", "sha256_of"),
    "read_many": ("tdkt_xl/intake/worker_pool.py", "read_many"),
    "ledger_record": ("tdkt_xl/nightly/ledger.py", "record"),
    "ledger_scanned": ("tdkt_xl/nightly/ledger.py", "scanned"),
    "rebuild": ("tdkt_xl/nightly/rebuild.py", "rebuild"),
    "rebuild_cache_read": ("tdkt_xl/nightly/rebuild.py", "read"),
    "rebuild_update_changed_units": ("tdkt_xl/nightly/rebuild.py", "_update"),
    "rebuild_whole_from_ledger": ("tdkt_xl/nightly/rebuild.py", "_whole"),
    "ledger_current_versions": ("tdkt_xl/nightly/ledger.py", "current_versions"),
    "ledger_stats_totals": ("tdkt_xl/nightly/ledger.py", "stats_totals"),
    "master_sheets": ("tdkt_xl/nightly/rebuild.py", "sheets"),
    "save_master": ("tdkt_xl/consolidation/master_package.py", "save_master"),
    "deflated_pieces_keep": ("tdkt_xl/consolidation/master_package.py", "keep"),
    "rebuild_cache_keep": ("tdkt_xl/nightly/rebuild.py", "keep"),
    "ledger_finish_run": ("tdkt_xl/nightly/ledger.py", "finish_run"),
}

Totals = dict[str, dict[int, int]]


# --- the working inbox ------------------------------------------------------------------


@dataclass
class Work:
    """A fresh working folder for one size: a copy of the cached inbox, a state, a master."""

    root: Path
    data: bc.Data

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def state(self) -> Path:
        return self.root / "state" / "ledger.sqlite"

    @property
    def master(self) -> Path:
        return self.root / "out" / "tong_hop.xlsx"

    def files(self) -> list[Path]:
        return sorted(self.inbox.glob("*.xlsx"))


def prepare(data: bc.Data, root: Path, base_time: float) -> Work:
    """Copy the cached reports (never touched: changes are made to the copies); times in the past."""
    if root.exists():
        shutil.rmtree(root)
    work = Work(root, data)
    work.inbox.mkdir(parents=True)
    work.state.parent.mkdir()
    work.master.parent.mkdir()
    for index, source in enumerate(sorted(data.inbox.glob("*.xlsx"))):
        target = work.inbox / source.name
        shutil.copyfile(source, target)
        stamp = base_time - index  # distinct times, all in the past
        os.utime(target, (stamp, stamp))
    return work


def change_one_count(path: Path, totals: Totals) -> None:
    """Add 1 to the first year cell of the first form row of "Số liệu"; keep the time in the past."""
    before = path.stat().st_mtime
    book = load_workbook(path)
    stats = book[STATS_SHEET]
    years = {c: v for c in range(2, stats.max_column + 1)
             if isinstance(v := stats.cell(STATS_HEADER_ROW, c).value, int)}
    column, year = next(iter(years.items()))
    for row in range(STATS_HEADER_ROW + 1, stats.max_row + 1):
        name = stats.cell(row, 1).value
        if isinstance(name, str) and name in totals:
            cell = stats.cell(row, column)
            value = cell.value
            if not isinstance(value, int):
                raise SystemExit(f"{path}: {cell.coordinate} holds {value!r}, not a count")
            cell.value = value + 1
            totals[name][year] += 1
            break
    else:
        raise SystemExit(f"{path}: no form row in {STATS_SHEET!r}")
    book.save(path)
    book.close()
    stamp = before + CHANGED_LATER_S
    if stamp >= time.time():
        raise SystemExit("a changed file's time would not be in the past")
    os.utime(path, (stamp, stamp))


def change_share(files: list[Path], count: int, rng: random.Random, exclude: set[Path],
                 totals: Totals) -> list[Path]:
    """Change ``count`` files not in ``exclude`` (each keeps its unit); returns them."""
    chosen = rng.sample([p for p in files if p not in exclude], count)
    for path in chosen:
        change_one_count(path, totals)
    return chosen


def master_totals(master: Path, forms: Totals) -> Totals:
    """The totals in the master's totals sheet (rows of the known forms, year columns)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(master))
    rows = book.get_sheet_by_name(TOTALS_SHEET).to_python()
    book.close()
    header_index = next(i for i, row in enumerate(rows)
                        if any(_as_year(v) is not None for v in row))
    years = {c: y for c, v in enumerate(rows[header_index]) if (y := _as_year(v)) is not None}
    found: Totals = {}
    for row in rows[header_index + 1:]:
        if row and isinstance(row[0], str) and row[0] in forms:
            found[row[0]] = {y: _as_count(row[c]) for c, y in years.items()}
    return found


def _as_count(value: object) -> int:
    if isinstance(value, int | float):
        return int(value)
    return 0 if value in ("", None) else -1  # -1: not a number, never equal to an expected total


def _as_year(value: object) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1900 < value < 2200 else None


# --- one run --------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    exit_code: int
    summary: dict[str, Any]
    stderr: str
    peak_tree_rss_mb: float
    peak_tree_pss_mb: float
    peak_single_rss_mb: float
    ru_maxrss_mb: float
    processes: int
    cpu_seconds: float = 0.0

    def report(self, size: int) -> dict[str, Any]:
        phases: dict[str, float] = self.summary.get("phases", {})
        return {
            "wall_s": round(self.seconds, 3),
            "cpu_s": round(self.cpu_seconds, 3),
            "files_per_s": round(size / self.seconds, 1),
            "phases_s": phases,
            "outside_phases_s": round(self.seconds - sum(phases.values()), 3),
            "counts": self.summary.get("counts", {}),
            "exit_code": self.exit_code,
            "memory_mb": {
                "max_tree_rss_sum": self.peak_tree_rss_mb,
                "max_tree_pss_sum": self.peak_tree_pss_mb,
                "max_single_process_rss": self.peak_single_rss_mb,
                "ru_maxrss": self.ru_maxrss_mb,
                "processes": self.processes,
            },
        }


def run_command(work: Work, workers: int) -> Run:
    """``python -m tdkt_xl nightly … --json`` as a subprocess, its process tree sampled."""
    command = [sys.executable, "-m", "tdkt_xl", "nightly", "--plan", str(work.data.plan),
               "--inbox", str(work.inbox), "--out", str(work.master), "--state", str(work.state),
               "--fresh-seconds", "0", "--workers", str(workers), "--json"]
    done = bc.run_sampled(command)
    sampler = done.sampler
    return Run(done.seconds, done.exit_code, done.summary, done.stderr, bc._mb(sampler.max_sum_kb),
               bc._mb(sampler.max_pss_sum_kb), bc._mb(sampler.max_single_kb), bc._mb(done.ru_maxrss_kb),
               sampler.max_processes, done.cpu_seconds)


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time (its phases and memory are reported with it)."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    chosen = ordered[(len(ordered) - 1) // 2]
    peak = max(runs, key=lambda r: r.peak_tree_rss_mb)
    return Run(statistics.median(r.seconds for r in runs), chosen.exit_code, chosen.summary, chosen.stderr,
               peak.peak_tree_rss_mb, max(r.peak_tree_pss_mb for r in runs),
               max(r.peak_single_rss_mb for r in runs), max(r.ru_maxrss_mb for r in runs),
               max(r.processes for r in runs), chosen.cpu_seconds)


# --- the in-process profile -------------------------------------------------------------


def profiled_run(work: Work, workers: int) -> tuple[float, dict[str, Any], dict[str, float], str]:
    """A nightly run in this process under cProfile: wall, phases, named functions, top table."""
    settings = NightlySettings(plan=work.data.plan, inbox=work.inbox, out=work.master, state=work.state,
                               fresh_seconds=0, workers=workers)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    summary = run_nightly(settings)
    profiler.disable()
    seconds = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    named: dict[str, float] = {}
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for label, (module, function) in PROFILED.items():
        total = sum(entry[3] for (file, _line, name), entry in table.items()
                    if name == function and file.replace(os.sep, "/").endswith(module))
        named[label] = round(total, 3)
    sqlite = sum(entry[2] for (_file, _line, name), entry in table.items()
                 if "sqlite3." in name and ("execute" in name or "commit" in name or "fetch" in name))
    named["sqlite_calls_own_time"] = round(sqlite, 3)
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(PROFILE_LINES)
    info = {"wall_s": round(seconds, 3), "phases_s": summary.phases, "counts": summary.counts(),
            "exit_code": summary.exit_code}
    return seconds, info, named, buffer.getvalue()


# --- one size ---------------------------------------------------------------------------


def measure(files: int, args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    data_root = args.data / f"files_{files}"
    started = time.perf_counter()
    print(f"[{files}] generating or reusing {data_root} …", file=sys.stderr, flush=True)
    data = bc.generate(data_root, files, args.workers)
    expected: Totals = {form: dict(years) for form, years in data.totals.items()}
    print(f"[{files}] data ready in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)

    base_time = time.time() - PAST_S
    rng = random.Random(f"{bc.SEED}:nightly:{files}")
    changed_count = max(1, round(files * CHANGED_SHARE))
    # Rounds: each a full run on a fresh copy and a new ledger, an unchanged run, then a run where
    # a different 1% changed, close in time, so that the machine's drift (±30% within the hour
    # here) weighs on both sides of each round's ratio alike.
    full_runs: list[Run] = []
    unchanged_runs: list[Run] = []
    one_percent_runs: list[Run] = []
    change_s: list[float] = []
    pairs: list[float] = []
    work: Work | None = None
    full_totals_ok = one_percent_totals_ok = True
    for attempt in range(args.repeat):
        start = time.perf_counter()
        work = prepare(data, args.work / f"nightly_{files}", base_time)
        copy_s = time.perf_counter() - start
        print(f"[{files}] inbox copied in {copy_s:.1f}s; round {attempt + 1}/{args.repeat}: full run …",
              file=sys.stderr, flush=True)
        full_runs.append(run_command(work, args.workers))
        full_totals_ok = full_totals_ok and master_totals(work.master, expected) == expected
        print(f"[{files}] unchanged run …", file=sys.stderr, flush=True)
        unchanged_runs.append(run_command(work, args.workers))
        start = time.perf_counter()
        totals = {form: dict(years) for form, years in expected.items()}  # this round's copy
        change_share(work.files(), changed_count, rng, set(), totals)
        change_s.append(time.perf_counter() - start)
        print(f"[{files}] {changed_count} files changed in {change_s[-1]:.1f}s; 1% run …", file=sys.stderr,
              flush=True)
        one_percent_runs.append(run_command(work, args.workers))
        one_percent_totals_ok = one_percent_totals_ok and master_totals(work.master, totals) == totals
        pairs.append(round(one_percent_runs[-1].seconds / full_runs[-1].seconds, 4))
    assert work is not None
    full = median_run(full_runs)
    unchanged = median_run(unchanged_runs)
    one_percent = median_run(one_percent_runs)
    paths = work.files()
    changed: set[Path] = set()  # (the last round's changes are its own: a profiled run changes others)
    result: dict[str, Any] = {
        "files": files,
        "changed_files": changed_count,
        "generation_s": round(data.generation_s, 1) if data.generation_s is not None else None,
        "generation_cached_s": data.cached_generation_s,
        "full": full.report(files),
        "unchanged": unchanged.report(files),
        "one_percent": one_percent.report(files),
        "ratio_one_percent_over_full": round(one_percent.seconds / full.seconds, 4),
        # each round's 1% run over its own full run, and their median (the target is judged on it)
        "ratio_one_percent_over_full_each_round": pairs,
        "ratio_one_percent_over_full_median_of_rounds": round(statistics.median(pairs), 4),
        "ratio_unchanged_over_full": round(unchanged.seconds / full.seconds, 4),
        # CPU time (user + system, the command and its reaped workers): the full run keeps both cores
        # busy while the 1% run mostly uses one; the target is judged on wall time
        "ratio_one_percent_over_full_cpu": round(one_percent.cpu_seconds / full.cpu_seconds, 4)
        if full.cpu_seconds else None,
        "peak_memory_mb": max(r.peak_tree_rss_mb for r in (full, unchanged, one_percent)),
        "peak_single_process_mb": max(r.peak_single_rss_mb for r in (full, unchanged, one_percent)),
        "checks": {
            "full_counts_new": full.summary.get("counts", {}).get("new") == files,
            "unchanged_counts_unchanged": unchanged.summary.get("counts", {}).get("unchanged") == files,
            "one_percent_counts_changed":
                one_percent.summary.get("counts", {}).get("changed") == changed_count,
            "no_rejected": all(r.summary.get("counts", {}).get("rejected", 1) == 0
                               for r in (full, unchanged, one_percent)),
            "exit_codes_zero": all(r.exit_code == 0 for r in (full, unchanged, one_percent)),
            "full_master_totals_match": full_totals_ok,
            "one_percent_master_totals_match": one_percent_totals_ok,
        },
    }
    for name, run in (("full", full), ("unchanged", unchanged), ("one_percent", one_percent)):
        if run.exit_code != 0:
            result["checks"][f"{name}_stderr"] = run.stderr
    result["targets"] = {
        "one_percent_at_most_5pct_of_full":
            result["ratio_one_percent_over_full_median_of_rounds"] <= TARGET_RATIO,
        "memory_under_500_mb": result["peak_memory_mb"] < TARGET_PEAK_MB,
    }

    table = ""
    if not args.no_profile:
        change_share(paths, changed_count, rng, changed, totals)
        print(f"[{files}] profiled 1% run in-process …", file=sys.stderr, flush=True)
        _seconds, info, named, table = profiled_run(work, args.workers)
        info["named_functions_cumulative_s"] = named
        info["master_totals_match"] = master_totals(work.master, totals) == totals
        info["note"] = ("cProfile of this process only (the parsing workers are not profiled); "
                        "times inflated by the profiler")
        result["one_percent_profiled_in_process"] = info
    return result, table


def same_plan_memory(files: int, args: argparse.Namespace) -> dict[str, Any]:
    """Is the nightly's memory flat in the number of reports? Full runs (a new ledger each) on the
    first N/10 reports of size N (symlinks) and on all N, with the plan of N in both, so that what
    comes with the plan's units is the same; the two alternate, ``--repeat`` rounds. The ratio of
    the median peaks of the process tree (PSS: pages shared by the forked workers counted once) is
    flat when at most ``FLAT_RATIO``."""
    data = bc.generate(args.data / f"files_{files}", files, args.workers)
    small_inbox = bc.subset_inbox(data, max(1, files // 10))
    peaks: dict[str, list[float]] = {"small": [], "all": []}
    rss: dict[str, list[float]] = {"small": [], "all": []}
    walls: dict[str, list[float]] = {"small": [], "all": []}
    for attempt in range(args.repeat):
        for kind, inbox in (("small", small_inbox), ("all", data.inbox)):
            folder = args.work / f"nightly_same_plan_{files}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            print(f"[{files}] same plan, round {attempt + 1}/{args.repeat}: full run on {kind} …",
                  file=sys.stderr, flush=True)
            done = bc.run_sampled([
                sys.executable, "-m", "tdkt_xl", "nightly", "--plan", str(data.plan), "--inbox", str(inbox),
                "--out", str(folder / "tong_hop.xlsx"), "--state", str(folder / "ledger.sqlite"),
                "--fresh-seconds", "0", "--workers", str(args.workers), "--json"])
            if done.exit_code != 0:
                raise SystemExit(f"nightly failed on {inbox}: {done.stderr[-2000:]}")
            peaks[kind].append(bc._mb(done.sampler.max_pss_sum_kb))
            rss[kind].append(bc._mb(done.sampler.max_sum_kb))
            walls[kind].append(round(done.seconds, 2))
    small, large = statistics.median(peaks["small"]), statistics.median(peaks["all"])
    return {
        "plan_units_from_files": files,
        "reports": [max(1, files // 10), files],
        "max_tree_pss_sum_mb_each_round": peaks,
        "max_tree_rss_sum_mb_each_round": rss,
        "wall_s_each_round": walls,
        "pss_growth_of_medians": round(large / small, 3),
        "flat": large / small <= bc.FLAT_RATIO,
    }


def growth(results: list[dict[str, Any]]) -> dict[str, Any]:
    """How each figure grows from the smallest size to the largest."""
    small, large = results[0], results[-1]
    factor = large["files"] / small["files"]

    def ratio(get: Any) -> float:
        return round(get(large) / get(small), 2) if get(small) else float("nan")

    return {
        "from_files": small["files"],
        "to_files": large["files"],
        "files_factor": factor,
        "full_wall": ratio(lambda r: r["full"]["wall_s"]),
        "unchanged_wall": ratio(lambda r: r["unchanged"]["wall_s"]),
        "one_percent_wall": ratio(lambda r: r["one_percent"]["wall_s"]),
        "peak_memory": ratio(lambda r: r["peak_memory_mb"]),
        "one_percent_phases": {
            phase: ratio(lambda r, p=phase: r["one_percent"]["phases_s"].get(p, 0.0))
            for phase in large["one_percent"]["phases_s"]
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10000,
                        help="number of unit reports (default 10000); --sizes defaults to N/10,N")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated sizes to run, e.g. 1000,10000 (growth from first to last)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (generation and reading)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each kind; the median is kept")
    parser.add_argument("--data", type=Path, default=bc.DEFAULT_DATA,
                        help="cache folder of the generated files (files_N inside; shared with "
                             "bench_consolidate.py)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the working copies, ledgers and masters (default: --data)")
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process cProfile 1%% run")
    parser.add_argument("--same-plan", action="store_true",
                        help="also: full runs on N/10 and on N reports of the largest size's plan, "
                             "alternating (is memory flat in the number of reports?)")
    parser.add_argument("--only-same-plan", action="store_true", help="only the --same-plan measurement")
    args = parser.parse_args()
    sizes = ([int(s) for s in args.sizes.split(",") if s.strip()] if args.sizes
             else sorted({max(100, args.files // 10), args.files}))
    if any(s < 100 for s in sizes):
        parser.error("every size must be at least 100 (1% of it is changed)")
    args.work = args.work or args.data
    # Byte-compile the package as an installed one is (an editable install under
    # PYTHONDONTWRITEBYTECODE would compile every module again in every run).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(tdkt_xl.__file__).parent)],
                   check=True, stdout=subprocess.DEVNULL)

    if args.only_same_plan:
        print(json.dumps({"machine": bc.machine(), "workers": args.workers, "repeat": args.repeat,
                          "same_plan": same_plan_memory(max(sizes), args)}, ensure_ascii=False, indent=2))
        return
    results: list[dict[str, Any]] = []
    tables: list[tuple[int, str]] = []
    for size in sorted(sizes):
        result, table = measure(size, args)
        results.append(result)
        tables.append((size, table))
    output: dict[str, Any] = {
        "machine": bc.machine(),
        "workers": args.workers,
        "repeat": args.repeat,
        "changed_share": CHANGED_SHARE,
        "sample_interval_s": bc.SAMPLE_S,
        "sizes": results,
        "targets": {
            "one_percent_at_most_5pct_of_full": all(r["targets"]["one_percent_at_most_5pct_of_full"]
                                                    for r in results),
            "memory_under_500_mb": all(r["targets"]["memory_under_500_mb"] for r in results),
        },
    }
    if len(results) > 1:
        output["growth"] = growth(results)
    if args.same_plan:
        output["same_plan"] = same_plan_memory(max(sizes), args)
        output["targets"]["memory_flat_in_reports"] = output["same_plan"]["flat"]
    print(json.dumps(output, ensure_ascii=False, indent=2))
    for size, table in tables:
        if table:
            print(f"=== {size} files: 1% run in-process, cProfile top {PROFILE_LINES} cumulative ===",
                  file=sys.stderr)
            print(table, file=sys.stderr)


if __name__ == "__main__":
    main()
