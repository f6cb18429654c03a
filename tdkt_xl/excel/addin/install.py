"""Installing the add-in for the current Windows user: the copy in ``%APPDATA%``, the xlwings
config file RunPython reads, the registry's ``OPEN`` values of Excel, and
:func:`install_addin`, which does all three (and :func:`uninstall_addin`, which undoes them).

Installing refuses while Excel runs (Excel rewrites its ``Options`` key when it exits, losing the
registration) and under Microsoft Store Python (it virtualizes ``%APPDATA%`` and the registry, so
Excel would see neither the add-in nor its settings).

The settings RunPython needs are also written into the add-in itself, on its ``tdkt_xl.conf``
sheet (:func:`~tdkt_xl.excel.addin.package.with_settings`): xlwings reads that sheet through
Excel (Unicode) before the config file, which VBA finds through ``Environ("USERPROFILE")`` and
opens with ``Open`` — both ANSI, so a profile folder with Vietnamese letters hides the file.

RunPython itself is ``macros/xlwings.bas``, xlwings' open-source (BSD) standalone module for
custom add-ins, vendored with ``PROJECT_NAME = "tdkt_xl"``: it reads its settings from a
``tdkt_xl.conf`` sheet or from ``%USERPROFILE%\\.tdkt_xl\\tdkt_xl.conf``, which
:func:`install_addin` writes (interpreter and PYTHONPATH).
"""

from __future__ import annotations

import contextlib
import os
import re
import site
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.excel.addin.package import (
    ADDIN_FILE_NAME,
    ADDIN_SETTINGS,
    build_addin,
    with_settings,
    write_atomically,
)
from tdkt_xl.excel.addin.vba_project import CODE_PAGE_ENCODING
from tdkt_xl.plans.text import os_error_reason

#: PROJECT_NAME in macros/xlwings.bas: names the config sheet and the user config file.
CONFIG_NAME = "tdkt_xl"
#: Excel versions whose HKCU ...\\Excel\\Options key gets the OPEN value (16.0 = 2016 … 365).
OFFICE_VERSIONS = ("16.0", "15.0", "14.0")

#: The image name of a running Excel in the task list.
EXCEL_IMAGE = "EXCEL.EXE"
#: Lists the image names of the running processes (tests pass their own).
ProcessLister = Callable[[], Iterable[str]]
#: Where Microsoft Store Python lives: its app folders, its package family name.
_STORE_MARKS = ("\\windowsapps\\", "pythonsoftwarefoundation.python")

_CONFIG_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


class Registry(Protocol):
    """The part of HKEY_CURRENT_USER that installing needs (tests pass a dict-backed one)."""

    def values(self, key: str) -> dict[str, str] | None:
        """The string values of ``key``, or None if the key does not exist."""

    def set_value(self, key: str, name: str, value: str) -> None:
        """Create ``key`` if needed and set its string value ``name``."""

    def delete_value(self, key: str, name: str) -> None:
        """Remove the value ``name`` of ``key`` (nothing if it is not there)."""


class WindowsRegistry:
    """HKEY_CURRENT_USER through :mod:`winreg` (Windows only)."""

    def values(self, key: str) -> dict[str, str] | None:
        """The string values of HKCU\\``key``, or None if it does not exist."""
        if sys.platform != "win32":
            raise AddinError(_WINDOWS_ONLY)
        import winreg

        try:
            handle = winreg.OpenKey(winreg.HKEY_CURRENT_USER, key)
        except FileNotFoundError:
            return None
        found: dict[str, str] = {}
        with handle:
            index = 0
            while True:
                try:
                    name, value, kind = winreg.EnumValue(handle, index)
                except OSError:
                    break
                if kind in (winreg.REG_SZ, winreg.REG_EXPAND_SZ):
                    found[name] = str(value)
                index += 1
        return found

    def set_value(self, key: str, name: str, value: str) -> None:
        """Set the REG_SZ value ``name`` of HKCU\\``key``."""
        if sys.platform != "win32":
            raise AddinError(_WINDOWS_ONLY)
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as handle:
            winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)

    def delete_value(self, key: str, name: str) -> None:
        """Remove the value ``name`` of HKCU\\``key``, if there."""
        if sys.platform != "win32":
            raise AddinError(_WINDOWS_ONLY)
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
                winreg.DeleteValue(handle, name)
        except FileNotFoundError:
            return


