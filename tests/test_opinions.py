"""The companion document "Tập hợp ý kiến các đơn vị theo đề cương", read back with python-docx: the
outline's headings in order and level, each unit's text under the right item and under the unit's
name, the headings a unit lacks, the files not used; the đề cương read from a .docx; `tdkt-xl
y-kien`; LibreOffice converts the document to PDF.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import find_soffice
from paper_pdf import pdf_text

from tdkt_xl.cli import cli
from tdkt_xl.demo.unit_documents import (
    DEMO_DOCUMENTS,
    Section,
    UnitLetter,
    unit_sayings,
    write_demo_documents,
    write_unit_report_docx,
)
from tdkt_xl.documents.opinions import FILES_TITLE, MISSING_TITLE, NOT_SENT_TITLE, write_opinions
from tdkt_xl.documents.outline import OutlineItem, default_outline
from tdkt_xl.documents.outline_docx import outline_from_docx
from tdkt_xl.documents.unit_documents import Gathering, gather_unit_documents
from tdkt_xl.excel.addin.compound_file import Storage, Stream, write_compound_file
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import strip_diacritics

OUTLINE = default_outline()
NAMES = {"SGTVT": "Sở Giao thông vận tải", "P1": "Phòng I", "SGDDT": "Sở Giáo dục và Đào tạo"}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")


@pytest.fixture(scope="module")
def gathered(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> tuple[Gathering, Path]:
    root = tmp_path_factory.mktemp("y_kien")
    inbox = root / "hop_thu"
    write_demo_documents(inbox, OUTLINE.items)
    (inbox / "cu.doc").write_bytes(write_compound_file(Storage("Root Entry", [Stream("WordDocument",
                                                                                      b"\x00" * 600)])))
    gathering = gather_unit_documents(plan, inbox, OUTLINE.items, workers=2)
    out = write_opinions(plan, gathering, OUTLINE, root / "tap_hop_y_kien.docx")
    return gathering, out


def _blocks(path: Path) -> list[tuple[str, list[str]]]:
    """The document's body as (heading, the paragraphs under it) in order; the header table and
    the closing table are tables, not paragraphs."""
    blocks: list[tuple[str, list[str]]] = [("", [])]
    for paragraph in docx.Document(str(path)).paragraphs:
        if paragraph.style is not None and (paragraph.style.name or "").startswith("Heading"):
            blocks.append((paragraph.text, []))
        elif paragraph.text.strip():
            blocks[-1][1].append(paragraph.text)
    return blocks


def _level(paragraph_style: str) -> int:
    return int(paragraph_style.rsplit(" ", 1)[1])


def test_the_headings_are_the_outlines_in_order_and_level(gathered: tuple[Gathering, Path]) -> None:
    _gathering, path = gathered
    headings = [(p.text, _level(p.style.name)) for p in docx.Document(str(path)).paragraphs
                if p.style is not None and (p.style.name or "").startswith("Heading")]
    assert headings[: len(OUTLINE.items)] == [(item.heading, min(item.level, 4)) for item in OUTLINE.items]
    assert [text for text, _ in headings[len(OUTLINE.items):]] == [
        "Khác / không theo đề cương", MISSING_TITLE, NOT_SENT_TITLE, FILES_TITLE]


def _expected_text(code: str, item: OutlineItem) -> str:
    demo = next(d for d in DEMO_DOCUMENTS if d.letter.body == NAMES[code])
    text = unit_sayings(demo.letter.body, item.title)[0]
    return strip_diacritics(text) if demo.way == "ascii-upper" else text


def test_each_units_text_is_under_the_right_item_and_its_name(gathered: tuple[Gathering, Path]) -> None:
    gathering, path = gathered
    assert sorted(d.unit.code for d in gathering.documents if d.unit) == sorted(NAMES)
    blocks = dict(_blocks(path))
    left_out = {code: next(d.left_out for d in DEMO_DOCUMENTS if d.letter.body == name)
                for code, name in NAMES.items()}
    for item in OUTLINE.items:
        under = blocks[item.heading]
        for code, name in NAMES.items():
            if item.key in left_out[code]:
                assert f"{name}:" not in under, (item.key, code)
                continue
            at = under.index(f"{name}:")
            assert under[at + 1] == _expected_text(code, item), (item.key, code)
    for heading, under in blocks.items():  # a unit's sentence is nowhere else
        if heading in {i.heading for i in OUTLINE.items}:
            item = next(i for i in OUTLINE.items if i.heading == heading)
            others = {_expected_text(c, i) for c in NAMES for i in OUTLINE.items if i.title != item.title}
            assert not others & set(under) - {_expected_text(c, item) for c in NAMES}, heading


def test_the_headings_a_unit_lacks_and_the_files_not_used_are_listed(gathered: tuple[Gathering, Path],
                                                                    plan: Plan) -> None:
    _gathering, path = gathered
    blocks = dict(_blocks(path))
    missing = "\n".join(blocks[MISSING_TITLE])
    assert ("Phòng I (dot_2/bao_cao_phong_1.docx): I – Đặc điểm tình hình hình; I – Thuận lợi; "
            "I – Khó khăn.") in missing
    assert "Sở Giáo dục và Đào tạo (bao cao GDDT.docx): III.3. Bài học kinh nghiệm." in missing
    assert "Sở Giao thông vận tải (SGTVT_bao_cao_tong_ket.docx): II.3.d) Việc khen thưởng" in missing
    [files] = blocks[FILES_TITLE]
    assert files.startswith("cu.doc (bị loại): Tệp là văn bản Word 97-2003 (.doc)")
    [not_sent] = blocks[NOT_SENT_TITLE]
    assert "Sở Lao động, Thương binh và Xã hội" in not_sent and "Phòng I;" not in not_sent
    assert "Các địa phương, đơn vị" not in not_sent  # a group sends nothing


def test_the_text_before_the_first_heading_is_kept_apart(gathered: tuple[Gathering, Path]) -> None:
    _gathering, path = gathered
    other = dict(_blocks(path))["Khác / không theo đề cương"]
    assert other[other.index("Sở Giao thông vận tải:") + 1].startswith("Thực hiện Văn bản số 962/SNV-TĐKT")


@pytest.mark.parametrize("numbered", [True, False])
def test_an_outline_is_read_from_a_word_documents_headings(tmp_path: Path, numbered: bool) -> None:
    document = docx.Document()
    document.add_paragraph(OUTLINE.title)
    for item in OUTLINE.items:
        if item.level == 4 or numbered:
            document.add_paragraph(item.heading) if item.level == 4 else document.add_heading(item.heading,
                                                                                               item.level)
        else:
            document.add_heading(item.title, item.level)
        if item.prompt:
            document.add_paragraph(item.prompt)
    document.save(str(tmp_path / "de_cuong.docx"))
    read = outline_from_docx(tmp_path / "de_cuong.docx")
    assert [(i.key, i.label, i.level, i.title, i.prompt) for i in read.items] == [
        (i.key, i.label, i.level, i.title, i.prompt) for i in OUTLINE.items]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_the_command_writes_the_document_and_says_what_it_found(tmp_path: Path, plan: Plan,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDKT_XL_LOG", str(tmp_path / "log.txt"))
    plan_file = Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx"
    inbox = tmp_path / "hop_thu"
    write_unit_report_docx(inbox / "SGTVT.docx", UnitLetter("UBND tỉnh Bắc Ninh", "Sở Giao thông vận tải"),
                           [Section(i.label, i.title, i.level, ("Nội dung.",)) for i in OUTLINE.items])
    code, output = _run("y-kien", str(inbox), "--plan", str(plan_file), "--out", str(tmp_path / "a.docx"))
    assert code == 0 and output.splitlines() == [
        "Văn bản báo cáo: 1 đơn vị, 0 chưa xác định được đơn vị, 0 tệp bị loại.",
        "  SGTVT.docx: Sở Giao thông vận tải (theo tên cơ quan ở đầu văn bản)",
        f"Đã ghi: {tmp_path / 'a.docx'}"]
    (inbox / "rong.docx").write_bytes(b"")
    code, output = _run("y-kien", str(inbox), "--plan", str(plan_file), "--out", str(tmp_path / "b.docx"))
    assert code == 1 and "  Bị loại: rong.docx: Tệp rỗng (0 byte)" in output
    bad = tmp_path / "de_cuong.docx"
    bad.write_text("<html></html>", encoding="utf-8")
    code, output = _run("y-kien", str(inbox), "--plan", str(plan_file), "--out", str(tmp_path / "c.docx"),
                        "--de-cuong", str(bad))
    assert code == 2 and "đọc được đề cương" in output and "HTML" in output
    assert not (tmp_path / "c.docx").exists()


@pytest.mark.slow
def test_libreoffice_converts_the_document_to_pdf(gathered: tuple[Gathering, Path], tmp_path: Path) -> None:
    command = find_soffice()
    if command is None:
        pytest.skip("LibreOffice is not installed")
    _gathering, path = gathered
    subprocess.run([command, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / f"{path.stem}.pdf"
    text = pdf_text(pdf)
    for words in ("TẬP HỢP Ý KIẾN CÁC ĐƠN VỊ THEO ĐỀ CƯƠNG", "I. KHÁI QUÁT ĐẶC ĐIỂM TÌNH HÌNH",
                  "Sở Giao thông vận tải:", "IV. KIẾN NGHỊ, ĐỀ XUẤT", "Tệp không sử dụng"):
        assert words in text, words
