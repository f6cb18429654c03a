"""Consolidate unit report workbooks into the master tổng hợp: the pure part.

Takes the plan and the cell values of every report (see
:mod:`tdkt_xl.intake.workers`), checks each one, and computes who reported, each
task's progress across units, and the commendation totals. Bad files are never
dropped: each is an outcome with its reason; problems confined to cells are
listed and only those cells are left out.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import operator
import re
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from tdkt_xl.errors import Problem, Severity, column_letter
from tdkt_xl.plans.commendation_forms import DEFAULT_FORMS
from tdkt_xl.plans.deadlines import parse_deadline
from tdkt_xl.plans.grids import ExcelError, FormulaWithoutValue
from tdkt_xl.plans.models import CommendationForm, Plan, Task
from tdkt_xl.plans.status import Status, task_status
from tdkt_xl.plans.text import clean, clean_lines, fold, fold_words
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
    ROLE_LEAD,
    ROLE_PARTNER,
    STATS_FORM_HEADER,
    STATS_SHEET,
    STATS_TOTAL_HEADER,
    TEMPLATE_VERSION,
    header_key,
    plan_id,
)

Outcome = Literal["accepted", "rejected", "superseded", "skipped"]
# Raised whenever the reading of a report changes what it gives (a rule added or fixed): the
# nightly ledger then reads again each file an earlier reader read (1: before it was counted;
# 2: before .ods reports were read, which were rejected with the code "ods").
READER_VERSION = 3
EXCEL_TEXT_LIMIT = 32_767
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Problems found in report files: code -> (severity, template).
REPORT_PROBLEMS: dict[str, tuple[Severity, str]] = {
    "no-identity": ("warning", "Không có thông tin nhận dạng mẫu (sheet ẩn \"{sheet}\"): tệp có thể không "
                               "được tạo từ mẫu của kế hoạch này; vẫn đọc theo sheet \"Thông tin\"."),
    "unknown-task": ("error", "Mã nhiệm vụ \"{value}\" không có trong kế hoạch (hoặc không giao cho đơn vị "
                              "này); dòng bị bỏ qua."),
    "bad-progress": ("error", "Tình trạng \"{value}\" không hợp lệ; chọn một trong: {choices}."),
    "date-as-text": ("error", "\"{value}\" là chữ, không phải ngày; nhập ngày dạng 15/06/2024 (ô định dạng "
                              "ngày)."),
    "not-a-date": ("error", "\"{value}\" không phải là ngày."),
    "number-as-text": ("error", "Số \"{value}\" được nhập dạng chữ; nhập lại dạng số."),
    "text-in-number": ("error", "Ô số liệu chứa chữ \"{value}\"; chỉ nhập số nguyên không âm."),
    "negative-number": ("error", "Số âm {value}; chỉ nhập số nguyên không âm."),
    "not-whole-number": ("error", "Số {value} không phải số nguyên."),
    "excel-error": ("error", "Ô có lỗi Excel {value}."),
    "total-mismatch": ("warning",
                       "Ô \"Tổng\" ghi {value} nhưng cộng các năm được {expected}; dùng {expected}."),
    "unknown-form": ("warning", "Dòng \"{value}\" không phải hình thức khen thưởng của mẫu; bị bỏ qua."),
    "missing-form": ("warning", "Thiếu dòng \"{value}\"; coi như không có số liệu."),
    "control-characters": ("warning", "Đã bỏ ký tự điều khiển không hợp lệ trong ô."),
    "text-too-long": ("warning", "Nội dung dài quá {limit} ký tự của Excel; đã cắt bớt."),
    "missing-unit-code": ("error", "Ô \"Mã đơn vị\" trống."),
    "duplicate-task": ("error", "Mã nhiệm vụ \"{value}\" đã có ở dòng {first}; dòng này bị bỏ qua."),
    "row-without-task": ("warning", "Dòng có nội dung nhưng không có mã nhiệm vụ; bị bỏ qua."),
    "missing-task": ("warning", "Nhiệm vụ {value} được giao cho đơn vị nhưng không có dòng trong sheet "
                                "\"{sheet}\"; coi như chưa báo cáo."),
    "date-not-done": ("warning", "Có ngày hoàn thành {value} nhưng tình trạng là \"{status}\"; ngày này "
                                 "không được tính."),
    "duplicate-form": ("error", "Dòng \"{value}\" đã có ở dòng {first}; số liệu dòng này không được cộng "
                                "(nếu là số bổ sung, cộng vào dòng {first})."),
    "duplicate-year": ("warning", "Cột năm {value} đã có ở cột {first}; số liệu cột này không được cộng."),
    "unknown-year": ("warning", "Cột năm {value} không thuộc các năm của mẫu ({first}–{last}); số liệu cột "
                                "này không được cộng."),
    "report-date-after-saved": ("warning", "Ngày lập {value} sau ngày tệp được lưu ({saved}): có thể nhập "
                                           "nhầm; dùng ngày lưu tệp."),
    "formula-no-value": ("error", "Ô có công thức {value} nhưng tệp không lưu kết quả của nó (tệp không "
                                  "được lưu bằng Excel): mở tệp bằng Excel, lưu lại rồi gửi. Ô này không "
                                  "được tính."),
    "earlier-plan": ("warning", "Mẫu báo cáo làm từ một phiên bản trước của kế hoạch này (mã {value}); "
                                "vẫn được tổng hợp. Nhiệm vụ giao thêm sau đó không có trong tệp: gửi "
                                "mẫu mới cho đơn vị nếu cần."),
}


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


class FileOutcome(BaseModel):
    """What happened to one file of the inbox."""

    file: str
    outcome: Outcome
    reason: str = ""
    code: str = ""
    unit_code: str | None = None
    problems: int = 0


STATE_LABELS = {"missing": "Chưa nộp", "late": "Nộp muộn", "on_time": "Nộp đúng hạn", "submitted": "Đã nộp"}


class UnitSubmission(BaseModel):
    """A unit of the plan and where its report stands."""

    unit: Unit
    state: Literal["missing", "late", "on_time", "submitted"]
    report: UnitReport | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


class TaskProgress(BaseModel):
    """A task's progress across the units that report on it."""

    task: Task
    units: list[str]
    done: int = 0
    ongoing: int = 0
    not_started: int = 0
    nothing: int = 0
    status: Status
    entries: dict[str, ProgressEntry] = Field(default_factory=dict)


