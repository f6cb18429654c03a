"""The checks of a Word document (.docx) before any XML parser sees it: what a file that is no
.docx really is (an old .doc, a password-protected document, an .xlsx, an RTF or HTML file
given the name .docx), the zip directory (members, sizes, ratio: the same checks as a workbook's),
and the few parts the reader needs (the main document, its styles and numbering), each read from
where the zip directory points, never beyond its declared size or :data:`MAX_PART_BYTES`, and
refused if it declares a DOCTYPE or an ENTITY (so the parser never expands one).

Messages speak of Word, not Excel; the codes are the registry's (``zip-bomb``, ``xml-entities``…
as for a workbook, and the Word ones: ``legacy-doc``, ``encrypted-word``,
``not-a-word-document``, ``oversized-word-document``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tdkt_xl.errors import Code
from tdkt_xl.intake.file_formats import sniff
from tdkt_xl.intake.safety.limits_and_rejections import (
    DO_NOT_OPEN_ADVICE,
    MB,
    RESAVE_ADVICE,
    Limits,
    RejectedFile,
    Rejection,
    empty_file,
    megabytes,
    missing_file,
    rejected_file,
    thousands,
)
from tdkt_xl.intake.safety.xlsx_part_scan import PartScan
from tdkt_xl.intake.safety.zip_container import (
    IN_MEMORY,
    ZIP_MAGIC,
    check_directory,
    declared_entries,
    member_chunks,
)

MAX_PART_BYTES = 32 * MB  # one XML part of a unit's narrative report (a 300-page report is ~5 MB)
MAIN_PART = "word/document.xml"
STYLES_PART = "word/styles.xml"
NUMBERING_PART = "word/numbering.xml"
_OFFICE_DOCUMENT = re.compile(
    rb"<Relationship\b[^>]*?Type\s*=\s*[\"'][^\"']*/officeDocument[\"'][^>]*?>", re.IGNORECASE)
_TARGET = re.compile(rb"\bTarget\s*=\s*[\"']([^\"']+)[\"']")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_DO_NOT_OPEN = "Không nên mở tệp này; đề nghị đơn vị gửi lại văn bản được lưu trực tiếp từ Word (.docx)"
_RESAVE = "Mở tệp bằng Word, lưu thành tệp mới (Lưu thành > Word Document .docx) rồi gửi lại"
_RESEND = "Đề nghị đơn vị gửi lại đúng văn bản báo cáo dạng .docx"


@dataclass(frozen=True)
class WordParts:
    """The XML parts of a .docx the reader needs, checked: ``document`` (the main part),
    ``styles`` and ``numbering`` (empty when the file has none)."""

    document: bytes
    styles: bytes = b""
    numbering: bytes = b""
    main_part: str = MAIN_PART


def _not_a_word_document(reason: str) -> RejectedFile:
    return rejected_file(Code.NOT_A_WORD_DOCUMENT, reason)


def _ole_kind(handle: BinaryIO) -> str:
    """An OLE (compound) file: "encrypted" (an encrypted .docx), "doc" (Word 97-2003) or "other"."""
    handle.seek(0)
    body = handle.read(8 * MB)
    if _ENCRYPTED_STREAM in body:
        return "encrypted"
    return "doc" if _WORD_STREAM in body else "other"


def not_a_docx(path: Path, handle: BinaryIO) -> RejectedFile:
    """The rejection of a file named .docx that is not a zip: what it really is, and what to do.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "bao_cao.docx"; _ = p.write_bytes(b"{\\\\rtf1\\\\ansi Hello}")
    >>> with p.open("rb") as handle:
    ...     print(not_a_docx(p, handle).rejection.code)
    not-a-word-document
    """
    handle.seek(0)
    head = handle.read(512)
    kind = sniff(path).kind
    if kind in ("xls", "doc", "encrypted"):
        ole = _ole_kind(handle)
        if ole == "encrypted":
            return rejected_file(Code.ENCRYPTED_WORD, (
                "Văn bản Word có đặt mật khẩu mở tệp (nội dung đã mã hoá) nên không đọc được. Đề nghị "
                "đơn vị gỡ mật khẩu (Tệp > Thông tin > Bảo vệ tài liệu > Mã hoá bằng mật khẩu, xoá "
                "mật khẩu, Lưu) rồi gửi lại."))
        if ole == "doc":
            return rejected_file(Code.LEGACY_DOC, (
                "Tệp là văn bản Word 97-2003 (.doc), dạng chương trình không đọc. Mở tệp bằng Word, "
                "chọn Lưu thành > Word Document (.docx) rồi gửi lại tệp .docx."))
        return _not_a_word_document(
            f"Tệp là tệp Office cũ (Excel/PowerPoint 97-2003), không phải văn bản Word .docx. {_RESEND}.")
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
        return _not_a_word_document(
            "Tệp là văn bản RTF được đặt đuôi .docx. Mở tệp bằng Word, chọn Lưu thành > Word Document "
            "(.docx) rồi gửi lại.")
    if kind == "html":
        return _not_a_word_document(
            "Tệp là trang HTML/XML (có thể do Word lưu dạng trang web hoặc tải từ phần mềm về) được đặt "
            "đuôi .docx. Mở tệp bằng Word, chọn Lưu thành > Word Document (.docx) rồi gửi lại.")
    return _not_a_word_document(f"Tệp không phải văn bản Word .docx (không nhận ra nội dung). {_RESEND}.")


def _zip_without_document(names: set[str], mimetype: bytes) -> RejectedFile:
    """A zip that holds no Word document: say what it holds instead."""
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return _not_a_word_document(
            "Tệp là sổ Excel được đặt đuôi .docx, không phải văn bản Word. Nếu đây là báo cáo số liệu, "
            "đổi đuôi tệp thành .xlsx; nếu không, đề nghị đơn vị gửi lại văn bản báo cáo dạng .docx.")
    if b"opendocument.text" in mimetype:
        return _not_a_word_document(
            "Tệp là văn bản OpenDocument (.odt) được đặt đuôi .docx. Mở tệp bằng LibreOffice Writer, "
            "chọn Tệp > Lưu thành, kiểu tệp \"Word 2007-365 (.docx)\", rồi gửi lại.")
    return _not_a_word_document(
        f"Tệp là tệp nén ZIP nhưng không chứa văn bản Word (thiếu {MAIN_PART}). {_RESEND}.")


def _word_reason(rejected: RejectedFile) -> RejectedFile:
    """A rejection of the zip checks shared with workbooks, said of a Word document."""
    code = rejected.rejection.code
    if code == Code.CORRUPT_ZIP:
        detail = rejected.detail or rejected.rejection.reason
        return RejectedFile(Rejection(code, (
            f"Văn bản Word bị hỏng hoặc bị cắt cụt ({detail}); thường do tải về hoặc đính kèm thư chưa "
            "xong. Thử mở bằng Word; nếu không mở được, đề nghị đơn vị gửi lại tệp.")), detail)
    reason = (rejected.rejection.reason.replace(DO_NOT_OPEN_ADVICE, _DO_NOT_OPEN)
              .replace(RESAVE_ADVICE, _RESAVE).replace("Excel không bao giờ", "Word không bao giờ"))
    return RejectedFile(Rejection(code, reason), rejected.detail)


def _corrupt(detail: str) -> RejectedFile:
    return _word_reason(RejectedFile(rejected_file(Code.CORRUPT_ZIP, detail).rejection, detail))


def _read_part(handle: BinaryIO, info: zipfile.ZipInfo, limits: Limits, max_part_bytes: int) -> bytes:
    """One XML part, whole, checked: its declared and real size, its CRC, no DOCTYPE/ENTITY."""
    name = info.orig_filename
    if info.file_size > max_part_bytes:
        raise rejected_file(Code.OVERSIZED_WORD_DOCUMENT, (
            f"Phần nội dung văn bản ({name}) dài {megabytes(info.file_size)} MB, vượt mức tối đa "
            f"{megabytes(max_part_bytes)} MB cho một văn bản báo cáo: tệp bất thường hoặc bị chỉnh "
            "sửa. Đề nghị đơn vị gửi lại văn bản được lưu trực tiếp từ Word."))
    scan = PartScan(info, "xml", limits)
    pieces: list[bytes] = []
    try:
        for chunk in member_chunks(handle, info, None):
            scan.feed(chunk)
            pieces.append(chunk)
        scan.finish()
    except RejectedFile as rejected:
        if rejected.rejection.code == Code.XML_ENTITIES:
            raise rejected_file(Code.XML_ENTITIES, (
                f"Phần {name} trong văn bản có khai báo DOCTYPE/ENTITY — Word không bao giờ tạo ra khai "
                f"báo này; đây là dấu hiệu tệp bị chỉnh sửa để tấn công (XXE). {_DO_NOT_OPEN}.")) from None
        raise _word_reason(rejected) from None
    return b"".join(pieces)


def _main_part(handle: BinaryIO, infos: dict[str, zipfile.ZipInfo], limits: Limits) -> str:
    """The main document part the package's relationships name (word/document.xml when they do not)."""
    rels = infos.get("_rels/.rels")
    if rels is None or rels.file_size > 1 * MB:
        return MAIN_PART
    text = _read_part(handle, rels, limits, 1 * MB)
    found = _OFFICE_DOCUMENT.search(text)
    target = _TARGET.search(found.group(0)) if found else None
    if target is None:
        return MAIN_PART
    name = target.group(1).decode("utf-8", "replace").lstrip("/")
    return name if name in infos else MAIN_PART


