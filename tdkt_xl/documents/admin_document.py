"""An administrative document laid out as Nghị định 30/2020/NĐ-CP (Phụ lục I) asks.

Khổ A4, lề trên và dưới 20 mm, trái 30 mm, phải 15 mm; Times New Roman, màu đen, chữ nội dung
14; the header block as a two-column table without borders (the parent body in capitals, the
issuing body in bold capitals and a short line under it, then "Số:     /BC-…" left blank to fill;
on the right the Quốc hiệu, the Tiêu ngữ with its line, then the place and date in italics); the
kind ("BÁO CÁO") and trích yếu in bold, centred; page numbers centred in the top margin from the
second page; "Nơi nhận:" and the signature block at the end. Headings use Word's "Heading 1" …
"Heading 4" styles, restyled to Times New Roman and black, so that the user can restyle them and
build a table of contents. What the data cannot give is a placeholder "[…]", highlighted yellow.

:func:`new_admin_document` starts one; :func:`add_closing` ends it; :func:`save_document`
writes it atomically. :func:`format_count` and :func:`format_share` write numbers the
Vietnamese way (1.234; 12,5%).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from pydantic import BaseModel, ConfigDict

from tdkt_xl.atomic import atomic_path
from tdkt_xl.plans.models import Plan

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
FIRST_LINE_INDENT = Cm(1.27)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
HEADER_LEFT_WIDTH = Mm(65)  # the issuing body's column; the Quốc hiệu's takes the rest

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT_PLACEHOLDER = "[Nội dung do đơn vị soạn thảo]"
# what stands where the plan's Cấu hình gives nothing
BODY_PLACEHOLDER = "[TÊN CƠ QUAN BAN HÀNH]"
PLACE_PLACEHOLDER = "[Địa danh]"
SIGNER_TITLE_PLACEHOLDER = "[CHỨC VỤ NGƯỜI KÝ]"
SIGNER_NAME_PLACEHOLDER = "[Họ và tên người ký]"
RECIPIENT_PLACEHOLDER = "[Nơi nhận]"
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
# what follows w:pBdr in w:pPr and w:tblBorders in w:tblPr (ECMA-376): Word refuses another order
_AFTER_PARAGRAPH_BORDERS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)
_AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                        "w:tblDescription", "w:tblPrChange")


class Issuer(BaseModel):
    """Who issues the document: the parent body above it (may be empty), the issuing body, the
    place written before the date, the body's short name for the ký hiệu ("SNV"), and who signs."""

    model_config = ConfigDict(frozen=True)

    parent_body: str = ""
    body: str = ""
    place: str = ""
    abbreviation: str = ""
    signer_title: str = ""
    signer_name: str = ""


def issuer_from_plan(plan: Plan) -> Issuer:
    """The issuer written in the plan's "Cấu hình" sheet ("Cơ quan chủ quản", "Cơ quan ban
    hành", "Địa danh", "Ký hiệu cơ quan", "Người ký", "Chức vụ người ký")."""
    config = plan.config
    return Issuer(parent_body=config.parent_body, body=config.issuing_body, place=config.place,
                  abbreviation=config.body_abbreviation, signer_title=config.signer_title,
                  signer_name=config.signer_name)


# --- numbers the Vietnamese way -------------------------------------------------


def format_count(n: int) -> str:
    """A whole number with dots between thousands.

    >>> format_count(1234), format_count(1234567), format_count(-5), format_count(0)
    ('1.234', '1.234.567', '-5', '0')
    """
    return f"{n:,}".replace(",", ".")


def format_share(share: float, decimals: int = 1) -> str:
    """A share (0.125) as a percentage with a decimal comma, no trailing ",0".

    >>> format_share(0.125), format_share(0.5), format_share(1 / 3), format_share(12.345)
    ('12,5%', '50%', '33,3%', '1.234,5%')
    """
    text = f"{share * 100:,.{decimals}f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", ".")
    fraction = fraction.rstrip("0")
    return f"{whole},{fraction}%" if fraction else f"{whole}%"


def written_date(place: str, day: date | None) -> str:
    """"Hà Nội, ngày 05 tháng 3 năm 2024": a day below 10 and the months 1 and 2 with a 0 in
    front (Nghị định 30); no day: blanks to fill.

    >>> written_date("Hà Nội", date(2024, 2, 5)), written_date("Huế", date(2024, 11, 20))
    ('Hà Nội, ngày 05 tháng 02 năm 2024', 'Huế, ngày 20 tháng 11 năm 2024')
    >>> written_date("Huế", None)
    'Huế, ngày      tháng      năm      '
    """
    if day is None:
        return f"{place}, ngày      tháng      năm      "
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# --- fonts, runs and paragraphs --------------------------------------------------


