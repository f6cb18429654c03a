"""Units' Word reports: the package checks (hostile files rejected with their reason, the run goes
on), the paragraphs read, the unit identified, the text split by the đề cương's headings whatever
way a unit writes them. Every file is made by code in tmp_path.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tdkt_xl.consolidation.inbox import consolidate_inbox, scan_inbox
from tdkt_xl.demo.unit_documents import HeadingWay, Section, UnitLetter, write_unit_report_docx
from tdkt_xl.documents.outline import default_outline
from tdkt_xl.documents.outline_matching import (
    OTHER_KEY,
    HeadingItem,
    mark_value,
    split_by_outline,
    split_label,
)
from tdkt_xl.documents.unit_documents import gather_unit_documents
from tdkt_xl.documents.unit_identity import identify_unit
from tdkt_xl.excel.addin.compound_file import Storage, Stream, write_compound_file
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.intake.safety.limits_and_rejections import Limits, RejectedFile
from tdkt_xl.intake.word_document import WordParagraph, read_word_document
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import clean, strip_diacritics
from tdkt_xl.plans.units import UnitDirectory


@dataclass(frozen=True)
class Item:
    """An outline item as tdkt_xl.documents.outline.OutlineItem has it (key, label, title, level)."""

    key: str
    label: str
    title: str
    level: int
    prompt: str = ""


# Part of seed 004's đề cương (its wording, its numbering).
ITEMS = (
    Item("I", "I.", "Khái quát đặc điểm tình hình", 1),
    Item("II", "II.", "Kết quả 10 năm triển khai thực hiện", 1),
    Item("II.1", "1.", "Công tác lãnh đạo, chỉ đạo của các cấp ủy đảng, chính quyền về triển khai thực hiện "
                       "Chỉ thị", 2),
    Item("II.4", "4.", "Việc kiện toàn bộ máy làm công tác thi đua, khen thưởng các cấp", 2),
    Item("III", "III.", "Đánh giá chung", 1),
    Item("III.1", "1.", "Đánh giá chung", 2),
    Item("III.1.a", "a)", "Ưu điểm", 3),
    Item("III.1.b", "b)", "Tồn tại, hạn chế", 3),
    Item("III.2", "2.", "Nguyên nhân của tồn tại, hạn chế", 2),
    Item("III.3", "3.", "Bài học kinh nghiệm", 2),
    Item("IV", "IV.", "Kiến nghị, đề xuất", 1),
)


def sections_for(unit: str, items: Sequence[HeadingItem] = ITEMS, skip: frozenset[str] = frozenset()
                 ) -> list[Section]:
    """A unit's report: under each item two sentences that name the unit and the item."""
    return [Section(item.label, item.title, item.level,
                    (f"{unit} viết về mục {item.key}.", f"Câu thứ hai của {unit} cho mục {item.key}."))
            for item in items if item.key not in skip]


SGTVT = UnitLetter("UBND tỉnh Bắc Ninh", "Sở Giao thông vận tải", "BC-SGTVT")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx")


def good_docx(path: Path, way: HeadingWay = "styles") -> Path:
    return write_unit_report_docx(path, SGTVT, sections_for("SGTVT"), way=way)


# --- hostile and wrong files -----------------------------------------------------------------

def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _docx_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _with_document(tmp: Path, name: str, document: bytes) -> Path:
    members = _docx_members(good_docx(tmp / "src.docx"))
    members["word/document.xml"] = document
    return _zip(tmp / name, members)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def bomb(tmp: Path) -> Path:  # 8 MB of one letter: a ratio of thousands
    body = b"<w:p><w:r><w:t>" + b"a" * (8 << 20) + b"</w:t></w:r></w:p>"
    head = f"<w:document {W_NS}><w:body>".encode()
    return _with_document(tmp, "bom.docx", head + body + b"</w:body></w:document>")


def entities(tmp: Path) -> Path:  # the "billion laughs"
    laughs = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{laughs}]><w:document {W_NS}><w:body><w:p><w:r>'
           "<w:t>&l9;</w:t></w:r></w:p></w:body></w:document>")
    return _with_document(tmp, "thuc_the.docx", xml.encode())