def _open(path: Path) -> tuple[int, BinaryIO]:
    try:
        size = path.stat().st_size
        return size, path.open("rb")
    except FileNotFoundError:
        raise missing_file() from None
    except OSError as error:
        raise rejected_file(Code.UNREADABLE, f"Không mở được tệp ({error}). Kiểm tra quyền truy cập tệp rồi "
                                             "thử lại.") from None


def scan_word_package(path: Path, limits: Limits = Limits(),  # noqa: B008
                      max_part_bytes: int = MAX_PART_BYTES) -> WordParts:
    """The checked parts of the .docx at ``path``; raises :class:`RejectedFile` (a Vietnamese reason
    that names what the file is and what to do) on the first problem.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "rong.docx"; _ = p.write_bytes(b"")
    >>> try:
    ...     scan_word_package(p)
    ... except RejectedFile as rejected:
    ...     print(rejected.rejection.code)
    empty-file
    """
    size, handle = _open(path)
    with handle:
        if size == 0:
            raise empty_file()
        if handle.read(4) not in ZIP_MAGIC:
            raise not_a_docx(path, handle)
        if size > limits.max_file_bytes:
            raise rejected_file(Code.TOO_LARGE, (
                f"Tệp nặng {megabytes(size)} MB, vượt mức tối đa {megabytes(limits.max_file_bytes)} MB cho "
                "một văn bản báo cáo. Nén hoặc xoá bớt ảnh trong văn bản, lưu lại rồi gửi."))
        source: BinaryIO = handle
        if size <= IN_MEMORY:
            handle.seek(0)
            source = io.BytesIO(handle.read())
        return _scan_zip(source, size, limits, max_part_bytes)


