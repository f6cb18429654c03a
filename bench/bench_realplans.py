"""The real plan workbooks of ``../shared/realplans/``: what the reader makes of each, and how long
it takes against a baseline in the same run.

For each workbook: the tasks read, the problems by severity and code, and the time of
``load_plan`` as a ratio to openpyxl opening the same file (the floor for anything that reads it
with styles and merged cells). Rounds alternate between the workbooks and the baseline; the
median and the spread of the rounds are given. Prints a Markdown table (``--json`` for JSON).

    python bench/bench_realplans.py [--folder ../shared/realplans] [--rounds 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tdkt_xl import load_plan

DEFAULT_FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "realplans"


def _seconds(action: Any) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _baseline(path: Path) -> None:
    load_workbook(path).close()


def measure(path: Path, rounds: int) -> dict[str, Any]:
    """One workbook: what is read, and the time of reading it against the baseline."""
    plan = load_plan(path)
    ratios, seconds = [], []
    for _ in range(rounds):
        base = _seconds(lambda: _baseline(path))
        read = _seconds(lambda: load_plan(path))
        ratios.append(read / base)
        seconds.append(read)
    codes = Counter(f"{p.severity}:{p.code}" for p in plan.problems)
    return {
        "file": path.name,
        "tasks": len(plan.tasks),
        "sheets": {sheet.name: len(sheet.tasks) for sheet in plan.sheets},
        "valid": plan.valid,
        "errors": sum(1 for p in plan.problems if p.severity == "error"),
        "warnings": sum(1 for p in plan.problems if p.severity == "warning"),
        "problems": dict(sorted(codes.items())),
        "read_ms_median": round(statistics.median(seconds) * 1000, 1),
        "ratio_median": round(statistics.median(ratios), 2),
        "ratio_spread": [round(min(ratios), 2), round(max(ratios), 2)],
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| workbook | tasks | valid | errors | warnings | problems | read (ms) | × openpyxl open |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        problems = ", ".join(f"{code} {n}" for code, n in row["problems"].items()) or "none"
        spread = "–".join(str(x) for x in row["ratio_spread"])
        lines.append(f"| `{row['file']}` | {row['tasks']} | {'yes' if row['valid'] else 'no'} | "
                     f"{row['errors']} | {row['warnings']} | {problems} | {row['read_ms_median']} | "
                     f"{row['ratio_median']} ({spread}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    files = sorted(args.folder.glob("*.xlsx"))
    if not files:
        print(f"No workbook in {args.folder}", file=sys.stderr)
        return 2
    rows = [measure(path, args.rounds) for path in files]
    print(json.dumps(rows, ensure_ascii=False, indent=1) if args.json else markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