def huge_document(tmp: Path) -> Path:  # a document.xml over the limit the test gives (1 MB)
    paragraphs = b"".join(b"<w:p><w:r><w:t>%d %s</w:t></w:r></w:p>" % (i, bytes(str(i * 7919), "ascii") * 20)
                          for i in range(20_000))
    return _with_document(tmp, "lon.docx", f"<w:document {W_NS}><w:body>".encode() + paragraphs
                          + b"</w:body></w:document>")


def lying_size(tmp: Path) -> Path:  # document.xml says it is 100 bytes, and expands further
    source = good_docx(tmp / "src.docx")
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("word/document.xml")
    name = info.filename.encode()
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 100)  # the central directory's uncompressed size
    struct.pack_into("<I", data, info.header_offset + 22, 100)  # and the local header's
    path = tmp / "noi_doi.docx"
    path.write_bytes(bytes(data))
    return path


def not_a_zip(tmp: Path) -> Path:
    path = tmp / "rac.docx"
    path.write_bytes(bytes(range(256)) * 10)
    return path


def rtf(tmp: Path) -> Path:
    path = tmp / "rtf.docx"
    path.write_bytes(b"{\\rtf1\\ansi B\\'e1o c\\'e1o}")
    return path


def html(tmp: Path) -> Path:
    path = tmp / "web.docx"
    path.write_text("<html><body><p>Báo cáo</p></body></html>", encoding="utf-8")
    return path


def xlsx(tmp: Path) -> Path:
    path = tmp / "so_lieu.docx"
    Workbook().save(path)
    return path


def odt(tmp: Path) -> Path:
    return _zip(tmp / "writer.docx", {"mimetype": b"application/vnd.oasis.opendocument.text",
                                      "content.xml": b"<office:document-content/>"}, zipfile.ZIP_STORED)


def legacy_doc(tmp: Path) -> Path:
    path = tmp / "cu.doc"
    path.write_bytes(write_compound_file(Storage("Root Entry", [Stream("WordDocument", b"\x00" * 600),
                                                                Stream("1Table", b"\x00" * 100)])))
    return path


def encrypted(tmp: Path) -> Path:
    path = tmp / "mat_khau.docx"
    path.write_bytes(write_compound_file(Storage("Root Entry", [Stream("EncryptionInfo", b"\x04\x00" * 60),
                                                                Stream("EncryptedPackage", b"\x01" * 5000)])))
    return path


def empty(tmp: Path) -> Path:
    path = tmp / "rong.docx"
    path.write_bytes(b"")
    return path


def truncated(tmp: Path) -> Path:
    data = good_docx(tmp / "src.docx").read_bytes()
    path = tmp / "cat_cut.docx"
    path.write_bytes(data[: len(data) // 2])
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "zip bomb": (bomb, "zip-bomb", "bom nén"),
    "entity expansion": (entities, "xml-entities", "DOCTYPE/ENTITY"),
    "a part larger than it says": (lying_size, "zip-bomb", "nhiều hơn kích thước khai báo"),
    "huge document.xml": (huge_document, "oversized-word-document", "vượt mức tối đa 1,0 MB"),
    "not a zip": (not_a_zip, "not-a-word-document", "không nhận ra nội dung"),
    "RTF named .docx": (rtf, "not-a-word-document", "RTF"),
    "HTML named .docx": (html, "not-a-word-document", "HTML"),
    ".xlsx named .docx": (xlsx, "not-a-word-document", "sổ Excel được đặt đuôi .docx"),
    ".odt named .docx": (odt, "not-a-word-document", "LibreOffice Writer"),
    "Word 97-2003 .doc": (legacy_doc, "legacy-doc", "Lưu thành > Word Document (.docx)"),
    "encrypted (OLE)": (encrypted, "encrypted-word", "gỡ mật khẩu"),
    "empty": (empty, "empty-file", "0 byte"),
    "truncated": (truncated, "corrupt-zip", "Văn bản Word bị hỏng"),
}
LIMITS = Limits()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_or_wrong_file_is_refused_with_its_reason(tmp_path: Path, case: str) -> None:
    make, code, words = HOSTILE[case]
    path = make(tmp_path)
    with pytest.raises(RejectedFile) as raised:
        from tdkt_xl.intake.safety.word_package import scan_word_package
        scan_word_package(path, LIMITS, max_part_bytes=1 << 20)
    rejection = raised.value.rejection
    assert (rejection.code, words in rejection.reason) == (code, True), rejection.reason
    assert "Excel không bao giờ" not in rejection.reason and "Lưu thành > Excel" not in rejection.reason


def test_the_run_goes_on_past_every_bad_file(tmp_path: Path, plan: Plan) -> None:
    inbox = tmp_path / "hop_thu"
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    inbox.mkdir()
    good_docx(inbox / "SGTVT.docx")
    expected = {}
    for make, code, _words in HOSTILE.values():
        made = make(hostile)
        target = inbox / made.name
        target.write_bytes(made.read_bytes())
        expected[made.name] = code
    expected.pop("lon.docx")  # under the default limit: read, from no known unit
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}
    gathering = gather_unit_documents(plan, inbox, ITEMS, workers=2, timeout_s=60)
    assert {f.file: f.code for f in gathering.rejected} == expected
    assert [d.unit.code if d.unit else None for d in gathering.documents] == ["SGTVT", None]
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == before  # inputs never modified


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: not on Windows")
def test_a_pipe_named_docx_is_skipped_unopened(tmp_path: Path, plan: Plan) -> None:
    inbox = tmp_path / "hop_thu"
    good_docx(inbox / "SGTVT.docx")
    os.mkfifo(inbox / "ong.docx")  # opening it for reading would block the run
    gathering = gather_unit_documents(plan, inbox, ITEMS, workers=1)
    assert [(f.file, f.outcome, f.code) for f in gathering.files] == [
        ("ong.docx", "skipped", "not-a-regular-file")]
    assert [d.unit.code if d.unit else None for d in gathering.documents] == ["SGTVT"]


