"""tdkt_xl: plans, deadlines and report consolidation for thi đua – khen thưởng work in Excel.

>>> from tdkt_xl import parse_deadline
>>> parse_deadline("Trước ngày 15/6", 2024).due
datetime.date(2024, 6, 15)
"""

from typing import Any

from tdkt_xl.errors import Problem, ProblemLog
from tdkt_xl.intake.plan_workbook import load_plan, validate
from tdkt_xl.plans.deadlines import Deadline, parse_deadline, quarter_bounds, quarter_of
from tdkt_xl.plans.grids import ExcelError, Grid
from tdkt_xl.plans.models import Plan, PlanConfig, Section, Task, TaskSheet
from tdkt_xl.plans.reader import read_plan
from tdkt_xl.plans.status import Status, TaskStatus, plan_status, task_status
from tdkt_xl.plans.units import Unit, UnitDirectory, UnitRef

__version__ = "0.1.0"

# issue 17, for analysts: imported when first used, so that ``import tdkt_xl`` does not load pandas
# (and a stage below the documents that imports tdkt_xl does not import them)
_LAZY = {"read_results": "tdkt_xl.documents.tables", "Results": "tdkt_xl.documents.tables"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tdkt_xl' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
