"""Read the unit list (the "Đơn vị" sheet): code, name, aliases, kind, email of each unit."""

from __future__ import annotations

import re

from tdkt_xl.errors import Code, ProblemLog
from tdkt_xl.plans.cell_text import detect_legacy_cached, reads_differently, shorten
from tdkt_xl.plans.grids import ExcelError, Grid, available, header_text, seen_labels
from tdkt_xl.plans.task_numbers import HEADING_LETTER, read_number
from tdkt_xl.plans.text import clean, clean_lines, fold_words
from tdkt_xl.plans.units import Unit, split_aliases

_UNIT_HEADERS = {
    "number": re.compile(r"^(s?tt|so tt|so thu tu)$"),
    "code": re.compile(r"^(ma|ma don vi|ma dv|ky hieu)$"),
    "name": re.compile(r"^(ten|ten don vi|don vi|ten dv|ten co quan|co quan don vi)$"),
    "aliases": re.compile(r"(ten goi khac|viet tat|ten khac|bi danh)"),
    "kind": re.compile(r"^(loai|loai don vi|phan loai)$"),
    "email": re.compile(r"(email|e mail|thu dien tu)"),
    # the groups a unit belongs to (issue 16, H5): "Thuộc nhóm", "Thuộc cụm, khối", "Nhóm"
    "groups": re.compile(r"^(thuoc (nhom|cum|khoi|cum khoi|nhom cum khoi)|nhom|cum khoi|nhom cum khoi|"
                         r"la thanh vien cua|thanh vien cua)$"),
}
_UNIT_SCAN_ROWS = 15


def _unit_cell(grid: Grid, row: int, column: int, log: ProblemLog, file: str, *,
               lines: bool = False) -> str:
    """A cell of the "Đơn vị" sheet, TCVN3/VNI text read as Unicode (and reported)."""
    value = grid.value(row, column)
    if isinstance(value, ExcelError) or value is None:
        return ""
    if isinstance(value, str) and not value.isascii():
        reading = detect_legacy_cached(value.strip(), grid.fonts.get((row, column)))
        if reading is not None:
            if reads_differently(value, reading):
                log.add(Code.LEGACY_ENCODING, sheet=grid.name, row=row, column=column, file=file,
                        encoding=reading.encoding, value=shorten(clean(value)),
                        reading=shorten(clean(reading.unicode_text)))
            value = reading.unicode_text
    return clean_lines(value) if lines else clean(value)


def read_units(grid: Grid, log: ProblemLog, file: str = "") -> list[Unit]:
    """Units from a "Đơn vị" sheet: code, name, aliases (";"-separated, or "," between names),
    kind, email. Group heading rows ("I | CÁC SỞ, BAN, NGÀNH") are not units."""
    header_row, columns = 0, {}
    for row in range(1, min(grid.max_row, _UNIT_SCAN_ROWS) + 1):
        found: dict[str, int] = {}
        for column in range(1, grid.max_column + 1):
            words = fold_words(header_text(grid, row, column))
            for name, pattern in _UNIT_HEADERS.items():
                if name not in found and pattern.search(words):
                    found[name] = column
                    break
        if "name" in found:
            header_row, columns = row, found
            break
    if not header_row:
        log.add(Code.HEADER_NOT_FOUND, sheet=grid.name, file=file, rows=_UNIT_SCAN_ROWS,
                expected='"Mã đơn vị", "Tên đơn vị"', seen=available(seen_labels(grid)))
        return []

    def cell(row: int, name: str, *, lines: bool = False) -> str:
        return _unit_cell(grid, row, columns[name], log, file, lines=lines) if name in columns else ""

    rows = range(header_row + 1, grid.max_row + 1)
    with_code = "code" in columns and any(grid.text(r, columns["code"]) for r in rows)
    units: list[Unit] = []
    used_codes: set[str] = set()
    for row in rows:
        name = cell(row, "name")
        if not name:
            continue
        code = cell(row, "code")
        if not code and _is_group_heading(grid.value(row, columns["number"]) if "number" in columns
                                          else None, name, with_code):
            continue
        code = code or _code_from_name(name)
        base, suffix = code, 2
        while code in used_codes:
            code, suffix = f"{base}_{suffix}", suffix + 1
        used_codes.add(code)
        units.append(Unit(
            code=code, name=name, aliases=split_aliases(cell(row, "aliases", lines=True)),
            kind=cell(row, "kind") if "kind" in columns else "Đơn vị",
            email=cell(row, "email"), row=row,
        ))
    return _with_groups(units, grid, columns["groups"], log, file) if "groups" in columns else units


def _with_groups(units: list[Unit], grid: Grid, column: int, log: ProblemLog, file: str) -> list[Unit]:
    """The units with the groups each names in its "Thuộc nhóm" cell (codes or names of the list's
    groups, separated by ";", line breaks, or "," between codes); a name that is no group of the
    list is warned and left out."""
    groups = [u for u in units if u.is_group]
    by_key: dict[str, str] = {}
    for group in groups:
        for name in (group.code, group.name, *group.aliases):
            by_key.setdefault(fold_words(name), group.code)
    result: list[Unit] = []
    for unit in units:
        row = unit.row or 0
        text = _unit_cell(grid, row, column, log, file, lines=True) if row and not unit.is_group else ""
        found: list[str] = []
        for piece in _group_pieces(text, by_key):
            code = by_key.get(fold_words(piece))
            if code is None:
                log.add(Code.GROUP_NOT_FOUND, sheet=grid.name, row=unit.row, column=column, file=file,
                        value=shorten(piece), unit=unit.name,
                        groups=available([g.code for g in groups]) if groups else "(không có)")
            elif code not in found:
                found.append(code)
        result.append(unit.model_copy(update={"groups": tuple(found)}) if found else unit)
    return result


def _group_pieces(text: str, by_key: dict[str, str]) -> list[str]:
    """The groups a "Thuộc nhóm" cell names: ";" and line breaks separate; a comma separates only
    when every part is a group's code or name ("Các huyện, thị xã, thành phố" is one name).

    >>> _group_pieces("NHOM_A, NHOM_B; Các huyện, thị xã", {"nhom a": "A", "nhom b": "B"})
    ['NHOM_A', 'NHOM_B', 'Các huyện, thị xã']
    """
    pieces: list[str] = []
    for piece in re.split(r"[;\n]", text):
        piece = piece.strip(" .,-")
        if not piece:
            continue
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        if len(parts) > 1 and fold_words(piece) not in by_key and all(fold_words(p) in by_key for p in parts):
            pieces.extend(parts)
        else:
            pieces.append(piece)
    return pieces


def _is_group_heading(number: object, name: str, with_code: bool) -> bool:
    """A row that heads a group of units: numbered "I", "A", or in capitals without a code
    where the other units have one.

    >>> _is_group_heading("I", "Các sở, ban, ngành", True), _is_group_heading(3, "Sở Y tế", False)
    (True, False)
    """
    mark = read_number(number)
    if mark.kind == "roman" or (isinstance(number, str) and HEADING_LETTER.fullmatch(clean(number))):
        return True
    return with_code and name.isupper()


def _code_from_name(name: str) -> str:
    words = fold_words(name).split()
    return "".join(w[0] for w in words).upper() or "DV"
