"""Tables and captions of the documents: a grid with a bold header row repeated on each page, text
at 12 pt, numbers centred; captions in bold italics."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from tdkt_xl.documents.admin_document import add_run

TABLE_TEXT = Pt(12)


def add_caption(doc: DocxDocument, text: str, *, above: bool = True) -> None:
    """A table's caption above it (kept with it), or a chart's under it."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(0)
    fmt.space_before, fmt.space_after = Pt(6 if above else 0), Pt(6 if above else 12)
    fmt.keep_with_next = above
    add_run(paragraph, text, bold=above, italic=True, size=Pt(13))


def _repeat_header(table: Table) -> None:
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_properties.append(header)


def _cell_text(cell: Any, text: str, *, bold: bool, align: Any, size: Pt) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(0)
    fmt.space_before, fmt.space_after = Pt(2), Pt(2)
    lines = text.split("\n")
    for number, line in enumerate(lines):
        run = add_run(paragraph, line, size=size, bold=bold or None)
        if number < len(lines) - 1:
            run.add_break()


def add_table(doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[Any],
              *, bold_rows: Collection[int] = (), left_columns: Collection[int] = (),
              size: Pt = TABLE_TEXT) -> Table:
    """A grid of ``header`` and ``rows`` (text), columns of ``widths``; the columns in
    ``left_columns`` aligned left (text), the others centred (numbers, dates, states)."""
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row_number, (row, values) in enumerate(zip(table.rows, [header, *rows], strict=True)):
        cells = row.cells
        for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = widths[column]
            left = column in left_columns and row_number > 0
            _cell_text(cell, value, bold=row_number == 0 or row_number - 1 in bold_rows,
                       align=WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER, size=size)
    _repeat_header(table)
    return table
