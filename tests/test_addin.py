"""The TĐKT Excel add-in: built from macros/ without Excel, read back with independent readers.

oletools' olevba (and olefile beneath it) reads the VBA project back; LibreOffice, when
installed, imports it as a Basic library. What only Excel for Windows can show (opening the
add-in, the ribbon, RunPython running) is listed in the add-in's documentation.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import unescape

import olefile
import pytest
import xlwings
from click.testing import CliRunner
from conftest import find_soffice
from hypothesis import given, settings
from hypothesis import strategies as st

from tdkt_xl.cli import cli
from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.excel.addin.install import CONFIG_NAME, install_addin, open_value, options_key
from tdkt_xl.excel.addin.package import (
    ADDIN_CONTENT_TYPE,
    RIBBON_PART,
    RIBBON_RELATIONSHIP,
    SHEET_PART,
    build_addin,
)
from tdkt_xl.excel.addin.source import find_macros_dir
from tdkt_xl.excel.addin.vba_project import encrypt_project_data, ovba_compress

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing's old names
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

MACROS = Path(__file__).resolve().parent.parent / "tdkt_xl" / "excel" / "addin" / "macros"
HANDLERS = "tdkt_xl.excel.handlers"
RIBBON_NS = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: The issue's buttons: label -> handler of tdkt_xl.excel.handlers.
BUTTONS = {
    "Kiểm tra": "kiem_tra",
    "Cập nhật trạng thái": "cap_nhat_trang_thai",
    "Tạo mẫu báo cáo": "tao_mau_bao_cao",
    "Tổng hợp": "tong_hop",
    "Đôn đốc": "don_doc",
    "Dự thảo báo cáo": "du_thao_bao_cao",
    "Hướng dẫn": "huong_dan",
}
GUARD = "If HasWorkbook() Then "  # each button first checks that a workbook is open
RESET = ": Application.StatusBar = False"  # and then gives the status bar back to Excel
RUNPYTHON = re.compile(r'^\s*(?:If HasWorkbook\(\) Then )?RunPython\s+"([^"]*)"'
                       r"(?:: Application\.StatusBar = False)?\s*$", re.M)
TARGET = re.compile(r"import (tdkt_xl\.excel\.handlers) as h; h\.(\w+)\(\)")


def _text(path: Path) -> str:
    return path.read_text(encoding="ascii").replace("\r\n", "\n")


def _code_lines(code: str) -> str:
    """VBA source without comment lines."""
    lines = code.replace("\r\n", "\n").split("\n")
    return "\n".join(line for line in lines if not line.lstrip().startswith("'"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin") / "tdkt_xl.xlam")


@pytest.fixture(scope="module")
def modules(built: Path) -> dict[str, tuple[str, str]]:
    """Module name -> (olevba's file name, source) of the built add-in, as olevba reads them."""
    parser = VBA_Parser(str(built))
    try:
        found = {stream.split("/")[-1]: (filename, code.replace("\r\n", "\n"))
                 for _, stream, filename, code in parser.extract_all_macros()}
    finally:
        parser.close()
    return found


def _ribbon(built: Path) -> ET.Element:
    with zipfile.ZipFile(built) as archive:
        return ET.fromstring(archive.read(RIBBON_PART))


def _callbacks(built: Path) -> list[str]:
    return [button.attrib["onAction"] for button in _ribbon(built).iter() if "onAction" in button.attrib]


def _sub_body(code: str, name: str) -> list[str]:
    match = re.search(rf"^Sub {name}\(control As IRibbonControl\)\n(.*?)^End Sub$", code, re.M | re.S)
    assert match, f"no Sub {name}(control As IRibbonControl)"
    return [line for line in match.group(1).split("\n") if line.strip()]


# ---------------------------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------------------------

def test_default_source_is_the_repository_macros_folder() -> None:
    assert find_macros_dir() == MACROS
    assert sorted(p.name for p in MACROS.iterdir()) == ["TDKT.bas", "customUI.xml", "xlwings.bas"]


def test_package_is_a_valid_addin_zip(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        types = ET.fromstring(archive.read("[Content_Types].xml"))
        overrides = {e.attrib["PartName"]: e.attrib["ContentType"] for e in types.iter(f"{CT_NS}Override")}
        defaults = {e.attrib["Extension"]: e.attrib["ContentType"] for e in types.iter(f"{CT_NS}Default")}
        assert overrides["/xl/workbook.xml"] == ADDIN_CONTENT_TYPE == \
            "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
        for name in names - {"[Content_Types].xml"}:
            assert f"/{name}" in overrides or name.rsplit(".", 1)[-1] in defaults, name
        root_rels = {e.attrib["Type"]: e.attrib["Target"]
                     for e in ET.fromstring(archive.read("_rels/.rels")).iter(f"{REL_NS}Relationship")}
        assert root_rels[RIBBON_RELATIONSHIP] == RIBBON_PART == "customUI/customUI14.xml"
        assert RIBBON_RELATIONSHIP == "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
        office_document = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        assert root_rels[office_document] == "xl/workbook.xml"
        book_rels = {e.attrib["Type"].rsplit("/", 1)[-1]: "xl/" + e.attrib["Target"] for e in
                     ET.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{REL_NS}Relationship")}
        assert book_rels["vbaProject"] == "xl/vbaProject.bin"
        assert set(root_rels.values()) | set(book_rels.values()) <= names
        workbook = archive.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook
        assert 'codeName="Sheet1"' in archive.read("xl/worksheets/sheet1.xml").decode()
        for name in names:
            if name.endswith((".xml", ".rels")):
                ET.fromstring(archive.read(name))


def test_ribbon_part_is_macros_custom_ui_byte_for_byte(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        assert archive.read(RIBBON_PART) == (MACROS / "customUI.xml").read_bytes()


def test_build_is_deterministic_and_atomic(tmp_path: Path) -> None:
    first = build_addin(tmp_path / "a.xlam").read_bytes()
    target = tmp_path / "b.xlam"
    target.write_bytes(b"old add-in")
    assert build_addin(target).read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlam", "b.xlam"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_built_addin_has_the_mode_of_a_new_file(tmp_path: Path) -> None:
    """Built through a private temporary file (0600), the add-in stayed readable by its builder
    only: others could not copy one built on a shared folder."""
    umask = os.umask(0o022)
    try:
        assert build_addin(tmp_path / "a.xlam").stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "b.xlam"
        kept.write_bytes(b"old add-in")
        kept.chmod(0o664)
        assert build_addin(kept).stat().st_mode & 0o777 == 0o664  # the mode of the file replaced
    finally:
        os.umask(umask)


# ---------------------------------------------------------------------------------------------
# The VBA project, read back with olevba
# ---------------------------------------------------------------------------------------------

def test_modules_are_exactly_the_macros_folder(modules: dict[str, tuple[str, str]]) -> None:
    standard = {name: code for name, (filename, code) in modules.items() if filename.endswith(".bas")}
    documents = {name: code for name, (filename, code) in modules.items() if filename.endswith(".cls")}
    assert len(standard) + len(documents) == len(modules)
    expected = {p.stem: _text(p) for p in MACROS.glob("*.bas")}
    assert standard.keys() == expected.keys() == {"TDKT", "xlwings"}
    for name, code in standard.items():
        assert code == expected[name], name
    # The two document modules the workbook's code names need, with no code in them.
    assert documents.keys() == {"ThisWorkbook", "Sheet1"}
    for code in documents.values():
        assert all(line.startswith("Attribute VB_") for line in code.split("\n") if line)


def test_every_ribbon_callback_is_a_ribbon_sub(built: Path, modules: dict[str, tuple[str, str]]) -> None:
    callbacks = _callbacks(built)
    assert len(callbacks) == len(set(callbacks)) == len(BUTTONS)
    for callback in callbacks:
        module, _, macro = callback.partition(".")
        assert module in modules, callback
        _sub_body(modules[module][1], macro)


def test_each_ribbon_macro_is_one_runpython_line(built: Path, modules: dict[str, tuple[str, str]]) -> None:
    for callback in _callbacks(built):
        module, _, macro = callback.partition(".")
        body = _sub_body(modules[module][1], macro)
        assert len(body) == 1, (callback, body)
        line = body[0].strip()
        assert line.startswith(GUARD), line
        assert line.endswith(RESET), line
        command = line.removeprefix(GUARD).removesuffix(RESET).removeprefix("RunPython ").strip('"')
        assert TARGET.fullmatch(command), body


def _unescape(text: str) -> str:
    """What the add-in's VBA function Unescape makes of a string literal."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_no_workbook_open_gets_a_vietnamese_message(modules: dict[str, tuple[str, str]]) -> None:
    """Without a workbook in front RunPython stops with a VBA error in English; HasWorkbook says
    what to do instead, in a Unicode message box (VBA's MsgBox shows "?" for Vietnamese letters)."""
    code = modules["TDKT"][1]
    match = re.search(r"^Private Function HasWorkbook\(\) As Boolean\n(.*?)^End Function$", code, re.M | re.S)
    assert match, "no HasWorkbook function"
    body = match.group(1)
    assert "HasWorkbook = Not (ActiveWorkbook Is Nothing)" in body
    text = re.search(r"text = Unescape\((.*?)\)\n", body, re.S)
    assert text
    message = _unescape("".join(re.findall(r'"([^"]*)"', text.group(1))))
    assert message == ("Chưa có sổ Excel nào đang mở, hoặc sổ đang ở chế độ Protected View (chỉ xem: bấm "
                       "Enable Editing trên thanh màu vàng). Hãy mở sổ kế hoạch (hoặc sổ cần làm việc), để "
                       "cửa sổ của nó ở phía trước rồi bấm lại nút trên thẻ TĐKT.")
    title = re.search(r'title = Unescape\("([^"]*)"\)', body)
    assert title and _unescape(title.group(1)) == "TĐKT"
    assert "MessageBoxW Application.Hwnd, StrPtr(text), StrPtr(title)" in body
    assert re.search(r'Declare PtrSafe Function MessageBoxW Lib "user32"', code)


def test_buttons_match_the_issue(built: Path, modules: dict[str, tuple[str, str]]) -> None:
    ribbon = _ribbon(built)
    tabs = ribbon.findall("ui:ribbon/ui:tabs/ui:tab", RIBBON_NS)
    assert [tab.attrib["label"] for tab in tabs] == ["TĐKT"]
    buttons = tabs[0].findall("ui:group/ui:button", RIBBON_NS)
    assert [b.attrib["label"] for b in buttons] == list(BUTTONS)
    for button in buttons:
        assert button.attrib["imageMso"] and button.attrib["screentip"]
        module, _, macro = button.attrib["onAction"].partition(".")
        line = _sub_body(modules[module][1], macro)[0]
        match = TARGET.search(line)
        assert match and match.group(2) == BUTTONS[button.attrib["label"]], (button.attrib, line)


def test_every_runpython_target_is_a_handler(modules: dict[str, tuple[str, str]]) -> None:
    targets = [command for _, code in modules.values() for command in RUNPYTHON.findall(_code_lines(code))]
    assert len(targets) == len(BUTTONS)
    names = []
    for command in targets:
        match = TARGET.fullmatch(command)
        assert match, f"RunPython command {command!r} does not call one function of {HANDLERS}"
        names.append(match.group(2))
    assert sorted(names) == sorted(BUTTONS.values())
    try:
        handlers = importlib.import_module(HANDLERS)
    except ImportError as error:
        pytest.fail(f"{HANDLERS} cannot be imported ({error}): the ribbon buttons call {sorted(names)} in it")
    for name in names:
        function = getattr(handlers, name, None)
        assert callable(function), f"{HANDLERS}.{name} is missing (ribbon button target)"
        inspect.signature(function).bind()  # RunPython calls it with no arguments


def test_vba_source_is_ascii_and_xlwings_module_is_the_vendored_open_source_one() -> None:
    for path in MACROS.glob("*.bas"):
        assert path.read_bytes().isascii(), path
    vendored = _text(MACROS / "xlwings.bas")
    assert "'xlwings is distributed under a BSD 3-clause license." in vendored
    assert "Copyright (C) 2014-present, Zoomer Analytics LLC." in vendored
    assert f'Public Const PROJECT_NAME As String = "{CONFIG_NAME}"' in vendored
    version = re.search(r"^'Version: (\S+)$", vendored, re.M)
    assert version
    # no skip: the installed xlwings must be the one the module declares (pinned in pyproject.toml)
    assert version.group(1) == xlwings.__version__, (
        f"macros/xlwings.bas is from xlwings {version.group(1)}, {xlwings.__version__} is installed")
    upstream = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text("ascii")
    theirs, ours = upstream.replace("\r\n", "\n").split("\n"), vendored.split("\n")
    # The installed xlwings' module, plus comment lines, with our PROJECT_NAME.
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=theirs, b=ours, autojunk=False).get_opcodes():
        if tag == "insert":
            assert all(line.startswith("'") for line in ours[j1:j2]), ours[j1:j2]
        elif tag != "equal":
            assert (tag, theirs[i1:i2], ours[j1:j2]) == (
                "replace", ['Public Const PROJECT_NAME As String = "myaddin"'],
                [f'Public Const PROJECT_NAME As String = "{CONFIG_NAME}"'])


def _dir_records(data: bytes) -> list[tuple[int, bytes]]:
    records, at = [], 0
    while at < len(data):
        record_id, size = struct.unpack_from("<HI", data, at)
        if record_id == 0x0009:  # PROJECTVERSION: its "size" is a reserved 4, then 6 bytes
            size = 6
        records.append((record_id, data[at + 6:at + 6 + size]))
        at += 6 + size
    return records


def test_project_has_source_only_and_no_performance_cache(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        ole = olefile.OleFileIO(io.BytesIO(archive.read("xl/vbaProject.bin")))
    streams = {"/".join(parts) for parts in ole.listdir()}
    assert streams == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/ThisWorkbook",
                       "VBA/Sheet1", "VBA/TDKT", "VBA/xlwings"}
    # Version 0xFFFF and no cache: Excel must compile from source ([MS-OVBA] 2.3.4.1).
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    records = _dir_records(bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read()))))
    offsets = [struct.unpack("<I", data)[0] for rid, data in records if rid == 0x0031]
    names = [data.decode("ascii") for rid, data in records if rid == 0x0019]
    assert names == ["ThisWorkbook", "Sheet1", "TDKT", "xlwings"]
    assert offsets == [0, 0, 0, 0]
    assert dict(records)[0x0004] == b"tdkt_xl"
    assert b"{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in b"".join(d for rid, d in records if rid == 0x000D)
    project = ole.openstream("PROJECT").read().decode("ascii")
    assert "Module=TDKT\r\nModule=xlwings\r\n" in project and 'Name="tdkt_xl"' in project
    for name in names:
        assert bytes(decompress_stream(bytearray(ole.openstream(f"VBA/{name}").read()))).startswith(
            f'Attribute VB_Name = "{name}"'.encode())


def _cfb_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def test_compound_file_directory_is_ordered_red_black_trees(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        ole = olefile.OleFileIO(io.BytesIO(archive.read("xl/vbaProject.bin")))
    entries = {e.sid: e for e in ole.direntries if e is not None}
    nil = 0xFFFFFFFF

    def walk(sid: int) -> tuple[list[str], int]:
        """In-order names and black height of the subtree at ``sid``."""
        if sid == nil:
            return [], 1
        entry = entries[sid]
        for child in (entry.sid_left, entry.sid_right):
            assert not (entry.color == 0 and child != nil and entries[child].color == 0), "red-red"
        left, left_height = walk(entry.sid_left)
        right, right_height = walk(entry.sid_right)
        assert left_height == right_height, "unequal black heights"
        return [*left, entry.name, *right], left_height + entry.color

    storages = [e for e in entries.values() if e.entry_type in (1, 5)]
    assert len(storages) == 2
    for storage in storages:
        assert entries[storage.sid_child].color == 1
        names, _ = walk(storage.sid_child)
        assert names == sorted(names, key=_cfb_key)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=9000),
                 st.text(alphabet="ab \r\n'\"()", max_size=14000).map(lambda t: t.encode("ascii"))))
