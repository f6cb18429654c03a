"""Unit reports saved by LibreOffice as OpenDocument (.ods): read and checked as their .xlsx.

The reports are filled with openpyxl, then converted by LibreOffice Calc itself (skipped when
it is not installed, a failure when TDKT_REQUIRE_SOFFICE is set); the hostile .ods files are in
tests/test_safety.py.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import libreoffice_convert, ods_content, raw_ods, save_report
from openpyxl import load_workbook

from tdkt_xl import load_plan
from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.consolidation.inbox import run_consolidation
from tdkt_xl.intake.book_readers import read_values
from tdkt_xl.intake.unit_report import UnitReport
from tdkt_xl.intake.worker_pool import read_many
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.plans.grids import ExcelError, FormulaWithoutValue
from tdkt_xl.plans.models import Plan
from tdkt_xl.reports.layout import (
    INFO_SHEET,
    META_SHEET,
    PROGRESS_SHEET,
    STATS_HEADER_ROW,
    STATS_SHEET,
    TEMPLATE_VERSION,
)
from tdkt_xl.reports.template import set_value

AS_OF = date(2024, 7, 1)
OLD = datetime(2024, 6, 24, 9, 30).timestamp()  # every file's time, so that only the content differs
FIRST_COUNT_ROW = STATS_HEADER_ROW + 2  # the first form's row (the row above is its level)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")


def _info_row(book: Any, label: str) -> int:
    info = book[INFO_SHEET]
    return next(r for r in range(1, info.max_row + 1) if info.cell(r, 1).value == label)


def typed(book: Any) -> None:
    """What a unit types, values only (no formula): each kind of value and mistake."""
    info = book[INFO_SHEET]
    info.cell(_info_row(book, "Người lập"), 2, "Nguyễn Thị Ánh")
    set_value(info.cell(_info_row(book, "Điện thoại"), 2), "0912 345 678")
    progress = book[PROGRESS_SHEET]
    progress["E4"], progress["F4"] = "Đã hoàn thành", datetime(2024, 3, 20)
    set_value(progress["G4"], '=HYPERLINK("http://vi-du.invalid")')  # text, not a formula
    progress["H4"] = "Dòng một\nDòng hai"
    progress["E5"], progress["F5"] = "Đang thực hiện", datetime(2024, 6, 1)  # date-not-done
    progress["E6"] = "Xong rồi"  # bad-progress
    progress["E7"] = "Đã hoàn thành"
    set_value(progress["F7"], "20/3/2024")  # date-as-text
    set_value(progress["I7"], "#N/A")  # text that looks like an error value
    progress["I8"] = "  hai khoảng trắng  "
    stats = book[STATS_SHEET]
    set_value(stats.cell(FIRST_COUNT_ROW, 2), "5")  # number-as-text
    stats.cell(FIRST_COUNT_ROW, 3, -1)
    stats.cell(FIRST_COUNT_ROW, 4, 1.5)
    stats.cell(FIRST_COUNT_ROW + 1, 2, "nhiều")
    stats.cell(FIRST_COUNT_ROW + 1, 3, "#DIV/0!")  # an error value (openpyxl writes an error cell)
    stats.cell(FIRST_COUNT_ROW + 2, 5, 12)


def with_formulas(book: Any) -> None:
    """Formulas typed into input cells: LibreOffice computes them when it saves the file."""
    typed(book)
    progress = book[PROGRESS_SHEET]
    progress["E9"], progress["F9"] = "Đã hoàn thành", "=DATE(2024,6,1)"
    stats = book[STATS_SHEET]
    stats.cell(FIRST_COUNT_ROW + 3, 2, "=2+3")
    stats.cell(FIRST_COUNT_ROW + 3, 3, "=NA()")
    stats.cell(FIRST_COUNT_ROW + 3, 4, "=1/0")


@pytest.fixture(scope="module")
def saved(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Reports made with openpyxl ("BTDKT": values, "P1": formulas too), and the copies LibreOffice
    saves of them as .ods, and of "P1" as .xlsx (its formulas then have values there too)."""
    root = tmp_path_factory.mktemp("ods")
    values = save_report(plan, "BTDKT", root / "made" / "BTDKT.xlsx", change=typed)
    formulas = save_report(plan, "P1", root / "made" / "P1.xlsx", change=with_formulas)
    values_ods, formulas_ods = libreoffice_convert([values, formulas], "ods", root / "ods")
    (formulas_xlsx,) = libreoffice_convert([formulas], "xlsx", root / "xlsx")
    return {"values.xlsx": values, "values.ods": values_ods, "formulas.xlsx": formulas_xlsx,
            "formulas.ods": formulas_ods, "formulas_openpyxl.xlsx": formulas}


def consolidated(plan: Plan, folder: Path, files: dict[str, Path]) -> Consolidation:
    """The files (name in the inbox -> source) consolidated, all with one file time."""
    folder.mkdir(parents=True)
    for name, source in files.items():
        shutil.copy(source, folder / name)
        os.utime(folder / name, (OLD, OLD))
    return run_consolidation(plan, folder, folder.parent / f"{folder.name}_tong_hop.xlsx", as_of=AS_OF)


def comparable(report: UnitReport) -> dict[str, Any]:
    """A report without the name of its file."""
    fields = report.model_dump(exclude={"file"})
    for problem in fields["problems"]:
        problem.pop("file")
    return fields


def only_report(result: Consolidation) -> UnitReport:
    assert [f.file for f in result.rejected] == []
    (report,) = result.reports
    return report


@pytest.mark.slow
def test_an_ods_report_reads_as_the_xlsx_it_was_saved_from(plan: Plan, saved: dict[str, Path],
                                                            tmp_path: Path) -> None:
    xlsx = only_report(consolidated(plan, tmp_path / "xlsx", {"BTDKT.xlsx": saved["values.xlsx"]}))
    ods = only_report(consolidated(plan, tmp_path / "ods", {"BTDKT.ods": saved["values.ods"]}))
    assert comparable(ods) == comparable(xlsx)
    assert ods.file == "BTDKT.ods"
    # what the comparison covers: each kind of value, and each problem a unit's typing gives
    assert (ods.unit_code, ods.author, ods.phone, ods.report_date) == (
        "BTDKT", "Nguyễn Thị Ánh", "0912 345 678", date(2024, 6, 20))
    assert ods.template_version == TEMPLATE_VERSION  # the hidden identity sheet is recognised
    done = next(e for e in ods.progress.values() if e.row == 4)
    assert (done.status, done.completed_on) == ("Đã hoàn thành", date(2024, 3, 20))
    assert done.result == '=HYPERLINK("http://vi-du.invalid")' and done.difficulties == "Dòng một\nDòng hai"
    assert next(e for e in ods.progress.values() if e.row == 7).note == "#N/A"
    found = {(p.code, p.cell) for p in ods.problems}
    assert found == {
        ("date-not-done", "F5"), ("bad-progress", "E6"), ("date-as-text", "F7"),
        ("number-as-text", f"B{FIRST_COUNT_ROW}"), ("negative-number", f"C{FIRST_COUNT_ROW}"),
        ("not-whole-number", f"D{FIRST_COUNT_ROW}"), ("text-in-number", f"B{FIRST_COUNT_ROW + 1}"),
        ("excel-error", f"C{FIRST_COUNT_ROW + 1}"),
    }
    assert "#DIV/0!" in next(p.message for p in ods.problems if p.code == "excel-error")


@pytest.mark.slow
def test_formulas_and_error_values_of_an_ods_report(plan: Plan, saved: dict[str, Path],
                                                    tmp_path: Path) -> None:
    """LibreOffice stores each formula's value in both formats: the same report either way."""
    xlsx = consolidated(plan, tmp_path / "xlsx", {"P1.xlsx": saved["formulas.xlsx"]})
    ods = consolidated(plan, tmp_path / "ods", {"P1.ods": saved["formulas.ods"]})
    assert comparable(only_report(ods)) == comparable(only_report(xlsx))
    assert ods.totals == xlsx.totals
    report = only_report(ods)
    errors = {p.cell: p.message for p in report.problems if p.code == "excel-error"}
    assert set(errors) == {f"C{FIRST_COUNT_ROW + 1}", f"C{FIRST_COUNT_ROW + 3}", f"D{FIRST_COUNT_ROW + 3}"}
    assert "#N/A" in errors[f"C{FIRST_COUNT_ROW + 3}"] and "#DIV/0!" in errors[f"D{FIRST_COUNT_ROW + 3}"]
    assert not any(p.code == "formula-no-value" for p in report.problems)  # values kept by LibreOffice
    assert next(e for e in report.progress.values() if e.row == 9).completed_on == date(2024, 6, 1)
    label = load_workbook(saved["formulas.xlsx"])[STATS_SHEET].cell(FIRST_COUNT_ROW + 3, 1).value
    assert report.stats[label][2014] == 5  # =2+3


@pytest.mark.slow
def test_values_hidden_sheets_and_errors_as_the_reader_gives_them(saved: dict[str, Path]) -> None:
    ods, xlsx = read_values(saved["formulas.ods"]), read_values(saved["formulas.xlsx"])
    assert ods.sheets == xlsx.sheets
    # LibreOffice saves the very hidden identity sheet as hidden: .ods has no "very hidden"
    assert (ods.hidden_sheets, ods.very_hidden_sheets) == ((META_SHEET,), ())
    assert (xlsx.hidden_sheets, xlsx.very_hidden_sheets) == ((META_SHEET,), ())
    row = ods.sheets[STATS_SHEET][FIRST_COUNT_ROW + 2]
    assert row[1:4] == [5.0, ExcelError("#N/A"), ExcelError("#DIV/0!")]
    assert all(type(value) is ExcelError for value in row[2:4])
    assert isinstance(ods.sheets[PROGRESS_SHEET][8][5], date)


@pytest.mark.slow
def test_an_ods_renamed_xlsx_is_read_as_an_ods(plan: Plan, saved: dict[str, Path], tmp_path: Path) -> None:
    ods = consolidated(plan, tmp_path / "ods", {"P1.ods": saved["formulas.ods"]})
    renamed = consolidated(plan, tmp_path / "renamed", {"P1.xlsx": saved["formulas.ods"]})
    assert comparable(only_report(renamed)) == comparable(only_report(ods))
    assert [f.file for f in renamed.files if f.outcome == "accepted"] == ["P1.xlsx"]


@pytest.mark.slow
def test_a_broken_ods_is_rejected_with_its_reason_and_the_run_goes_on(plan: Plan, saved: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    data = saved["values.ods"].read_bytes()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "BTDKT.ods").write_bytes(data[: len(data) // 2])  # cut off: a download not finished
    (inbox / "P2.ods").write_text("Báo cáo gửi sau", encoding="utf-8")  # not a spreadsheet at all
    (inbox / "P3.xlsx").write_bytes(data[: len(data) * 3 // 4])  # an .ods renamed .xlsx, cut off
    shutil.copy(saved["formulas.ods"], inbox / "P1.ods")
    result = run_consolidation(plan, inbox, tmp_path / "tong_hop.xlsx", as_of=AS_OF)
    assert [r.unit_code for r in result.reports] == ["P1"]
    rejected = {f.file: f for f in result.rejected}
    assert set(rejected) == {"BTDKT.ods", "P2.ods", "P3.xlsx"}
    for name in ("BTDKT.ods", "P3.xlsx"):
        assert rejected[name].code == "corrupt-zip"
        assert rejected[name].reason.startswith("Bảng tính .ods bị hỏng hoặc bị cắt cụt (")
        assert "Thử mở bằng LibreOffice Calc" in rejected[name].reason
    assert rejected["P2.ods"].code == "not-excel"
    assert rejected["P2.ods"].reason.startswith("Tệp không phải sổ Excel hay bảng tính .ods")
    listed = load_workbook(tmp_path / "tong_hop.xlsx")["Lỗi"]
    names = {listed.cell(r, 2).value for r in range(4, listed.max_row + 1)}
    assert set(rejected) <= names


@pytest.mark.slow
def test_the_nightly_merge_reads_ods_and_reads_again_those_rejected_before(
        plan: Plan, saved: dict[str, Path], tmp_path: Path) -> None:
    """An .ods the reader of before (READER_VERSION 2) rejected with the code "ods" is read again."""
    inbox = tmp_path / "hop_thu"
    inbox.mkdir()
    for name, source in {"BTDKT.ods": saved["values.ods"], "P1.xlsx": saved["formulas.xlsx"]}.items():
        shutil.copy(source, inbox / name)
        os.utime(inbox / name, (OLD, OLD))
    plan_file = tmp_path / "ke_hoach.xlsx"
    shutil.copy(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx", plan_file)
    settings = NightlySettings(plan=plan_file, inbox=inbox, out=tmp_path / "ra" / "tong_hop.xlsx",
                               as_of=AS_OF, workers=2)
    first = run_nightly(settings)
    assert first.exit_code == 0 and first.files["new"] == ["BTDKT.ods", "P1.xlsx"]
    assert first.files["rejected"] == []
    direct = run_consolidation(plan, inbox, tmp_path / "truc_tiep.xlsx", as_of=AS_OF)
    assert master_values(settings.out) == master_values(tmp_path / "truc_tiep.xlsx")
    assert sorted(r.unit_code for r in direct.reports) == ["BTDKT", "P1"]

    with sqlite3.connect(settings.state_path) as db:  # as the reader of before left it
        db.execute("UPDATE versions SET outcome = 'rejected', code = 'ods', reason = 'Tệp là bảng tính "
                   "LibreOffice/OpenOffice (.ods), không phải sổ Excel.', report = NULL, stats = NULL, "
                   "stats_layout = NULL, stats_counts = NULL, unit_code = NULL, reader = 2 "
                   "WHERE path = 'BTDKT.ods'")
    db.close()
    again = run_nightly(settings)
    assert again.files["changed"] == ["BTDKT.ods"] and again.files["unchanged"] == ["P1.xlsx"]
    assert "được đọc lại" in again.message
    assert master_values(settings.out) == master_values(tmp_path / "truc_tiep.xlsx")
    assert run_nightly(settings).files["unchanged"] == ["BTDKT.ods", "P1.xlsx"]


def master_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


# --- .ods written part by part: what calamine gives and what is put back ----------------------

def cell(value: str, *, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-cell{repeated} {value}</table:table-cell>"


def test_each_kind_of_ods_cell(tmp_path: Path) -> None:
    hidden = ('<style:style style:name="ta2" style:family="table"><style:table-properties '
              'table:display="false"/></style:style>')
    rows = (
        "<table:table-row>"
        + cell('office:value-type="float" office:value="2"><text:p>2</text:p>')
        + cell('office:value-type="date" office:date-value="2024-06-20"><text:p>20/06/2024</text:p>')
        + cell('office:value-type="string"><text:p>Sở <text:span>Nội</text:span> vụ</text:p>')
        + cell('office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p>')
        + cell('office:value-type="percentage" office:value="0.5"><text:p>50%</text:p>')
        + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="2"/>'
        + cell('table:formula="of:=NA()" office:value-type="string" office:string-value="" '
               'calcext:value-type="error"><office:annotation><text:p>Ghi chú</text:p></office:annotation>'
               '<text:p>#N/A</text:p>', repeat=2)
        + "<table:covered-table-cell/>"
        + cell('table:formula="of:=[.A1]+1">')  # a formula whose value was never computed
        + cell('table:formula="of:=SUM([.A1:.B1])">')
        + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    identity = cell('office:value-type="string"><text:p>plan_id</text:p>')
    tables = (f'<table:table table:name="Số liệu">{rows}</table:table><table:table table:name="_tdkt_xl" '
              f'table:style-name="ta2"><table:table-row>{identity}</table:table-row></table:table>')
    book = read_values(raw_ods(tmp_path / "bao_cao.ods", ods_content(tables, hidden)))
    assert book.hidden_sheets == ("_tdkt_xl",) and book.very_hidden_sheets == ()
    first, second, third = book.sheets["Số liệu"]
    assert first == [2.0, date(2024, 6, 20), "Sở Nội vụ", True, 0.5]
    assert second == third
    assert second[:4] == [None, None, ExcelError("#N/A"), ExcelError("#N/A")]
    assert type(second[2]) is ExcelError and second[4] is None
    formula = second[5]
    assert isinstance(formula, FormulaWithoutValue) and formula.formula == "=A1+1"
    assert len(second) == 6  # the sum is left out, as in .xlsx (the template's "Tổng" column)
    assert book.sheets["_tdkt_xl"] == [["plan_id"]]


def test_an_ods_calamine_cannot_read_is_rejected_with_how_to_save_it(tmp_path: Path) -> None:
    """calamine refuses .ods whose XML has line breaks and indents between cells (LibreOffice never
    writes them so): rejected in its reading process, with what to do, and the others are read."""
    pretty = ods_content('\n<table:table table:name="S">\n  <table:table-row>\n    <table:table-cell '
                         'office:value-type="float" office:value="3"/>\n  </table:table-row>\n</table:table>')
    files = [raw_ods(tmp_path / "thut_dong.ods", pretty), raw_ods(tmp_path / "gon.ods")]
    results = {r.path.name: r for r in read_many(files, workers=1)}
    rejection = results["thut_dong.ods"].rejection
    assert rejection is not None and rejection.code == "unreadable"
    assert rejection.reason.startswith("Không đọc được bảng tính .ods (")
    assert "mở bằng LibreOffice Calc" in rejection.reason
    book = results["gon.ods"].book
    assert book is not None and book.sheets == {"Sheet1": [[1.0]]}


def test_an_ods_plan_is_refused_with_how_to_save_it(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tdkt_xl.cli import cli

    path = raw_ods(tmp_path / "ke_hoach.ods")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert ("bảng tính LibreOffice/OpenOffice .ods; sổ kế hoạch cần là sổ Excel .xlsx hoặc .xlsm"
            in result.output)
    assert "Excel 2007-365 (.xlsx)" in result.output