class Consolidation(BaseModel):
    """The whole consolidation: what the master shows and the JSON summary says."""

    plan_file: str = ""
    as_of: date
    report_deadline: date | None = None
    years: list[int]
    forms: list[CommendationForm]
    submissions: list[UnitSubmission]
    tasks: list[TaskProgress]
    totals: dict[str, dict[int, int]]
    files: list[FileOutcome]
    reports: list[UnitReport]
    problems: list[Problem]
    timings: dict[str, float] = Field(default_factory=dict)  # seconds per phase

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome == "rejected"]

    def summary(self, master: str) -> dict[str, object]:
        """The ``consolidate --json`` summary."""
        def files(kind: Outcome) -> list[str]:
            return [f.file for f in self.files if f.outcome == kind]

        return {
            "units": {
                "expected": len(self.submissions),
                "submitted": sum(1 for s in self.submissions if s.state != "missing"),
                "late": [s.unit.code for s in self.submissions if s.state == "late"],
                "missing": [s.unit.code for s in self.submissions if s.state == "missing"],
            },
            "files": {
                "accepted": files("accepted"),
                "rejected": [{"file": f.file, "reason": f.reason} for f in self.rejected],
                "superseded": files("superseded"),
                "skipped": files("skipped"),
            },
            # the cell problems of the reports used (and superseded): file, sheet, cell, message
            "problems": [{"file": p.file, **p.as_json()} for p in self.problems],
            "totals": {form: {str(y): n for y, n in years.items()} for form, years in self.totals.items()},
            "master": master,
        }


@dataclass(frozen=True)
class _StatsLayout:
    forms: list[tuple[int, str]]  # (offset below the header, form name)
    unknown: list[int]  # offsets of rows whose label is not a form of the plan
    missing: list[str]  # forms of the plan with no row
    repeated: list[tuple[int, str, int]]  # (offset, form name, offset of its first row)


