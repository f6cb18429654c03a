"""The zip container around a workbook: what a file that is no zip really is (an .xls, an
encrypted workbook, an HTML page, a CSV…), the checks of the zip central directory (entry
count, member names, compression, sizes and ratio), one member's bytes read from where
the directory points, never beyond its declared size (a zip bomb), its CRC checked, and a copy
of a package with the members already inflated stored as they are (:func:`stored_copy`).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from tdkt_xl.errors import Code, InvalidValue
from tdkt_xl.intake.file_formats import sniff
from tdkt_xl.intake.safety.limits_and_rejections import (
    DO_NOT_OPEN_ADVICE,
    MB,
    RESAVE_ADVICE,
    Limits,
    RejectedFile,
    corrupt_file,
    empty_file,
    megabytes,
    missing_file,
    rejected_file,
    thousands,
    too_many_members,
    zip_bomb,
)
from tdkt_xl.zip_writer import ZipWriter

# --- the file's real format --------------------------------------------------

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
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


def not_a_zip(path: Path, handle: BinaryIO) -> RejectedFile:
    """The rejection of a file that does not start as a zip does: what it really is, and what to do."""
    kind = sniff(path).kind
    if kind == "xls" and _ole_is_encrypted(handle):
        kind = "encrypted"
    if kind == "encrypted":
        return rejected_file(
            Code.ENCRYPTED,
            "Sổ Excel có đặt mật khẩu mở tệp (nội dung đã mã hoá) nên không đọc được. Đề nghị đơn vị "
            "gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc > Mã hoá bằng mật khẩu, xoá mật khẩu, "
            "Lưu) rồi gửi lại.",
        )
    if kind == "xls":
        return rejected_file(
            Code.LEGACY_XLS,
            "Tệp là sổ Excel 97-2003 (.xls). Chương trình chủ ý chỉ đọc sổ .xlsx/.xlsm để mọi tệp "
            "được kiểm tra an toàn theo cùng một cách. Mở tệp bằng Excel, chọn Lưu thành > "
            "Excel Workbook (.xlsx) rồi gửi lại tệp .xlsx.",
        )
    if kind == "doc":
        return rejected_file(
            Code.NOT_EXCEL,
            "Tệp là văn bản Word 97-2003 (.doc) được đặt đuôi Excel, không phải sổ Excel. Nếu đây là báo "
            "cáo bằng văn bản, đề nghị đơn vị lưu thành .docx và gửi kèm; báo cáo số liệu gửi bằng mẫu "
            ".xlsx.",
        )
    if kind == "fods":
        return rejected_file(
            Code.NOT_EXCEL,
            "Tệp là bảng tính OpenDocument dạng XML phẳng (.fods), dạng chương trình không đọc. Mở tệp "
            "bằng LibreOffice Calc, chọn Tệp > Lưu thành, kiểu tệp \"Excel 2007-365 (.xlsx)\" hoặc "
            "\"Bảng tính ODF (.ods)\", rồi gửi lại.",
        )
    if kind == "html":
        return rejected_file(
            Code.NOT_EXCEL_HTML,
            "Tệp là trang HTML (thường do tải từ web/phần mềm về rồi đặt đuôi .xlsx), không phải sổ "
            f"Excel. {RESAVE_ADVICE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
        )
    if kind == "csv":
        return rejected_file(
            Code.NOT_EXCEL_CSV,
            "Tệp là văn bản/CSV được đặt đuôi Excel, không phải sổ Excel. "
            f"{RESAVE_ADVICE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
        )
    if kind == "empty":
        return empty_file()
    if kind == "missing":
        return missing_file()
    return rejected_file(
        Code.NOT_EXCEL,
        "Tệp không phải sổ Excel hay bảng tính .ods (không nhận ra nội dung). Đề nghị đơn vị gửi lại "
        "đúng tệp báo cáo dạng .xlsx.",
    )


# --- the zip central directory -----------------------------------------------

def declared_entries(handle: BinaryIO, size: int) -> int | None:
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


def check_directory(infos: list[zipfile.ZipInfo], file_size: int, limits: Limits) -> None:
    """The member count, each member's name, encryption and compression, the total size and ratio."""
    if len(infos) > limits.max_members:
        raise too_many_members(len(infos), limits)
    seen: set[str] = set()
    for info in infos:
        name = info.orig_filename
        if _bad_name(name) or name in seen:
            why = "trùng tên" if name in seen else "đường dẫn tuyệt đối, '..', dấu \\ hoặc ký tự NUL"
            raise rejected_file(
                Code.BAD_MEMBER_NAME,
                f"Bên trong tệp có thành phần tên bất thường {name!r} ({why}) — Excel không bao giờ "
                f"tạo ra tên như vậy, tệp có thể đã bị chỉnh sửa có chủ đích. {DO_NOT_OPEN_ADVICE}.",
            )
        seen.add(name)
        if info.flag_bits & 0x1:
            raise corrupt_file(f"thành phần {name} được nén kèm mật khẩu, Excel không lưu tệp như vậy")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise corrupt_file(f"thành phần {name} dùng kiểu nén {info.compress_type} mà Excel không dùng")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed:
        raise zip_bomb(f"khi giải nén sẽ ra {megabytes(total)} MB, vượt mức tối đa "
                       f"{megabytes(limits.max_total_uncompressed)} MB")
    ratio = total / max(file_size, 1)
    if total > limits.ratio_min_uncompressed and ratio > limits.max_ratio:
        raise zip_bomb(f"tệp {megabytes(file_size)} MB giải nén ra {megabytes(total)} MB, "
                       f"gấp {thousands(round(ratio))} lần (tối đa {thousands(round(limits.max_ratio))} lần)")


