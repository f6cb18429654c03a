"""Which unit sent a Word report (pure): the issuing body at the top of the document, matched
against the plan's Đơn vị list, then the file name.

An administrative document names its issuing body in the first lines, most often in the left
cell of a borderless header table: the parent body above ("UBND TỈNH BẮC NINH"), the issuing body
below it ("SỞ GIAO THÔNG VẬN TẢI"), then a short rule. Lines are tried from the issuing body up
(so that a parent named in the list does not take its sub-unit's report), each alone and then
with the line above ("PHÒNG NỘI VỤ" under "UBND HUYỆN YÊN PHONG"); then every known name the
header block mentions; then the file name (a unit's code, "SGTVT.docx", or its name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tdkt_xl.documents.outline_matching import Paragraph
from tdkt_xl.plans.text import clean, fold
from tdkt_xl.plans.units import Unit, UnitDirectory

HEADER_LINES = 8  # lines of the document's top looked at when there is no header table
# Lines of a header that name no body: the Quốc hiệu, "Số: …/BC-…", "V/v …", the title, a date.
_NOT_A_BODY = re.compile(r"^(?:cong hoa|doc lap|so\s*[:.\d/]|v/v|bao cao|kinh gui|ngay |.*, ngay \d)")
_PLACE = re.compile(r"^(?:tinh|thanh pho|tp\.?|huyen|quan|thi xa|xa|phuong|thi tran) ")
_RULE = re.compile(r"^[\s_\-–—=*.]*$")


@dataclass(frozen=True)
class Identified:
    """The unit a document is from (None: not found), how it was found ("header", "file" or
    None) and the header as written (its lines joined by " / ")."""

    unit: Unit | None
    how: Literal["header", "file"] | None
    header: str


def header_lines(paragraphs: Sequence[Paragraph]) -> list[str]:
    """The lines of the document's header: the left cell of its first table when the document
    starts with one, otherwise its first lines up to the Quốc hiệu or the title.

    >>> from types import SimpleNamespace as P
    >>> cells = [P(text="UBND TỈNH BẮC NINH\\nSỞ GIAO THÔNG VẬN TẢI", table=0, cell=0),
    ...          P(text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", table=0, cell=1)]
    >>> header_lines(cells)
    ['UBND TỈNH BẮC NINH', 'SỞ GIAO THÔNG VẬN TẢI']
    """
    if not paragraphs:
        return []
    first = paragraphs[:HEADER_LINES * 2]
    if first[0].table is not None:
        table = first[0].table
        chosen = [p.text for p in first if p.table == table and getattr(p, "cell", 0) == 0]
    else:
        chosen = []
        for paragraph in first[:HEADER_LINES]:
            if paragraph.table is not None or _NOT_A_BODY.match(fold(paragraph.text)):
                break
            chosen.append(paragraph.text)
    lines = [clean(line) for text in chosen for line in text.split("\n")]
    return [line for line in lines if line and not _RULE.match(line) and not _NOT_A_BODY.match(fold(line))]


def _usable(unit: Unit | None) -> Unit | None:
    return unit if unit is not None and not unit.is_group else None


def _from_lines(lines: list[str], directory: UnitDirectory) -> Unit | None:
    for at in range(len(lines) - 1, -1, -1):
        line = lines[at]
        tries = [line]
        if at > 0:
            parent = lines[at - 1]
            tries += [f"{line}, {parent}", f"{line} {parent}", f"{parent} {line}"]
        for text in tries:
            unit = _usable(directory.lookup(text))
            if unit is not None:
                return unit
    for line in reversed(lines):  # a known name and where: "SỞ GIAO THÔNG VẬN TẢI TỈNH BẮC NINH"
        for ref in directory.split(line):
            rest = fold(line).replace(fold(ref.text), "", 1).strip(" ,-")
            unit = _usable(directory.by_code.get(ref.code or ""))
            if unit is not None and (not rest or _PLACE.match(rest)):
                return unit
    return None


def _from_file_name(name: str, directory: UnitDirectory) -> Unit | None:
    """A unit's code or name in a file name: "SGTVT.docx", "bao_cao_SGTVT_2024.docx",
    "Sở Giao thông vận tải.docx"."""
    stem = name.rpartition("/")[2].rsplit(".", 1)[0]
    codes = {fold(code): unit for code, unit in directory.by_code.items()}
    for token in [stem, *re.split(r"[\s_.\-–()]+", stem)]:
        unit = _usable(codes.get(fold(token)))
        if unit is not None:
            return unit
    spaced = re.sub(r"[_]+", " ", stem)
    unit = _usable(directory.lookup(spaced))
    if unit is not None:
        return unit
    return next((u for ref in directory.split(spaced) if ref.code
                 and (u := _usable(directory.by_code.get(ref.code))) is not None), None)


def identify_unit(paragraphs: Sequence[Paragraph], file_name: str, directory: UnitDirectory) -> Identified:
    """The unit a document comes from: by its header, else by its file name, else None.

    >>> from types import SimpleNamespace as P
    >>> units = UnitDirectory([Unit(code="SGTVT", name="Sở Giao thông vận tải"),
    ...                        Unit(code="UBND", name="UBND tỉnh Bắc Ninh")])
    >>> header = [P(text="UBND TỈNH BẮC NINH\\nSO GIAO THONG VAN TAI", table=0, cell=0)]
    >>> found = identify_unit(header, "bao_cao.docx", units); found.unit.code, found.how
    ('SGTVT', 'header')
    >>> identify_unit([], "SGTVT_bao_cao.docx", units).how, identify_unit([], "x.docx", units).unit
    ('file', None)
    """
    lines = header_lines(paragraphs)
    header = " / ".join(lines)
    unit = _from_lines(lines, directory)
    if unit is not None:
        return Identified(unit, "header", header)
    unit = _from_file_name(file_name, directory)
    if unit is not None:
        return Identified(unit, "file", header)
    return Identified(None, None, header)
