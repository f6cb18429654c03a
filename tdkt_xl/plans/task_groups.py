"""Group rows of a task table: a row that heads the items below it, not a task.

A group row is one of:

- numbered only in a second numbering column ("Stt" over "TT | Chi tiết": "1" in "Chi tiết",
  nothing in "TT"), its items numbered in "TT" and lettered a), b) … in "Chi tiết";
- a parent row with a code ("N01.1" in a "Mã nhiệm vụ" column) but no number, its items coded
  under it ("N01.1.1", "N01.1.2" …) or not coded at all;
- a row without a number whose content is bold or merged across columns, followed by items
  lettered a), b) ….

Its items inherit what they lack from it: units, deadline and note written once on the group row
(cells merged down over the items are copied to them by :meth:`Grid.fill_merged_down`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tdkt_xl.plans.grids import ExcelError, Grid, HeaderMatch
from tdkt_xl.plans.task_numbers import TaskNumber, read_number
from tdkt_xl.plans.text import clean
from tdkt_xl.plans.units import UnitRef

# The columns whose text a section row may have: its number, label and code; any other cell
# with text of its own is stray (a deadline fragment left by a page break …).
SECTION_COLUMNS = ("number", "number2", "code", "content")
_LOOK_AHEAD = 5  # rows looked at below a bold row for its a), b) items


@dataclass
class Group:
    """A group row and what its items inherit from it."""

    row: int
    label: str
    kind: str  # "numbered" | "code" | "marked"
    code: str = ""
    units: dict[str, list[UnitRef]] = field(default_factory=dict)
    note: str = ""

    def has_item(self, grid: Grid, header: HeaderMatch, row: int, number: TaskNumber) -> bool:
        """Whether a task row is one of this group's items (else the group has ended).

        A row numbered in the second numbering column (not lettered) stands beside the group; a
        row whose code does not extend the group's stands outside it; under a bold heading only
        lettered rows are items.
        """
        second = _second_number(grid, header, row)
        if second.kind in ("top", "sub"):
            return False
        code = code_text(grid, header, row)
        if self.code and code and not _extends(code, self.code):
            return False
        return self.kind != "marked" or number.kind == "letter"


def _extends(code: str, parent: str) -> bool:
    """"N01.1.2" extends "N01.1"; "N01.10" and "N01.2" do not.

    >>> _extends("KH_N01.1.2", "KH_N01.1"), _extends("KH_N01.10", "KH_N01.1"), _extends("N02", "N01")
    (True, False, False)
    """
    return code.startswith(parent) and len(code) > len(parent) and not code[len(parent)].isalnum()


def _second_number(grid: Grid, header: HeaderMatch, row: int) -> TaskNumber:
    column = header.columns.get("number2")
    return read_number(grid.value(row, column)) if column else TaskNumber("none")


def code_text(grid: Grid, header: HeaderMatch, row: int) -> str:
    column = header.columns.get("code")
    return grid.text(row, column) if column else ""


def group_start(grid: Grid, header: HeaderMatch, row: int, number: TaskNumber, content: str,
                copied: set[tuple[int, int]]) -> Group | None:
    """The group a row without a number heads, if it heads one (see the module's docstring);
    ``copied``: the cells filled from a range merged down from above (not the row's own)."""
    if number.kind != "none" or not content:
        return None
    second = _second_number(grid, header, row)
    if second.kind in ("top", "sub"):
        return Group(row, second.text, "numbered")
    code_column = header.columns.get("code")
    code = code_text(grid, header, row)
    if code and (row, code_column) not in copied:
        return Group(row, code, "code", code=code)
    content_column = header.columns.get("content", 0)
    marked = (row, content_column) in grid.bold or grid.merged_across(row, content_column)
    if marked and _letter_items_follow(grid, header, row):
        return Group(row, "", "marked")
    return None


def _letter_items_follow(grid: Grid, header: HeaderMatch, row: int) -> bool:
    """Whether the next numbered row below is lettered "a)" (rows without a number are skipped)."""
    column = header.columns.get("number")
    if column is None:
        return False
    for below in range(row + 1, min(grid.max_row, row + _LOOK_AHEAD) + 1):
        kind = read_number(grid.value(below, column)).kind
        if kind == "none":
            continue
        return kind == "letter"
    return False


def stray_cells(grid: Grid, header: HeaderMatch, row: int,
                copied: set[tuple[int, int]]) -> list[tuple[int, str]]:
    """The cells of a section row with text of their own outside its number, label and code.

    >>> g = Grid("PL", [["TT", "Nội dung", "Thời hạn"], ["II", "Phát triển", "năm 2026"]])
    >>> h = HeaderMatch(1, {"number": 1, "content": 2, "deadline": 3}, {}, 2, 3)
    >>> stray_cells(g, h, 2, set())
    [(3, 'năm 2026')]
    """
    allowed = {header.columns[name] for name in SECTION_COLUMNS if name in header.columns}
    allowed |= set(header.generated.values())
    found: list[tuple[int, str]] = []
    for column in range(1, header.last_column + 1):
        if column in allowed or (row, column) in copied:
            continue
        value = grid.value(row, column)
        text = "" if isinstance(value, ExcelError) else clean(value)
        if text:
            found.append((column, text))
    return found
