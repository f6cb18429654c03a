"""The add-in's text source, the package data folder ``tdkt_xl/excel/addin/macros/``: finding it
(with :mod:`importlib.resources`, so that a per-user or any other pip install finds it inside the
package itself), reading it and checking it (:class:`AddinSource`).

It holds ``*.bas`` VBA modules (ASCII) and ``customUI.xml``, the ribbon (UTF-8, Vietnamese
labels), whose every ``onAction`` must name a public ``Sub X(control As IRibbonControl)``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.excel.addin.vba_project import DOCUMENT_MODULES, VBA_PROJECT_NAME, VbaModule, to_crlf

RIBBON_SOURCE = "customUI.xml"
RIBBON_NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"

#: The package data folder holding the VBA modules and the ribbon (``tdkt_xl/excel/addin/macros``).
MACROS_PACKAGE, MACROS_FOLDER = "tdkt_xl.excel.addin", "macros"
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_VB_NAME = re.compile(r'Attribute VB_Name = "([^"]*)"\Z')
_RIBBON_ARGUMENT = re.compile(r"(ByRef\s+|ByVal\s+)?\w+\s+As\s+(Office\.)?IRibbonControl", re.I)


@dataclass(frozen=True)
class AddinSource:
    """What macros/ holds, checked: the standard modules (by name) and the ribbon XML bytes."""

    modules: tuple[VbaModule, ...]
    ribbon: bytes
    folder: Path

    def callbacks(self) -> list[str]:
        """The ribbon's ``onAction`` values, in document order.

        >>> find_source().callbacks()[0]
        'TDKT.KiemTra'
        """
        return ribbon_callbacks(self.ribbon)


def find_macros_dir(macros_dir: Path | None = None) -> Path:
    """The VBA source folder: ``macros_dir`` if given, else the package's own ``macros/`` (package
    data, found through :mod:`importlib.resources` wherever the package is installed).

    >>> find_macros_dir().name
    'macros'
    """
    if macros_dir is not None:
        if not macros_dir.is_dir():
            raise AddinError(f"Không có thư mục mã VBA {macros_dir}.")
        return macros_dir
    packaged = resources.files(MACROS_PACKAGE).joinpath(MACROS_FOLDER)
    if isinstance(packaged, Path) and (packaged / RIBBON_SOURCE).is_file():
        return packaged
    raise AddinError(f"Không tìm thấy thư mục mã VBA của add-in ({packaged}) trong bộ cài tdkt_xl; "
                     "hãy cài lại tdkt_xl, hoặc chỉ rõ thư mục bằng --macros THƯ_MỤC.")


def ribbon_callbacks(ribbon: bytes) -> list[str]:
    """Every ``onAction`` of a customUI document.

    >>> ribbon_callbacks(b'<customUI xmlns="x"><button id="a" onAction="M.Go"/></customUI>')
    ['M.Go']
    """
    try:
        root = ET.fromstring(ribbon)
    except ET.ParseError as error:
        raise AddinError(f"{RIBBON_SOURCE} không phải XML hợp lệ: {error}.") from error
    return [element.attrib["onAction"] for element in root.iter() if "onAction" in element.attrib]


def _read_module(path: Path) -> VbaModule:
    raw = path.read_bytes()
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.isascii():
            raise AddinError(f"{path.name}, dòng {number}: mã VBA chỉ được dùng ký tự ASCII (không dấu); "
                             f"chữ tiếng Việt hãy đặt trong {RIBBON_SOURCE}.")
    code = to_crlf(raw.decode("ascii"))
    first = code.split("\r\n", 1)[0]
    match = _VB_NAME.match(first)
    if match is None or match.group(1) != path.stem:
        raise AddinError(f'{path.name}: dòng đầu phải là Attribute VB_Name = "{path.stem}".')
    if not _IDENTIFIER.match(path.stem):
        raise AddinError(f"{path.name}: tên module VBA phải bắt đầu bằng chữ cái, chỉ gồm chữ, số, "
                         "dấu gạch dưới và dài tối đa 31 ký tự.")
    return VbaModule(path.stem, code)


def read_source(macros_dir: Path) -> AddinSource:
    """Read and check macros/: ASCII modules named like their files, a well-formed ribbon whose
    every ``onAction`` names a public ``Sub X(control As IRibbonControl)`` of a module.

    >>> [m.name for m in read_source(find_macros_dir()).modules]
    ['TDKT', 'xlwings']
    """
    unsupported = sorted(p.name for p in macros_dir.iterdir() if p.suffix.lower() in {".cls", ".frm", ".frx"})
    if unsupported:
        raise AddinError(f"Chưa hỗ trợ module lớp hoặc UserForm: {', '.join(unsupported)}.")
    files = sorted((p for p in macros_dir.iterdir() if p.suffix.lower() == ".bas"),
                   key=lambda p: p.name.lower())
    if not files:
        raise AddinError(f"Thư mục {macros_dir} không có module VBA (.bas) nào.")
    modules = tuple(_read_module(p) for p in files)
    taken = {VBA_PROJECT_NAME.lower()} | {m.name.lower() for m in DOCUMENT_MODULES}
    for module in modules:
        if module.name.lower() in taken:
            raise AddinError(f"{module.name}.bas: tên module trùng tên dự án hoặc tên module khác.")
        taken.add(module.name.lower())
    ribbon_path = macros_dir / RIBBON_SOURCE
    if not ribbon_path.is_file():
        raise AddinError(f"Thư mục {macros_dir} thiếu tệp ribbon {RIBBON_SOURCE}.")
    ribbon = ribbon_path.read_bytes()
    source = AddinSource(modules, ribbon, macros_dir)
    _check_ribbon(source)
    return source


def _check_ribbon(source: AddinSource) -> None:
    callbacks = source.callbacks()
    if ET.fromstring(source.ribbon).tag != f"{{{RIBBON_NAMESPACE}}}customUI":
        raise AddinError(f'{RIBBON_SOURCE}: phần tử gốc phải là customUI với xmlns="{RIBBON_NAMESPACE}".')
    by_name = {m.name.lower(): m for m in source.modules}
    if not callbacks:
        raise AddinError(f"{RIBBON_SOURCE} không có nút nào (onAction).")
    for callback in callbacks:
        module_name, _, macro = callback.rpartition(".")
        candidates = [by_name[module_name.lower()]] if module_name.lower() in by_name else (
            [] if module_name else list(source.modules))
        found = [m.subs()[macro.lower()] for m in candidates if macro.lower() in m.subs()]
        if not found:
            raise AddinError(f'{RIBBON_SOURCE}: onAction="{callback}" không ứng với Sub nào '
                             "trong các module .bas.")
        if not _RIBBON_ARGUMENT.fullmatch(found[0]):
            raise AddinError(f'{RIBBON_SOURCE}: macro "{callback}" phải có dạng '
                             f"Sub {macro}(control As IRibbonControl).")


def find_source(macros_dir: Path | None = None) -> AddinSource:
    """:func:`read_source` of :func:`find_macros_dir`."""
    return read_source(find_macros_dir(macros_dir))
