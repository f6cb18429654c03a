"""Reading one unit's report: the cell values of its workbook (see
:mod:`tdkt_xl.intake.workers`) checked against the plan give a :class:`UnitReport` with the
problems of its cells, or :class:`~tdkt_xl.intake.report_sheets.ReportRejected` when the file
cannot contribute at all (:func:`read_unit_report`).

The "Thông tin" sheet and the "Tiến độ" (progress) sheet are read here; the "Số liệu" counts in
:mod:`tdkt_xl.intake.report_statistics`.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import operator
import re
import sys
from collections.abc import Collection
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from tdkt_xl.errors import Problem, column_letter
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
from tdkt_xl.plans.deadlines import parse_deadline
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import clean, fold, fold_words
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import (
    INFO_SHEET,
    META_SHEET,
    PROGRESS_CHOICES,
    PROGRESS_DONE,
    PROGRESS_HEADERS,
    PROGRESS_NOT_STARTED,
    PROGRESS_ONGOING,
    PROGRESS_SHEET,
    STATS_FORM_HEADER,
    STATS_SHEET,
    STATS_TOTAL_HEADER,
    TEMPLATE_VERSION,
    header_key,
)

# Raised whenever the reading of a report changes what it gives (a rule added or fixed): the
# nightly ledger then reads again each file an earlier reader read (1: before it was counted;
# 2: before .ods reports were read, which were rejected with the code "ods").
READER_VERSION = 3


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
    template_version: str = ""  # as the file's hidden identity sheet gives it ("" when it has none)
    progress: dict[str, ProgressEntry] = Field(default_factory=dict)
    stats: dict[str, dict[int, int]] = Field(default_factory=dict)
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
        return [sum(self.stats.get(form, {}).values()) for form in forms]

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
    units = index.units
    meta = sheets.get(META_SHEET)
    values: dict[str, str] = {}
    if meta is None:
        problems.append(report_problem("no-identity", file, META_SHEET, None, None))
    else:
        values = {clean(r[0]): clean(r[1]) if len(r) > 1 else "" for r in meta if r and r[0]}
        declared = values.get("plan_id")
        if declared and declared != (expected_plan_id or index.plan_id):
            year = _whole(values.get("plan_year"))
            if year != plan.year or (
                    declared not in earlier_plan_ids and not _tasks_are_the_plans(sheets, index)):
                which = f"kế hoạch năm {year}, " if year and year != plan.year else ""
                raise ReportRejected(
                    "other-plan",
                    f"Tệp là mẫu báo cáo của một kế hoạch khác ({which}mã kế hoạch {declared}); hãy "
                    f"dùng mẫu được gửi kèm kế hoạch này (năm {plan.year}).")
            problems.append(report_problem("earlier-plan", file, META_SHEET, None, None, value=declared))
        if values.get("template_version") and values["template_version"] != TEMPLATE_VERSION:
            raise ReportRejected(
                "template-version",
                f"Mẫu báo cáo phiên bản {values['template_version']} không còn dùng được; "
                f"hãy dùng mẫu phiên bản {TEMPLATE_VERSION}.")

    info = find_sheet(sheets, INFO_SHEET)
    if info is None:
        raise missing_sheet(sheets, INFO_SHEET)
    labels: dict[str, tuple[int, object]] = {}
    for row_number, row in enumerate(info, start=1):
        if row:
            labels.setdefault(header_key(row[0]), (row_number, row[1] if len(row) > 1 else None))
    code_row, code_value = labels.get(header_key("Mã đơn vị"), (0, None))
    if not code_row:
        raise ReportRejected("changed-layout", 'Sheet "Thông tin" không có dòng "Mã đơn vị".')
    code = clean(code_value.__int__() if isinstance(code_value, float) and code_value.is_integer()
                 else code_value)
    if not code:
        raise ReportRejected("missing-unit-code", 'Ô "Mã đơn vị" (sheet "Thông tin") trống.')
    unit = units.get(code) or index.folded_units.get(fold(code))
    if unit is None or unit.is_group:
        raise ReportRejected(
            "unknown-unit", f'Mã đơn vị "{code}" (sheet "Thông tin", ô B{code_row}) không có '
                            "trong danh sách đơn vị của kế hoạch.")
    _check_template_unit(unit, values.get("unit_code", ""), labels, index, code_row)
    report = UnitReport(file=file, unit_code=unit.code, unit_name=unit.name, modified=modified,
                        template_version=values.get("template_version", ""))

    def text_of(label: str) -> str:
        row, value = labels.get(header_key(label), (0, None))
        return clean_text(value, problems, file=file, sheet=INFO_SHEET, row=row, column=2) if row else ""

    report.period, report.author, report.phone = text_of("Kỳ báo cáo"), text_of("Người lập"), \
        text_of("Điện thoại")
    date_row, date_value = labels.get(header_key("Ngày lập"), (0, None))
    if date_row and typed_in(date_value):
        report.report_date = _read_date(date_value, problems, file, INFO_SHEET, date_row, 2, plan.year)
        saved = modified.date() if modified else None
        if report.report_date and saved and report.report_date > saved + timedelta(days=1):
            problems.append(report_problem("report-date-after-saved", file, INFO_SHEET, date_row, 2,
                                     value=_vn(report.report_date), saved=_vn(saved)))
            report.report_date = None

    filled = _read_progress(sheets, plan, report, problems,
                            earlier_plan=any(p.code == "earlier-plan" for p in problems))
    filled = _read_stats(sheets, plan, report, problems) or filled
    if not filled and not (report.author or report.phone or typed_in(date_value)):
        raise ReportRejected(
            "empty-report", "Tệp là mẫu báo cáo chưa điền (không có người lập, ngày lập, tình trạng "
                            "nhiệm vụ hay số liệu nào): đơn vị vẫn được coi là chưa nộp.")
    report.problems = problems
    return report


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
        "unit-mismatch",
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
        code = "date-as-text" if reading.due and reading.start == reading.due else "not-a-date"
        problems.append(report_problem(code, file, sheet, row, column, value=clean(value)))
    else:
        problems.append(report_problem("not-a-date", file, sheet, row, column, value=value))
    return None


def _progress_table(sheets: dict[str, list[list[object]]]) -> tuple[list[list[object]], int, dict[str, int]]:
    """The "Tiến độ" sheet's rows, its header row and the column of each header."""
    rows = find_sheet(sheets, PROGRESS_SHEET)
    if rows is None:
        raise missing_sheet(sheets, PROGRESS_SHEET)
    found = find_header(rows, PROGRESS_HEADERS, first=len(PROGRESS_HEADERS))
    if found is None:
        expected = ", ".join(f'"{h}"' for h in PROGRESS_HEADERS)
        raise ReportRejected("changed-layout",
                             f'Sheet "{PROGRESS_SHEET}" không có dòng tiêu đề đúng mẫu ({expected}).')
    return rows, *found


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
        def value(name: str, row: int = row_number) -> object:
            return cell_at(rows, row, columns[name])

        given = any(typed_in(cell_at(rows, row_number, column)) for column in inputs)
        filled = filled or given
        code = clean(value("Mã nhiệm vụ"))
        if not code:
            if given:
                problems.append(report_problem("row-without-task", file, PROGRESS_SHEET, row_number,
                                         columns["Mã nhiệm vụ"]))
            continue
        if code not in assigned:
            problems.append(report_problem("unknown-task", file, PROGRESS_SHEET, row_number,
                                     columns["Mã nhiệm vụ"], value=code))
            continue
        if code in report.progress:
            problems.append(report_problem("duplicate-task", file, PROGRESS_SHEET, row_number,
                                     columns["Mã nhiệm vụ"], value=code, first=report.progress[code].row))
            continue
        raw_status = value("Tình trạng")
        status: str | None = None
        unusable = unusable_cell(raw_status, problems, file, PROGRESS_SHEET, row_number,
                                 columns["Tình trạng"])
        if not unusable and raw_status not in (None, ""):
            status = _progress_choice(raw_status) if isinstance(raw_status, str) else None
            if status is None:
                problems.append(report_problem("bad-progress", file, PROGRESS_SHEET, row_number,
                                         columns["Tình trạng"], value=clean(raw_status),
                                         choices=", ".join(PROGRESS_CHOICES)))
        raw_date = value("Ngày hoàn thành")
        completed = None
        if typed_in(raw_date):
            completed = _read_date(raw_date, problems, file, PROGRESS_SHEET, row_number,
                                   columns["Ngày hoàn thành"], plan.year)
        if completed is not None and status is None and not typed_in(raw_status):
            status = PROGRESS_DONE  # a completion date alone says it is done
        elif completed is not None and status in (PROGRESS_ONGOING, PROGRESS_NOT_STARTED):
            problems.append(report_problem("date-not-done", file, PROGRESS_SHEET, row_number,
                                     columns["Ngày hoàn thành"], value=_vn(completed), status=status))
            completed = None

        def text(name: str, row: int = row_number) -> str:
            return clean_text(value(name), problems, file=file, sheet=PROGRESS_SHEET, row=row,
                              column=columns[name])

        report.progress[code] = ProgressEntry.model_construct(  # every value is already checked
            task_code=code, role=assigned[code], status=status, completed_on=completed,
            result=text("Kết quả"), difficulties=text("Khó khăn, vướng mắc"), note=text("Ghi chú"),
            row=row_number,
        )
    if not earlier_plan:  # an earlier plan's template lacks the tasks added since: said once already
        for code in assigned:
            if code not in report.progress:
                problems.append(report_problem("missing-task", file, PROGRESS_SHEET, None, None, value=code))
    return filled


