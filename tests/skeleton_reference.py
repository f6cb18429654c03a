"""The master's skeleton as openpyxl makes it: what :mod:`tdkt_xl.consolidation.master_skeleton` writes
without openpyxl is compared with it (``tests/test_master_skeleton.py``). This was the package's own
code until the skeleton was written directly (eleventh session)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from tdkt_xl.consolidation.master_cells import HEADER_ROW, title_span
from tdkt_xl.consolidation.master_skeleton import (
    _BORDER,
    CHART_AXES,
    CHART_TITLE,
    STYLES,
    SheetLayout,
    Skeleton,
    skeleton_key,
)
from tdkt_xl.intake.safety.xlsx_parts import sheet_parts
from tdkt_xl.paper import A4_PAPER, MARGINS_INCH, page_fit


def openpyxl_skeleton(layouts: Sequence[SheetLayout]) -> Skeleton:
    """The skeleton of a master with these sheets, made by openpyxl's write-only workbook."""
    workbook = Workbook(write_only=True)
    style_ids: dict[str, str] = {}
    for layout in layouts:
        ws: Any = workbook.create_sheet(layout.title)
        _lay_out_sheet(ws, layout)
        if not style_ids:
            style_ids = _add_styles(workbook, ws)
        if layout.chart_row:
            _add_chart(ws, layout)
    workbook.properties.title = "Tổng hợp báo cáo thi đua, khen thưởng"
    workbook.properties.creator = "tdkt_xl"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = [(info.filename, info.date_time, archive.read(info.filename)) for info in archive.infolist()]
        by_title = {name: part for part, name in sheet_parts(archive).items()}
    return Skeleton(skeleton_key(layouts), parts, by_title, style_ids)


def _lay_out_sheet(ws: Any, layout: SheetLayout) -> None:
    """A skeleton's sheet: its column widths, frozen panes, filter and print setup."""
    from openpyxl.utils.cell import get_column_letter

    for column, width in enumerate(layout.widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if layout.data_rows:
        ws.auto_filter.ref = (f"A{HEADER_ROW}:{get_column_letter(len(layout.widths))}"
                              f"{HEADER_ROW + layout.data_rows}")
    _print_setup(ws, layout)


def _print_setup(ws: Any, layout: SheetLayout) -> None:
    """A4, margins, the header row on every page; shrunk to the page's width only as far as its
    text stays 9 pt or more (:func:`tdkt_xl.paper.page_fit`), else across pages with its title
    columns repeated; the chart (under the table) on a page of its own."""
    from openpyxl.utils.cell import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.worksheet.properties import PageSetupProperties

    fit = page_fit(layout.widths, title_columns=layout.title_columns)
    ws.page_setup.orientation = "landscape" if fit.landscape else "portrait"
    ws.page_setup.paperSize = A4_PAPER
    ws.page_margins = PageMargins(**MARGINS_INCH)
    if fit.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.page_setup.scale = fit.scale
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if fit.title_columns:
        ws.print_title_cols = f"A:{get_column_letter(fit.title_columns)}"
    if layout.chart_row:
        ws.row_breaks.append(Break(id=layout.chart_row + 1))
    # the title line merged across the first page's columns: it wraps there (its row is as high)
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=title_span(layout.widths), max_row=1))


def _add_styles(workbook: Workbook, ws: Any) -> dict[str, str]:
    """Each of :data:`STYLES` added to the workbook's styles (through a cell of sheet ``ws``), with
    its id."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    side = Side(style="thin", color=_BORDER)
    border = Border(left=side, right=side, top=side, bottom=side)
    style_ids: dict[str, str] = {}
    cell_styles: Any = workbook._cell_styles  # type: ignore[attr-defined]
    for name, spec in STYLES.items():
        cell: Any = WriteOnlyCell(ws)
        if "font" in spec:
            cell.font = Font(**spec["font"])
        if "fill" in spec:
            cell.fill = PatternFill("solid", fgColor=spec["fill"])
        if spec.get("border"):
            cell.border = border
        if "alignment" in spec:
            cell.alignment = Alignment(**spec["alignment"])
        if "number_format" in spec:
            cell.number_format = spec["number_format"]
        # the id openpyxl's own cells would get (StyleableObject.style_id)
        style_ids[name] = str(cell_styles.add(cell._style))
    return style_ids


def _add_chart(ws: Any, layout: SheetLayout) -> None:
    """The chart of the year columns of the layout's ``chart_row``, under the table."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.title = CHART_TITLE
    chart.y_axis.title = CHART_AXES[1]
    chart.x_axis.title = CHART_AXES[0]
    last = 1 + layout.chart_columns
    chart.add_data(Reference(ws, min_col=2, max_col=last, min_row=layout.chart_row,
                             max_row=layout.chart_row), from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, max_col=last, min_row=HEADER_ROW,
                                   max_row=HEADER_ROW))
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # otherwise recent Excel hides the axes' labels
    chart.y_axis.delete = False
    chart.width, chart.height = 22, 9
    ws.add_chart(chart, f"A{layout.chart_row + 3}")  # (on the page after the table's: a row break)


