"""What the Excel buttons write and say, as plain values: pure, no xlwings.

The handlers in :mod:`tdkt_xl.excel.handlers` turn these rows and texts into a few
batched writes; keeping them here lets them be tested without Excel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from tdkt_xl.errors import quoted_sheet_name
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import Status, TaskStatus, count_by_status, problem_counts

if TYPE_CHECKING:  # (imported where used: a plan's buttons, "Kiểm tra" first, do without them)
    from tdkt_xl.consolidation.aggregate import Consolidation, UnitSubmission

REMINDER_SHEET = "Đôn đốc"
HELP_SHEET = "Hướng dẫn"
REMINDER_HEADERS = ("STT", "Mã đơn vị", "Tên đơn vị", "Tình hình", "Ngày nộp", "Email", "Tệp bị loại, lý do")
REMINDER_HEADER_ROW = 4
REMINDER_WIDTHS = (6, 14, 45, 20, 12, 32, 50)

MAX_LISTED = 5  # files or units named in a message box; the rest are counted

_FORMULA_START = ("=", "+", "-", "@")
_LOOKS_LIKE_NUMBER = re.compile(r"^\s*[-+]?[\d.,/:%\s]+\s*$")


def vn_date(day: date | None) -> str:
    """``dd/mm/yyyy``, or "" for no day.

    >>> vn_date(date(2024, 6, 25))
    '25/06/2024'
    """
    return day.strftime("%d/%m/%Y") if day else ""


def as_text(value: str) -> str:
    """Text that Excel keeps as typed: an apostrophe before text Excel would read as a formula,
    a number or a date.

    >>> as_text("=HYPERLINK(1)"), as_text("15/6"), as_text("Phòng I")
    ("'=HYPERLINK(1)", "'15/6", 'Phòng I')
    """
    if value.startswith(_FORMULA_START) or (value and _LOOKS_LIKE_NUMBER.match(value)):
        return "'" + value
    return value


def excel_string(text: str) -> str:
    """A string literal for an Excel formula.

    >>> print(excel_string('Ban "A" 1'))
    "Ban ""A"" 1"
    """
    return '"' + text.replace('"', '""') + '"'


def link_formula(sheet: str, cell: str, *, whole_row: bool = False) -> str:
    """A HYPERLINK formula that jumps to ``cell`` of ``sheet`` and shows its address ("B7", or
    "7:7" for a ``whole_row``).

    The address is worked out from a real reference to the cell, so when the user inserts or
    deletes rows or columns, Excel moves the reference and the link and its text follow the
    cell (the next Kiểm tra reads its marks from that text); a deleted cell shows #REF!.

    >>> print(link_formula("PL", "B7"))
    =HYPERLINK("#'PL'!"&ADDRESS(ROW('PL'!B7),COLUMN('PL'!B7),4),ADDRESS(ROW('PL'!B7),COLUMN('PL'!B7),4))
    >>> print(link_formula("PL", "A7", whole_row=True))
    =HYPERLINK("#'PL'!"&ADDRESS(ROW('PL'!A7),1,4),ROW('PL'!A7)&":"&ROW('PL'!A7))
    """
    quoted = quoted_sheet_name(sheet)
    reference = f"{quoted}!{cell}"
    if whole_row:
        target = f"ADDRESS(ROW({reference}),1,4)"
        label = f'ROW({reference})&":"&ROW({reference})'
    else:
        target = label = f"ADDRESS(ROW({reference}),COLUMN({reference}),4)"
    return f"=HYPERLINK({excel_string(f'#{quoted}!')}&{target},{label})"


def listed(items: Sequence[str], limit: int = MAX_LISTED) -> str:
    """The first ``limit`` items, then "và N … khác".

    >>> listed(["A", "B", "C"], 2)
    'A, B và 1 mục khác'
    """
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} và {len(items) - limit} mục khác"


# --- message boxes -------------------------------------------------------------


def check_message(plan: Plan, statuses: Sequence[TaskStatus], sheet: str) -> str:
    """What Kiểm tra says when done.

    >>> check_message(Plan(year=2024), [], "Kết quả kiểm tra")
    'Kiểm tra xong: 0 lỗi, 0 cảnh báo; 0 nhiệm vụ. Sổ kế hoạch hợp lệ.'
    """
    errors, warnings = problem_counts(plan.problems)
    text = f"Kiểm tra xong: {errors} lỗi, {warnings} cảnh báo; {len(statuses)} nhiệm vụ."
    if errors:
        text += (f' Các ô có lỗi được tô đỏ (cảnh báo tô vàng) và có ghi chú; sheet "{sheet}" '
                 "liệt kê từng lỗi, bấm vào địa chỉ ô để đến ô đó. Sửa xong bấm Kiểm tra lại.")
    elif warnings:
        text += f' Sổ kế hoạch hợp lệ; xem các cảnh báo ở sheet "{sheet}".'
    else:
        text += " Sổ kế hoạch hợp lệ."
    return text


def status_message(plan: Plan, statuses: Sequence[TaskStatus], as_of: date) -> str:
    """What Cập nhật trạng thái says when done.

    >>> status_message(Plan(year=2024), [], date(2024, 7, 1))
    'Đã cập nhật trạng thái 0 nhiệm vụ, tính đến ngày 01/07/2024.'
    """
    counts = count_by_status(list(statuses))
    parts = [f"{status.value} {n}" for status, n in counts.items() if n]
    text = f"Đã cập nhật trạng thái {len(statuses)} nhiệm vụ, tính đến ngày {vn_date(as_of)}."
    if parts:
        text += " " + ", ".join(parts) + "."
    if counts[Status.OVERDUE]:
        text += f" Có {counts[Status.OVERDUE]} nhiệm vụ quá hạn (tô đỏ)."
    errors, _ = problem_counts(plan.problems)
    if errors:
        text += f" Sổ kế hoạch còn {errors} lỗi: bấm Kiểm tra để xem."
    return text


def consolidation_message(result: Consolidation, master: str) -> str:
    """What Tổng hợp says: units submitted, late and missing; files used, rejected and skipped."""
    from tdkt_xl.consolidation.aggregate import NOT_SUBMITTED

    submitted = [s for s in result.submissions if s.state not in NOT_SUBMITTED]
    late = [s.unit.code for s in result.submissions if s.state == "late"]
    missing = [s.unit.code for s in result.submissions if s.state == "missing"]
    refused = [s.unit.code for s in result.submissions if s.state == "rejected"]
    counts = {kind: sum(1 for f in result.files if f.outcome == kind)
              for kind in ("accepted", "rejected", "superseded", "skipped")}
    lines = [f"Tổng hợp xong, tính đến ngày {vn_date(result.as_of)}"
             + (f" (hạn nộp {vn_date(result.report_deadline)})." if result.report_deadline else "."),
             f"Đơn vị: {len(submitted)}/{len(result.submissions)} đã nộp"
             + (f", {len(late)} nộp muộn ({listed(late)})" if late else "")
             + (f", {len(missing)} chưa nộp ({listed(missing)})" if missing else "")
             + (f", {len(refused)} có tệp bị loại ({listed(refused)})" if refused else "") + ".",
             f"Tệp: {counts['accepted']} được dùng, {counts['rejected']} bị loại, "
             f"{counts['superseded']} bị thay bằng bản mới hơn, {counts['skipped']} bỏ qua."]
    rejected = [f for f in result.files if f.outcome == "rejected"]
    for outcome in rejected[:MAX_LISTED]:
        lines.append(f"Bị loại: {outcome.file}: {_short(outcome.reason, 160)}")
    if len(rejected) > MAX_LISTED:
        lines.append(f"… và {len(rejected) - MAX_LISTED} tệp bị loại khác.")
    if result.problems:
        errors = sum(1 for p in result.problems if p.severity == "error")
        lines.append(f"Lỗi trong ô: {errors} lỗi, {len(result.problems) - errors} cảnh báo.")
    lines.append(f'Sổ tổng hợp: {master} (xem các sheet "Tình hình nộp báo cáo" và "Lỗi").')
    return "\n".join(lines)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the "Đôn đốc" sheet -------------------------------------------------------


def to_remind(result: Consolidation) -> list[UnitSubmission]:
    """Units that have not reported, then those whose files were all rejected, then those that
    reported late."""
    from tdkt_xl.consolidation.aggregate import to_chase

    return to_chase(result.submissions)


def rejected_reasons(item: UnitSubmission) -> str:
    """The files of a unit that were rejected, and why ("" when none)."""
    return "\n".join(f"{f.file}: {f.reason}" if f.reason else f.file for f in item.rejected)


def reminder_text(result: Consolidation, plan_year: int) -> str:
    """A short reminder to paste into an e-mail.

    >>> from tdkt_xl.consolidation.aggregate import Consolidation
    >>> r = Consolidation(as_of=date(2024, 7, 1), report_deadline=date(2024, 6, 25), years=[],
    ...                   forms=[], submissions=[], tasks=[], totals={}, files=[], reports=[],
    ...                   problems=[])
    >>> reminder_text(r, 2024).splitlines()[0]
    'Kính gửi các đơn vị,'
    """
    deadline = result.report_deadline
    when = f"hạn nộp là ngày {vn_date(deadline)}" if deadline else "đã đến kỳ báo cáo"
    overdue = deadline is not None and result.as_of > deadline
    urge = "đã quá hạn, đề nghị gửi ngay" if overdue else "đề nghị gửi đúng hạn"
    return (
        "Kính gửi các đơn vị,\n"
        f"Thực hiện Kế hoạch công tác thi đua, khen thưởng năm {plan_year}, Ban Thi đua - Khen "
        f"thưởng đề nghị các đơn vị gửi báo cáo tiến độ và số liệu thi đua, khen thưởng ({when}).\n"
        f"Tính đến ngày {vn_date(result.as_of)}, đơn vị chưa gửi báo cáo ({urge}); "
        "đơn vị có tệp bị loại đề nghị sửa theo lý do nêu trong danh sách và gửi lại; "
        "đơn vị gửi muộn lưu ý gửi đúng hạn ở các kỳ sau.\n"
        "Báo cáo lập trên mẫu đã gửi (tệp <mã đơn vị>.xlsx), không đổi tên sheet và tiêu đề cột.\n"
        "Trân trọng cảm ơn."
    )


def reminder_rows(result: Consolidation, plan_year: int) -> list[list[object]]:
    """The whole "Đôn đốc" sheet from A1, one list per row (same width), ready for one write."""
    width = len(REMINDER_HEADERS)
    units = to_remind(result)

    def row(*cells: object) -> list[object]:
        return [*cells, *([None] * (width - len(cells)))]

    deadline = (f"; hạn nộp báo cáo {vn_date(result.report_deadline)}"
                if result.report_deadline else "")
    rows = [row("DANH SÁCH ĐƠN VỊ CẦN ĐÔN ĐỐC NỘP BÁO CÁO"),
            row(f"Tính đến ngày {vn_date(result.as_of)}{deadline}: {len(units)} đơn vị "
                f"({sum(1 for s in units if s.state == 'missing')} chưa nộp, "
                f"{sum(1 for s in units if s.state == 'rejected')} có tệp bị loại, "
                f"{sum(1 for s in units if s.state == 'late')} nộp muộn)."),
            row(),
            row(*REMINDER_HEADERS)]
    for index, item in enumerate(units, start=1):
        report = item.report
        rows.append(row(index, as_text(item.unit.code), as_text(item.unit.name), item.label,
                        report.submitted_on if report else None, item.unit.email or "(chưa có email)",
                        as_text(rejected_reasons(item))))
    if not units:
        rows.append(row(None, "Mọi đơn vị đã nộp báo cáo đúng hạn."))
    emails = [s.unit.email for s in units if s.unit.email]
    without = [s.unit.code for s in units if not s.unit.email]
    rows += [row(),
             row("Địa chỉ email (dán vào ô Người nhận):"),
             row(as_text("; ".join(emails)) if emails else "(không có)")]
    if without:
        rows.append(row(as_text(f"Chưa có email: {', '.join(without)} (bổ sung ở sheet Đơn vị).")))
    rows += [row(), row("Nội dung nhắc (sao chép vào thư):")]
    rows += [row(line) for line in reminder_text(result, plan_year).splitlines()]
    return rows


def reminder_message(result: Consolidation) -> str:
    """What Đôn đốc says when done."""
    units = to_remind(result)
    if not units:
        return f'Mọi đơn vị đã nộp báo cáo đúng hạn (tính đến ngày {vn_date(result.as_of)}).'
    missing = [s.unit.code for s in units if s.state == "missing"]
    rejected = [s.unit.code for s in units if s.state == "rejected"]
    late = [s.unit.code for s in units if s.state == "late"]
    text = f'Sheet "{REMINDER_SHEET}": {len(units)} đơn vị cần đôn đốc'
    text += f"; chưa nộp: {listed(missing)}" if missing else ""
    text += f"; tệp bị loại, đề nghị gửi lại: {listed(rejected)}" if rejected else ""
    text += f"; nộp muộn: {listed(late)}" if late else ""
    return text + ". Sao chép dòng email và nội dung nhắc vào thư gửi các đơn vị."


def draft_message(result: Consolidation, document: str) -> str:
    """What Dự thảo báo cáo says when done (issue 17)."""
    from tdkt_xl.consolidation.aggregate import NOT_SUBMITTED

    submitted = [s for s in result.submissions if s.state not in NOT_SUBMITTED]
    proposing = len(result.proposals)
    text = (f"Đã viết dự thảo Báo cáo tổng kết (Word), tính đến ngày {vn_date(result.as_of)}:\n{document}\n"
            f"Số liệu và ý kiến lấy từ báo cáo của {len(submitted)}/{len(result.submissions)} đơn vị"
            + (f" ({proposing} đơn vị có kiến nghị, đề xuất)" if proposing else "") + ". "
            "Các mục số liệu không nói được để chữ nghiêng hướng dẫn và chỗ tô vàng cho người soạn thảo "
            "viết tiếp.")
    chased = to_remind(result)
    if chased:
        text += (f"\nCòn {len(chased)} đơn vị chưa nộp, có tệp bị loại hoặc nộp muộn: bấm Đôn đốc để "
                 "lập công văn nhắc.")
    return text


# --- the "Hướng dẫn" sheet -----------------------------------------------------

HELP_LINES: tuple[tuple[str, str], ...] = (
    ("HƯỚNG DẪN SỬ DỤNG THẺ TĐKT (tdkt_xl)", ""),
    ("", ""),
    ("Nút", "Việc nút làm"),
    ("Kiểm tra", "Kiểm tra sổ kế hoạch đang mở: số thứ tự, dòng quý, đơn vị (đối chiếu sheet "
                 "\"Đơn vị\"), thời hạn, ngày hoàn thành, lỗi Excel (#N/A …). Ô có lỗi tô đỏ, cảnh "
                 "báo tô vàng, kèm ghi chú; sheet \"Kết quả kiểm tra\" liệt kê từng lỗi, bấm địa chỉ "
                 "ô để đến ô đó."),
    ("Cập nhật trạng thái", "Ghi các cột Quý, Hạn, Còn (ngày), Trạng thái bên phải bảng Phụ lục và "
                            "Phân công, tô màu theo trạng thái (đỏ: quá hạn, vàng: sắp đến hạn, "
                            "xanh: đã hoàn thành). Tính đến \"Ngày tính trạng thái\" ở sheet "
                            "\"Cấu hình\", nếu trống thì tính đến hôm nay."),
    ("Tạo mẫu báo cáo", "Tạo cho mỗi đơn vị một tệp <mã đơn vị>.xlsx để gửi đi (mặc định trong "
                        "thư mục mau_bao_cao cạnh sổ kế hoạch)."),
    ("Tổng hợp", "Đọc mọi báo cáo các đơn vị gửi về trong thư mục đã chọn (mặc định hop_thu cạnh "
                 "sổ kế hoạch, cả thư mục con), ghi sổ tong_hop.xlsx và mở sổ đó; báo đơn vị nào "
                 "đã nộp, nộp muộn, chưa nộp và tệp nào bị loại vì sao."),
    ("Đôn đốc", "Lập sheet \"Đôn đốc\": các đơn vị chưa nộp, có tệp bị loại (kèm tệp và lý do) hoặc "
                "nộp muộn, email của họ (một dòng, cách nhau bởi dấu ;) và đoạn thư nhắc để sao chép; "
                "ghi công văn đôn đốc (Word) cong_van_don_doc.docx cạnh sổ kế hoạch."),
    ("Dự thảo báo cáo", "Đọc thư mục báo cáo như nút Tổng hợp và viết dự thảo Báo cáo tổng kết (Word) "
                        "du_thao_bao_cao.docx cạnh sổ kế hoạch theo đề cương (sheet \"Đề cương\" của "
                        "sổ kế hoạch, nếu không có thì đề cương mặc định): bảng số liệu khen thưởng, "
                        "biểu đồ, kết quả, khó khăn, kiến nghị các đơn vị viết; rồi mở tệp đó."),
    ("Hướng dẫn", "Mở sheet này."),
    ("", ""),
    ("Lưu ý", ""),
    ("1.", "Lưu sổ kế hoạch (.xlsx hoặc .xlsm) trước khi bấm Tạo mẫu báo cáo, Tổng hợp, Đôn đốc: "
           "các thư mục mặc định nằm cạnh sổ."),
    ("2.", "Không đổi tên các sheet Phụ lục, Phân công, Đơn vị, Cấu hình và tiêu đề cột; có thể "
           "thêm dòng, thêm cột ghi chú."),
    ("3.", "Các cột Quý, Hạn, Còn (ngày), Trạng thái do máy ghi: sửa ở cột Thời gian hoàn thành / "
           "Ngày hoàn thành rồi bấm Cập nhật trạng thái."),
    ("4.", "Khi có lỗi, hộp thông báo nói cách xử lý và đường dẫn tệp nhật ký; gửi tệp đó cho "
           "người hỗ trợ nếu cần."),
)


def help_rows(log_path: str) -> list[list[object]]:
    """The "Hướng dẫn" sheet from A1 (two columns)."""
    rows: list[list[object]] = [[a, b] for a, b in HELP_LINES]
    rows.append(["", ""])
    rows.append(["Tệp nhật ký", as_text(log_path)])
    return rows
