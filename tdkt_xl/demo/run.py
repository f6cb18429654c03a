"""The demo: a plan, its unit report workbooks filled as units would, and their consolidation.

Most units report on time, some late, a few not at all; one file is broken, one
has formula-like text, one unit sends two versions, one types numbers as text.
Everything is seeded, so the demo gives the same master every time.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.consolidation.inbox import run_consolidation
from tdkt_xl.demo.sample_plan import build_sample_plan
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.reports.layout import (
    INFO_PROPOSALS,
    INFO_SHEET,
    PROGRESS_DONE,
    PROGRESS_HEADER_ROW,
    PROGRESS_NOT_STARTED,
    PROGRESS_ONGOING,
    PROGRESS_SHEET,
    STATS_HEADER_ROW,
    STATS_SHEET,
    header_key,
)
from tdkt_xl.reports.template import set_value, write_unit_reports

MISSING = ("CUMDBSH", "PQLHS")
LATE = {"SGTVT": 3, "HDSKT": 5}  # days after the report deadline
FORMULA_TEXT_UNIT = "P2"
NUMBERS_AS_TEXT_UNIT = "SLDTBXH"
DUPLICATE_UNIT = "P1"
BROKEN_UNIT = "PPCTT"
# issue 17: what a few units write under "Kiến nghị, đề xuất" (gathered under IV of the draft report)
PROPOSALS = {
    "SGDDT": "Đề nghị Ban Thi đua - Khen thưởng hướng dẫn thống nhất quy trình xét tặng danh hiệu "
             "“Tập thể lao động xuất sắc” cho các trường học.\nĐề nghị tăng số Bằng khen của Chủ tịch "
             "UBND tỉnh dành cho giáo viên trực tiếp giảng dạy.",
    "SGTVT": "Đề nghị sớm ban hành văn bản hướng dẫn thi hành Luật Thi đua, khen thưởng năm 2022 ở cấp "
             "tỉnh.\nĐề nghị bổ sung kinh phí khen thưởng đột xuất cho lực lượng tham gia giải phóng mặt "
             "bằng đường Vành đai 4.",
    "HDSKT": "Đề nghị công nhận hiệu quả áp dụng sáng kiến theo quý để kịp xét khen thưởng cuối năm.",
}


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo puts things."""

    root: Path

    @property
    def plan(self) -> Path:
        return self.root / "ke_hoach_mau.xlsx"

    @property
    def templates(self) -> Path:
        return self.root / "mau_bao_cao"

    @property
    def inbox(self) -> Path:
        return self.root / "hop_thu"

    @property
    def master(self) -> Path:
        return self.root / "tong_hop.xlsx"

    @property
    def opinions(self) -> Path:
        return self.root / "tap_hop_y_kien.docx"

    @property
    def draft_report(self) -> Path:
        return self.root / "du_thao_bao_cao.docx"

    @property
    def reminder_letter(self) -> Path:
        return self.root / "cong_van_don_doc.docx"