@functools.lru_cache(maxsize=1024)
def _progress_choice(text: str) -> str | None:
    """The "Tình trạng" choice a cell's text means, however it is typed (None: not a choice)."""
    return {fold(c): c for c in PROGRESS_CHOICES}.get(fold(text))


def _read_stats(sheets: dict[str, list[list[object]]], plan: Plan, report: UnitReport,
                problems: list[Problem]) -> bool:
    """Read the "Số liệu" counts into ``report.stats``; True when any count cell is filled in."""
    rows = find_sheet(sheets, STATS_SHEET)
    if rows is None:
        raise missing_sheet(sheets, STATS_SHEET)
    found = find_header(rows, [STATS_FORM_HEADER], first=1)
    index = PlanIndex.of(plan)
    years = index.years
    if found is None:
        raise ReportRejected("changed-layout", f'Sheet "{STATS_SHEET}" không có cột "{STATS_FORM_HEADER}".')
    header_row, columns = found
    form_column = columns[STATS_FORM_HEADER]
    year_columns: dict[int, int] = {}
    unused: list[tuple[int, int, str, dict[str, object]]] = []  # year columns not read, with why
    total_column = None
    for column, value in enumerate(rows[header_row - 1], start=1):
        year: int | None = None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            year = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            year = int(value.strip())
        elif header_key(value) == header_key(STATS_TOTAL_HEADER):
            total_column = column
        if year is None:
            continue
        if year in year_columns:
            unused.append((year, column, "duplicate-year", {"first": column_letter(year_columns[year])}))
        else:
            year_columns[year] = column
            if year not in years:
                unused.append((year, column, "unknown-year", {"first": years[0], "last": years[-1]}))
    missing = [y for y in years if y not in year_columns]
    if missing:
        listed = ", ".join(map(str, missing))
        raise ReportRejected("changed-layout", f'Sheet "{STATS_SHEET}" thiếu cột năm {listed}.')
    for year, column, code, fields in unused:
        if any(cell_at(rows, row, column) not in (None, "") for row in range(header_row + 1, len(rows) + 1)):
            problems.append(report_problem(code, report.file, STATS_SHEET, header_row, column, value=year,
                                     **fields))
    wanted = [(y, c) for y, c in year_columns.items() if y in years]
    if _read_stats_fast(rows, header_row, form_column, wanted, total_column, index, report, problems):
        return bool(report.stats)
    forms, levels = index.forms, index.levels
    file = report.file
    first_row: dict[str, int] = {}
    filled = False
    for row_number, row in enumerate(rows[header_row:], start=header_row + 1):
        width = len(row)
        label = row[form_column - 1] if form_column <= width else None
        key = header_key(label)
        if not key or key in levels:
            continue
        name = forms.get(key)
        raws = [(y, c, row[c - 1] if c <= width else None) for y, c in wanted]
        given = any(typed_in(raw) for _y, _c, raw in raws)
        filled = filled or given
        if name is None:
            if given:
                problems.append(report_problem("unknown-form", file, STATS_SHEET, row_number, form_column,
                                         value=clean(label)))
            continue
        if name in first_row:
            if given:
                problems.append(report_problem("duplicate-form", file, STATS_SHEET, row_number, form_column,
                                         value=name, first=first_row[name]))
            continue
        first_row[name] = row_number
        counts: dict[int, int] = {}
        for year, column, raw in raws:
            if isinstance(raw, float) and raw >= 0 and raw.is_integer():
                counts[year] = int(raw)  # the common case, fast
                continue
            number = _read_count(raw, problems, file, row_number, column)
            if number is not None:
                counts[year] = number
        report.stats[name] = counts
        if total_column is not None:
            _check_total(row, width, total_column, counts, len(raws), problems, file, row_number)
    for name in forms.values():
        if name not in first_row:
            problems.append(report_problem("missing-form", file, STATS_SHEET, None, None, value=name))
    return filled


