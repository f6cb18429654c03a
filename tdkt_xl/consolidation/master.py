"""Write the master tổng hợp workbook: submissions, progress, totals, problems.

This module holds what each sheet shows: the sheets' titles, headers and layouts, the values of
each kind of row, :class:`MasterData` (what a master shows) and the writing of the whole.
Every row is written as XML text with the style ids of the workbook's styles
(:mod:`tdkt_xl.consolidation.master_cells`), and so is the rest (the *skeleton*: styles, sheets
with their column widths, frozen panes, filters, print setup, the chart, and no rows;
:mod:`tdkt_xl.consolidation.master_skeleton`, the parts openpyxl would write), which the rows are
then put into (:mod:`tdkt_xl.consolidation.master_package`): ten thousand units make close to a
million cells, which openpyxl's cell objects write in seconds per hundred thousand, and importing
openpyxl alone takes longer than writing a thousand units' master. The skeleton depends only on
the sheets' layout (:class:`~tdkt_xl.consolidation.master_skeleton.SheetLayout`: titles, widths,
row counts) and is made in a millisecond for each master. Text from unit files is always
written as text (an inline string): never a formula, never an error value.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from tdkt_xl.atomic import atomic_copy, atomic_path, backup_path
from tdkt_xl.consolidation.aggregate import GROUP_LINE_STATUS, STATE_LABELS, Consolidation, FileOutcome
from tdkt_xl.consolidation.master_cells import (
    DETAIL_WIDTHS as DETAIL_WIDTHS,  # (re-exported: the nightly's rows use them)
)
from tdkt_xl.consolidation.master_cells import (
    HEADER_ROW,
    Block,
    CellWriter,
    Formula,
    RowStream,
    SheetRows,
    row_formats,
    totals_detail_widths,
)
from tdkt_xl.consolidation.master_cells import (
    PROBLEMS_WIDTHS as PROBLEMS_WIDTHS,  # (re-exported: the nightly's rows use them)
)
from tdkt_xl.consolidation.master_cells import (
    PROGRESS_WIDTHS as PROGRESS_WIDTHS,  # (re-exported: the nightly's rows use them)
)
from tdkt_xl.consolidation.master_cells import (
    SUBMISSIONS_WIDTHS as SUBMISSIONS_WIDTHS,  # (re-exported: the nightly's rows use them)
)
from tdkt_xl.consolidation.master_package import save_master
from tdkt_xl.consolidation.master_skeleton import SheetLayout, Skeleton, build_skeleton
from tdkt_xl.errors import column_letter
from tdkt_xl.intake.form_counts import compact_ints
from tdkt_xl.plans.models import CommendationForm, Task
from tdkt_xl.plans.status import Status, problem_title

SUBMISSIONS_SHEET = "Tình hình nộp báo cáo"
PROGRESS_SHEET = "Tiến độ nhiệm vụ"
PROGRESS_DETAIL_SHEET = "Chi tiết tiến độ"
TOTALS_SHEET = "Số liệu tổng hợp"
TOTALS_DETAIL_SHEET = "Số liệu chi tiết"
PROBLEMS_SHEET = "Lỗi"


def _vn(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# --- what each sheet shows ---------------------------------------------------------------

SUBMISSIONS_HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Email", "Tình trạng", "Ngày lập", "Tệp", "Số lỗi"]
PROGRESS_HEADERS = ["Mã nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn", "Số đơn vị",
                    "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Chưa báo cáo", "Trạng thái"]
DETAIL_HEADERS = ["Mã nhiệm vụ", "Nội dung", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tình trạng",
                  "Ngày hoàn thành", "Kết quả", "Khó khăn, vướng mắc", "Ghi chú", "Tệp"]
PROBLEMS_HEADERS = ["STT", "Tệp", "Sheet", "Ô", "Mức độ", "Mã", "Tên lỗi", "Nội dung"]


class SubmissionRow(NamedTuple):
    """A unit of the plan on the submissions sheet (``file`` "" and ``problems`` None: missing; its
    files all rejected: ``file`` says which and why, :func:`rejected_text`)."""

    code: str
    name: str
    email: str
    state: str
    submitted_on: date | None
    file: str
    problems: int | None


class TaskRow(NamedTuple):
    """A task across its units (``entries``: unit -> anything with status, completed_on, result,
    difficulties and note; units without an entry have not reported it)."""

    task: Task
    units: list[str]
    done: int
    ongoing: int
    not_started: int
    nothing: int
    status: Status
    entries: Mapping[str, Any]
    groups: Sequence[str] = ()  # of ``units``, the groups without listed members (one line each)
    leads: Collection[str] | None = None  # of ``units``, the lead ones (None: the task's lead as written)

    def lead_codes(self) -> Collection[str]:
        return self.leads if self.leads is not None else {u.code for u in self.task.lead if u.code}


def rejected_text(files: Iterable[tuple[str, str]]) -> str:
    """The "Tệp" cell of a unit whose files were all rejected: each file and why.

    >>> print(rejected_text([("SGTVT.xlsx", "Tệp bị hỏng.")]))
    SGTVT.xlsx – bị loại: Tệp bị hỏng.
    """
    return "\n".join(f"{file} – bị loại: {reason}" if reason else f"{file} – bị loại"
                     for file, reason in files)


def rejected_outcomes_text(files: Iterable[FileOutcome]) -> str:
    return rejected_text((f.file, f.reason) for f in files)


# The values of each kind of row of the long sheets (after the STT), and the styles of their
# special cells: both the consolidation's master and the nightly's (which keeps the cells of its
# units' rows between runs) write them with these.

def submission_values(row: SubmissionRow) -> tuple[list[Any], dict[int, str]]:
    """A unit's row in "Tình hình nộp báo cáo", and its state cell's style (the state's)."""
    label = STATE_LABELS[row.state]
    return [row.code, row.name, row.email, label, row.submitted_on, row.file, row.problems], {3: row.state}


def detail_values(task: Task, code: str, name: str, lead: bool, entry: Any, file: str, *,
                  group: bool = False) -> list[Any]:
    """One unit's row on one task in "Chi tiết tiến độ" (``entry`` None: it has not reported;
    ``group``: a group whose members are not listed, shown by name and not chased)."""
    role = "Chủ trì" if lead else "Phối hợp"
    if group:
        return [task.code, task.content, code, name, role, GROUP_LINE_STATUS, None, "", "", "", ""]
    if entry is None:
        return [task.code, task.content, code, name, role, "Chưa báo cáo", None, "", "", "", ""]
    return [task.code, task.content, code, name, role, entry.status or "", entry.completed_on, entry.result,
            entry.difficulties, entry.note, file]


SUPERSEDED_TITLE = "Đã có báo cáo mới hơn"


def outcome_values(file: str, outcome: str, code: str, reason: str) -> list[Any]:
    """A rejected or superseded file in "Lỗi": file, -, -, what became of it, code, its
    Vietnamese title, reason.

    >>> outcome_values("a.xlsx", "rejected", "corrupt-zip", "…")[3:6]
    ['Bị loại', 'corrupt-zip', 'Tệp hỏng hoặc bị cắt cụt']
    """
    superseded = outcome == "superseded"
    title = SUPERSEDED_TITLE if superseded else problem_title(code or outcome)
    return [file, "", "", "Bị thay thế" if superseded else "Bị loại", code or outcome, title, reason]


def problem_values(file: str, sheet: str, cell: str, severity: str, code: str, message: str) -> list[Any]:
    """A cell problem in "Lỗi": file, sheet, cell, severity, code, its Vietnamese title, message."""
    return [file, sheet, cell, "Lỗi" if severity == "error" else "Cảnh báo", code, problem_title(code),
            message]


def totals_levels(forms: Iterable[CommendationForm]) -> list[str]:
    """The levels of the forms, each once, in order (a heading row each in the totals sheet)."""
    levels: list[str] = []
    for form in forms:
        if not levels or levels[-1] != form.level:
            levels.append(form.level)
    return levels


def totals_widths(years: int) -> tuple[float, ...]:
    """The widths of "Số liệu tổng hợp": form, one column per year, total."""
    return (52, *[9] * years, 10)


def sheet_layouts(units: int, tasks: Sequence[TaskRow], forms: Sequence[CommendationForm], years: int,
                  reports: int, problem_rows: int) -> list[SheetLayout]:
    """The layouts of a master's six sheets, from how many rows each has."""
    sum_row = HEADER_ROW + len(forms) + len(totals_levels(forms)) + 1
    return [
        SheetLayout(SUBMISSIONS_SHEET, SUBMISSIONS_WIDTHS, units),
        SheetLayout(PROGRESS_SHEET, PROGRESS_WIDTHS, len(tasks)),
        SheetLayout(PROGRESS_DETAIL_SHEET, DETAIL_WIDTHS, sum(len(item.units) for item in tasks)),
        SheetLayout(TOTALS_SHEET, totals_widths(years), sum_row - HEADER_ROW - 1, sum_row, years),
        SheetLayout(TOTALS_DETAIL_SHEET, totals_detail_widths(len(forms)), reports),
        SheetLayout(PROBLEMS_SHEET, PROBLEMS_WIDTHS, problem_rows),
    ]


@dataclass
class MasterData:
    """What the master shows, in the order it shows it."""

    as_of: date
    deadline: date | None
    submissions: list[SubmissionRow]
    tasks: list[TaskRow]
    files: dict[str, str]  # unit -> the file its report came from
    forms: list[CommendationForm]
    years: list[int]
    totals: dict[str, dict[int, int]]
    by_unit: list[tuple[str, str, Sequence[int]]]  # (unit, name, count of each form), by unit code
    outcomes: list[tuple[str, str, str, str]]  # (file, outcome, code, reason): rejected, superseded
    problems: list[tuple[str, str, str, str, str, str]]  # (file, sheet, cell, severity, code, message)
    rejected: int
    names: dict[str, str] | None = None  # the groups' names (shown on their lines in "Chi tiết tiến độ")

    def layouts(self) -> list[SheetLayout]:
        """The sheets of this master, as its skeleton depends on them."""
        return sheet_layouts(len(self.submissions), self.tasks, self.forms, len(self.years),
                             len(self.by_unit), len(self.outcomes) + len(self.problems))


def master_data(result: Consolidation) -> MasterData:
    """What ``result``'s master shows."""
    forms = [f.name for f in result.forms]
    return MasterData(
        as_of=result.as_of, deadline=result.report_deadline,
        submissions=[SubmissionRow(s.unit.code, s.unit.name, s.unit.email, s.state,
                                   s.report.submitted_on if s.report else None,
                                   s.report.file if s.report else rejected_outcomes_text(s.rejected),
                                   len(s.report.problems) if s.report else None) for s in result.submissions],
        tasks=[TaskRow(t.task, t.units, t.done, t.ongoing, t.not_started, t.nothing, t.status, t.entries,
                       t.groups, t.leads) for t in result.tasks],
        files={r.unit_code: r.file for r in result.reports},
        forms=list(result.forms), years=list(result.years), totals=result.totals,
        by_unit=[(r.unit_code, r.unit_name, compact_ints(r.form_total_list(forms)))
                 for r in sorted(result.reports, key=lambda r: r.unit_code)],
        outcomes=[(f.file, f.outcome, f.code, f.reason) for f in result.files
                  if f.outcome in ("rejected", "superseded")],
        problems=[(p.file or "", p.sheet or "", p.cell or "", p.severity, p.code, p.message)
                  for p in result.problems],
        rejected=len(result.rejected),
        names=dict(result.groups),
    )


def master_rows(data: MasterData, writer: CellWriter) -> list[SheetRows]:
    """Every sheet of the master, as rows (the long sheets' rows written as the master is: see
    :class:`~tdkt_xl.consolidation.master_cells.RowStream`)."""
    forms = row_formats(writer.ids, len(data.forms))
    names = {**(data.names or {}), **{s.code: s.name for s in data.submissions}}

    def detail(row: tuple[TaskRow, Collection[str], str]) -> bytes:
        item, leads, code = row
        return writer.cells(detail_values(item.task, code, names.get(code, code), code in leads,
                                          item.entries.get(code), data.files.get(code, ""),
                                          group=code in item.groups))

    details = [(item, leads, code) for item in data.tasks for leads in (item.lead_codes(),)
               for code in item.units]
    problems: list[tuple[Callable[..., list[Any]], tuple[str, ...]]] = [
        *((outcome_values, outcome) for outcome in data.outcomes),
        *((problem_values, problem) for problem in data.problems)]
    return assemble(
        writer, as_of=data.as_of, deadline=data.deadline,
        states=[row.state for row in data.submissions],
        submissions=RowStream([row.code for row in data.submissions], data.submissions,
                              lambda row: writer.cells(*submission_values(row)), forms["S"]),
        tasks=data.tasks,
        detail=RowStream([code for _item, _leads, code in details], details, detail, forms["D"]),
        forms=data.forms, years=data.years, totals=data.totals,
        by_unit=RowStream([code for code, _name, _counts in data.by_unit], data.by_unit,
                          lambda row: writer.cells([row[0], row[1], *row[2]]), forms["U"]),
        problems=RowStream([""] * len(problems), problems, lambda row: writer.cells(row[0](*row[1])),
                           forms["P"]),
        rejected=data.rejected, cell_problems=len(data.problems))


def assemble(writer: CellWriter, *, as_of: date, deadline: date | None, states: Sequence[str],
             submissions: Block | RowStream, tasks: Sequence[TaskRow], detail: Block | RowStream,
             forms: Sequence[CommendationForm], years: Sequence[int], totals: dict[str, dict[int, int]],
             by_unit: Block | RowStream, problems: Block | RowStream, rejected: int,
             cell_problems: int) -> list[SheetRows]:
    """The master's sheets, from the rows of its long sheets (:class:`Block` or :class:`RowStream`,
    rows made with :func:`row_formats`: the submissions, the units' rows on each task, the units'
    counts and the "Lỗi" rows) and the rest."""
    sheet = SheetRows(SUBMISSIONS_SHEET, writer, SUBMISSIONS_WIDTHS)
    missing, late, expected = states.count("missing"), states.count("late"), len(states)
    refused = states.count("rejected")
    said = f"; hạn nộp {_vn(deadline)}" if deadline else ""
    said_refused = f", {refused} có tệp bị loại (đề nghị gửi lại)" if refused else ""
    sheet.heading(f"TÌNH HÌNH NỘP BÁO CÁO (đến ngày {_vn(as_of)}{said}): {expected - missing - refused}/"
                  f"{expected} đơn vị đã nộp, {missing} chưa nộp{said_refused}, {late} nộp muộn",
                  SUBMISSIONS_HEADERS)
    sheet.append_block(submissions)
    sheets = [sheet]

    sheet = SheetRows(PROGRESS_SHEET, writer, PROGRESS_WIDTHS)
    sheet.heading(f"TIẾN ĐỘ NHIỆM VỤ (đến ngày {_vn(as_of)})", PROGRESS_HEADERS)
    for item in tasks:
        task = item.task
        sheet.append([task.code, task.content, "; ".join(u.label for u in task.lead),
                      "; ".join(u.label for u in task.partners), task.deadline.due or task.deadline_text,
                      len(item.units) - len(item.groups), item.done, item.ongoing, item.not_started,
                      item.nothing, item.status.value], {10: item.status.value})
    sheets.append(sheet)

    sheet = SheetRows(PROGRESS_DETAIL_SHEET, writer, DETAIL_WIDTHS)
    sheet.heading("CHI TIẾT TIẾN ĐỘ THEO ĐƠN VỊ", DETAIL_HEADERS)
    sheet.append_block(detail)
    sheets.append(sheet)

    sheet = SheetRows(TOTALS_SHEET, writer, totals_widths(len(years)))
    sheet.heading(f"SỐ LIỆU KHEN THƯỞNG TỔNG HỢP {years[0]}–{years[-1]} ({len(by_unit.keys)} đơn vị đã nộp)",
                  ["Hình thức khen thưởng", *years, "Tổng"])
    first, last = column_letter(2), column_letter(1 + len(years))
    level = None
    for form in forms:
        if form.level != level:
            level = form.level
            sheet.append([level, *[None] * (len(years) + 1)], dict.fromkeys(range(len(years) + 2), "level"))
        row = sheet.row + 1
        sheet.append([form.name, *[totals[form.name][y] for y in years],
                      Formula(f"SUM({first}{row}:{last}{row})")])
    bottom = sheet.row
    sheet.append(["Cộng", *[Formula(f"SUM({column_letter(c)}{HEADER_ROW + 1}:{column_letter(c)}{bottom})")
                            for c in range(2, len(years) + 3)]],
                 dict.fromkeys(range(len(years) + 2), "bold"))
    sheets.append(sheet)

    sheet = SheetRows(TOTALS_DETAIL_SHEET, writer, totals_detail_widths(len(forms)))
    sheet.heading(f"SỐ LIỆU KHEN THƯỞNG THEO ĐƠN VỊ (cộng {years[0]}–{years[-1]}; "
                  "số từng năm xem trong tệp của đơn vị)",
                  ["Mã đơn vị", "Tên đơn vị", *[f.name for f in forms], "Tổng"])
    sheet.append_block(by_unit)
    sheets.append(sheet)

    sheet = SheetRows(PROBLEMS_SHEET, writer, PROBLEMS_WIDTHS)
    sheet.heading(f"LỖI TRONG CÁC TỆP BÁO CÁO: {rejected} tệp bị loại, {cell_problems} lỗi/cảnh báo trong ô",
                  PROBLEMS_HEADERS)
    sheet.append_block(problems)
    sheets.append(sheet)
    return sheets


def write_master(result: Consolidation | MasterData, target: Path,
                 before_replace: Callable[[], None] | None = None) -> Path:
    """Write the master atomically; an existing master is first kept as ``<name>.bak.xlsx``.

    ``before_replace`` runs after the new master is complete in its temporary file.
    """
    data = result if isinstance(result, MasterData) else master_data(result)
    skeleton = build_skeleton(data.layouts())
    return write_rows(master_rows(data, CellWriter(skeleton.style_ids)), skeleton, target, before_replace)


def write_rows(sheets: Sequence[SheetRows], skeleton: Skeleton, target: Path,
               before_replace: Callable[[], None] | None = None) -> Path:
    """Write a master made of ``sheets`` into ``skeleton``, atomically (see :func:`write_master`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    with atomic_path(target) as temp:
        save_master(skeleton, sheets, temp)
        if before_replace is not None:
            before_replace()
        # the backup only once the new master is whole: a full disk while writing either one
        # leaves both the master and its backup as they were
        if target.exists():
            atomic_copy(target, backup_path(target))
    return target