def _label_rows(ws: Worksheet) -> dict[str, int]:
    return {header_key(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def _fill_info(info: Worksheet, *, made_on: date, rng: random.Random, proposals: str) -> None:
    """The "Thông tin" sheet: who made the report, when, and the unit's proposals (when any)."""
    labels = _label_rows(info)
    info.cell(labels[header_key("Người lập")], 2, rng.choice(["Nguyễn Văn An", "Trần Thị Bình",
                                                             "Lê Minh Châu", "Phạm Thu Hà"]))
    info.cell(labels[header_key("Điện thoại")], 2, f"0912 {rng.randint(100, 999)} {rng.randint(100, 999)}")
    info.cell(labels[header_key("Ngày lập")], 2, datetime.combine(made_on, datetime.min.time()))
    if proposals and header_key(INFO_PROPOSALS) in labels:
        set_value(info.cell(labels[header_key(INFO_PROPOSALS)], 2), proposals)


def fill_report(template: Path, target: Path, *, made_on: date, rng: random.Random, as_of: date,
                formula_text: bool = False, numbers_as_text: bool = False, proposals: str = "") -> None:
    """Fill a unit's report workbook the way a unit would, and save it as ``target``."""
    book = load_workbook(template)
    _fill_info(book[INFO_SHEET], made_on=made_on, rng=rng, proposals=proposals)

    progress = book[PROGRESS_SHEET]
    columns = {header_key(progress.cell(PROGRESS_HEADER_ROW, c).value): c
               for c in range(1, progress.max_column + 1)}

    def col(name: str) -> int:
        return columns[header_key(name)]

    for row in range(PROGRESS_HEADER_ROW + 1, progress.max_row + 1):
        if not progress.cell(row, col("Mã nhiệm vụ")).value:
            continue
        due = progress.cell(row, col("Hạn")).value
        due_day = due.date() if isinstance(due, datetime) else due if isinstance(due, date) else None
        if due_day is not None and due_day < as_of and rng.random() < 0.8:
            status = PROGRESS_DONE
            finished = due_day - timedelta(days=rng.randint(-6, 10))
            progress.cell(row, col("Ngày hoàn thành"), datetime.combine(finished, datetime.min.time()))
            progress.cell(row, col("Kết quả"), "Đã ban hành văn bản và triển khai đến các đơn vị.")
        elif due_day is not None and due_day < as_of + timedelta(days=60):
            status = PROGRESS_ONGOING
            progress.cell(row, col("Kết quả"), "Đang dự thảo, lấy ý kiến các đơn vị liên quan.")
            if rng.random() < 0.3:
                progress.cell(row, col("Khó khăn, vướng mắc"), "Chưa nhận đủ ý kiến góp ý.")
        else:
            status = PROGRESS_NOT_STARTED
        progress.cell(row, col("Tình trạng"), status)
        if formula_text:
            # text a unit really might type: must stay text in the master
            set_value(progress.cell(row, col("Kết quả")), '=HYPERLINK("http://vi-du.invalid","bấm vào đây")')
            set_value(progress.cell(row, col("Khó khăn, vướng mắc")), "#N/A")
            set_value(progress.cell(row, col("Ghi chú")), "-5 hồ sơ chưa đủ; +2 hồ sơ bổ sung; @Ban TĐKT")
            formula_text = False

    stats = book[STATS_SHEET]
    for row in range(STATS_HEADER_ROW + 1, stats.max_row + 1):
        for column in range(2, stats.max_column):
            cell = stats.cell(row, column)
            if cell.protection.locked or not isinstance(stats.cell(STATS_HEADER_ROW, column).value, int):
                continue
            count = rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 8, 12])
            if numbers_as_text and row == STATS_HEADER_ROW + 2 and column == 2:
                set_value(cell, str(count + 1))  # a number typed as text
            else:
                cell.value = count
    book.save(target)


def run_demo(root: Path, *, as_of: date | None = None, seed: int = 2024) -> tuple[DemoPaths, Consolidation]:
    """Build everything under ``root`` and consolidate; returns the paths and the result."""
    paths = DemoPaths(root)
    root.mkdir(parents=True, exist_ok=True)
    build_sample_plan(paths.plan)
    plan = load_plan(paths.plan)
    if paths.templates.exists():
        shutil.rmtree(paths.templates)
    if paths.inbox.exists():
        shutil.rmtree(paths.inbox)
    templates = write_unit_reports(plan, paths.templates)
    paths.inbox.mkdir(parents=True)
    (paths.inbox / "dot_2").mkdir()
    rng = random.Random(seed)
    day = as_of or plan.config.as_of or date(2024, 7, 1)
    deadline = plan.config.report_deadline or day
    for template in templates:
        code = template.stem
        if code in MISSING:
            continue
        made_on = deadline - timedelta(days=rng.randint(1, 12))
        if code in LATE:
            made_on = deadline + timedelta(days=LATE[code])
        target = paths.inbox / ("dot_2" if code in LATE else "") / f"{code}.xlsx"
        fill_report(template, target, made_on=made_on, rng=rng, as_of=day,
                    formula_text=code == FORMULA_TEXT_UNIT, numbers_as_text=code == NUMBERS_AS_TEXT_UNIT,
                    proposals=PROPOSALS.get(code, ""))
        if code == DUPLICATE_UNIT:
            fill_report(template, paths.inbox / f"{code}_ban_cu.xlsx", made_on=made_on - timedelta(days=7),
                        rng=rng, as_of=day)
        if code == BROKEN_UNIT:
            data = target.read_bytes()
            target.write_bytes(data[: len(data) // 2])  # cut off, as an interrupted e-mail download
    (paths.inbox / "ghi_chu.txt").write_text("Các đơn vị gửi báo cáo vào thư mục này.\n", encoding="utf-8")
    (paths.inbox / "~$P3.xlsx").write_bytes(b"\x00" * 165)  # Excel's owner lock file
    from tdkt_xl.demo.unit_documents import write_demo_documents  # (python-docx: only here)
    from tdkt_xl.documents.draft_report import write_draft_report
    from tdkt_xl.documents.opinions import gather_and_write
    from tdkt_xl.documents.outline import outline_or_default
    from tdkt_xl.documents.reminder_letter import write_reminder_letter

    outline = outline_or_default(plan.outline)
    write_demo_documents(paths.inbox, outline.items)  # three units' reports in Word (issue 17)
    result = run_consolidation(plan, paths.inbox, paths.master, as_of=day)
    gather_and_write(plan, paths.inbox, paths.opinions, outline)
    write_draft_report(plan, result, paths.draft_report)
    write_reminder_letter(plan, result, paths.reminder_letter)  # (issue 17: the công văn đôn đốc)
    return paths, result
