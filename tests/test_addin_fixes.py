"""The add-in's first-use fixes (issue 16): settings inside the add-in (OneDrive/SharePoint plans,
non-ASCII profiles), no install while Excel runs or under Microsoft Store Python, uninstall, the
VBA module's package data and version pin, the status bar before RunPython, and a message box
when ``Book.caller()`` fails.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
import warnings
import zipfile
from pathlib import Path

import pytest
import xlwings
import xlwings.utils
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_addin import FakeRegistry, _sheet_settings

from tdkt_xl.cli import cli
from tdkt_xl.excel import handlers
from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.excel.addin.guide import inline, markdown_to_html
from tdkt_xl.excel.addin.install import (
    CONFIG_NAME,
    ansi_safe_temp_dir,
    install_addin,
    is_store_python,
    open_values_without,
    options_key,
    uninstall_addin,
)
from tdkt_xl.excel.addin.package import ADDIN_SETTINGS, SETTINGS_SHEET, build_addin
from tdkt_xl.excel.addin.source import find_macros_dir

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing's old names
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "tdkt_xl" / "excel" / "addin" / "macros"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin") / "tdkt_xl.xlam")


def _settings(xlam: Path) -> dict[str, str]:
    with zipfile.ZipFile(xlam) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    assert f'<sheet name="{SETTINGS_SHEET}"' in workbook
    return dict(_sheet_settings(xlam))


def _install(tmp_path: Path, built: Path, **options: object) -> Path:
    defaults: dict[str, object] = {"target_dir": tmp_path / "AddIns", "config_file": tmp_path / "c.conf",
                                   "interpreter": Path("C:/py/pythonw.exe"), "pythonpath": None,
                                   "registry": FakeRegistry({}), "processes": list}
    install_addin(built, **{**defaults, **options})  # type: ignore[arg-type]
    return tmp_path / "AddIns" / "tdkt_xl.xlam"


# --- the settings sheet: OneDrive/SharePoint plans, non-ASCII profiles -----------------------


def test_every_build_turns_add_workbook_to_pythonpath_off(built: Path) -> None:
    assert _settings(built) == {"ADD_WORKBOOK_TO_PYTHONPATH": "false"}
    vendored = (MACROS / "xlwings.bas").read_text("ascii")
    # RunPython reads the setting from the add-in's own "<PROJECT_NAME>.conf" sheet
    assert f"{CONFIG_NAME}.conf" == SETTINGS_SHEET
    assert 'AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")' in vendored
    assert "If SheetExists(ThisWorkbook, PROJECT_NAME & \".conf\") = True Then" in vendored


@pytest.mark.parametrize("plan", ["https://d.docs.live.net/0123abcd/TDKT/ke_hoach.xlsx",
                                  "https://cqtdkt.sharepoint.com/sites/tdkt/Shared Documents/ke_hoach.xlsx"])
def test_a_cloud_plan_stops_xlwings_only_with_the_workbook_folder_on(plan: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """What RunPython hands to xlwings.utils.prepare_sys_path (installed xlwings) for a plan on
    OneDrive/SharePoint: with the default "true" it stops (in English) before our handler runs."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    addin = "C:\\Users\\an\\AppData\\Roaming\\Microsoft\\AddIns\\tdkt_xl.xlam"
    setting = dict(ADDIN_SETTINGS)["ADD_WORKBOOK_TO_PYTHONPATH"]
    before = list(sys.path)
    xlwings.utils.prepare_sys_path(f"{setting};{plan};{addin};;;;C:\\src")
    assert [p for p in sys.path if p not in before] == [os.path.normcase("C:\\src")]
    with pytest.raises(Exception, match=r"(?i)onedrive|sharepoint|local"):
        xlwings.utils.prepare_sys_path(f"true;{plan};{addin};;;;")


