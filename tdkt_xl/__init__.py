"""tdkt_xl: plans, deadlines and report consolidation for thi đua – khen thưởng work in Excel.

>>> from tdkt_xl import parse_deadline
>>> parse_deadline("Trước ngày 15/6", 2024).due
datetime.date(2024, 6, 15)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tdkt_xl.errors import Problem, ProblemLog
    from tdkt_xl.intake.plan_workbook import load_plan, validate
    from tdkt_xl.plans.deadlines import Deadline, parse_deadline, quarter_bounds, quarter_of
    from tdkt_xl.plans.grids import ExcelError, Grid
    from tdkt_xl.plans.models import Plan, PlanConfig, Section, Task, TaskSheet
    from tdkt_xl.plans.reader import read_plan
    from tdkt_xl.plans.status import Status, TaskStatus, plan_status, task_status
    from tdkt_xl.plans.units import Unit, UnitDirectory, UnitRef

# Each name is imported from its module on first use: ``import tdkt_xl.excel.handlers`` (every
# button press of the add-in starts a Python) or ``tdkt_xl.cli`` then load only what they use.
_MODULES = {
    "tdkt_xl.errors": ("Problem", "ProblemLog"),
    "tdkt_xl.intake.plan_workbook": ("load_plan", "validate"),
    "tdkt_xl.plans.deadlines": ("Deadline", "parse_deadline", "quarter_bounds", "quarter_of"),
    "tdkt_xl.plans.grids": ("ExcelError", "Grid"),
    "tdkt_xl.plans.models": ("Plan", "PlanConfig", "Section", "Task", "TaskSheet"),
    "tdkt_xl.plans.reader": ("read_plan",),
    "tdkt_xl.plans.status": ("Status", "TaskStatus", "plan_status", "task_status"),
    "tdkt_xl.plans.units": ("Unit", "UnitDirectory", "UnitRef"),
    # issue 17, for analysts (pandas is loaded then, not by ``import tdkt_xl``)
    "tdkt_xl.documents.tables": ("Results", "read_results"),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tdkt_xl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = "0.1.0"

__all__ = [
    "Deadline",
    "ExcelError",
    "Grid",
    "Plan",
    "PlanConfig",
    "Problem",
    "ProblemLog",
    "Results",
    "Section",
    "Status",
    "Task",
    "TaskSheet",
    "TaskStatus",
    "Unit",
    "UnitDirectory",
    "UnitRef",
    "__version__",
    "load_plan",
    "parse_deadline",
    "plan_status",
    "quarter_bounds",
    "quarter_of",
    "read_plan",
    "read_results",
    "task_status",
    "validate",
]
