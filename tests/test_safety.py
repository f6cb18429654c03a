"""check_package / scan_package on hostile and broken files, all made by code in tmp_path.

No test here runs python-calamine: some of these files abort the process that parses them.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    CONTENT_TYPES,
    ODS_MANIFEST,
    ODS_MIMETYPE,
    OK_CELLS,
    ods_content,
    raw_ods,
    raw_xlsx,
    sheet_xml,
    sst_xml,
)
from openpyxl import Workbook

from tdkt_xl.intake.safety import (
    REJECTION_TITLES,
    Limits,
    RejectedFile,
    Rejection,
    check_package,
    quick_scan,
    scan_package,
)

# --- fixture helpers ---------------------------------------------------------


def real_xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Báo cáo"
    sheet.append(["STT", "Nội dung", "Đơn vị thực hiện"])
    for number in range(1, 40):
        sheet.append([number, f"Nhiệm vụ {number}", "Sở Nội vụ"])
    workbook.save(path)
    return path


def patch_bytes(path: Path, old: bytes, new: bytes) -> Path:
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    path.write_bytes(data.replace(old, new))
    return path


def code(path: Path, limits: Limits = Limits()) -> str | None:  # noqa: B008
    rejection = check_package(path, limits)
    return rejection.code if rejection else None


def quick_code(path: Path, limits: Limits = Limits()) -> str | None:  # noqa: B008
    try:
        quick_scan(path, limits)
    except RejectedFile as rejected:
        return rejected.rejection.code
    return None


def scan_code(path: Path, limits: Limits = Limits(), *, quick_differs: bool = False) -> str | None:  # noqa: B008
    """scan_package's code; quick_scan must give the same unless the test says why not."""
    try:
        scan_package(path, limits)
    except RejectedFile as rejected:
        full: str | None = rejected.rejection.code
    else:
        full = None
    if not quick_differs:
        assert quick_code(path, limits) == full
    return full


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- sane files --------------------------------------------------------------

def test_real_workbooks_pass(tmp_path: Path) -> None:
    path = real_xlsx(tmp_path / "bao_cao.xlsx")
    assert check_package(path) is None
    assert scan_package(path).error_parts == frozenset()
    assert check_package(raw_xlsx(tmp_path / "raw.xlsx")) is None
    sample = Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx"
    if sample.exists():
        assert check_package(sample) is None


def test_scan_finds_error_cells_and_relationships(tmp_path: Path) -> None:
    cells = '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    scan = scan_package(raw_xlsx(tmp_path / "e.xlsx", sheet=sheet_xml(cells, "A1")))
    assert scan.error_parts == {"xl/worksheets/sheet1.xml"}
    assert scan.relationships["rId1"] == "xl/worksheets/sheet1.xml"


# --- what the file really is -------------------------------------------------

def test_missing_and_empty(tmp_path: Path) -> None:
    assert code(tmp_path / "khong_co.xlsx") == "missing"
    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    assert code(empty) == "empty-file"


def test_html_page_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.xlsx"
    path.write_text("<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>")
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "not-excel-html"
    assert "HTML" in rejection.reason and ".xlsx" in rejection.reason


def test_csv_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.xlsx"
    path.write_text("STT,Nội dung,Đơn vị\n1,Việc A,Sở Nội vụ\n", encoding="utf-8")
    assert code(path) == "not-excel-csv"


def test_unknown_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(bytes(range(256)) * 4)
    assert code(path) == "not-excel"


def test_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 3000)
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "legacy-xls"
    assert "chủ ý" in rejection.reason and ".xlsx" in rejection.reason  # a deliberate choice, said so


def test_encrypted_ole(tmp_path: Path) -> None:
    path = tmp_path / "mat_khau.xlsx"
    path.write_bytes(OLE + b"\x00" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000)
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "encrypted"
    assert "mật khẩu" in rejection.reason


def test_encrypted_ole_with_directory_far_in(tmp_path: Path) -> None:
    path = tmp_path / "mat_khau_lon.xlsx"
    path.write_bytes(OLE + b"\x01" * (3 << 20) + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    assert code(path) == "encrypted"


def test_xlsb(tmp_path: Path) -> None:
    path = tmp_path / "nhi_phan.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "xlsb" and "chủ ý" in rejection.reason


def test_truncated_xlsx(tmp_path: Path) -> None:
    whole = real_xlsx(tmp_path / "day_du.xlsx").read_bytes()
    path = tmp_path / "cat_cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert code(path) == "corrupt-zip"
    assert scan_code(path) == "corrupt-zip"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "nen.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bao_cao_1.docx", b"PK\x03\x04")
        archive.writestr("ghi_chu.txt", "xin chào")
    assert code(path) == "not-a-workbook"
    empty_zip = tmp_path / "nen_rong.xlsx"
    with zipfile.ZipFile(empty_zip, "w"):
        pass
    assert code(empty_zip) == "not-a-workbook"


