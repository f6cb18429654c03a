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

from tdkt_xl.documents.outline import OutlineItem
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


# --- the demo's units -----------------------------------------------------------------------------

# What a unit writes under an item, by the words of its title (folded): the first that matches.
_SAYINGS: tuple[tuple[str, str], ...] = (
    ("thuan loi", "{name} luôn nhận được sự quan tâm, chỉ đạo sát sao của Tỉnh ủy, UBND tỉnh và sự "
                  "phối hợp chặt chẽ của các sở, ngành."),
    ("kho khan", "Biên chế làm công tác thi đua, khen thưởng của {name} còn kiêm nhiệm, thường xuyên "
                 "thay đổi, ảnh hưởng đến chất lượng tham mưu."),
    ("uu diem", "Phong trào thi đua tại {name} được triển khai rộng khắp, gắn với nhiệm vụ chính trị "
                "của đơn vị; khen thưởng kịp thời, đúng người, đúng thành tích."),
    ("ton tai", "Một số phong trào thi đua của {name} còn hình thức, chưa có tiêu chí cụ thể; việc "
                "phát hiện nhân tố mới, điển hình tiên tiến còn hạn chế."),
    ("khach quan", "Văn bản hướng dẫn thi hành Luật Thi đua, khen thưởng thay đổi nhiều lần trong "
                   "giai đoạn 2014 - 2023."),
    ("chu quan", "Một số lãnh đạo phòng, đơn vị trực thuộc {name} chưa quan tâm đúng mức đến công tác "
                 "thi đua, khen thưởng."),
    ("bai hoc", "Phải gắn phong trào thi đua với nhiệm vụ chuyên môn; người đứng đầu trực tiếp chỉ "
                "đạo và chịu trách nhiệm về kết quả."),
    ("kien nghi", "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ thi đua, khen thưởng hằng năm và "
                  "sớm triển khai phần mềm quản lý hồ sơ khen thưởng dùng chung toàn tỉnh."),
    ("dac diem", "{name} có 12 phòng, đơn vị trực thuộc với 356 cán bộ, công chức, viên chức và người "
                 "lao động."),
)
_GENERIC = ("Trong giai đoạn 2014 - 2023, {name} đã triển khai nội dung này bằng kế hoạch hằng năm, "
            "lồng ghép vào chương trình công tác của đơn vị.")


def unit_sayings(name: str, title: str) -> tuple[str, ...]:
    """What unit ``name`` writes under an item titled ``title`` (a sentence or two).

    >>> unit_sayings("Sở Giao thông vận tải", "Khó khăn")[0][:20]
    'Biên chế làm công tá'
    """
    folded = strip_diacritics(title).lower()
    found = next((text for words, text in _SAYINGS if words in folded), _GENERIC)
    return (found.format(name=name),)


@dataclass(frozen=True)
class DemoDocument:
    """One of the demo's units' Word reports: the file, who writes, how it writes the headings,
    and the outline items it leaves out (keys)."""

    file: str
    letter: UnitLetter
    way: HeadingWay
    left_out: tuple[str, ...] = ()


DEMO_DOCUMENTS = (
    DemoDocument("SGTVT_bao_cao_tong_ket.docx",
                 UnitLetter("UBND tỉnh Bắc Ninh", "Sở Giao thông vận tải", "BC-SGTVT"), "styles",
                 ("II.3.d",)),
    DemoDocument("dot_2/bao_cao_phong_1.docx", UnitLetter("Ban Thi đua - Khen thưởng", "Phòng I", "BC-P1"),
                 "bold", ("I.-1", "I.-2", "I.-3")),
    DemoDocument("bao cao GDDT.docx", UnitLetter("UBND tỉnh Bắc Ninh", "Sở Giáo dục và Đào tạo", "BC-SGDĐT"),
                 "ascii-upper", ("III.3",)),
)


def write_demo_documents(inbox: Path, items: Sequence[OutlineItem]) -> list[Path]:
    """The demo's units' Word reports under ``inbox``, following the outline ``items``."""
    written = []
    for demo in DEMO_DOCUMENTS:
        name = demo.letter.body
        sections = [Section(item.label, item.title, item.level, unit_sayings(name, item.title))
                    for item in items if item.key not in demo.left_out]
        preface = (f"Thực hiện Văn bản số 962/SNV-TĐKT ngày 13/3/2024 của Sở Nội vụ, {name} báo cáo "
                   "như sau:",)
        written.append(write_unit_report_docx(inbox / demo.file, demo.letter, sections, way=demo.way,
                                              preface=preface))
    return written