def test_ovba_compression_round_trips_through_olevba(data: bytes) -> None:
    assert bytes(decompress_stream(bytearray(ovba_compress(data)))) == data


def test_incompressible_full_chunks_are_stored_raw() -> None:
    data = os.urandom(4096 * 2 + 100)
    compressed = ovba_compress(data)
    assert compressed[1:3] == b"\xff\x3f" and compressed[3:4099] == data[:4096]
    assert bytes(decompress_stream(bytearray(compressed))) == data


def _decrypt(value: str) -> tuple[int, bytes]:
    """[MS-OVBA] 2.4.3.3: (project key, data) of a CMG/DPB/GC value."""
    raw = bytes.fromhex(value)
    seed, version_enc, key_enc = raw[:3]
    assert seed ^ version_enc == 2
    key = seed ^ key_enc
    plain, enc, enc2 = key, key_enc, version_enc
    out = []
    for byte in raw[3:]:
        value_byte = byte ^ ((enc2 + plain) & 0xFF)
        enc2, enc, plain = enc, byte, value_byte
        out.append(value_byte)
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(out[ignored:ignored + 4]), "little")
    assert len(out) == ignored + 4 + length
    return key, bytes(out[ignored + 4:])


def test_project_protection_values_decrypt_like_excels() -> None:
    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam") as archive:
        ole = olefile.OleFileIO(io.BytesIO(archive.read("xl/vbaProject.bin")))
    excel = ole.openstream("PROJECT").read().decode("latin-1")
    project_id = re.search(r'ID="([^"]+)"', excel)
    gc = re.search(r'GC="([0-9A-F]+)"', excel)
    assert project_id and gc
    key, data = _decrypt(gc.group(1))  # Excel wrote it: visible project
    assert (key, data) == (sum(project_id.group(1).encode()) & 0xFF, b"\xff")
    for seed in (0x00, 0x5D, 0xFF):
        ours = encrypt_project_data(project_id.group(1), b"\x00\x00\x00\x00", seed)
        assert _decrypt(ours) == (key, b"\x00\x00\x00\x00")


