"""The consolidated data as tidy pandas tables, for analysts who work in Jupyter (issue 17).

:func:`read_results` reads the plan and its units' reports (from the inbox, or the nightly ledger
without reading the inbox again: :mod:`tdkt_xl.documents.sources`) and gives a :class:`Results`
of four DataFrames, one observation a row:

``counts``
    unit × form × year: ``unit_code``, ``unit_name``, ``form``, ``level``, ``year``, ``count`` —
    every form and year of the plan for each unit whose report is used (0 where it gave none).
``progress``
    task × unit: ``task_key``, ``task_number``, ``task``, ``task_status``, ``unit_code``,
    ``unit_name``, ``role``, ``status``, ``completed_on``, ``result``, ``difficulties``, ``note``
    — every unit the plan gives a task to, with what its report says (blank when nothing).
``submissions``
    one row per unit: ``unit_code``, ``unit_name``, ``state`` (missing, late, on_time, submitted),
    ``state_label`` (as the master words it), ``file``, ``submitted_on`` ("Ngày lập", else the
    file's date), ``modified``, ``problems``, ``proposals`` ("Kiến nghị, đề xuất"), ``reason``.
``problems``
    the rejected files and the cell problems of the reports: ``file``, ``sheet``, ``cell``,
    ``code``, ``severity``, ``message``, ``unit_code``.

Codes, names, forms, levels and states are categoricals (forms and levels in the plan's order),
dates are ``datetime64``, counts integers. The counts summed by form and year are the master's
totals (:attr:`~tdkt_xl.consolidation.aggregate.Consolidation.totals`).

>>> from tdkt_xl.consolidation.aggregate import consolidate
>>> from tdkt_xl.intake.unit_report import UnitReport
>>> from tdkt_xl.plans.models import CommendationForm, Plan, PlanConfig
>>> from tdkt_xl.plans.units import Unit
>>> plan = Plan(year=2024, units=[Unit(code="A", name="Sở A"), Unit(code="B", name="Sở B")],
...             config=PlanConfig(stats_from=2022, stats_to=2023),
...             forms=[CommendationForm(level="Cấp Nhà nước", name="Huân chương Lao động hạng Ba")])
>>> report = UnitReport(file="A.xlsx", unit_code="A", stats={"Huân chương Lao động hạng Ba": {2023: 4}})
>>> results = results_tables(plan, consolidate(plan, [report], [], as_of=date(2024, 7, 1)))
>>> results.counts[["unit_code", "year", "count"]].to_dict("records")
[{'unit_code': 'A', 'year': 2022, 'count': 0}, {'unit_code': 'A', 'year': 2023, 'count': 4}]
>>> results.submissions.set_index("unit_code")["state_label"].to_dict()
{'B': 'Chưa nộp', 'A': 'Đã nộp'}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # (pandas-stubs is not a dependency)

from tdkt_xl.consolidation.aggregate import STATE_LABELS, Consolidation
from tdkt_xl.documents.sources import consolidation_for, load_consolidation
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import Status
from tdkt_xl.reports.layout import PROGRESS_CHOICES, ROLE_LEAD, ROLE_PARTNER

__all__ = ["Results", "read_results", "results_tables"]

COUNTS_COLUMNS = ("unit_code", "unit_name", "form", "level", "year", "count")
PROGRESS_COLUMNS = ("task_key", "task_number", "task", "task_status", "unit_code", "unit_name", "role",
                    "status", "completed_on", "result", "difficulties", "note")
SUBMISSIONS_COLUMNS = ("unit_code", "unit_name", "state", "state_label", "file", "submitted_on", "modified",
                       "problems", "proposals", "reason")
PROBLEMS_COLUMNS = ("file", "sheet", "cell", "code", "severity", "message", "unit_code")


@dataclass(frozen=True)
class Results:
    """The consolidated data as tidy DataFrames (see the module's description of each)."""

    counts: pd.DataFrame
    progress: pd.DataFrame
    submissions: pd.DataFrame
    problems: pd.DataFrame
    as_of: date


def _categories(values: Iterable[str]) -> list[str]:
    """The distinct values in order of first appearance."""
    return list(dict.fromkeys(values))


def _frame(rows: Sequence[tuple[Any, ...]], columns: Sequence[str], types: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    return frame.astype(types) if types else frame


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


def _counts(plan: Plan, result: Consolidation, unit_codes: pd.CategoricalDtype) -> pd.DataFrame:
    names = {u.code: u.name for u in plan.units or []}
    rows = [(report.unit_code, names.get(report.unit_code, report.unit_name), form.name, form.level, year,
             report.stats.get(form.name, {}).get(year, 0))
            for report in sorted(result.reports, key=lambda r: r.unit_code)
            for form in result.forms for year in result.years]
    return _frame(rows, COUNTS_COLUMNS, {
        "unit_code": unit_codes, "unit_name": "category",
        "form": pd.CategoricalDtype(_categories(f.name for f in result.forms), ordered=True),
        "level": pd.CategoricalDtype(_categories(f.level for f in result.forms), ordered=True),
        "year": "int64", "count": "int64"})


def _progress(plan: Plan, result: Consolidation, unit_codes: pd.CategoricalDtype) -> pd.DataFrame:
    names = {u.code: u.name for u in plan.units or []}
    rows = []
    for progress in result.tasks:
        task = progress.task
        leads = {ref.code for ref in task.lead}
        for ref in task.units:
            if not ref.code:
                continue
            entry = progress.entries.get(ref.code)
            role = entry.role if entry is not None and entry.role else \
                (ROLE_LEAD if ref.code in leads else ROLE_PARTNER)
            rows.append((task.code, task.number, task.content, progress.status.value, ref.code,
                         names.get(ref.code, ref.label), role, entry.status if entry else None,
                         entry.completed_on if entry else None, entry.result if entry else "",
                         entry.difficulties if entry else "", entry.note if entry else ""))
    frame = _frame(rows, PROGRESS_COLUMNS, {
        "task_key": pd.CategoricalDtype(_categories(t.task.code for t in result.tasks), ordered=True),
        "task_status": pd.CategoricalDtype([s.value for s in Status]),
        "unit_code": pd.CategoricalDtype(_categories([*unit_codes.categories,
                                                      *(row[4] for row in rows)])),
        "unit_name": "category", "role": pd.CategoricalDtype([ROLE_LEAD, ROLE_PARTNER]),
        "status": pd.CategoricalDtype(list(PROGRESS_CHOICES))})
    frame["completed_on"] = _dates(frame["completed_on"])
    return frame


def _rejected_by_unit(result: Consolidation) -> dict[str, tuple[str, str]]:
    """Each unit's last rejected file (by name) with why, for the units the rejection names."""
    return {f.unit_code: (f.file, f.reason) for f in sorted(result.rejected, key=lambda f: f.file)
            if f.unit_code}


def _submissions(result: Consolidation, unit_codes: pd.CategoricalDtype) -> pd.DataFrame:
    rejected = _rejected_by_unit(result)
    rows = []
    for submission in result.submissions:
        unit, report = submission.unit, submission.report
        if report is not None:
            file, reason = report.file, ""
        else:
            file, reason = rejected.get(unit.code, ("", ""))
        rows.append((unit.code, unit.name, submission.state, submission.label, file,
                     report.submitted_on if report else None, report.modified if report else None,
                     len(report.problems) if report else 0, report.proposals if report else "", reason))
    frame = _frame(rows, SUBMISSIONS_COLUMNS, {
        "unit_code": unit_codes, "unit_name": "category",
        "state": pd.CategoricalDtype(list(STATE_LABELS)),
        "state_label": pd.CategoricalDtype(list(STATE_LABELS.values())), "problems": "int64"})
    frame["submitted_on"] = _dates(frame["submitted_on"])
    frame["modified"] = _dates(frame["modified"].map(lambda t: t.replace(tzinfo=None) if t else None))
    return frame


def _problems(result: Consolidation) -> pd.DataFrame:
    by_file = {f.file: f.unit_code for f in result.files}
    rows: list[tuple[Any, ...]] = [(f.file, None, None, f.code, "error", f.reason, f.unit_code)
                                   for f in result.rejected]
    rows += [(p.file or "", p.sheet, p.cell, p.code, p.severity, p.message, by_file.get(p.file or ""))
             for p in result.problems]
    return _frame(rows, PROBLEMS_COLUMNS, {"code": "category", "unit_code": "category",
                                           "severity": pd.CategoricalDtype(["error", "warning"])})


def results_tables(plan: Plan, result: Consolidation) -> Results:
    """The tidy tables of a consolidation of ``plan`` (see the module)."""
    unit_codes = pd.CategoricalDtype(_categories(u.code for u in plan.units or [] if not u.is_group))
    return Results(_counts(plan, result, unit_codes), _progress(plan, result, unit_codes),
                   _submissions(result, unit_codes), _problems(result), result.as_of)


def read_results(plan: Plan | Path | str, inbox: Path | str | None = None, state: Path | str | None = None,
                 as_of: date | None = None, *, workers: int = 2, timeout_s: float = 60) -> Results:
    """The consolidated data of ``plan`` (a plan workbook's path, or a plan already read) as tidy
    DataFrames: from the ``inbox`` folder, or from the nightly ledger ``state`` without reading the
    inbox again. Nothing is written; refusals are
    :class:`~tdkt_xl.documents.sources.ResultsUnavailable` (Vietnamese, naming the file).

    >>> import tdkt_xl
    >>> results = tdkt_xl.read_results("ke_hoach.xlsx", inbox="hop_thu")  # doctest: +SKIP
    >>> results.counts.pivot_table(index="year", columns="level", values="count",
    ...                            aggfunc="sum")  # doctest: +SKIP
    """
    inbox_path = Path(inbox) if inbox is not None else None
    state_path = Path(state) if state is not None else None
    if isinstance(plan, Plan):
        result = consolidation_for(plan, inbox=inbox_path, state=state_path, as_of=as_of, workers=workers,
                                   timeout_s=timeout_s)
        return results_tables(plan, result)
    loaded = load_consolidation(Path(plan), inbox=inbox_path, state=state_path, as_of=as_of, workers=workers,
                                timeout_s=timeout_s)
    return results_tables(loaded.plan, loaded.consolidation)
