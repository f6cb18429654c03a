"""How a sheet reads on screen and on A4 paper: row heights for wrapped text and the page setup
that keeps printed text at 9 pt or more (plain values: every workbook writer uses these).

A row's height is estimated from its cells' text, their columns' widths and their fonts: the
text is wrapped word by word as Excel and LibreOffice wrap it, with character widths at least those
of the fonts they draw (Calibri and Times New Roman in Excel; Carlito, Liberation Sans or DejaVu
Sans, and Liberation Serif, in LibreOffice: tests/test_paper_layout.py checks the estimate against
the real fonts), so that it is never short (a little room to spare rather than a line drawn over
the row below). A sheet too wide to fit its page at 9 pt is not shrunk further: it is printed
across pages, its title rows and columns repeated on each.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ESTIMATE_VERSION = 1  # raise when what the estimates give changes (rows kept by a nightly run are made again)
MIN_PRINTED_POINTS = 9.0  # no printed text smaller
A4_PAPER = 9  # the paperSize of A4 (ECMA-376 18.3.1.63)
A4_MM = (210.0, 297.0)
MARGINS_INCH = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}
MAX_ROW_POINTS = 409.0  # Excel's highest row
DEFAULT_POINTS = 11.0  # Calibri 11, the default font of a new workbook
_POINTS_PER_MM = 72 / 25.4
_CELL_PADDING = 6.0  # points of a column's width no text is drawn in (both sides)
# Text in a cell is measured with :func:`text_points` (the widest fonts) times this: Excel draws
# Calibri, about three quarters as wide as DejaVu Sans; LibreOffice lacking Calibri draws a wider
# font, but in columns as much wider (their widths count its digits); Times New Roman (the
# templates') is narrower than DejaVu Sans by more than this
_WRAP_SCALE = 0.85
_SLACK = 1.04  # a scale this much over the least one, for renderers that measure a little wider
_WIDER_RENDERER = 1.17  # how much wider LibreOffice draws columns with Liberation Sans for Calibri

# Advance widths (em), about the widest of DejaVu Sans, Liberation Sans (Arial's widths) and Liberation
# Serif (Times New Roman's) as a renderer draws them (:data:`_WRAP_SCALE`); a letter with marks takes
# its base letter's, a horn (ơ, ư) a little more
_NARROW = 0.34
_WIDTHS: dict[str, float] = {
    " ": 0.32, "i": _NARROW, "l": _NARROW, "j": _NARROW, ".": _NARROW, ",": _NARROW, ":": 0.34, ";": 0.34,
    "'": _NARROW, "|": 0.34, "!": 0.40, "f": 0.41, "t": 0.42, "r": 0.46, "(": 0.40, ")": 0.40, "-": 0.41,
    "[": 0.40, "]": 0.40, "/": 0.34, "m": 0.98, "w": 0.86, "M": 1.06, "W": 1.13, "I": 0.41, "J": 0.56,
    "đ": 0.64, "Đ": 0.86, "%": 1.06, "@": 1.02, "–": 0.60, "—": 1.0, "…": 1.0, "\"": 0.58, "&": 0.93,
    **dict.fromkeys("#+<=>^~", 0.84),
}
_UPPER, _LOWER, _DIGIT, _OTHER = 0.86, 0.64, 0.64, 0.64
_HORN = "\u031b"


def _bold(width: float) -> float:
    """A character's width in bold (DejaVu Sans Bold: narrow letters a fifth wider, wide ones a tenth)."""
    return width * 1.1 + 0.03


def char_width(char: str) -> float:
    """The advance width of ``char`` in em (of the widest of the fonts a renderer may draw).

    >>> char_width("m") > char_width("n") > char_width("i"), char_width("ư") > char_width("u")
    (True, True)
    """
    width = _WIDTHS.get(char)
    if width is not None:
        return width
    parts = unicodedata.normalize("NFD", char)
    base = parts[:1] or char
    width = _WIDTHS.get(base)
    if width is None:
        if base.isdigit():
            width = _DIGIT
        elif base.isupper():
            width = _UPPER
        elif base.islower():
            width = _LOWER
        else:
            return 0.0 if unicodedata.combining(base) else _OTHER
    return width + (0.14 if base.isupper() else 0.08) if _HORN in parts else width


def text_points(text: str, size: float = DEFAULT_POINTS, bold: bool = False) -> float:
    """How wide ``text`` is drawn, in points, at ``size`` points."""
    return _ems(text, bold) * size


class _CharEms(dict[str, float]):
    """Each character's width in em, worked out the first time it is asked for (a few hundred
    characters make a sheet's text: a word is then summed without a Python call a character)."""

    def __init__(self, bold: bool) -> None:
        super().__init__()
        self.bold = bold

    def __missing__(self, char: str) -> float:
        width = self[char] = _bold(char_width(char)) if self.bold else char_width(char)
        return width


_CHAR_EMS = (_CharEms(False), _CharEms(True))


@functools.lru_cache(maxsize=8192)
def _ems(word: str, bold: bool) -> float:
    """How wide ``word`` is drawn, in em (a sheet's words repeat: the common ones are measured once;
    the cache is kept small, since ten thousand units' names and files make words that do not)."""
    return sum(map(_CHAR_EMS[bold].__getitem__, word))


def column_points(width: float) -> float:
    """The width in points of a column ``width`` characters wide (Excel's unit: the digits of the
    default font; ``(7 × width + 5)`` pixels at 96 dpi).

    >>> column_points(10)
    56.25
    """
    return (7 * width + 5) * 0.75


