"""The paper test (issue 16): each workbook tdkt_xl writes, printed to PDF by LibreOffice, has no
text under 9 pt and no two lines of text drawn over each other; and the check itself fails on a
PDF that has either."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DemoCopier, find_soffice
from openpyxl import load_workbook
from paper_pdf import OVERLAP_POINTS, paper_problems, to_pdf

from tdkt_xl.consolidation.master import write_master
from tdkt_xl.demo.sample_plan import build_sample_plan
from tdkt_xl.excel.status_copy import write_status_workbook
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.plans.status import plan_status
from tdkt_xl.reports.template import write_unit_reports


def _pdf(path: Path, lines: list[tuple[float, float, float, str]]) -> Path:
    """A one-page PDF with each (x, y, font size, text) written."""
    import pymupdf

    document = pymupdf.open()
    page = document.new_page(width=842, height=595)
    for x, y, size, text in lines:
        page.insert_text((x, y), text, fontsize=size, fontname="helv")
    document.save(path)
    return path


def test_the_check_finds_small_text(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "nho.pdf", [(40, 60, 12, "Readable title"), (40, 90, 6, "Printed at six points")])
    found = paper_problems(pdf)
    assert len(found) == 1 and "6.0 pt" in found[0] and "Printed at six" in found[0]


def test_the_check_finds_lines_drawn_over_each_other(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "de.pdf", [(40, 60, 11, "First cell wrapped text"),
                                      (60, 64, 11, "Second cell below"),
                                      (40, 200, 11, "Alone"), (40 + 200, 200, 11, "Beside, not over")])
    found = paper_problems(pdf)
    assert len(found) == 1 and "First cell" in found[0] and "Second cell" in found[0]


def test_the_check_passes_a_clean_page(tmp_path: Path) -> None:
    rows = [(40 + 150 * column, 60 + 16 * row, 11, f"Cell {row}-{column}")
            for row in range(20) for column in range(4)]
    assert paper_problems(_pdf(tmp_path / "sach.pdf", rows)) == []
    assert OVERLAP_POINTS < 3  # (a line 16 pt below another, at 11 pt, is clear of it)


def _soffice() -> str:
    found = find_soffice()
    if found is None:
        pytest.skip("LibreOffice is not installed")
    return found


def _plan_with_problems(sample: Path, target: Path) -> Path:
    """The sample plan with an unreadable deadline and an unknown unit on "Phân công"."""
    book = load_workbook(sample)
    ws = book["Phân công"]
    plan = load_plan(sample)
    sheet = next(s for s in plan.sheets if s.name == "Phân công")
    due, lead = sheet.columns["deadline"], sheet.columns["lead"]
    ws.cell(sheet.first_row + 1, due, "Khi nào xong")
    ws.cell(sheet.first_row + 4, lead, "Phòng Y không có trong danh sách đơn vị")
    ws.cell(sheet.first_row + 2, due, "Sau khi có ý kiến của Ban Thường vụ")
    book.save(target)
    return target


@pytest.mark.slow
def test_every_workbook_reads_on_a4_paper(demo_round: DemoCopier, tmp_path: Path) -> None:
    """The master (of the demo round), the sample plan, its status copy with problems listed in
    "Kết quả kiểm tra", and a unit's report template: printed with no text under 9 pt and no lines
    drawn over each other."""
    soffice = _soffice()
    root, result = demo_round(tmp_path / "demo")
    books = tmp_path / "books"
    books.mkdir()
    master = write_master(result, books / "tong_hop.xlsx")  # by this code, not the round's own
    sample = build_sample_plan(books / "ke_hoach_mau.xlsx")
    plan_file = _plan_with_problems(sample, tmp_path / "ke_hoach_loi.xlsx")
    plan = load_plan(plan_file)
    assert len(plan.problems) >= 2
    status = write_status_workbook(plan_file, books / "trang_thai.xlsx", plan, plan_status(plan))
    template = write_unit_reports(load_plan(sample), tmp_path / "mau", units=["BTDKT"])[0]
    shutil.copy(template, books / "mau_bao_cao.xlsx")
    pdfs = to_pdf(soffice, [master, sample, status, books / "mau_bao_cao.xlsx"], tmp_path / "pdf")
    found = [problem for pdf in pdfs for problem in paper_problems(pdf)]
    assert found == []
    assert root.exists()


@pytest.mark.slow
def test_the_result_sheet_prints_in_landscape_with_titles(tmp_path: Path) -> None:
    """"Kết quả kiểm tra" alone: landscape, a Vietnamese title beside each code, nothing cut."""
    import pymupdf

    soffice = _soffice()
    sample = build_sample_plan(tmp_path / "ke_hoach_mau.xlsx")
    plan_file = _plan_with_problems(sample, tmp_path / "ke_hoach_loi.xlsx")
    plan = load_plan(plan_file)
    status = write_status_workbook(plan_file, tmp_path / "trang_thai.xlsx", plan, plan_status(plan))
    book = load_workbook(status)
    for name in book.sheetnames[:-1]:
        del book[name]
    book.save(tmp_path / "ket_qua.xlsx")
    pdf = to_pdf(soffice, [tmp_path / "ket_qua.xlsx"], tmp_path / "pdf")[0]
    assert paper_problems(pdf) == []
    with pymupdf.open(pdf) as document:
        page = document[0]
        assert page.rect.width > page.rect.height  # landscape
        text = "".join(p.get_text() for p in document)
    assert "Thời hạn không đọc được" in text and "deadline-unreadable" in text