class _PlanIndex:
    """What checking a report needs from the plan, computed once per plan (not once per file)."""

    _cache: ClassVar[dict[int, tuple[Plan, _PlanIndex]]] = {}

    def __init__(self, plan: Plan, identity: str | None = None) -> None:
        self.units = {u.code: u for u in plan.units or []}
        self.plan_id = identity or plan_id(plan)
        self.assigned: dict[str, dict[str, str]] = {}
        for task in plan.tasks:
            for ref in task.partners:
                if ref.code:
                    self.assigned.setdefault(ref.code, {})[task.code] = ROLE_PARTNER
            for ref in task.lead:  # lead wins when a unit is both
                if ref.code:
                    self.assigned.setdefault(ref.code, {})[task.code] = ROLE_LEAD
        forms = plan_forms(plan)
        self.forms = {header_key(f.name): f.name for f in forms}
        self.levels = {header_key(f.level) for f in forms}
        self.task_contents = {task.code: fold_words(task.content) for task in plan.tasks}
        self.years = plan_years(plan)
        self.shared_years = {year: year for year in self.years}
        self.stats_layouts: dict[tuple[object, ...], _StatsLayout] = {}

    # Units by their code or name folded: only for a code not typed as the plan has it (worked out
    # at the first such report: most runs have none, and a plan has thousands of units)
    @functools.cached_property
    def folded_units(self) -> dict[str, Unit]:
        return {fold(code): unit for code, unit in self.units.items()}

    @functools.cached_property
    def units_by_name(self) -> dict[str, Unit]:
        names: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            names.setdefault(fold(unit.name), []).append(unit)
        return {name: found[0] for name, found in names.items() if len(found) == 1 and name}

    def stats_layout(self, labels: tuple[object, ...]) -> _StatsLayout:
        """Which rows below the "Số liệu" header hold which form, for one column of labels (cached:
        every report made from the template has the same)."""
        layout = self.stats_layouts.get(labels)
        if layout is None:
            forms: list[tuple[int, str]] = []
            unknown: list[int] = []
            repeated: list[tuple[int, str, int]] = []
            first: dict[str, int] = {}
            for offset, label in enumerate(labels):
                key = header_key(label)
                if not key or key in self.levels:
                    continue
                name = self.forms.get(key)
                if name is None:
                    unknown.append(offset)
                elif name in first:
                    repeated.append((offset, name, first[name]))
                else:
                    first[name] = offset
                    forms.append((offset, name))
            layout = _StatsLayout(forms, unknown, [n for n in self.forms.values() if n not in first],
                                  repeated)
            if len(self.stats_layouts) >= 64:
                self.stats_layouts.clear()
            self.stats_layouts[labels] = layout
        return layout

    @classmethod
    def of(cls, plan: Plan, identity: str | None = None) -> _PlanIndex:
        cached = cls._cache.get(id(plan))
        if cached is not None and cached[0] is plan:
            return cached[1]
        index = cls(plan, identity)
        if len(cls._cache) >= 4:
            cls._cache.clear()
        cls._cache[id(plan)] = (plan, index)  # keeps the plan alive, so its id stays its own
        return index


def index_plan(plan: Plan, identity: str | None = None) -> str:
    """Work out now what checking reports against ``plan`` needs (done once per plan anyway;
    processes forked afterwards inherit it); returns the plan's id (``identity``: the
    :func:`~tdkt_xl.reports.layout.plan_id` the caller already has)."""
    return _PlanIndex.of(plan, identity).plan_id


class ReportRejected(Exception):
    """A report that cannot contribute at all (wrong plan, unknown unit, changed layout)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def clean_text(value: object, problems: list[Problem], *, file: str, sheet: str, row: int,
               column: int) -> str:
    """Text from a unit's cell, safe for the master: XML-forbidden characters removed, length cut."""
    if value is None:
        return ""
    if isinstance(value, FormulaWithoutValue):
        problems.append(_problem("formula-no-value", file, sheet, row, column, value=value.formula))
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    text = clean_lines(value)
    if _XML_FORBIDDEN.search(text):
        text = _XML_FORBIDDEN.sub("", text)
        problems.append(_problem("control-characters", file, sheet, row, column))
    if len(text) > EXCEL_TEXT_LIMIT:
        text = text[:EXCEL_TEXT_LIMIT]
        problems.append(_problem("text-too-long", file, sheet, row, column, limit=EXCEL_TEXT_LIMIT))
    return text


