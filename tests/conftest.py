"""Workbook fixtures made by code."""

from __future__ import annotations

import zipfile
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
    """One sheet of a fixture workbook: rows from A1, merges, hidden rows and columns, fonts, and
    the sheet's state ("visible", "hidden", "veryHidden")."""

    rows: Rows
    merged: list[str] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)
    fonts: dict[str, str] = field(default_factory=dict)
    hidden_columns: list[str] = field(default_factory=list)
    state: str = "visible"


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
        for letter in spec.hidden_columns:
            ws.column_dimensions[letter].hidden = True
        ws.sheet_state = spec.state
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


# --- a minimal .xlsx written part by part (for hostile-file tests) ---------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
OK_CELLS = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>3</v></c></row>'


def sheet_xml(cells: str = OK_CELLS, dimension: str | None = "A1:B1", prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{cells}</sheetData></worksheet>"
    )


def sst_xml(unique: int | str = 1, count: int | str = 1) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{count}" uniqueCount="{unique}"><si><t>Sở Nội vụ</t></si></sst>'
    )


def raw_xlsx(path: Path, *, sheet: str | bytes | None = None, sst: str | None = None,
             extra: dict[str, bytes | str] | None = None) -> Path:
    """A minimal .xlsx written part by part, so that any part can be made hostile."""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(),
        "xl/sharedStrings.xml": sst if sst is not None else sst_xml(),
    }
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
