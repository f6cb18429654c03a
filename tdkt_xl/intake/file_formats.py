"""Tell a file's real format from its first bytes, to say so in messages.

openpyxl says "File is not a zip file" for an encrypted workbook, an HTML page
and a renamed .xls alike; staff need to be told which it is.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from tdkt_xl.errors import TdktError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")


@dataclass(frozen=True)
class FileFormat:
    """``kind`` is one of xlsx, xlsm, xlsb, xls, ods, fods, encrypted, html, csv, empty, zip,
    unknown, missing, and docx, doc (a unit's report in Word); ``label`` says it in Vietnamese."""

    kind: str
    label: str

    @property
    def is_openxml(self) -> bool:
        return self.kind in ("xlsx", "xlsm")


_LABELS = {
    "xlsx": "sổ Excel .xlsx",
    "xlsm": "sổ Excel có macro .xlsm",
    "xlsb": "sổ Excel nhị phân .xlsb",
    "xls": "sổ Excel 97-2003 .xls",
    "ods": "bảng tính LibreOffice/OpenOffice .ods",
    "fods": "bảng tính OpenDocument dạng XML phẳng .fods",
    "encrypted": "sổ Excel có đặt mật khẩu (đã mã hoá)",
    "html": "trang HTML (không phải tệp Excel)",
    "csv": "tệp văn bản/CSV (không phải tệp Excel)",
    "empty": "tệp rỗng (0 byte)",
    "zip": "tệp nén ZIP không phải sổ Excel, hoặc tệp bị cắt cụt",
    "unknown": "tệp không phải định dạng Excel",
    "missing": "không tìm thấy tệp",
    "docx": "văn bản Word .docx",
    "doc": "văn bản Word 97-2003 .doc",
}


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def is_ods(head: bytes) -> bool:
    """Whether a zip file's first bytes are those of an OpenDocument spreadsheet: its first member
    is ``mimetype``, stored, holding the spreadsheet type.

    >>> is_ods(b"PK\x03\x04" + bytes(26) + b"mimetype" + ODS_MIMETYPE), is_ods(b"PK\x03\x04")
    (True, False)
    """
    return head[30:38] == b"mimetype" and ODS_MIMETYPE in head[38:38 + 64]


def _format(kind: str) -> FileFormat:
    return FileFormat(kind, _LABELS[kind])


def sniff(path: Path) -> FileFormat:
    """The format of the file at ``path``, read from its content, not its name.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"; _ = p.write_text("<html></html>")
    >>> sniff(p).kind
    'html'
    >>> import docx; docx.Document().save(p); sniff(p).label
    'văn bản Word .docx'
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
            if head.startswith(_OLE):
                handle.seek(0)
                body = handle.read(1 << 20)
                if _ENCRYPTED in body:
                    return _format("encrypted")
                return _format("doc" if _WORD_STREAM in body else "xls")
    except FileNotFoundError:
        return _format("missing")
    if not head:
        return _format("empty")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _format(_zip_kind(path, head))
    return _format(_text_kind(head))


def _zip_kind(path: Path, head: bytes) -> str:
    """The kind of a zip file: an Excel workbook (xlsx, xlsm, xlsb), an .ods, or another zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 128:
                mimetype = archive.read("mimetype").strip()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return "ods" if is_ods(head) else "zip"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if is_ods(head) or mimetype == ODS_MIMETYPE:  # "mimetype" first, as the format wants, or not
        return "ods"
    return "zip"


def _text_kind(head: bytes) -> str:
    """The kind of a file that is neither an OLE file nor a zip, from its first bytes: a flat
    OpenDocument spreadsheet (fods), an HTML page, a CSV file, or unknown."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<office:document" in text and b"opendocument.spreadsheet" in text:  # flat XML, not read
        return "fods"
    if text.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in text[:512]:
        return "html"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    if any(sep in decoded for sep in (",", ";", "\t")) and "\x00" not in decoded:
        return "csv"
    return "unknown"


class WorkbookError(TdktError):
    """A workbook that cannot be opened at all; the message is Vietnamese and names the file."""


def is_macro_name(path: Path) -> bool:
    """Whether a file name is the one of a macro-enabled workbook (.xlsm)."""
    return path.suffix.lower() == ".xlsm"


def status_copy_path(source: Path) -> Path:
    """Where the status copy goes by default: ``<name>_trang_thai.xlsx`` beside the plan, .xlsm for
    an .xlsm plan (its macros are kept, and Excel opens a macro workbook only under that name).

    >>> status_copy_path(Path("ke_hoach.xlsm")).name, status_copy_path(Path("ke_hoach.xlsx")).name
    ('ke_hoach_trang_thai.xlsm', 'ke_hoach_trang_thai.xlsx')
    """
    suffix = ".xlsm" if is_macro_name(source) else ".xlsx"
    return source.with_name(f"{source.stem}_trang_thai{suffix}")