# ---------------------------------------------------------------------------------------------
# Source checks
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "macros"
    shutil.copytree(MACROS, folder)
    return folder


def test_vietnamese_text_in_vba_is_refused(source: Path, tmp_path: Path) -> None:
    path = source / "TDKT.bas"
    path.write_text(_text(path) + "' Kiểm tra\n", encoding="utf-8")
    with pytest.raises(AddinError, match=r"TDKT\.bas, dòng \d+: mã VBA chỉ được dùng ký tự ASCII"):
        build_addin(tmp_path / "x.xlam", source)
    assert not (tmp_path / "x.xlam").exists()


def test_ribbon_callback_without_sub_is_refused(source: Path, tmp_path: Path) -> None:
    ribbon = source / "customUI.xml"
    ribbon.write_bytes(ribbon.read_bytes().replace(b'"TDKT.TongHop"', b'"TDKT.TongHopNam"'))
    with pytest.raises(AddinError, match=r"TDKT\.TongHopNam"):
        build_addin(tmp_path / "x.xlam", source)


def test_ribbon_callback_needs_the_ribbon_signature(source: Path, tmp_path: Path) -> None:
    path = source / "TDKT.bas"
    path.write_text(_text(path).replace("Sub DonDoc(control As IRibbonControl)", "Sub DonDoc()"), "ascii")
    with pytest.raises(AddinError, match=r"Sub DonDoc\(control As IRibbonControl\)"):
        build_addin(tmp_path / "x.xlam", source)


