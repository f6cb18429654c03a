"""The staff guide (docs/huong-dan.md) says what the code does: a plan built from the guide's own
tables ("Bắt đầu kế hoạch của đơn vị mình": the task columns, the Đơn vị columns, the Cấu hình
keys) is read without an error, every Cấu hình key it lists is read, and the pictures it shows
exist.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.models import PlanConfig
from tdkt_xl.plans.reader import read_plan

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "huong-dan.md"


def _table(after: str) -> list[list[str]]:
    """The rows (header first) of the first Markdown table after the line starting ``after``."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line.replace(" ", "")):
                rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows


def _labels(cell: str) -> list[str]:
    """The labels one table cell names: "Đơn vị chỉ đạo, Đơn vị phối hợp" and "STT / TT" give two."""
    return [part.strip() for part in re.split(r",|\s/\s", cell) if part.strip()]


_VALUES = {"Năm kế hoạch": 2025, "Số ngày sắp đến hạn": 10, "Ngày tính trạng thái": dt.datetime(2025, 7, 1),
           "Hạn nộp báo cáo": dt.datetime(2025, 6, 25), "Năm số liệu từ": 2015, "Năm số liệu đến": 2024,
           "Ngày ban hành": dt.datetime(2025, 1, 10)}


def test_the_guides_configuration_keys_are_all_read() -> None:
    keys = [label for row in _table("**Sheet \"Cấu hình\"**")[1:] for label in _labels(row[0])]
    assert set(keys) == set(_VALUES), keys  # the guide lists every key, and only those
    grid = Grid("Cấu hình", [["Thiết lập", "Giá trị"], *([key, _VALUES[key]] for key in keys)])
    plan = read_plan([_tasks(), _units(), grid])
    assert plan.config == PlanConfig(year=2025, due_soon_days=10, as_of=dt.date(2025, 7, 1),
                                     report_deadline=dt.date(2025, 6, 25), stats_from=2015, stats_to=2024,
                                     issued=dt.date(2025, 1, 10))
    defaults = {row[0]: row[1] for row in _table("**Sheet \"Cấu hình\"**")[1:]}
    assert defaults["Số ngày sắp đến hạn"] == str(PlanConfig().due_soon_days)
    config = PlanConfig()
    assert defaults["Năm số liệu từ, Năm số liệu đến"] == f"{config.stats_from}, {config.stats_to}"


def _units() -> Grid:
    header = [row[0] for row in _table("**Sheet \"Đơn vị\"**")[1:]]
    assert header == ["STT", "Mã đơn vị", "Tên đơn vị", "Tên gọi khác, viết tắt", "Loại", "Email"], header
    return Grid("Đơn vị", [
        header,
        ["I", "", "Các sở, ban, ngành", "", "", ""],  # numbered I: a group heading
        [1, "SGTVT", "Sở Giao thông vận tải", "Sở GTVT; Sở Giao thông", "Đơn vị", "sgtvt@mau.gov.vn"],
        [2, "SYT", "Sở Y tế", "", "", "syt@mau.gov.vn"],
        [None, "", "CÁC ĐỊA PHƯƠNG", "", "", ""],  # capitals without a code: a group heading
        [3, "NHOM_HUYEN", "Các huyện, thị xã, thành phố", "", "Nhóm địa phương", ""],
    ])


def _tasks() -> Grid:
    columns = [label for row in _table("**Sheet nhiệm vụ**")[1:] for label in _labels(row[0])]
    wanted = ["STT", "Nội dung", "Đơn vị thực hiện", "Đơn vị chỉ đạo", "Đơn vị phối hợp",
              "Thời gian hoàn thành", "Ngày hoàn thành"]
    assert set(wanted) <= set(columns), columns
    return Grid("Phân công", [
        ["KẾ HOẠCH TỔNG KẾT NĂM 2025"],
        [],
        wanted,
        ["I", "Quý III"],
        [1, "Báo cáo tổng kết", "Sở GTVT, Sở Y tế", "", "", "30/7/2025", None],
        [2, "Rà soát hồ sơ", "Sở Giao thông", "", "Sở Y tế", "Trước 15/7", dt.datetime(2025, 7, 10)],
    ])


def test_a_plan_made_as_the_guide_says_reads_without_an_error() -> None:
    plan = read_plan([_tasks(), _units(), Grid("Cấu hình", [["Năm kế hoạch", 2025]])])
    assert [p for p in plan.problems if p.severity == "error"] == []
    assert plan.problems == []
    # units by name, short name or another name, two in one cell joined by a comma
    assert [[u.code for u in t.lead] for t in plan.tasks] == [["SGTVT", "SYT"], ["SGTVT"]]
    assert [[u.code for u in t.partners] for t in plan.tasks] == [[], ["SYT"]]
    assert plan.tasks[1].completed_on == dt.date(2025, 7, 10)
    units = {u.code: u for u in plan.units or []}
    assert set(units) == {"SGTVT", "SYT", "NHOM_HUYEN"}  # the two group headings are not units
    assert units["SGTVT"].aliases == ("Sở GTVT", "Sở Giao thông") and units["NHOM_HUYEN"].is_group


@pytest.mark.parametrize("picture", sorted(set(re.findall(r"!\[[^\]]*\]\(([^)]+)\)",
                                                         GUIDE.read_text(encoding="utf-8")))))
def test_the_guides_pictures_exist(picture: str) -> None:
    assert (GUIDE.parent / picture).is_file(), picture
