"""Workbook fixtures made by code."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from openpyxl import Workbook
from openpyxl.styles import Font

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.demo.run import run_demo
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.plans.models import Plan
from tdkt_xl.reports.layout import INFO_SHEET, STATS_HEADER_ROW, STATS_SHEET
from tdkt_xl.reports.template import build_unit_report

# No time limit on a hypothesis example: the suite runs on a shared 2-core machine, in parallel
# (pytest-xdist), and speed is measured in bench/, never asserted by a test.
# In CI (CI set, as .ci/run does) the examples are the same on every run, so that a commit's CI
# says the same each time; a run on a developer's machine draws new ones, and what it finds goes
# into the test as an @example.
_IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
settings.register_profile("tdkt", deadline=None, derandomize=_IN_CI)
settings.load_profile("tdkt")

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


# --- filled unit reports, and their copies saved by LibreOffice ----------------------------

def save_report(plan: Plan, code: str, path: Path, *, made_on: date = date(2024, 6, 20),
                change: Any = None) -> Path:
    """A filled report of unit ``code``; ``change(book)`` spoils it the way a test needs."""
    unit = next(u for u in plan.units or [] if u.code == code)
    book = build_unit_report(plan, unit)
    info = book[INFO_SHEET]
    for row in range(1, info.max_row + 1):
        if info.cell(row, 1).value == "Ngày lập":
            info.cell(row, 2).value = datetime.combine(made_on, datetime.min.time())
    stats = book[STATS_SHEET]
    for row in range(STATS_HEADER_ROW + 1, stats.max_row + 1):
        for column in range(2, stats.max_column):
            if not stats.cell(row, column).protection.locked:
                stats.cell(row, column).value = 1
    if change is not None:
        change(book)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def find_soffice() -> str | None:
    """LibreOffice's command, or None (a failure instead when TDKT_REQUIRE_SOFFICE is set)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("TDKT_REQUIRE_SOFFICE"):
        pytest.fail("LibreOffice (soffice) is required in CI but not installed")
    return found


def libreoffice_convert(paths: Sequence[Path], to: str, out: Path) -> list[Path]:
    """The files converted by LibreOffice Calc (headless, a profile of its own) into ``out`` as
    ``to`` ("ods", "xlsx"): what a unit gets by opening a report in Calc and saving it so. Skips
    the test when LibreOffice is not installed."""
    command = find_soffice()
    if command is None:
        pytest.skip("LibreOffice Calc is not installed")
    profile = out.parent / f"lo_profile_{os.getpid()}"
    subprocess.run([command, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
                    "--convert-to", to, "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=180)
    converted = [out / f"{path.stem}.{to}" for path in paths]
    missing = [path.name for path in converted if not path.exists()]
    assert not missing, f"LibreOffice wrote no {missing}"
    return converted


# --- a minimal .ods written part by part -------------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    f'manifest:media-type="{ODS_MIMETYPE}"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods_content(tables: str, styles: str = "") -> str:
    """A content.xml holding ``tables`` (``<table:table …>`` elements) as LibreOffice writes it."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
        f'office:version="1.2"><office:automatic-styles>{styles}</office:automatic-styles>'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )


def raw_ods(path: Path, content: str | bytes | None = None, *, manifest: str = ODS_MANIFEST,
            mimetype_first: bool = True, extra: dict[str, bytes | str] | None = None,
            mimetype: str = ODS_MIMETYPE) -> Path:
    """A minimal .ods (``mimetype`` stored first, as the format wants, unless told otherwise)."""
    if content is None:
        content = ods_content('<table:table table:name="Sheet1"><table:table-row><table:table-cell '
                              'office:value-type="float" office:value="1"><text:p>1</text:p>'
                              "</table:table-cell></table:table-row></table:table>")
    parts: dict[str, bytes | str] = {"content.xml": content, "META-INF/manifest.xml": manifest}
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype_first:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        for name, data in parts.items():
            archive.writestr(name, data)
        if not mimetype_first:
            archive.writestr("mimetype", mimetype)
    return path


# --- the demo round, made once for the whole test session ------------------------------------

DemoCopier = Callable[[Path], tuple[Path, Consolidation]]


def _demo_round_once(shared: Path) -> Path:
    """The demo round (plan, templates, filled inbox, master) made once under ``shared`` for every
    test process (pytest-xdist runs several): the first makes it under a lock, the others wait."""
    source = shared / "demo_round"
    with open(shared / "demo_round.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (source / "result.json").exists():
            if source.exists():
                shutil.rmtree(source)
            _paths, result = run_demo(source / "root")
            (source / "result.json").write_text(result.model_dump_json(), encoding="utf-8")
    return source


@pytest.fixture(scope="session")
def demo_round(tmp_path_factory: pytest.TempPathFactory) -> DemoCopier:
    """``copy(root)``: the demo round as ``run_demo(root)`` leaves it (files with their times, and
    its consolidation, paths under ``root``), copied instead of made again for each test module."""
    # the session's folder: shared by pytest-xdist's workers (each has a folder in it), never by
    # another session (whose demo code may differ)
    base = tmp_path_factory.getbasetemp()
    source = _demo_round_once(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)

    def copy(root: Path) -> tuple[Path, Consolidation]:
        shutil.copytree(source / "root", root, dirs_exist_ok=True)
        text = (source / "result.json").read_text(encoding="utf-8")
        moved = text.replace(json.dumps(str(source / "root"))[1:-1], json.dumps(str(root))[1:-1])
        return root, Consolidation.model_validate_json(moved)

    return copy


# --- the nightly run over a copy of the demo round --------------------------------------------

NIGHTLY_AS_OF = date(2024, 7, 1)
OLD = time.time() - 3600  # the inbox's files were written an hour ago: none is still being written


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory, demo_round: DemoCopier) -> Path:
    """The demo round copied once for a test module (its plan and inbox are copied per test)."""
    root, _result = demo_round(tmp_path_factory.mktemp("demo_source"))
    return root


@pytest.fixture
def setup(demo_source: Path, tmp_path: Path) -> NightlySettings:
    """Nightly settings over a copy of the demo's plan and inbox, files dated an hour ago."""
    shutil.copy(demo_source / "ke_hoach_mau.xlsx", tmp_path / "ke_hoach.xlsx")
    shutil.copytree(demo_source / "hop_thu", tmp_path / "hop_thu")
    for path in (tmp_path / "hop_thu").rglob("*"):
        os.utime(path, (OLD, OLD))
    return NightlySettings(plan=tmp_path / "ke_hoach.xlsx", inbox=tmp_path / "hop_thu",
                           out=tmp_path / "ra" / "tong_hop.xlsx", as_of=NIGHTLY_AS_OF, workers=2)
