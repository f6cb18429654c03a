"""Checks on a workbook file before any parser sees it (pure Python, stdlib zip).

Units send back hundreds of workbooks; some are not workbooks at all (HTML pages,
CSV, .xls, password-protected files) and a few are broken or hostile (zip bombs,
XML entities, sheets that claim a billion cells). Parsers react badly to those:
python-calamine aborts the whole process on a 2 KB file with a cell at XFD1048576,
openpyxl says "File is not a zip file" for all of the first kind alike. The checks
here turn each such file into a :class:`Rejection` with a stable code and a
Vietnamese reason that says what the file is and what to do.

An OpenDocument spreadsheet (.ods, as LibreOffice saves it; also one renamed .xlsx) is
checked as well and then read like an .xlsx: the zip directory (sizes, ratio, names),
its manifest (a password) and its ``content.xml`` to its end in one expat pass
(:class:`_OdsContent`), which finds what python-calamine will make of it: the extent of
each sheet with repeated rows and cells counted, error cells and formulas without a value.

:func:`check_package` reads the zip central directory and only the first 64 KB of
each XML part. :func:`scan_package` (what the readers in :mod:`tdkt_xl.intake.workers`
run) does the same checks while streaming every XML part to its end, so sizes that
lie in the zip headers, a DOCTYPE placed after 64 KB or a far cell near the end of a
sheet are caught too.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from tdkt_xl.intake.file_formats import ODS_MIMETYPE, is_ods, sniff

MB = 1 << 20
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """How much one workbook may cost before it is refused.

    ``max_ratio`` (total uncompressed size / file size) is only enforced once the
    content is larger than ``ratio_min_uncompressed``: small workbooks compress
    very well and are harmless.

    >>> Limits().max_cells, Limits(max_cells=1000).max_cells
    (5000000, 1000)
    """

    max_file_bytes: int = 100 * MB
    max_total_uncompressed: int = 200 * MB
    max_ratio: float = 100.0
    ratio_min_uncompressed: int = 5 * MB
    max_members: int = 2_000
    max_cells: int = 5_000_000
    max_unique_strings: int = 2_000_000
    head_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Rejection:
    """Why a file is not read: a stable ``code`` and a Vietnamese ``reason``.

    >>> r = Rejection("empty-file", "Tệp rỗng."); r.code, str(r)
    ('empty-file', 'Tệp rỗng.')
    """

    code: str
    reason: str

    def __str__(self) -> str:
        return self.reason


class RejectedFile(Exception):
    """Raised by :func:`scan_package` (and the readers) with the :class:`Rejection` inside."""

    def __init__(self, rejection: Rejection, detail: str = "") -> None:
        super().__init__(f"{rejection.code}: {rejection.reason}")
        self.rejection = rejection
        self.detail = detail  # what is broken, for a "corrupt-zip" (told again for an .ods)


OdsCells = tuple[int, int, int, int, str]  # first row, first column, rows, columns, text (1-based)


@dataclass(frozen=True)
class PackageScan:
    """What a full scan learned that a reader can use.

    ``error_parts``: worksheet parts that hold cells of type error (``t="e"``);
    ``relationships``: the workbook's relationship ids and the parts they point to;
    ``content``: the file's bytes when :func:`quick_scan` read it whole (readers reuse them);
    ``formula_cells``: see :func:`formula_cells_without_value` (parts read whole only).
    ``ods``: the file is an OpenDocument spreadsheet; ``ods_errors`` and ``ods_formulas`` are
    then, by sheet name, the blocks of cells calamine reads as empty that hold an error value
    (its text, "#N/A") or a formula without a value (its text, "=A1+1"): (first row, first
    column, rows, columns, text), 1-based (a cell may be repeated over rows and columns).
    """

    error_parts: frozenset[str] = frozenset()
    relationships: dict[str, str] = field(default_factory=dict)
    content: bytes | None = field(default=None, repr=False, compare=False)
    # per worksheet part, the cells (row, column, formula) whose formula has no computed value
    formula_cells: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, compare=False)
    ods: bool = False
    ods_errors: dict[str, list[OdsCells]] = field(default_factory=dict, compare=False)
    ods_formulas: dict[str, list[OdsCells]] = field(default_factory=dict, compare=False)


# Short Vietnamese titles of every code this module and tdkt_xl.intake.workers give, for summaries.
REJECTION_TITLES: dict[str, str] = {
    "missing": "Không tìm thấy tệp",
    "empty-file": "Tệp rỗng",
    "not-excel-html": "Trang HTML, không phải Excel",
    "not-excel-csv": "Tệp văn bản/CSV, không phải Excel",
    "not-excel": "Không phải tệp Excel",
    "encrypted": "Sổ Excel có mật khẩu",
    "legacy-xls": "Sổ Excel 97-2003 (.xls)",
    "xlsb": "Sổ Excel nhị phân (.xlsb)",
    "too-large": "Tệp quá lớn",
    "corrupt-zip": "Tệp hỏng hoặc bị cắt cụt",
    "not-a-workbook": "Tệp nén không chứa sổ Excel",
    "too-many-members": "Quá nhiều thành phần bên trong",
    "bad-member-name": "Tên thành phần bất thường",
    "zip-bomb": "Bom nén",
    "xml-entities": "Khai báo DOCTYPE/ENTITY",
    "oversized-sheet": "Sheet quá lớn",
    "bad-shared-strings": "Bảng chuỗi dùng chung bất thường",
    "unreadable": "Không đọc được tệp",
    "crashed-reader": "Tệp làm chương trình đọc bị lỗi",
    "timeout": "Đọc quá thời gian",
    "out-of-memory": "Đọc quá bộ nhớ",
}

_RESAVE = "Mở tệp bằng Excel, lưu thành tệp mới (Lưu thành > Excel Workbook .xlsx) rồi gửi lại"
_DO_NOT_OPEN = (
    "Không nên mở tệp này; đề nghị đơn vị gửi lại tệp được lưu trực tiếp từ Excel (.xlsx)"
)


def _n(number: int) -> str:
    """12.345.678: thousands as written in Vietnamese."""
    return f"{number:,}".replace(",", ".")


def _mb(size: float) -> str:
    return f"{size / MB:,.1f}".replace(",", " ").replace(".", ",")


def _reject(code: str, reason: str) -> RejectedFile:
    return RejectedFile(Rejection(code, reason))


# --- the file's real format --------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTED_NAME = "EncryptedPackage".encode("utf-16-le")
_OLE_SCAN = 256 * MB  # how far into an OLE file its directory is looked for


def _ole_is_encrypted(handle: BinaryIO) -> bool:
    """Whether an OLE (compound) file holds an ``EncryptedPackage`` stream anywhere."""
    handle.seek(0)
    tail = b""
    left = _OLE_SCAN
    while left > 0 and (chunk := handle.read(min(4 * MB, left))):
        left -= len(chunk)
        if _ENCRYPTED_NAME in tail + chunk:
            return True
        tail = chunk[-len(_ENCRYPTED_NAME):]
    return False


def _not_zip(path: Path, handle: BinaryIO) -> RejectedFile:
    kind = sniff(path).kind
    if kind == "xls" and _ole_is_encrypted(handle):
        kind = "encrypted"
    if kind == "encrypted":
        return _reject(
            "encrypted",
            "Sổ Excel có đặt mật khẩu mở tệp (nội dung đã mã hoá) nên không đọc được. Đề nghị đơn vị "
            "gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc > Mã hoá bằng mật khẩu, xoá mật khẩu, "
            "Lưu) rồi gửi lại.",
        )
    if kind == "xls":
        return _reject(
            "legacy-xls",
            "Tệp là sổ Excel 97-2003 (.xls). Chương trình chủ ý chỉ đọc sổ .xlsx/.xlsm để mọi tệp "
            "được kiểm tra an toàn theo cùng một cách. Mở tệp bằng Excel, chọn Lưu thành > "
            "Excel Workbook (.xlsx) rồi gửi lại tệp .xlsx.",
        )
    if kind == "fods":
        return _reject(
            "not-excel",
            "Tệp là bảng tính OpenDocument dạng XML phẳng (.fods), dạng chương trình không đọc. Mở tệp "
            "bằng LibreOffice Calc, chọn Tệp > Lưu thành, kiểu tệp \"Excel 2007-365 (.xlsx)\" hoặc "
            "\"Bảng tính ODF (.ods)\", rồi gửi lại.",
        )
    if kind == "html":
        return _reject(
            "not-excel-html",
            "Tệp là trang HTML (thường do tải từ web/phần mềm về rồi đặt đuôi .xlsx), không phải sổ "
            f"Excel. {_RESAVE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
        )
    if kind == "csv":
        return _reject(
            "not-excel-csv",
            "Tệp là văn bản/CSV được đặt đuôi Excel, không phải sổ Excel. "
            f"{_RESAVE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
        )
    if kind == "empty":
        return _empty()
    if kind == "missing":
        return _missing()
    return _reject(
        "not-excel",
        "Tệp không phải sổ Excel hay bảng tính .ods (không nhận ra nội dung). Đề nghị đơn vị gửi lại "
        "đúng tệp báo cáo dạng .xlsx.",
    )


def _empty() -> RejectedFile:
    return _reject(
        "empty-file",
        "Tệp rỗng (0 byte), không có dữ liệu: có thể tệp chưa tải về xong hoặc gửi nhầm. "
        "Đề nghị đơn vị gửi lại tệp báo cáo.",
    )


def _missing() -> RejectedFile:
    return _reject("missing", "Không tìm thấy tệp: kiểm tra lại đường dẫn, tệp có thể đã bị chuyển đi "
                              "hoặc bị xoá.")


def _corrupt(detail: str, *, ods: bool = False) -> RejectedFile:
    what, program = ("Bảng tính .ods", "LibreOffice Calc") if ods else ("Tệp Excel", "Excel")
    return RejectedFile(Rejection(
        "corrupt-zip",
        f"{what} bị hỏng hoặc bị cắt cụt ({detail}); thường do tải về hoặc đính kèm thư chưa "
        f"xong. Thử mở bằng {program}; nếu không mở được, đề nghị đơn vị gửi lại tệp.",
    ), detail)


# --- the zip central directory -----------------------------------------------

def _declared_entries(handle: BinaryIO, size: int) -> int | None:
    """The entry count the end-of-central-directory record declares, read before zipfile does."""
    tail_size = min(size, 65_557)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    (entries,) = struct.unpack("<H", tail[at + 10:at + 12])
    if entries != 0xFFFF or at < 20 or tail[at - 20:at - 16] != b"PK\x06\x07":
        return int(entries)
    (zip64_at,) = struct.unpack("<Q", tail[at - 12:at - 4])
    if zip64_at + 56 > size:
        return None
    handle.seek(zip64_at)
    record = handle.read(56)
    if record[:4] != b"PK\x06\x06":
        return None
    return int(struct.unpack("<Q", record[32:40])[0])


def _bad_name(name: str) -> bool:
    return (
        name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or ".." in name.split("/")
        or re.match(r"^[A-Za-z]:", name) is not None
    )


def _check_directory(infos: list[zipfile.ZipInfo], file_size: int, limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _too_many(len(infos), limits)
    seen: set[str] = set()
    for info in infos:
        name = info.orig_filename
        if _bad_name(name) or name in seen:
            why = "trùng tên" if name in seen else "đường dẫn tuyệt đối, '..', dấu \\ hoặc ký tự NUL"
            raise _reject(
                "bad-member-name",
                f"Bên trong tệp có thành phần tên bất thường {name!r} ({why}) — Excel không bao giờ "
                f"tạo ra tên như vậy, tệp có thể đã bị chỉnh sửa có chủ đích. {_DO_NOT_OPEN}.",
            )
        seen.add(name)
        if info.flag_bits & 0x1:
            raise _corrupt(f"thành phần {name} được nén kèm mật khẩu, Excel không lưu tệp như vậy")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(f"thành phần {name} dùng kiểu nén {info.compress_type} mà Excel không dùng")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed:
        raise _bomb(f"khi giải nén sẽ ra {_mb(total)} MB, vượt mức tối đa "
                    f"{_mb(limits.max_total_uncompressed)} MB")
    ratio = total / max(file_size, 1)
    if total > limits.ratio_min_uncompressed and ratio > limits.max_ratio:
        raise _bomb(f"tệp {_mb(file_size)} MB giải nén ra {_mb(total)} MB, gấp {_n(round(ratio))} lần "
                    f"(tối đa {_n(round(limits.max_ratio))} lần)")


def _too_many(count: int, limits: Limits) -> RejectedFile:
    return _reject(
        "too-many-members",
        f"Tệp có {_n(count)} thành phần bên trong (tối đa {_n(limits.max_members)}), bất thường với một "
        f"sổ báo cáo. {_RESAVE}.",
    )


def _bomb(detail: str) -> RejectedFile:
    return _reject(
        "zip-bomb",
        f"Tệp nén bất thường: {detail} — dấu hiệu \"bom nén\" hoặc tệp bị làm giả kích thước. "
        f"{_DO_NOT_OPEN}.",
    )


# --- streaming one part ------------------------------------------------------

_READ_CHUNK = 256 * 1024
_IN_MEMORY = 8 * MB
_OUT_CHUNK = 1 * MB


def _member_chunks(handle: BinaryIO, info: zipfile.ZipInfo, stop_after: int | None) -> Iterator[bytes]:
    """The decompressed bytes of one part, read from the compressed bytes the directory points at.

    Never yields more than the declared size (a part that expands further is a
    "zip-bomb"); with ``stop_after`` None it also checks completeness and CRC.
    """
    name = info.orig_filename
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise _corrupt(f"không tìm thấy dữ liệu của {name}")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    remaining = info.compress_size
    produced = 0
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while inflater is None or not inflater.eof:
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        elif remaining > 0:
            data = handle.read(min(remaining, _READ_CHUNK))
            if not data:
                raise _corrupt(f"dữ liệu của {name} bị cắt cụt")
            remaining -= len(data)
        elif inflater is None:
            break
        else:
            data = b""
        wanted = _OUT_CHUNK if stop_after is None else max(1, min(_OUT_CHUNK, stop_after - produced))
        try:
            if inflater is None:
                out = data[:wanted]
            else:
                out = inflater.decompress(data, wanted) if data else inflater.flush()
        except zlib.error as error:
            raise _corrupt(f"dữ liệu nén của {name} bị hỏng: {error}") from None
        if out:
            produced += len(out)
            if produced > info.file_size:
                raise _bomb(f"thành phần {name} giải nén ra nhiều hơn kích thước khai báo "
                            f"({_n(info.file_size)} byte)")
            if stop_after is None:
                crc = zlib.crc32(out, crc)
            yield out
            if stop_after is not None and produced >= stop_after:
                return
        elif not data:
            break
    if stop_after is not None:
        return
    if inflater is not None and not inflater.eof:
        raise _corrupt(f"dữ liệu nén của {name} không đầy đủ")
    if produced != info.file_size:
        raise _corrupt(f"{name} ngắn hơn kích thước khai báo")
    if crc != info.CRC:
        raise _corrupt(f"{name} sai mã kiểm tra CRC")


# --- what the XML parts say --------------------------------------------------

_ENTITIES = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:worksheet|dialogsheet|macrosheet|sst)\b")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,12})")
_ANY_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,4})(\d{1,12})[\"'][^>]*?(/?)>"
)
_ANY_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr\s*=\s*[\"'](\d{1,12})[\"']")
_SST = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b([^>]*)>")
_SHEET_PART = re.compile(r"xl/(?:worksheets|macrosheets|dialogsheets)/[^/]+\.xml")
_SHEET_TYPES = ("/worksheet", "/macrosheet", "/dialogsheet")
_BINARY_SUFFIXES = (".bin", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf",
                    ".wdp", ".jfif", ".ico", ".odttf", ".ttf", ".fntdata", ".mp3", ".mp4", ".wav", ".avi",
                    ".mov", ".pdf", ".docx", ".xlsx", ".pptx", ".zip")
_CARRY_LIMIT = 1 * MB
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00?\x00", b"\x00<\x00?")
_ROW_TAG = re.compile(rb'<row r="(\d{1,12})"')
_WIDE_CELL = re.compile(rb'<c r="([A-Za-z]{2,4})\d')
_TAGS = (b"<row ", b"<c ", b"<c>", b'<c r="')


def column_number(letters: str) -> int:
    """1 for "A", 16384 for "XFD".

    >>> column_number("A"), column_number("AA"), column_number("XFD")
    (1, 27, 16384)
    """
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _unescape(text: str, *, quotes: bool = False) -> str:
    """&lt;, &gt; (and &quot;, &apos;), then &amp; replaced: what xml.sax.saxutils.unescape does
    (which would import urllib.request, http and ssl: a twentieth of a second at every start).

    >>> print(_unescape("a &lt;b&gt; &amp;lt; &quot;"), _unescape("&quot;x&apos;", quotes=True))
    a <b> &lt; &quot; "x'
    """
    text = text.replace("&lt;", "<").replace("&gt;", ">")
    if quotes:
        text = text.replace("&quot;", '"').replace("&apos;", "'")
    return text.replace("&amp;", "&")


def _attributes(raw: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        text = value.decode("utf-8", "replace")
        found[match.group(1).decode("utf-8", "replace")] = (
            _unescape(text, quotes=True) if "&" in text else text
        )
    return found


def _entities(part: str) -> RejectedFile:
    return _reject(
        "xml-entities",
        f"Phần {part} trong tệp có khai báo DOCTYPE/ENTITY — Excel không bao giờ tạo ra "
        f"khai báo này; đây là dấu hiệu tệp bị chỉnh sửa để tấn công (XXE). {_DO_NOT_OPEN}.",
    )


def _oversized(part: str, detail: str) -> RejectedFile:
    return _reject(
        "oversized-sheet",
        f"Một sheet trong tệp (phần {part}) {detail}. Xoá các dòng/cột thừa ở cuối sheet (nhấn "
        "Ctrl+End để xem ô cuối cùng Excel ghi nhận), lưu lại rồi gửi. Nếu tệp không do đơn vị tạo "
        "bằng Excel, không nên mở tệp này và đề nghị đơn vị gửi lại.",
    )


class _PartScan:
    """Checks fed with one XML part's bytes, in pieces cut just before a ``<``."""

    def __init__(self, info: zipfile.ZipInfo, role: str, limits: Limits, sheets: int = 0) -> None:
        self.name = info.orig_filename
        self.info = info
        self.role = role  # "sheet", "sst", "rels" or "xml"
        self.limits = limits
        self.sheets = sheets
        self.seen_head = False
        self.decoder: codecs.IncrementalDecoder | None = None
        self.carry = b""
        self.collected: list[bytes] = []
        # sheets: the grid a reader builds from A1
        self.row_tag = _ROW_TAG
        self.wide_cell = _WIDE_CELL
        self.tags = _TAGS
        self.precise = False  # every cell looked at (from some piece on)
        self.exact = False  # every cell looked at from the start: the bound is the grid
        self.max_row = 0
        self.max_column = 0
        self.has_cells = False
        self.has_errors = False

    def restart_precisely(self) -> None:
        """Forget the quick count; the part is fed again and every cell is looked at."""
        self.precise = self.exact = True
        self.max_row = self.max_column = 0
        self.has_cells = False
        self.carry = b""
        if self.decoder is not None:
            self.decoder.reset()

    def feed(self, data: bytes) -> None:
        if not self.seen_head and self.decoder is None and data.startswith(_UTF16_STARTS):
            big_endian = data[:2] in (b"\xfe\xff", b"\x00<")
            self.decoder = codecs.getincrementaldecoder("utf-16-be" if big_endian else "utf-16-le")("replace")
        if self.decoder is not None:
            data = self.decoder.decode(data).lstrip("\ufeff").encode("utf-8")
        buffer = self.carry + data
        cut = buffer.rfind(b"<")
        if cut < 0 or len(buffer) - cut > _CARRY_LIMIT:
            cut = len(buffer)
        piece, self.carry = buffer[:cut], buffer[cut:]
        if piece:
            self.check(piece)

    def finish(self) -> None:
        if self.carry:
            self.check(self.carry)
            self.carry = b""

    def check(self, piece: bytes) -> None:
        if b"<!" in piece and _ENTITIES.search(piece):
            raise _entities(self.name)
        if self.role == "rels":
            self.collected.append(piece)
        if not self.seen_head:
            self.seen_head = True
            self._head(piece)
        if self.role == "sheet":
            self._sheet(piece)

    def _head(self, piece: bytes) -> None:
        if self.role not in ("sheet", "sst"):
            return
        root = _ROOT_PREFIX.search(piece, 0, 4096)
        prefix = root.group(1) if root and root.group(1) else b""
        if prefix:
            escaped = re.escape(prefix)
            self.row_tag = re.compile(b"<" + escaped + rb'row r="(\d{1,12})"')
            self.wide_cell = re.compile(b"<" + escaped + rb'c r="([A-Za-z]{2,4})\d')
            self.tags = (b"<" + prefix + b"row ", b"<" + prefix + b"c ", b"<" + prefix + b"c>",
                         b"<" + prefix + b'c r="')
        if self.role == "sheet":
            at = piece.find(b"dimension")
            dimension = _DIMENSION.search(piece, max(at - 64, 0)) if at >= 0 else None
            if dimension:
                self._dimension(dimension.group(1).decode("ascii", "replace"))
        elif self.role == "sst":
            sst = _SST.search(piece, 0, 4096)
            if sst:
                self._shared_strings(_attributes(sst.group(1)))

    # sheets ---------------------------------------------------------------
    def _dimension(self, ref: str) -> None:
        last = _REF.fullmatch(ref.split(":")[-1])
        if last is None:
            return
        rows, columns = int(last.group(2)), column_number(last.group(1))
        self._within_excel(f"{last.group(1)}{last.group(2)}", rows, columns)
        if rows * columns > self.limits.max_cells:
            raise _oversized(self.name, f"khai báo vùng dữ liệu {ref}, tức {_n(rows * columns)} ô tính từ A1 "
                                        f"(tối đa {_n(self.limits.max_cells)} ô)")

    def _within_excel(self, ref: str, row: int, column: int) -> None:
        if row > EXCEL_MAX_ROWS or column > EXCEL_MAX_COLUMNS:
            raise _oversized(self.name, f"có ô {ref} nằm ngoài giới hạn của Excel "
                                        f"({_n(EXCEL_MAX_ROWS)} dòng × {_n(EXCEL_MAX_COLUMNS)} cột)")

    def _sheet(self, piece: bytes) -> None:
        if not self.has_errors and (b't="e"' in piece or b"t='e'" in piece):
            self.has_errors = True
        if not self.precise:
            row_open, cell_open, cell_bare, cell_with_ref = self.tags
            rows = self.row_tag.findall(piece)
            cells = piece.count(cell_with_ref)
            usual = cells == piece.count(cell_open) and cell_bare not in piece
            if usual and len(rows) == piece.count(row_open):
                # The usual layout (r= first): rows from the row tags (empty ones too) and
                # columns from cells beyond Z only; 26 columns are assumed otherwise.
                if rows:
                    self.max_row = max(self.max_row, max(map(int, rows)))
                if cells:
                    self.has_cells = True
                    wide = self.wide_cell.findall(piece)
                    if wide:
                        self.max_column = max(self.max_column, max(column_number(w.decode()) for w in wide))
                if self.max_row > EXCEL_MAX_ROWS or self.max_column > EXCEL_MAX_COLUMNS:
                    self._within_excel(f"ở dòng {_n(self.max_row)} hoặc cột {_n(self.max_column)}",
                                       self.max_row, self.max_column)
                return
            self.precise = True  # an unusual layout: look at every cell from here on
        for match in _ANY_CELL.finditer(piece):
            row, column = int(match.group(2)), column_number(match.group(1).decode())
            if row > EXCEL_MAX_ROWS or column > EXCEL_MAX_COLUMNS:
                self._within_excel(f"{match.group(1).decode()}{row}", row, column)
            if match.group(3):  # <c …/> has no value: readers keep no cell for it
                continue
            self.has_cells = True
            self.max_row = max(self.max_row, row)
            self.max_column = max(self.max_column, column)
        for match in _ANY_ROW.finditer(piece):
            if int(match.group(1)) > EXCEL_MAX_ROWS:
                self._within_excel(f"ở dòng {_n(int(match.group(1)))}", int(match.group(1)), 1)

    def cells_bound(self) -> int:
        """Rows × columns of the grid a reader builds from A1 (an upper bound until exact)."""
        if not self.has_cells:
            return 0
        return self.max_row * (self.max_column if self.exact else max(self.max_column, 26))

    def check_extent(self) -> None:
        if self.cells_bound() > self.limits.max_cells:
            raise _oversized(self.name, f"có dữ liệu đến dòng {_n(self.max_row)}, cột {_n(self.max_column)}, "
                                        f"tức {_n(self.cells_bound())} ô tính từ A1 (tối đa "
                                        f"{_n(self.limits.max_cells)} ô)")

    # shared strings -------------------------------------------------------
    def _shared_strings(self, attributes: dict[str, str]) -> None:
        unique = attributes.get("uniqueCount")
        count = attributes.get("count")
        for key, text in (("uniqueCount", unique), ("count", count)):
            if text is not None and not text.strip().isdigit():
                raise self._bad_strings(f"có {key}=\"{text}\" không phải là số")
        if unique is not None:
            number = int(unique)
            if number > self.limits.max_unique_strings:
                raise self._bad_strings(f"khai báo {_n(number)} chuỗi khác nhau (tối đa "
                                        f"{_n(self.limits.max_unique_strings)})")
            if number > self.info.file_size:
                raise self._bad_strings(f"khai báo {_n(number)} chuỗi trong khi cả phần này chỉ dài "
                                        f"{_n(self.info.file_size)} byte")
        if count is not None and int(count) > self.limits.max_cells * max(self.sheets, 1):
            raise self._bad_strings(f"khai báo {_n(int(count))} ô dùng chuỗi, nhiều hơn số ô tối đa của mọi "
                                    "sheet cộng lại")

    def _bad_strings(self, detail: str) -> RejectedFile:
        return _reject(
            "bad-shared-strings",
            f"Bảng chuỗi dùng chung ({self.name}) {detail} — tệp bị hỏng hoặc bị chỉnh sửa. "
            f"{_RESAVE}; nếu không mở được, đề nghị đơn vị gửi lại tệp.",
        )