def _set_fonts(r_pr: Any, name: str = FONT) -> None:
    """Every script's font of a run or style properties: Latin, East Asian and complex, so that
    Word uses it for Vietnamese letters too; a theme font would win over it, so none is left."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(1 if r_pr.find(qn("w:rStyle")) is not None else 0, fonts)  # after a run style
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def style_run(run: Run, *, size: Pt | None = None, bold: bool | None = None,
              italic: bool | None = None, underline: bool | None = None) -> Run:
    """Give ``run`` the document font (and a size, bold, italic when given)."""
    _set_fonts(run._r.get_or_add_rPr())
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    return run


def add_run(paragraph: Paragraph, text: str, *, size: Pt | None = None, bold: bool | None = None,
            italic: bool | None = None) -> Run:
    """A run of ``text`` in the document font."""
    return style_run(paragraph.add_run(text), size=size, bold=bold, italic=italic)


def add_placeholder(paragraph: Paragraph, text: str = DRAFT_PLACEHOLDER, *, size: Pt | None = None,
                    bold: bool | None = None, italic: bool | None = None) -> Run:
    """A yellow-highlighted placeholder for what the drafter writes or fills in."""
    run = add_run(paragraph, text, size=size, bold=bold, italic=italic)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def add_text_or_placeholder(paragraph: Paragraph, text: str, placeholder: str, *,
                            size: Pt | None = None, bold: bool | None = None,
                            italic: bool | None = None) -> Run:
    """``text`` when there is some, else ``placeholder`` highlighted."""
    if text.strip():
        return add_run(paragraph, text, size=size, bold=bold, italic=italic)
    return add_placeholder(paragraph, placeholder, size=size, bold=bold, italic=italic)


def _spacing(paragraph: Paragraph, *, before: float = 0, after: float = 0, indent: bool = False,
             align: Any = WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.first_line_indent = FIRST_LINE_INDENT if indent else Cm(0)
    fmt.line_spacing = 1.0
    paragraph.alignment = align
    return paragraph


def body_paragraph(doc: DocxDocument, text: str = "", *, italic: bool | None = None,
                   bold: bool | None = None) -> Paragraph:
    """A paragraph of the body (Normal: justified, first line indented, 6 pt after)."""
    paragraph = doc.add_paragraph()
    if text:
        add_run(paragraph, text, italic=italic, bold=bold)
    return paragraph


def add_heading(doc: DocxDocument, text: str, level: int) -> Paragraph:
    """A heading of the outline's ``level`` (1 roman … 4 point) in Word's "Heading n" style."""
    paragraph = doc.add_paragraph(style=HEADING_STYLES[min(max(level, 1), 4)])
    add_run(paragraph, text)
    return paragraph


def _line_under(paragraph: Paragraph, width: Any, room: Any) -> None:
    """A line ``width`` long under ``paragraph`` (centred in ``room``): the paragraph's bottom
    border, its indents making it as long as the text above it."""
    side = max(int((room - width) / 2), 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent = side, side
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attribute, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(attribute), value)
    borders.append(bottom)
    p_pr.insert_element_before(borders, *_AFTER_PARAGRAPH_BORDERS)  # Word wants the schema's order


# --- the document's styles and page ----------------------------------------------


def _restyle(doc: DocxDocument) -> None:
    """Normal: Times New Roman 14, justified, first line 1,27 cm, 6 pt after, single spacing;
    Heading 1–4: the same font, bold, black, kept with the next paragraph."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:
            _set_fonts(r_pr)
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = BODY_SIZE
    normal.font.color.rgb = RGBColor(0, 0, 0)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = FIRST_LINE_INDENT
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.0
    for level, name in HEADING_STYLES.items():
        style = doc.styles[name]
        _set_fonts(style.element.get_or_add_rPr())
        font = style.font
        font.size, font.bold, font.italic = BODY_SIZE, True, level >= 3
        font.color.rgb = RGBColor(0, 0, 0)
        color = style.element.rPr.find(qn("w:color"))
        if color is not None:
            for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
                color.attrib.pop(qn(attribute), None)
        heading = style.paragraph_format
        heading.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        heading.first_line_indent = Cm(0) if level == 1 else FIRST_LINE_INDENT
        heading.space_before, heading.space_after = Pt(6), Pt(6)
        heading.line_spacing = 1.0
        heading.keep_with_next = True


def _page(doc: DocxDocument) -> None:
    """A4 upright with Nghị định 30's margins; the page number centred in the top margin, not on
    the first page."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    _spacing(paragraph)
    _page_field(paragraph)


def _page_field(paragraph: Paragraph) -> None:
    """The PAGE field, 14 pt."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = style_run(paragraph.add_run(), size=BODY_SIZE)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text or ""


# --- tables without borders ------------------------------------------------------


def borderless_table(doc: DocxDocument, widths: Sequence[Any]) -> Table:
    """A one-row table of ``widths`` with no borders (a layout grid, as the header block)."""
    table: Table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, *_AFTER_TABLE_BORDERS)
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