def test_install_puts_what_runpython_needs_on_the_settings_sheet(tmp_path: Path, built: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile named with Vietnamese letters: VBA's Environ/Open (ANSI) cannot reach
    %USERPROFILE%\\.tdkt_xl\\tdkt_xl.conf nor a log under %TEMP%; the sheet is read through Excel."""
    temp = tmp_path / "Nguyễn Văn Ân" / "Temp"
    temp.mkdir(parents=True)
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(temp))
    monkeypatch.setenv("PROGRAMDATA", str(tmp_path / "ProgramData"))
    target = _install(tmp_path, built, pythonpath=Path("E:/src"))
    settings = _settings(target)
    assert settings["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    assert settings["INTERPRETER_WIN"] == "C:/py/pythonw.exe" and settings["PYTHONPATH"] == "E:/src"
    assert settings["TEMP DIR"].isascii()  # (8.3 short form on Windows, else %ProgramData%\tdkt_xl\tam)
    fallback = str(tmp_path / "ProgramData" / "tdkt_xl" / "tam")
    assert settings["TEMP DIR"] == fallback or sys.platform == "win32"


def test_an_add_in_built_before_the_settings_sheet_gets_it(tmp_path: Path, built: Path) -> None:
    old = tmp_path / "old.xlam"
    with zipfile.ZipFile(built) as archive, zipfile.ZipFile(old, "w") as copy:
        for name in archive.namelist():
            data = archive.read(name)
            copy.writestr(name, data.replace(f'name="{SETTINGS_SHEET}"'.encode(), 'name="TĐKT"'.encode()))
    target = _install(tmp_path, old)
    assert _settings(target)["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"  # (the sheet's name is checked there)


def test_an_ansi_temp_folder_needs_no_setting() -> None:
    assert ansi_safe_temp_dir(Path("C:/Users/an/AppData/Local/Temp"), "cp1258") is None
    assert ansi_safe_temp_dir(Path("C:/Users/Lê/Temp"), "cp1252") is None  # ê is in Windows-1252
    fallback = Path("C:/ProgramData/tdkt_xl/tam")
    assert ansi_safe_temp_dir(Path("C:/Users/Nguyễn/Temp"), "cp1252", fallback) == fallback


# --- install refuses while Excel runs, and under Microsoft Store Python -----------------------


def test_install_refuses_while_excel_runs(tmp_path: Path, built: Path) -> None:
    registry = FakeRegistry({})
    with pytest.raises(AddinError, match="Excel đang chạy: hãy lưu sổ, đóng hết các cửa sổ Excel"):
        _install(tmp_path, built, registry=registry, processes=lambda: ["explorer.exe", "excel.exe"])
    assert not (tmp_path / "AddIns").exists() and not (tmp_path / "c.conf").exists()
    assert registry.keys == {}
    report = install_addin(built, target_dir=tmp_path, config_file=tmp_path / "c.conf", pythonpath=None,
                           registry=registry, dry_run=True, processes=lambda: ["EXCEL.EXE"])
    assert "Lưu ý: Excel đang chạy; hãy đóng Excel trước khi cài thật." in report.lines()


@pytest.mark.parametrize(("executable", "base", "store"), [
    ("C:/Users/an/AppData/Local/Microsoft/WindowsApps/python.exe", "C:/x", True),
    ("C:/Users/an/AppData/Local/Microsoft/WindowsApps/PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0/"
     "python.exe", "C:/x", True),
    ("C:/tdkt/venv/Scripts/python.exe",
     "C:/Program Files/WindowsApps/PythonSoftwareFoundation.Python.3.13_3.13.1008.0_x64__qbz5n2kfra8p0",
     True),
    ("C:/Users/an/AppData/Local/Programs/Python/Python312/pythonw.exe", "C:/Users/an/AppData/Local/Programs/"
     "Python/Python312", False),
    ("C:/Users/an/AppData/Local/tdkt_xl/venv/Scripts/python.exe", "C:/Program Files/Python313", False),
])
def test_microsoft_store_python_is_told(executable: str, base: str, store: bool) -> None:
    assert is_store_python(Path(executable), base) is store


def test_install_refuses_microsoft_store_python(tmp_path: Path, built: Path) -> None:
    store = Path("C:/Users/an/AppData/Local/Microsoft/WindowsApps/python3.12.exe")
    with pytest.raises(AddinError, match=r"bản của Microsoft Store.*cài Python từ python\.org"):
        _install(tmp_path, built, executable=store)
    assert not (tmp_path / "AddIns").exists()


# --- uninstall ----------------------------------------------------------------------------


def test_uninstall_removes_the_copy_the_registration_and_the_config(tmp_path: Path, built: Path) -> None:
    registry = FakeRegistry({options_key("16.0"): {"OPEN": '"C:\\a\\other.xlam"', "Font": "Calibri"}})
    target = _install(tmp_path, built, registry=registry)
    registry.keys[options_key("16.0")]["OPEN2"] = "/R third.xlam"
    assert registry.keys[options_key("16.0")]["OPEN1"] == f'"{target}"'
    with pytest.raises(AddinError, match="Excel đang chạy"):
        uninstall_addin(addin_dirs=[target.parent], config_file=tmp_path / "c.conf", registry=registry,
                        processes=lambda: ["EXCEL.EXE"])
    assert target.is_file()
    lines = uninstall_addin(addin_dirs=[target.parent, tmp_path / "XLSTART"], config_file=tmp_path / "c.conf",
                            registry=registry, processes=list)
    assert lines[0] == f"Đã xoá add-in: {target}"
    assert not target.exists() and not (tmp_path / "c.conf").exists()
    # the others stay, numbered without a gap (Excel reads OPEN, OPEN1, OPEN2 … in order)
    assert registry.keys[options_key("16.0")] == {"OPEN": '"C:\\a\\other.xlam"', "Font": "Calibri",
                                                   "OPEN1": "/R third.xlam"}


@given(st.lists(st.sampled_from(["a.xlam", '"C:\\x\\tdkt_xl.xlam"', "/R b.xlam", '/R "D:\\TDKT_XL.XLAM"']),
                max_size=6))
def test_open_values_without_keeps_the_others_in_order(entries: list[str]) -> None:
    values = {(f"OPEN{i}" if i else "OPEN"): value for i, value in enumerate(entries)}
    writes, deletes = open_values_without(values, "tdkt_xl.xlam")
    after = {**{k: v for k, v in values.items() if k not in deletes}, **writes}
    kept = [v for v in entries if "tdkt_xl.xlam" not in v.lower()]
    assert [after[f"OPEN{i}" if i else "OPEN"] for i in range(len(kept))] == kept
    assert len(after) == len(kept)


@pytest.mark.skipif(sys.platform == "win32", reason="the guard is for other systems")
def test_cli_addin_uninstall_refuses_other_systems() -> None:
    result = CliRunner().invoke(cli, ["addin", "uninstall", "--dry-run"])
    assert result.exit_code == 2 and "chỉ chạy trên Windows" in result.output


# --- the VBA source: package data, xlwings version, status bar ---------------------------------


def test_macros_are_package_data_read_with_importlib_resources() -> None:
    from importlib import resources

    import tdkt_xl

    assert find_macros_dir() == resources.files("tdkt_xl.excel.addin") / "macros" == MACROS
    assert Path(tdkt_xl.__file__).parent in find_macros_dir().parents
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = project["tool"]["setuptools"]["package-data"]["tdkt_xl.excel.addin"]
    assert {"macros/*.bas", "macros/*.xml"} <= set(data)
    assert "data-files" not in project["tool"]["setuptools"]


def test_xlwings_is_pinned_to_the_version_the_vba_module_declares() -> None:
    """The DLL RunPython loads is named by version: the module, the pin and the installed xlwings
    must agree (no skip)."""
    vendored = (MACROS / "xlwings.bas").read_text("ascii")
    declared = set(re.findall(r"xlwings(?:32|64)-(\d+\.\d+\.\d+)\.dll", vendored))
    declared |= set(re.findall(r'XLWINGS_VERSION As String = "([^"]+)"', vendored))
    declared |= set(re.findall(r"^'Version: (\S+)$", vendored, re.M))
    assert len(declared) == 1, declared
    version = declared.pop()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = project["project"]["dependencies"]
    pins = [d for d in dependencies if re.match(r"xlwings\b", d)]
    assert pins == [f"xlwings=={version}"]
    assert xlwings.__version__ == version


def _unescape(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_the_status_bar_says_working_before_runpython(built: Path) -> None:
    parser = VBA_Parser(str(built))
    try:
        code = {stream.split("/")[-1]: text.replace("\r\n", "\n")
                for _, stream, _, text in parser.extract_all_macros()}
    finally:
        parser.close()
    tdkt = code["TDKT"]
    guard = re.search(r"^Private Function HasWorkbook\(\) As Boolean\n(.*?)^End Function$", tdkt, re.M | re.S)
    assert guard
    shown = re.search(r'If HasWorkbook Then\n\s*Application\.StatusBar = Unescape\("([^"]*)"\)\n'
                      r"\s*Exit Function", guard.group(1))
    assert shown and _unescape(shown.group(1)) == "Đang xử lý …"
    buttons = re.findall(r"^    If HasWorkbook\(\) Then RunPython \"[^\"]*\"(.*)$", tdkt, re.M)
    assert len(buttons) == 7 and set(buttons) == {": Application.StatusBar = False"}  # (issue 17: 7 buttons)
    assert tdkt.isascii()  # VBA source stays ASCII: the text is built with ChrW at run time


# --- Book.caller() failing: a message box, not stderr ----------------------------------------


class _App:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []

    def alert(self, prompt: str, title: str, mode: str) -> None:
        self.shown.append((prompt, title, mode))


def _no_caller(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(handlers.LOG_ENV, str(tmp_path / "nhat_ky.log"))

    def caller() -> None:
        raise RuntimeError("Book.caller() is only available when called from Excel")

    monkeypatch.setattr(handlers.xw.Book, "caller", staticmethod(caller))


def test_a_failed_caller_shows_a_vietnamese_message_box(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    _no_caller(monkeypatch, tmp_path)
    app = _App()
    monkeypatch.setattr(handlers, "_active_app", lambda: app)
    message = handlers.kiem_tra()
    assert app.shown == [(message, "TĐKT – Kiểm tra", "critical")]
    assert message.startswith("Kiểm tra: không tìm thấy sổ Excel gọi lệnh.")
    assert str(tmp_path / "nhat_ky.log") in message
    assert "Book.caller() is only available" in (tmp_path / "nhat_ky.log").read_text(encoding="utf-8")
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(sys.platform == "win32", reason="Windows shows its own message box instead")
def test_without_any_message_box_runpython_gets_an_error_exit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    _no_caller(monkeypatch, tmp_path)

    def no_excel() -> None:
        raise handlers.TdktError("Không thấy Excel nào đang chạy.")

    monkeypatch.setattr(handlers, "_active_app", no_excel)
    monkeypatch.setattr(sys, "argv", ["-c", "--wb=ke_hoach.xlsx", "--from_xl=1"])
    with pytest.raises(SystemExit) as stopped:
        handlers.tong_hop()
    assert stopped.value.code == 1
    assert "Tổng hợp: không tìm thấy sổ Excel gọi lệnh." in capsys.readouterr().err


# --- the guide's Markdown ---------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list("ab <>&\"'*`[]()!#|-đ\n")), max_size=60))
def test_guide_text_is_escaped(text: str) -> None:
    page = markdown_to_html(text, "T")
    body = page.split("<body>", 1)[1]
    assert "<script" not in body and "<<" not in body
    assert "&" not in re.sub(r"&(amp|lt|gt|quot|#x27);", "", inline(text.replace("\n", " ")))
