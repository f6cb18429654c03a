"""The three ways to examine a workbook file before a parser sees it, and what they run.

:func:`check_package` reads the zip central directory and only the first 64 KB of
each XML part. :func:`scan_package` (what the readers in :mod:`tdkt_xl.intake.book_readers`
run) does the same checks while streaming every XML part to its end, so sizes that
lie in the zip headers, a DOCTYPE placed after 64 KB or a far cell near the end of a
sheet are caught too. :func:`quick_scan` does them in a few fast passes over the parts
python-calamine parses.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import BinaryIO

from tdkt_xl.errors import Code
from tdkt_xl.intake.file_formats import is_ods
from tdkt_xl.intake.safety.limits_and_rejections import (
    Limits,
    PackageScan,
    RejectedFile,
    Rejection,
    corrupt_file,
    empty_file,
    megabytes,
    missing_file,
    rejected_file,
    too_many_members,
)
from tdkt_xl.intake.safety.ods import examine_opendocument
from tdkt_xl.intake.safety.xlsx_parts import scan_workbook_parts
from tdkt_xl.intake.safety.zip_container import (
    IN_MEMORY,
    ZIP_MAGIC,
    check_directory,
    declared_entries,
    not_a_zip,
)


def _examine(path: Path, limits: Limits, full: bool, quick: bool = False) -> PackageScan:
    """Open the file, tell a zip from what is not one, read its zip directory, then its members."""
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except FileNotFoundError:
        raise missing_file() from None
    except OSError as error:
        raise rejected_file(Code.UNREADABLE, f"Không mở được tệp ({error}). Kiểm tra quyền truy cập tệp rồi "
                                          "thử lại.") from None
    with handle:
        if size == 0:
            raise empty_file()
        if handle.read(4) not in ZIP_MAGIC:
            raise not_a_zip(path, handle)
        if size > limits.max_file_bytes:
            raise rejected_file(
                Code.TOO_LARGE,
                f"Tệp nặng {megabytes(size)} MB, vượt mức tối đa {megabytes(limits.max_file_bytes)} MB cho "
                "một sổ báo cáo. Xoá bớt ảnh, sheet hoặc dữ liệu thừa, lưu lại rồi gửi.",
            )
        source: BinaryIO = handle
        if size <= IN_MEMORY:  # most reports: one read, then slices
            handle.seek(0)
            source = io.BytesIO(handle.read())
        entries = declared_entries(source, size)
        if entries is not None and entries > limits.max_members:
            raise too_many_members(entries, limits)
        source.seek(0)
        try:
            archive = zipfile.ZipFile(source)
        except Exception:  # zipfile raises many kinds on broken input
            source.seek(0)
            raise corrupt_file("không đọc được mục lục của tệp nén", ods=is_ods(source.read(128))) from None
        with archive:
            infos = archive.infolist()
        return _examine_members(source, infos, size, limits, full, quick)

def _examine_members(handle: BinaryIO, infos: list[zipfile.ZipInfo], size: int, limits: Limits,
                     full: bool, quick: bool = False) -> PackageScan:
    """What the members say: an .xlsb, an OpenDocument file, a zip without a workbook are told
    apart; a workbook's zip directory and parts are checked."""
    names = {info.orig_filename for info in infos}
    if "xl/workbook.bin" in names:
        raise rejected_file(
            Code.XLSB,
            "Tệp là sổ Excel nhị phân (.xlsb). Chương trình chủ ý chỉ đọc sổ .xlsx/.xlsm để mọi tệp "
            "được kiểm tra an toàn theo cùng một cách. Mở tệp bằng Excel, chọn Lưu thành > "
            "Excel Workbook (.xlsx) rồi gửi lại tệp .xlsx.",
        )
    if "xl/workbook.xml" not in names and "mimetype" in names:
        scan = examine_opendocument(handle, infos, size, limits, quick)
        if scan is not None:
            return scan
    if "xl/workbook.xml" not in names and "word/document.xml" in names:
        raise rejected_file(
            Code.NOT_A_WORKBOOK,
            "Tệp là văn bản Word (.docx) được đặt đuôi Excel, không phải sổ Excel. Nếu đây là báo cáo "
            "bằng văn bản, đổi đuôi tệp thành .docx; báo cáo số liệu gửi bằng mẫu .xlsx.",
        )
    if "xl/workbook.xml" not in names:
        raise rejected_file(
            Code.NOT_A_WORKBOOK,
            "Tệp là tệp nén ZIP nhưng không chứa sổ Excel (thiếu xl/workbook.xml): có thể là tệp "
            "nén nhiều báo cáo hoặc tài liệu khác bị đặt đuôi .xlsx. Giải nén và gửi từng tệp .xlsx, "
            "hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
        )
    check_directory(infos, size, limits)
    return scan_workbook_parts(handle, infos, limits, full, quick)


def check_package(path: Path, limits: Limits = Limits()) -> Rejection | None:  # noqa: B008
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


def scan_package(path: Path, limits: Limits = Limits()) -> PackageScan:  # noqa: B008
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


def quick_scan(path: Path, limits: Limits = Limits()) -> PackageScan:  # noqa: B008
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
