"""The package a quick scan hands the reader: the zip again with the parts the scan inflated
stored uncompressed (zip_container.stored_copy), read the same as the file it comes from."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import raw_xlsx
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from tdkt_xl.intake.book_readers import read_values
from tdkt_xl.intake.safety import quick_scan, xlsx_parts
from tdkt_xl.intake.safety.zip_container import stored_copy

_NAME_PART = st.text(alphabet="abcxyzđăâêôơưáàảãạ0123456789_-. ", min_size=1, max_size=12).filter(
    lambda part: part.strip(". ") == part)
_NAMES = st.lists(st.lists(_NAME_PART, min_size=1, max_size=3).map("/".join), min_size=1, max_size=8,
                  unique=True)


@st.composite
def _packages(draw: st.DrawFn) -> tuple[bytes, dict[str, bytes], dict[str, bytes]]:
    """A zip of members stored or deflated, their data, and the members said inflated."""
    names = draw(_NAMES)
    data = {name: draw(st.binary(max_size=300) | st.text(max_size=200).map(str.encode)) for name in names}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
            archive.writestr(name, data[name], compress_type=method)
    inflated = {name: data[name] for name in names if draw(st.booleans())}
    return buffer.getvalue(), data, inflated


def _members(content: bytes) -> list[tuple[str, int, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return [(info.filename, info.compress_type, archive.read(info)) for info in archive.infolist()]


@given(_packages())
def test_copy_reads_as_the_source(package: tuple[bytes, dict[str, bytes], dict[str, bytes]]) -> None:
    content, data, inflated = package
    infos = zipfile.ZipFile(io.BytesIO(content)).infolist()
    copy = stored_copy(content, infos, inflated)
    assert copy is not None
    source = {info.filename: info.compress_type for info in infos}
    assert _members(copy) == [(info.filename,
                               zipfile.ZIP_STORED if info.filename in inflated else source[info.filename],
                               data[info.filename]) for info in infos]


def test_utf8_names_times_and_attributes_kept() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("xl/Bảng tính/đơn vị.xml", date_time=(2024, 6, 21, 8, 30, 10))
        info.external_attr = 0o644 << 16
        archive.writestr(info, b"<x/>" * 50, compress_type=zipfile.ZIP_DEFLATED)
    infos = zipfile.ZipFile(buffer).infolist()
    copy = stored_copy(buffer.getvalue(), infos, {"xl/Bảng tính/đơn vị.xml": b"<x/>" * 50})
    assert copy is not None
    (copied,) = zipfile.ZipFile(io.BytesIO(copy)).infolist()
    assert (copied.filename, copied.external_attr, copied.CRC, copied.date_time) == (
        infos[0].filename, 0o644 << 16, infos[0].CRC, (2024, 6, 21, 8, 30, 10))


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes data descriptors after each member."""

    def __init__(self) -> None:
        self.written = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.written += data
        return len(data)


def test_source_with_data_descriptors() -> None:
    stream = _Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"<a>" + b"x" * 500 + b"</a>")
        archive.writestr("b.xml", b"<b/>" * 40)
    content = bytes(stream.written)
    infos = zipfile.ZipFile(io.BytesIO(content)).infolist()
    assert all(info.flag_bits & 0x8 for info in infos)  # sizes after the data
    copy = stored_copy(content, infos, {"b.xml": b"<b/>" * 40})
    assert copy is not None
    assert [(name, data) for name, _, data in _members(copy)] == [
        ("a.xml", b"<a>" + b"x" * 500 + b"</a>"), ("b.xml", b"<b/>" * 40)]


def test_truncated_member_gives_none() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.bin", bytes(range(256)) * 8)
        archive.writestr("b.xml", b"<b/>")
    content = buffer.getvalue()
    infos = zipfile.ZipFile(buffer).infolist()
    assert stored_copy(content[: infos[1].header_offset - 10], infos, {"b.xml": b"<b/>"}) is None
    moved = content.replace(b"PK\x03\x04", b"PK\x03\x05", 1)  # the first local header is not there
    assert stored_copy(moved, infos, {"b.xml": b"<b/>"}) is None


def _report(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tiến độ"
    sheet.append(["Mã", "Nội dung", "Số lượng", "Ngày"])
    for number in range(1, 60):
        sheet.append([f"NV{number:02d}", f"Nhiệm vụ số {number} của Sở Nội vụ", number * 3,
                      f"Tháng {number % 12 + 1}"])
    other = workbook.create_sheet("Khen thưởng")
    other.append(["Hình thức", "Năm", "Số"])
    other.append(["Bằng khen", 2025, 4])
    workbook.create_sheet("Ẩn").sheet_state = "hidden"
    workbook.save(path)
    return path


def test_quick_scan_hands_the_reader_a_stored_copy(tmp_path: Path) -> None:
    path = _report(tmp_path / "báo cáo.xlsx")
    original = path.read_bytes()
    scan = quick_scan(path)
    assert scan.content is not None and scan.content != original
    stored = {name for name, method, _ in _members(scan.content) if method == zipfile.ZIP_STORED}
    assert {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml", "xl/styles.xml"} <= stored
    assert "docProps/app.xml" not in stored  # not scanned whole: copied as it was
    assert [(name, data) for name, _, data in _members(scan.content)] == [
        (name, data) for name, _, data in _members(original)]
    assert path.read_bytes() == original  # the input is never modified


def test_reader_reads_the_copy_as_the_file(tmp_path: Path) -> None:
    import python_calamine

    path = _report(tmp_path / "báo cáo.xlsx")
    book = read_values(path)
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    expected = {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
    assert book.sheets["Tiến độ"] == expected["Tiến độ"]
    assert book.sheets["Khen thưởng"] == expected["Khen thưởng"]
    assert book.hidden_sheets == ("Ẩn",)


def test_shared_strings_stored_and_read(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "chuỗi.xlsx")
    scan = quick_scan(path)
    assert scan.content is not None
    methods = {name: method for name, method, _ in _members(scan.content)}
    assert methods["xl/sharedStrings.xml"] == methods["xl/worksheets/sheet1.xml"] == zipfile.ZIP_STORED
    assert read_values(path).sheets == {"Sheet1": [["Sở Nội vụ", 3.0]]}


def test_past_the_bound_the_file_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _report(tmp_path / "lớn.xlsx")
    monkeypatch.setattr(xlsx_parts, "_STORED_COPY_MAX", 100)
    assert quick_scan(path).content == path.read_bytes()


def test_overlapping_members_are_not_multiplied() -> None:
    """A directory whose members all point at the same data (a hostile zip) would make a copy as
    many times larger: no copy then (calamine gets the file's own bytes, the scan judges it)."""
    import copy

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.bin", bytes(range(256)) * 40)
    content = buffer.getvalue()
    (info,) = zipfile.ZipFile(buffer).infolist()
    assert stored_copy(content, [info], {}) is not None
    twins = []
    for number in range(3):
        twin = copy.copy(info)
        twin.orig_filename = twin.filename = f"a{number}.bin"
        twins.append(twin)
    assert stored_copy(content, twins, {}) is None
