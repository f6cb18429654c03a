"""Read a plan (Phụ lục, Phân công, Đơn vị, Cấu hình) from grids and check it.

Pure: takes :class:`~tdkt_xl.plans.grids.Grid` objects, returns a
:class:`~tdkt_xl.plans.models.Plan` with every problem found. The openpyxl adapter
is in :mod:`tdkt_xl.excel.status_copy`.

:func:`read_plan` is a sequence of steps: the Cấu hình sheet
(:mod:`~tdkt_xl.plans.plan_config`), the unit list (:mod:`~tdkt_xl.plans.unit_list`),
the task tables found, chosen and reported here, then each read by
:class:`~tdkt_xl.plans.task_sheet.TaskSheetReader`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from tdkt_xl.errors import Code, ProblemLog, column_letter
from tdkt_xl.plans.commendation_forms import read_forms
from tdkt_xl.plans.grids import (
    FIELD_LABELS,
    HEADER_SCAN_ROWS,
    REQUIRED_FIELDS,
    Grid,
    HeaderMatch,
    SheetRole,
    available,
    find_header,
    header_candidates,
    role_by_name,
    seen_labels,
)
from tdkt_xl.plans.models import CommendationForm, Plan, PlanConfig, SheetKind, TaskSheet
from tdkt_xl.plans.outline_sheet import read_outline_lines
from tdkt_xl.plans.plan_config import issue_date, read_config
from tdkt_xl.plans.task_sheet import TaskSheetReader
from tdkt_xl.plans.text import fold_words
from tdkt_xl.plans.unit_list import read_units
from tdkt_xl.plans.units import Unit, UnitDirectory
from tdkt_xl.plans.workbook_kind import other_workbook

_TITLE_YEAR = re.compile(r"\bnam\s+((?:19|20|21)\d\d)\b")

_HIDDEN_SKIPPED = " nên không được đọc (thường là bản cũ); hãy bỏ ẩn sheet nếu đây là bảng nhiệm vụ đang dùng"
_HIDDEN_READ = " nhưng vẫn được đọc vì không có bảng nhiệm vụ nào khác đang hiện"


def title_year(grid: Grid, header_row: int) -> int | None:
    """The latest year named in the title lines above a table ("… NĂM 2024")."""
    years: list[int] = []
    for row in range(1, header_row):
        for column in range(1, grid.max_column + 1):
            years.extend(int(y) for y in _TITLE_YEAR.findall(fold_words(grid.text(row, column))))
    return max(years) if years else None


# --- the whole plan ----------------------------------------------------------


def read_plan(
    grids: Sequence[Grid],
    *,
    file: str = "",
    year: int | None = None,
    today: date | None = None,
    fail_fast: bool = False,
) -> Plan:
    """Read and check a plan workbook given as grids (all problems collected).

    ``year`` overrides the plan year; otherwise it comes from Cấu hình, then
    the title lines ("… NĂM 2024"), then the as-of date, then ``today``.

    >>> g = Grid("Phân công", [["TT", "Nội dung", "Đơn vị thực hiện", "Thời gian hoàn thành"],
    ...                        [1, "Hướng dẫn tổng kết", "Phòng III", "Tháng 2"]])
    >>> plan = read_plan([g], year=2024)
    >>> plan.tasks[0].deadline.due
    datetime.date(2024, 2, 29)
    """
    log = ProblemLog(fail_fast=fail_fast)
    names = [g.name for g in grids]
    other = other_workbook(grids)  # a master or a unit report given as a plan: say that alone
    if other is not None:
        log.add(Code.NOT_A_PLAN, file=file, **other.fields())
        return Plan(file=file, sheet_names=names, year=_plan_year(year, PlanConfig(), [], today),
                    problems=log.problems)
    roles = {g.name: role_by_name(g.name) for g in grids}
    config = _read_config_sheet(grids, roles, log, file)
    units = _read_unit_sheet(grids, roles, log, file)
    forms = _read_forms_sheet(grids, roles)
    outline_grid = _sheet_with_role(grids, roles, "outline")
    outline = (read_outline_lines(outline_grid) or None) if outline_grid is not None else None
    directory = UnitDirectory(units) if units is not None else None
    tables = _task_tables(grids, roles, names, log, file)
    titles = [title_year(g, h.row) for g, h, _ in tables]
    plan_year = _plan_year(year, config, titles, today)
    issued = config.issued or next(
        (found for g, h, _ in tables if (found := issue_date(g, h.row)) is not None), None)
    sheets = _read_task_sheets(tables, titles, directory, _Dates(plan_year, issued), log, file)
    config = config.model_copy(update={"year": plan_year, "issued": issued})
    return Plan(file=file, sheet_names=names, sheets=sheets, units=units, config=config,
                forms=forms, outline=outline, year=plan_year, problems=log.problems)


# --- the sheets beside the task tables ---------------------------------------


def _sheet_with_role(grids: Sequence[Grid], roles: dict[str, SheetRole], role: SheetRole) -> Grid | None:
    """The first sheet whose name gives it ``role`` ("config", "units", "forms" …)."""
    return next((grid for grid in grids if roles[grid.name] == role), None)


def _read_config_sheet(grids: Sequence[Grid], roles: dict[str, SheetRole], log: ProblemLog,
                       file: str) -> PlanConfig:
    grid = _sheet_with_role(grids, roles, "config")
    return read_config(grid, log, file) if grid is not None else PlanConfig()


def _read_unit_sheet(grids: Sequence[Grid], roles: dict[str, SheetRole], log: ProblemLog,
                     file: str) -> list[Unit] | None:
    grid = _sheet_with_role(grids, roles, "units")
    units = read_units(grid, log, file) if grid is not None else None
    if units is None:
        log.add(Code.NO_UNIT_LIST, file=file)
    return units


def _read_forms_sheet(grids: Sequence[Grid], roles: dict[str, SheetRole]) -> list[CommendationForm] | None:
    grid = _sheet_with_role(grids, roles, "forms")
    if grid is None:
        return None
    return read_forms(grid) or None  # an unreadable sheet: the default forms


# --- finding the task tables -------------------------------------------------


class _TaskTable(NamedTuple):
    """A sheet with a task table: its header and the kind of table."""

    grid: Grid
    header: HeaderMatch
    kind: SheetKind


@dataclass
class _FoundTables:
    """The task tables found on visible and hidden sheets, and the task sheets without one."""

    visible: list[_TaskTable] = field(default_factory=list)
    hidden: list[_TaskTable] = field(default_factory=list)
    without_header: list[Grid] = field(default_factory=list)
    others: list[Grid] = field(default_factory=list)  # sheets of no task role without a header


def _task_tables(grids: Sequence[Grid], roles: dict[str, SheetRole], names: list[str], log: ProblemLog,
                 file: str) -> list[_TaskTable]:
    """The task tables to read, with what is wrong about them reported."""
    found = _find_task_tables(grids, roles)
    tables = _choose_tables(found, log, file)
    _report_missing_tables(found, tables, names, log, file)
    _report_duplicate_headers(tables, log, file)
    return tables


def _find_task_tables(grids: Sequence[Grid], roles: dict[str, SheetRole]) -> _FoundTables:
    found = _FoundTables()
    for grid in grids:
        role = roles[grid.name]
        if role in ("units", "config", "forms", "outline", "output"):
            continue
        header = find_header(grid)
        if header is None:
            if role in ("phu_luc", "phan_cong") and grid.state == "visible":
                found.without_header.append(grid)
            else:
                found.others.append(grid)
            continue
        table = _TaskTable(grid, header, _sheet_kind(role, header))
        (found.visible if grid.state == "visible" else found.hidden).append(table)
    return found


def _sheet_kind(role: SheetRole, header: HeaderMatch) -> SheetKind:
    """The sheet's kind from its name, else from its columns."""
    kind: SheetKind
    if role in ("phu_luc", "phan_cong"):
        kind = role  # type: ignore[assignment]
    else:
        kind = "phu_luc" if "directing" in header.columns or "deadline" not in header.columns \
            else "phan_cong"
    return kind