# --- the inbox walk and the consolidation ---------------------------------------------------------

def test_the_inbox_lists_word_reports_and_consolidation_does_not_count_them(tmp_path: Path, plan: Plan
                                                                          ) -> None:
    inbox = tmp_path / "hop_thu"
    good_docx(inbox / "dot_2" / "SGTVT.docx")
    legacy_doc(inbox)
    (inbox / "~$SGTVT.docx").write_bytes(b"\x00" * 162)
    found = scan_inbox(inbox)
    assert found.documents == ["cu.doc", "dot_2/SGTVT.docx"] and found.names == []
    result = consolidate_inbox(plan, inbox, workers=1)
    assert all(s.state == "missing" for s in result.submissions)  # a .docx reports no workbook
    reasons = {f.file: (f.outcome, f.reason) for f in result.files}
    assert reasons["dot_2/SGTVT.docx"][0] == "skipped"
    assert reasons["dot_2/SGTVT.docx"][1].startswith("Báo cáo bằng văn bản Word của đơn vị: đã nhận")
    assert "lưu thành Word Document (.docx)" in reasons["cu.doc"][1]
    assert reasons["~$SGTVT.docx"][1] == "Excel đang mở tệp này (tệp khoá ~$)"


def test_a_docx_named_as_a_workbook_is_told_as_word(tmp_path: Path, plan: Plan) -> None:
    inbox = tmp_path / "hop_thu"
    good_docx(inbox / "SGTVT.xlsx")
    legacy = legacy_doc(tmp_path)
    (inbox / "P1.xlsx").write_bytes(legacy.read_bytes())
    result = consolidate_inbox(plan, inbox, workers=1)
    reasons = {f.file: f.reason for f in result.rejected}
    assert reasons["SGTVT.xlsx"].startswith("Tệp là văn bản Word (.docx) được đặt đuôi Excel")
    assert reasons["P1.xlsx"].startswith("Tệp là văn bản Word 97-2003 (.doc) được đặt đuôi Excel")


# --- reading -------------------------------------------------------------------------------------

@pytest.mark.parametrize("way", ["styles", "bold", "ascii-upper", "list"])
def test_paragraphs_are_read_with_style_level_bold_and_numbering(tmp_path: Path, way: HeadingWay) -> None:
    document = read_word_document(good_docx(tmp_path / "a.docx", way))
    by_text = {p.text: p for p in document.paragraphs}
    header = document.paragraphs[0]
    assert (header.table, header.row, header.cell) == (0, 0, 0)
    first = next(p for p in document.paragraphs
                 if p.table is None and "hai quat" in strip_diacritics(p.text).lower())
    if way == "styles":
        assert (first.style, first.outline_level, first.text) == (
            "heading 1", 0, "I. Khái quát đặc điểm tình hình")
    elif way == "bold":
        assert first.bold and first.outline_level is None and first.text == "I. KHÁI QUÁT ĐẶC ĐIỂM TÌNH HÌNH"
    elif way == "ascii-upper":
        assert not first.bold and first.text == "I. KHAI QUAT DAC DIEM TINH HINH"
    else:
        assert (first.numbering, first.text) == ("1.", "Khái quát đặc điểm tình hình")
        assert by_text["Kết quả 10 năm triển khai thực hiện"].numbering == "2."
    assert not by_text.get("SGTVT viết về mục I.", first).bold


