"""Where the documents and the analysts' tables get the consolidated data: the inbox read as
``tdkt-xl consolidate`` reads it, or the nightly ledger without reading the inbox again.

>>> from pathlib import Path
>>> loaded = load_consolidation(Path("ke_hoach.xlsx"), inbox=Path("hop_thu"))  # doctest: +SKIP
>>> loaded.consolidation.totals["Huân chương Lao động hạng Ba"][2023]  # doctest: +SKIP
12

Every refusal is a :class:`~tdkt_xl.nightly.from_ledger.ResultsUnavailable` (a
:class:`~tdkt_xl.errors.TdktError` with a registered ``code`` and a Vietnamese message naming the
file), or the :class:`~tdkt_xl.intake.file_formats.WorkbookError` of a plan that cannot be opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.errors import Code, InvalidValue, Problem
from tdkt_xl.intake.inbox_entries import unreadable_entry
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.nightly.from_ledger import ResultsUnavailable, consolidation_from_ledger
from tdkt_xl.plans.models import Plan

__all__ = ["LoadedResults", "ResultsUnavailable", "consolidation_for", "load_consolidation"]

Source = Literal["inbox", "ledger"]


@dataclass(frozen=True)
class LoadedResults:
    """A plan, its problems, and the consolidation of its units' reports.

    ``source``: read from the inbox or the nightly ledger; ``path``: that folder or file.
    """

    plan: Plan
    consolidation: Consolidation
    source: Source
    path: Path
    problems: tuple[Problem, ...] = field(default=())


def _refuse_what_is_not_a_plan(plan: Plan, path: Path) -> None:
    """A master or a unit report given as the plan (tdkt_xl.plans.workbook_kind): refused."""
    for problem in plan.problems:
        if problem.code == Code.NOT_A_PLAN:
            raise ResultsUnavailable(problem.code, f"{problem.where() or path}: {problem.message}")


def consolidation_for(plan: Plan, *, inbox: Path | None = None, state: Path | None = None,
                      as_of: date | None = None, workers: int = 2, timeout_s: float = 60) -> Consolidation:
    """The consolidation of ``plan``: from the nightly ledger at ``state`` when given (the inbox
    is then not read), else from the ``inbox`` folder as ``tdkt-xl consolidate`` reads it (each
    file read in a worker process, ``workers`` at a time, at most ``timeout_s`` seconds each).
    Nothing is written. ``as_of``: the day statuses are computed on (default: the plan's "Ngày
    tính", else today in Việt Nam).
    """
    if state is not None:
        return consolidation_from_ledger(plan, state, as_of=as_of)
    if inbox is None:
        raise InvalidValue("Cần chỉ ra hộp thư (thư mục chứa báo cáo của các đơn vị) hoặc sổ cái của lần "
                           "tổng hợp hằng đêm.")
    from tdkt_xl.consolidation.inbox import consolidate_inbox  # (the reading processes' machinery)

    try:
        return consolidate_inbox(plan, inbox, as_of=as_of, workers=workers, timeout_s=timeout_s)
    except OSError as error:  # the inbox folder itself: missing, not a folder, not readable
        skipped = unreadable_entry(error, folder=True)
        raise ResultsUnavailable(skipped.code, f"Hộp thư {inbox}: {skipped.reason}") from None


def load_consolidation(plan_path: Path, *, inbox: Path | None = None, state: Path | None = None,
                       as_of: date | None = None, workers: int = 2, timeout_s: float = 60) -> LoadedResults:
    """Read the plan workbook at ``plan_path`` and consolidate its units' reports, from the
    ``inbox`` or, with ``state``, from the nightly ledger (see :func:`consolidation_for`).

    The plan's problems come with it (a plan with errors still gives what can be read); a
    workbook that is a master or a unit report, not a plan, is refused.
    """
    plan = load_plan(plan_path)
    _refuse_what_is_not_a_plan(plan, plan_path)
    result = consolidation_for(plan, inbox=inbox, state=state, as_of=as_of, workers=workers,
                               timeout_s=timeout_s)
    source: Source = "ledger" if state is not None else "inbox"
    path = state if state is not None else inbox
    assert path is not None  # (consolidation_for refused neither)
    return LoadedResults(plan, result, source, path, tuple(plan.problems))
