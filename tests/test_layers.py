"""The pure core works on plain values: importing it loads no spreadsheet library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORE = ["tdkt_xl", "tdkt_xl.plans.deadlines", "tdkt_xl.plans.lunar_calendar", "tdkt_xl.plans.text",
        "tdkt_xl.plans.units", "tdkt_xl.errors", "tdkt_xl.plans.models", "tdkt_xl.plans.reader",
        "tdkt_xl.plans.status", "tdkt_xl.plans.grids", "tdkt_xl.consolidation.aggregate",
        "tdkt_xl.plans.commendation_forms", "tdkt_xl.reports.layout", "tdkt_xl.nightly.ledger"]
ADAPTER_LIBRARIES = ["openpyxl", "xlwings", "python_calamine", "pandas", "numpy"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_spreadsheet_library(module: str) -> None:
    code = (f"import sys, json, {module}\n"
            f"print(json.dumps(sorted(m for m in {ADAPTER_LIBRARIES!r} if m in sys.modules)))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == []


def test_load_plan_still_reads_a_file_through_the_adapter() -> None:
    sample = Path(__file__).resolve().parents[1] / "workbooks" / "ke_hoach_mau.xlsx"
    code = ("import sys, tdkt_xl\n"
            f"plan = tdkt_xl.load_plan({str(sample)!r})\n"
            "print(len(plan.tasks) > 0, 'openpyxl' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["True", "True"]


@pytest.mark.parametrize("module", ["tdkt_xl.cli", "tdkt_xl.nightly.run", "tdkt_xl.nightly.rebuild",
                                    "tdkt_xl.consolidation.master"])
def test_the_command_line_and_the_nightly_merge_start_without_openpyxl(module: str) -> None:
    """openpyxl (and numpy, which it loads) take a quarter of a second to import: the commands
    import them when they read or write a workbook with them, not at start (a nightly run with
    nothing new to read needs neither)."""
    code = (f"import sys, json, {module}\n"
            f"print(json.dumps(sorted(m for m in {ADAPTER_LIBRARIES!r} if m in sys.modules)))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == []
