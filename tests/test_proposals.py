"""The unit report's "Kiến nghị, đề xuất" (issue 17): written in the template, read from .xlsx and
.ods reports, kept through the nightly ledger, given per unit by the consolidation."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import OLD, libreoffice_convert, save_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tdkt_xl.consolidation.inbox import consolidate_inbox
from tdkt_xl.intake.book_readers import read_values
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.intake.unit_report import UnitReport, read_unit_report
from tdkt_xl.nightly.from_ledger import consolidation_from_ledger
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import clean_lines
from tdkt_xl.reports.layout import INFO_PROPOSALS, INFO_SHEET
from tdkt_xl.reports.template import build_unit_report, reporting_units, set_value

AS_OF = date(2024, 7, 1)
PROPOSALS = ("Đề nghị Trung ương sớm ban hành văn bản hướng dẫn Luật Thi đua, khen thưởng năm 2022.\n"
             "Bổ sung biên chế làm công tác thi đua, khen thưởng ở cấp huyện.")


def _proposals_row(book: Workbook) -> int:
    info = book[INFO_SHEET]
    return next(row for row in range(1, info.max_row + 1) if info.cell(row, 1).value == INFO_PROPOSALS)


def _writing(text: str) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        set_value(book[INFO_SHEET].cell(_proposals_row(book), 2), text)
    return change


def _without_the_row(book: Workbook) -> None:
    """A report of a template from before the field (the row is not there)."""
    book[INFO_SHEET].delete_rows(_proposals_row(book))


def _reports(plan: Plan, folder: Path) -> tuple[list[str], list[Path]]:
    """Three units' reports: one writes proposals, one leaves them blank, one has no such row."""
    codes = [unit.code for unit in reporting_units(plan)[:3]]
    changes = [_writing(PROPOSALS), None, _without_the_row]
    return codes, [save_report(plan, code, folder / f"{code}.xlsx", change=change)
                   for code, change in zip(codes, changes, strict=True)]


def test_the_template_has_a_tall_unlocked_proposals_cell(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    unit = reporting_units(plan)[0]
    path = tmp_path / "mau.xlsx"
    build_unit_report(plan, unit).save(path)
    book = load_workbook(path)
    info = book[INFO_SHEET]
    row = _proposals_row(book)
    cell = info.cell(row, 2)
    assert not cell.protection.locked and cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert (info.row_dimensions[row].height or 0) >= 8 * 15
    assert info.cell(row + 1, 1).value != INFO_PROPOSALS
    prompts = [v.prompt for v in info.data_validations.dataValidation if cell.coordinate in v.sqref]
    assert len(prompts) == 1 and "Alt+Enter" in prompts[0] and len(prompts[0]) <= 255  # (Excel's limit)


@pytest.mark.parametrize("file_format", ["xlsx", pytest.param("ods", marks=pytest.mark.slow)])
def test_proposals_come_out_of_the_consolidation(sample_plan: Path, tmp_path: Path, file_format: str) -> None:
    plan = load_plan(sample_plan)
    codes, paths = _reports(plan, tmp_path / "bao_cao")
    inbox = tmp_path / "hop_thu"
    if file_format == "ods":
        libreoffice_convert(paths, "ods", inbox)
    else:
        inbox.mkdir()
        for path in paths:
            path.rename(inbox / path.name)
    result = consolidate_inbox(plan, inbox, as_of=AS_OF)
    assert sorted(f.outcome for f in result.files) == ["accepted"] * 3
    by_unit = {r.unit_code: r.proposals for r in result.reports}
    assert by_unit == {codes[0]: PROPOSALS, codes[1]: "", codes[2]: ""}
    assert [(unit.code, text) for unit, text in result.proposals] == [(codes[0], PROPOSALS)]
    assert not [p for p in result.problems if p.sheet == INFO_SHEET]


def test_a_report_with_only_proposals_is_not_an_empty_template(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    unit = reporting_units(plan)[0]
    book = build_unit_report(plan, unit)
    _writing(PROPOSALS)(book)
    path = tmp_path / f"{unit.code}.xlsx"
    book.save(path)
    report = read_unit_report(read_values(path).sheets, plan, file=path.name)
    assert report.proposals == PROPOSALS


_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặềếểễệọốồổỗộớờởỡợụứừửữựĐƯƠ =-–,.;:()%0123456789"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from([*_VIETNAMESE, "\n", "\r", "\t"]), min_size=1, max_size=400))
def test_any_text_comes_back_as_typed(sample_plan: Path, tmp_path: Path, text: str) -> None:
    plan = load_plan(sample_plan)
    code = reporting_units(plan)[1].code
    path = save_report(plan, code, tmp_path / "h" / f"{code}.xlsx", change=_writing(text))
    report = read_unit_report(read_values(path).sheets, plan, file=path.name)
    assert report.proposals == clean_lines(text)


def test_proposals_are_kept_through_the_nightly_ledger(sample_plan: Path, tmp_path: Path) -> None:
    plan = load_plan(sample_plan)
    inbox = tmp_path / "hop_thu"
    codes, _paths = _reports(plan, inbox)
    for path in inbox.iterdir():
        os.utime(path, (OLD, OLD))
    settings_ = NightlySettings(plan=sample_plan, inbox=inbox, out=tmp_path / "ra" / "tong_hop.xlsx",
                                as_of=AS_OF)
    run_nightly(settings_)
    result = consolidation_from_ledger(plan, settings_.state_path, as_of=AS_OF)
    assert [(unit.code, text) for unit, text in result.proposals] == [(codes[0], PROPOSALS)]

    # a ledger from before the field: its stored reports have none, and still load
    with sqlite3.connect(settings_.state_path) as db:
        db.execute("UPDATE versions SET report = json_remove(report, '$.proposals'), reader = 3 "
                   "WHERE report IS NOT NULL")
        stored = [text for (text,) in db.execute("SELECT report FROM versions WHERE report IS NOT NULL")]
    assert stored and all("proposals" not in text for text in stored)
    assert all(UnitReport.model_validate_json(text).proposals == "" for text in stored)
    assert consolidation_from_ledger(plan, settings_.state_path, as_of=AS_OF).proposals == []
    run_nightly(settings_)  # the reader of before: the files are read again
    result = consolidation_from_ledger(plan, settings_.state_path, as_of=AS_OF)
    assert [(unit.code, text) for unit, text in result.proposals] == [(codes[0], PROPOSALS)]


def test_the_info_sheet_prints_on_one_page_width(sample_plan: Path, tmp_path: Path) -> None:
    """Labels and values on one A4 page (not the labels alone on a page of their own)."""
    plan = load_plan(sample_plan)
    path = tmp_path / "mau.xlsx"
    build_unit_report(plan, reporting_units(plan)[0]).save(path)
    info = load_workbook(path)[INFO_SHEET]
    assert info.sheet_properties.pageSetUpPr.fitToPage and info.page_setup.fitToWidth == 1
    assert not info.print_title_cols
