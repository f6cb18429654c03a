"""The "TĐKT" Excel add-in: build ``tdkt_xl.xlam`` from text source, without Excel, and install it.

The source is the top-level ``macros/`` folder of the repository: ``*.bas`` VBA modules
(ASCII) and ``customUI.xml``, the ribbon (UTF-8, Vietnamese labels). :func:`build_addin`
turns them into an add-in package:

* ``xl/vbaProject.bin`` is written here from scratch, following [MS-OVBA] and [MS-CFB]:
  a compound file holding the ``PROJECT``, ``PROJECTwm`` and ``VBA/dir`` streams, one
  compressed source stream per module and a 7-byte ``VBA/_VBA_PROJECT`` stream whose
  version is 0xFFFF. Modules carry source only (MODULEOFFSET 0, no p-code) and there is no
  performance cache, so Excel compiles the project from the source when it opens it.
  xlwings ships its own add-ins in that shape: ``xlwings/addin/xlwings.xlam`` and the
  quickstart templates carry the same 7-byte ``_VBA_PROJECT`` and source-only modules.
* The ribbon goes to ``customUI/customUI14.xml``, related from ``_rels/.rels``; the workbook
  has the add-in content type and the ``ThisWorkbook``/``Sheet1`` document modules its
  code names point at. Output is byte-for-byte deterministic and written atomically.

RunPython itself is ``macros/xlwings.bas``, xlwings' open-source (BSD) standalone module for
custom add-ins, vendored with ``PROJECT_NAME = "tdkt_xl"``: it reads its settings from a
``tdkt_xl.conf`` sheet or from ``%USERPROFILE%\\.tdkt_xl\\tdkt_xl.conf``, which
:func:`install_addin` writes (interpreter and PYTHONPATH) when it installs the add-in for the
current Windows user.

>>> import zipfile, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = build_addin(Path(tmp) / "tdkt_xl.xlam")
...     "customUI/customUI14.xml" in zipfile.ZipFile(path).namelist()
True
"""

from __future__ import annotations

import io
import os
import re
import site
import struct
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from tdkt_xl.atomic import atomic_path

ADDIN_FILE_NAME = "tdkt_xl.xlam"
VBA_PROJECT_NAME = "tdkt_xl"
#: PROJECT_NAME in macros/xlwings.bas: names the config sheet and the user config file.
CONFIG_NAME = "tdkt_xl"
RIBBON_SOURCE = "customUI.xml"
RIBBON_PART = "customUI/customUI14.xml"
RIBBON_NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"
RIBBON_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
#: Excel versions whose HKCU ...\\Excel\\Options key gets the OPEN value (16.0 = 2016 … 365).
OFFICE_VERSIONS = ("16.0", "15.0", "14.0")

CODE_PAGE = 1252
_ENCODING = "cp1252"
_REPO_MACROS = Path(__file__).resolve().parents[2] / "macros"
_SHARED_MACROS = Path(sys.prefix) / "share" / "tdkt_xl" / "macros"


class AddinError(Exception):
    """Building or installing the add-in failed; the message is for the user (Vietnamese)."""


# ---------------------------------------------------------------------------------------------
# Source: macros/
# ---------------------------------------------------------------------------------------------