def test_corrupt_part_data(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "hong.xlsx", sheet=sheet_xml(OK_CELLS * 200))
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start:start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    assert scan_code(path) == "corrupt-zip"


# --- the zip directory -------------------------------------------------------

def test_zip_bomb_of_zeros(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "bom.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open("xl/media/zeros.xml", "w") as member:
        chunk = bytes(1 << 20)
        for _ in range(300):
            member.write(chunk)
    assert path.stat().st_size < 2 << 20
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "zip-bomb"
    assert "bom nén" in rejection.reason


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "ti_le.xlsx", extra={"xl/media/zeros.xml": bytes(12 << 20)})
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "zip-bomb" and "lần" in rejection.reason
    assert check_package(path, Limits(max_ratio=100_000)) is None


def test_part_that_expands_beyond_its_declared_size(tmp_path: Path) -> None:
    """Declared sizes can lie: the limit holds while decompressing, not only from the header."""
    padding = b"<a>" + b" " * 200_000 + b"</a>"
    path = raw_xlsx(tmp_path / "noi_doi.xlsx", extra={"xl/media/padding.xml": padding})
    info = zipfile.ZipFile(path).getinfo("xl/media/padding.xml")
    data = bytearray(path.read_bytes())
    # the central directory entry says 1,000 bytes instead of 200,007
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/media/padding.xml") + 1)
    struct.pack_into("<I", data, central + 24, 1000)
    struct.pack_into("<I", data, info.header_offset + 22, 1000)
    path.write_bytes(bytes(data))
    assert code(path) == "zip-bomb"
    assert scan_code(path, quick_differs=True) == "zip-bomb"
    assert quick_code(path) is None  # no reader parses xl/media/padding.xml: its content is not read


def test_big_part_that_lies_is_caught_while_streaming(tmp_path: Path) -> None:
    body = b"<a>" + bytes(range(32, 127)) * 40_000 + b"</a>"
    path = raw_xlsx(tmp_path / "noi_doi_lon.xlsx", extra={"xl/media/big.xml": body})
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/media/big.xml") + 1)
    struct.pack_into("<I", data, central + 24, 2_000_000)  # real: 3,800,007
    path.write_bytes(bytes(data))
    assert code(path) is None  # only the first 64 KB are read
    assert scan_code(path, quick_differs=True) == "zip-bomb"
    assert quick_code(path) is None  # a part no reader parses


def test_too_many_members(tmp_path: Path) -> None:
    extra: dict[str, bytes | str] = {f"xl/media/image{n}.png": b"\x89PNG" for n in range(20)}
    path = raw_xlsx(tmp_path / "nhieu.xlsx", extra=extra)
    assert code(path, Limits(max_members=10)) == "too-many-members"
    assert code(path) is None


def test_too_large_file(tmp_path: Path) -> None:
    path = real_xlsx(tmp_path / "lon.xlsx")
    assert code(path, Limits(max_file_bytes=1000)) == "too-large"


@pytest.mark.parametrize("name", ["../../evil.xml", "/etc/passwd", "xl\\worksheets\\sheet9.xml",
                                  "C:/Windows/evil.xml", "xl/../../evil.xml"])
def test_bad_member_names(tmp_path: Path, name: str) -> None:
    path = raw_xlsx(tmp_path / "ten_xau.xlsx", extra={name: "<a/>"})
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "bad-member-name"
    assert "tên bất thường" in rejection.reason


def test_member_name_with_nul(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "nul.xlsx", extra={"xl/evilXname.xml": "<a/>"})
    patch_bytes(path, b"xl/evilXname.xml", b"xl/evil\x00name.xml")
    assert code(path) == "bad-member-name"


def test_duplicate_member_names(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "trung.xlsx", extra={"xl/worksheets/sheetX.xml": sheet_xml()})
    patch_bytes(path, b"xl/worksheets/sheetX.xml", b"xl/worksheets/sheet1.xml")
    assert code(path) == "bad-member-name"


# --- what the XML parts say --------------------------------------------------

XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def test_xxe_workbook(tmp_path: Path) -> None:
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    path = raw_xlsx(tmp_path / "xxe.xlsx", sheet=sheet_xml(cells, "A1", prolog=XXE))
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "xml-entities" and "XXE" in rejection.reason


def test_billion_laughs_in_shared_strings(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    sst = sst_xml().replace("<sst ", laughs + "<sst ", 1)
    assert code(raw_xlsx(tmp_path / "lol.xlsx", sst=sst)) == "xml-entities"


def test_parts_that_passed_are_not_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reports of one template share their workbook, relationships and string table byte for
    byte: once passed, those parts are not checked again; a part that differs (an entity declared
    in the string table of a report like the others) is checked, and refused, whatever came before."""
    from tdkt_xl.intake.safety import xlsx_part_scan

    monkeypatch.setattr(xlsx_part_scan, "_PASSED", {})
    checked: list[str] = []
    checks = xlsx_part_scan._quick_checks

    def counting(handle: Any, info: Any, role: str, *args: Any) -> Any:
        checked.append(role)
        return checks(handle, info, role, *args)

    monkeypatch.setattr(xlsx_part_scan, "_quick_checks", counting)
    first = raw_xlsx(tmp_path / "a.xlsx")
    second = raw_xlsx(tmp_path / "b.xlsx", sheet=sheet_xml(OK_CELLS * 3))
    assert quick_code(first) is None
    assert "sheet" in checked and set(checked) - {"sheet"}
    checked.clear()
    assert quick_code(second) is None
    assert checked == ["sheet"]  # (its own sheet: the other parts are the first one's, byte for byte)
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    hostile = raw_xlsx(tmp_path / "c.xlsx", sst=sst_xml().replace("<sst ", laughs + "<sst ", 1))
    assert quick_code(hostile) == "xml-entities"
    assert quick_code(first) is None


def test_doctype_after_the_first_64_kb(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * 70_000 + " -->"
    path = raw_xlsx(tmp_path / "xxe_xa.xlsx", sheet=sheet_xml(prolog=padding + XXE))
    assert code(path) is None  # check_package reads 64 KB of each part only
    assert scan_code(path) == "xml-entities"  # the readers' scan reads to the end


def test_doctype_in_utf16_part(tmp_path: Path) -> None:
    text = sheet_xml(prolog=XXE).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = raw_xlsx(tmp_path / "utf16.xlsx", sheet=b"\xff\xfe" + text.encode("utf-16-le"))
    assert code(path) == "xml-entities"


def test_dimension_and_cell_at_xfd1048576(tmp_path: Path) -> None:
    """The 2 KB file that aborts python-calamine: rejected before any parser sees it."""
    cells = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = raw_xlsx(tmp_path / "xa.xlsx", sheet=sheet_xml(cells, "A1:XFD1048576"))
    assert path.stat().st_size < 4096
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "oversized-sheet"
    assert "A1:XFD1048576" in rejection.reason and "Ctrl+End" in rejection.reason


@pytest.mark.parametrize("cells", [
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    '<row r="200000"><c r="AZ200000"><v>1</v></c></row>',
    '<row s="1" r="1048576"><c s="1" r="XFD1048576"><v>1</v></c></row>',  # r= not first
    '<row r="5"><c r="XFE5"><v>1</v></c></row>',  # beyond Excel's last column
    '<row r="1048577"><c r="A1048577"><v>1</v></c></row>',  # beyond Excel's last row
])
def test_far_cells_without_dimension(tmp_path: Path, cells: str) -> None:
    path = raw_xlsx(tmp_path / "xa.xlsx", sheet=sheet_xml(cells, None))
    assert code(path) == "oversized-sheet"
    # quick_scan bounds a sheet by its last row tag and its dimension: cells it does not see
    # are caught where calamine runs (tests/test_workers.py:
    # test_far_cell_quick_scan_misses_is_rejected_with_its_cause), or are harmless to it
    # (XFE5: a 5 × 16,385 grid, outside every column of the report).
    unseen = 's="1" r=' in cells or "XFE5" in cells
    assert scan_code(path, quick_differs=unseen) == "oversized-sheet"
    assert quick_code(path) == (None if unseen else "oversized-sheet")


def test_far_cell_deep_in_a_big_sheet_is_caught_by_the_scan(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 3000))
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = raw_xlsx(tmp_path / "xa_sau.xlsx", sheet=sheet_xml(rows + far, "A1:A2999"))
    assert code(path) is None  # beyond the first 64 KB
    assert scan_code(path) == "oversized-sheet"


def test_tall_narrow_sheet_is_fine(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 3000))
    styled = '<row r="900000"><c r="Z900000" s="1"/></row>'  # formatting only: no value
    path = raw_xlsx(tmp_path / "dai.xlsx", sheet=sheet_xml(rows + styled, None))
    assert scan_code(path) is None
    assert scan_code(path, Limits(max_cells=2000)) == "oversized-sheet"


def test_shared_strings_unique_count(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "sst.xlsx", sst=sst_xml(unique=2_000_000_000))
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "bad-shared-strings"
    assert "2.000.000.000" in rejection.reason


@pytest.mark.parametrize(("unique", "count"), [(5000, 1), ("-1", 1), (1, "nhiều"), (1, 10**12)])
def test_shared_strings_counts_that_cannot_be(tmp_path: Path, unique: int | str, count: int | str) -> None:
    assert code(raw_xlsx(tmp_path / "sst.xlsx", sst=sst_xml(unique, count))) == "bad-shared-strings"


# --- the rejections themselves -----------------------------------------------

def test_every_reason_is_vietnamese_and_every_code_known(tmp_path: Path) -> None:
    made = {
        "empty": b"",
        "html": b"<html><body>x</body></html>",
        "csv": b"a,b\n1,2\n",
        "xls": OLE + b"\x00" * 600,
        "enc": OLE + "EncryptedPackage".encode("utf-16-le"),
    }
    rejections: list[Rejection] = []
    for name, data in made.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        rejection = check_package(path)
        assert rejection is not None
        rejections.append(rejection)
    for rejection in rejections:
        assert rejection.code in REJECTION_TITLES
        assert re.search(r"[ạảãàáâậầấẩẫăắằặẳẵệềếểễđộồốổỗơớờợởỡưứừựửữ]", rejection.reason)
        assert str(rejection) == rejection.reason


def test_limits_are_frozen() -> None:
    limits = Limits()
    with pytest.raises(AttributeError):
        limits.max_cells = 1  # type: ignore[misc]
    assert limits.max_file_bytes == 100 * 1024 * 1024


def test_layout_that_changes_midway(tmp_path: Path) -> None:
    usual = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 3000))
    odd = '<row r="3000"><c s="0" r="B3000"><v>1</v></c></row>'
    path = raw_xlsx(tmp_path / "tron.xlsx", sheet=sheet_xml(usual + odd, None))
    assert scan_code(path) is None
    far = '<row r="1048576"><c s="0" r="XFD1048576"><v>1</v></c></row>'
    path = raw_xlsx(tmp_path / "tron_xa.xlsx", sheet=sheet_xml(usual + odd + far, None))
    assert scan_code(path) == "oversized-sheet"


def test_prefixed_namespace_sheet(tmp_path: Path) -> None:
    def prefixed(cells: str) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet '
                'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<x:sheetData>{cells}</x:sheetData></x:worksheet>")

    near = '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
    assert code(raw_xlsx(tmp_path / "x.xlsx", sheet=prefixed(near))) is None
    far = near + '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
    assert code(raw_xlsx(tmp_path / "x_xa.xlsx", sheet=prefixed(far))) == "oversized-sheet"


# --- OpenDocument spreadsheets (.ods) ----------------------------------------

def ods_table(rows: str, name: str = "Số liệu") -> str:
    return ods_content(f'<table:table table:name="{name}">{rows}</table:table>')


VALUE = 'office:value-type="float" office:value="1"'
# What LibreOffice writes below and beside the cells in use: empty cells repeated to the sheet's end.
FILLER = ('<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
          'table:number-columns-repeated="16384"/></table:table-row>')


def test_an_ods_as_libreoffice_writes_it_passes(tmp_path: Path) -> None:
    rows = (f'<table:table-row><table:table-cell {VALUE}><text:p>1</text:p></table:table-cell>'
            '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>' + FILLER)
    path = raw_ods(tmp_path / "bao_cao.ods", ods_table(rows))
    assert check_package(path) is None and scan_code(path) is None
    scan = quick_scan(path)
    assert scan.ods and scan.content == path.read_bytes() and scan.ods_errors == {} == scan.ods_formulas
    renamed = raw_ods(tmp_path / "bao_cao.xlsx", ods_table(rows), mimetype_first=False)
    assert scan_code(renamed) is None and scan_package(renamed).ods  # found by its mimetype member


@pytest.mark.parametrize(("rows", "limits"), [
    # one value repeated over every cell of a sheet: 17 billion cells from a few bytes
    (f'<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
     f'table:number-columns-repeated="16384" {VALUE}/></table:table-row>', Limits()),
    # a value below Excel's last row, after empty rows
    ('<table:table-row table:number-rows-repeated="2000000"><table:table-cell/></table:table-row>'
     f'<table:table-row><table:table-cell {VALUE}/></table:table-row>', Limits()),
    # a value beyond the last column, after empty cells
    (f'<table:table-row><table:table-cell table:number-columns-repeated="20000"/><table:table-cell {VALUE}/>'
     '</table:table-row>', Limits()),
    # a formula (even without a value) repeated beyond the limit
    ('<table:table-row table:number-rows-repeated="3000"><table:table-cell '
     'table:number-columns-repeated="20" table:formula="of:=1"/></table:table-row>',
     Limits(max_cells=50_000)),
])
def test_an_ods_sheet_too_large_is_rejected_before_it_is_read(tmp_path: Path, rows: str,
                                                              limits: Limits) -> None:
    path = raw_ods(tmp_path / "lon.ods", ods_table(rows))
    assert scan_code(path, limits) == "oversized-sheet"
    with pytest.raises(RejectedFile) as rejected:
        scan_package(path, limits)
    assert 'content.xml, sheet "Số liệu"' in rejected.value.rejection.reason


@pytest.mark.parametrize(("change", "expected", "words"), [
    ("doctype", "xml-entities", "DOCTYPE/ENTITY"),
    ("manifest-doctype", "xml-entities", "META-INF/manifest.xml"),
    ("password", "encrypted", "Bảng tính .ods có đặt mật khẩu"),
    ("bomb", "zip-bomb", "giải nén"),
    ("not-xml", "corrupt-zip", "Bảng tính .ods bị hỏng"),
    ("bad-repeat", "corrupt-zip", "số lần lặp"),
    ("no-content", "corrupt-zip", "thiếu phần content.xml"),
    ("truncated", "corrupt-zip", "Bảng tính .ods bị hỏng hoặc bị cắt cụt"),
    ("text-document", "not-a-workbook", "không phải bảng tính"),
])
def test_hostile_and_broken_ods(tmp_path: Path, change: str, expected: str, words: str) -> None:
    path = tmp_path / "bao_cao.ods"
    content = ods_table(f"<table:table-row><table:table-cell {VALUE}/></table:table-row>")
    limits = Limits()
    if change == "doctype":
        content = content.replace("<office:document-content",
                                  '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><office:document-content')
    if change == "not-xml":
        content = content.replace("</office:body>", "")
    if change == "bad-repeat":
        content = content.replace("<table:table-row>", '<table:table-row table:number-rows-repeated="x">')
    manifest = ODS_MANIFEST
    if change == "manifest-doctype":
        manifest = manifest.replace("<manifest:manifest", "<!DOCTYPE m [<!ENTITY a 'b'>]><manifest:manifest")
    if change == "password":
        manifest = manifest.replace('media-type="text/xml"/>', (
            'media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" '
            'manifest:checksum="x"/></manifest:file-entry>'))
    extra: dict[str, bytes | str] = {}
    if change == "bomb":
        extra["Pictures/zeros.png"] = b"\x00" * (2 << 20)
        limits = Limits(max_total_uncompressed=1 << 20)
    mimetype = "application/vnd.oasis.opendocument.text" if change == "text-document" else ODS_MIMETYPE
    raw_ods(path, content, manifest=manifest, extra=extra, mimetype=mimetype)
    if change == "no-content":
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "x.ods", "w") as target:
            for info in source.infolist():
                if info.filename != "content.xml":
                    target.writestr(info, source.read(info))
        path = tmp_path / "x.ods"
    if change == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 30])
    rejection = check_package(path, limits)
    assert rejection is not None and rejection.code == expected, rejection
    assert words in rejection.reason
    assert rejection.code in REJECTION_TITLES
    assert scan_code(path, limits) == expected


def test_a_flat_opendocument_renamed_xlsx_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.xlsx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<office:document '
                    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                    f'office:mimetype="{ODS_MIMETYPE}"><office:body/></office:document>', encoding="utf-8")
    rejection = check_package(path)
    assert rejection is not None and rejection.code == "not-excel"
    assert rejection.reason.startswith("Tệp là bảng tính OpenDocument dạng XML phẳng (.fods)")