def _choose_tables(found: _FoundTables, log: ProblemLog, file: str) -> list[_TaskTable]:
    """The visible tables; the hidden ones only when no visible sheet has one."""
    candidates = found.visible
    # a hidden sheet is an old copy kept aside: read only when no visible sheet has a task table
    for grid, _, _ in found.hidden:
        log.add(Code.HIDDEN_SHEET, sheet=grid.name, file=file,
                action=_HIDDEN_READ if not candidates else _HIDDEN_SKIPPED)
    if not candidates:
        candidates = found.hidden
    return candidates


def _report_missing_tables(found: _FoundTables, candidates: list[_TaskTable], names: list[str],
                           log: ProblemLog, file: str) -> None:
    """A task sheet without a header; no task table at all. Each message names the rows that look
    like a header and the role each lacks, else the short texts seen near the top."""
    expected = ", ".join(f'"{FIELD_LABELS[f]}"' for f in ("number", *REQUIRED_FIELDS))
    for grid in found.without_header:
        near = header_candidates(grid)
        # "Phụ lục 2 - Số liệu" beside the task sheets: a table of another kind, not an error
        log.add(Code.NO_TASK_TABLE if candidates else Code.HEADER_NOT_FOUND, sheet=grid.name, file=file,
                expected=expected, seen="; ".join(near) or available(seen_labels(grid)),
                rows=HEADER_SCAN_ROWS)
    if not candidates and not found.without_header:
        near = [f'sheet "{grid.name}" {text}' for grid in found.others for text in header_candidates(grid)]
        said = f" Dòng gần giống tiêu đề: {'; '.join(near)}." if near else ""
        log.add(Code.SHEET_NOT_FOUND, file=file, expected=expected, sheets=available(names),
                candidates=said)