def test_numbering_follows_the_lists_formats(tmp_path: Path) -> None:
    """Roman, letters and restarts, as numbering.xml defines them."""
    numbering = ('<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                 '<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1">'
                 '<w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
                 '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
                 '<w:lvlText w:val="%3)"/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="9"><w:abstractNumId w:val="7"/></w:num></w:numbering>')

    def paragraph(level: int, text: str) -> str:
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="9"/></w:numPr></w:pPr>'
                f"<w:r><w:t>{text}</w:t></w:r></w:p>")

    body = "".join(paragraph(level, text) for level, text in
                   [(0, "A"), (1, "B"), (2, "C"), (2, "D"), (1, "E"), (2, "F"), (0, "G"), (1, "H")])
    members = _docx_members(good_docx(tmp_path / "src.docx"))
    members["word/numbering.xml"] = numbering.encode()
    members["word/document.xml"] = f"<w:document {W_NS}><w:body>{body}</w:body></w:document>".encode()
    document = read_word_document(_zip(tmp_path / "so.docx", members))
    assert [p.numbering for p in document.paragraphs] == ["I.", "1.", "a)", "b)", "2.", "a)", "II.", "1."]


# --- which unit ----------------------------------------------------------------------------------

def _paragraphs(*texts: str, table: bool = True) -> list[WordParagraph]:
    first = [WordParagraph(texts[0], table=0, row=0, cell=0)] if table else [WordParagraph(texts[0])]
    return first + [WordParagraph(text) for text in texts[1:]]


@pytest.mark.parametrize(("header", "file", "code", "how"), [
    ("UBND TỈNH BẮC NINH\nSỞ GIAO THÔNG VẬN TẢI", "bao_cao.docx", "SGTVT", "header"),
    ("UBND TINH BAC NINH\nSO GIAO THONG VAN TAI\n______", "x.docx", "SGTVT", "header"),
    ("SỞ NỘI VỤ\nBAN THI ĐUA - KHEN THƯỞNG", "x.docx", "BTDKT", "header"),
    ("UBND TỈNH BẮC NINH\nSở Lao động - Thương binh và Xã hội", "x.docx", "SLDTBXH", "header"),
    ("UBND TỈNH BẮC NINH\nSỞ GD&ĐT", "x.docx", "SGDDT", "header"),
    ("CÔNG TY ABC", "SGTVT_bao_cao_tong_ket.docx", "SGTVT", "file"),
    ("CÔNG TY ABC", "Phòng Tổ chức cán bộ.docx", "PTCCB", "file"),
    ("CÔNG TY ABC", "bao_cao.docx", None, None),
])
def test_the_unit_is_told_by_its_header_then_its_file_name(plan: Plan, header: str, file: str,
                                                          code: str | None, how: str | None) -> None:
    directory = UnitDirectory(plan.units or [])
    found = identify_unit(_paragraphs(header, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), file, directory)
    assert (found.unit.code if found.unit else None, found.how) == (code, how)


def test_a_header_without_a_table_is_its_first_lines(plan: Plan) -> None:
    directory = UnitDirectory(plan.units or [])
    paragraphs = _paragraphs("UBND TỈNH BẮC NINH", "SỞ GIAO THÔNG VẬN TẢI", "Số: 12/BC-SGTVT", "BÁO CÁO",
                             "I. Khái quát", table=False)
    found = identify_unit(paragraphs, "x.docx", directory)
    assert (found.unit.code if found.unit else None, found.header) == (
        "SGTVT", "UBND TỈNH BẮC NINH / SỞ GIAO THÔNG VẬN TẢI")


