"""tdkt_xl: plans, deadlines and report consolidation for thi đua – khen thưởng work in Excel.

>>> from tdkt_xl import parse_deadline
>>> parse_deadline("Trước ngày 15/6", 2024).due
datetime.date(2024, 6, 15)
"""

from tdkt_xl.errors import Problem, ProblemLog
from tdkt_xl.intake.plan_workbook import load_plan, validate
from tdkt_xl.plans.deadlines import Deadline, parse_deadline, quarter_bounds, quarter_of
from tdkt_xl.plans.grids import ExcelError, Grid
from tdkt_xl.plans.models import Plan, PlanConfig, Section, Task, TaskSheet
from tdkt_xl.plans.reader import read_plan
from tdkt_xl.plans.status import Status, TaskStatus, plan_status, task_status
from tdkt_xl.plans.units import Unit, UnitDirectory, UnitRef

__version__ = "0.1.0"

__all__ = [
    "Deadline",
    "ExcelError",
    "Grid",
    "Plan",
    "PlanConfig",
    "Problem",
    "ProblemLog",
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
    "task_status",
    "validate",
]
