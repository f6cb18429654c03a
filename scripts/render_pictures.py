"""The README's and the guide's pictures (docs/images/*.png), made again from the workbooks and the
Word documents the current code writes, printed to PDF by LibreOffice as the paper test prints them
(tests/paper_pdf.py), each picture one printed page at 70 dpi (pdftoppm): as printed, nothing
adjusted by hand.

Usage: PYTHONPATH=. python scripts/render_pictures.py [OUT_DIR (docs/images)]
Needs LibreOffice (soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from openpyxl import Workbook, load_workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from paper_pdf import paper_problems, text_lines, to_pdf  # noqa: E402

from tdkt_xl.demo.run import run_demo  # noqa: E402
from tdkt_xl.excel.status_copy import write_status_workbook  # noqa: E402
from tdkt_xl.intake.plan_workbook import load_plan  # noqa: E402
from tdkt_xl.plans.status import plan_status  # noqa: E402
from tdkt_xl.reports.template import fit_to_paper  # noqa: E402

# picture -> (the workbook printed, a text on the page wanted: its first page holding it)
PICTURES: dict[str, tuple[str, str]] = {
    "tong_hop.png": ("tong_hop", "TÌNH HÌNH NỘP BÁO CÁO"),
    "tong_hop_tien_do.png": ("tong_hop", "TIẾN ĐỘ NHIỆM VỤ"),
    "tong_hop_chi_tiet.png": ("tong_hop", "CHI TIẾT TIẾN ĐỘ THEO ĐƠN VỊ"),
    "tong_hop_bieu_do.png": ("tong_hop", "Tổng số khen thưởng theo năm"),
    "tong_hop_loi.png": ("tong_hop", "LỖI TRONG CÁC TỆP BÁO CÁO"),
    "ke_hoach_trang_thai.png": ("trang_thai", "Trạng thái"),  # (the status columns: a page to the right)
    "kiem_tra_o_loi.png": ("kiem_tra", "Bảng tóm tắt phân"),
    "ket_qua_kiem_tra.png": ("kiem_tra", "Kết quả kiểm tra:"),
    "ke_hoach_mau_don_vi.png": ("ke_hoach_mau", "Mã đơn vị"),
    "mau_bao_cao_thong_tin.png": ("mau_bao_cao", "BÁO CÁO TIẾN ĐỘ"),
    "mau_bao_cao_tien_do.png": ("mau_bao_cao", "TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ"),
    # the Word documents (issue 17), as LibreOffice prints them on A4
    "du_thao_bao_cao_trang_1.png": ("du_thao_bao_cao", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    "du_thao_bao_cao_so_lieu.png": ("du_thao_bao_cao", "Bảng 1."),
    "cong_van_don_doc_trang_1.png": ("cong_van_don_doc", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    "tap_hop_y_kien_trang_1.png": ("tap_hop_y_kien", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    # the sheets the "Đôn đốc" and "Hướng dẫn" buttons write into the plan (xlwings actions, replayed)
    "don_doc_sheet.png": ("nut_bam", "DANH SÁCH ĐƠN VỊ CẦN ĐÔN ĐỐC"),
    "huong_dan_sheet.png": ("nut_bam", "HƯỚNG DẪN SỬ DỤNG"),
}
WORKBOOKS = ("tong_hop", "ke_hoach_mau", "mau_bao_cao", "trang_thai", "kiem_tra", "nut_bam")


def plan_with_problems(sample: Path, target: Path) -> Path:
    """The sample plan with an unreadable deadline, another deadline in words and an unknown unit
    on "Phân công" (what "Kiểm tra" marks)."""
    book = load_workbook(sample)
    ws = book["Phân công"]
    sheet = next(s for s in load_plan(sample).sheets if s.name == "Phân công")
    due, lead = sheet.columns["deadline"], sheet.columns["lead"]
    ws.cell(sheet.first_row + 1, due, "Khi nào xong")
    ws.cell(sheet.first_row + 4, lead, "Phòng Y không có trong danh sách đơn vị")
    ws.cell(sheet.first_row + 2, due, "Sau khi có ý kiến của Ban Thường vụ")
    book.save(target)
    return target


def workbooks(work: Path) -> dict[str, Path]:
    """The workbooks pictured, written by the current code under ``work``."""
    paths, _result = run_demo(work / "demo")
    books = work / "books"
    books.mkdir()
    made = {"tong_hop": shutil.copy(paths.master, books / "tong_hop.xlsx"),
            "ke_hoach_mau": shutil.copy(paths.plan, books / "ke_hoach_mau.xlsx"),
            "mau_bao_cao": shutil.copy(paths.templates / "BTDKT.xlsx", books / "mau_bao_cao.xlsx")}
    plan = load_plan(paths.plan)
    made["trang_thai"] = write_status_workbook(paths.plan, books / "trang_thai.xlsx", plan, plan_status(plan))
    wrong = plan_with_problems(paths.plan, work / "ke_hoach_loi.xlsx")
    plan = load_plan(wrong)
    made["kiem_tra"] = write_status_workbook(wrong, books / "kiem_tra.xlsx", plan, plan_status(plan))
    documents = {"du_thao_bao_cao": paths.draft_report, "cong_van_don_doc": paths.reminder_letter,
                 "tap_hop_y_kien": paths.opinions}
    for name, document in documents.items():
        made[name] = shutil.copy(document, books / f"{name}.docx")
    made["nut_bam"] = button_sheets(paths.plan, paths.inbox, books / "nut_bam.xlsx")
    return {name: Path(path) for name, path in made.items()}


def button_sheets(plan: Path, inbox: Path, target: Path) -> Path:
    """The sheets the "Đôn đốc" and "Hướng dẫn" buttons add to the plan, as a workbook of their own:
    the buttons run on xlwings' remote engine (as tests/test_excel_handlers.py runs them) and the
    actions they send Excel are replayed with openpyxl (values, fonts, fills, borders, alignment,
    widths, formats), then given the page setup of the other sheets (A4, ≥ 9 pt)."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine, as the tests
    from xlwings_remote import actions, open_book

    from tdkt_xl.excel import handlers

    book = open_book(plan)
    handlers.don_doc(book, folder=inbox)
    handlers.huong_dan(book)
    made = Workbook()
    made.remove(made.active)
    sheets: dict[int, Any] = {}
    for action in actions(book):
        replay(action, made, sheets)
    for ws in made.worksheets:
        title_rows = "4:4" if ws.title.startswith("Đôn") else "3:3"
        fit_to_paper(ws, title_rows=title_rows, title_columns=0, portrait=False)
    made.save(target)
    return target