# --- reading one member ------------------------------------------------------

READ_CHUNK = 256 * 1024
IN_MEMORY = 8 * MB
OUT_CHUNK = 1 * MB


def _data_start(local: bytes, info: zipfile.ZipInfo) -> int | None:
    """Where a member's compressed bytes start, from the 30 bytes at its local header (None when
    they are no local header)."""
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    return int(info.header_offset + 30 + name_length + extra_length)


def _seek_member_data(handle: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Put ``handle`` at the first compressed byte of a member, past its local header."""
    handle.seek(info.header_offset)
    start = _data_start(handle.read(30), info)
    if start is None:
        raise corrupt_file(f"không tìm thấy dữ liệu của {info.orig_filename}")
    handle.seek(start)


def _next_input(handle: BinaryIO, inflater: zlib._Decompress | None, remaining: int, name: str
                ) -> tuple[bytes | None, int]:
    """The compressed bytes to expand next (what the inflater kept back, else the next read) and
    how many are then left to read; None when a stored member has been read whole."""
    if inflater is not None and inflater.unconsumed_tail:
        return inflater.unconsumed_tail, remaining
    if remaining > 0:
        data = handle.read(min(remaining, READ_CHUNK))
        if not data:
            raise corrupt_file(f"dữ liệu của {name} bị cắt cụt")
        return data, remaining - len(data)
    if inflater is None:
        return None, remaining
    return b"", remaining


def _expand(inflater: zlib._Decompress | None, data: bytes, wanted: int, name: str) -> bytes:
    """At most ``wanted`` bytes out of ``data`` (a stored member's are its own; b"" flushes)."""
    try:
        if inflater is None:
            return data[:wanted]
        return inflater.decompress(data, wanted) if data else inflater.flush()
    except zlib.error:
        raise corrupt_file(f"dữ liệu nén của {name} bị hỏng") from None


def _check_read_whole(info: zipfile.ZipInfo, inflater: zlib._Decompress | None, produced: int, crc: int
                      ) -> None:
    """A member read to its end: its compressed data ended, its size and CRC are the declared ones."""
    name = info.orig_filename
    if inflater is not None and not inflater.eof:
        raise corrupt_file(f"dữ liệu nén của {name} không đầy đủ")
    if produced != info.file_size:
        raise corrupt_file(f"{name} ngắn hơn kích thước khai báo")
    if crc != info.CRC:
        raise corrupt_file(f"{name} sai mã kiểm tra CRC")


def member_chunks(handle: BinaryIO, info: zipfile.ZipInfo, stop_after: int | None) -> Iterator[bytes]:
    """The decompressed bytes of one part, read from the compressed bytes the directory points at.

    Never yields more than the declared size (a part that expands further is a
    "zip-bomb"); with ``stop_after`` None it also checks completeness and CRC.
    """
    name = info.orig_filename
    _seek_member_data(handle, info)
    remaining = info.compress_size
    produced = 0
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while inflater is None or not inflater.eof:
        data, remaining = _next_input(handle, inflater, remaining, name)
        if data is None:
            break
        wanted = OUT_CHUNK if stop_after is None else max(1, min(OUT_CHUNK, stop_after - produced))
        out = _expand(inflater, data, wanted, name)
        if out:
            produced += len(out)
            if produced > info.file_size:
                raise zip_bomb(f"thành phần {name} giải nén ra nhiều hơn kích thước khai báo "
                               f"({thousands(info.file_size)} byte)")
            if stop_after is None:
                crc = zlib.crc32(out, crc)
            yield out
            if stop_after is not None and produced >= stop_after:
                return
        elif not data:
            break
    if stop_after is None:
        _check_read_whole(info, inflater, produced, crc)


def small_member(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """All of a small part at once (the common case): same checks as :func:`member_chunks`."""
    _seek_member_data(handle, info)
    raw = handle.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise corrupt_file(f"dữ liệu của {info.orig_filename} bị cắt cụt")
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    else:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(raw, info.file_size + 1)
        except zlib.error:
            raise corrupt_file(f"dữ liệu nén của {info.orig_filename} bị hỏng") from None
        if len(data) > info.file_size:
            raise zip_bomb(f"thành phần {info.orig_filename} giải nén ra nhiều hơn kích thước khai báo "
                           f"({thousands(info.file_size)} byte)")
        if not inflater.eof:
            raise corrupt_file(f"dữ liệu nén của {info.orig_filename} không đầy đủ")
    if len(data) != info.file_size:
        raise corrupt_file(f"{info.orig_filename} ngắn hơn kích thước khai báo")
    if zlib.crc32(data) != info.CRC:
        raise corrupt_file(f"{info.orig_filename} sai mã kiểm tra CRC")
    return data


# --- a copy with the inflated members stored -----------------------------------------------

def _raw_member(content: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The bytes a member's local header is followed by, as the zip directory sizes them; None
    when they are not all in ``content``."""
    start = _data_start(content[info.header_offset:info.header_offset + 30], info)
    if start is None:
        return None
    raw = content[start:start + info.compress_size]
    return raw if len(raw) == info.compress_size else None


def stored_copy(content: bytes, infos: Sequence[zipfile.ZipInfo], inflated: Mapping[str, bytes]
                ) -> bytes | None:
    """The zip in ``content`` again, each member named in ``inflated`` stored uncompressed as those
    bytes (read and checked against its size and CRC already), the others copied as they are: a
    reader of the copy (python-calamine) does not inflate again what the safety scan inflated.
    The members keep their order, names, times, CRCs and attributes; local headers carry the
    sizes (no data descriptors; written by :class:`~tdkt_xl.zip_writer.ZipWriter`). None when a
    member's data is not where the directory says, when the members copied as they are claim more
    bytes than the file has (members that overlap: a copy would multiply them), or when the copy
    would need ZIP64 (more than 65,535 members or 4 GiB).

    >>> import io
    >>> source = io.BytesIO()
    >>> with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
    ...     archive.writestr("a.xml", "<a/>" * 100); archive.writestr("b.bin", "x" * 50)
    >>> copy = stored_copy(source.getvalue(), zipfile.ZipFile(source).infolist(), {"a.xml": b"<a/>" * 100})
    >>> with zipfile.ZipFile(io.BytesIO(copy)) as archive:
    ...     [(info.filename, info.compress_type, len(archive.read(info))) for info in archive.infolist()]
    [('a.xml', 0, 400), ('b.bin', 8, 50)]
    """
    written = _Chunks()
    writer = ZipWriter(written)
    copied = 0
    try:
        for info in infos:
            data = inflated.get(info.orig_filename)
            if data is not None:
                method, size = zipfile.ZIP_STORED, len(data)
            else:
                data = _raw_member(content, info)
                copied += len(data) if data is not None else 0
                if data is None or copied > len(content):
                    return None
                method, size = info.compress_type, info.file_size
            writer.add(info.orig_filename, info.date_time, [data], size=size, crc=info.CRC,
                       method=method, attributes=info.external_attr & 0xFFFFFFFF)
        writer.close()
    except InvalidValue:  # (past what a zip without ZIP64 holds)
        return None
    return b"".join(written)


class _Chunks(list[bytes]):
    """The bytes written, kept as they come and joined once (a growing buffer would copy them
    again as it grows: about 4 µs a report)."""

    def write(self, data: bytes, /) -> int:
        self.append(data)
        return len(data)