def line_points(size: float = DEFAULT_POINTS) -> float:
    """The height of one line of text ``size`` points high, as Excel fits a row to it (15 for
    Calibri 11), in quarter points.

    >>> line_points(11), line_points(12)
    (15.0, 16.5)
    """
    return math.ceil(size * 1.36 * 4) / 4


def wrapped_lines(text: str, width: float, size: float = DEFAULT_POINTS, bold: bool = False) -> int:
    """How many lines ``text`` takes wrapped in a column (or merged columns) ``width`` characters
    wide: word by word, a word longer than a line broken where it reaches the edge, each line
    break of the text starting a new line.

    >>> wrapped_lines("Một dòng", 20), wrapped_lines("Một dòng\\nhai dòng", 20)
    (1, 2)
    >>> wrapped_lines("rất " * 30, 20) > 3
    True
    """
    room = max(column_points(width) - _CELL_PADDING, size) / _WRAP_SCALE
    space = text_points(" ", size, bold)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            drawn = text_points(word, size, bold)
            if used and used + space + drawn <= room:
                used += space + drawn
                continue
            if used:
                lines += 1
            extra, used = divmod(drawn, room) if drawn > room else (0, drawn)
            lines += int(extra)
    return lines


@dataclass(frozen=True)
class Cell:
    """What a cell's height depends on: its text, the width it wraps in (its column's, or its
    merged columns'), its font's size and weight, and whether it wraps at all."""

    text: str
    width: float
    size: float = DEFAULT_POINTS
    bold: bool = False
    wrap: bool = True


def row_points(cells: Iterable[Cell], *, least: float | None = None) -> float:
    """The height a row needs for its cells, in points (at least ``least``, else one line of its
    largest font; at most :data:`MAX_ROW_POINTS`).

    >>> row_points([Cell("ngắn", 20)])
    15.0
    >>> row_points([Cell("một câu dài " * 10, 20), Cell("x", 5, size=14)]) > 45
    True
    """
    needed = 0.0
    for cell in cells:
        lines = wrapped_lines(cell.text, cell.width, cell.size, cell.bold) if cell.wrap and cell.text else 1
        needed = max(needed, lines * line_points(cell.size) + (2.0 if lines > 1 else 0.0))
    if least is not None:
        needed = max(needed, least)
    return min(max(needed, line_points()), MAX_ROW_POINTS)


def printable_points(landscape: bool) -> float:
    """The width an A4 page prints on, within :data:`MARGINS_INCH`, in points."""
    paper = (A4_MM[1] if landscape else A4_MM[0]) * _POINTS_PER_MM
    return paper - (MARGINS_INCH["left"] + MARGINS_INCH["right"]) * 72


@dataclass(frozen=True)
class PageFit:
    """A sheet's page setup: landscape or portrait; ``fit_width`` 1 (shrunk to one page's width:
    only a sheet that fits at full size, so never shrunk at all) or 0 (printed at ``scale`` percent,
    never under what keeps its smallest text at 9 pt, across as many pages as its width needs, its
    first ``title_columns`` repeated on each)."""

    landscape: bool
    fit_width: int
    scale: int
    title_columns: int


def page_fit(widths: Sequence[float], *, smallest: float = DEFAULT_POINTS, title_columns: int = 1,
             portrait: bool = True) -> PageFit:
    """How a sheet of these column widths prints with no text under :data:`MIN_PRINTED_POINTS`
    (``smallest``: its smallest font): portrait when it fits (and ``portrait`` allows), else
    landscape. Shrinking to a page's width is left to the spreadsheet only when the sheet fits at
    full size (with room for a renderer whose font is wider: LibreOffice drawing Calibri as
    Liberation Sans draws columns about a sixth wider); otherwise the scale is given: one page wide
    in both when that keeps 9 pt, else in Excel's widths when that does, else the least that keeps
    9 pt, the sheet printed across pages with its title columns repeated.

    >>> page_fit([10, 40])
    PageFit(landscape=False, fit_width=1, scale=100, title_columns=0)
    >>> page_fit([12, 60, 28, 28, 12, 9, 11, 11, 11, 11, 18], title_columns=2)
    PageFit(landscape=True, fit_width=0, scale=86, title_columns=2)
    >>> page_fit([6, 30, 14, 8, 10, 18, 72], title_columns=2)
    PageFit(landscape=True, fit_width=0, scale=89, title_columns=2)
    """
    total = sum(map(column_points, widths))
    least = MIN_PRINTED_POINTS / smallest * _SLACK
    orientations = (False, True) if portrait else (True,)
    for landscape in orientations:  # the whole width on one page, in both renderers
        page = printable_points(landscape)
        if total * _WIDER_RENDERER <= page:
            return PageFit(landscape, 1, 100, 0)
        if page / (total * _WIDER_RENDERER) >= least:
            return PageFit(landscape, 0, math.floor(100 * page / (total * _WIDER_RENDERER)), title_columns)
    landscape = True
    fits = printable_points(landscape) / total  # one page wide in Excel, if that keeps 9 pt
    percent = max(math.ceil(least * 100), min(100, math.floor(fits * 100)))
    return PageFit(landscape, 0, percent, title_columns)


def first_page_columns(widths: Sequence[float], fit: PageFit) -> int:
    """How many columns the first page of a sheet printed as ``fit`` says holds for sure (in the
    wider renderer's widths too; at least one).

    >>> first_page_columns([10] * 40, page_fit([10] * 40))
    13
    """
    room = printable_points(fit.landscape) / (fit.scale / 100) / _WIDER_RENDERER
    used, count = 0.0, 0
    for width in widths:
        used += column_points(width)
        if used > room:
            break
        count += 1
    return max(1, count)