def _problem(code: str, file: str, sheet: str | None, row: int | None, column: int | None,
             **fields: object) -> Problem:
    severity, template = REPORT_PROBLEMS[code]
    return Problem(code=code, severity=severity,
                   message=template.format(sheet=sheet, **fields), file=file, sheet=sheet,
                   row=row, column=column)


def _cell(rows: list[list[object]], row: int, column: int) -> object:
    if row < 1 or row > len(rows):
        return None
    cells = rows[row - 1]
    return cells[column - 1] if 0 < column <= len(cells) else None


def _find_sheet(sheets: dict[str, list[list[object]]], name: str) -> list[list[object]] | None:
    if name in sheets:
        return sheets[name]
    key = header_key(name)
    return next((rows for sheet, rows in sheets.items() if header_key(sheet) == key), None)


def _missing_sheet(sheets: Iterable[str], name: str) -> ReportRejected:
    listed = ", ".join(f'"{s}"' for s in sheets if s != META_SHEET) or "(không có)"
    return ReportRejected("changed-layout",
                          f'Thiếu sheet "{name}" của mẫu báo cáo. Các sheet hiện có: {listed}.')


def _find_header(rows: list[list[object]], headers: Sequence[str], first: int = 1,
                 scan: int = 15) -> tuple[int, dict[str, int]] | None:
    wanted = {header_key(h): h for h in headers}
    for row in range(1, min(len(rows), scan) + 1):
        found: dict[str, int] = {}
        for column, value in enumerate(rows[row - 1], start=1):
            key = header_key(value)
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = column
        if len(found) >= first:
            return row, found
    return None


def _unusable(value: object, problems: list[Problem], file: str, sheet: str, row: int, column: int) -> bool:
    """An Excel error value, or a formula the file keeps no value of, in a cell read as a date, a
    status or a count: said for the cell; True then."""
    if isinstance(value, FormulaWithoutValue):
        problems.append(_problem("formula-no-value", file, sheet, row, column, value=value.formula))
    elif isinstance(value, ExcelError):
        problems.append(_problem("excel-error", file, sheet, row, column, value=str(value)))
    else:
        return False
    return True


def _given(value: object) -> bool:
    """Whether a unit typed something in the cell (a formula without a stored value counts).

    >>> _given(None), _given(""), _given(0.0), _given(FormulaWithoutValue.of("1+1"))
    (False, False, True, True)
    """
    return value not in (None, "") or isinstance(value, FormulaWithoutValue)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


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
    index = _PlanIndex.of(plan)
    units = index.units
    meta = sheets.get(META_SHEET)
    values: dict[str, str] = {}
    if meta is None:
        problems.append(_problem("no-identity", file, META_SHEET, None, None))
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
            problems.append(_problem("earlier-plan", file, META_SHEET, None, None, value=declared))
        if values.get("template_version") and values["template_version"] != TEMPLATE_VERSION:
            raise ReportRejected(
                "template-version",
                f"Mẫu báo cáo phiên bản {values['template_version']} không còn dùng được; "
                f"hãy dùng mẫu phiên bản {TEMPLATE_VERSION}.")

    info = _find_sheet(sheets, INFO_SHEET)
    if info is None:
        raise _missing_sheet(sheets, INFO_SHEET)
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
    if date_row and _given(date_value):
        report.report_date = _read_date(date_value, problems, file, INFO_SHEET, date_row, 2, plan.year)
        saved = modified.date() if modified else None
        if report.report_date and saved and report.report_date > saved + timedelta(days=1):
            problems.append(_problem("report-date-after-saved", file, INFO_SHEET, date_row, 2,
                                     value=_vn(report.report_date), saved=_vn(saved)))
            report.report_date = None

    filled = _read_progress(sheets, plan, report, problems,
                            earlier_plan=any(p.code == "earlier-plan" for p in problems))
    filled = _read_stats(sheets, plan, report, problems) or filled
    if not filled and not (report.author or report.phone or _given(date_value)):
        raise ReportRejected(
            "empty-report", "Tệp là mẫu báo cáo chưa điền (không có người lập, ngày lập, tình trạng "
                            "nhiệm vụ hay số liệu nào): đơn vị vẫn được coi là chưa nộp.")
    report.problems = problems
    return report


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_template_unit(unit: Unit, template_unit: str, labels: dict[str, tuple[int, object]],
                         index: _PlanIndex, code_row: int) -> None:
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


