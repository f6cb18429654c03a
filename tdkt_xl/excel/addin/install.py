"""Installing the add-in for the current Windows user: the copy in ``%APPDATA%``, the xlwings
config file RunPython reads, the registry's ``OPEN`` values of Excel, and
:func:`install_addin`, which does all three.

RunPython itself is ``macros/xlwings.bas``, xlwings' open-source (BSD) standalone module for
custom add-ins, vendored with ``PROJECT_NAME = "tdkt_xl"``: it reads its settings from a
``tdkt_xl.conf`` sheet or from ``%USERPROFILE%\\.tdkt_xl\\tdkt_xl.conf``, which
:func:`install_addin` writes (interpreter and PYTHONPATH).
"""

from __future__ import annotations

import os
import re
import site
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.excel.addin.package import ADDIN_FILE_NAME, build_addin, write_atomically
from tdkt_xl.excel.addin.vba_project import CODE_PAGE_ENCODING
from tdkt_xl.plans.text import os_error_reason

#: PROJECT_NAME in macros/xlwings.bas: names the config sheet and the user config file.
CONFIG_NAME = "tdkt_xl"
#: Excel versions whose HKCU ...\\Excel\\Options key gets the OPEN value (16.0 = 2016 … 365).
OFFICE_VERSIONS = ("16.0", "15.0", "14.0")

_CONFIG_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


class Registry(Protocol):
    """The part of HKEY_CURRENT_USER that installing needs (tests pass a dict-backed one)."""

    def values(self, key: str) -> dict[str, str] | None:
        """The string values of ``key``, or None if the key does not exist."""

    def set_value(self, key: str, name: str, value: str) -> None:
        """Create ``key`` if needed and set its string value ``name``."""


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
                     "hãy cài Python hoặc tdkt_xl vào thư mục có tên không dấu.")


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
    udf_server: bool | None = None,
) -> InstallReport:
    """Install the add-in for the current Windows user.

    * copies ``xlam`` (default: built now from ``macros_dir``) to ``%APPDATA%\\Microsoft\\AddIns``,
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
    notes: list[str] = []
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
    _copy_addin(xlam, macros_dir, target)
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


def _copy_addin(xlam: Path | None, macros_dir: Path | None, target: Path) -> None:
    """Copy ``xlam`` (or one built now from ``macros_dir``) to ``target``."""
    with tempfile.TemporaryDirectory() as tmp:
        built = xlam if xlam is not None else build_addin(Path(tmp) / ADDIN_FILE_NAME, macros_dir)
        try:
            write_atomically(target, built.read_bytes())
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
