"""Units' narrative reports in Word, written by code as units write them: the issuing body in a
header table, "Số: …/BC-…", the title, then the đề cương's headings written one of several ways
(Word heading styles, bold paragraphs, upper case without diacritics, a numbered list) with a
few sentences under each, and "Nơi nhận" at the end. The demo puts some in its inbox; the tests
use the same writer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from tdkt_xl.plans.text import strip_diacritics

HeadingWay = Literal["styles", "bold", "ascii-upper", "list"]


@dataclass(frozen=True)
class Section:
    """One heading of the unit's report and the paragraphs under it (``level`` 1 for "I.")."""

    label: str
    title: str
    level: int
    text: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitLetter:
    """Who writes: the parent body and the issuing body as they head the document, its symbol."""

    parent: str
    body: str
    symbol: str = "BC"
    place: str = "Bắc Ninh"


def _header(doc: DocxDocument, letter: UnitLetter, plain: Callable[[str], str]) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run(plain(letter.parent.upper()))
    left.add_paragraph().add_run(plain(letter.body.upper())).bold = True
    left.add_paragraph("Số:     /" + letter.symbol)
    right.paragraphs[0].add_run(plain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")).bold = True
    right.add_paragraph(plain("Độc lập - Tự do - Hạnh phúc"))
    right.add_paragraph(plain(f"{letter.place}, ngày 20 tháng 6 năm 2024"))
    title = doc.add_paragraph()
    title.add_run(plain("BÁO CÁO")).bold = True
    doc.add_paragraph(plain("Tổng kết 10 năm thực hiện Chỉ thị số 34-CT/TW về tiếp tục đổi mới công tác "
                            "thi đua, khen thưởng"))


def _heading(doc: DocxDocument, section: Section, way: HeadingWay, plain: Callable[[str], str]) -> None:
    written = f"{section.label} {section.title}".strip()
    if way == "styles":
        doc.add_heading(written, level=min(section.level, 3))
    elif way == "bold":
        run = doc.add_paragraph().add_run(written.upper() if section.level == 1 else written)
        run.bold = True
    elif way == "ascii-upper":
        doc.add_paragraph(plain(written).upper() if section.level <= 2 else plain(written))
    else:  # the list gives the number: "1.", "2." … whatever the outline's label
        style = "List Number" if section.level == 1 else "List Number 2"
        doc.add_paragraph(section.title, style=style if section.level <= 2 else "List Number 3")


def write_unit_report_docx(path: Path, letter: UnitLetter, sections: Sequence[Section], *,
                           way: HeadingWay = "styles", preface: Sequence[str] = ()) -> Path:
    """Write a unit's report to ``path`` (.docx) with its headings written ``way``; ``preface``:
    paragraphs before the first heading (they belong to no outline item)."""
    plain: Callable[[str], str] = strip_diacritics if way == "ascii-upper" else str
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    _header(doc, letter, plain)
    for text in preface:
        doc.add_paragraph(plain(text))
    for section in sections:
        _heading(doc, section, way, plain)
        for text in section.text:
            doc.add_paragraph(plain(text))
    closing = doc.add_paragraph()
    closing.add_run(plain("Nơi nhận:")).bold = True
    doc.add_paragraph(plain("- Sở Nội vụ (Ban TĐKT);"))
    doc.add_paragraph(plain("- Lưu: VT."))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