def running_images() -> list[str]:
    """The image names of the running processes (``tasklist``; none off Windows)."""
    if sys.platform != "win32":
        return []
    try:
        listed = subprocess.run(["tasklist", "/FO", "CSV", "/NH"], capture_output=True, text=True,
                                check=False, timeout=30, creationflags=0x08000000)  # CREATE_NO_WINDOW
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.split('","', 1)[0].strip('"') for line in listed.stdout.splitlines() if line.startswith('"')]


def excel_is_running(processes: ProcessLister) -> bool:
    """Whether ``EXCEL.EXE`` is among the processes.

    >>> excel_is_running(lambda: ["explorer.exe", "EXCEL.EXE"]), excel_is_running(lambda: ["python.exe"])
    (True, False)
    """
    return any(name.strip().upper() == EXCEL_IMAGE for name in processes())


def refuse_while_excel_runs(processes: ProcessLister) -> None:
    """Raise :class:`AddinError` when Excel is running."""
    if excel_is_running(processes):
        raise AddinError("Excel đang chạy: hãy lưu sổ, đóng hết các cửa sổ Excel rồi chạy lại lệnh cài "
                         "(nếu cài khi Excel đang mở, Excel sẽ xoá đăng ký add-in khi nó đóng).")


def is_store_python(executable: Path, base_prefix: str = sys.base_prefix) -> bool:
    """Whether ``executable`` (or the Python a venv was made from, ``base_prefix``) is Microsoft
    Store Python.

    >>> is_store_python(Path("C:/Users/a/AppData/Local/Microsoft/WindowsApps/python.exe"), "C:/x")
    True
    >>> is_store_python(Path("C:/tdkt/venv/Scripts/python.exe"), "C:/Program Files/WindowsApps/"
    ...                 "PythonSoftwareFoundation.Python.3.12_3.12.2800.0_x64__qbz5n2kfra8p0")
    True
    >>> is_store_python(Path("C:/Users/a/AppData/Local/Programs/Python/Python312/python.exe"), "C:/x")
    False
    """
    places = (str(executable), base_prefix)
    return any(mark in place.replace("/", "\\").lower() + "\\" for place in places for mark in _STORE_MARKS)


def refuse_store_python(executable: Path, base_prefix: str = sys.base_prefix) -> None:
    """Raise :class:`AddinError` for Microsoft Store Python."""
    if is_store_python(executable, base_prefix):
        raise AddinError(f"Python này ({executable}) là bản của Microsoft Store: nó chuyển %APPDATA% và "
                         "registry vào vùng riêng nên Excel không thấy add-in và cấu hình. Hãy gỡ bản đó, "
                         "cài Python từ python.org (Windows installer 64-bit) rồi chạy lại.")


_WINDOWS_ONLY = ("Lệnh cài add-in chỉ chạy trên Windows (Excel cho Windows): trên máy này không có "
                 "%APPDATA%, %USERPROFILE% và registry của Excel.")


