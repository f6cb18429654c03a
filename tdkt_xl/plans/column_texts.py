"""A task table's cells as text, a column at a time.

The task reader looks at each row's cells several times (units, deadline, headings, the table's
end), with and without line breaks. Reading a whole column once, each distinct text tidied once
(plans repeat unit names and deadline phrases on many rows), costs a fraction of reading cell by
cell. A legacy-encoded cell (TCVN3, VNI) is read as Unicode here; the reader says so for the cell
the first time it uses the cell, as it did cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tdkt_xl.plans.cell_text import detect_legacy_cached, reads_differently
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.legacy_encodings import LegacyReading, unicode_only
from tdkt_xl.plans.text import clean, clean_lines

_EMPTY: tuple[str, str, LegacyReading | None] = ("", "", None)


@dataclass
class ColumnTexts:
    """One column's texts, by 1-based row (index 0 unused): ``one`` on one line, ``lines`` with
    the line breaks kept; ``legacy`` the rows read from a legacy encoding (the raw text and its
    reading), for the reader to say."""

    one: list[str]
    lines: list[str]
    legacy: dict[int, tuple[str, LegacyReading]] = field(default_factory=dict)


def cell_texts(value: object, font: str | None) -> tuple[str, str, LegacyReading | None]:
    """A cell value's text on one line and with its line breaks, and its legacy reading when the
    value is legacy-encoded text that reads differently as Unicode.

    >>> cell_texts("  Phòng  I \\n Phòng II ", None)
    ('Phòng I Phòng II', 'Phòng I\\nPhòng II', None)
    >>> cell_texts("Th«ng tin", None)[0]
    'Thông tin'
    """
    if value is None:
        return _EMPTY
    if isinstance(value, str) and not value.isascii() and not unicode_only(value):
        # before any cleaning: TCVN3 uses the soft hyphen (U+00AD) for "ư"; a text with letters
        # only Unicode has ("ệ", "ư") is no legacy text, whatever its font (detect_legacy)
        reading = detect_legacy_cached(value.strip(), font)
        if reading is not None:
            said = reading if reads_differently(value, reading) else None
            return clean(reading.unicode_text), clean_lines(reading.unicode_text), said
    one = clean(value)
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        return one, clean_lines(value), None
    return one, one, None  # one line: the same text


def read_column(grid: Grid, column: int) -> ColumnTexts:
    """Every row's text in ``column`` of ``grid`` (an Excel error reads as "")."""
    one, lines = [""], [""]
    legacy: dict[int, tuple[str, LegacyReading]] = {}
    fonts = grid.fonts
    seen: dict[object, tuple[str, str, LegacyReading | None]] = {}
    index = column - 1
    for row, cells in enumerate(grid.rows, start=1):
        value = cells[index] if index < len(cells) else None
        if value is None:
            one.append("")
            lines.append("")
            continue
        kind = type(value)
        if kind is str:  # plain text, the most of a plan: each distinct text (and font) once
            font = fonts.get((row, column)) if fonts else None
            key: object = value if font is None else (value, font)
            found = seen.get(key)
            if found is None:
                found = seen[key] = cell_texts(value, font)
        elif isinstance(value, str):  # an Excel error, a formula without a value: no text
            found = _EMPTY
        else:  # numbers, dates: their text
            found = cell_texts(value, None)
        one.append(found[0])
        lines.append(found[1])
        if found[2] is not None:
            legacy[row] = (str(value), found[2])
    return ColumnTexts(one, lines, legacy)