def _scan_zip(source: BinaryIO, size: int, limits: Limits, max_part_bytes: int) -> WordParts:
    entries = declared_entries(source, size)
    if entries is not None and entries > limits.max_members:
        raise rejected_file(Code.TOO_MANY_MEMBERS, (
            f"Tệp có {thousands(entries)} thành phần bên trong (tối đa {thousands(limits.max_members)}), "
            f"bất thường với một văn bản. {_DO_NOT_OPEN}."))
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except Exception:  # zipfile raises many kinds on broken input
        raise _corrupt("không đọc được mục lục của tệp nén") from None
    by_name = {info.orig_filename: info for info in infos}
    try:
        check_directory(infos, size, limits)
    except RejectedFile as rejected:
        raise _word_reason(rejected) from None
    main = _main_part(source, by_name, limits)
    if main not in by_name or (not main.startswith("word/") and MAIN_PART not in by_name):
        mimetype = by_name.get("mimetype")
        declared = (_read_part(source, mimetype, limits, 4096)
                    if mimetype is not None and mimetype.file_size <= 4096 else b"")
        raise _zip_without_document(set(by_name), declared)
    parts = {name: _read_part(source, by_name[name], limits, max_part_bytes)
             for name in (main, STYLES_PART, NUMBERING_PART) if name in by_name}
    return WordParts(parts[main], parts.get(STYLES_PART, b""), parts.get(NUMBERING_PART, b""), main)
