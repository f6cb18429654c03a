"""Plan workbooks on disk: load, validate, report. The glue between the openpyxl adapter and the core."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tdkt_xl.collector import collector_paused
from tdkt_xl.intake.calamine_grids import check_plan_file, read_plan_grids
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.reader import read_plan


def load_plan(
    path: str | Path, *, year: int | None = None, today: date | None = None,
    fail_fast: bool = False,
) -> Plan:
    """Read and check the plan workbook at ``path``.

    Raises :class:`tdkt_xl.intake.file_formats.WorkbookError` (a Vietnamese message) when the
    file cannot be opened at all; every other problem is in ``plan.problems``.

    >>> plan = load_plan("workbooks/ke_hoach_mau.xlsx")  # doctest: +SKIP
    >>> plan.valid, len(plan.tasks)  # doctest: +SKIP
    (True, 37)
    """
    source = Path(path)
    with collector_paused():  # (a large plan: hundreds of thousands of small objects, no cycle)
        return read_plan(read_plan_file(source), file=str(path), year=year, today=today,
                         fail_fast=fail_fast)


def read_plan_file(path: Path) -> list[Grid]:
    """The grids of the plan workbook at ``path``: the values read by python-calamine and the layout
    from the XML (:mod:`tdkt_xl.intake.calamine_grids`), else by openpyxl (a file that reader
    leaves to it). Raises :class:`~tdkt_xl.intake.file_formats.WorkbookError` as :func:`load_plan`."""
    check_plan_file(path)
    grids = read_plan_grids(path)
    if grids is not None:
        return grids
    from tdkt_xl.intake.openpyxl_grids import read_grids  # importing tdkt_xl alone does not load openpyxl

    return read_grids(path)


def validate(path: str | Path, *, year: int | None = None) -> dict[str, Any]:
    """The validation report of a plan workbook as the JSON-ready dict ``validate --json`` prints."""
    plan = load_plan(path, year=year)
    return validation_report(plan)


def validation_report(plan: Plan) -> dict[str, Any]:
    """``{"file", "valid", "sheets": {NAME: {"tasks": N}}, "issues": [...]}`` for a plan."""
    return {
        "file": plan.file,
        "valid": plan.valid,
        "sheets": {sheet.name: {"tasks": len(sheet.tasks)} for sheet in plan.sheets},
        "issues": [p.as_json() for p in plan.problems],
    }