def replay(action: dict[str, Any], made: Workbook, sheets: dict[int, Any]) -> None:
    """One xlwings action applied to the openpyxl workbook ``made`` (sheets by Excel's position)."""
    func, args = action["func"], action["args"]
    if func == "addSheet":
        sheets[args[0]] = made.create_sheet(args[1])
        return
    ws = sheets.get(action["sheet_position"])
    if ws is None or action["start_row"] is None:
        return
    top, left = action["start_row"] + 1, action["start_column"] + 1
    if func == "setValues":
        for r, row in enumerate(action["values"]):
            for c, value in enumerate(row):
                ws.cell(top + r, left + c, value)
        return
    if func == "setColumnWidth":
        ws.column_dimensions[get_column_letter(left)].width = args[0]
        return
    for r in range(action["row_count"]):
        for c in range(action["column_count"]):
            style_cell(ws.cell(top + r, left + c), func, args)


def style_cell(cell: Any, func: str, args: list[Any]) -> None:
    """What one styling action does to one cell."""
    if func == "setFontProperty":
        cell.font = Font(**{**_font_of(cell), _FONT_KEYS.get(args[0], args[0]): args[1]})
    elif func == "setRangeColor":
        cell.fill = PatternFill("solid", fgColor=args[0].lstrip("#"))
    elif func == "setWrapText":
        cell.alignment = Alignment(**{**_alignment_of(cell), "wrap_text": args[0]})
    elif func in ("setHorizontalAlignment", "setVerticalAlignment"):
        key = "horizontal" if func == "setHorizontalAlignment" else "vertical"
        cell.alignment = Alignment(**{**_alignment_of(cell), key: args[0].lower()})
    elif func == "setNumberFormat":
        cell.number_format = args[0]
    elif func == "setBorderProperty":
        side = Side(style="thin", color="808080")
        cell.border = Border(left=side, right=side, top=side, bottom=side)


_FONT_KEYS = {"bold": "bold", "italic": "italic", "size": "size", "color": "color", "name": "name"}


def _font_of(cell: Any) -> dict[str, Any]:
    return {"name": cell.font.name, "size": cell.font.sz, "bold": cell.font.b, "italic": cell.font.i}


def _alignment_of(cell: Any) -> dict[str, Any]:
    a = cell.alignment
    return {"horizontal": a.horizontal, "vertical": a.vertical, "wrap_text": a.wrap_text}


def page_with(pdf: Path, text: str) -> int:
    """The first page (from 1) with a line starting with ``text``."""
    for line in text_lines(pdf):
        if line.text.strip().startswith(text):
            return line.page
    raise SystemExit(f"{pdf.name}: không có trang nào có «{text}»")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "images"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        print("Cần LibreOffice (soffice) và pdftoppm (poppler-utils).", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        books = workbooks(work)
        pdfs = dict(zip(books, to_pdf(soffice, list(books.values()), work / "pdf"), strict=True))
        problems = [problem for name in WORKBOOKS for problem in paper_problems(pdfs[name])]
        if problems:  # the pictures are of paper the paper test passes
            print("\n".join(problems), file=sys.stderr)
            return 1
        out.mkdir(parents=True, exist_ok=True)
        for picture, (book, text) in PICTURES.items():
            page = page_with(pdfs[book], text)
            stem = out / Path(picture).stem
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdfs[book]), str(stem)], check=True)
            print(f"{picture}: {books[book].name}, trang {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
