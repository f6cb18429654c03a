"""Reading one unit's report: the cell values of its workbook (see
:mod:`tdkt_xl.intake.worker_pool`) checked against the plan give a :class:`UnitReport` with the
problems of its cells, or :class:`~tdkt_xl.intake.report_sheets.ReportRejected` when the file
cannot contribute at all (:func:`read_unit_report`).

The "Thông tin" sheet and the "Tiến độ" (progress) sheet are read here; the "Số liệu" counts in
:mod:`tdkt_xl.intake.report_statistics`.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import sys
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator

from tdkt_xl.errors import Code, Problem
from tdkt_xl.intake.form_counts import EMPTY, FormCounts
from tdkt_xl.intake.plan_index import PlanIndex
from tdkt_xl.intake.report_sheets import (
    ReportRejected,
    cell_at,
    clean_text,
    find_header,
    find_sheet,
    missing_sheet,
    report_problem,
    typed_in,
    unusable_cell,
)
from tdkt_xl.intake.report_statistics import read_statistics
from tdkt_xl.plans.deadlines import parse_deadline
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import clean, fold, fold_words
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import (
    INFO_PROPOSALS,
    INFO_SHEET,
    META_SHEET,
    PROGRESS_CHOICES,
    PROGRESS_DONE,
    PROGRESS_HEADERS,
    PROGRESS_NOT_STARTED,
    PROGRESS_ONGOING,
    PROGRESS_SHEET,
    TEMPLATE_VERSION,
    header_key,
)

# Raised whenever the reading of a report changes what it gives (a rule added or fixed): the
# nightly ledger then reads again each file an earlier reader read (1: before it was counted;
# 2: before .ods reports were read, which were rejected with the code "ods";
# 3: before "Kiến nghị, đề xuất" was read, issue 17).
READER_VERSION = 4

# A report's counts, form -> year -> count: given as a dict of dicts, kept as a FormCounts
# (compact: a consolidation holds thousands of reports), dumped as a dict of dicts.
Stats = Annotated[Mapping[str, Mapping[int, int]], PlainValidator(FormCounts.validate),
                  PlainSerializer(lambda stats: FormCounts.of(stats).plain(),
                                  return_type=dict[str, dict[int, int]])]


class ProgressEntry(BaseModel):
    """One unit's report on one task."""

    model_config = ConfigDict(frozen=True)

    task_code: str
    role: str = ""
    status: str | None = None
    completed_on: date | None = None
    result: str = ""
    difficulties: str = ""
    note: str = ""
    row: int = 0


class UnitReport(BaseModel):
    """What an accepted (or superseded) report file contributes."""

    file: str
    unit_code: str
    unit_name: str = ""
    report_date: date | None = None
    modified: datetime | None = None
    period: str = ""
    author: str = ""
    phone: str = ""
    proposals: str = ""  # issue 17: "Kiến nghị, đề xuất" ("" from a template or a ledger of before)
    template_version: str = ""  # as the file's hidden identity sheet gives it ("" when it has none)
    progress: dict[str, ProgressEntry] = Field(default_factory=dict)
    stats: Stats = Field(default_factory=lambda: EMPTY)
    problems: list[Problem] = Field(default_factory=list)
    # Per form, the sum over the years: given instead of ``stats`` when thousands of reports
    # are put together from the nightly ledger (which sums the years itself).
    form_totals: dict[str, int] = Field(default_factory=dict)
    present: bool = True  # False: the nightly ledger's copy of a file gone from the inbox

    def form_total_list(self, forms: list[str]) -> list[int]:
        """The unit's count of each form over all the years, in order.

        >>> UnitReport(file="a", unit_code="A", stats={"X": {2023: 2, 2024: 1}}).form_total_list(["X", "Y"])
        [3, 0]
        >>> UnitReport(file="a", unit_code="A", form_totals={"X": 3}).form_total_list(["X", "Y"])
        [3, 0]
        """
        if self.form_totals:
            return list(map(self.form_totals.get, forms, itertools.repeat(0)))
        return FormCounts.of(self.stats).form_sums(forms)

    @property
    def submitted_on(self) -> date | None:
        """"Ngày lập" when readable, else the file's modification date."""
        if self.report_date is not None:
            return self.report_date
        return self.modified.date() if self.modified else None