def test_an_unknown_unit_is_gathered_with_its_code(tmp_path: Path, plan: Plan) -> None:
    inbox = tmp_path / "hop_thu"
    write_unit_report_docx(inbox / "bao_cao.docx", UnitLetter("UBND tỉnh Hà Nam", "Sở Công Thương"),
                           sections_for("SCT"))
    gathering = gather_unit_documents(plan, inbox, ITEMS, workers=1)
    [document] = gathering.documents
    assert document.unit is None and document.name == "Chưa xác định đơn vị (tệp bao_cao.docx)"
    [problem] = [p for p in document.problems if p.code == "unit-not-identified"]
    assert "UBND TỈNH HÀ NAM / SỞ CÔNG THƯƠNG" in problem.message and "bao_cao.docx" in problem.message


# --- split by the đề cương -------------------------------------------------------------------------

@pytest.mark.parametrize("outline", ["part of seed 004", "seed 004"])
@pytest.mark.parametrize("way", ["styles", "bold", "ascii-upper", "list"])
def test_each_items_text_is_found_whatever_way_the_headings_are_written(tmp_path: Path, way: HeadingWay,
                                                                        outline: str) -> None:
    items = ITEMS if outline == "part of seed 004" else default_outline().items
    preface = ("Thực hiện Văn bản số 962/SNV-TĐKT, Sở báo cáo như sau:",)
    sections = sections_for("SGTVT", items, skip=frozenset({"II.4"}))
    path = write_unit_report_docx(tmp_path / "a.docx", SGTVT, sections, way=way, preface=preface)
    split = split_by_outline(read_word_document(path).paragraphs, items)
    plain = strip_diacritics if way == "ascii-upper" else str
    for item in items:
        if item.key == "II.4":
            assert item.key in split.missing
            continue
        assert split.sections[item.key] == [plain(f"SGTVT viết về mục {item.key}."),
                                            plain(f"Câu thứ hai của SGTVT cho mục {item.key}.")], item.key
    assert split.missing == ["II.4"]
    assert split.sections[OTHER_KEY] == [plain("Thực hiện Văn bản số 962/SNV-TĐKT, Sở báo cáo như sau:")]


_ROMAN = ["I", "II", "III", "IV", "V"]


def _variant(item: Item, number: int, draw: st.DrawFn) -> WordParagraph:
    """One way a unit writes an item's heading (drawn by hypothesis)."""
    own = _ROMAN[number - 1] if item.level == 1 else "abcde"[number - 1]
    mark = draw(st.sampled_from([item.label.rstrip(".)"), str(number), own]))
    separator = draw(st.sampled_from([". ", ") ", " - ", "/ ", ". "]))
    title = draw(st.sampled_from([item.title, item.title.upper(), strip_diacritics(item.title),
                                  strip_diacritics(item.title).upper()]))
    import unicodedata
    title = unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), title)
    if draw(st.booleans()):
        title += draw(st.sampled_from([".", ":", ""]))
    how = draw(st.sampled_from(["text", "bold", "style", "list"]))
    if how == "list":
        return WordParagraph(title, numbering=f"{mark}.", style="List Paragraph")
    text = f"{mark}{separator}{title}"
    if how == "style":
        return WordParagraph(text, style=f"heading {item.level}", outline_level=item.level - 1)
    return WordParagraph(text, bold=how == "bold")


@st.composite
def written_reports(draw: st.DrawFn) -> tuple[list[WordParagraph], dict[str, list[str]], list[str]]:
    """A unit's report: some items left out, every heading written its own way, text under each."""
    kept = [item for item in ITEMS if draw(st.integers(0, 5)) > 0]
    paragraphs = [WordParagraph("UBND TỈNH BẮC NINH\nSỞ GIAO THÔNG VẬN TẢI", table=0, row=0, cell=0),
                  WordParagraph("BÁO CÁO", bold=True)]
    expected: dict[str, list[str]] = {}
    for item in kept:  # numbered as the outline numbers it, written the unit's way
        paragraphs.append(_variant(item, mark_value(split_label(f"{item.label} x")[0]) or 1, draw))
        lines = [f"Nội dung {index} về {item.key} của đơn vị." for index in range(draw(st.integers(1, 3)))]
        paragraphs += [WordParagraph(line) for line in lines]
        expected[item.key] = lines
    missing = [item.key for item in ITEMS if item not in kept]
    return paragraphs, expected, missing


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_reports())
def test_headings_are_found_in_every_variant(report: tuple[list[WordParagraph], dict[str, list[str]],
                                                              list[str]]) -> None:
    paragraphs, expected, missing = report
    split = split_by_outline(paragraphs, ITEMS)
    assert {key: split.sections.get(key) for key in expected} == expected
    assert split.missing == missing
    assert OTHER_KEY not in split.sections


