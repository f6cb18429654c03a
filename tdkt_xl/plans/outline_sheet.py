"""Read a plan's own đề cương (outline) from its sheet "Đề cương": one heading per row, numbering
as written, either in the heading's cell ("II. KẾT QUẢ …") or in a cell of its own before it
("II" | "KẾT QUẢ …"); a cell after the heading is guidance for it. The lines are parsed into an
outline by :mod:`tdkt_xl.documents.outline`.
"""

from __future__ import annotations

import re

from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.text import fold_words

OUTLINE_SHEET = "Đề cương"

_BARE_NUMBER = re.compile(r"^(?:[IVXLivxl]{1,6}|\d{1,2}|[a-zđ])$")
_HEADER_WORDS = {"stt", "tt", "so tt", "muc", "de muc", "noi dung", "tieu de", "ten muc", "so thu tu",
                 "huong dan", "goi y", "yeu cau", "ghi chu", "danh so", "so muc"}


def read_outline_lines(grid: Grid) -> list[str]:
    """The outline's lines, in sheet order (a header row such as "STT | Nội dung" left out).

    >>> read_outline_lines(Grid("Đề cương", [["STT", "Nội dung"], ["I", "KẾT QUẢ"],
    ...     [None, "1. Lãnh đạo", "(nêu số liệu)"], ["II.", "KIẾN NGHỊ"]]))
    ['I. KẾT QUẢ', '1. Lãnh đạo', '(nêu số liệu)', 'II. KIẾN NGHỊ']
    """
    lines: list[str] = []
    for row in range(1, grid.max_row + 1):
        if row in grid.hidden_rows:
            continue
        cells = [text for column in range(1, grid.max_column + 1) if (text := grid.text(row, column))]
        if not cells or all(fold_words(c) in _HEADER_WORDS for c in cells):
            continue
        if len(cells) > 1 and _BARE_NUMBER.match(cells[0]):
            cells = [f"{cells[0]}. {cells[1]}", *cells[2:]]
        elif len(cells) > 1 and len(cells[0]) <= 6 and not any(ch.isalpha() for ch in cells[0][-1:]):
            cells = [f"{cells[0]} {cells[1]}", *cells[2:]]  # "II." | "KẾT QUẢ", "a)" | "…", "-" | "…"
        lines.extend(cells)
    return lines