def read_unit_report(
    sheets: dict[str, list[list[object]]],
    plan: Plan,
    *,
    file: str,
    modified: datetime | None = None,
    expected_plan_id: str | None = None,
    earlier_plan_ids: Collection[str] = (),
) -> UnitReport:
    """Check one report's cell values against the plan; raise :class:`ReportRejected` when it
    cannot contribute at all. Cell problems are in ``report.problems``.

    A report made from an earlier version of this plan (another identity, the same year, and
    either an identity in ``earlier_plan_ids``, which the nightly ledger knows, or tasks that
    all are this plan's tasks, codes and contents) is read with a warning instead of being
    rejected as another plan's: a unit or task added to the plan must not turn away every
    report already sent.
    """
    problems: list[Problem] = []
    index = PlanIndex.of(plan)
    values = _read_identity(sheets, plan, index, problems, file=file, expected_plan_id=expected_plan_id,
                            earlier_plan_ids=earlier_plan_ids)
    labels = _info_labels(sheets)
    unit, code_row = _report_unit(labels, index)
    _check_template_unit(unit, values.get("unit_code", ""), labels, index, code_row)
    report = UnitReport(file=file, unit_code=unit.code, unit_name=unit.name, modified=modified,
                        template_version=values.get("template_version", ""))
    _read_info(report, labels, plan.year, modified, problems)

    filled = _read_progress(sheets, plan, report, problems,
                            earlier_plan=any(p.code == Code.EARLIER_PLAN for p in problems))
    stats, counted = read_statistics(sheets, plan, file, problems)
    report.stats = FormCounts.of(stats)
    filled = counted or filled
    _, date_value = _info_cell(labels, "Ngày lập")
    if not filled and not (report.author or report.phone or report.proposals or typed_in(date_value)):
        raise ReportRejected(
            Code.EMPTY_REPORT, "Tệp là mẫu báo cáo chưa điền (không có người lập, ngày lập, tình trạng "
                            "nhiệm vụ hay số liệu nào): đơn vị vẫn được coi là chưa nộp.")
    report.problems = problems
    return report


# --- the hidden identity sheet and the "Thông tin" sheet ----------------------


def _read_identity(sheets: dict[str, list[list[object]]], plan: Plan, index: PlanIndex,
                   problems: list[Problem], *, file: str, expected_plan_id: str | None,
                   earlier_plan_ids: Collection[str]) -> dict[str, str]:
    """The values of the hidden identity sheet (none, said, when the file has no such sheet).

    Raises :class:`ReportRejected` for a template of another plan or of a template version no
    longer read; a template of an earlier version of this plan is read, with a warning.
    """
    meta = sheets.get(META_SHEET)
    if meta is None:
        problems.append(report_problem(Code.NO_IDENTITY, file, META_SHEET, None, None))
        return {}
    values = {clean(r[0]): clean(r[1]) if len(r) > 1 else "" for r in meta if r and r[0]}
    declared = values.get("plan_id")
    if declared and declared != (expected_plan_id or index.plan_id):
        _reject_other_plan(declared, values, sheets, plan, index, earlier_plan_ids)
        problems.append(report_problem(Code.EARLIER_PLAN, file, META_SHEET, None, None, value=declared))
    if values.get("template_version") and values["template_version"] != TEMPLATE_VERSION:
        raise ReportRejected(
            Code.TEMPLATE_VERSION,
            f"Mẫu báo cáo phiên bản {values['template_version']} không còn dùng được; "
            f"hãy dùng mẫu phiên bản {TEMPLATE_VERSION}.")
    return values