def _relationships(raw: bytes) -> tuple[dict[str, str], set[str], set[str], set[str]]:
    """From xl/_rels/workbook.xml.rels: rId -> part, and the sheet, shared-string and other parts."""
    targets: dict[str, str] = {}
    sheets: set[str] = set()
    strings: set[str] = set()
    others: set[str] = set()
    for match in _RELATIONSHIP.finditer(raw):
        attributes = _attributes(match.group(1))
        target = attributes.get("Target", "")
        if not target or attributes.get("TargetMode", "").lower() == "external":
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        kind = attributes.get("Type", "")
        targets[attributes.get("Id", "")] = part
        if kind.endswith(_SHEET_TYPES):
            sheets.add(part)
        elif kind.endswith("/sharedStrings"):
            strings.add(part)
        elif not part.lower().endswith(_BINARY_SUFFIXES):
            others.add(part)
    return targets, sheets, strings, others


def formulas_without_value_by_sheet(archive: zipfile.ZipFile, relationships: dict[str, str] | None = None
                                    ) -> dict[str, list[tuple[int, int, str]]]:
    """Sheet name -> :func:`formula_cells_without_value` of its part, for the sheets that have any
    (readers that read whole parts themselves: openpyxl)."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    members = set(archive.namelist())
    for part, name in sheet_parts(archive, relationships).items():
        cells = formula_cells_without_value(archive.read(part)) if part in members else []
        if cells:
            found[name] = cells
    return found


def sheet_parts(archive: zipfile.ZipFile, relationships: dict[str, str] | None = None) -> dict[str, str]:
    """Worksheet part -> sheet name, from xl/workbook.xml and its relationships (read from the
    archive unless given, as :class:`PackageScan` has them).

    >>> import io
    >>> from openpyxl import Workbook
    >>> buffer = io.BytesIO(); wb = Workbook(); wb.active.title = "Số liệu"; wb.save(buffer)
    >>> sheet_parts(zipfile.ZipFile(buffer))
    {'xl/worksheets/sheet1.xml': 'Số liệu'}
    """
    if relationships is None:
        relationships = _relationships(archive.read("xl/_rels/workbook.xml.rels"))[0]
    parts: dict[str, str] = {}
    for element in ET.fromstring(archive.read("xl/workbook.xml")).iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel_id = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
        name = element.get("name")
        if rel_id and name and rel_id in relationships:
            parts[relationships[rel_id]] = name
    return parts


def _role(name: str, sheets: set[str], strings: set[str], others: set[str]) -> str | None:
    if name in sheets or _SHEET_PART.fullmatch(name):
        return "sheet"
    if name in strings or name == "xl/sharedStrings.xml":
        return "sst"
    if name in others or name.lower().endswith((".xml", ".rels", ".vml")):
        return "xml"
    return None


def _small_member(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """All of a small part at once (the common case): same checks as :func:`_member_chunks`."""
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise _corrupt(f"không tìm thấy dữ liệu của {info.orig_filename}")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    raw = handle.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise _corrupt(f"dữ liệu của {info.orig_filename} bị cắt cụt")
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    else:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(raw, info.file_size + 1)
        except zlib.error as error:
            raise _corrupt(f"dữ liệu nén của {info.orig_filename} bị hỏng: {error}") from None
        if len(data) > info.file_size:
            raise _bomb(f"thành phần {info.orig_filename} giải nén ra nhiều hơn kích thước khai báo "
                        f"({_n(info.file_size)} byte)")
        if not inflater.eof:
            raise _corrupt(f"dữ liệu nén của {info.orig_filename} không đầy đủ")
    if len(data) != info.file_size:
        raise _corrupt(f"{info.orig_filename} ngắn hơn kích thước khai báo")
    if zlib.crc32(data) != info.CRC:
        raise _corrupt(f"{info.orig_filename} sai mã kiểm tra CRC")
    return data


def _scan_part(handle: BinaryIO, scan: _PartScan, full: bool) -> None:
    info = scan.info
    stop_after = None if full else scan.limits.head_bytes
    if info.file_size <= min(_OUT_CHUNK, scan.limits.head_bytes) and info.compress_size <= _READ_CHUNK:
        small = _small_member(handle, info)
        chunks: Iterable[bytes] = (small,)
    else:
        chunks = _member_chunks(handle, info, stop_after)
    if isinstance(chunks, tuple) and scan.decoder is None and not chunks[0].startswith(_UTF16_STARTS):
        scan.check(chunks[0])  # the whole part at once
    else:
        for chunk in chunks:
            scan.feed(chunk)
        scan.finish()
    if scan.role != "sheet":
        return
    if not scan.exact and scan.cells_bound() > scan.limits.max_cells:
        # The quick count takes empty rows and 26 columns: count again with every cell.
        scan.restart_precisely()
        for chunk in _member_chunks(handle, scan.info, stop_after):
            scan.feed(chunk)
        scan.finish()
    scan.check_extent()


def _examine(path: Path, limits: Limits, full: bool, quick: bool = False) -> PackageScan:
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except FileNotFoundError:
        raise _missing() from None
    except OSError as error:
        raise _reject("unreadable", f"Không mở được tệp ({error}). Kiểm tra quyền truy cập tệp rồi "
                                    "thử lại.") from None
    with handle:
        if size == 0:
            raise _empty()
        if handle.read(4) not in _ZIP_MAGIC:
            raise _not_zip(path, handle)
        if size > limits.max_file_bytes:
            raise _reject(
                "too-large",
                f"Tệp nặng {_mb(size)} MB, vượt mức tối đa {_mb(limits.max_file_bytes)} MB cho một sổ "
                "báo cáo. Xoá bớt ảnh, sheet hoặc dữ liệu thừa, lưu lại rồi gửi.",
            )
        source: BinaryIO = handle
        if size <= _IN_MEMORY:  # most reports: one read, then slices
            handle.seek(0)
            source = io.BytesIO(handle.read())
        entries = _declared_entries(source, size)
        if entries is not None and entries > limits.max_members:
            raise _too_many(entries, limits)
        source.seek(0)
        try:
            archive = zipfile.ZipFile(source)
        except Exception as error:  # zipfile raises many kinds on broken input
            source.seek(0)
            raise _corrupt(f"{type(error).__name__}: {error}", ods=is_ods(source.read(128))) from None
        with archive:
            infos = archive.infolist()
        return _examine_members(source, infos, size, limits, full, quick)


def _examine_members(handle: BinaryIO, infos: list[zipfile.ZipInfo], size: int, limits: Limits,
                     full: bool, quick: bool = False) -> PackageScan:
    names = {info.orig_filename for info in infos}
    if "xl/workbook.bin" in names:
        raise _reject(
            "xlsb",
            "Tệp là sổ Excel nhị phân (.xlsb). Chương trình chủ ý chỉ đọc sổ .xlsx/.xlsm để mọi tệp "
            "được kiểm tra an toàn theo cùng một cách. Mở tệp bằng Excel, chọn Lưu thành > "
            "Excel Workbook (.xlsx) rồi gửi lại tệp .xlsx.",
        )
    if "xl/workbook.xml" not in names and "mimetype" in names:
        by_name = {info.orig_filename: info for info in infos}
        mimetype = _mimetype(handle, by_name["mimetype"])
        if mimetype == ODS_MIMETYPE:
            _check_directory(infos, size, limits)
            return _examine_ods(handle, by_name, limits, quick)
        if mimetype.startswith(b"application/vnd.oasis.opendocument."):
            kind = mimetype.rpartition(b".")[2].decode("ascii", "replace")
            raise _reject(
                "not-a-workbook",
                f"Tệp là tài liệu OpenDocument loại \"{kind}\" (văn bản, trình chiếu…), không phải "
                "bảng tính: có thể gửi nhầm tệp. Đề nghị đơn vị gửi lại đúng tệp báo cáo (.xlsx hoặc "
                ".ods).",
            )
    if "xl/workbook.xml" not in names:
        raise _reject(
            "not-a-workbook",
            "Tệp là tệp nén ZIP nhưng không chứa sổ Excel (thiếu xl/workbook.xml): có thể là tệp "
            "nén nhiều báo cáo hoặc tài liệu khác bị đặt đuôi .xlsx. Giải nén và gửi từng tệp .xlsx, "
            "hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
        )
    _check_directory(infos, size, limits)
    in_memory = handle if quick and isinstance(handle, io.BytesIO) else None
    small = min(_OUT_CHUNK, limits.head_bytes)

    def quickly(info: zipfile.ZipInfo) -> bool:
        return in_memory is not None and info.file_size <= small and info.compress_size <= _READ_CHUNK

    by_name = {info.orig_filename: info for info in infos}
    relationships: dict[str, str] = {}
    sheets: set[str] = set()
    strings: set[str] = set()
    others: set[str] = set()
    rels = by_name.get("xl/_rels/workbook.xml.rels")
    if rels is not None:
        if in_memory is not None and quickly(rels):
            raw = _quick_part(in_memory, rels, "rels", limits, 0)[1]
        else:
            scan = _PartScan(rels, "rels", limits)
            _scan_part(handle, scan, full)
            raw = b"".join(scan.collected)
        relationships, sheets, strings, others = _relationships(raw)
    sheet_count = len(sheets) or sum(1 for name in names if _SHEET_PART.fullmatch(name))
    error_parts: set[str] = set()
    formulas: dict[str, list[tuple[int, int, str]]] = {}
    for info in infos:
        role = _role(info.orig_filename, sheets, strings, others)
        unparsed = role == "xml" and info.orig_filename not in _CALAMINE_PARTS
        if role is None or info is rels or (in_memory is not None and unparsed):
            continue
        if in_memory is not None and quickly(info):
            has_errors, data = _quick_part(in_memory, info, role, limits, sheet_count)
            if role == "sheet":
                cells = formula_cells_without_value(data)
                if cells:
                    formulas[info.orig_filename] = cells
        else:
            scan = _PartScan(info, role, limits, sheet_count)
            _scan_part(handle, scan, full)
            has_errors = scan.has_errors
        if has_errors:
            error_parts.add(info.orig_filename)
    return PackageScan(frozenset(error_parts), relationships,
                       in_memory.getvalue() if in_memory is not None else None, formulas)


# A formula cell without a computed value, as Excel-like writers lay it out (openpyxl writes
# "<v />"; Excel and LibreOffice always store the value), sums left out (see below).
_NO_VALUE = re.compile(rb"<f(?:\s[^>]*)?>(?!SUM\()([^<]*)</f>(?:<v ?/>|<v></v>)?</c>"
                       rb"|<f\s[^>]*/>(?:<v ?/>|<v></v>)?</c>")
_CELL_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")


def formula_cells_without_value(data: bytes) -> list[tuple[int, int, str]]:
    """(row, column, formula) of each cell of a worksheet part whose formula has no stored value:
    a reader then sees an empty cell where the unit typed a formula. One regular-expression pass;
    cells without an ``r`` reference are not found. Sums (``SUM(…)``) are left out: the report
    template's "Tổng" column, never an input, has one on every row, and a template filled by a
    program keeps no value for any of them.

    >>> formula_cells_without_value(b'<c r="B5"><f>2+3</f><v /></c><c r="C5"><f>1</f><v>1</v></c>'
    ...                             b'<c r="L5" s="2"><f>SUM(B5:K5)</f><v /></c>')
    [(5, 2, '2+3')]
    """
    found: list[tuple[int, int, str]] = []
    if b"<f" not in data:  # most sheets: no formula at all
        return found
    for match in _NO_VALUE.finditer(data):
        at = match.start()
        ref = _CELL_REF.search(data, data.rfind(b"<c", 0, at), at)
        if ref is None:
            continue
        text = (match.group(1) or b"").decode("utf-8", "replace")  # a shared formula's child: ""
        found.append((int(ref.group(2)), column_number(ref.group(1).decode()),
                      _unescape(text) if "&" in text else text))
    return sorted(found)


_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
# What python-calamine parses besides the sheets, shared strings and the workbook's relationships
# (the openpyxl fallback parses more: it runs scan_package first). The other parts' sizes
# are checked in the zip directory; their content is not read.
_CALAMINE_PARTS = ("xl/workbook.xml", "xl/styles.xml")
_PLAIN_ROOTS = (b"<worksheet", b"<sst", b"<Relationships", b"<dialogsheet", b"<macrosheet")


def _quick_part(handle: io.BytesIO, info: zipfile.ZipInfo, role: str, limits: Limits, sheet_count: int
                ) -> tuple[bool, bytes]:
    """The checks of one small XML part in a few passes over its bytes: (has error cells, the bytes).

    Parts the few passes cannot judge (UTF-16, a prefixed root element, a sheet whose
    quick count exceeds the limit) go through the streaming :class:`_PartScan`.
    """
    data = _small_member(handle, info)
    root = _FIRST_ELEMENT.search(data, 0, 8192)
    plain = root is not None and (role == "xml" or data.startswith(_PLAIN_ROOTS, root.start()))
    if data.startswith(_UTF16_STARTS) or not plain:
        scan = _PartScan(info, role, limits, sheet_count)
        _scan_part(handle, scan, full=True)
        return scan.has_errors, data
    assert root is not None
    # DOCTYPE and ENTITY are only allowed before the root element (a parser rejects them later).
    if b"<!" in data[:root.start()] and _ENTITIES.search(data, 0, root.start()):
        _PartScan(info, role, limits).check(data[:root.start()])
    if role == "sst":
        sst = _SST.search(data, root.start(), root.start() + 4096)
        if sst:
            _PartScan(info, role, limits, sheet_count)._shared_strings(_attributes(sst.group(1)))
        return False, data
    if role != "sheet":
        return False, data
    scan = _PartScan(info, role, limits, sheet_count)
    at = data.find(b"dimension", 0, 8192)
    dimension = _DIMENSION.search(data, max(at - 64, 0), 8192) if at >= 0 else None
    if dimension:
        scan._dimension(dimension.group(1).decode("ascii", "replace"))
        last = _REF.fullmatch(dimension.group(1).decode("ascii", "replace").split(":")[-1])
        scan.max_column = column_number(last.group(1)) if last else 0
    # Excel, LibreOffice and openpyxl write rows in order: the last row tag is the bottom.
    # Rows out of order or cells beyond the dimension are caught where calamine runs (a
    # process with memory and time limits), then named by scan_package.
    last_row = _ROW_TAG.match(data, data.rfind(b'<row r="'))
    scan.max_row = int(last_row.group(1)) if last_row else 0
    scan.has_cells = b'<c r="' in data
    if scan.max_row > EXCEL_MAX_ROWS or scan.max_column > EXCEL_MAX_COLUMNS:
        scan._within_excel(f"ở dòng {_n(scan.max_row)} hoặc cột {_n(scan.max_column)}", scan.max_row,
                           scan.max_column)
    if scan.cells_bound() > limits.max_cells:
        scan = _PartScan(info, role, limits, sheet_count)
        _scan_part(handle, scan, full=True)
    return b't="e"' in data or (b"'" in data and b"t='e'" in data), data


# --- OpenDocument spreadsheets (.ods) ------------------------------------------

ODS_MANIFEST = "META-INF/manifest.xml"
ODS_CONTENT = "content.xml"
# The attributes that give an .ods cell a value (calamine reads the first it meets).
_ODS_VALUES = ("office:value", "office:string-value", "office:date-value", "office:time-value",
               "office:boolean-value")
_ODS_CELLS = ("table:table-cell", "table:covered-table-cell")
_ODS_REFERENCE = re.compile(r"\[\.?([^\]]*)\]")  # [.B5], [.B5:.K5]


def _mimetype(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The content of an OpenDocument package's ``mimetype`` member (b"" when it cannot be one)."""
    if info.file_size > 128 or info.compress_size > 4096 or info.flag_bits & 0x1:
        return b""
    try:
        return _small_member(handle, info).strip()
    except RejectedFile:
        return b""


