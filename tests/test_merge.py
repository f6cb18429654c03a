"""Consolidating an inbox where every kind of bad file sits beside good ones."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import raw_ods, save_report
from openpyxl import load_workbook

from tdkt_xl import load_plan
from tdkt_xl.consolidation.inbox import run_consolidation, scan_inbox
from tdkt_xl.consolidation.master import PROBLEMS_SHEET
from tdkt_xl.plans.models import Plan
from tdkt_xl.reports.layout import INFO_SHEET, META_SHEET, PROGRESS_SHEET, STATS_HEADER_ROW, STATS_SHEET


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of a workbook with one package member replaced."""
    with zipfile.ZipFile(source) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[name] = data
    target.write_bytes(zip_bytes(members))
    return target


def first_sheet_member(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def test_every_bad_kind_is_rejected_with_its_reason(plan: Plan, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    good = save_report(plan, "BTDKT", inbox / "BTDKT.xlsx")
    save_report(plan, "P1", inbox / "con" / "P1.xlsx")
    (inbox / "html.xlsx").write_text("<!DOCTYPE html><html><body>Đăng nhập</body></html>", encoding="utf-8")
    (inbox / "csv.xlsx").write_text("Mã đơn vị,Tên\nP2,Phòng II\n", encoding="utf-8")
    (inbox / "rong.xlsx").write_bytes(b"")
    (inbox / "cu.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    (inbox / "mat_khau.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
                                          + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100)
    data = good.read_bytes()
    (inbox / "cat_cut.xlsx").write_bytes(data[: len(data) // 2])
    sheet = first_sheet_member(good)
    with zipfile.ZipFile(good) as archive:
        xml = archive.read(sheet)
    xxe = xml.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet', 1)
    with_member(good, inbox / "xxe.xlsx", sheet, xxe)
    bomb = tmp_path / "bomb.xlsx"
    with_member(good, bomb, "xl/media/zeros.bin", b"\x00" * (210 << 20))
    bomb.rename(inbox / "bomb.xlsx")
    save_report(plan, "P3", inbox / "ke_hoach_khac.xlsx",  # the template of last year's plan
                change=lambda b: (b[META_SHEET].cell(1, 2, "abcdef123456"), b[META_SHEET].cell(4, 2, 2023)))
    save_report(plan, "P3", inbox / "don_vi_la.xlsx", change=lambda b: b[INFO_SHEET].cell(3, 2, "KHONGCO"))
    save_report(plan, "P3", inbox / "mat_sheet.xlsx", change=lambda b: b.remove(b[PROGRESS_SHEET]))
    (inbox / "ghi_chu.docx").write_bytes(b"PK\x03\x04")
    (inbox / "~$BTDKT.xlsx").write_bytes(b"\x00" * 165)
    before = {p: p.read_bytes() for p in inbox.rglob("*") if p.is_file()}

    result = run_consolidation(plan, inbox, tmp_path / "tong_hop.xlsx", as_of=date(2024, 7, 1))

    outcomes = {f.file: f for f in result.files}
    assert outcomes["BTDKT.xlsx"].outcome == "accepted"
    assert outcomes["con/P1.xlsx"].outcome == "accepted"
    expected = {
        "html.xlsx": "HTML", "csv.xlsx": "CSV", "rong.xlsx": "rỗng", "cu.xls": ".xls",
        "mat_khau.xlsx": "mật khẩu", "cat_cut.xlsx": "cắt cụt", "xxe.xlsx": "DOCTYPE",
        "bomb.xlsx": "giải nén", "ke_hoach_khac.xlsx": "kế hoạch khác",
        "don_vi_la.xlsx": '"KHONGCO"', "mat_sheet.xlsx": 'Thiếu sheet "Tiến độ"',
    }
    for name, words in expected.items():
        assert outcomes[name].outcome == "rejected", name
        assert words.lower() in outcomes[name].reason.lower(), (name, outcomes[name].reason)
    assert outcomes["ghi_chu.docx"].outcome == "skipped"
    assert outcomes["~$BTDKT.xlsx"].outcome == "skipped"
    assert len(result.files) == len(before)  # every file has an outcome
    # inputs untouched
    assert {p: p.read_bytes() for p in inbox.rglob("*") if p.is_file()} == before
    problems = load_workbook(tmp_path / "tong_hop.xlsx")[PROBLEMS_SHEET]
    listed = {problems.cell(r, 2).value for r in range(4, problems.max_row + 1)}
    assert set(expected) <= listed


def test_cell_problems_keep_the_rest_of_the_file(plan: Plan, tmp_path: Path) -> None:
    def spoil(book: Any) -> None:
        stats = book[STATS_SHEET]
        row = STATS_HEADER_ROW + 2
        stats.cell(row, 2).value = -4
        stats.cell(row, 3).value = "7"
        stats.cell(row, 4).value = "nhiều"

    save_report(plan, "P2", tmp_path / "in" / "P2.xlsx", change=spoil)
    result = run_consolidation(plan, tmp_path / "in", tmp_path / "m.xlsx", as_of=date(2024, 7, 1))
    assert [f.outcome for f in result.files] == ["accepted"]
    assert [(p.code, p.cell) for p in result.problems] == [
        ("negative-number", f"B{STATS_HEADER_ROW + 2}"), ("number-as-text", f"C{STATS_HEADER_ROW + 2}"),
        ("text-in-number", f"D{STATS_HEADER_ROW + 2}")]
    form = result.forms[0].name
    assert result.totals[form][2014] == 0 and result.totals[form][2017] == 1


def test_scan_inbox_walks_subfolders(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/b/x.XLSX", "a/y.xlsm", "z.xlsb", "w.xls", "note.pdf", "~$x.xlsx"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)  # not walked, as os.walk
    found = scan_inbox(tmp_path)
    assert [found.name(p) for p in found.workbooks] == ["w.xls", "z.xlsb", "a/y.xlsm", "a/b/x.XLSX"]
    assert found.names == ["w.xls", "z.xlsb", "a/y.xlsm", "a/b/x.XLSX"] and found.stats == {}
    (tmp_path / "a" / "y.xlsm").write_bytes(b"12345")
    with_stats = scan_inbox(tmp_path, stat=True)
    assert with_stats.names == found.names and list(with_stats.stats) == found.names
    assert with_stats.stats["a/y.xlsm"].st_size == 5
    assert sorted(found.name(p) for p in found.skipped) == ["note.pdf", "~$x.xlsx"]


def test_checked_in_workers_or_in_the_parent_alike(plan: Plan, tmp_path: Path) -> None:
    """Forked workers check what they read; with a caller's executor the parent checks: same result."""
    from concurrent.futures import ProcessPoolExecutor

    from tdkt_xl.consolidation.inbox import checking_in_workers, consolidate_inbox
    from tdkt_xl.intake.worker_pool import read_many

    inbox = tmp_path / "inbox"
    save_report(plan, "BTDKT", inbox / "BTDKT.xlsx")
    save_report(plan, "P1", inbox / "con" / "P1.xlsx", made_on=date(2024, 6, 28))
    save_report(plan, "P1", inbox / "P1_cu.xlsx", made_on=date(2024, 6, 1))
    save_report(plan, "P2", inbox / "P2.xlsx",
                change=lambda b: b[STATS_SHEET].cell(STATS_HEADER_ROW + 2, 2, -4))
    save_report(plan, "P3", inbox / "don_vi_la.xlsx", change=lambda b: b[INFO_SHEET].cell(3, 2, "KHONGCO"))
    (inbox / "rong.xlsx").write_bytes(b"")
    in_workers = consolidate_inbox(plan, inbox, as_of=date(2024, 7, 1))
    with ProcessPoolExecutor(2) as executor:
        in_parent = consolidate_inbox(plan, inbox, as_of=date(2024, 7, 1), executor=executor)
    assert in_workers.summary("m.xlsx") == in_parent.summary("m.xlsx")
    assert [r.model_dump() for r in in_workers.reports] == [r.model_dump() for r in in_parent.reports]
    assert [p.model_dump() for p in in_workers.problems] == [p.model_dump() for p in in_parent.problems]
    assert [p.file for p in in_workers.problems] == ["P2.xlsx"]
    with checking_in_workers(plan, inbox) as reader:  # what the workers send back: the checked result
        results = list(read_many(scan_inbox(inbox).workbooks, workers=2, reader=reader))
    assert {type(r.book.checked).__name__ for r in results if r.book} == {"UnitReport", "FileOutcome"}
    assert all(r.book.sheets == {} for r in results if r.book)


def test_names_that_are_not_utf8_reach_the_master(plan: Plan, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    saved = save_report(plan, "P2", inbox / "P2.xlsx")
    (inbox / "ghi_chu.txt").write_text("x", encoding="utf-8")
    try:
        os.rename(os.fsencode(saved), os.fsencode(inbox) + b"/B\xe1o_c\xe1o_P2.xlsx")
        os.rename(os.fsencode(inbox / "ghi_chu.txt"), os.fsencode(inbox) + b"/ghi_ch\xfa.txt")
    except OSError:
        pytest.skip("this file system takes UTF-8 names only")
    result = run_consolidation(plan, inbox, tmp_path / "m.xlsx", as_of=date(2024, 7, 1))
    summary = result.summary("m.xlsx")
    assert summary["files"] == {"accepted": ["B\\xe1o_c\\xe1o_P2.xlsx"], "rejected": [], "superseded": [],
                                "skipped": ["ghi_ch\\xfa.txt"]}
    rows = list(load_workbook(tmp_path / "m.xlsx")["Tình hình nộp báo cáo"].iter_rows(values_only=True))
    assert any(row[6] == "B\\xe1o_c\\xe1o_P2.xlsx" for row in rows)


def test_formulas_without_a_stored_value_are_said(plan: Plan, tmp_path: Path) -> None:
    """A report filled by a program that does not calculate: its formulas have no value to read."""
    def formulas(book: Any) -> None:
        book[STATS_SHEET].cell(STATS_HEADER_ROW + 2, 2, "=2+3")
        book[PROGRESS_SHEET]["E4"] = None
        book[PROGRESS_SHEET]["F4"] = "=DATE(2024,6,1)"

    inbox = tmp_path / "inbox"
    save_report(plan, "BTDKT", inbox / "BTDKT.xlsx", change=formulas)
    result = run_consolidation(plan, inbox, tmp_path / "m.xlsx", as_of=date(2024, 7, 1))
    found = {(p.code, p.sheet, p.cell) for p in result.problems}
    assert ("formula-no-value", STATS_SHEET, f"B{STATS_HEADER_ROW + 2}") in found
    assert ("formula-no-value", PROGRESS_SHEET, "F4") in found
    message = next(p.message for p in result.problems if p.cell == "F4")
    assert message.startswith("Ô có công thức =DATE(2024,6,1) nhưng tệp không lưu kết quả của nó")
    label = load_workbook(inbox / "BTDKT.xlsx")[STATS_SHEET].cell(STATS_HEADER_ROW + 2, 1).value
    counts = result.reports[0].stats[label]
    assert 2014 not in counts and counts[2015] == 1  # the cell is left out, not counted as 0
    entry = next(e for e in result.reports[0].progress.values() if e.row == 4)
    assert (entry.status, entry.completed_on) == (None, None)  # not "done" from a date it does not have


def test_a_libreoffice_report_is_read_not_skipped(plan: Plan, tmp_path: Path) -> None:
    """An .ods (or one renamed .xlsx, as staff do) is read like an .xlsx: one that is not the
    template is rejected for its layout (the real reports: tests/test_ods.py)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    raw_ods(inbox / "P2.ods")
    raw_ods(inbox / "P3.xlsx")
    result = run_consolidation(plan, inbox, tmp_path / "m.xlsx", as_of=date(2024, 7, 1))
    rejected = {f.file: (f.code, f.reason) for f in result.rejected}
    assert set(rejected) == {"P2.ods", "P3.xlsx"}
    assert {c for c, _ in rejected.values()} == {"changed-layout"}
    assert all('Thiếu sheet "Thông tin"' in r and '"Sheet1"' in r for _c, r in rejected.values())
    assert result.summary("m.xlsx")["files"]["skipped"] == []  # type: ignore[index]
