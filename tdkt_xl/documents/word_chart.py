"""A native Word chart: the chart part drawn by openpyxl's chart writer (the same DrawingML
``chartSpace`` Excel and Word share), its data in a small workbook embedded beside it so that
"Edit Data" in Word opens it, and an inline drawing in a paragraph pointing at the chart.

The chart's values are also cached in the chart part itself, which is what Word and LibreOffice
draw from; nothing is computed when the document opens.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Length
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.chart.data_source import (
    AxDataSource,
    NumData,
    NumDataSource,
    NumRef,
    NumVal,
    StrData,
    StrRef,
    StrVal,
)
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import Element, SubElement, tostring

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET = "Sheet1"


def _embedded_workbook(categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> bytes:
    """The chart's data as a workbook: categories down column A, one series per column."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _SHEET
    sheet.cell(1, 1, "")
    for column, (name, values) in enumerate(series, start=2):
        sheet.cell(1, column, name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, column, value)
    for row, category in enumerate(categories, start=2):
        sheet.cell(row, 1, category)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _series(categories: Sequence[str], column: int, name: str, values: Sequence[int]) -> Series:
    """One series referring to its column of the embedded sheet, its values cached."""
    letter = get_column_letter(column)
    last = len(categories) + 1
    label = SeriesLabel(strRef=StrRef(f=f"{_SHEET}!${letter}$1",
                                      strCache=StrData(ptCount=1, pt=[StrVal(idx=0, v=name)])))
    cats = AxDataSource(strRef=StrRef(
        f=f"{_SHEET}!$A$2:$A${last}",
        strCache=StrData(ptCount=len(categories), pt=[StrVal(idx=i, v=c) for i, c in enumerate(categories)])))
    vals = NumDataSource(numRef=NumRef(
        f=f"{_SHEET}!${letter}$2:${letter}${last}",
        numCache=NumData(formatCode="General", ptCount=len(values),
                         pt=[NumVal(idx=i, v=v) for i, v in enumerate(values)])))
    return Series(tx=label, cat=cats, val=vals)


def _font_properties(font: str, size_hundredths: int) -> Element:
    """The chart's default text: ``font`` for Latin and complex scripts, at ``size``."""
    tx_pr = Element(f"{{{_C}}}txPr")
    SubElement(tx_pr, f"{{{_A}}}bodyPr")
    SubElement(tx_pr, f"{{{_A}}}lstStyle")
    paragraph = SubElement(tx_pr, f"{{{_A}}}p")
    properties = SubElement(paragraph, f"{{{_A}}}pPr")
    run = SubElement(properties, f"{{{_A}}}defRPr", sz=str(size_hundredths))
    fill = SubElement(SubElement(run, f"{{{_A}}}solidFill"), f"{{{_A}}}srgbClr")
    fill.set("val", "000000")
    for script in ("latin", "ea", "cs"):
        SubElement(run, f"{{{_A}}}{script}", typeface=font)
    SubElement(paragraph, f"{{{_A}}}endParaRPr", lang="vi-VN")
    return tx_pr


def chart_xml(categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, title: str,
              y_title: str, stacked: bool, data_rel_id: str, font: str = "Times New Roman") -> bytes:
    """The chart part: a column chart of ``series`` over ``categories``."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked" if stacked else "clustered"
    if stacked:
        chart.overlap = 100
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend.position = "b"
    for column, (name, values) in enumerate(series, start=2):
        item = _series(categories, column, name, values)
        item.dLbls = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                   showPercent=False)
        chart.series.append(item)
    tree = chart._write()  # type: ignore[attr-defined]  # openpyxl's own writer of the chartSpace
    tree.append(_font_properties(font, 1100))
    external = SubElement(tree, f"{{{_C}}}externalData")
    external.set(f"{{{_R}}}id", data_rel_id)
    SubElement(external, f"{{{_C}}}autoUpdate", val="0")
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + bytes(tostring(tree))


def _next_partname(doc: DocxDocument, template: str) -> PackURI:
    """The first free part name of ``template`` ("/word/charts/chart%d.xml")."""
    taken = {str(part.partname) for part in doc.part.package.iter_parts()}
    number = 1
    while template % number in taken:
        number += 1
    return PackURI(template % number)


def add_column_chart(doc: DocxDocument, paragraph: Paragraph, categories: Sequence[str],
                     series: Sequence[tuple[str, Sequence[int]]], *, title: str, y_title: str = "",
                     width: Length, height: Length, stacked: bool = True) -> None:
    """Put a native column chart in ``paragraph`` (``series``: name and one value per category)."""
    package = doc.part.package
    workbook = Part(_next_partname(doc, "/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx"),
                    XLSX_CONTENT_TYPE, _embedded_workbook(categories, series), package)
    chart = Part(_next_partname(doc, "/word/charts/chart%d.xml"), CHART_CONTENT_TYPE, b"", package)
    data_rel_id = chart.relate_to(workbook, RT.PACKAGE)
    chart._blob = chart_xml(categories, series, title=title, y_title=y_title, stacked=stacked,
                            data_rel_id=data_rel_id)
    chart_rel_id = doc.part.relate_to(chart, RT.CHART)
    shape_id = doc.part.next_id
    inline = parse_xml(
        f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        f'xmlns:a="{_A}" xmlns:c="{_C}" xmlns:r="{_R}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{int(width)}" cy="{int(height)}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="Biểu đồ {shape_id}"/>'
        f"<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="{_C}"><c:chart r:id="{chart_rel_id}"/></a:graphicData></a:graphic>'
        f"</wp:inline></w:drawing>")
    paragraph.add_run()._r.append(inline)
