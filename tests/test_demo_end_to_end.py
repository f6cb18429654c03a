"""End to end: the demo's consolidation, its master read back, and opened in LibreOffice Calc."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DemoCopier, find_soffice
from openpyxl import load_workbook

from tdkt_xl.cli import cli
from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.consolidation.master import (
    PROBLEMS_SHEET,
    PROGRESS_DETAIL_SHEET,
    SUBMISSIONS_SHEET,
    TOTALS_DETAIL_SHEET,
    TOTALS_SHEET,
    write_master,
)
from tdkt_xl.demo.run import BROKEN_UNIT, DUPLICATE_UNIT, FORMULA_TEXT_UNIT, LATE, MISSING, DemoPaths
from tdkt_xl.demo.unit_documents import DEMO_DOCUMENTS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_round: DemoCopier) -> tuple[Path, Consolidation]:
    root, result = demo_round(tmp_path_factory.mktemp("demo"))
    return DemoPaths(root).master, result


def test_demo_outcomes(demo: tuple[Path, Consolidation]) -> None:
    _master, result = demo
    summary = result.summary("m")
    units = summary["units"]
    files = summary["files"]
    assert isinstance(units, dict) and isinstance(files, dict)
    # the broken file's unit: "Tệp bị loại – đề nghị gửi lại", not "Chưa nộp" (issue 16)
    assert sorted(units["missing"]) == sorted(MISSING) and units["rejected"] == [BROKEN_UNIT]
    assert sorted(units["late"]) == sorted(LATE)
    assert [r["file"] for r in files["rejected"]] == [f"{BROKEN_UNIT}.xlsx"]
    assert "ZIP" in files["rejected"][0]["reason"] or "hỏng" in files["rejected"][0]["reason"]
    assert files["superseded"] == [f"{DUPLICATE_UNIT}_ban_cu.xlsx"]
    # the units' reports in Word are listed (received), never consolidated (issue 17)
    assert sorted(files["skipped"]) == sorted(["ghi_chu.txt", "~$P3.xlsx", *(d.file for d in DEMO_DOCUMENTS)])
    narrative = {f.file: f.reason for f in result.files if f.file.endswith(".docx")}
    assert all(reason.startswith("Báo cáo bằng văn bản Word") for reason in narrative.values())
    assert "dot_2/SGTVT.xlsx" in files["accepted"]
    codes = {p.code for p in result.problems}
    assert "number-as-text" in codes


def test_master_keeps_unit_text_as_text(demo: tuple[Path, Consolidation]) -> None:
    master, _result = demo
    book = load_workbook(master)
    detail = book[PROGRESS_DETAIL_SHEET]
    rows = [[c.value for c in row] for row in detail.iter_rows(min_row=4)]
    texts = [r for r in rows if r[2] == FORMULA_TEXT_UNIT]
    assert any(r[7] == '=HYPERLINK("http://vi-du.invalid","bấm vào đây")' for r in texts)
    cells = [c for row in detail.iter_rows(min_row=4) for c in row if c.value == "#N/A"]
    assert cells and all(c.data_type == "s" for c in cells)
    formula_like = [c for row in detail.iter_rows(min_row=4) for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)
    submissions = book[SUBMISSIONS_SHEET]
    first_states = [submissions.cell(r, 5).value for r in range(4, 7)]
    assert first_states == ["Chưa nộp"] * 2 + ["Tệp bị loại – đề nghị gửi lại"]
    assert str(submissions.cell(6, 7).value).startswith(f"{BROKEN_UNIT}.xlsx – bị loại: ")
    assert book[PROBLEMS_SHEET].max_row > 4


def test_consolidate_command_json_and_backup(demo: tuple[Path, Consolidation], tmp_path: Path) -> None:
    master, _ = demo
    root = master.parent
    out = tmp_path / "tong_hop.xlsx"
    out.write_bytes(b"old master")
    result = CliRunner().invoke(cli, ["consolidate", str(root / "hop_thu"), "--plan",
                                      str(root / "ke_hoach_mau.xlsx"), "--out", str(out), "--json"])
    assert result.exit_code == 1  # one file rejected
    summary = json.loads(result.output)
    assert summary["master"] == str(out)
    assert summary["units"]["expected"] == 17
    assert (tmp_path / "tong_hop.bak.xlsx").read_bytes() == b"old master"
    assert load_workbook(out).sheetnames[0] == SUBMISSIONS_SHEET


@pytest.mark.slow
def test_libreoffice_computes_the_same_totals(demo: tuple[Path, Consolidation], tmp_path: Path) -> None:
    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice Calc is not installed")
    master, result = demo
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(master)],
                   check=True, capture_output=True, timeout=180)
    computed = load_workbook(tmp_path / "lo" / master.name, data_only=True)[TOTALS_SHEET]
    header = [c.value for c in computed[3]]
    total_column = header.index("Tổng") + 1
    by_form = {computed.cell(r, 1).value: computed.cell(r, total_column).value
               for r in range(4, computed.max_row + 1)}
    checked = 0
    for form, years in result.totals.items():
        assert by_form[form] == sum(years.values()), form
        checked += 1
    assert checked == len(result.forms)
    grand = by_form["Cộng"]
    assert grand == sum(sum(y.values()) for y in result.totals.values())
    assert grand > 0

    # the long sheets' cells carry no reference: LibreOffice puts each in the next column
    forms = [f.name for f in result.forms]
    detail = load_workbook(tmp_path / "lo" / master.name, data_only=True)[TOTALS_DETAIL_SHEET]
    rows = {row[0]: row for row in detail.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == len(result.reports)
    for report in result.reports:
        counts = report.form_total_list(forms)
        assert rows[report.unit_code] == (report.unit_code, report.unit_name, *counts, sum(counts))
    submissions = load_workbook(tmp_path / "lo" / master.name, data_only=True)[SUBMISSIONS_SHEET]
    listed = [row[:5] for row in submissions.iter_rows(min_row=4, values_only=True)]
    assert listed == [(index, s.unit.code, s.unit.name, s.unit.email or None, s.label)
                      for index, s in enumerate(result.submissions, start=1)]


def test_print_setup_keeps_wide_sheets_readable(demo: tuple[Path, Consolidation], tmp_path: Path) -> None:
    """No sheet is shrunk under 9 pt (issue 16): a sheet too wide for a page at that size is
    printed across pages with its header row and first columns repeated."""
    _master, result = demo
    book = load_workbook(write_master(result, tmp_path / "tong_hop.xlsx"))  # (this code's master)
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == 9 and sheet.print_title_rows == "$3:$3", sheet.title
        if sheet.sheet_properties.pageSetUpPr.fitToPage:
            assert int(sheet.page_setup.fitToWidth) == 1, sheet.title
        else:
            assert int(sheet.page_setup.scale) * 11 >= 900 and sheet.print_title_cols == "$A:$B", sheet.title
    wide = book[TOTALS_DETAIL_SHEET]  # one column per form: printed across pages
    assert wide.max_column == len(result.forms) + 3
    assert wide.page_setup.orientation == "landscape"


def test_the_demo_gathers_the_units_word_reports(demo: tuple[Path, Consolidation]) -> None:
    """tap_hop_y_kien.docx: the three units' Word reports, each under its name (issue 17)."""
    import docx

    master, _result = demo
    opinions = DemoPaths(master.parent).opinions
    texts = [p.text for p in docx.Document(str(opinions)).paragraphs]
    for name in ("Sở Giao thông vận tải:", "Phòng I:", "Sở Giáo dục và Đào tạo:"):
        assert texts.count(name) >= 20, name  # under most of the outline's items


def test_the_demo_command_names_every_document_it_writes(tmp_path: Path) -> None:
    """`tdkt-xl demo` says where the master and the three Word documents are (issue 17), and each
    is there: staff find them from the command's output alone."""
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    said = dict(line.split(": ", 1) for line in result.output.splitlines()
                if line.startswith(("Đã ghi", "Dự thảo", "Công văn", "Tập hợp")))
    paths = DemoPaths(tmp_path / "demo")
    assert said == {"Đã ghi": str(paths.master), "Dự thảo báo cáo tổng kết": str(paths.draft_report),
                    "Công văn đôn đốc": str(paths.reminder_letter),
                    "Tập hợp ý kiến các đơn vị theo đề cương": str(paths.opinions)}
    assert all(Path(path).is_file() and Path(path).stat().st_size > 0 for path in said.values())