_FLOAT_ONLY = {float}


def _read_stats_fast(rows: list[list[object]], header_row: int, form_column: int,
                     wanted: list[tuple[int, int]],
                     total_column: int | None, index: PlanIndex, report: UnitReport,
                     problems: list[Problem]) -> bool:
    """The usual report, read a block at a time: True when done, False to go row by row.

    Usual: the labels are those of a known layout and every count is a whole number >= 0
    as calamine gives it (a float), checked in C loops (NaN and infinity fail ``is_integer``).
    """
    if len(wanted) < 2:
        return False
    body = rows[header_row:]
    label_at = form_column - 1
    layout = index.stats_layout(tuple([row[label_at] if len(row) > label_at else None for row in body]))
    picked = [body[offset] for offset, _name in layout.forms]
    if not picked or min(map(len, picked)) < max(c for _y, c in wanted):
        return False
    values = list(map(operator.itemgetter(*(c - 1 for _y, c in wanted)), picked))
    flat = list(itertools.chain.from_iterable(values))
    if set(map(type, flat)) != _FLOAT_ONLY or min(flat) < 0 or not all(map(float.is_integer, flat)):
        return False
    file = report.file
    def counts_given(row: list[object]) -> bool:
        return any(row[c - 1] not in (None, "") for _y, c in wanted if c <= len(row))

    for offset in layout.unknown:
        row = body[offset]
        if counts_given(row):
            problems.append(report_problem("unknown-form", file, STATS_SHEET, header_row + 1 + offset,
                                           form_column, value=clean(row[label_at])))
    for offset, name, first in layout.repeated:
        row = body[offset]
        if counts_given(row):
            problems.append(report_problem("duplicate-form", file, STATS_SHEET, header_row + 1 + offset,
                                     form_column, value=name, first=header_row + 1 + first))
    years = [y for y, _c in wanted]
    whole = list(map(int, flat))
    counts = iter(whole)  # zip takes a year first: it stops after the form's last year
    report.stats.update({name: dict(zip(years, counts, strict=False)) for _offset, name in layout.forms})
    if total_column is not None:
        at = total_column - 1
        cached = [row[at] if len(row) > at else None for row in picked]
        sums = list(map(sum, values))
        if any(type(c) in (int, float) and c != s for c, s in zip(cached, sums, strict=True)):
            for (offset, name), row in zip(layout.forms, picked, strict=True):
                _check_total(row, len(row), total_column, report.stats[name], len(wanted), problems, file,
                             header_row + 1 + offset)
    for name in layout.missing:
        problems.append(report_problem("missing-form", file, STATS_SHEET, None, None, value=name))
    return True