def _reject_other_plan(declared: str, values: dict[str, str], sheets: dict[str, list[list[object]]],
                       plan: Plan, index: PlanIndex, earlier_plan_ids: Collection[str]) -> None:
    """Raise :class:`ReportRejected` for a template whose plan id ``declared`` is not this plan's,
    unless it is of an earlier version of this plan (see :func:`read_unit_report`)."""
    year = _whole(values.get("plan_year"))
    if year != plan.year or (
            declared not in earlier_plan_ids and not _tasks_are_the_plans(sheets, index)):
        which = f"kế hoạch năm {year}, " if year and year != plan.year else ""
        raise ReportRejected(
            Code.OTHER_PLAN,
            f"Tệp là mẫu báo cáo của một kế hoạch khác ({which}mã kế hoạch {declared}); hãy "
            f"dùng mẫu được gửi kèm kế hoạch này (năm {plan.year}).")


def _info_labels(sheets: dict[str, list[list[object]]]) -> dict[str, tuple[int, object]]:
    """The "Thông tin" sheet: each label (its key) -> its row and the value beside it."""
    info = find_sheet(sheets, INFO_SHEET)
    if info is None:
        raise missing_sheet(sheets, INFO_SHEET)
    labels: dict[str, tuple[int, object]] = {}
    for row_number, row in enumerate(info, start=1):
        if row:
            labels.setdefault(header_key(row[0]), (row_number, row[1] if len(row) > 1 else None))
    return labels


def _info_cell(labels: dict[str, tuple[int, object]], label: str) -> tuple[int, object]:
    """The row of a "Thông tin" label and the value beside it ((0, None): no such label)."""
    return labels.get(header_key(label), (0, None))


def _report_unit(labels: dict[str, tuple[int, object]], index: PlanIndex) -> tuple[Unit, int]:
    """The plan's unit the "Mã đơn vị" cell names, and that cell's row; raises
    :class:`ReportRejected` when there is no such row, the cell is blank or the unit unknown."""
    code_row, code_value = _info_cell(labels, "Mã đơn vị")
    if not code_row:
        raise ReportRejected(Code.CHANGED_LAYOUT, 'Sheet "Thông tin" không có dòng "Mã đơn vị".')
    code = clean(code_value.__int__() if isinstance(code_value, float) and code_value.is_integer()
                 else code_value)
    if not code:
        raise ReportRejected(Code.MISSING_UNIT_CODE, 'Ô "Mã đơn vị" (sheet "Thông tin") trống.')
    unit = index.units.get(code) or index.folded_units.get(fold(code))
    if unit is None or unit.is_group:
        raise ReportRejected(
            Code.UNKNOWN_UNIT, f'Mã đơn vị "{code}" (sheet "Thông tin", ô B{code_row}) không có '
                            "trong danh sách đơn vị của kế hoạch.")
    return unit, code_row


def _read_info(report: UnitReport, labels: dict[str, tuple[int, object]], year: int,
               modified: datetime | None, problems: list[Problem]) -> None:
    """The period, author, phone and "Ngày lập" of the "Thông tin" sheet into ``report`` (a
    "Ngày lập" after the day the file was saved, ``modified``, is not used)."""
    file = report.file

    def text_of(label: str) -> str:
        row, value = _info_cell(labels, label)
        return clean_text(value, problems, file=file, sheet=INFO_SHEET, row=row, column=2) if row else ""

    report.period, report.author, report.phone = text_of("Kỳ báo cáo"), text_of("Người lập"), \
        text_of("Điện thoại")
    report.proposals = text_of(INFO_PROPOSALS)
    date_row, date_value = _info_cell(labels, "Ngày lập")
    if date_row and typed_in(date_value):
        report.report_date = _read_date(date_value, problems, file, INFO_SHEET, date_row, 2, year)
        saved = modified.date() if modified else None
        if report.report_date and saved and report.report_date > saved + timedelta(days=1):
            problems.append(report_problem(Code.REPORT_DATE_AFTER_SAVED, file, INFO_SHEET, date_row, 2,
                                           value=_vn(report.report_date), saved=_vn(saved)))
            report.report_date = None