@dataclass
class InstallReport:
    """What :func:`install_addin` did (or, with ``dry_run``, would do)."""

    addin: Path
    config_file: Path
    settings: dict[str, str]
    registry: list[tuple[str, str, str]]
    dry_run: bool
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Vietnamese lines for the user.

        >>> InstallReport(Path("a.xlam"), Path("c.conf"), {}, [], True).lines()[0]
        'Sẽ chép add-in vào: a.xlam'
        """
        verb = "Sẽ " if self.dry_run else "Đã "
        out = [f"{verb}chép add-in vào: {self.addin}",
               f"{verb}ghi cấu hình xlwings vào: {self.config_file}"]
        out += [f"    {name} = {value}" for name, value in self.settings.items()]
        out += [f"{verb}đăng ký với Excel: HKCU\\{key} {name} = {value}"
                for key, name, value in self.registry]
        out += self.notes
        if not self.dry_run:
            out.append("Mở lại Excel để thấy thẻ TĐKT trên ribbon.")
        return out


def options_key(version: str) -> str:
    """The registry key (under HKCU) where Excel ``version`` lists the add-ins it opens.

    >>> options_key("16.0")
    'Software\\\\Microsoft\\\\Office\\\\16.0\\\\Excel\\\\Options'
    """
    return f"Software\\Microsoft\\Office\\{version}\\Excel\\Options"


def _open_target(value: str) -> str:
    """The file an OPEN value names: options like ``/R`` and quotes removed."""
    text = value.strip()
    quoted = re.search(r'"([^"]+)"', text)
    if quoted:
        return quoted.group(1)
    return re.sub(r"^(/\w+\s+)+", "", text)


def open_value(values: dict[str, str], addin: Path) -> tuple[str, str] | None:
    """The (name, value) to write so that Excel opens ``addin``, or None if it already does.

    An entry naming a file called like ``addin`` elsewhere is repointed; otherwise the first
    free name of OPEN, OPEN1, OPEN2, … is used.

    >>> open_value({"OPEN": '"C:\\\\x\\\\other.xlam"'}, Path("tdkt_xl.xlam"))
    ('OPEN1', '"tdkt_xl.xlam"')
    >>> open_value({"OPEN": '/R "tdkt_xl.xlam"'}, Path("tdkt_xl.xlam")) is None
    True
    """
    wanted = f'"{addin}"'
    names = {name.upper(): name for name in values}
    for upper, name in sorted(names.items()):
        if not re.fullmatch(r"OPEN\d*", upper):
            continue
        target = _open_target(values[name])
        if target.lower() == str(addin).lower():
            return None
        if re.split(r"[\\/]", target)[-1].lower() == addin.name.lower():
            return name, wanted
    number = 0
    while (f"OPEN{number}" if number else "OPEN") in names:
        number += 1
    return (f"OPEN{number}" if number else "OPEN"), wanted


def default_interpreter() -> Path:
    """The interpreter for RunPython: ``pythonw.exe`` beside this Python (no console), else this one.

    >>> default_interpreter().exists()
    True
    """
    executable = Path(sys.executable)
    windowed = executable.with_name("pythonw.exe")
    return windowed if windowed.is_file() else executable


def default_pythonpath() -> Path | None:
    """The folder to add to PYTHONPATH so that ``import tdkt_xl`` works, or None when the
    package is installed in site-packages (then the interpreter finds it on its own).

    >>> default_pythonpath() in (None, Path(__file__).resolve().parents[3])
    True
    """
    parent = Path(__file__).resolve().parents[3]  # the folder holding tdkt_xl/excel/addin/install.py
    site_dirs = [*site.getsitepackages(), site.getusersitepackages()]
    if any(Path(d).resolve() == parent for d in site_dirs if d):
        return None
    return parent


def _ansi_encoding() -> str:
    """VBA reads the config file in the ANSI code page (``mbcs``); elsewhere simulate cp1252."""
    return "mbcs" if sys.platform == "win32" else CODE_PAGE_ENCODING


def _short_path(path: str) -> str:
    if sys.platform != "win32":
        return path
    import ctypes

    size = ctypes.windll.kernel32.GetShortPathNameW(path, None, 0)
    if not size:
        return path
    buffer = ctypes.create_unicode_buffer(size)
    ctypes.windll.kernel32.GetShortPathNameW(path, buffer, size)
    return buffer.value


def _ansi_safe(value: str, encoding: str) -> str:
    """``value`` if the ANSI code page can hold it, else its 8.3 short form (Windows) if that can."""
    for candidate in (value, ";".join(_short_path(part) for part in value.split(";"))):
        try:
            candidate.encode(encoding)
        except UnicodeEncodeError:
            continue
        return candidate
    raise AddinError(f"Đường dẫn {value} có ký tự mà VBA không đọc được (ngoài bảng mã ANSI của Windows); "
                     "hãy cài Python hoặc tdkt_xl vào thư mục có tên không dấu (với bộ cài: đặt biến "
                     "TDKT_XL_HOME=C:\\tdkt_xl rồi chạy lại CAI_DAT.bat).")


def read_config(path: Path, encoding: str) -> list[tuple[str, str]]:
    """The ``"KEY","VALUE"`` lines of an xlwings config file (other lines are dropped).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "x.conf"
    ...     _ = p.write_text('"INTERPRETER_WIN","C:\\\\py\\\\pythonw.exe"\\n', encoding="cp1252")
    ...     read_config(p, "cp1252")
    [('INTERPRETER_WIN', 'C:\\\\py\\\\pythonw.exe')]
    """
    if not path.is_file():
        return []
    pairs = []
    for line in path.read_bytes().decode(encoding, errors="replace").splitlines():
        match = _CONFIG_LINE.match(line)
        if match:
            pairs.append((match.group(1), match.group(2)))
    return pairs


def merge_config(pairs: Sequence[tuple[str, str]], interpreter: str,
                 pythonpath: str | None) -> list[tuple[str, str]]:
    """``pairs`` with INTERPRETER_WIN set and ``pythonpath`` first in PYTHONPATH (keys match
    case-insensitively, as the VBA side reads them); every other setting is kept.

    >>> merge_config([("PythonPath", "D:\\\\lib"), ("SHOW CONSOLE", "False")], "C:\\\\py.exe", "E:\\\\src")
    [('PythonPath', 'E:\\\\src;D:\\\\lib'), ('SHOW CONSOLE', 'False'), ('INTERPRETER_WIN', 'C:\\\\py.exe')]
    """
    merged: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, value in pairs:
        upper = key.upper()
        if upper in seen:
            continue
        seen.add(upper)
        if upper == "INTERPRETER_WIN":
            value = interpreter
        elif upper == "PYTHONPATH" and pythonpath:
            parts = [p for p in value.split(";") if p]
            if pythonpath.lower() not in (p.lower().rstrip("\\/") for p in parts):
                parts.insert(0, pythonpath)
            value = ";".join(parts)
        merged.append((key, value))
    if "INTERPRETER_WIN" not in seen:
        merged.append(("INTERPRETER_WIN", interpreter))
    if pythonpath and "PYTHONPATH" not in seen:
        merged.append(("PYTHONPATH", pythonpath))
    return merged


# xlwings' RunPython setting: run in the COM server's Python, kept open between presses (issue 18)
UDF_SERVER_KEY = "USE UDF SERVER"


def install_addin(
    xlam: Path | None = None,
    *,
    macros_dir: Path | None = None,
    target_dir: Path | None = None,
    config_file: Path | None = None,
    interpreter: Path | None = None,
    pythonpath: Path | Literal["auto"] | None = "auto",
    xlstart: bool = False,
    register: bool = True,
    registry: Registry | None = None,
    dry_run: bool = False,
    processes: ProcessLister = running_images,
    executable: Path | None = None,
    udf_server: bool | None = None,
) -> InstallReport:
    """Install the add-in for the current Windows user.

    Refuses (:class:`AddinError`) while ``processes`` lists ``EXCEL.EXE`` (a dry run only notes
    it) and when ``executable`` (default: this Python) is Microsoft Store Python.

    * copies ``xlam`` (default: built now from ``macros_dir``), its settings sheet holding what
      RunPython needs (:data:`ADDIN_SETTINGS`, the interpreter, PYTHONPATH, an ANSI-safe
      ``TEMP DIR`` when needed), to ``%APPDATA%\\Microsoft\\AddIns``,
      or with ``xlstart`` to ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` (opened at every start,
      no registration needed);
    * writes ``INTERPRETER_WIN`` (default :func:`default_interpreter`) and ``PYTHONPATH``
      (default :func:`default_pythonpath`) into ``%USERPROFILE%\\.tdkt_xl\\tdkt_xl.conf``,
      keeping the other settings there;
    * unless ``xlstart`` or not ``register``: adds an ``OPENn`` value to
      ``HKCU\\Software\\Microsoft\\Office\\<ver>\\Excel\\Options`` of every Excel version present
      (16.0 if none is), which is what ticking it in Excel's Add-ins dialog does;
    * ``udf_server`` True (False): writes ``"USE UDF SERVER","True"`` (``"False"``), which makes
      RunPython run every button in one Python that stays open (xlwings' COM server) instead of
      starting one per press; None keeps what the file says (docs/excel-addin.md).

    ``target_dir``, ``config_file`` and ``registry`` replace the Windows locations, which
    lets the logic run anywhere; without them a non-Windows system raises :class:`AddinError`.
    ``dry_run`` computes the same report and writes nothing. Close Excel first: it rewrites
    the Options key when it exits.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     report = install_addin(target_dir=Path(tmp), config_file=Path(tmp) / "c.conf",
    ...                            interpreter=Path("C:/py/pythonw.exe"), pythonpath=None, register=False)
    ...     report.addin.name, report.settings
    ('tdkt_xl.xlam', {'INTERPRETER_WIN': 'C:/py/pythonw.exe'})
    """
    if sys.platform != "win32" and (target_dir is None or config_file is None):
        raise AddinError(_WINDOWS_ONLY)
    refuse_store_python(executable or Path(sys.executable), sys.base_prefix if executable is None else "")
    notes: list[str] = []
    if dry_run and excel_is_running(processes):
        notes.append("Lưu ý: Excel đang chạy; hãy đóng Excel trước khi cài thật.")
    elif not dry_run:
        refuse_while_excel_runs(processes)
    if target_dir is None:
        target_dir = _windows_addin_dir(xlstart, notes)
    if config_file is None:
        config_file = _userprofile() / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"
    target = target_dir / ADDIN_FILE_NAME
    encoding = _ansi_encoding()
    settings = _config_settings(config_file, encoding, interpreter, pythonpath)
    if udf_server is not None:
        settings = [(k, v) for k, v in settings if k.upper() != UDF_SERVER_KEY]
        settings.append((UDF_SERVER_KEY, "True" if udf_server else "False"))

    entries: list[tuple[str, str, str]] = []
    if register and not xlstart:
        registry, entries = _open_values_to_write(registry, target, notes)

    report = InstallReport(target, config_file, {k: v for k, v in settings if k.upper() in
                                                 {"INTERPRETER_WIN", "PYTHONPATH", UDF_SERVER_KEY}},
                           entries, dry_run, notes)
    if dry_run:
        return report
    _copy_addin(xlam, macros_dir, target, [*ADDIN_SETTINGS, *_sheet_settings(settings, encoding)])
    _write_config(config_file, settings, encoding)
    if registry is not None:
        for key, name, value in entries:
            registry.set_value(key, name, value)
    return report


def _windows_addin_dir(xlstart: bool, notes: list[str]) -> Path:
    """The user's AddIns folder (XLSTART with ``xlstart``); a note if the other one holds a copy."""
    microsoft = _appdata() / "Microsoft"
    target_dir, other = (microsoft / "Excel" / "XLSTART", microsoft / "AddIns") if xlstart else (
        microsoft / "AddIns", microsoft / "Excel" / "XLSTART")
    if (other / ADDIN_FILE_NAME).is_file():
        notes.append(f"Lưu ý: đã có một bản add-in ở {other / ADDIN_FILE_NAME}; hãy xoá bản đó để Excel "
                     "không mở add-in hai lần.")
    return target_dir


def _config_settings(config_file: Path, encoding: str, interpreter: Path | None,
                     pythonpath: Path | Literal["auto"] | None) -> list[tuple[str, str]]:
    """The settings the config file will hold: its own, with the interpreter and PYTHONPATH
    (ANSI-safe) merged in."""
    python = _ansi_safe(str(interpreter or default_interpreter()), encoding)
    extra = default_pythonpath() if pythonpath == "auto" else pythonpath
    extra_text = _ansi_safe(str(extra), encoding) if extra is not None else None
    return merge_config(read_config(config_file, encoding), python, extra_text)


def _open_values_to_write(registry: Registry | None, target: Path,
                          notes: list[str]) -> tuple[Registry | None, list[tuple[str, str, str]]]:
    """The registry to write to (Windows' own unless one is given) and the OPEN values it needs;
    without a registry, none and a note."""
    if registry is None and sys.platform == "win32":
        registry = WindowsRegistry()
    if registry is None:
        notes.append("Không đăng ký với Excel (không có registry trên máy này).")
        return None, []
    return registry, _registry_entries(registry, target)


def _sheet_settings(settings: Sequence[tuple[str, str]], encoding: str) -> list[tuple[str, str]]:
    """What install writes on the add-in's settings sheet: the interpreter and PYTHONPATH of
    ``settings`` (upper-case keys, as xlwings looks them up there), and ``TEMP DIR``."""
    chosen = [(key.upper(), value) for key, value in settings
              if key.upper() in {"INTERPRETER_WIN", "PYTHONPATH"}]
    temp = ansi_safe_temp_dir(Path(tempfile.gettempdir()), encoding)
    return chosen + ([("TEMP DIR", str(temp))] if temp is not None else [])


def ansi_safe_temp_dir(temp: Path, encoding: str, fallback: Path | None = None) -> Path | None:
    """A folder for xlwings' error log that VBA's ANSI ``Open`` can read, when ``temp`` (``%TEMP%``)
    cannot be: its 8.3 short form, else ``fallback`` (default ``%ProgramData%\\tdkt_xl\\tam``,
    made now); None when ``temp`` itself is fine.

    >>> ansi_safe_temp_dir(Path("C:/Users/an/AppData/Local/Temp"), "cp1258") is None
    True
    >>> ansi_safe_temp_dir(Path("C:/Users/Nguyễn/Temp"), "cp1252", Path("C:/ProgramData/tdkt_xl/tam")).name
    'tam'
    """
    text = str(temp)
    for candidate in (text, _short_path(text)):
        try:
            candidate.encode(encoding)
        except UnicodeEncodeError:
            continue
        return None if candidate == text else Path(candidate)
    folder = fallback or Path(os.environ.get("PROGRAMDATA", "C:\\ProgramData")) / CONFIG_NAME / "tam"
    if sys.platform == "win32":
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
    return folder


def _copy_addin(xlam: Path | None, macros_dir: Path | None, target: Path,
                settings: Sequence[tuple[str, str]]) -> None:
    """Copy ``xlam`` (or one built now from ``macros_dir``) to ``target``, with ``settings`` on its
    settings sheet."""
    with tempfile.TemporaryDirectory() as tmp:
        built = xlam if xlam is not None else build_addin(Path(tmp) / ADDIN_FILE_NAME, macros_dir)
        try:
            write_atomically(target, with_settings(built.read_bytes(), settings))
        except OSError as error:
            raise AddinError(f"Không chép được add-in vào {target}: {os_error_reason(error)}. Nếu Excel "
                             "đang mở, hãy đóng Excel rồi chạy lại.") from error


def _write_config(config_file: Path, settings: Sequence[tuple[str, str]], encoding: str) -> None:
    """Write ``settings`` as ``"KEY","VALUE"`` lines in the ANSI ``encoding`` VBA reads."""
    text = "".join(f'"{key}","{value}"\r\n' for key, value in settings)
    try:
        write_atomically(config_file, text.encode(encoding))
    except OSError as error:
        raise AddinError(f"Không ghi được tệp cấu hình {config_file}: "
                         f"{os_error_reason(error)}.") from error


def _registry_entries(registry: Registry, target: Path) -> list[tuple[str, str, str]]:
    keys = [options_key(v) for v in OFFICE_VERSIONS]
    present = [(key, values) for key in keys if (values := registry.values(key)) is not None]
    if not present:
        present = [(keys[0], {})]
    entries = []
    for key, values in present:
        wanted = open_value(values, target)
        if wanted is not None:
            entries.append((key, *wanted))
    return entries


def _appdata() -> Path:
    value = os.environ.get("APPDATA")
    if not value:
        raise AddinError("Không có biến môi trường %APPDATA%.")
    return Path(value)


def _userprofile() -> Path:
    value = os.environ.get("USERPROFILE")
    if not value:
        raise AddinError("Không có biến môi trường %USERPROFILE%.")
    return Path(value)


def _open_number(name: str) -> int | None:
    """0 for OPEN, n for OPENn, None for other names."""
    match = re.fullmatch(r"OPEN(\d*)", name.upper())
    return (int(match.group(1)) if match.group(1) else 0) if match else None


def open_values_without(values: dict[str, str], file_name: str) -> tuple[dict[str, str], list[str]]:
    """The ``OPEN`` values to write and the names to delete so that no entry opens ``file_name``
    and the others stay numbered without a gap (OPEN, OPEN1, OPEN2 …, as Excel reads them).

    >>> open_values_without({"OPEN": '"C:\\\\a\\\\tdkt_xl.xlam"', "OPEN1": "/R b.xlam", "Font": "x"},
    ...                     "tdkt_xl.xlam")
    ({'OPEN': '/R b.xlam'}, ['OPEN1'])
    >>> open_values_without({"OPEN": "a.xlam"}, "tdkt_xl.xlam")
    ({}, [])
    """
    numbered = sorted((number, name) for name in values if (number := _open_number(name)) is not None)
    ours = [name for _, name in numbered
            if re.split(r"[\\/]", _open_target(values[name]))[-1].lower() == file_name.lower()]
    if not ours:
        return {}, []
    kept = [values[name] for _, name in numbered if name not in ours]
    wanted = {(f"OPEN{i}" if i else "OPEN"): value for i, value in enumerate(kept)}
    writes = {name: value for name, value in wanted.items() if values.get(name) != value}
    deletes = [name for _, name in numbered if name not in wanted]
    return writes, deletes


def uninstall_addin(
    *,
    addin_dirs: Sequence[Path] | None = None,
    config_file: Path | None = None,
    registry: Registry | None = None,
    dry_run: bool = False,
    processes: ProcessLister = running_images,
) -> list[str]:
    """Remove the add-in for the current Windows user: the copies in ``addin_dirs`` (default: the
    AddIns and XLSTART folders of ``%APPDATA%\\Microsoft``), its ``OPEN`` values in every Excel
    version's Options key (the others renumbered), and the config file; Vietnamese lines saying
    what was (or, with ``dry_run``, would be) done. Refuses while Excel runs.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     uninstall_addin(addin_dirs=[Path(tmp)], config_file=Path(tmp) / "c.conf", processes=list)[0]
    'Không thấy add-in tdkt_xl.xlam nào để gỡ.'
    """
    if sys.platform != "win32" and (addin_dirs is None or config_file is None):
        raise AddinError(_WINDOWS_ONLY)
    if not dry_run:
        refuse_while_excel_runs(processes)
    if addin_dirs is None:
        microsoft = _appdata() / "Microsoft"
        addin_dirs = [microsoft / "AddIns", microsoft / "Excel" / "XLSTART"]
    if config_file is None:
        config_file = _userprofile() / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"
    if registry is None and sys.platform == "win32":
        registry = WindowsRegistry()
    verb = "Sẽ " if dry_run else "Đã "
    found = [folder / ADDIN_FILE_NAME for folder in addin_dirs if (folder / ADDIN_FILE_NAME).is_file()]
    lines = ([f"{verb}xoá add-in: {path}" for path in found]
             or [f"Không thấy add-in {ADDIN_FILE_NAME} nào để gỡ."])
    changes = _registry_removals(registry)
    lines += [f"{verb}bỏ đăng ký với Excel: HKCU\\{key} {', '.join(deletes + list(writes))}"
              for key, writes, deletes in changes]
    if config_file.is_file():
        lines.append(f"{verb}xoá tệp cấu hình: {config_file}")
    if dry_run:
        return lines
    _remove_files(found, config_file)
    if registry is not None:
        for key, writes, deletes in changes:
            for name, value in writes.items():
                registry.set_value(key, name, value)
            for name in deletes:
                registry.delete_value(key, name)
    return lines


def _remove_files(addins: Sequence[Path], config_file: Path) -> None:
    """Delete the add-in copies and the config file (and its folder when empty)."""
    try:
        for path in addins:
            path.unlink()
        if config_file.is_file():
            config_file.unlink()
            with contextlib.suppress(OSError):
                config_file.parent.rmdir()
    except OSError as error:
        raise AddinError(f"Không xoá được: {os_error_reason(error)}. Hãy đóng Excel rồi chạy lại.") from error


def _registry_removals(registry: Registry | None) -> list[tuple[str, dict[str, str], list[str]]]:
    """Per Options key that opens the add-in: the values to rewrite and the names to delete."""
    if registry is None:
        return []
    changes = []
    for version in OFFICE_VERSIONS:
        key = options_key(version)
        values = registry.values(key)
        if values:
            writes, deletes = open_values_without(values, ADDIN_FILE_NAME)
            if writes or deletes:
                changes.append((key, writes, deletes))
    return changes