def test_module_name_must_match_file_name(source: Path, tmp_path: Path) -> None:
    (source / "TDKT.bas").rename(source / "Ribbon.bas")
    with pytest.raises(AddinError, match='Attribute VB_Name = "Ribbon"'):
        build_addin(tmp_path / "x.xlam", source)


def test_missing_ribbon_is_refused(source: Path, tmp_path: Path) -> None:
    (source / "customUI.xml").unlink()
    with pytest.raises(AddinError, match=r"customUI\.xml"):
        build_addin(tmp_path / "x.xlam", source)


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------

def test_cli_addin_build(tmp_path: Path, built: Path) -> None:
    out = tmp_path / "out" / "tdkt_xl.xlam"
    result = CliRunner().invoke(cli, ["addin", "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Đã ghi add-in: {out}" in result.output
    assert out.read_bytes() == built.read_bytes()


def test_cli_addin_build_reports_bad_source(tmp_path: Path, source: Path) -> None:
    (source / "customUI.xml").write_text("<customUI", encoding="utf-8")
    result = CliRunner().invoke(cli, ["addin", "build", "--out", str(tmp_path / "x.xlam"),
                                      "--macros", str(source)])
    assert result.exit_code == 1
    assert "Lỗi: customUI.xml không phải XML hợp lệ" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="the guard is for other systems")
def test_cli_addin_install_refuses_other_systems() -> None:
    result = CliRunner().invoke(cli, ["addin", "install", "--dry-run"])
    assert result.exit_code == 2
    assert "chỉ chạy trên Windows" in result.output


# ---------------------------------------------------------------------------------------------
# Install (the Windows locations replaced by folders and a dict registry)
# ---------------------------------------------------------------------------------------------

class FakeRegistry:
    """HKEY_CURRENT_USER as a dict of keys to string values."""

    def __init__(self, keys: dict[str, dict[str, str]]) -> None:
        self.keys = keys

    def values(self, key: str) -> dict[str, str] | None:
        return dict(self.keys[key]) if key in self.keys else None

    def set_value(self, key: str, name: str, value: str) -> None:
        self.keys.setdefault(key, {})[name] = value

    def delete_value(self, key: str, name: str) -> None:
        self.keys.get(key, {}).pop(name, None)


def _sheet_settings(xlam: Path) -> list[tuple[str, str]]:
    """The (key, value) rows of the add-in's settings sheet, read back from its XML."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(xlam) as archive:
        sheet = ET.fromstring(archive.read(SHEET_PART))
    return [tuple("".join(t.text or "" for t in cell.iter(f"{main}t")) for cell in row.iter(f"{main}c"))
            for row in sheet.iter(f"{main}row")]  # type: ignore[misc]


def _same_but_settings(installed: Path, built: Path) -> bool:
    """Every part of ``installed`` but its settings sheet is the built add-in's, byte for byte."""
    with zipfile.ZipFile(installed) as one, zipfile.ZipFile(built) as other:
        return (one.namelist() == other.namelist()
                and all(one.read(n) == other.read(n) for n in one.namelist() if n != SHEET_PART))


def _config(path: Path) -> list[str]:
    return path.read_bytes().decode("cp1252").split("\r\n")


@pytest.mark.skipif(sys.platform == "win32", reason="the guard is for other systems")
def test_install_refuses_other_systems_without_locations() -> None:
    with pytest.raises(AddinError, match="chỉ chạy trên Windows"):
        install_addin()


def test_install_copies_configures_and_registers(tmp_path: Path, built: Path) -> None:
    addins, conf = tmp_path / "AddIns", tmp_path / ".tdkt_xl" / "tdkt_xl.conf"
    conf.parent.mkdir()
    conf.write_bytes(b'"SHOW CONSOLE","False"\r\n"PythonPath","D:\\lib"\r\n')
    registry = FakeRegistry({options_key("16.0"): {"OPEN": '"C:\\x\\other.xlam"', "Font": "Calibri"}})
    report = install_addin(built, target_dir=addins, config_file=conf, interpreter=Path("C:/py/pythonw.exe"),
                           pythonpath=Path("E:/src"), registry=registry)
    target = addins / "tdkt_xl.xlam"
    assert _same_but_settings(target, built)
    assert _sheet_settings(target) == [("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
                                       ("PYTHONPATH", "E:/src;D:\\lib"),
                                       ("INTERPRETER_WIN", "C:/py/pythonw.exe")]
    assert _config(conf) == ['"SHOW CONSOLE","False"', '"PythonPath","E:/src;D:\\lib"',
                             '"INTERPRETER_WIN","C:/py/pythonw.exe"', ""]
    assert registry.keys == {options_key("16.0"): {"OPEN": '"C:\\x\\other.xlam"', "Font": "Calibri",
                                                   "OPEN1": f'"{target}"'}}
    assert report.registry == [(options_key("16.0"), "OPEN1", f'"{target}"')]
    assert f"Đã chép add-in vào: {target}" in report.lines()

    again = install_addin(built, target_dir=addins, config_file=conf, interpreter=Path("C:/py/pythonw.exe"),
                          pythonpath=Path("E:/src"), registry=registry)
    assert again.registry == []  # already registered
    assert _config(conf)[1] == '"PythonPath","E:/src;D:\\lib"'


def test_install_builds_when_no_xlam_is_given_and_registers_in_every_excel(tmp_path: Path,
                                                                           built: Path) -> None:
    registry = FakeRegistry({options_key("16.0"): {}, options_key("14.0"): {"OPEN": "/R tdkt_xl.xlam"}})
    install_addin(target_dir=tmp_path, config_file=tmp_path / "c.conf", interpreter=Path("C:/p.exe"),
                  pythonpath=None, registry=registry)
    target = tmp_path / "tdkt_xl.xlam"
    assert _same_but_settings(target, built)
    assert _config(tmp_path / "c.conf") == ['"INTERPRETER_WIN","C:/p.exe"', ""]
    assert registry.keys[options_key("16.0")] == {"OPEN": f'"{target}"'}
    assert registry.keys[options_key("14.0")] == {"OPEN": f'"{target}"'}  # repointed
    assert options_key("15.0") not in registry.keys


def test_install_creates_the_excel_16_key_when_excel_never_ran(tmp_path: Path, built: Path) -> None:
    registry = FakeRegistry({})
    install_addin(built, target_dir=tmp_path, config_file=tmp_path / "c.conf", pythonpath=None,
                  registry=registry)
    assert registry.keys == {options_key("16.0"): {"OPEN": f'"{tmp_path / "tdkt_xl.xlam"}"'}}


def test_install_dry_run_writes_nothing(tmp_path: Path, built: Path) -> None:
    registry = FakeRegistry({})
    report = install_addin(built, target_dir=tmp_path / "AddIns", config_file=tmp_path / "c.conf",
                           interpreter=Path("C:/py/pythonw.exe"), pythonpath=Path("E:/src"),
                           registry=registry, dry_run=True)
    assert list(tmp_path.iterdir()) == [] and registry.keys == {}
    assert report.settings == {"INTERPRETER_WIN": "C:/py/pythonw.exe", "PYTHONPATH": "E:/src"}
    assert report.lines()[0] == f"Sẽ chép add-in vào: {tmp_path / 'AddIns' / 'tdkt_xl.xlam'}"
    key = "HKCU\\Software\\Microsoft\\Office\\16.0\\Excel\\Options"
    assert any(line.startswith(f"Sẽ đăng ký với Excel: {key} OPEN") for line in report.lines())


def test_install_into_xlstart_does_not_register(tmp_path: Path, built: Path) -> None:
    registry = FakeRegistry({})
    report = install_addin(built, target_dir=tmp_path, config_file=tmp_path / "c.conf", pythonpath=None,
                           registry=registry, xlstart=True)
    assert report.registry == [] and registry.keys == {}


def test_install_defaults_point_runpython_at_this_python(tmp_path: Path, built: Path) -> None:
    report = install_addin(built, target_dir=tmp_path, config_file=tmp_path / "c.conf", register=False)
    interpreter = Path(report.settings["INTERPRETER_WIN"])
    assert interpreter.parent == Path(sys.executable).parent
    assert interpreter.name in {"pythonw.exe", Path(sys.executable).name}
    import tdkt_xl

    package_parent = Path(tdkt_xl.__file__).resolve().parent.parent
    assert report.settings.get("PYTHONPATH") in {None, str(package_parent)}


@pytest.mark.skipif(sys.platform == "win32", reason="Windows falls back to the 8.3 short path")
def test_install_refuses_paths_vba_cannot_read(tmp_path: Path, built: Path) -> None:
    with pytest.raises(AddinError, match="ngoài bảng mã ANSI"):
        install_addin(built, target_dir=tmp_path, config_file=tmp_path / "c.conf",
                      interpreter=Path("C:/Người dùng/python.exe"), register=False)


def test_open_value_cases() -> None:
    addin = Path("C:/AddIns/tdkt_xl.xlam")
    assert open_value({}, addin) == ("OPEN", f'"{addin}"')
    taken = {"OPEN": "a.xlam", "OPEN1": "b.xlam", "open2": "c.xlam"}
    assert open_value(taken, addin) == ("OPEN3", f'"{addin}"')
    assert open_value({"OPEN": f'/R "{addin}"'}, addin) is None
    assert open_value({"OPEN": f'"{str(addin).upper()}"'}, addin) is None
    elsewhere = {"OPEN": "a.xlam", "OPEN1": '"D:\\old\\TDKT_XL.xlam"'}
    assert open_value(elsewhere, addin) == ("OPEN1", f'"{addin}"')
    assert open_value({"Options": "0", "OPENX": "x"}, addin) == ("OPEN", f'"{addin}"')


# ---------------------------------------------------------------------------------------------
# LibreOffice: an independent reader of the compound file and the VBA project
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_libreoffice_imports_the_vba_project(built: Path, tmp_path: Path) -> None:
    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods",
                    "--outdir", str(tmp_path / "lo"), str(built)],
                   check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "lo" / "tdkt_xl.ods") as archive:
        library = [n for n in archive.namelist() if n.startswith("Basic/tdkt_xl/")]
        assert sorted(library) == ["Basic/tdkt_xl/Sheet1.xml", "Basic/tdkt_xl/TDKT.xml",
                                   "Basic/tdkt_xl/ThisWorkbook.xml", "Basic/tdkt_xl/script-lb.xml",
                                   "Basic/tdkt_xl/xlwings.xml"]
        ribbon = unescape(archive.read("Basic/tdkt_xl/TDKT.xml").decode(), {"&apos;": "'", "&quot;": '"'})
        xlwings_module = unescape(archive.read("Basic/tdkt_xl/xlwings.xml").decode(),
                                  {"&apos;": "'", "&quot;": '"'})
    body = _text(MACROS / "TDKT.bas").split("\n", 1)[1]
    assert body.strip() in ribbon
    assert 'Public Const PROJECT_NAME As String = "tdkt_xl"' in xlwings_module
