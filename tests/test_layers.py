"""The pure core works on plain values: importing it loads no spreadsheet library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORE = ["tdkt_xl", "tdkt_xl.deadline", "tdkt_xl.lunar", "tdkt_xl.text", "tdkt_xl.units",
        "tdkt_xl.problems", "tdkt_xl.models", "tdkt_xl.plan", "tdkt_xl.status", "tdkt_xl.sheets",
        "tdkt_xl.consolidate", "tdkt_xl.forms", "tdkt_xl.report_layout", "tdkt_xl.ledger"]
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