def _tasks_are_the_plans(sheets: dict[str, list[list[object]]], index: _PlanIndex) -> bool:
    """Whether each task the report lists is one of the plan's: same code, and the same content
    or nearly (a typo fixed in the plan since). A unit with no task lists none: its report gives
    only counts, which are the unit's whatever the plan."""
    try:
        rows, header_row, columns = _progress_table(sheets)
    except ReportRejected:
        return False
    listed = [(clean(_cell(rows, row, columns["Mã nhiệm vụ"])), _cell(rows, row, columns["Nội dung"]))
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


def _read_date(value: object, problems: list[Problem], file: str, sheet: str, row: int, column: int,
               year: int) -> date | None:
    found = _as_date(value)
    if found is not None or _unusable(value, problems, file, sheet, row, column):
        return found
    if isinstance(value, str):
        reading = parse_deadline(value, year)
        code = "date-as-text" if reading.due and reading.start == reading.due else "not-a-date"
        problems.append(_problem(code, file, sheet, row, column, value=clean(value)))
    else:
        problems.append(_problem("not-a-date", file, sheet, row, column, value=value))
    return None


def _progress_table(sheets: dict[str, list[list[object]]]) -> tuple[list[list[object]], int, dict[str, int]]:
    """The "Tiến độ" sheet's rows, its header row and the column of each header."""
    rows = _find_sheet(sheets, PROGRESS_SHEET)
    if rows is None:
        raise _missing_sheet(sheets, PROGRESS_SHEET)
    found = _find_header(rows, PROGRESS_HEADERS, first=len(PROGRESS_HEADERS))
    if found is None:
        expected = ", ".join(f'"{h}"' for h in PROGRESS_HEADERS)
        raise ReportRejected("changed-layout",
                             f'Sheet "{PROGRESS_SHEET}" không có dòng tiêu đề đúng mẫu ({expected}).')
    return rows, *found


def _read_progress(sheets: dict[str, list[list[object]]], plan: Plan, report: UnitReport,
                   problems: list[Problem], *, earlier_plan: bool = False) -> bool:
    """Read the "Tiến độ" rows into ``report.progress``; True when the unit filled in anything."""
    rows, header_row, columns = _progress_table(sheets)
    assigned = _PlanIndex.of(plan).assigned.get(report.unit_code, {})
    file = report.file
    inputs = [columns[name] for name in ("Tình trạng", "Ngày hoàn thành", "Kết quả", "Khó khăn, vướng mắc",
                                         "Ghi chú")]
    filled = False
    for row_number in range(header_row + 1, len(rows) + 1):
        def value(name: str, row: int = row_number) -> object:
            return _cell(rows, row, columns[name])

        given = any(_given(_cell(rows, row_number, column)) for column in inputs)
        filled = filled or given
        code = clean(value("Mã nhiệm vụ"))
        if not code:
            if given:
                problems.append(_problem("row-without-task", file, PROGRESS_SHEET, row_number,
                                         columns["Mã nhiệm vụ"]))
            continue
        if code not in assigned:
            problems.append(_problem("unknown-task", file, PROGRESS_SHEET, row_number,
                                     columns["Mã nhiệm vụ"], value=code))
            continue
        if code in report.progress:
            problems.append(_problem("duplicate-task", file, PROGRESS_SHEET, row_number,
                                     columns["Mã nhiệm vụ"], value=code, first=report.progress[code].row))
            continue
        raw_status = value("Tình trạng")
        status: str | None = None
        unusable = _unusable(raw_status, problems, file, PROGRESS_SHEET, row_number, columns["Tình trạng"])
        if not unusable and raw_status not in (None, ""):
            status = _progress_choice(raw_status) if isinstance(raw_status, str) else None
            if status is None:
                problems.append(_problem("bad-progress", file, PROGRESS_SHEET, row_number,
                                         columns["Tình trạng"], value=clean(raw_status),
                                         choices=", ".join(PROGRESS_CHOICES)))
        raw_date = value("Ngày hoàn thành")
        completed = None
        if _given(raw_date):
            completed = _read_date(raw_date, problems, file, PROGRESS_SHEET, row_number,
                                   columns["Ngày hoàn thành"], plan.year)
        if completed is not None and status is None and not _given(raw_status):
            status = PROGRESS_DONE  # a completion date alone says it is done
        elif completed is not None and status in (PROGRESS_ONGOING, PROGRESS_NOT_STARTED):
            problems.append(_problem("date-not-done", file, PROGRESS_SHEET, row_number,
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
                problems.append(_problem("missing-task", file, PROGRESS_SHEET, None, None, value=code))
    return filled


@functools.lru_cache(maxsize=1024)
def _progress_choice(text: str) -> str | None:
    """The "Tình trạng" choice a cell's text means, however it is typed (None: not a choice)."""
    return {fold(c): c for c in PROGRESS_CHOICES}.get(fold(text))


def plan_forms(plan: Plan) -> list[CommendationForm]:
    """The forms of commendation the plan's reports count."""
    return list(plan.forms or DEFAULT_FORMS)


def plan_years(plan: Plan) -> list[int]:
    """The years the reports give numbers for (Cấu hình, default 2014–2023)."""
    return list(range(plan.config.stats_from, plan.config.stats_to + 1))


def _read_stats(sheets: dict[str, list[list[object]]], plan: Plan, report: UnitReport,
                problems: list[Problem]) -> bool:
    """Read the "Số liệu" counts into ``report.stats``; True when any count cell is filled in."""
    rows = _find_sheet(sheets, STATS_SHEET)
    if rows is None:
        raise _missing_sheet(sheets, STATS_SHEET)
    found = _find_header(rows, [STATS_FORM_HEADER], first=1)
    index = _PlanIndex.of(plan)
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
        if any(_cell(rows, row, column) not in (None, "") for row in range(header_row + 1, len(rows) + 1)):
            problems.append(_problem(code, report.file, STATS_SHEET, header_row, column, value=year,
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
        given = any(_given(raw) for _y, _c, raw in raws)
        filled = filled or given
        if name is None:
            if given:
                problems.append(_problem("unknown-form", file, STATS_SHEET, row_number, form_column,
                                         value=clean(label)))
            continue
        if name in first_row:
            if given:
                problems.append(_problem("duplicate-form", file, STATS_SHEET, row_number, form_column,
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
            problems.append(_problem("missing-form", file, STATS_SHEET, None, None, value=name))
    return filled


_FLOAT_ONLY = {float}


def _read_stats_fast(rows: list[list[object]], header_row: int, form_column: int,
                     wanted: list[tuple[int, int]],
                     total_column: int | None, index: _PlanIndex, report: UnitReport,
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
            problems.append(_problem("unknown-form", file, STATS_SHEET, header_row + 1 + offset, form_column,
                                     value=clean(row[label_at])))
    for offset, name, first in layout.repeated:
        row = body[offset]
        if counts_given(row):
            problems.append(_problem("duplicate-form", file, STATS_SHEET, header_row + 1 + offset,
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
        problems.append(_problem("missing-form", file, STATS_SHEET, None, None, value=name))
    return True


def _check_total(row: list[object], width: int, total_column: int, counts: dict[int, int], year_count: int,
                 problems: list[Problem], file: str, row_number: int) -> None:
    """A "Tổng" cell whose cached value disagrees with the year cells it sums (when all were read)."""
    cached = row[total_column - 1] if total_column <= width else None
    expected = sum(counts.values())
    if isinstance(cached, (int, float)) and not isinstance(cached, bool) and cached != expected \
            and len(counts) == year_count:
        problems.append(_problem("total-mismatch", file, STATS_SHEET, row_number, total_column,
                                 value=_number_text(cached), expected=expected))


def _number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _read_count(raw: object, problems: list[Problem], file: str, row: int, column: int) -> int | None:
    if _unusable(raw, problems, file, STATS_SHEET, row, column):
        return None
    if raw is None or raw == "":
        return 0
    if isinstance(raw, (bool, date, datetime)):
        problems.append(_problem("text-in-number", file, STATS_SHEET, row, column, value=str(raw)))
        return None
    if isinstance(raw, (int, float)):
        if raw != raw:  # NaN
            problems.append(_problem("text-in-number", file, STATS_SHEET, row, column, value="NaN"))
            return None
        if not float(raw).is_integer():
            problems.append(_problem("not-whole-number", file, STATS_SHEET, row, column, value=raw))
            return None
        if raw < 0:
            problems.append(_problem("negative-number", file, STATS_SHEET, row, column,
                                     value=_number_text(raw)))
            return None
        return int(raw)
    text = clean(raw)
    if re.fullmatch(r"-?(\d+([.,]0+)?|\d{1,3}([.,]\d{3})+)", text.replace(" ", "")):  # "12", "1.234"
        problems.append(_problem("number-as-text", file, STATS_SHEET, row, column, value=text))
    else:
        problems.append(_problem("text-in-number", file, STATS_SHEET, row, column, value=text))
    return None


def share_plan_keys(report: UnitReport, plan: Plan) -> None:
    """Make a report that came from another process use the plan's year objects and interned
    form names as the keys of its counts.

    Unpickled, each of thousands of reports would hold its own copy of every year (ints
    above 256 are not shared) and form name: tens of MB per thousand reports.
    """
    years = _PlanIndex.of(plan).shared_years
    report.stats = {sys.intern(name): {years.get(year, year): count for year, count in counts.items()}
                    for name, counts in report.stats.items()}


# --- putting the reports together --------------------------------------------


def _totals(reports: Iterable[UnitReport], forms: list[str], years: list[int]) -> dict[str, dict[int, int]]:
    """Counts per form and year over the reports (a column at a time: thousands of reports).

    >>> r = UnitReport(file="a", unit_code="A", stats={"X": {2023: 2, 2024: 1}, "Y": {2024: 5}})
    >>> _totals([r, r], ["X", "Y"], [2023, 2024])
    {'X': {2023: 4, 2024: 2}, 'Y': {2023: 0, 2024: 10}}
    """
    pick = operator.itemgetter(*years)
    columns: dict[str, list[tuple[int, ...]]] = {name: [] for name in forms}
    for report in reports:  # one report's dicts after another: they sit together in memory
        for name, counts in report.stats.items():
            rows = columns.get(name)
            if rows is None or not counts:
                continue
            try:
                picked = pick(counts)
            except KeyError:  # a year left out (its cell had a problem): 0
                picked = tuple(counts.get(year, 0) for year in years)
            rows.append(picked if len(years) > 1 else (picked,))
    return {name: dict(zip(years, [sum(c) for c in zip(*rows, strict=True)] if rows else [0] * len(years),
                           strict=True))
            for name, rows in columns.items()}


def progress_counts(task: Task, entries: Mapping[str, Any], as_of: date, due_soon_days: int
                    ) -> tuple[list[str], int, int, int, int, Status]:
    """A task's units, how many of them report it done, ongoing, not started or nothing, and its
    status: done when every lead unit reports done. ``entries`` (unit -> its entry, anything with
    ``status`` and ``completed_on``) may hold other tasks' units too."""
    codes = [u.code for u in task.units if u.code]
    done = ongoing = not_started = nothing = 0
    for code in codes:
        entry = entries.get(code)
        if entry is None or entry.status is None:
            nothing += 1
        elif entry.status == PROGRESS_DONE:
            done += 1
        elif entry.status == PROGRESS_ONGOING:
            ongoing += 1
        elif entry.status == PROGRESS_NOT_STARTED:
            not_started += 1
    leads = [u.code for u in task.lead if u.code]
    lead_entries = [entries.get(code) for code in leads]
    lead_done = bool(leads) and all(e is not None and e.status == PROGRESS_DONE for e in lead_entries)
    completed = [e.completed_on for e in lead_entries if e is not None and e.completed_on]
    view = task.model_copy(update={
        "completed_on": max(completed) if lead_done and completed else None,
        "progress": PROGRESS_DONE if lead_done else "",
    })
    return codes, done, ongoing, not_started, nothing, task_status(view, as_of, due_soon_days).status


def task_progress(task: Task, entries: dict[str, ProgressEntry], as_of: date, due_soon_days: int
                  ) -> TaskProgress:
    """A task's counts across its units and its status: done when every lead unit reports done."""
    codes, done, ongoing, not_started, nothing, status = progress_counts(task, entries, as_of, due_soon_days)
    return TaskProgress(task=task, units=codes, status=status, entries=entries, done=done, ongoing=ongoing,
                        not_started=not_started, nothing=nothing)


class _Sent(Protocol):
    @property
    def unit_code(self) -> str: ...

    @property
    def file(self) -> str: ...

    @property
    def present(self) -> bool: ...

    @property
    def submitted_on(self) -> date | None: ...

    @property
    def modified(self) -> datetime | None: ...


_R = TypeVar("_R", bound=_Sent)


def choose_newest(reports: Iterable[_R]) -> tuple[dict[str, _R], list[_R]]:
    """Each unit's newest report, and the others (superseded, in the order they were passed by).

    The newer "Ngày lập" wins; a report without a readable one counts from its file's date (and
    of two alike, the file still in the inbox: a file moved into a subfolder, then the file name).
    """
    newest: dict[str, _R] = {}
    superseded: list[_R] = []
    for report in sorted(reports, key=lambda r: (r.submitted_on or date.min, r.modified or datetime.min,
                                                 r.present, r.file)):
        if report.unit_code in newest:
            superseded.append(newest[report.unit_code])
        newest[report.unit_code] = report
    return newest, superseded


def superseded_reason(unit_code: str, newer_file: str) -> str:
    return f"Đơn vị {unit_code} đã có báo cáo mới hơn: {newer_file}"


SubmissionState = Literal["missing", "late", "on_time", "submitted"]
SUBMISSION_ORDER = {"missing": 0, "late": 1, "submitted": 2, "on_time": 3}  # of the submissions sheet


def submission_state(submitted_on: date | None, deadline: date | None, found: bool) -> SubmissionState:
    """Where a unit's report stands: missing, late, on time, or submitted (no deadline or no date).

    >>> submission_state(date(2024, 6, 26), date(2024, 6, 25), True)
    'late'
    """
    if not found:
        return "missing"
    if deadline is None or submitted_on is None:
        return "submitted"
    return "late" if submitted_on > deadline else "on_time"


def consolidate(
    plan: Plan,
    reports: Sequence[UnitReport],
    outcomes: Sequence[FileOutcome],
    *,
    as_of: date,
    plan_file: str = "",
) -> Consolidation:
    """Choose each unit's newest report, and compute submissions, task progress and totals.

    ``reports`` are the readable reports (several may belong to one unit: the newer
    "Ngày lập", then file time, wins and the others are superseded); ``outcomes``
    are the rejected and skipped files.
    """
    newest, superseded = choose_newest(reports)
    files = list(outcomes)
    # model_construct: thousands of outcomes made of values already checked
    files += [FileOutcome.model_construct(file=r.file, outcome="accepted", reason="", code="",
                                          unit_code=r.unit_code, problems=len(r.problems))
              for r in newest.values()]
    files += [FileOutcome(file=r.file, outcome="superseded", unit_code=r.unit_code,
                          reason=superseded_reason(r.unit_code, newest[r.unit_code].file),
                          problems=len(r.problems)) for r in superseded]
    files.sort(key=lambda f: f.file)

    deadline = plan.config.report_deadline
    submissions: list[UnitSubmission] = []
    for unit in plan.units or []:
        if unit.is_group:
            continue
        found = newest.get(unit.code)
        state = submission_state(found.submitted_on if found else None, deadline, found is not None)
        submissions.append(UnitSubmission.model_construct(unit=unit, state=state, report=found))
    submissions.sort(key=lambda s: (SUBMISSION_ORDER[s.state], s.unit.code))

    by_task: dict[str, dict[str, ProgressEntry]] = {}
    for code, report in newest.items():
        for task_code, entry in report.progress.items():
            by_task.setdefault(task_code, {})[code] = entry
    tasks = [task_progress(task, by_task.get(task.code, {}), as_of, plan.config.due_soon_days)
             for task in plan.tasks]

    years = plan_years(plan)
    forms = plan_forms(plan)
    totals = _totals(newest.values(), [f.name for f in forms], years)

    problems = [p for r in newest.values() for p in r.problems]
    problems += [p for r in superseded for p in r.problems]
    return Consolidation(
        plan_file=plan_file, as_of=as_of, report_deadline=deadline, years=years, forms=forms,
        submissions=submissions, tasks=tasks, totals=totals, files=files,
        reports=list(newest.values()), problems=problems,
    )