def _vn(day: date) -> str:
    """A date as the problems' messages show it: 15/06/2024."""
    return day.strftime("%d/%m/%Y")


def _check_template_unit(unit: Unit, template_unit: str, labels: dict[str, tuple[int, object]],
                         index: PlanIndex, code_row: int) -> None:
    """Reject a report whose "Mã đơn vị" was typed over: the template was made for another unit
    (its hidden identity sheet, or the "Tên đơn vị" beside the code, names that one), so its
    tasks are that unit's and it would push out the named unit's own report."""
    other = index.units.get(template_unit) or index.folded_units.get(fold(template_unit))
    if other is None:
        name_row, name = labels.get(header_key("Tên đơn vị"), (0, None))
        other = index.units_by_name.get(fold(clean(name))) if name_row else None
    if other is None or other.code == unit.code:
        return
    raise ReportRejected(
        Code.UNIT_MISMATCH,
        f'Mã đơn vị "{unit.code}" (sheet "Thông tin", ô B{code_row}) nhưng tệp là mẫu báo cáo của '
        f"{other.code} ({other.name}): ô mã đã bị sửa, hoặc đơn vị dùng mẫu của đơn vị khác. Mỗi "
        "đơn vị dùng mẫu của mình (có các nhiệm vụ giao cho đơn vị đó); tệp không được tổng hợp "
        f"để không thay báo cáo của {unit.code}.")


def _same_task_content(ours: str | None, theirs: str) -> bool:
    """The same task's content, a few words edited since (folded words, 80 % alike).

    >>> _same_task_content("tong ket 20 nam thi hanh luat", "tong ket 20 nam thi hanh luat thi dua")
    True
    >>> _same_task_content("tong ket 20 nam thi hanh luat", "to chuc hoi nghi bieu duong dien hinh")
    False
    """
    if ours is None:
        return False
    return ours == theirs or difflib.SequenceMatcher(None, ours, theirs).ratio() >= 0.8


def _tasks_are_the_plans(sheets: dict[str, list[list[object]]], index: PlanIndex) -> bool:
    """Whether each task the report lists is one of the plan's: same code, and the same content
    or nearly (a typo fixed in the plan since). A unit with no task lists none: its report gives
    only counts, which are the unit's whatever the plan."""
    try:
        rows, header_row, columns = _progress_table(sheets)
    except ReportRejected:
        return False
    listed = [(clean(cell_at(rows, row, columns["Mã nhiệm vụ"])), cell_at(rows, row, columns["Nội dung"]))
              for row in range(header_row + 1, len(rows) + 1)]
    listed = [(code, content) for code, content in listed if code]
    contents = index.task_contents
    return all(_same_task_content(contents.get(code), fold_words(content)) for code, content in listed)


def _whole(text: str | None) -> int | None:
    """``"2024"`` or ``"2024.0"`` (a number cell as read) -> 2024; anything else -> None."""
    try:
        number = float(text or "")
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _as_date(value: object) -> date | None:
    """The date of a date or datetime cell; None for any other value."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _read_date(value: object, problems: list[Problem], file: str, sheet: str, row: int, column: int,
               year: int) -> date | None:
    """A date cell's date; None, said, for anything else (text that reads as a date in ``year``
    said as a date typed as text)."""
    found = _as_date(value)
    if found is not None or unusable_cell(value, problems, file, sheet, row, column):
        return found
    if isinstance(value, str):
        reading = parse_deadline(value, year)
        code = Code.DATE_AS_TEXT if reading.due and reading.start == reading.due else Code.NOT_A_DATE
        problems.append(report_problem(code, file, sheet, row, column, value=clean(value)))
    else:
        problems.append(report_problem(Code.NOT_A_DATE, file, sheet, row, column, value=value))
    return None


def _progress_table(sheets: dict[str, list[list[object]]]) -> tuple[list[list[object]], int, dict[str, int]]:
    """The "Tiến độ" sheet's rows, its header row and the column of each header."""
    rows = find_sheet(sheets, PROGRESS_SHEET)
    if rows is None:
        raise missing_sheet(sheets, PROGRESS_SHEET)
    found = find_header(rows, PROGRESS_HEADERS, first=len(PROGRESS_HEADERS))
    if found is None:
        expected = ", ".join(f'"{h}"' for h in PROGRESS_HEADERS)
        raise ReportRejected(Code.CHANGED_LAYOUT,
                             f'Sheet "{PROGRESS_SHEET}" không có dòng tiêu đề đúng mẫu ({expected}).')
    return rows, *found