def _cell_paragraph(cell: _Cell, first: bool = False, *, before: float = 0,
                    align: Any = WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    return _spacing(paragraph, before=before, align=align)


# --- the header block, the title, the closing --------------------------------------


def _issuer_cell(cell: _Cell, issuer: Issuer, symbol: str, summary: str, letter: bool) -> None:
    """The left column: parent body, issuing body and its line, the number (and for a letter,
    "V/v …" under it)."""
    paragraph = _cell_paragraph(cell, first=True)
    if issuer.parent_body.strip():
        add_run(paragraph, issuer.parent_body.upper(), size=Pt(13))
        paragraph = _cell_paragraph(cell)
    add_text_or_placeholder(paragraph, issuer.body.upper(), BODY_PLACEHOLDER, size=Pt(13), bold=True)
    _line_under(_cell_paragraph(cell), Mm(22), HEADER_LEFT_WIDTH)
    number = _cell_paragraph(cell, before=6)
    add_run(number, f"Số:        /{symbol or '…'}", size=Pt(13))
    if letter and summary:
        add_run(_cell_paragraph(cell, before=6), summary, size=Pt(12))


def _nation_cell(cell: _Cell, issuer: Issuer, issued_on: date | None) -> None:
    """The right column: Quốc hiệu, Tiêu ngữ with its line, place and date in italics."""
    add_run(_cell_paragraph(cell, first=True), NATIONAL_NAME, size=Pt(12), bold=True)
    add_run(_cell_paragraph(cell), MOTTO, size=Pt(13), bold=True)
    _line_under(_cell_paragraph(cell), Mm(60), TEXT_WIDTH - HEADER_LEFT_WIDTH)
    when = _cell_paragraph(cell, before=6)
    if issuer.place.strip():
        add_run(when, written_date(issuer.place, issued_on), size=Pt(14), italic=True)
    else:
        add_placeholder(when, PLACE_PLACEHOLDER, size=Pt(14), italic=True)
        add_run(when, written_date("", issued_on), size=Pt(14), italic=True)


def new_admin_document(issuer: Issuer, kind: str, summary: str, issued_on: date | None = None,
                       symbol: str = "") -> DocxDocument:
    """A new document with the page, styles, header block and title of Nghị định 30.

    ``kind`` is the document's name printed as its title ("BÁO CÁO", "KẾ HOẠCH"); "" for a
    công văn, whose trích yếu ("V/v …") stands under its number instead. ``symbol`` is the ký
    hiệu after the number's slash ("BC-SNV"); ``issued_on`` None leaves the date to fill.
    """
    doc = Document()
    _restyle(doc)
    _page(doc)
    letter = not kind.strip()
    header = borderless_table(doc, [HEADER_LEFT_WIDTH, TEXT_WIDTH - HEADER_LEFT_WIDTH])
    left, right = header.rows[0].cells
    _issuer_cell(left, issuer, symbol, summary, letter)
    _nation_cell(right, issuer, issued_on)
    if not letter:
        title = _spacing(doc.add_paragraph(), before=18)
        add_run(title, kind.upper(), bold=True)
        if summary:
            add_run(_spacing(doc.add_paragraph(), after=0), summary, bold=True)
        _line_under(_spacing(doc.add_paragraph(), after=12), Mm(30), TEXT_WIDTH)
    else:
        _spacing(doc.add_paragraph(), after=6)
    return doc


def add_closing(doc: DocxDocument, recipients: Sequence[str], signer_title: str,
                signer_name: str = "") -> None:
    """"Nơi nhận:" (each recipient on a line "- …;", the last "- Lưu: VT, …."), and the signer's
    title and name, placeholders where they are missing."""
    table = borderless_table(doc, [Mm(80), TEXT_WIDTH - Mm(80)])
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))  # the signature block never split by a page
    left, right = table.rows[0].cells
    heading = _cell_paragraph(left, first=True, before=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    add_run(heading, "Nơi nhận:", size=Pt(12), bold=True, italic=True)
    lines = [r for r in recipients if r.strip()]
    for recipient in lines:
        add_run(_cell_paragraph(left, align=WD_ALIGN_PARAGRAPH.LEFT), f"- {recipient.strip()};", size=Pt(11))
    if not lines:
        add_placeholder(_cell_paragraph(left, align=WD_ALIGN_PARAGRAPH.LEFT), f"- {RECIPIENT_PLACEHOLDER};",
                        size=Pt(11))
    add_run(_cell_paragraph(left, align=WD_ALIGN_PARAGRAPH.LEFT), "- Lưu: VT, ….", size=Pt(11))
    title = _cell_paragraph(right, first=True, before=12)
    add_text_or_placeholder(title, signer_title.upper(), SIGNER_TITLE_PLACEHOLDER, size=BODY_SIZE, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _cell_paragraph(right)
    add_text_or_placeholder(_cell_paragraph(right), signer_name, SIGNER_NAME_PLACEHOLDER, size=BODY_SIZE,
                            bold=True)


def save_document(doc: DocxDocument, path: Path) -> None:
    """Write ``doc`` to ``path`` whole or not at all."""
    with atomic_path(path) as temp:
        doc.save(str(temp))
