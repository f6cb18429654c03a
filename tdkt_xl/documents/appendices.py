"""The draft report's appendices: the units' submissions (who reported, on time or late, who did
not, which files were rejected and why) and each task's progress across its units."""

from __future__ import annotations

from datetime import date

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.documents.admin_document import PAGE_HEIGHT, PAGE_WIDTH, add_run, format_count
from tdkt_xl.documents.report_tables import add_table
from tdkt_xl.plans.cell_text import vn_date
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import fold

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def start_appendices(doc: DocxDocument) -> None:
    """A new section for the appendices, A4 landscape (their tables are wide), the same margins,
    the page number on every page."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
    section.different_first_page_header_footer = False


def appendix_title(doc: DocxDocument, number: int, title: str, attached_to: str) -> None:
    """"Phụ lục I", its title in capitals, "(Kèm theo …)" in italics; from the second appendix
    on a new page."""
    if number > 1:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    label = f"Phụ lục {ROMAN[number - 1] if number <= len(ROMAN) else number}"
    lines = ((label, True, False), (title.upper(), True, False), (attached_to, False, True))
    for text, bold, italic in lines:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Cm(0)
        paragraph.paragraph_format.space_after = Pt(3)
        add_run(paragraph, text, bold=bold, italic=italic)


def _sentence(doc: DocxDocument, text: str, *, keep_with_table: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.keep_with_next = keep_with_table
    add_run(paragraph, text)


def rejected_by_unit(plan: Plan, consolidation: Consolidation) -> dict[str, list[str]]:
    """Unit code -> "file: reason" of its rejected files; a file that could not be read at all
    belongs to the unit whose code is its name ("PPCTT.xlsx")."""
    codes = {fold(u.code): u.code for u in plan.units or []}
    found: dict[str, list[str]] = {}
    for outcome in consolidation.rejected:
        stem = outcome.file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        code = outcome.unit_code or codes.get(fold(stem))
        if code:
            found.setdefault(code, []).append(f"{outcome.file}: {outcome.reason}")
    return found


def submission_counts(consolidation: Consolidation) -> dict[str, int]:
    """How many units are in each state, and how many files were rejected."""
    counts = {state: 0 for state in ("on_time", "late", "submitted", "missing")}
    for submission in consolidation.submissions:
        counts[submission.state] += 1
    counts["rejected"] = len(consolidation.rejected)
    return counts


def add_submissions(doc: DocxDocument, plan: Plan, consolidation: Consolidation) -> None:
    """A sentence of counts, the table of units, and the table of rejected files."""
    counts = submission_counts(consolidation)
    expected = len(consolidation.submissions)
    reported = expected - counts["missing"]
    deadline = consolidation.report_deadline
    parts = [f"{format_count(counts['on_time'])} đúng hạn", f"{format_count(counts['late'])} nộp muộn"]
    if counts["submitted"]:
        parts.append(f"{format_count(counts['submitted'])} chưa xác định được ngày nộp")
    _sentence(doc, keep_with_table=True, text=(f"Tổng số {format_count(expected)} đơn vị phải báo cáo"
                    + (f" (hạn nộp {vn_date(deadline)})" if deadline else "")
                    + f": {format_count(reported)} đơn vị đã nộp ({', '.join(parts)}); "
                    f"{format_count(counts['missing'])} đơn vị chưa nộp; "
                    f"{format_count(counts['rejected'])} tệp bị từ chối."))
    rejected = rejected_by_unit(plan, consolidation)
    rows = []
    for number, submission in enumerate(consolidation.submissions, start=1):
        report = submission.report
        made = report.submitted_on if report is not None else None
        note = "; ".join(rejected.get(submission.unit.code, []))
        if submission.state == "late" and made and deadline:
            note = "; ".join(n for n in (f"muộn {(made - deadline).days} ngày", note) if n)
        rows.append([str(number), submission.unit.name, submission.label, vn_date(made) if made else "",
                     note])
    add_table(doc, ["STT", "Đơn vị", "Tình trạng", "Ngày lập báo cáo", "Ghi chú"], rows,
              [Cm(1.2), Cm(8.0), Cm(3.0), Cm(3.0), Cm(10.0)], left_columns={1, 4})
    if consolidation.rejected:
        _sentence(doc, "Các tệp bị từ chối (đơn vị cần gửi lại):", keep_with_table=True)
        rows = [[str(n), f.file, f.unit_code or "", f.reason]
                for n, f in enumerate(consolidation.rejected, start=1)]
        add_table(doc, ["STT", "Tệp", "Đơn vị", "Lý do"], rows, [Cm(1.2), Cm(7.0), Cm(4.0), Cm(13.0)],
                  left_columns={1, 3})


def _due(deadline_due: date | None, text: str) -> str:
    return vn_date(deadline_due) if deadline_due else text


def add_task_progress(doc: DocxDocument, consolidation: Consolidation) -> None:
    """Each task: its deadline, how many of its units report it done, ongoing, not started, or
    nothing, and its status on the day of the consolidation."""
    _sentence(doc, f"Tình hình thực hiện các nhiệm vụ theo báo cáo của các đơn vị, tính đến ngày "
                   f"{vn_date(consolidation.as_of)}.", keep_with_table=True)
    rows: list[list[str]] = []
    sheet_rows: set[int] = set()
    several_sheets = len({p.task.sheet for p in consolidation.tasks}) > 1
    sheet = None
    for number, progress in enumerate(consolidation.tasks, start=1):
        task = progress.task
        if several_sheets and task.sheet != sheet:
            sheet = task.sheet
            sheet_rows.add(len(rows))
            rows.append(["", f"Sheet {sheet}", "", "", "", "", "", "", ""])
        rows.append([str(number), f"{task.number}. {task.content}".strip(". "),
                     _due(task.deadline.due, task.deadline_text), format_count(len(progress.units)),
                     format_count(progress.done), format_count(progress.ongoing),
                     format_count(progress.not_started), format_count(progress.nothing),
                     str(progress.status)])
    add_table(doc, ["STT", "Nhiệm vụ", "Hạn", "Số đơn vị", "Hoàn thành", "Đang thực hiện", "Chưa thực hiện",
                    "Chưa báo cáo", "Tình trạng"], rows,
              [Cm(1.2), Cm(9.4), Cm(2.6), Cm(1.6), Cm(1.9), Cm(1.9), Cm(1.9), Cm(1.9), Cm(2.8)],
              left_columns={1}, bold_rows=sheet_rows)