# --- the "Tiến độ" sheet ------------------------------------------------------


def _read_progress(sheets: dict[str, list[list[object]]], plan: Plan, report: UnitReport,
                   problems: list[Problem], *, earlier_plan: bool = False) -> bool:
    """Read the "Tiến độ" rows into ``report.progress``; True when the unit filled in anything."""
    rows, header_row, columns = _progress_table(sheets)
    assigned = PlanIndex.of(plan).assigned.get(report.unit_code, {})
    file = report.file
    inputs = [columns[name] for name in ("Tình trạng", "Ngày hoàn thành", "Kết quả", "Khó khăn, vướng mắc",
                                         "Ghi chú")]
    filled = False
    for row_number in range(header_row + 1, len(rows) + 1):
        given = any(typed_in(cell_at(rows, row_number, column)) for column in inputs)
        filled = filled or given
        code = _row_task(rows, row_number, columns, given, assigned, report.progress, file, problems)
        if code is not None:
            report.progress[code] = _progress_entry(rows, row_number, columns, code, assigned[code],
                                                    plan.year, file, problems)
    if not earlier_plan:  # an earlier plan's template lacks the tasks added since: said once already
        for code in assigned:
            if code not in report.progress:
                problems.append(report_problem(Code.MISSING_TASK, file, PROGRESS_SHEET, None, None,
                                               value=code))
    return filled


def _row_task(rows: list[list[object]], row_number: int, columns: dict[str, int], given: bool,
              assigned: dict[str, str], progress: dict[str, ProgressEntry], file: str,
              problems: list[Problem]) -> str | None:
    """The code of the unit's task a "Tiến độ" row reports on; None, said, when the row has no
    code (and holds something), a code not assigned to the unit, or one read above (``progress``)."""
    code = clean(cell_at(rows, row_number, columns["Mã nhiệm vụ"]))
    if not code:
        if given:
            problems.append(report_problem(Code.ROW_WITHOUT_TASK, file, PROGRESS_SHEET, row_number,
                                           columns["Mã nhiệm vụ"]))
        return None
    if code not in assigned:
        problems.append(report_problem(Code.UNKNOWN_TASK, file, PROGRESS_SHEET, row_number,
                                       columns["Mã nhiệm vụ"], value=code))
        return None
    if code in progress:
        problems.append(report_problem(Code.DUPLICATE_TASK, file, PROGRESS_SHEET, row_number,
                                       columns["Mã nhiệm vụ"], value=code, first=progress[code].row))
        return None
    return code


def _progress_entry(rows: list[list[object]], row_number: int, columns: dict[str, int], code: str,
                    role: str, year: int, file: str, problems: list[Problem]) -> ProgressEntry:
    """The row of one of the unit's tasks, its cells checked: status, completion date, texts."""
    def value(name: str) -> object:
        return cell_at(rows, row_number, columns[name])

    raw_status = value("Tình trạng")
    status = _read_status(raw_status, problems, file, row_number, columns["Tình trạng"])
    raw_date = value("Ngày hoàn thành")
    completed = None
    if typed_in(raw_date):
        completed = _read_date(raw_date, problems, file, PROGRESS_SHEET, row_number,
                               columns["Ngày hoàn thành"], year)
    if completed is not None and status is None and not typed_in(raw_status):
        status = PROGRESS_DONE  # a completion date alone says it is done
    elif completed is not None and status in (PROGRESS_ONGOING, PROGRESS_NOT_STARTED):
        problems.append(report_problem(Code.DATE_NOT_DONE, file, PROGRESS_SHEET, row_number,
                                       columns["Ngày hoàn thành"], value=_vn(completed), status=status))
        completed = None

    def text(name: str) -> str:
        return clean_text(value(name), problems, file=file, sheet=PROGRESS_SHEET, row=row_number,
                          column=columns[name])

    return ProgressEntry.model_construct(  # every value is already checked
        task_code=code, role=role, status=status, completed_on=completed,
        result=text("Kết quả"), difficulties=text("Khó khăn, vướng mắc"), note=text("Ghi chú"),
        row=row_number,
    )


