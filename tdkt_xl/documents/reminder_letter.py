"""The công văn đôn đốc: the letter that chases the units whose report is missing, rejected or late.

A công văn laid out as Nghị định 30/2020/NĐ-CP asks (:mod:`tdkt_xl.documents.admin_document`: the
header block with "V/v đôn đốc gửi báo cáo …" under the number, "Kính gửi", the body, "Nơi nhận"
and the signature), listing under one heading each the units that have not reported, those whose
files were all rejected (each file, why, and what to send again) and those that reported after the
deadline ("Hạn nộp báo cáo" of the plan's "Cấu hình" sheet), with each unit's e-mail address (or
that it has none). What the data cannot give (the new deadline, the number) is left to fill in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from tdkt_xl.consolidation.aggregate import (
    NOT_SUBMITTED,
    Consolidation,
    FileOutcome,
    UnitSubmission,
    to_chase,
)
from tdkt_xl.documents.admin_document import (
    add_closing,
    add_heading,
    add_placeholder,
    add_run,
    body_paragraph,
    format_count,
    issuer_from_plan,
    new_admin_document,
    save_document,
)
from tdkt_xl.documents.report_tables import add_table
from tdkt_xl.plans.models import Plan

HEADINGS = {
    "missing": "{n}. Các cơ quan, đơn vị chưa gửi báo cáo",
    "rejected": "{n}. Các cơ quan, đơn vị có tệp báo cáo bị loại (đề nghị sửa và gửi lại)",
    "late": "{n}. Các cơ quan, đơn vị gửi báo cáo sau thời hạn",
}
NO_ADDRESS = "(chưa có địa chỉ thư điện tử)"
NEW_DEADLINE_PLACEHOLDER = "[ngày … tháng … năm …]"
EMAIL_PLACEHOLDER = "[địa chỉ thư điện tử nhận báo cáo]"
_STATES = ("missing", "rejected", "late")


def vn_day(day: date | None) -> str:
    """dd/mm/yyyy.

    >>> vn_day(date(2024, 6, 5))
    '05/06/2024'
    """
    return day.strftime("%d/%m/%Y") if day else ""


def letter_summary(plan: Plan) -> str:
    """The trích yếu under the number.

    >>> letter_summary(Plan(year=2024))
    'V/v đôn đốc gửi báo cáo tiến độ và số liệu thi đua, khen thưởng năm 2024'
    """
    return f"V/v đôn đốc gửi báo cáo tiến độ và số liệu thi đua, khen thưởng năm {plan.year}"


def resend_advice(outcome: FileOutcome, unit_code: str) -> str:
    """What a unit whose file was rejected is to send again (said to the unit).

    >>> resend_advice(FileOutcome(file="thang6/SYT.xls", outcome="rejected"), "SYT")
    'Gửi lại: báo cáo lập trên mẫu SYT.xlsx đã gửi, lưu bằng Excel dạng .xlsx, thay cho tệp "SYT.xls".'
    """
    name = outcome.file.replace("\\", "/").rsplit("/", 1)[-1]
    return (f"Gửi lại: báo cáo lập trên mẫu {unit_code}.xlsx đã gửi, lưu bằng Excel dạng .xlsx, thay cho "
            f"tệp \"{name}\".")


@dataclass(frozen=True)
class ChaseCounts:
    """How many units were expected, reported, and are to be chased under each heading."""

    expected: int
    reported: int
    missing: int
    rejected: int
    late: int

    @classmethod
    def of(cls, result: Consolidation) -> ChaseCounts:
        states = [s.state for s in result.submissions]
        return cls(len(states), sum(1 for s in states if s not in NOT_SUBMITTED), states.count("missing"),
                   states.count("rejected"), states.count("late"))


def _opening(doc: DocxDocument, plan: Plan, result: Consolidation, body: str) -> None:
    """"Kính gửi", then what was asked and where it stands."""
    greeting = body_paragraph(doc)
    greeting.paragraph_format.first_line_indent = Mm(0)
    greeting.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(greeting, "Kính gửi: các cơ quan, đơn vị có tên tại danh sách dưới đây.")
    counts = ChaseCounts.of(result)
    deadline = result.report_deadline
    asked = body_paragraph(doc)
    add_run(asked, f"Thực hiện Kế hoạch công tác thi đua, khen thưởng năm {plan.year}, {body} đã đề nghị "
                   "các cơ quan, đơn vị gửi báo cáo tiến độ thực hiện nhiệm vụ và số liệu thi đua, khen "
                   "thưởng (lập trên mẫu báo cáo đã gửi kèm Kế hoạch)")
    if deadline is not None:
        add_run(asked, f", hạn nộp báo cáo là ngày {vn_day(deadline)}.")
    else:
        add_run(asked, ", hạn nộp báo cáo là ngày ")
        add_placeholder(asked, NEW_DEADLINE_PLACEHOLDER)
        add_run(asked, ".")
    now = body_paragraph(doc)
    add_run(now, f"Tính đến ngày {vn_day(result.as_of)}, {format_count(counts.reported)}/"
                 f"{format_count(counts.expected)} cơ quan, đơn vị đã gửi báo cáo; còn "
                 f"{format_count(counts.missing)} đơn vị chưa gửi, {format_count(counts.rejected)} đơn vị "
                 f"có tệp báo cáo bị loại và {format_count(counts.late)} đơn vị gửi sau thời hạn, cụ thể "
                 "như sau:")


def _address(item: UnitSubmission) -> str:
    return item.unit.email or NO_ADDRESS


def _rows(state: str, items: Sequence[UnitSubmission]) -> tuple[list[str], list[list[str]], list[float]]:
    """The header, rows and column widths (mm, the text's 165 mm) of one heading's table."""
    if state == "rejected":
        rows = [[str(number), item.unit.name, "\n".join(f.file for f in item.rejected),
                 "\n".join(f"{f.reason} {resend_advice(f, item.unit.code)}".strip() for f in item.rejected),
                 _address(item)]
                for number, item in enumerate(items, start=1)]
        return ["STT", "Cơ quan, đơn vị", "Tệp bị loại", "Lý do và việc cần làm", "Thư điện tử"], rows, \
            [14, 33, 28, 58, 32]
    if state == "late":
        rows = [[str(number), item.unit.name,
                 vn_day(item.report.submitted_on) if item.report and item.report.submitted_on else "",
                 _address(item)] for number, item in enumerate(items, start=1)]
        return ["STT", "Cơ quan, đơn vị", "Ngày lập báo cáo", "Thư điện tử"], rows, [14, 81, 30, 40]
    rows = [[str(number), item.unit.name, _address(item)] for number, item in enumerate(items, start=1)]
    return ["STT", "Cơ quan, đơn vị", "Thư điện tử"], rows, [14, 101, 50]


def _lists(doc: DocxDocument, result: Consolidation) -> None:
    """A heading and a table for each kind of unit to chase (or "Không có.")."""
    chased = to_chase(result.submissions)
    for number, state in enumerate(_STATES, start=1):
        add_heading(doc, HEADINGS[state].format(n=number), 2)
        items = [item for item in chased if item.state == state]
        if not items:
            body_paragraph(doc, "Không có.", italic=True)
            continue
        header, rows, widths = _rows(state, items)
        add_table(doc, header, rows, [Mm(width) for width in widths], left_columns={1, 2, 3, 4})
        body_paragraph(doc)


def _request(doc: DocxDocument, result: Consolidation, body: str) -> None:
    """What is asked of each kind of unit, and by when."""
    counts = ChaseCounts.of(result)
    ask = body_paragraph(doc)
    add_run(ask, f"{body[:1].upper()}{body[1:]} đề nghị các cơ quan, đơn vị chưa gửi báo cáo khẩn trương gửi "
                 "báo cáo trước ngày ")
    add_placeholder(ask, NEW_DEADLINE_PLACEHOLDER)
    add_run(ask, "; ")
    if counts.rejected:
        add_run(ask, "các đơn vị có tệp báo cáo bị loại sửa theo lý do nêu tại mục 2, lập lại báo cáo trên "
                     "mẫu đã gửi (tệp <mã đơn vị>.xlsx, không đổi tên sheet và tiêu đề cột) và gửi lại; ")
    add_run(ask, "các đơn vị gửi báo cáo muộn lưu ý bảo đảm thời hạn ở các kỳ báo cáo sau.")
    send = body_paragraph(doc)
    add_run(send, "Báo cáo gửi qua thư điện tử: ")
    add_placeholder(send, EMAIL_PLACEHOLDER)
    add_run(send, ".")
    body_paragraph(doc, "Trân trọng./.")


def reminder_document(plan: Plan, result: Consolidation, *, issued_on: date | None = None) -> DocxDocument:
    """The công văn đôn đốc of ``result`` (the consolidation of ``plan``'s inbox)."""
    issuer = issuer_from_plan(plan)
    body = issuer.body or "cơ quan thường trực"
    doc = new_admin_document(issuer, "", letter_summary(plan), issued_on, issuer.abbreviation)
    _opening(doc, plan, result, body)
    _lists(doc, result)
    _request(doc, result, body)
    add_closing(doc, ["Như trên"], issuer.signer_title, issuer.signer_name)
    return doc


def write_reminder_letter(plan: Plan, result: Consolidation, out: Path, *,
                          issued_on: date | None = None) -> Path:
    """Write the công văn đôn đốc to ``out`` (atomically) and return it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    save_document(reminder_document(plan, result, issued_on=issued_on), out)
    return out
