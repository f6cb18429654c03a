"""Workbook fixtures made by code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

Rows = Sequence[Sequence[Any]]

UNIT_ROWS: list[list[Any]] = [
    ["Mã đơn vị", "Tên đơn vị", "Tên gọi khác, viết tắt", "Loại", "Email"],
    ["BTDKT", "Ban Thi đua - Khen thưởng, Sở Nội vụ", "Ban TĐKT; Ban Thi đua - Khen thưởng",
     "Đơn vị", "ban.tdkt@mau.gov.vn"],
    ["UBND", "UBND tỉnh", "Ủy ban nhân dân tỉnh", "Đơn vị", "ubnd@mau.gov.vn"],
    ["SGTVT", "Sở Giao thông vận tải", "", "Đơn vị", "sgtvt@mau.gov.vn"],
    ["SLDTBXH", "Sở Lao động, Thương binh và Xã hội", "Sở LĐTBXH", "Đơn vị", ""],
    ["P1", "Phòng I", "", "Đơn vị", "p1@mau.gov.vn"],
    ["P2", "Phòng II", "", "Đơn vị", "p2@mau.gov.vn"],
    ["P3", "Phòng III", "", "Đơn vị", "p3@mau.gov.vn"],
    ["PTCCB", "Phòng Tổ chức cán bộ", "Phòng TCCB", "Đơn vị", ""],
    ["NHOM_DP", "Các địa phương, đơn vị", "", "Nhóm đơn vị", ""],
]

CONFIG_ROWS: list[list[Any]] = [
    ["Thiết lập", "Giá trị"],
    ["Năm kế hoạch", 2024],
    ["Số ngày sắp đến hạn", 7],
]

PHU_LUC_HEADER = ["STT", "Nội dung\nthực hiện", "Đơn vị\nchỉ đạo", "Đơn vị\nthực hiện",
                  "Đơn vị\nphối hợp", "Ghi chú"]
PHAN_CONG_HEADER = ["TT", "NỘI DUNG", "ĐƠN VỊ THỰC HIỆN", "THỜI GIAN\nHOÀN THÀNH"]


@dataclass
class SheetSpec:
    """One sheet of a fixture workbook: rows from A1, merges, hidden rows, fonts."""

    rows: Rows
    merged: list[str] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)
    fonts: dict[str, str] = field(default_factory=dict)


def write_book(path: Path, sheets: dict[str, SheetSpec | Rows]) -> Path:
    """Write an .xlsx with the given sheets (values as given: dates, numbers, text)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, spec in sheets.items():
        if not isinstance(spec, SheetSpec):
            spec = SheetSpec(spec)
        ws = workbook.create_sheet(name)
        for row in spec.rows:
            ws.append(list(row))
        for rng in spec.merged:
            ws.merge_cells(rng)
        for row_number in spec.hidden:
            ws.row_dimensions[row_number].hidden = True
        for ref, font in spec.fonts.items():
            ws[ref].font = Font(name=font)
    workbook.save(path)
    return path


BookMaker = Callable[..., Path]


@pytest.fixture
def make_book(tmp_path: Path) -> BookMaker:
    """``make_book(sheets, name="plan.xlsx", units=True, config=True)`` -> path.

    Adds the standard "Đơn vị" and "Cấu hình" sheets unless told not to.
    """

    def make(sheets: dict[str, SheetSpec | Rows], name: str = "plan.xlsx", *,
             units: bool = True, config: bool | Rows = True) -> Path:
        all_sheets: dict[str, SheetSpec | Rows] = dict(sheets)
        if units:
            all_sheets["Đơn vị"] = UNIT_ROWS
        if config is True:
            all_sheets["Cấu hình"] = CONFIG_ROWS
        elif config:
            all_sheets["Cấu hình"] = config
        return write_book(tmp_path / name, all_sheets)

    return make


@pytest.fixture
def sample_plan() -> Path:
    """The bundled sample plan workbook (built from the seeds)."""
    return Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx"