def _report_duplicate_headers(candidates: list[_TaskTable], log: ProblemLog, file: str) -> None:
    for grid, header, _ in candidates:
        for _, used, ignored in header.duplicates:
            why = f" (cột {column_letter(ignored)} đang ẩn)" if ignored in grid.hidden_columns else ""
            log.add(Code.DUPLICATE_HEADER, sheet=grid.name, row=header.row, column=ignored, file=file,
                    label=header.labels.get(ignored, ""), used=column_letter(used),
                    used_label=header.labels.get(used, ""), why=why)


# --- reading the task tables -------------------------------------------------


def _plan_year(year: int | None, config: PlanConfig, titles: list[int | None], today: date | None) -> int:
    """The year given, else Cấu hình's, else the latest title year, else the as-of date's, else today's."""
    return (year or config.year or max((t for t in titles if t), default=None)
            or (config.as_of.year if config.as_of else None)
            or (today or date.today()).year)


def _code_prefixes(kinds: list[SheetKind]) -> list[str]:
    """The prefix of each sheet's task codes: "PL", "PC"; "PL1", "PL2" … when a kind has several."""
    counts = {k: sum(1 for kk in kinds if kk == k) for k in ("phu_luc", "phan_cong")}
    seen_kinds: dict[str, int] = {}
    prefixes: list[str] = []
    for kind in kinds:
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        prefix = "PL" if kind == "phu_luc" else "PC"
        if counts[kind] > 1:
            prefix += str(seen_kinds[kind])
        prefixes.append(prefix)
    return prefixes


class _Dates(NamedTuple):
    """The plan year, and the plan's issue date when known (relative deadlines count from it)."""

    year: int
    issued: date | None


def _read_task_sheets(tables: list[_TaskTable], titles: list[int | None], directory: UnitDirectory | None,
                      dates: _Dates, log: ProblemLog, file: str) -> list[TaskSheet]:
    prefixes = _code_prefixes([kind for _, _, kind in tables])
    sheets: list[TaskSheet] = []
    for (grid, header, kind), title, prefix in zip(tables, titles, prefixes, strict=True):
        reader = TaskSheetReader(grid=grid, header=header, kind=kind, code_prefix=prefix,
                                 units=directory, year=dates.year, log=log, file=file,
                                 issued=dates.issued)
        reader.read()
        if not reader.tasks:
            log.add(Code.NO_TASKS, sheet=grid.name, file=file)
        last_row = max((r for t in reader.tasks for r in t.rows), default=header.data_start - 1)
        sheets.append(TaskSheet(
            name=grid.name, kind=kind, header_row=header.row, columns=header.columns,
            last_column=header.last_column, first_row=header.data_start, last_row=last_row,
            title_year=title, tasks=reader.tasks, sections=reader.sections,
            generated_columns=header.generated,
        ))
    return sheets
