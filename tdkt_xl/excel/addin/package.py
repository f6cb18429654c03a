"""The add-in package ``tdkt_xl.xlam``: its parts (content types, relationships, the workbook
with its one sheet, the ribbon as ``customUI/customUI14.xml``, ``xl/vbaProject.bin``) and
:func:`build_addin`, which zips them byte-for-byte deterministically and writes the file
atomically.

The ribbon is related from ``_rels/.rels``; the workbook has the add-in content type and the
``ThisWorkbook``/``Sheet1`` document modules its code names point at.

The add-in's one sheet is ``tdkt_xl.conf``: xlwings' RunPython reads settings from a sheet of
that name in the add-in (column A the key, B the value) before any config file. Every build
carries :data:`ADDIN_SETTINGS`; ``addin install`` adds the interpreter and PYTHONPATH
(:func:`with_settings`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from tdkt_xl.atomic import atomic_path
from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.excel.addin.source import AddinSource, find_source
from tdkt_xl.excel.addin.vba_project import DOCUMENT_MODULES, build_vba_project
from tdkt_xl.plans.text import os_error_reason

ADDIN_FILE_NAME = "tdkt_xl.xlam"
#: The sheet RunPython reads settings from (``PROJECT_NAME & ".conf"`` in xlwings.bas).
SETTINGS_SHEET = "tdkt_xl.conf"
SHEET_PART = "xl/worksheets/sheet1.xml"
#: Settings every build carries. A plan on OneDrive/SharePoint has a URL for its folder, which
#: xlwings cannot put on sys.path (it stops in English before the handler runs); the handlers
#: need nothing from the plan's folder on sys.path.
ADDIN_SETTINGS: tuple[tuple[str, str], ...] = (("ADD_WORKBOOK_TO_PYTHONPATH", "false"),)
RIBBON_PART = "customUI/customUI14.xml"
RIBBON_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OOXML = "application/vnd.openxmlformats-officedocument"

_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="bin" ContentType="{VBA_CONTENT_TYPE}"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{ADDIN_CONTENT_TYPE}"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOXML}.spreadsheetml.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OOXML}.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{_OOXML}.extended-properties+xml"/>'
    "</Types>")
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    f'<Relationship Id="rId4" Type="{RIBBON_RELATIONSHIP}" Target="{RIBBON_PART}"/>'
    "</Relationships>")
_WORKBOOK = (
    _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="30228"/>'
    '<workbookPr codeName="ThisWorkbook"/>'
    '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="16000" windowHeight="9000"/></bookViews>'
    f'<sheets><sheet name="{SETTINGS_SHEET}" sheetId="1" r:id="rId1"/></sheets>'
    '<calcPr calcId="191029"/></workbook>')
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
    'Target="vbaProject.bin"/></Relationships>')


def settings_sheet(settings: Sequence[tuple[str, str]]) -> bytes:
    """The settings sheet's XML: one row per (key, value), inline strings in columns A and B.

    >>> b'<c r="A1" t="inlineStr"><is><t>K</t></is></c>' in settings_sheet([("K", "V")])
    True
    """
    rows = "".join(
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
        f'<c r="B{number}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c></row>'
        for number, (key, value) in enumerate(settings, start=1))
    size = f"A1:B{len(settings)}" if settings else "A1"
    return (_XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr codeName="Sheet1"/>'
            f'<dimension ref="{size}"/>'
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            '<cols><col min="1" max="2" width="40" customWidth="1"/></cols>'
            f'<sheetData>{rows}</sheetData>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            "</worksheet>").encode()
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/></styleSheet>')
#: Title and Comments are what Excel's Add-ins dialog shows for the add-in.
_CORE = (
    _XML + "<cp:coreProperties "
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>TĐKT – Thi đua, khen thưởng</dc:title>"
    "<dc:description>Thẻ TĐKT trên ribbon: kiểm tra kế hoạch, cập nhật trạng thái, tạo mẫu báo cáo, "
    "tổng hợp, đôn đốc (thư viện tdkt_xl qua xlwings).</dc:description>"
    "<dc:creator>tdkt_xl</dc:creator></cp:coreProperties>")
_APP = (
    _XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><AppVersion>16.0300</AppVersion>"
    "</Properties>")


def addin_parts(source: AddinSource) -> list[tuple[str, bytes]]:
    """The parts of the add-in package, in the order they are zipped.

    >>> [name for name, _ in addin_parts(find_source())][:2]
    ['[Content_Types].xml', '_rels/.rels']
    """
    modules = [*DOCUMENT_MODULES, *source.modules]
    return [
        ("[Content_Types].xml", _CONTENT_TYPES.encode()),
        ("_rels/.rels", _ROOT_RELS.encode()),
        ("docProps/app.xml", _APP.encode()),
        ("docProps/core.xml", _CORE.encode()),
        (RIBBON_PART, source.ribbon),
        ("xl/workbook.xml", _WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
        (SHEET_PART, settings_sheet(ADDIN_SETTINGS)),
        ("xl/styles.xml", _STYLES.encode()),
        ("xl/vbaProject.bin", build_vba_project(modules)),
    ]


def _zip(parts: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def with_settings(xlam: bytes, settings: Sequence[tuple[str, str]]) -> bytes:
    """The add-in package ``xlam`` with its settings sheet holding ``settings`` and named
    :data:`SETTINGS_SHEET` (an add-in built before the sheet had that name gets it); every
    other part keeps its order and bytes.

    >>> from tdkt_xl.excel.addin.source import find_source
    >>> xlam = _zip(addin_parts(find_source()))
    >>> with_settings(xlam, ADDIN_SETTINGS) == xlam
    True
    """
    with zipfile.ZipFile(io.BytesIO(xlam)) as archive:
        parts = [(name, archive.read(name)) for name in archive.namelist()]
    if SHEET_PART not in dict(parts):
        raise AddinError(f"Tệp add-in không có phần {SHEET_PART}: không phải add-in do tdkt_xl dựng.")
    replaced = {SHEET_PART: settings_sheet(settings), "xl/workbook.xml": _WORKBOOK.encode()}
    return _zip([(name, replaced.get(name, data)) for name, data in parts])


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` whole or not at all, making its folder if needed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as temporary:  # (with the mode a new file gets: others can copy it)
        temporary.write_bytes(data)


def build_addin(out: Path, macros_dir: Path | None = None) -> Path:
    """Build the add-in from ``macros_dir`` (default: :func:`find_macros_dir`) into ``out``.

    Same source, same bytes; the file appears whole or not at all.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     first = build_addin(Path(tmp) / "a.xlam").read_bytes()
    ...     first == build_addin(Path(tmp) / "b.xlam").read_bytes()
    True
    """
    source = find_source(macros_dir)
    try:
        write_atomically(out, _zip(addin_parts(source)))
    except OSError as error:
        raise AddinError(f"Không ghi được {out}: {os_error_reason(error)}.") from error
    return out
