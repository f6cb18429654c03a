"""The đề cương given to ``tdkt-xl bao-cao --de-cuong FILE``: a text file (one heading per line),
a workbook whose sheet "Đề cương" (else its first sheet) has one heading per row, or a Word
document whose headings are the outline (read by the units' Word reports' reader,
``tdkt_xl.documents.outline_docx.outline_from_docx``, imported when there is one: issue 17's
units' Word reports come on another branch).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from tdkt_xl.documents.outline import Outline, parse_outline_lines
from tdkt_xl.errors import CODES, Code, TdktError
from tdkt_xl.plans.grids import Grid, role_by_name
from tdkt_xl.plans.outline_sheet import read_outline_lines
from tdkt_xl.plans.text import os_error_message

TEXT_SUFFIXES = (".txt", ".md")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
WORD_SUFFIXES = (".docx",)
# the reader of an outline from a Word document's headings (issue 17, the units' Word reports)
DOCX_READER = ("tdkt_xl.documents.outline_docx", "outline_from_docx")
MAX_TEXT_BYTES = 1 << 20


class OutlineFileError(TdktError):
    """An outline file that cannot be used; the message is Vietnamese and names the file."""

    def __init__(self, code: Code, path: Path, reason: str = "") -> None:
        self.code = code
        self.message = CODES[code].template.format(path=path, reason=reason)
        super().__init__(self.message)


def _text_lines(path: Path) -> list[str]:
    """The lines of a text file: UTF-8 (with or without its mark), else Windows' Vietnamese."""
    data = path.read_bytes()[: MAX_TEXT_BYTES + 1]
    if len(data) > MAX_TEXT_BYTES:
        raise OutlineFileError(Code.OUTLINE_UNREADABLE, path, "tệp quá lớn cho một đề cương (trên 1 MB).")
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    raise OutlineFileError(Code.OUTLINE_UNREADABLE, path, "không nhận ra bảng mã của tệp văn bản.")


def _workbook_lines(path: Path) -> list[str]:
    """The rows of the workbook's "Đề cương" sheet, else of its first sheet."""
    from tdkt_xl.intake.file_formats import WorkbookError
    from tdkt_xl.intake.openpyxl_grids import read_grids

    try:
        grids: list[Grid] = read_grids(path)
    except WorkbookError as error:
        raise OutlineFileError(Code.OUTLINE_UNREADABLE, path, str(error)) from None
    grid = next((g for g in grids if role_by_name(g.name) == "outline"), grids[0] if grids else None)
    return read_outline_lines(grid) if grid is not None else []


def _word_outline(path: Path) -> Outline:
    """The outline of a Word document's headings, by the units' Word reports' reader."""
    module, name = DOCX_READER
    try:
        reader = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        reason = "phiên bản này chưa đọc được đề cương từ tệp Word; hãy lưu đề cương thành tệp .txt."
        raise OutlineFileError(Code.OUTLINE_UNREADABLE, path, reason) from None
    try:
        outline: Outline = reader(path)
    except TdktError as error:  # a refused file (not a Word document, unsafe, damaged): its reason
        raise OutlineFileError(Code.OUTLINE_UNREADABLE, path, str(error)) from None
    return outline


def read_outline_file(path: Path) -> Outline:
    """The outline in ``path`` (.txt, .xlsx/.xlsm, .docx); :class:`OutlineFileError` when it cannot
    be read or has no numbered heading."""
    suffix = path.suffix.lower()
    try:
        if suffix in WORD_SUFFIXES:
            outline = _word_outline(path)
        elif suffix in WORKBOOK_SUFFIXES:
            outline = parse_outline_lines(_workbook_lines(path))
        elif suffix in TEXT_SUFFIXES or not suffix:
            outline = parse_outline_lines(_text_lines(path))
        else:
            raise OutlineFileError(Code.OUTLINE_UNREADABLE, path, f"không đọc được tệp dạng {suffix}.")
    except OSError as error:
        raise OutlineFileError(Code.OUTLINE_UNREADABLE, path, os_error_message(error)) from None
    if not outline.items:
        raise OutlineFileError(Code.OUTLINE_EMPTY, path)
    return outline
