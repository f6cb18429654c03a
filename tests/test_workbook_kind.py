"""A master (tổng hợp) or a unit report given as a plan is named as such (issue 14):
:mod:`tdkt_xl.plans.workbook_kind`, ``not-a-plan``, through ``tdkt-xl validate`` and ``status``."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import PHU_LUC_HEADER, BookMaker, DemoCopier

from tdkt_xl.cli import cli
from tdkt_xl.consolidation import master
from tdkt_xl.intake.openpyxl_grids import read_grids
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.reader import read_plan
from tdkt_xl.plans.text import fold_words, strip_diacritics
from tdkt_xl.plans.workbook_kind import (
    MASTER_SHEETS,
    REPORT_META_KEY,
    REPORT_META_SHEET,
    REPORT_SHEETS,
    other_workbook,
)
from tdkt_xl.reports import layout

MASTER_TODO = ("Hãy mở sổ kế hoạch (sổ có bảng nhiệm vụ) để kiểm tra; sổ tổng hợp do lệnh tổng hợp "
               "tạo ra từ sổ kế hoạch và các báo cáo, và được làm lại mỗi lần tổng hợp.")
REPORT_TODO = ("Hãy mở sổ kế hoạch (sổ có bảng nhiệm vụ) để kiểm tra; báo cáo của đơn vị được đọc khi "
               "tổng hợp (đặt tệp vào thư mục hộp thư rồi chạy tổng hợp).")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo(demo_round: DemoCopier, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root, _ = demo_round(tmp_path_factory.mktemp("demo"))
    return root


# --- the names kept here are those the master and the report are written with ------------------


def test_the_master_sheets_are_those_the_master_writes() -> None:
    assert list(MASTER_SHEETS) == [master.SUBMISSIONS_SHEET, master.PROGRESS_SHEET,
                                   master.PROGRESS_DETAIL_SHEET, master.TOTALS_SHEET,
                                   master.TOTALS_DETAIL_SHEET, master.PROBLEMS_SHEET]
    headers = {master.SUBMISSIONS_SHEET: master.SUBMISSIONS_HEADERS,
               master.PROGRESS_SHEET: master.PROGRESS_HEADERS,
               master.PROGRESS_DETAIL_SHEET: master.DETAIL_HEADERS,
               master.PROBLEMS_SHEET: master.PROBLEMS_HEADERS}
    for name, header in headers.items():
        assert set(MASTER_SHEETS[name]) <= set(header), name


def test_the_master_headers_are_in_a_master_the_demo_wrote(demo: Path) -> None:
    grids = {g.name: g for g in read_grids(demo / "tong_hop.xlsx")}
    assert set(grids) == set(MASTER_SHEETS)
    for name, labels in MASTER_SHEETS.items():
        header = grids[name].rows[master.HEADER_ROW - 1]
        assert {fold_words(label) for label in labels} <= {fold_words(v) for v in header if v}, name


def test_the_report_sheets_are_those_of_the_report_layout() -> None:
    assert list(REPORT_SHEETS) == [layout.INFO_SHEET, layout.PROGRESS_SHEET, layout.STATS_SHEET]
    assert (layout.META_SHEET, layout.META_KEYS[0]) == (REPORT_META_SHEET, REPORT_META_KEY)
    assert set(REPORT_SHEETS[layout.INFO_SHEET]) <= set(layout.INFO_LABELS)
    assert set(REPORT_SHEETS[layout.PROGRESS_SHEET]) <= set(layout.PROGRESS_HEADERS)
    assert REPORT_SHEETS[layout.STATS_SHEET] == (layout.STATS_FORM_HEADER, layout.STATS_TOTAL_HEADER)


# --- tdkt-xl validate and status ------------------------------------------------------------------


def test_validate_names_a_master(demo: Path, tmp_path: Path) -> None:
    path = shutil.copy(demo / "tong_hop.xlsx", tmp_path / "tong_hop.xlsx")
    code, output = run("validate", str(path))
    assert code == 1
    assert output == (
        f"Tệp: {path}\n"
        f"Lỗi      {path} [not-a-plan] Tệp này không phải sổ kế hoạch mà là sổ tổng hợp báo cáo của các "
        'đơn vị: có các sheet "Tình hình nộp báo cáo", "Tiến độ nhiệm vụ", "Chi tiết tiến độ", '
        f'"Số liệu tổng hợp", "Số liệu chi tiết", "Lỗi". {MASTER_TODO}\n'
        "Kết quả: KHÔNG hợp lệ (1 lỗi, 0 cảnh báo)\n"
    )


@pytest.mark.parametrize("folder", ["mau_bao_cao", "hop_thu"])
def test_validate_names_a_unit_report(demo: Path, tmp_path: Path, folder: str) -> None:
    # the template the plan's units get, and one a unit filled in and sent back
    path = shutil.copy(demo / folder / "P2.xlsx", tmp_path / "P2.xlsx")
    code, output = run("validate", str(path))
    assert code == 1
    assert output == (
        f"Tệp: {path}\n"
        f"Lỗi      {path} [not-a-plan] Tệp này không phải sổ kế hoạch mà là báo cáo của đơn vị Phòng II "
        f'theo mẫu gửi các đơn vị: có các sheet "Thông tin", "Tiến độ", "Số liệu". {REPORT_TODO}\n'
        "Kết quả: KHÔNG hợp lệ (1 lỗi, 0 cảnh báo)\n"
    )


def test_validate_json_gives_the_one_problem(demo: Path) -> None:
    code, output = run("validate", "--json", str(demo / "tong_hop.xlsx"))
    report = json.loads(output)
    assert code == 1 and report["valid"] is False and report["sheets"] == {}
    assert [issue["code"] for issue in report["issues"]] == ["not-a-plan"]


def test_status_names_a_master_and_writes_no_copy(demo: Path, tmp_path: Path) -> None:
    path = shutil.copy(demo / "tong_hop.xlsx", tmp_path / "tong_hop.xlsx")
    out = tmp_path / "ban_sao.xlsx"
    code, output = run("status", str(path), "--out", str(out), "--as-of", "2024-07-01")
    assert code == 1
    assert "[not-a-plan] Tệp này không phải sổ kế hoạch mà là sổ tổng hợp" in output
    assert MASTER_TODO in output
    assert not out.exists()


def test_the_plan_of_the_demo_is_a_plan(demo: Path) -> None:
    code, output = run("validate", str(demo / "ke_hoach_mau.xlsx"))
    assert code == 0 and "not-a-plan" not in output


# --- recognising them from grids ----------------------------------------------------------------------


def _master_grids(names: list[str] | None = None) -> list[Grid]:
    chosen = names or list(MASTER_SHEETS)
    return [Grid(name, [[name.upper()], [], ["STT", *MASTER_SHEETS[name]]]) for name in chosen]


def _report_grids(*, meta: bool = True, unit: str = "Sở Tài chính") -> list[Grid]:
    grids = [Grid("Thông tin", [["BÁO CÁO"], [], ["Mã đơn vị", "STC"], ["Tên đơn vị", unit],
                                ["Kỳ báo cáo", "6 tháng"]]),
             Grid("Tiến độ", [["TIẾN ĐỘ"], [], list(REPORT_SHEETS["Tiến độ"])]),
             Grid("Số liệu", [["SỐ LIỆU"], [], ["Hình thức khen thưởng", 2023, "Tổng"]])]
    if meta:
        grids.append(Grid("_tdkt_xl", [["plan_id", "abc"], ["unit_code", "STC"]], state="veryHidden"))
    return grids


def _renamed(grids: list[Grid], how: Any) -> list[Grid]:
    return [Grid(how(g.name), [[how(v) if isinstance(v, str) else v for v in row] for row in g.rows],
                 state=g.state) for g in grids]


VARIANTS = [lambda s: s, lambda s: unicodedata.normalize("NFD", s), strip_diacritics, str.upper]


@pytest.mark.parametrize("how", VARIANTS, ids=["nfc", "nfd", "no-diacritics", "upper"])
def test_a_master_is_recognised(how: Any) -> None:
    found = other_workbook(_renamed(_master_grids(), how))
    assert found is not None and found.kind == "master" and len(found.sheets) == 6


@pytest.mark.parametrize("names", [["Tình hình nộp báo cáo", "Tiến độ nhiệm vụ"],
                                   ["Chi tiết tiến độ", "Lỗi"], ["Tiến độ nhiệm vụ", "Số liệu tổng hợp"]])
def test_two_master_sheets_are_enough(names: list[str]) -> None:
    found = other_workbook(_master_grids(names))
    assert found is not None and found.sheets == tuple(names)


def test_a_master_with_its_sheets_renamed_is_known_by_its_headers() -> None:
    grids = [Grid(f"Sheet{i}", g.rows) for i, g in enumerate(_master_grids(), start=1)]
    found = other_workbook(grids)
    # the long headers say what the sheet is; the totals' two labels do not, alone
    assert found is not None and found.kind == "master"
    assert found.sheets == ("Sheet1", "Sheet2", "Sheet3", "Sheet5", "Sheet6")


@pytest.mark.parametrize("how", VARIANTS, ids=["nfc", "nfd", "no-diacritics", "upper"])
@pytest.mark.parametrize("meta", [True, False])
def test_a_unit_report_is_recognised(how: Any, meta: bool) -> None:
    found = other_workbook(_renamed(_report_grids(meta=meta), how))
    assert found is not None and found.kind == "report"
    assert fold_words(found.unit) == "so tai chinh"
    assert found.sheets == tuple(how(n) for n in ("Thông tin", "Tiến độ", "Số liệu"))


def test_a_report_with_only_its_identity_sheet_left_is_a_report() -> None:
    grids = [Grid("Trang 1", [["Ghi chép"]]),
             Grid("_tdkt_xl", [["plan_id", "abc"]], state="veryHidden")]
    found = other_workbook(grids)
    assert found is not None and found.kind == "report" and found.unit == ""
    assert "báo cáo của một đơn vị" in found.fields()["what"]


PLANS: list[list[Grid]] = [
    # a plan with sheets named like a report's: its own task sheet says it is a plan
    [Grid("Phụ lục", [PHU_LUC_HEADER, [1, "Việc", "", "Phòng I"]]), *_report_grids(meta=False)],
    [Grid("Phân công", [["TT", "Nội dung", "Đơn vị thực hiện"]]), *_master_grids()],
    [Grid("Đơn vị", [["Mã đơn vị", "Tên đơn vị"]]), *_master_grids()],
    # one sheet like the master's or the report's is not enough
    _master_grids(["Tiến độ nhiệm vụ"]),
    [Grid("KH38", [["STT", "Nội dung", "Đơn vị chủ trì", "Thời hạn"]]), _report_grids()[1]],
    [Grid("Tiến độ", [["Mã nhiệm vụ", "Nội dung", "Tình trạng"]]), Grid("Số liệu", [["Năm", "Tổng"]])],
    # a "_tdkt_xl" sheet that is not the report's identity
    [Grid("KH", [["STT", "Nội dung", "Đơn vị thực hiện"]]), Grid("_tdkt_xl", [["ghi chú"]])],
    [],
]


@pytest.mark.parametrize("grids", PLANS, ids=range(len(PLANS)))
def test_plans_and_other_workbooks_are_not_taken_for_a_master_or_a_report(grids: list[Grid]) -> None:
    assert other_workbook(grids) is None


def test_read_plan_gives_that_problem_alone() -> None:
    plan = read_plan(_master_grids(), file="tong_hop.xlsx", year=2024)
    assert [p.code for p in plan.problems] == ["not-a-plan"]
    assert plan.sheets == [] and plan.year == 2024 and not plan.valid
    assert plan.sheet_names == list(MASTER_SHEETS)


def test_a_plan_workbook_with_extra_sheets_still_reads(make_book: BookMaker) -> None:
    path = make_book({"Phụ lục": [PHU_LUC_HEADER, [1, "Việc A", "", "Phòng I"]]})
    book = openpyxl.load_workbook(path)
    for name in ("Tiến độ", "Số liệu"):  # sheets a user added to follow the plan
        sheet = book.create_sheet(name)
        sheet.append(["Mã nhiệm vụ", "Vai trò", "Hạn", "Tình trạng", "Ngày hoàn thành", "Kết quả"])
    book.save(path)
    code, output = run("validate", str(path))
    assert code == 0
    assert "not-a-plan" not in output and 'Sheet "Phụ lục": 1 nhiệm vụ' in output