@given(st.sampled_from(["II.", "2.", "2)", "B.", "b)", "II -", "(b)"]), st.text(
    alphabet=st.characters(categories=["L", "Zs"]), min_size=1, max_size=30).filter(lambda t: t.strip()))
def test_a_mark_is_told_from_the_words(mark: str, words: str) -> None:
    found, rest = split_label(f"{mark} {words}")
    assert found == mark.strip("(.)- ") and rest == clean(words)


def test_a_body_paragraph_with_the_titles_words_is_not_a_heading() -> None:
    paragraphs = [WordParagraph("I. Khái quát đặc điểm tình hình", bold=True),
                  WordParagraph("Đơn vị nêu ưu điểm trong năm qua và kiến nghị, đề xuất một số nội dung với "
                                "cấp trên để công tác thi đua được tốt hơn."),
                  WordParagraph("IV. Kiến nghị, đề xuất", bold=True), WordParagraph("Đề nghị A.")]
    split = split_by_outline(paragraphs, ITEMS)
    assert split.sections["I"][0].startswith("Đơn vị nêu ưu điểm") and split.sections["IV"] == ["Đề nghị A."]


def test_read_back_through_python_docx_matches(tmp_path: Path) -> None:
    """What the safe reader gives is what python-docx reads from a well-made file."""
    path = good_docx(tmp_path / "a.docx", "bold")
    ours = [p.text for p in read_word_document(path).paragraphs if p.table is None]
    theirs = [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs if p.text.strip()]
    assert ours == theirs


def test_headings_numbered_by_their_style_get_their_numbers(tmp_path: Path) -> None:
    """Word's multilevel list tied to Heading 1 and Heading 2 (the number is in the style, not the
    paragraph): "I." and "1." come from the list, the level from the style."""
    members = _docx_members(good_docx(tmp_path / "src.docx"))
    styles = members["word/styles.xml"].decode()
    for style_id, level in (("Heading1", 0), ("Heading2", 1)):
        start = styles.index(f'w:styleId="{style_id}"')
        at = styles.index("<w:pPr>", start) + len("<w:pPr>")
        styles = (styles[:at] + f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="9"/></w:numPr>'
                  + styles[at:])
    members["word/styles.xml"] = styles.encode()
    members["word/numbering.xml"] = (
        f"<w:numbering {W_NS}><w:abstractNum w:abstractNumId=\"3\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
        '<w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum>'
        '<w:num w:numId="9"><w:abstractNumId w:val="3"/></w:num></w:numbering>').encode()
    body = "".join(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
                   for style, text in [("Heading1", "Khái quát"), ("Heading1", "Kết quả"),
                                       ("Heading2", "Lãnh đạo"), ("Heading2", "Phong trào"),
                                       ("Heading1", "Đánh giá")])
    members["word/document.xml"] = f"<w:document {W_NS}><w:body>{body}</w:body></w:document>".encode()
    document = read_word_document(_zip(tmp_path / "kieu.docx", members))
    assert [(p.numbering, p.outline_level, p.text) for p in document.paragraphs] == [
        ("I.", 0, "Khái quát"), ("II.", 0, "Kết quả"), ("1.", 1, "Lãnh đạo"), ("2.", 1, "Phong trào"),
        ("III.", 0, "Đánh giá")]


def test_a_text_box_is_read_once(tmp_path: Path) -> None:
    """Word writes a text box's text twice (the drawing and its fallback for old readers)."""
    namespaces = (f'{W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                  'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
                  'xmlns:v="urn:schemas-microsoft-com:vml"')
    box = '<w:txbxContent><w:p><w:r><w:t>SỞ GIAO THÔNG VẬN TẢI</w:t></w:r></w:p></w:txbxContent>'
    body = ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
            f"{box}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}"
            "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
            "<w:p><w:r><w:t>I. Khái quát</w:t></w:r></w:p>")
    members = _docx_members(good_docx(tmp_path / "src.docx"))
    members["word/document.xml"] = f"<w:document {namespaces}><w:body>{body}</w:body></w:document>".encode()
    document = read_word_document(_zip(tmp_path / "hop.docx", members))
    assert [p.text for p in document.paragraphs] == ["SỞ GIAO THÔNG VẬN TẢI", "I. Khái quát"]
