"""The parts of an .xlsx taken together: which part is which sheet (the workbook's
relationships, :func:`sheet_parts`), the formulas saved without a value, and
:func:`scan_workbook_parts`, which runs the checks of :mod:`~tdkt_xl.intake.safety.xlsx_part_scan`
over every part a reader parses.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import BinaryIO

from tdkt_xl.intake.safety.limits_and_rejections import MB, Limits, PackageScan
from tdkt_xl.intake.safety.xlsx_part_scan import PartScan, quick_scan_part, scan_part
from tdkt_xl.intake.safety.xml_text import column_number, unescape_xml, xml_attributes
from tdkt_xl.intake.safety.zip_container import OUT_CHUNK, READ_CHUNK, stored_copy

_RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b([^>]*)>")
_SHEET_PART = re.compile(r"xl/(?:worksheets|macrosheets|dialogsheets)/[^/]+\.xml")
_SHEET_TYPES = ("/worksheet", "/macrosheet", "/dialogsheet")
_BINARY_SUFFIXES = (".bin", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf",
                    ".wdp", ".jfif", ".ico", ".odttf", ".ttf", ".fntdata", ".mp3", ".mp4", ".wav", ".avi",
                    ".mov", ".pdf", ".docx", ".xlsx", ".pptx", ".zip")
# What python-calamine parses besides the sheets, shared strings and the workbook's relationships
# (the openpyxl fallback parses more: it runs scan_package first). The other parts' sizes
# are checked in the zip directory; their content is not read.
_CALAMINE_PARTS = ("xl/workbook.xml", "xl/styles.xml")


def _relationships(raw: bytes) -> tuple[dict[str, str], set[str], set[str], set[str]]:
    """From xl/_rels/workbook.xml.rels: rId -> part, and the sheet, shared-string and other parts
    (copies: the reports of one template share the same bytes, read once)."""
    targets, sheets, strings, others = _parsed_relationships(raw)
    return dict(targets), set(sheets), set(strings), set(others)


@functools.lru_cache(maxsize=32)
def _parsed_relationships(raw: bytes) -> tuple[dict[str, str], set[str], set[str], set[str]]:
    targets: dict[str, str] = {}
    sheets: set[str] = set()
    strings: set[str] = set()
    others: set[str] = set()
    for match in _RELATIONSHIP.finditer(raw):
        attributes = xml_attributes(match.group(1))
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
                      unescape_xml(text) if "&" in text else text))
    return sorted(found)


# --- every part --------------------------------------------------------------

def _read_at_once(info: zipfile.ZipInfo, limits: Limits) -> bool:
    """Whether a part is small enough for :func:`quick_scan_part` (read whole, from memory)."""
    return info.file_size <= min(OUT_CHUNK, limits.head_bytes) and info.compress_size <= READ_CHUNK


def _workbook_relationships(handle: BinaryIO, in_memory: io.BytesIO | None, rels: zipfile.ZipInfo,
                            limits: Limits, full: bool) -> bytes:
    """The bytes of xl/_rels/workbook.xml.rels, checked as they are read."""
    if in_memory is not None and _read_at_once(rels, limits):
        return quick_scan_part(in_memory, rels, "rels", limits, 0)[1]
    scan = PartScan(rels, "rels", limits)
    scan_part(handle, scan, full)
    return b"".join(scan.collected)


def _scan_one_part(handle: BinaryIO, in_memory: io.BytesIO | None, info: zipfile.ZipInfo, role: str,
                   limits: Limits, sheet_count: int, full: bool,
                   formulas: dict[str, list[tuple[int, int, str]]], inflated: dict[str, bytes]) -> bool:
    """Check one part; whether it holds error cells. A part read whole is put in ``inflated``; a
    sheet read whole adds its formulas without a value to ``formulas``."""
    if in_memory is not None and _read_at_once(info, limits):
        has_errors, data = quick_scan_part(in_memory, info, role, limits, sheet_count)
        inflated[info.orig_filename] = data
        if role == "sheet":
            cells = formula_cells_without_value(data)
            if cells:
                formulas[info.orig_filename] = cells
        return has_errors
    scan = PartScan(info, role, limits, sheet_count)
    scan_part(handle, scan, full)
    return scan.has_errors


def scan_workbook_parts(handle: BinaryIO, infos: list[zipfile.ZipInfo], limits: Limits, full: bool,
                        quick: bool = False) -> PackageScan:
    """The checks of an .xlsx's XML parts, its zip directory already checked: the relationships
    first (they say which part is a sheet), then every sheet, string table and other XML part
    (``quick``, from memory: only the parts python-calamine parses)."""
    in_memory = handle if quick and isinstance(handle, io.BytesIO) else None
    by_name = {info.orig_filename: info for info in infos}
    relationships: dict[str, str] = {}
    sheets: set[str] = set()
    strings: set[str] = set()
    others: set[str] = set()
    inflated: dict[str, bytes] = {}  # the parts read whole (quick): stored so in the copy calamine reads
    rels = by_name.get("xl/_rels/workbook.xml.rels")
    if rels is not None:
        raw = _workbook_relationships(handle, in_memory, rels, limits, full)
        relationships, sheets, strings, others = _relationships(raw)
        if in_memory is not None and _read_at_once(rels, limits):
            inflated[rels.orig_filename] = raw
    sheet_count = len(sheets) or sum(1 for name in by_name if _SHEET_PART.fullmatch(name))
    error_parts: set[str] = set()
    formulas: dict[str, list[tuple[int, int, str]]] = {}
    for info in infos:
        role = _role(info.orig_filename, sheets, strings, others)
        unparsed = role == "xml" and info.orig_filename not in _CALAMINE_PARTS
        if role is None or info is rels or (in_memory is not None and unparsed):
            continue
        if _scan_one_part(handle, in_memory, info, role, limits, sheet_count, full, formulas, inflated):
            error_parts.add(info.orig_filename)
    return PackageScan(frozenset(error_parts), relationships, _package_for_reader(in_memory, infos, inflated),
                       formulas)


_STORED_COPY_MAX = 16 * MB  # past this much inflated XML, calamine reads the file as it is


def _package_for_reader(in_memory: io.BytesIO | None, infos: list[zipfile.ZipInfo], inflated: dict[str, bytes]
                        ) -> bytes | None:
    """What a quick scan hands the calamine reader: the package with the parts the scan inflated
    stored uncompressed (:func:`~tdkt_xl.intake.safety.zip_container.stored_copy`: the same
    package, read without inflating those parts a second time), or the file's own bytes."""
    if in_memory is None:
        return None
    content = in_memory.getvalue()
    if not inflated or sum(map(len, inflated.values())) > _STORED_COPY_MAX:
        return content
    return stored_copy(content, infos, inflated) or content