def _read_status(raw: object, problems: list[Problem], file: str, row: int, column: int) -> str | None:
    """The "Tình trạng" choice of a cell: None when it is blank, or not a choice (said)."""
    status: str | None = None
    unusable = unusable_cell(raw, problems, file, PROGRESS_SHEET, row, column)
    if not unusable and raw not in (None, ""):
        status = _progress_choice(raw) if isinstance(raw, str) else None
        if status is None:
            problems.append(report_problem(Code.BAD_PROGRESS, file, PROGRESS_SHEET, row, column,
                                           value=clean(raw), choices=", ".join(PROGRESS_CHOICES)))
    return status


@functools.lru_cache(maxsize=1024)
def _progress_choice(text: str) -> str | None:
    """The "Tình trạng" choice a cell's text means, however it is typed (None: not a choice)."""
    return {fold(c): c for c in PROGRESS_CHOICES}.get(fold(text))


# A kept report counts every field as set (one set shared by thousands of reports: a field
# assigned later is already in it); a progress entry is frozen and has every field set.
_EVERY_REPORT_FIELD = set(UnitReport.model_fields)
_EVERY_ENTRY_FIELD = set(ProgressEntry.model_fields)
_CHOICES = {choice: choice for choice in PROGRESS_CHOICES}


def compact_report(report: UnitReport, plan: Plan) -> None:
    """Make a report to be held with thousands of others small: its counts compact (a
    :class:`~tdkt_xl.intake.form_counts.FormCounts`), its codes, names, roles and statuses the
    plan's own strings, its sets of fields shared. Nothing it says changes.

    Unpickled from a worker, each report holds its own copy of every string, and each pydantic
    object a set of its fields' names: a few KB a report.
    """
    index = PlanIndex.of(plan)
    values = report.__dict__  # (set directly: nothing to validate, nothing else to record)
    values["stats"] = FormCounts.of(report.stats)
    unit = index.units.get(report.unit_code)
    if unit is not None:
        values["unit_code"] = unit.code
        if report.unit_name == unit.name:
            values["unit_name"] = unit.name
    values["period"] = sys.intern(report.period)
    values["template_version"] = sys.intern(report.template_version)
    assigned = index.assigned.get(report.unit_code, {})
    progress: dict[str, ProgressEntry] = {}
    for code, entry in report.progress.items():
        entry_values = entry.__dict__
        role = assigned.get(code)
        if role is not None:  # the plan's code and role (the same text)
            code = _plan_key(assigned, code)
            if entry.task_code == code:
                entry_values["task_code"] = code
            if entry.role == role:
                entry_values["role"] = role
        if entry.status is not None:
            entry_values["status"] = _CHOICES.get(entry.status, entry.status)
        if entry.__pydantic_fields_set__ == _EVERY_ENTRY_FIELD:
            object.__setattr__(entry, "__pydantic_fields_set__", _EVERY_ENTRY_FIELD)
        progress[code] = entry
    values["progress"] = progress
    object.__setattr__(report, "__pydantic_fields_set__", _EVERY_REPORT_FIELD)


def _plan_key(assigned: dict[str, str], code: str) -> str:
    """The plan's own string for a task code the unit's ``assigned`` tasks hold (a unit has a few)."""
    for key in assigned:
        if key == code:
            return key
    return code