_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_VB_NAME = re.compile(r'Attribute VB_Name = "([^"]*)"\Z')
_SUB = re.compile(r"^[ \t]*(Public[ \t]+|Private[ \t]+)?Sub[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.I | re.M)
_RIBBON_ARGUMENT = re.compile(r"(ByRef\s+|ByVal\s+)?\w+\s+As\s+(Office\.)?IRibbonControl", re.I)


def _crlf(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(f"{line}\r\n" for line in lines)


@dataclass(frozen=True)
class VbaModule:
    """One VBA module: its name, its source (CRLF line ends, ``Attribute VB_Name`` first) and kind.

    >>> module = VbaModule.standard("Tools", "Sub Hi()\\nEnd Sub\\n")
    >>> module.code.splitlines()[0], module.kind
    ('Attribute VB_Name = "Tools"', 'standard')
    """

    name: str
    code: str
    kind: Literal["standard", "document"] = "standard"

    @classmethod
    def standard(cls, name: str, body: str) -> VbaModule:
        """A standard module from a body without the ``Attribute VB_Name`` line."""
        return cls(name, _crlf(f'Attribute VB_Name = "{name}"\n{body}'))

    @classmethod
    def document(cls, name: str, base: str) -> VbaModule:
        """An empty document module (the workbook's or a sheet's), as Excel writes it."""
        header = (f'Attribute VB_Name = "{name}"\nAttribute VB_Base = "{base}"\n'
                  "Attribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n"
                  "Attribute VB_PredeclaredId = True\nAttribute VB_Exposed = True\n"
                  "Attribute VB_TemplateDerived = False\nAttribute VB_Customizable = True\n")
        return cls(name, _crlf(header), "document")

    def subs(self) -> dict[str, str]:
        """Public ``Sub`` names (lower case) mapped to their parameter lists.

        >>> VbaModule.standard("M", "Sub A(x As Long)\\nEnd Sub\\nPrivate Sub B()\\nEnd Sub\\n").subs()
        {'a': 'x As Long'}
        """
        return {m.group(2).lower(): m.group(3).strip() for m in _SUB.finditer(self.code)
                if (m.group(1) or "").strip().lower() != "private"}


#: The document modules of the add-in workbook: its code name and its one sheet's.
DOCUMENT_MODULES = (VbaModule.document("ThisWorkbook", _WORKBOOK_BASE),
                    VbaModule.document("Sheet1", _SHEET_BASE))


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
    """The VBA source folder: ``macros_dir`` if given, else ``macros/`` of the checkout, else
    ``<sys.prefix>/share/tdkt_xl/macros`` (where an installed wheel puts it).

    >>> find_macros_dir().name
    'macros'
    """
    if macros_dir is not None:
        if not macros_dir.is_dir():
            raise AddinError(f"Không có thư mục mã VBA {macros_dir}.")
        return macros_dir
    for candidate in (_REPO_MACROS, _SHARED_MACROS):
        if (candidate / RIBBON_SOURCE).is_file():
            return candidate
    raise AddinError(f"Không tìm thấy thư mục macros/ (đã tìm {_REPO_MACROS} và {_SHARED_MACROS}); "
                     "hãy chỉ rõ bằng --macros THƯ_MỤC.")


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
    code = _crlf(raw.decode("ascii"))
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


# ---------------------------------------------------------------------------------------------
# [MS-OVBA] compression and project data encryption
# ---------------------------------------------------------------------------------------------

_CHUNK = 4096


def _compress_chunk(chunk: bytes) -> bytes:
    """Token sequences of one chunk ([MS-OVBA] 2.4.1.3.7), longest match first, nearest on ties."""
    size = len(chunk)
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    position = 0
    while position < size:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if position >= size:
                break
            best_length, best_at = 0, 0
            if position + 3 <= size:
                limit = size - position
                for candidate in reversed(seen.get(chunk[position:position + 3], ())):
                    length = 3
                    while length < limit and chunk[candidate + length] == chunk[position + length]:
                        length += 1
                    if length > best_length:
                        best_length, best_at = length, candidate
                        if length == limit:
                            break
            if best_length >= 3:
                bit_count = max((position - 1).bit_length(), 4)
                length = min(best_length, (0xFFFF >> bit_count) + 3)
                token = ((position - best_at - 1) << (16 - bit_count)) | (length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
            else:
                length = 1
                out.append(chunk[position])
            for at in range(position, position + length):
                if at + 3 <= size:
                    seen.setdefault(chunk[at:at + 3], []).append(at)
            position += length
        out[flag_at] = flags
    return bytes(out)


def ovba_compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] 2.4.1 CompressedContainer (signature byte, then
    one chunk per 4096 bytes: a header and flag bytes with literals or copy tokens).

    >>> ovba_compress(b"abcabcabcabc").hex()
    '0105b0086162630620'
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        tokens = _compress_chunk(chunk)
        if len(tokens) > _CHUNK:
            if len(chunk) < _CHUNK:
                raise AddinError("Không nén được mã VBA (khối cuối không nén được).")
            out += struct.pack("<H", 0x3000 | (_CHUNK + 2 - 3)) + chunk
        else:
            out += struct.pack("<H", 0xB000 | (len(tokens) + 2 - 3)) + tokens
    return bytes(out)


def encrypt_project_data(project_id: str, data: bytes, seed: int) -> str:
    """[MS-OVBA] 2.4.3.2 data encryption (the CMG, DPB and GC values of the PROJECT stream).

    The key is the byte sum of the project ID; ``seed`` makes the output deterministic.

    >>> encrypt_project_data("{318BEE36-5BE1-492A-826D-473DB19B0F30}", b"\\xff", 0x5D)[:6]
    '5D5F8A'
    """
    key = sum(project_id.encode(_ENCODING)) & 0xFF
    version_enc, key_enc = seed ^ 2, seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    plain_prev, enc_prev, enc_prev2 = key, key_enc, version_enc
    ignored = bytes([7] * ((seed & 6) // 2))
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((enc_prev2 + plain_prev) & 0xFF)
        out.append(enc)
        enc_prev2, enc_prev, plain_prev = enc_prev, enc, byte
    return out.hex().upper()


# ---------------------------------------------------------------------------------------------
# The VBA project streams
# ---------------------------------------------------------------------------------------------

_STDOLE = (r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
           "#OLE Automation")
_OFFICE = (r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
           r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library")
#: References as Excel writes them for a new workbook (VBA and Excel themselves are implicit);
#: Office is needed for IRibbonControl. The paths are hints: VBA resolves the GUIDs.
REFERENCES = (("stdole", _STDOLE), ("Office", _OFFICE))
#: _VBA_PROJECT with version 0xFFFF and no performance cache: Excel compiles from source.
VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _mbcs(text: str) -> bytes:
    return text.encode(_ENCODING)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _dir_stream(project_name: str, modules: Sequence[VbaModule]) -> bytes:
    """The decompressed ``VBA/dir`` stream ([MS-OVBA] 2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # SysKind: 32-bit Windows
    out += _record(0x0002, struct.pack("<I", 0x0409))  # LCID
    out += _record(0x0014, struct.pack("<I", 0x0409))  # LCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))
    out += _record(0x0004, _mbcs(project_name))
    out += _record(0x0005, b"") + _record(0x0040, b"")  # doc string, unicode
    out += _record(0x0006, b"") + _record(0x003D, b"")  # help file 1 and 2
    out += _record(0x0007, struct.pack("<I", 0))  # help context
    out += _record(0x0008, struct.pack("<I", 0))  # lib flags
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # version: reserved=4, major, minor
    out += _record(0x000C, b"") + _record(0x003C, b"")  # constants, unicode
    for name, libid in REFERENCES:
        out += _record(0x0016, _mbcs(name)) + _record(0x003E, _utf16(name))
        encoded = _mbcs(libid)
        out += _record(0x000D, struct.pack("<I", len(encoded)) + encoded + struct.pack("<IH", 0, 0))
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # project cookie
    for module in modules:
        out += _record(0x0019, _mbcs(module.name)) + _record(0x0047, _utf16(module.name))
        out += _record(0x001A, _mbcs(module.name)) + _record(0x0032, _utf16(module.name))
        out += _record(0x001C, b"") + _record(0x0048, b"")  # doc string, unicode
        out += _record(0x0031, struct.pack("<I", 0))  # offset of the source: no p-code
        out += _record(0x001E, struct.pack("<I", 0))  # help context
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # module cookie
        out += _record(0x0021 if module.kind == "standard" else 0x0022, b"")
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # end of dir
    return bytes(out)


def _project_stream(project_name: str, project_id: str, modules: Sequence[VbaModule]) -> bytes:
    """The ``PROJECT`` stream ([MS-OVBA] 2.3.1): unprotected, no password, visible."""
    protection = encrypt_project_data(project_id, bytes(4), 0x5D)
    password = encrypt_project_data(project_id, bytes(1), 0x5D)
    visibility = encrypt_project_data(project_id, bytes([0xFF]), 0x5D)
    lines = [f'ID="{project_id}"']
    lines += [f"Document={m.name}/&H00000000" if m.kind == "document" else f"Module={m.name}"
              for m in modules]
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{protection}"', f'DPB="{password}"', f'GC="{visibility}"',
              "", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _mbcs("".join(f"{line}\r\n" for line in lines) + "\r\n")


def _project_wm_stream(modules: Sequence[VbaModule]) -> bytes:
    return b"".join(_mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0" for m in modules) + b"\0\0"


def build_vba_project(modules: Sequence[VbaModule], project_name: str = VBA_PROJECT_NAME) -> bytes:
    """The ``vbaProject.bin`` compound file holding ``modules`` (document modules first).

    >>> data = build_vba_project([*DOCUMENT_MODULES, VbaModule.standard("M", "Sub A()\\nEnd Sub\\n")])
    >>> data[:8].hex(), len(data) % 512
    ('d0cf11e0a1b11ae1', 0)
    """
    project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"tdkt_xl:{project_name}")).upper() + "}"
    vba = Storage("VBA", [
        Stream("_VBA_PROJECT", VBA_PROJECT_STREAM),
        Stream("dir", ovba_compress(_dir_stream(project_name, modules))),
        *(Stream(m.name, ovba_compress(_mbcs(m.code))) for m in modules),
    ])
    root = Storage("Root Entry", [
        Stream("PROJECT", _project_stream(project_name, project_id, modules)),
        Stream("PROJECTwm", _project_wm_stream(modules)),
        vba,
    ])
    return write_compound_file(root)


# ---------------------------------------------------------------------------------------------
# [MS-CFB] compound file writer (version 3, 512-byte sectors)
# ---------------------------------------------------------------------------------------------

_SECTOR = 512
_MINI = 64
_MINI_CUTOFF = 4096
_FREESECT, _ENDOFCHAIN, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_RED, _BLACK = 0, 1


@dataclass
class Stream:
    """A stream of a compound file."""

    name: str
    data: bytes


@dataclass
class Storage:
    """A storage (folder) of a compound file; the root storage is named ``Root Entry``."""

    name: str
    children: list[Stream | Storage] = field(default_factory=list)


@dataclass
class _Entry:
    node: Stream | Storage
    kind: int
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN
    size: int = 0


def _cfb_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4 order of sibling names: shorter first, then by upper-case code points."""
    return len(name.encode("utf-16-le")), name.upper()


def _sibling_tree(ids: list[int], entries: list[_Entry]) -> int:
    """Link sorted sibling ``ids`` as a balanced binary search tree colored red-black."""
    ordered = sorted(ids, key=lambda i: _cfb_key(entries[i].node.name))
    depth_of: dict[int, int] = {}

    def link(low: int, high: int, depth: int) -> int:
        if low > high:
            return _NOSTREAM
        middle = (low + high + 1) // 2
        node = ordered[middle]
        depth_of[node] = depth
        entries[node].left = link(low, middle - 1, depth + 1)
        entries[node].right = link(middle + 1, high, depth + 1)
        return node

    root = link(0, len(ordered) - 1, 0)
    deepest = max(depth_of.values(), default=0)
    perfect = len(ordered) == (1 << (deepest + 1)) - 1
    for node, depth in depth_of.items():
        entries[node].color = _RED if depth == deepest and not perfect else _BLACK
    return root


def _chain(fat: list[int], start: int, count: int) -> None:
    for index in range(count):
        fat[start + index] = start + index + 1 if index < count - 1 else _ENDOFCHAIN


def write_compound_file(root: Storage) -> bytes:
    """Serialize ``root`` as an [MS-CFB] version 3 compound file, deterministically.

    Streams under 4096 bytes live in the mini stream; every storage's children form a
    red-black tree in the order the specification requires; times and CLSIDs are zero.

    >>> data = write_compound_file(Storage("Root Entry", [Stream("A", b"x" * 5000)]))
    >>> len(data)
    6656
    """
    entries: list[_Entry] = []

    def add(node: Stream | Storage) -> int:
        index = len(entries)
        entries.append(_Entry(node, 5 if index == 0 else (1 if isinstance(node, Storage) else 2)))
        if isinstance(node, Storage):
            if len({_cfb_key(c.name) for c in node.children}) != len(node.children):
                raise AddinError(f"Trùng tên trong storage {node.name}.")
            children = [add(child) for child in node.children]
            entries[index].child = _sibling_tree(children, entries) if children else _NOSTREAM
        return index

    add(root)
    for entry in entries:
        if len(entry.node.name) > 31:
            raise AddinError(f"Tên stream quá dài: {entry.node.name}.")

    mini = bytearray()
    mini_fat: list[int] = []
    big: list[tuple[_Entry, bytes]] = []
    for entry in entries:
        if not isinstance(entry.node, Stream):
            continue
        data = entry.node.data
        entry.size = len(data)
        if not data:
            continue
        if len(data) < _MINI_CUTOFF:
            first, count = len(mini_fat), -(-len(data) // _MINI)
            mini_fat += [first + i + 1 for i in range(count - 1)] + [_ENDOFCHAIN]
            entry.start = first
            mini += data + bytes(count * _MINI - len(data))
        else:
            big.append((entry, data))

    def sectors(size: int) -> int:
        return -(-size // _SECTOR)

    dir_sectors = sectors(len(entries) * 128)
    mini_fat_sectors = sectors(len(mini_fat) * 4)
    mini_stream_sectors = sectors(len(mini))
    data_sectors = sum(sectors(len(d)) for _, d in big)
    fat_sectors = 1
    while True:
        total = fat_sectors + dir_sectors + mini_fat_sectors + mini_stream_sectors + data_sectors
        if sectors(total * 4) <= fat_sectors:
            break
        fat_sectors += 1
    if fat_sectors > 109:
        raise AddinError("Dự án VBA quá lớn cho tệp add-in.")

    fat = [_FREESECT] * (fat_sectors * _SECTOR // 4)
    fat[:fat_sectors] = [_FATSECT] * fat_sectors
    next_sector = fat_sectors
    dir_start = next_sector
    _chain(fat, next_sector, dir_sectors)
    next_sector += dir_sectors
    mini_fat_start = next_sector if mini_fat_sectors else _ENDOFCHAIN
    _chain(fat, next_sector, mini_fat_sectors)
    next_sector += mini_fat_sectors
    if mini:
        entries[0].start, entries[0].size = next_sector, len(mini)
        _chain(fat, next_sector, mini_stream_sectors)
        next_sector += mini_stream_sectors
    body = bytearray()
    for entry, data in big:
        entry.start = next_sector
        count = sectors(len(data))
        _chain(fat, next_sector, count)
        next_sector += count
        body += data + bytes(count * _SECTOR - len(data))

    directory = bytearray()
    for entry in entries:
        name = _utf16(entry.node.name)
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name) + 2, entry.kind, entry.color,
                                 entry.left, entry.right, entry.child, bytes(16), 0, 0, 0,
                                 entry.start if entry.kind != 1 else 0, entry.size)
    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM,
                        bytes(16), 0, 0, 0, 0, 0)
    while len(directory) % _SECTOR:
        directory += empty

    difat = list(range(fat_sectors)) + [_FREESECT] * (109 - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), bytes(16),
                         0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6), 0, fat_sectors, dir_start, 0,
                         _MINI_CUTOFF, mini_fat_start, mini_fat_sectors, _ENDOFCHAIN, 0)
    header += struct.pack("<109I", *difat)
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_bytes += b"\xff" * (mini_fat_sectors * _SECTOR - len(mini_fat_bytes))
    mini_bytes = bytes(mini) + bytes(mini_stream_sectors * _SECTOR - len(mini))
    out = header + struct.pack(f"<{len(fat)}I", *fat) + bytes(directory) + mini_fat_bytes + mini_bytes + body
    assert len(out) == _SECTOR * (1 + next_sector)
    return out


# ---------------------------------------------------------------------------------------------
# The add-in package
# ---------------------------------------------------------------------------------------------

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
    '<sheets><sheet name="TĐKT" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/></workbook>')
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
    'Target="vbaProject.bin"/></Relationships>')
_SHEET = (
    _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr codeName="Sheet1"/><dimension ref="A1"/>'
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/><sheetData/>'
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
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
        ("xl/worksheets/sheet1.xml", _SHEET.encode()),
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


def _write_atomically(target: Path, data: bytes) -> None:
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
        _write_atomically(out, _zip(addin_parts(source)))
    except OSError as error:
        raise AddinError(f"Không ghi được {out}: {error}.") from error
    return out


# ---------------------------------------------------------------------------------------------
# Install for the current Windows user
# ---------------------------------------------------------------------------------------------

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

    >>> default_pythonpath() in (None, Path(__file__).resolve().parents[2])
    True
    """
    parent = Path(__file__).resolve().parents[2]
    site_dirs = [*site.getsitepackages(), site.getusersitepackages()]
    if any(Path(d).resolve() == parent for d in site_dirs if d):
        return None
    return parent


def _ansi_encoding() -> str:
    """VBA reads the config file in the ANSI code page (``mbcs``); elsewhere simulate cp1252."""
    return "mbcs" if sys.platform == "win32" else _ENCODING


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
      (16.0 if none is), which is what ticking it in Excel's Add-ins dialog does.

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
    on_windows = sys.platform == "win32"
    if not on_windows and (target_dir is None or config_file is None):
        raise AddinError(_WINDOWS_ONLY)
    notes: list[str] = []
    if target_dir is None:
        microsoft = _appdata() / "Microsoft"
        target_dir, other = (microsoft / "Excel" / "XLSTART", microsoft / "AddIns") if xlstart else (
            microsoft / "AddIns", microsoft / "Excel" / "XLSTART")
        if (other / ADDIN_FILE_NAME).is_file():
            notes.append(f"Lưu ý: đã có một bản add-in ở {other / ADDIN_FILE_NAME}; hãy xoá bản đó để Excel "
                         "không mở add-in hai lần.")
    if config_file is None:
        config_file = _userprofile() / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"
    target = target_dir / ADDIN_FILE_NAME
    encoding = _ansi_encoding()
    python = _ansi_safe(str(interpreter or default_interpreter()), encoding)
    extra = default_pythonpath() if pythonpath == "auto" else pythonpath
    extra_text = _ansi_safe(str(extra), encoding) if extra is not None else None
    settings = merge_config(read_config(config_file, encoding), python, extra_text)

    entries: list[tuple[str, str, str]] = []
    if register and not xlstart:
        if registry is None and on_windows:
            registry = WindowsRegistry()
        if registry is None:
            notes.append("Không đăng ký với Excel (không có registry trên máy này).")
        else:
            entries = _registry_entries(registry, target)

    report = InstallReport(target, config_file, {k: v for k, v in settings if k.upper() in
                                                 {"INTERPRETER_WIN", "PYTHONPATH"}}, entries, dry_run, notes)
    if dry_run:
        return report
    with tempfile.TemporaryDirectory() as tmp:
        built = xlam if xlam is not None else build_addin(Path(tmp) / ADDIN_FILE_NAME, macros_dir)
        try:
            _write_atomically(target, built.read_bytes())
        except OSError as error:
            raise AddinError(f"Không chép được add-in vào {target}: {error}. Nếu Excel đang mở, hãy đóng "
                             "Excel rồi chạy lại.") from error
    text = "".join(f'"{key}","{value}"\r\n' for key, value in settings)
    try:
        _write_atomically(config_file, text.encode(encoding))
    except OSError as error:
        raise AddinError(f"Không ghi được tệp cấu hình {config_file}: {error}.") from error
    if registry is not None:
        for key, name, value in entries:
            registry.set_value(key, name, value)
    return report


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