def _ods_chunks(handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """:func:`_member_chunks` of a whole part, a broken one said to be a broken .ods."""
    try:
        yield from _member_chunks(handle, info, None)
    except RejectedFile as rejected:
        if rejected.rejection.code != "corrupt-zip":
            raise
        raise _corrupt(rejected.detail, ods=True) from None


def _check_manifest(handle: BinaryIO, info: zipfile.ZipInfo) -> None:
    """The manifest calamine reads first: no DOCTYPE, and no password (``encryption-data``)."""
    tail = b""
    for chunk in _ods_chunks(handle, info):
        piece = tail + chunk
        if b"<!" in piece and _ENTITIES.search(piece):
            raise _entities(info.orig_filename)
        if b"encryption-data" in piece:
            raise _reject(
                "encrypted",
                "Bảng tính .ods có đặt mật khẩu mở tệp (nội dung đã mã hoá) nên không đọc được. Đề nghị "
                "đơn vị gỡ mật khẩu (mở bằng LibreOffice Calc, Tệp > Lưu thành, bỏ chọn \"Lưu với mật "
                "khẩu\", Lưu) rồi gửi lại.",
            )
        tail = chunk[-64:]


def ods_formula(formula: str) -> str:
    """An OpenDocument formula written as in Excel: without its namespace, references without
    brackets, arguments separated by commas (text in quotes left as it is).

    >>> ods_formula("of:=SUM([.B5:.K5])+1"), ods_formula("of:=DATE(2024;6;1)"), ods_formula('="a;b"')
    ('=SUM(B5:K5)+1', '=DATE(2024,6,1)', '="a;b"')
    """
    prefix, colon, rest = formula.partition(":")
    if colon and prefix.isalpha() and rest.startswith("="):
        formula = rest
    pieces = formula.split('"')
    for at in range(0, len(pieces), 2):  # outside quotes
        pieces[at] = _ODS_REFERENCE.sub(lambda m: m.group(1).replace(":.", ":"),
                                        pieces[at]).replace(";", ",")
    formula = '"'.join(pieces)
    return formula if formula.startswith("=") else f"={formula}"


def _repeats(text: str | None) -> int:
    if text is None:
        return 1
    if not text.isdigit() or len(text) > 12:
        raise _corrupt(f"{ODS_CONTENT} có số lần lặp \"{text[:20]}\" không hợp lệ", ods=True)
    return int(text)


class _OdsContent:
    """What python-calamine makes of an .ods's ``content.xml``, worked out in one expat pass.

    Names are matched as written ("table:table-row"), without resolving namespaces, as calamine
    matches them. Rows and cells are counted with their repeats (``number-rows-repeated``,
    ``number-columns-repeated``; a covered cell of a merge counts as a cell) and the content of a
    cell is not looked into (calamine skips it), but for an error cell's text. A sheet is
    rejected ("oversized-sheet") as soon as a cell with a value lies beyond Excel's last row or
    column, or its grid from A1 to its last value exceeds ``limits.max_cells``: a tiny file may
    repeat one value over every cell of a sheet. Empty cells are not counted (LibreOffice
    writes one empty row repeated to the sheet's last row). A DOCTYPE is rejected before any
    entity is declared; XML that is not well formed is a broken file.

    >>> scan = _OdsContent(Limits())
    >>> scan.feed(b'<t><table:table table:name="A"><table:table-row table:number-rows-repeated="2">'
    ...           b'<table:table-cell/><table:table-cell table:formula="of:=1/0" '
    ...           b'calcext:value-type="error" office:string-value=""><text:p>#DIV/0!</text:p>'
    ...           b'</table:table-cell></table:table-row></table:table></t>')
    >>> scan.close(); scan.errors
    {'A': [(1, 2, 2, 1, '#DIV/0!')]}
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.errors: dict[str, list[OdsCells]] = {}
        self.formulas: dict[str, list[OdsCells]] = {}
        self.table: str | None = None  # the sheet being read (None: outside, or a table calamine skips)
        self.row = 0  # rows of the sheet before the current one
        self.row_repeats = 1
        self.column = 0  # cells of the row before the current one
        self.inside = 0  # depth inside a cell
        self.max_row = self.max_column = 0
        self.error: tuple[int, int, list[str]] | None = None  # an error cell's column, repeats, text
        self.paragraph = False  # in a paragraph of the cell's own text (not of a comment on it)
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._doctype
        self.parser = parser

    def feed(self, data: bytes) -> None:
        self._parse(data, False)

    def close(self) -> None:
        self._parse(b"", True)

    def _parse(self, data: bytes, final: bool) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            raise _corrupt(f"{ODS_CONTENT} không phải XML hợp lệ: {error}", ods=True) from None

    def _doctype(self, *_args: object) -> None:
        raise _entities(ODS_CONTENT)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self.inside:
            self.paragraph = self.paragraph or (self.inside == 1 and name == "text:p")
            self.inside += 1
            return
        if self.table is None:
            if name == "table:table":
                self.table, self.row, self.max_row, self.max_column = attributes.get("table:name"), 0, 0, 0
            return
        if name == "table:table-row":
            self.row_repeats = _repeats(attributes.get("table:number-rows-repeated"))
            self.column = 0
        elif name in _ODS_CELLS:
            self.inside = 1
            first = self.column
            repeats = _repeats(attributes.get("table:number-columns-repeated"))
            self.column += repeats
            formula = attributes.get("table:formula")
            valued = attributes.get("office:value-type") == "string" or any(
                key in attributes for key in _ODS_VALUES)
            if not (valued or formula) or repeats == 0 or self.row_repeats == 0:
                return  # empty: calamine keeps no value
            self._extent(self.row + self.row_repeats, self.column)
            if attributes.get("calcext:value-type") == "error":
                self.error = (first, repeats, [])
                self.parser.CharacterDataHandler = self._text  # text is wanted of error cells only
            elif formula and not valued:
                text = ods_formula(formula)
                if not text.upper().startswith("=SUM("):  # as for .xlsx: the template's "Tổng" column
                    self.formulas.setdefault(self.table, []).append(
                        (self.row + 1, first + 1, self.row_repeats, repeats, text))

    def _end(self, name: str) -> None:
        if self.inside:
            self.inside -= 1
            if self.inside == 1:
                self.paragraph = False
            if not self.inside and self.error is not None and self.table is not None:
                first, repeats, text = self.error
                self.errors.setdefault(self.table, []).append(
                    (self.row + 1, first + 1, self.row_repeats, repeats, "".join(text).strip() or "#N/A"))
                self.error = None
                self.parser.CharacterDataHandler = None
            return
        if self.table is None:
            return
        if name == "table:table-row":
            self.row += self.row_repeats
            self.row_repeats = 1
        elif name == "table:table":
            self.table = None

    def _text(self, data: str) -> None:
        if self.error is not None and self.paragraph:
            self.error[2].append(data)

    def _extent(self, last_row: int, last_column: int) -> None:
        """A value reaches ``last_row`` and ``last_column`` (1-based) of the current sheet."""
        part = f'{ODS_CONTENT}, sheet "{self.table}"'
        if last_row > EXCEL_MAX_ROWS or last_column > EXCEL_MAX_COLUMNS:
            raise _oversized(part, f"có dữ liệu ở dòng {_n(last_row)}, cột {_n(last_column)}, nằm ngoài "
                                   f"giới hạn của Excel ({_n(EXCEL_MAX_ROWS)} dòng × "
                                   f"{_n(EXCEL_MAX_COLUMNS)} cột)")
        self.max_row = max(self.max_row, last_row)
        self.max_column = max(self.max_column, last_column)
        if self.max_row * self.max_column > self.limits.max_cells:
            raise _oversized(part, f"có dữ liệu đến dòng {_n(self.max_row)}, cột {_n(self.max_column)}, "
                                   f"tức {_n(self.max_row * self.max_column)} ô tính từ A1 (tối đa "
                                   f"{_n(self.limits.max_cells)} ô)")


def _examine_ods(handle: BinaryIO, by_name: dict[str, zipfile.ZipInfo], limits: Limits, quick: bool
                 ) -> PackageScan:
    """The checks of an OpenDocument spreadsheet, its zip directory already checked: the parts
    calamine parses (the manifest and ``content.xml``) are read to their end, decompression
    bounded by their declared sizes; the others are not read."""
    for needed in (ODS_MANIFEST, ODS_CONTENT):
        if needed not in by_name:
            raise _corrupt(f"thiếu phần {needed}", ods=True)
    _check_manifest(handle, by_name[ODS_MANIFEST])
    content = _OdsContent(limits)
    for chunk in _ods_chunks(handle, by_name[ODS_CONTENT]):
        content.feed(chunk)
    content.close()
    in_memory = handle.getvalue() if quick and isinstance(handle, io.BytesIO) else None
    return PackageScan(content=in_memory, ods=True, ods_errors=content.errors, ods_formulas=content.formulas)


def check_package(path: Path, limits: Limits = Limits()) -> Rejection | None:
    """Why the file at ``path`` must not be parsed, or None when it looks like a sane workbook.

    Reads the zip directory and the first ``limits.head_bytes`` of each XML part only (an .ods:
    its manifest and ``content.xml`` to their end, one pass that counts repeated cells).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bao_cao.xlsx"; _ = p.write_text("<html></html>")
    >>> check_package(p).code
    'not-excel-html'
    """
    try:
        _examine(path, limits, full=False)
    except RejectedFile as rejected:
        return rejected.rejection
    return None


def scan_package(path: Path, limits: Limits = Limits()) -> PackageScan:
    """Run every check of :func:`check_package` over each XML part to its end; raise
    :class:`RejectedFile` on the first problem.

    Sizes are enforced while decompressing (a part that expands beyond what the zip
    directory says is a zip bomb), and the grid a reader would build from A1 is
    bounded by ``limits.max_cells``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rong.xlsx"; _ = p.write_bytes(b"")
    >>> try:
    ...     scan_package(p)
    ... except RejectedFile as rejected:
    ...     print(rejected.rejection.code)
    empty-file
    """
    return _examine(path, limits, full=True)


def quick_scan(path: Path, limits: Limits = Limits()) -> PackageScan:
    """The checks of :func:`scan_package` in a few fast passes over the parts python-calamine
    parses (sheets, shared strings, workbook, styles, relationships): what the calamine reader runs.

    The same rejections for what Excel and LibreOffice write and for the known hostile
    files (zip bombs, DOCTYPE/ENTITY before the root element, far cells, huge string
    tables). What it takes on trust (cells written without an ``r`` first, rows out
    of order, parts calamine does not read) cannot crash the run: readers work in
    processes with memory and time limits, a file that fails there is examined again
    by :func:`scan_package`, and so is one handed to openpyxl. Files over 8 MB get
    :func:`scan_package` itself.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rong.xlsx"; _ = p.write_bytes(b"")
    >>> try:
    ...     quick_scan(p)
    ... except RejectedFile as rejected:
    ...     print(rejected.rejection.code)
    empty-file
    """
    return _examine(path, limits, full=True, quick=True)
