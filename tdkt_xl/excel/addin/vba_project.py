"""The VBA project of the add-in, written from scratch following [MS-OVBA]: the modules
(:class:`VbaModule`), the [MS-OVBA] compression and project data encryption, the ``VBA/dir``,
``PROJECT`` and ``PROJECTwm`` streams and :func:`build_vba_project`, which packs them into the
``vbaProject.bin`` compound file.

Modules carry source only (MODULEOFFSET 0, no p-code) and there is no performance cache (a
7-byte ``VBA/_VBA_PROJECT`` stream whose version is 0xFFFF), so Excel compiles the project from
the source when it opens it.
"""

from __future__ import annotations

import re
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tdkt_xl.excel.addin.compound_file import Storage, Stream, write_compound_file
from tdkt_xl.excel.addin.errors import AddinError

VBA_PROJECT_NAME = "tdkt_xl"
CODE_PAGE = 1252
#: The Python codec of :data:`CODE_PAGE`: names and source in the VBA project are in it.
CODE_PAGE_ENCODING = "cp1252"

# ---------------------------------------------------------------------------------------------
# The modules
# ---------------------------------------------------------------------------------------------

_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_SUB = re.compile(r"^[ \t]*(Public[ \t]+|Private[ \t]+)?Sub[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.I | re.M)


def to_crlf(text: str) -> str:
    """``text`` with every line ended by CRLF, as VBA source is stored (no empty last line added).

    >>> to_crlf("a\\nb\\r\\n")
    'a\\r\\nb\\r\\n'
    """
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
        return cls(name, to_crlf(f'Attribute VB_Name = "{name}"\n{body}'))

    @classmethod
    def document(cls, name: str, base: str) -> VbaModule:
        """An empty document module (the workbook's or a sheet's), as Excel writes it."""
        header = (f'Attribute VB_Name = "{name}"\nAttribute VB_Base = "{base}"\n'
                  "Attribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n"
                  "Attribute VB_PredeclaredId = True\nAttribute VB_Exposed = True\n"
                  "Attribute VB_TemplateDerived = False\nAttribute VB_Customizable = True\n")
        return cls(name, to_crlf(header), "document")

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
    key = sum(project_id.encode(CODE_PAGE_ENCODING)) & 0xFF
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
    return text.encode(CODE_PAGE_ENCODING)


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