def _check_total(row: list[object], width: int, total_column: int, counts: dict[int, int], year_count: int,
                 problems: list[Problem], file: str, row_number: int) -> None:
    """A "Tổng" cell whose cached value disagrees with the year cells it sums (when all were read)."""
    cached = row[total_column - 1] if total_column <= width else None
    expected = sum(counts.values())
    if isinstance(cached, (int, float)) and not isinstance(cached, bool) and cached != expected \
            and len(counts) == year_count:
        problems.append(report_problem("total-mismatch", file, STATS_SHEET, row_number, total_column,
                                 value=_number_text(cached), expected=expected))


def _number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _read_count(raw: object, problems: list[Problem], file: str, row: int, column: int) -> int | None:
    if unusable_cell(raw, problems, file, STATS_SHEET, row, column):
        return None
    if raw is None or raw == "":
        return 0
    if isinstance(raw, (bool, date, datetime)):
        problems.append(report_problem("text-in-number", file, STATS_SHEET, row, column, value=str(raw)))
        return None
    if isinstance(raw, (int, float)):
        if raw != raw:  # NaN
            problems.append(report_problem("text-in-number", file, STATS_SHEET, row, column, value="NaN"))
            return None
        if not float(raw).is_integer():
            problems.append(report_problem("not-whole-number", file, STATS_SHEET, row, column, value=raw))
            return None
        if raw < 0:
            problems.append(report_problem("negative-number", file, STATS_SHEET, row, column,
                                     value=_number_text(raw)))
            return None
        return int(raw)
    text = clean(raw)
    if re.fullmatch(r"-?(\d+([.,]0+)?|\d{1,3}([.,]\d{3})+)", text.replace(" ", "")):  # "12", "1.234"
        problems.append(report_problem("number-as-text", file, STATS_SHEET, row, column, value=text))
    else:
        problems.append(report_problem("text-in-number", file, STATS_SHEET, row, column, value=text))
    return None


def share_plan_keys(report: UnitReport, plan: Plan) -> None:
    """Make a report that came from another process use the plan's year objects and interned
    form names as the keys of its counts.

    Unpickled, each of thousands of reports would hold its own copy of every year (ints
    above 256 are not shared) and form name: tens of MB per thousand reports.
    """
    years = PlanIndex.of(plan).shared_years
    report.stats = {sys.intern(name): {years.get(year, year): count for year, count in counts.items()}
                    for name, counts in report.stats.items()}
