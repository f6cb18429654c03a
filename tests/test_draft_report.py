"""The Word documents laid out as Nghị định 30/2020/NĐ-CP asks, and the draft Báo cáo tổng kết."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import given
from hypothesis import strategies as st

from tdkt_xl.documents.admin_document import (
    BODY_PLACEHOLDER,
    PLACE_PLACEHOLDER,
    SIGNER_NAME_PLACEHOLDER,
    SIGNER_TITLE_PLACEHOLDER,
    Issuer,
    add_closing,
    add_heading,
    format_count,
    format_share,
    issuer_from_plan,
    new_admin_document,
    save_document,
)
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.reader import read_plan

ISSUER = Issuer(parent_body="UBND tỉnh Bắc Ninh", body="Sở Nội vụ", place="Bắc Ninh", abbreviation="SNV")


def _mm(length: int | None) -> float:
    assert length is not None
    return round(length / Mm(1), 1)


def _highlighted(doc: DocxDocument) -> list[str]:
    """The texts of every yellow run, in the body and its tables."""
    runs = [r for p in _all_paragraphs(doc) for r in p.runs]
    return [r.text for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]


def _all_paragraphs(doc: DocxDocument) -> list:
    found = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                found += cell.paragraphs
    return found


def _texts(doc: DocxDocument) -> list[str]:
    return [p.text for p in _all_paragraphs(doc)]


# --- the page, the fonts, the header block ---------------------------------------


@pytest.fixture(scope="module")
def admin_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc = new_admin_document(ISSUER, "Báo cáo", "Tổng kết 10 năm công tác thi đua", date(2024, 2, 5),
                             "BC-SNV")
    for level in (1, 2, 3, 4):
        add_heading(doc, f"Đề mục cấp {level}", level)
        doc.add_paragraph("Nội dung " * 200)
    add_closing(doc, ["Bộ Nội vụ", "Ban Thi đua - Khen thưởng"], "Giám đốc", "Nguyễn Văn An")
    path = tmp_path_factory.mktemp("admin") / "van_ban.docx"
    save_document(doc, path)
    return path


def test_the_page_is_a4_with_nghi_dinh_30_margins(admin_docx: Path) -> None:
    section = Document(str(admin_docx)).sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210, 297)
    assert 20 <= _mm(section.top_margin) <= 25 and 20 <= _mm(section.bottom_margin) <= 25
    assert 30 <= _mm(section.left_margin) <= 35 and 15 <= _mm(section.right_margin) <= 20
    # the page number: centred in the top margin, not on the first page
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and 'w:val="center"' in header_xml
    assert not section.first_page_header.paragraphs or not section.first_page_header.paragraphs[0].text


def test_every_style_and_run_is_times_new_roman_for_every_script(admin_docx: Path) -> None:
    doc = Document(str(admin_docx))
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = doc.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
        assert fonts.get(qn("w:asciiTheme")) is None
        assert str(style.font.color.rgb) == "000000"
    assert 13 <= doc.styles["Normal"].font.size.pt <= 14
    for paragraph in _all_paragraphs(doc):
        for run in paragraph.runs:
            # a run names its font, or takes the paragraph style's (checked above)
            fonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
            assert fonts is None or fonts.get(qn("w:eastAsia")) == "Times New Roman", run.text
            assert paragraph.style.name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
                                            "Header")


def test_headings_use_word_heading_styles(admin_docx: Path) -> None:
    doc = Document(str(admin_docx))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [(f"Heading {n}", f"Đề mục cấp {n}") for n in (1, 2, 3, 4)]


def test_the_header_block_title_and_closing(admin_docx: Path) -> None:
    doc = Document(str(admin_docx))
    left, right = (cell.text.split("\n") for cell in doc.tables[0].rows[0].cells)
    assert left[:2] == ["UBND TỈNH BẮC NINH", "SỞ NỘI VỤ"]
    assert re.fullmatch(r"Số:\s+/BC-SNV", left[-1])
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right[-1] == "Bắc Ninh, ngày 05 tháng 02 năm 2024"
    assert all(r.italic for p in doc.tables[0].rows[0].cells[1].paragraphs[-1:] for r in p.runs)
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[:2] == ["BÁO CÁO", "Tổng kết 10 năm công tác thi đua"]
    closing = [cell.text.split("\n") for cell in doc.tables[-1].rows[0].cells]
    assert closing[0] == ["Nơi nhận:", "- Bộ Nội vụ;", "- Ban Thi đua - Khen thưởng;", "- Lưu: VT, …."]
    assert closing[1][0] == "GIÁM ĐỐC" and closing[1][-1] == "Nguyễn Văn An"
    assert not _highlighted(doc)


def test_what_is_not_known_is_a_highlighted_placeholder() -> None:
    doc = new_admin_document(Issuer(), "Báo cáo", "Trích yếu", None, "")
    add_closing(doc, [], "")
    marked = _highlighted(doc)
    for placeholder in (BODY_PLACEHOLDER, PLACE_PLACEHOLDER, SIGNER_TITLE_PLACEHOLDER,
                        SIGNER_NAME_PLACEHOLDER):
        assert placeholder in marked
    left = doc.tables[0].rows[0].cells[0].text.split("\n")
    assert left[0] == BODY_PLACEHOLDER  # no parent body: no line for it


def test_a_letter_has_its_trich_yeu_under_the_number() -> None:
    doc = new_admin_document(ISSUER, "", "V/v đôn đốc gửi báo cáo", None, "SNV-TĐKT")
    left = doc.tables[0].rows[0].cells[0].text.split("\n")
    assert left[-1] == "V/v đôn đốc gửi báo cáo"
    assert "BÁO CÁO" not in [p.text for p in doc.paragraphs]


def test_the_issuer_comes_from_the_plan_s_cau_hinh() -> None:
    task = Grid("Phân công", [["TT", "Nội dung", "Đơn vị thực hiện", "Thời gian hoàn thành"],
                              [1, "Hướng dẫn tổng kết", "Phòng III", "Tháng 2"]])
    config = Grid("Cấu hình", [["Thiết lập", "Giá trị"], ["Cơ quan chủ quản", "UBND tỉnh Bắc Ninh"],
                               ["Cơ quan ban hành", " Sở  Nội vụ "], ["Ký hiệu cơ quan", "SNV"],
                               ["Địa danh", "Bắc Ninh"], ["Người ký", "Nguyễn Văn An"],
                               ["Chức vụ người ký", "Giám đốc"]])
    plan = read_plan([task, config], year=2024)
    assert issuer_from_plan(plan) == Issuer(
        parent_body="UBND tỉnh Bắc Ninh", body="Sở Nội vụ", place="Bắc Ninh", abbreviation="SNV",
        signer_title="Giám đốc", signer_name="Nguyễn Văn An")
    assert issuer_from_plan(read_plan([task], year=2024)) == Issuer()


# --- numbers the Vietnamese way ----------------------------------------------------


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_counts_read_back_with_dots_between_thousands(n: int) -> None:
    text = format_count(n)
    assert int(text.replace(".", "")) == n
    groups = text.lstrip("-").split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_shares_read_back_with_a_decimal_comma(part: int, whole: int) -> None:
    share = part / whole
    text = format_share(share)
    assert text.endswith("%") and text.count(",") <= 1
    assert "." not in text.partition(",")[2]
    number = float(text[:-1].replace(".", "").replace(",", "."))
    assert abs(number - share * 100) <= 0.05 + 1e-9
    assert not text.endswith(",0%")
