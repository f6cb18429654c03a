"""The master's *skeleton*: every part of its xlsx package but the sheets' rows, written as XML here.

The skeleton holds the styles, the sheets with their column widths, frozen panes, filters and print
setup, the chart, and no rows; :func:`~tdkt_xl.consolidation.master_package.save_master` puts the
rows in. It is written part by part as openpyxl's write-only workbook writes the same workbook
(``tests/test_master_skeleton.py`` compares the two, part by part), without importing openpyxl: its
import alone (numpy with it) took longer than writing a thousand reports' master.

The Office theme is the one openpyxl ships, read from its source file (not imported).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tdkt_xl.consolidation.master_cells import (
    DETAIL_WIDTHS,
    HEADER_ROW,
    PROBLEMS_WIDTHS,
    SUBMISSIONS_WIDTHS,
    title_span,
)
from tdkt_xl.consolidation.master_cells import xml_text as escape
from tdkt_xl.errors import InvalidValue, column_letter, quoted_sheet_name
from tdkt_xl.paper import A4_PAPER, ESTIMATE_VERSION, MARGINS_INCH, PageFit, page_fit
from tdkt_xl.plans.status import STATUS_COLORS

SKELETON_FORMAT = 3  # raise when what build_skeleton makes of the same layouts changes

_STATE_COLORS = {"missing": "FFC7CE", "late": "FFEB9C", "on_time": "C6EFCE", "submitted": "DDEBF7",
                 "rejected": "F8CBAD"}  # (rejected: issue 16, H5)
_BORDER = "808080"
# What each named cell style is, as plain data; its id in the styles part is its place here, from 1
STYLES: dict[str, dict[str, Any]] = {
    "title": {"font": {"bold": True, "size": 12}, "alignment": {"vertical": "top", "wrap_text": True}},
    "header": {"font": {"bold": True}, "fill": "D9E1F2", "border": True,
               "alignment": {"horizontal": "center", "vertical": "center", "wrap_text": True}},
    "cell": {"border": True, "alignment": {"vertical": "top", "wrap_text": True}},
    "date": {"border": True, "alignment": {"vertical": "top"}, "number_format": "dd/mm/yyyy"},
    "bold": {"font": {"bold": True}, "border": True, "number_format": "#,##0"},
    "level": {"font": {"bold": True}, "fill": "F2F2F2", "border": True},
    **{state: {"fill": color, "border": True, "alignment": {"vertical": "top"}}
       for state, color in _STATE_COLORS.items()},
    **{status.value: {"fill": fill, "font": {"color": font}, "border": True,
                      "alignment": {"vertical": "top", "wrap_text": True}}
       for status, (fill, font) in STATUS_COLORS.items()},
    # (added last: the ids of the others stay those of masters written before)
    "count": {"border": True, "alignment": {"vertical": "top"}, "number_format": "#,##0"},
}
CHART_TITLE = "Tổng số khen thưởng theo năm"
CHART_AXES = ("Năm", "Số lượt")  # (the categories', the values')
_CHART_CM = (22, 9)  # width, height
_EMU_PER_CM = 360000
_TITLE = "Tổng hợp báo cáo thi đua, khen thưởng"
# Excel's built-in number formats that STYLES uses (others get ids from 164 in the styles part)
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                    "mm-dd-yy": 14, "@": 49}

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DRAWING_ML = "http://schemas.openxmlformats.org/drawingml/2006/main"
_TYPES = "application/vnd.openxmlformats-officedocument."


@dataclass(frozen=True)
class SheetLayout:
    """What the skeleton of one sheet depends on."""

    title: str
    widths: tuple[float, ...]
    data_rows: int  # rows under the header (the filter covers them)
    chart_row: int = 0  # the row whose year columns the chart plots (0: no chart)
    chart_columns: int = 0
    title_columns: int = 2  # repeated on each page when the sheet is printed across pages


@dataclass
class Skeleton:
    """The master without its rows: its parts (name, zip time, bytes), which part is each sheet, and
    the ids of :data:`STYLES` in its styles part."""

    key: str
    parts: list[tuple[str, tuple[int, int, int, int, int, int], bytes]]
    sheet_parts: dict[str, str]
    style_ids: dict[str, str]


def skeleton_key(layouts: Sequence[SheetLayout]) -> str:
    """What identifies a skeleton: the layouts, the styles, the code that makes it, and the widths
    and estimates the long sheets' rows' heights are made with (the nightly run keeps those rows
    under this key too). The skeleton's file is kept under it and the digest of the whole package too."""
    rows = [SUBMISSIONS_WIDTHS, DETAIL_WIDTHS, PROBLEMS_WIDTHS, ESTIMATE_VERSION]
    text = json.dumps([SKELETON_FORMAT, STYLES, [asdict(layout) for layout in layouts], rows],
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def style_ids() -> dict[str, str]:
    """The id of each of :data:`STYLES` in the styles part of every master.

    >>> style_ids()["title"], style_ids()["count"]
    ('1', '19')
    """
    return dict(_styles()[1])


def build_skeleton(layouts: Sequence[SheetLayout], key: str | None = None) -> Skeleton:
    """The skeleton of a master with these sheets.

    >>> skeleton = build_skeleton([SheetLayout("Lỗi", (6, 40), 2)])
    >>> skeleton.sheet_parts
    {'Lỗi': 'xl/worksheets/sheet1.xml'}
    >>> b"<sheetData></sheetData>" in dict((n, d) for n, _, d in skeleton.parts)["xl/worksheets/sheet1.xml"]
    True
    """
    titles = [layout.title for layout in layouts]
    if len(set(titles)) != len(titles):
        raise InvalidValue(f"sheet titles repeat: {titles}")
    stamp = time.localtime()[:6]
    styles, ids = _styles()
    parts: list[tuple[str, bytes]] = [
        ("docProps/app.xml", _APP), ("docProps/core.xml", _core_xml()), ("xl/theme/theme1.xml", _theme()),
    ]
    fits = [page_fit(layout.widths, title_columns=layout.title_columns) for layout in layouts]
    sheets: dict[str, str] = {}
    charts: list[tuple[str, bytes]] = []
    overrides: list[tuple[str, str]] = []
    for number, (layout, fit) in enumerate(zip(layouts, fits, strict=True), start=1):
        sheet = f"xl/worksheets/sheet{number}.xml"
        sheets[layout.title] = sheet
        chart = len(charts) + 1 if layout.chart_row else 0
        parts.append((sheet, _sheet_xml(layout, fit, chart)))
        overrides.append((sheet, "spreadsheetml.worksheet+xml"))
        if chart:  # the sheet's drawing (which holds the chart) after the sheet, the charts at the end
            drawing = f"xl/drawings/drawing{chart}.xml"
            parts += [
                (drawing, _drawing_xml(layout)),
                (f"xl/drawings/_rels/drawing{chart}.xml.rels",
                 _relationships([(f"{_REL}/chart", f"/xl/charts/chart{chart}.xml")])),
                (f"xl/worksheets/_rels/sheet{number}.xml.rels",
                 _relationships([(f"{_REL}/drawing", f"/{drawing}")])),
            ]
            charts.append((f"xl/charts/chart{chart}.xml", _chart_xml(layout)))
            overrides.append((drawing, "drawing+xml"))
    overrides += [(name, "drawingml.chart+xml") for name, _ in charts]
    parts += charts
    parts += [
        ("xl/styles.xml", styles),
        ("_rels/.rels", _relationships([
            (f"{_REL}/officeDocument", "xl/workbook.xml"),
            (f"{_PACKAGE_REL}/metadata/core-properties", "docProps/core.xml"),
            (f"{_REL}/extended-properties", "docProps/app.xml")])),
        ("xl/workbook.xml", _workbook_xml(layouts, fits)),
        ("xl/_rels/workbook.xml.rels", _relationships(
            [(f"{_REL}/worksheet", f"/{name}") for name in sheets.values()]
            + [(f"{_REL}/styles", "styles.xml"), (f"{_REL}/theme", "theme/theme1.xml")])),
        ("[Content_Types].xml", _content_types(overrides)),
    ]
    return Skeleton(key or skeleton_key(layouts), [(name, stamp, data) for name, data in parts], sheets,
                    dict(ids))


def _number(value: float) -> str:
    return f"{value:.16g}"


def _attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def _relationships(targets: Sequence[tuple[str, str]]) -> bytes:
    items = "".join(f'<Relationship Type="{kind}" Target="{_attribute(target)}" Id="rId{number}"/>'
                    for number, (kind, target) in enumerate(targets, start=1))
    return f'<Relationships xmlns="{_PACKAGE_REL}">{items}</Relationships>'.encode()


def _content_types(overrides: Sequence[tuple[str, str]]) -> bytes:
    fixed = [("xl/styles.xml", "spreadsheetml.styles+xml"), ("xl/theme/theme1.xml", "theme+xml")]
    items = "".join(f'<Override PartName="/{name}" ContentType="{_TYPES}{kind}"/>'
                    for name, kind in fixed)
    items += ('<Override PartName="/docProps/core.xml" '
              'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
              f'<Override PartName="/docProps/app.xml" ContentType="{_TYPES}extended-properties+xml"/>')
    items += "".join(f'<Override PartName="/{name}" ContentType="{_TYPES}{kind}"/>'
                     for name, kind in overrides)
    items += f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}spreadsheetml.sheet.main+xml"/>'
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>').encode()


