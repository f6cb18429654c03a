"""openpyxl adapter: a workbook file on disk as :class:`~tdkt_xl.plans.grids.Grid` objects.

Imported only by what reads a workbook with openpyxl (loading a plan, writing its status copy):
``import tdkt_xl`` alone does not load openpyxl.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl.intake.calamine_grids import check_plan_file
from tdkt_xl.intake.file_formats import WorkbookError
from tdkt_xl.intake.safety.xlsx_parts import formulas_without_value_by_sheet
from tdkt_xl.plans.deadline_cells import keeps_format
from tdkt_xl.plans.grids import ExcelError, Grid, formulas_as_cells, put_values

_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def open_workbook(path: Path, *, data_only: bool = True, keep_vba: bool | None = None) -> Workbook:
    """Open with openpyxl, turning every failure into a :class:`WorkbookError` that says why.

    ``keep_vba``: keep the macros to save them again (default: when the file is an .xlsm)."""
    found = check_plan_file(path)
    try:
        keep = found.kind == "xlsm" if keep_vba is None else keep_vba and found.kind == "xlsm"
        # openpyxl goes by the name's extension; a workbook whose extension lies (an .xlsx saved as
        # .xls) is given to it as bytes, read for what it is
        source = path if path.suffix.lower() in _OPENPYXL_SUFFIXES else io.BytesIO(path.read_bytes())
        return load_workbook(source, data_only=data_only, keep_vba=keep, rich_text=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise WorkbookError(f"{path}: tệp Excel bị hỏng hoặc không đầy đủ.") from error


def _legacy_font(cell: Cell | MergedCell) -> str | None:
    name = cell.font.name if cell.font is not None else None
    if name and name.lower().startswith((".vn", "vni")):
        return str(name)
    return None


def sheet_grid(sheet: Worksheet) -> Grid:
    """One worksheet as a :class:`Grid` (values, merged ranges, hidden rows, legacy fonts, bold text,
    the number formats of dates shown as a month or a quarter)."""
    rows: list[list[object]] = []
    fonts: dict[tuple[int, int], str] = {}
    bold: set[tuple[int, int]] = set()
    formats: dict[tuple[int, int], str] = {}
    for row in sheet.iter_rows():
        values: list[object] = []
        for cell in row:
            value = cell.value
            if cell.data_type == "e" and isinstance(value, str):
                value = ExcelError(value)
            elif isinstance(value, str) and not value.isascii():
                font = _legacy_font(cell)
                if font:
                    fonts[(cell.row, cell.column)] = font  # type: ignore[index]
            elif isinstance(value, date) and keeps_format(cell.number_format):
                formats[(cell.row, cell.column)] = str(cell.number_format)  # type: ignore[index]
            if isinstance(value, str) and cell.font is not None and cell.font.b:
                bold.add((cell.row, cell.column))  # type: ignore[arg-type]
            values.append(value)
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    while rows and not rows[-1]:
        rows.pop()
    hidden = frozenset(
        index for index, dim in sheet.row_dimensions.items() if dim.hidden and index is not None
    )
    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges]
    hidden_columns = frozenset(
        column for dim in sheet.column_dimensions.values() if dim.hidden and dim.min and dim.max
        for column in range(dim.min, dim.max + 1)
    )
    return Grid(sheet.title, rows, hidden, merged, fonts, hidden_columns, str(sheet.sheet_state),
                frozenset(bold), formats)


def read_grids(path: Path) -> list[Grid]:
    """Every worksheet of the workbook at ``path`` as grids (cached values of formulas; a formula
    the file keeps no value of is a :class:`~tdkt_xl.plans.grids.FormulaWithoutValue`)."""
    workbook = open_workbook(path)
    try:
        grids = [sheet_grid(ws) for ws in workbook.worksheets]
    finally:
        workbook.close()
    _mark_formulas_without_value(path, grids)
    return grids


def _mark_formulas_without_value(path: Path, grids: list[Grid]) -> None:
    """Put a :class:`~tdkt_xl.plans.grids.FormulaWithoutValue` where openpyxl read a formula cell as
    empty (a file written by a program that does not calculate: ``=ROW()-1``, ``='Đơn vị'!B5``)."""
    by_name = {grid.name: grid for grid in grids}
    try:
        with zipfile.ZipFile(path) as archive:
            for name, cells in formulas_without_value_by_sheet(archive).items():
                if name in by_name:
                    put_values(by_name[name].rows, formulas_as_cells(cells), over_values=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return  # openpyxl read the file: at worst such a cell stays empty
