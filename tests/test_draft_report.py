"""The Word documents laid out as Nghị định 30/2020/NĐ-CP asks, and the draft Báo cáo tổng kết."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DemoCopier, find_soffice, write_book
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook
from paper_pdf import pdf_info, pdf_text

from tdkt_xl.cli import cli
from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.documents import outline_files
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
from tdkt_xl.documents.draft_report import DRAFT_PLACEHOLDER, DraftReport, write_draft_report
from tdkt_xl.documents.outline import default_outline, parse_outline_lines
from tdkt_xl.documents.statistics_section import commendation_figures, summary_sentences, year_level_rows
from tdkt_xl.errors import InvalidValue
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.plans.commendation_forms import DEFAULT_FORMS, LEVEL_STATE
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.reader import read_plan
from tdkt_xl.reports.layout import INFO_PROPOSALS, INFO_SHEET, STATS_HEADER_ROW, STATS_SHEET

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


# --- the draft report over the demo round ----------------------------------------------------

DIFFICULTIES_KEY, PROPOSALS_KEY, STATISTICS_KEY = "III.1.b", "IV", "II.3"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Drafted:
    root: Path
    plan: Plan
    result: Consolidation
    written: DraftReport
    doc: DocxDocument


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory, demo_round: DemoCopier) -> Drafted:
    root, result = demo_round(tmp_path_factory.mktemp("draft"))
    plan = load_plan(root / "ke_hoach_mau.xlsx")
    out = root / "du_thao.docx"
    written = write_draft_report(plan, result, out)
    return Drafted(root, plan, result, written, Document(str(out)))


def _number(text: str) -> int:
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", text), text
    return int(text.replace(".", ""))


def _independent_counts(drafted: Drafted) -> dict[str, dict[int, int]]:
    """Form -> year -> count summed straight from the accepted report workbooks' "Số liệu" sheets
    (a cell the consolidation named as a problem left out, as it leaves it out)."""
    forms = {f.name for f in drafted.result.forms}
    bad = {(p.file, p.cell) for p in drafted.result.problems if p.sheet == STATS_SHEET}
    counts: dict[str, dict[int, int]] = {}
    for outcome in drafted.result.files:
        if outcome.outcome != "accepted":
            continue
        sheet = load_workbook(drafted.root / "hop_thu" / outcome.file, data_only=True)[STATS_SHEET]
        years = {c: v for c in range(1, sheet.max_column + 1)
                 if isinstance(v := sheet.cell(STATS_HEADER_ROW, c).value, int)}
        for row in range(STATS_HEADER_ROW + 1, sheet.max_row + 1):
            form = sheet.cell(row, 1).value
            if form not in forms:
                continue
            for column, year in years.items():
                cell = sheet.cell(row, column)
                if (outcome.file, cell.coordinate) in bad or cell.value in (None, ""):
                    continue
                counts.setdefault(form, {}).setdefault(year, 0)
                counts[form][year] += int(cell.value)
    return counts


def _table(doc: DocxDocument, first_header: str, second_header: str) -> list[list[str]]:
    for table in doc.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:2] == [first_header, second_header]:
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table {first_header} | {second_header}")


def test_the_draft_follows_the_outline_headings_in_order_and_level(drafted: Drafted) -> None:
    headings = [(p.style.name, p.text) for p in drafted.doc.paragraphs if p.style.name.startswith("Heading")]
    outline = default_outline()
    assert headings == [(f"Heading {i.level}", i.heading) for i in outline.items]
    assert drafted.written.filled == {"statistics": STATISTICS_KEY, "difficulties": DIFFICULTIES_KEY,
                                      "proposals": PROPOSALS_KEY}


def test_the_draft_is_an_a4_document_with_landscape_appendices(drafted: Drafted) -> None:
    body, appendices = drafted.doc.sections
    assert (_mm(body.page_width), _mm(body.page_height)) == (210, 297)
    assert (_mm(appendices.page_width), _mm(appendices.page_height)) == (297, 210)
    for section in (body, appendices):
        assert (_mm(section.top_margin), _mm(section.left_margin), _mm(section.right_margin)) == (20, 30, 15)
    texts = [p.text for p in drafted.doc.paragraphs]
    assert texts.count("Phụ lục I") == 1 and "TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ" in texts
    assert body.first_page_header.paragraphs[0].text == "DỰ THẢO"


def test_every_number_in_the_tables_is_the_reports_sum(drafted: Drafted) -> None:
    counts = _independent_counts(drafted)
    level_of = {f.name: f.level for f in drafted.result.forms}
    years = drafted.result.years
    by_level_year = {(level, year): sum(c.get(year, 0) for form, c in counts.items()
                                        if level_of[form] == level)
                     for level in set(level_of.values()) for year in years}
    total = sum(sum(c.values()) for c in counts.values())
    assert total > 0
    rows = _table(drafted.doc, "Năm", LEVEL_STATE)
    header, body = rows[0], rows[1:]
    levels = header[1:-2]
    for row in body[:len(years)]:
        year = int(row[0])
        assert [_number(v) for v in row[1:-2]] == [by_level_year[(level, year)] for level in levels]
        assert _number(row[-2]) == sum(by_level_year[(level, year)] for level in levels)
    assert body[len(years)][0] == "Tổng cộng" and _number(body[len(years)][-2]) == total
    # by form: each form given at least once, with its count; the level lines and the total
    rows = _table(drafted.doc, "STT", "Hình thức khen thưởng")
    listed = {row[1]: _number(row[2]) for row in rows[1:]}
    for form, by_year in counts.items():
        assert listed.get(form, 0) == sum(by_year.values()), form
    assert all(name in counts or name in levels or name == "Tổng cộng" for name in listed)
    assert listed["Tổng cộng"] == total
    for level in levels:
        assert listed[level] == sum(by_level_year[(level, y)] for y in years)
    first_sentence = next(p.text for p in drafted.doc.paragraphs if p.text.startswith("Từ năm"))
    assert f"đã khen thưởng {format_count(total)} lượt" in first_sentence


def test_the_chart_is_a_native_chart_of_the_totals_by_year(drafted: Drafted) -> None:
    charts = [p for p in drafted.doc.part.package.iter_parts() if p.partname.startswith("/word/charts/")]
    assert len(charts) == 1
    tree = etree.fromstring(charts[0].blob)
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    series = {s.findtext("c:tx//c:v", namespaces=ns): [int(float(v)) for v in s.xpath(".//c:val//c:v/text()",
                                                                                      namespaces=ns)]
              for s in tree.iterfind(".//c:ser", ns)}
    figures = commendation_figures(drafted.result)
    assert series == {level: [figures.by_level_year[level][y] for y in figures.years]
                      for level in figures.levels}
    assert any(p.partname.endswith(".xlsx") for p in charts[0].package.iter_parts())


def _under(doc: DocxDocument, heading: str) -> list[Any]:
    """The paragraphs between the heading ``heading`` and the next heading."""
    paragraphs = doc.paragraphs
    headings = [i for i, p in enumerate(paragraphs) if p.style.name.startswith("Heading")]
    start = next(i for i in headings if paragraphs[i].text == heading)
    end = next((i for i in headings if i > start),
               len(paragraphs))
    return paragraphs[start + 1:end]


def _heading(key: str) -> str:
    return next(i.heading for i in default_outline().items if i.key == key)


def test_each_unit_s_results_and_difficulties_are_under_the_difficulties_item(drafted: Drafted) -> None:
    under = [p.text for p in _under(drafted.doc, _heading(DIFFICULTIES_KEY))]
    names = {u.code: u.name for u in drafted.plan.units or []}
    quoted = 0
    for progress in drafted.result.tasks:
        for code, entry in progress.entries.items():
            for text in (entry.result, entry.difficulties):
                if not text.strip():
                    continue
                task_line = next(i for i, t in enumerate(under)
                                 if t.startswith(f"Nhiệm vụ {progress.task.number}")
                                 and progress.task.content.split("\n")[0] in t)
                following = under[task_line + 1:]
                block = following[:next((i for i, t in enumerate(following) if t.startswith("Nhiệm vụ ")),
                                        len(following))]
                assert any(f"“{text.strip()}”" in t and names[code] in t for t in block), (code, text)
                quoted += 1
    assert quoted > 10
    elsewhere = [p.text for p in drafted.doc.paragraphs if p.text.startswith("- “Đang dự thảo")]
    assert len(elsewhere) == sum(1 for t in under if t.startswith("- “Đang dự thảo"))


def test_each_unit_s_proposal_is_under_the_proposals_item(drafted: Drafted) -> None:
    under = [p.text for p in _under(drafted.doc, _heading(PROPOSALS_KEY))]
    proposals = {}
    for outcome in drafted.result.files:
        if outcome.outcome == "accepted":
            info = load_workbook(drafted.root / "hop_thu" / outcome.file)[INFO_SHEET]
            for row in info.iter_rows(values_only=True):
                if row[0] == INFO_PROPOSALS and row[1]:
                    proposals[outcome.unit_code] = row[1]
    assert proposals, "the demo's units propose nothing"
    names = {u.code: u.name for u in drafted.plan.units or []}
    for code, text in proposals.items():
        assert any(f"“{text}”" in t and names[code] in t for t in under), code


def test_every_other_heading_keeps_its_prompt_and_a_placeholder(drafted: Drafted) -> None:
    for item in default_outline().items:
        under = _under(drafted.doc, item.heading)
        if item.prompt:
            assert under[0].text == item.prompt and all(r.italic for r in under[0].runs)
        marked = [r.text for p in under for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
        if item.key == STATISTICS_KEY:
            assert not marked  # the figures fill it
        else:
            assert marked[:1] == [DRAFT_PLACEHOLDER], item.key
    assert drafted.written.placeholders == len(default_outline().items) - 1


def test_the_appendices_list_the_submissions_and_the_tasks(drafted: Drafted) -> None:
    rows = _table(drafted.doc, "STT", "Đơn vị")
    states = {row[1]: row[2] for row in rows[1:]}
    assert states == {s.unit.name: s.label for s in drafted.result.submissions}
    broken = next(row for row in rows if row[1] == next(u.name for u in drafted.plan.units or []
                                                        if u.code == "PPCTT"))
    assert "PPCTT.xlsx" in broken[4]
    tasks = _table(drafted.doc, "STT", "Nhiệm vụ")
    task_rows = [row for row in tasks[1:] if row[0]]
    assert len(task_rows) == len(drafted.result.tasks)
    for row, progress in zip(task_rows, drafted.result.tasks, strict=True):
        assert [_number(v) for v in row[3:8]] == [len(progress.units), progress.done, progress.ongoing,
                                                  progress.not_started, progress.nothing]
        assert row[8] == str(progress.status)


def test_a_plan_s_own_outline_is_followed_and_what_it_lacks_goes_to_an_appendix(
        drafted: Drafted, tmp_path: Path) -> None:
    own = ["I. TÌNH HÌNH", "1. Khó khăn, vướng mắc", "II. KẾT LUẬN"]
    plan = drafted.plan.model_copy(update={"outline": own})
    written = write_draft_report(plan, drafted.result, tmp_path / "rieng.docx")
    doc = Document(str(tmp_path / "rieng.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["I. TÌNH HÌNH", "1. Khó khăn, vướng mắc", "II. KẾT LUẬN"]
    assert written.filled["difficulties"] == "I.1"
    assert written.appendices[2:] == ["Số liệu khen thưởng", "Kiến nghị, đề xuất của các đơn vị"]
    assert "SỐ LIỆU KHEN THƯỞNG" in [p.text for p in doc.paragraphs]
    assert _table(doc, "Năm", LEVEL_STATE)
    # one item about two topics has both
    plan = drafted.plan.model_copy(update={"outline": ["I. Khó khăn, vướng mắc và kiến nghị, đề xuất"]})
    written = write_draft_report(plan, drafted.result, tmp_path / "chung.docx")
    assert written.filled == {"statistics": "Phụ lục 3", "difficulties": "I", "proposals": "I"}
    under = [p.text for p in _under(Document(str(tmp_path / "chung.docx")), plan.outline[0])]
    assert "Kiến nghị, đề xuất của các đơn vị:" in under and any(t.startswith("Nhiệm vụ ") for t in under)


# --- figures of any counts -------------------------------------------------------------------

_FORM_NAMES = [f.name for f in (*DEFAULT_FORMS[:8], *DEFAULT_FORMS[-5:])]
_counts = st.dictionaries(st.sampled_from(_FORM_NAMES),
                          st.dictionaries(st.integers(2014, 2023), st.integers(0, 5000), max_size=10),
                          max_size=13)


@given(_counts)
def test_the_figures_add_up_whatever_the_counts(counts: dict[str, dict[int, int]]) -> None:
    years = list(range(2014, 2024))
    result = Consolidation(as_of=date(2024, 7, 1), years=years, forms=list(DEFAULT_FORMS), submissions=[],
                           tasks=[], totals={f.name: {y: counts.get(f.name, {}).get(y, 0) for y in years}
                                             for f in DEFAULT_FORMS}, files=[], reports=[], problems=[])
    figures = commendation_figures(result)
    total = sum(sum(c.values()) for c in counts.values())
    assert figures.total == total == sum(figures.by_level.values()) == sum(figures.by_year.values())
    assert sum(n for _, n in figures.by_form) == total
    sentences = summary_sentences(figures)
    if total:
        assert f"đã khen thưởng {format_count(total)} lượt" in sentences[0]
        shares = re.findall(r"\(([\d.,]+)%\)", sentences[0])
        assert abs(sum(float(s.replace(".", "").replace(",", ".")) for s in shares) - 100) < 0.2
        _, rows = year_level_rows(figures)
        assert _number(rows[len(years)][-2]) == total
    else:
        assert "chưa có số liệu" in sentences[0]


# --- the command -----------------------------------------------------------------------------


def _invoke(*args: object) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="tdkt-xl")


def _year_table(path: Path) -> list[list[str]]:
    return _table(Document(str(path)), "Năm", LEVEL_STATE)


def test_bao_cao_from_the_inbox_and_from_the_nightly_ledger(setup: NightlySettings, tmp_path: Path) -> None:
    run_nightly(setup)
    from_inbox = _invoke("bao-cao", setup.inbox, "--plan", setup.plan, "--out", tmp_path / "a.docx",
                         "--as-of", "01/07/2024")
    assert from_inbox.exit_code == 1, from_inbox.output  # the broken file is said
    assert "Đã ghi dự thảo báo cáo" in from_inbox.output and "II.3" in from_inbox.output
    from_ledger = _invoke("bao-cao", setup.inbox, "--plan", setup.plan, "--out", tmp_path / "b.docx",
                          "--as-of", "01/07/2024", "--state", setup.state_path)
    assert from_ledger.exit_code == 1, from_ledger.output
    assert "sổ cái" in from_ledger.output
    assert _year_table(tmp_path / "a.docx") == _year_table(tmp_path / "b.docx")


def test_bao_cao_follows_the_outline_given(setup: NightlySettings, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    text = tmp_path / "de_cuong.txt"
    text.write_text("ĐỀ CƯƠNG\nBáo cáo sơ kết\nI. KẾT QUẢ\n1. Số liệu khen thưởng\nII. KIẾN NGHỊ\n",
                    encoding="utf-8")
    book = write_book(tmp_path / "de_cuong.xlsx", {"Đề cương": [["STT", "Nội dung"], ["I", "ĐÁNH GIÁ"],
                                                                  ["1", "Tồn tại, hạn chế"]]})
    for source, expected in ((text, ["I. KẾT QUẢ", "1. Số liệu khen thưởng", "II. KIẾN NGHỊ"]),
                             (book, ["I. ĐÁNH GIÁ", "1. Tồn tại, hạn chế"])):
        out = tmp_path / f"{source.suffix[1:]}.docx"
        result = _invoke("bao-cao", setup.inbox, "--plan", setup.plan, "--out", out, "--de-cuong", source)
        assert result.exit_code == 1, result.output
        doc = Document(str(out))
        assert [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")] == expected
    # a Word outline goes to the units' Word reports' reader (when there is none: said, code 2)
    word = tmp_path / "de_cuong.docx"
    word.write_bytes(b"PK")
    monkeypatch.setattr(outline_files, "DOCX_READER", ("tdkt_xl_khong_co", "outline_from_docx"))
    refused = _invoke("bao-cao", setup.inbox, "--plan", setup.plan, "--out", tmp_path / "w.docx",
                      "--de-cuong", word)
    assert refused.exit_code == 2 and "chưa đọc được đề cương từ tệp Word" in refused.output
    assert str(word) in refused.output
    reader = types.SimpleNamespace(outline_from_docx=lambda path: parse_outline_lines(["I. TỪ WORD"]))
    monkeypatch.setitem(sys.modules, "tdkt_xl_doc_reader", reader)
    monkeypatch.setattr(outline_files, "DOCX_READER", ("tdkt_xl_doc_reader", "outline_from_docx"))
    read = _invoke("bao-cao", setup.inbox, "--plan", setup.plan, "--out", tmp_path / "w.docx",
                   "--de-cuong", word)
    assert read.exit_code == 1, read.output
    assert [p.text for p in Document(str(tmp_path / "w.docx")).paragraphs
            if p.style.name.startswith("Heading")] == ["I. TỪ WORD"]

    def refuse(path: Path) -> None:
        raise InvalidValue("tệp không phải văn bản Word")

    monkeypatch.setattr(reader, "outline_from_docx", refuse)
    refused = _invoke("bao-cao", setup.inbox, "--plan", setup.plan, "--out", tmp_path / "r.docx",
                      "--de-cuong", word)
    assert refused.exit_code == 2 and "tệp không phải văn bản Word" in refused.output


@pytest.mark.parametrize(("content", "said"), [
    (b"", "không có đề mục nào"),
    ("Chỉ một dòng không đánh số\n".encode(), "không có đề mục nào"),
    (b"\x00" * (2 << 20), "quá lớn"),
])
def test_an_outline_that_cannot_be_used_is_said(setup: NightlySettings, tmp_path: Path, content: bytes,
                                                said: str) -> None:
    bad = tmp_path / "de_cuong.txt"
    bad.write_bytes(content)
    result = _invoke("bao-cao", setup.inbox, "--plan", setup.plan, "--out", tmp_path / "x.docx",
                     "--de-cuong", bad)
    assert result.exit_code == 2 and said in result.output and str(bad) in result.output
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.slow
def test_libreoffice_prints_the_draft_on_a4(drafted: Drafted, tmp_path: Path) -> None:
    command = find_soffice()
    if command is None:
        pytest.skip("LibreOffice is not installed")
    source = drafted.written.path
    subprocess.run([command, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True,
                   timeout=300)
    pdf = tmp_path / f"{source.stem}.pdf"
    if not pdf.exists():
        message = "this LibreOffice has no Writer (libreoffice-writer-nogui) to open .docx files"
        if os.environ.get("TDKT_REQUIRE_SOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    info = pdf_info(pdf)
    assert info.pages >= 5 and sorted((info.width, info.height)) == [595.3, 841.9]  # A4 (210 × 297 mm)
    text = pdf_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Bảng 1. Số lượt khen thưởng" in text


# the order ECMA-376 gives the children of paragraph, run and table properties (Word refuses a
# document that breaks it; LibreOffice does not mind, so the PDF test would not see it)
_SCHEMA_ORDER = {
    "pPr": ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
            "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
            "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
            "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
            "rPr sectPr pPrChange"),
    "rPr": ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
            "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
            "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"),
    "tblPr": ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
              "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"),
}


def test_the_documents_keep_the_schema_s_order_of_properties(drafted: Drafted) -> None:
    package = drafted.doc.part.package
    parts = [p for p in package.iter_parts() if str(p.partname).endswith(".xml")
             and str(p.partname).startswith(("/word/document", "/word/header", "/word/styles"))]
    checked = 0
    for part in parts:
        tree = etree.fromstring(part.blob)
        for name, order in _SCHEMA_ORDER.items():
            rank = {tag: n for n, tag in enumerate(order.split())}
            for element in tree.iter(f"{{{W_NS}}}{name}"):
                ranks = [rank.get(etree.QName(child).localname, -1) for child in element]
                children = [etree.QName(c).localname for c in element]
                assert -1 not in ranks and ranks == sorted(ranks), (part.partname, name, children)
                checked += 1
    assert checked > 100