_APP = (b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>tdkt_xl</Application></Properties>")


def _core_xml() -> bytes:
    """The document's properties; its times are set when the master is saved."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    stamp = ('xmlns:dcterms="http://purl.org/dc/terms/" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF"')
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
            f"<dc:creator {dc}>tdkt_xl</dc:creator><dc:title {dc}>{escape(_TITLE)}</dc:title>"
            f"<dcterms:created {stamp}>{now}</dcterms:created>"
            f"<dcterms:modified {stamp}>{now}</dcterms:modified></cp:coreProperties>").encode()


@cache
def _theme() -> bytes:
    """The Office theme of openpyxl (``openpyxl/writer/theme.py``), read from its source file, not
    imported; imported when its file cannot be found or read."""
    spec = importlib.util.find_spec("openpyxl")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        try:
            tree = ast.parse((Path(folder) / "writer" / "theme.py").read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "theme_xml"
                                                    for t in node.targets) \
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value.encode("utf-8")
    from openpyxl.writer.theme import theme_xml

    return str(theme_xml).encode("utf-8")


# --- styles --------------------------------------------------------------------------------------

def _color(hex_rgb: str) -> str:
    return f'rgb="00{hex_rgb.upper()}"' if len(hex_rgb) == 6 else f'rgb="{hex_rgb.upper()}"'


def _font_xml(spec: dict[str, Any]) -> str:
    inner = '<b val="1"/>' if spec.get("bold") else ""
    if "color" in spec:
        inner += f"<color {_color(spec['color'])}/>"
    if "size" in spec:
        inner += f'<sz val="{_number(spec["size"])}"/>'
    return f"<font>{inner}</font>"


def _alignment_xml(spec: dict[str, Any]) -> str:
    names = (("horizontal", "horizontal"), ("vertical", "vertical"), ("wrap_text", "wrapText"))
    attributes = "".join(f' {xml}="{"1" if value is True else value}"'
                         for key, xml in names if (value := spec.get(key)) is not None)
    return f"<alignment{attributes}/>"


@cache
def _styles() -> tuple[bytes, tuple[tuple[str, str], ...]]:
    """The styles part, and the id of each of :data:`STYLES` in it."""
    fonts = ['<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
             '<scheme val="minor"/></font>']
    fills = ["<fill><patternFill/></fill>", '<fill><patternFill patternType="gray125"/></fill>']
    side = f'style="thin"><color {_color(_BORDER)}/>'
    borders = ["<border><left/><right/><top/><bottom/><diagonal/></border>",
               f"<border><left {side}</left><right {side}</right><top {side}</top><bottom {side}</bottom>"
               "</border>"]
    formats: dict[str, int] = {}
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>']
    ids: list[tuple[str, str]] = []

    def index(items: list[str], item: str) -> int:
        if item not in items:
            items.append(item)
        return items.index(item)

    for name, spec in STYLES.items():
        font = index(fonts, _font_xml(spec["font"])) if "font" in spec else 0
        fill = index(fills, f'<fill><patternFill patternType="solid"><fgColor {_color(spec["fill"])}/>'
                            "</patternFill></fill>") if "fill" in spec else 0
        number_format = spec.get("number_format", "General")
        if number_format in _BUILTIN_FORMATS:
            format_id = _BUILTIN_FORMATS[number_format]
        else:
            format_id = formats.setdefault(number_format, 164 + len(formats))
        alignment = _alignment_xml(spec["alignment"]) if "alignment" in spec else ""
        border = 1 if spec.get("border") else 0
        xf = (f'<xf numFmtId="{format_id}" fontId="{font}" fillId="{fill}" borderId="{border}"'
              + (' applyAlignment="1"' if alignment else "") + ' pivotButton="0" quotePrefix="0" xfId="0"'
              + (f">{alignment}</xf>" if alignment else "/>"))
        ids.append((name, str(index(xfs, xf))))
    number_formats = "".join(f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>'
                             for code, number in formats.items())
    xml = (f'<styleSheet xmlns="{_MAIN}">'
           + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
           + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
           f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
           f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>'
           '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
           'defaultPivotStyle="PivotStyleLight16"/>'
           "</styleSheet>")
    return xml.encode("utf-8"), tuple(ids)


# --- sheets and the workbook -------------------------------------------------------------------

def _sheet_xml(layout: SheetLayout, fit: PageFit, chart: int) -> bytes:
    """A sheet without rows: widths, the panes frozen under the header, the filter over the data
    rows, the title line merged across the first page, A4 print setup as ``fit`` says (see
    :func:`tdkt_xl.paper.page_fit`), the chart (under the table, on a page of its own)."""
    cols = "".join(f'<col width="{_number(width)}" customWidth="1" min="{number}" max="{number}"/>'
                   for number, width in enumerate(layout.widths, start=1))
    last = column_letter(len(layout.widths))
    span = title_span(layout.widths)
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
           + ('<pageSetUpPr fitToPage="1"/>' if fit.fit_width else "<pageSetUpPr/>") + "</sheetPr>"
           f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{HEADER_ROW}" '
           f'topLeftCell="A{HEADER_ROW + 1}" '
           'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
           '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
           f"<cols>{cols}</cols><sheetData></sheetData>")
    if layout.data_rows:
        xml += f'<autoFilter ref="A{HEADER_ROW}:{last}{HEADER_ROW + layout.data_rows}"/>'
    if span > 1:
        xml += f'<mergeCells count="1"><mergeCell ref="A1:{column_letter(span)}1"/></mergeCells>'
    margins = " ".join(f'{side}="{_number(MARGINS_INCH[side])}"'
                       for side in ("left", "right", "top", "bottom", "header", "footer"))
    xml += f"<pageMargins {margins}/>"
    orientation = "landscape" if fit.landscape else "portrait"
    size = (' fitToHeight="0" fitToWidth="1"' if fit.fit_width else f' scale="{fit.scale}"')
    xml += f'<pageSetup orientation="{orientation}" paperSize="{A4_PAPER}"{size}/>'
    if layout.chart_row:
        xml += (f'<rowBreaks count="1" manualBreakCount="1"><brk id="{layout.chart_row + 1}" min="0" '
                'max="16383" man="1"/></rowBreaks>')
    if chart:
        xml += f'<drawing xmlns:r="{_REL}" r:id="rId1"/>'
    return (xml + "</worksheet>").encode("utf-8")


def _workbook_xml(layouts: Sequence[SheetLayout], fits: Sequence[PageFit]) -> bytes:
    sheets = "".join(f'<sheet xmlns:r="{_REL}" name="{_attribute(layout.title)}" sheetId="{number}" '
                     f'state="visible" r:id="rId{number}"/>'
                     for number, layout in enumerate(layouts, start=1))
    names = ""
    for at, (layout, fit) in enumerate(zip(layouts, fits, strict=True)):
        sheet = escape(quoted_sheet_name(layout.title))
        if layout.data_rows:
            names += (f'<definedName name="_xlnm._FilterDatabase" localSheetId="{at}" hidden="1">'
                      f"{sheet}!$A${HEADER_ROW}:${column_letter(len(layout.widths))}$"
                      f"{HEADER_ROW + layout.data_rows}</definedName>")
        titles = f"{sheet}!${HEADER_ROW}:${HEADER_ROW}"
        if fit.title_columns:
            titles += f",{sheet}!$A:${column_letter(fit.title_columns)}"
        names += f'<definedName name="_xlnm.Print_Titles" localSheetId="{at}">{titles}</definedName>'
    return (f'<workbook xmlns="{_MAIN}"><workbookPr/><workbookProtection/><bookViews>'
            '<workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
            'showVerticalScroll="1" '
            'showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/>'
            f"</bookViews><sheets>{sheets}</sheets><definedNames>{names}</definedNames>"
            '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>').encode()


# --- the chart ------------------------------------------------------------------------------------

def _drawing_xml(layout: SheetLayout) -> bytes:
    """Where the chart goes: column A, two rows under the page break after the table."""
    width, height = (size * _EMU_PER_CM for size in _CHART_CM)
    return ('<wsDr xmlns="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"><oneCellAnchor>'
            f"<from><col>0</col><colOff>0</colOff><row>{layout.chart_row + 2}</row><rowOff>0</rowOff></from>"
            f'<ext cx="{width}" cy="{height}"/><graphicFrame><nvGraphicFramePr><cNvPr id="1" name="Chart 1"/>'
            f'<cNvGraphicFramePr/></nvGraphicFramePr><xfrm/><a:graphic xmlns:a="{_DRAWING_ML}">'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="{_REL}" '
            'r:id="rId1"/></a:graphicData></a:graphic></graphicFrame><clientData/></oneCellAnchor></wsDr>'
            ).encode()


def _rich_title(text: str) -> str:
    return (f'<title><tx><rich><a:bodyPr xmlns:a="{_DRAWING_ML}"/><a:p xmlns:a="{_DRAWING_ML}">'
            f"<a:pPr><a:defRPr/></a:pPr><a:r><a:t>{escape(text)}</a:t></a:r></a:p></rich></tx></title>")


def _chart_xml(layout: SheetLayout) -> bytes:
    """A column chart of the year columns (B onwards) of row ``chart_row``, the years (the header row)
    as its categories; no legend; both axes shown (recent Excel hides axes marked deleted)."""
    sheet = escape(quoted_sheet_name(layout.title))
    last = column_letter(1 + layout.chart_columns)
    years, counts = (f"{sheet}!$B${row}" + (f":${last}${row}" if last != "B" else "")
                     for row in (HEADER_ROW, layout.chart_row))
    return ('<chartSpace xmlns="http://schemas.openxmlformats.org/drawingml/2006/chart"><chart>'
            f"{_rich_title(CHART_TITLE)}<plotArea><barChart>"
            '<barDir val="col"/><grouping val="clustered"/><ser><idx val="0"/><order val="0"/>'
            f'<spPr><a:ln xmlns:a="{_DRAWING_ML}"><a:prstDash val="solid"/>'
            f"</a:ln></spPr><cat><numRef><f>{years}</f></numRef></cat><val><numRef><f>{counts}</f></numRef></val>"
            '</ser><gapWidth val="150"/><axId val="10"/><axId val="100"/></barChart>'
            '<catAx><axId val="10"/><scaling><orientation val="minMax"/></scaling><delete val="0"/>'
            f'<axPos val="l"/>{_rich_title(CHART_AXES[0])}'
            '<majorTickMark val="none"/><minorTickMark val="none"/>'
            '<crossAx val="100"/><lblOffset val="100"/></catAx>'
            '<valAx><axId val="100"/><scaling><orientation val="minMax"/><min val="0"/></scaling>'
            '<delete val="0"/>'
            f'<axPos val="l"/><majorGridlines/>{_rich_title(CHART_AXES[1])}<majorTickMark val="none"/>'
            '<minorTickMark val="none"/><crossAx val="10"/></valAx></plotArea><plotVisOnly val="1"/>'
            '<dispBlanksAs val="gap"/></chart></chartSpace>').encode()
