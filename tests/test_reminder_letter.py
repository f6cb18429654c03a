"""The công văn đôn đốc and its e-mails (issue 17): `tdkt-xl don-doc`, read back with python-docx and
the standard library's email parser, and converted by LibreOffice."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import find_soffice, libreoffice_convert
from docx import Document
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from paper_pdf import pdf_info, pdf_text

from tdkt_xl.cli import cli
from tdkt_xl.consolidation.aggregate import Consolidation, FileOutcome, UnitSubmission
from tdkt_xl.documents.reminder_emails import file_name, first_address, subject, write_reminder_emails
from tdkt_xl.documents.reminder_letter import HEADINGS, NO_ADDRESS, letter_summary, write_reminder_letter
from tdkt_xl.documents.sources import consolidation_for
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.intake.unit_report import UnitReport
from tdkt_xl.plans.models import Plan, PlanConfig
from tdkt_xl.plans.units import Unit

AS_OF = date(2024, 7, 1)
DEADLINE = date(2024, 6, 25)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_round: Any) -> tuple[Path, Consolidation]:
    """The demo's plan and inbox, consolidated by this code (the shared demo round keeps files)."""
    root, _ = demo_round(tmp_path_factory.mktemp("demo"))
    return root, consolidation_for(load_plan(root / "ke_hoach_mau.xlsx"), inbox=root / "hop_thu", as_of=AS_OF)


def _sections(path: Path) -> dict[str, list[list[str]]]:
    """Each "Heading 2" of the letter and the rows of the table under it (or the paragraph)."""
    doc = Document(str(path))
    found: dict[str, list[list[str]]] = {}
    current = ""
    body = doc.element.body
    tables = iter(doc.tables[1:])  # (the first is the header block)
    paragraphs = {p._p: p for p in doc.paragraphs}
    for child in body.iterchildren():
        if child in paragraphs and paragraphs[child].style.name == "Heading 2":
            current = paragraphs[child].text
            found[current] = []
        elif child.tag.endswith("}tbl") and current and not found[current]:
            table = next(tables)
            found[current] = [[cell.text for cell in row.cells] for row in table.rows]
        elif child in paragraphs and current and not found[current] and paragraphs[child].text:
            found[current] = [[paragraphs[child].text]]
    return found


def _texts(path: Path) -> str:
    doc = Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_letter_lists_each_unit_under_its_heading(demo: tuple[Path, Consolidation],
                                                      tmp_path: Path) -> None:
    root, result = demo
    plan = load_plan(root / "ke_hoach_mau.xlsx")
    out = write_reminder_letter(plan, result, tmp_path / "cong_van.docx")
    sections = _sections(out)
    states = ("missing", "rejected", "late")
    assert list(sections) == [HEADINGS[s].format(n=n) for n, s in enumerate(states, 1)]
    names = {u.code: u.name for u in plan.units or []}
    emails = {u.code: u.email for u in plan.units or []}
    by_state: dict[str, list[str]] = {}
    for s in result.submissions:
        by_state.setdefault(s.state, []).append(s.unit.code)
    for state, heading in zip(("missing", "rejected", "late"), sections, strict=True):
        rows = sections[heading]
        assert rows[0][0] == "STT" and rows[0][-1] == "Thư điện tử"
        assert [row[1] for row in rows[1:]] == [names[c] for c in by_state[state]]
        assert [row[-1] for row in rows[1:]] == [emails[c] or NO_ADDRESS for c in by_state[state]]
        assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(rows))]
    (rejected,) = sections[list(sections)[1]][1:]
    outcome = next(f for f in result.files if f.outcome == "rejected")
    assert rejected[2] == outcome.file and rejected[3].startswith(outcome.reason)
    assert "Gửi lại: báo cáo lập trên mẫu PPCTT.xlsx" in rejected[3]
    late = sections[list(sections)[2]][1:]
    made = {s.unit.code: s.report.submitted_on for s in result.submissions if s.report}
    assert [row[2] for row in late] == [made[c].strftime("%d/%m/%Y") for c in by_state["late"]]  # type: ignore[union-attr]
    text = _texts(out)
    assert "hạn nộp báo cáo là ngày 25/06/2024" in text and "Tính đến ngày 01/07/2024, 14/17" in text
    assert letter_summary(plan) in text and "Kính gửi:" in text and "Nơi nhận:" in text


def test_the_letters_page_and_fonts_are_nghi_dinh_30s(demo: tuple[Path, Consolidation],
                                                      tmp_path: Path) -> None:
    root, result = demo
    out = write_reminder_letter(load_plan(root / "ke_hoach_mau.xlsx"), result, tmp_path / "cv.docx")
    doc = Document(str(out))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    def within(length: Any, low: float, high: float) -> bool:  # (Word keeps twips: 1/1440 inch)
        return Mm(low - 0.1) <= length <= Mm(high + 0.1)

    assert within(section.top_margin, 20, 25) and within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35) and within(section.right_margin, 15, 20)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and Mm(0) < normal.font.size
    assert 13 <= normal.font.size.pt <= 14
    header = doc.tables[0].rows[0].cells
    assert header[0].text.strip().splitlines()[-1].startswith("V/v đôn đốc gửi báo cáo")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text


def _result(states: dict[str, str], emails: dict[str, str]) -> tuple[Plan, Consolidation]:
    units = [Unit(code=code, name=f"Đơn vị {code}", email=emails.get(code, "")) for code in states]
    submissions = []
    for unit in units:
        state = states[unit.code]
        report = UnitReport(file=f"{unit.code}.xlsx", unit_code=unit.code, report_date=date(2024, 6, 28)) \
            if state in ("late", "on_time") else None
        rejected = [FileOutcome(file=f"{unit.code} (1).xlsx", outcome="rejected", code="corrupt-zip",
                                reason="Tệp hỏng.")] if state == "rejected" else []
        submissions.append(UnitSubmission(unit=unit, state=state, report=report,  # type: ignore[arg-type]
                                          rejected=rejected))
    plan = Plan(year=2024, units=units, config=PlanConfig(year=2024, report_deadline=DEADLINE))
    result = Consolidation(as_of=AS_OF, report_deadline=DEADLINE, years=[2023], forms=[],
                           submissions=submissions, tasks=[], totals={}, files=[], reports=[], problems=[])
    return plan, result


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(["missing", "rejected", "late", "on_time"]), min_size=1, max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_any_mix_of_units_is_listed_and_emailed(states: list[str], with_email: list[bool]) -> None:
    import tempfile

    codes = {f"D{i}": state for i, state in enumerate(states)}
    emails = {code: f"d{i}@tinh.gov.vn" for i, code in enumerate(codes) if with_email[i]}
    plan, result = _result(codes, emails)
    with tempfile.TemporaryDirectory() as folder:
        out = write_reminder_letter(plan, result, Path(folder) / "cv.docx")
        sections = _sections(out)
        for heading, state in zip(sections, ("missing", "rejected", "late"), strict=True):
            wanted = [f"Đơn vị {c}" for c, s in codes.items() if s == state]
            rows = sections[heading]
            assert ([row[1] for row in rows[1:]] if wanted else rows) == (wanted or [["Không có."]])
        emails_written = write_reminder_emails(plan, result, Path(folder) / "thu")
        order = {"missing": 0, "rejected": 1, "late": 2}
        chased = sorted((c for c, s in codes.items() if s != "on_time"), key=lambda c: (order[codes[c]], c))
        assert sorted(p.name for p in emails_written.written) == sorted(f"{c}.eml" for c in chased)
        assert [c for c, _ in emails_written.without_address] == [c for c in chased if c not in emails]


def _parsed(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    return message


def test_each_email_parses_back(demo: tuple[Path, Consolidation], tmp_path: Path) -> None:
    root, result = demo
    plan = load_plan(root / "ke_hoach_mau.xlsx")
    emails = write_reminder_emails(plan, result, tmp_path / "thu", sender_address="ban.tdkt@tinh.gov.vn")
    chased = [s for s in result.submissions if s.state in ("missing", "rejected", "late")]
    assert [p.name for p in emails.written] == [f"{s.unit.code}.eml" for s in chased]
    for item, path in zip(chased, emails.written, strict=True):
        raw = path.read_bytes()
        assert raw.isascii()  # RFC 5322: headers encoded (RFC 2047), the body in base64
        message = _parsed(path)
        (to,) = message["To"].addresses
        assert (to.display_name, to.addr_spec) == (item.unit.name, item.unit.email)
        assert message["From"].addresses[0].addr_spec == "ban.tdkt@tinh.gov.vn"
        assert str(message["Subject"]) == subject(plan, item) and "năm 2024" in str(message["Subject"])
        assert message.get_content_charset() == "utf-8" and message["X-Unsent"] == "1"
        text = message.get_content()
        assert text.startswith(f"Kính gửi: {item.unit.name},")
        if item.state == "rejected":
            assert item.rejected[0].reason in text and "Gửi lại:" in text
        elif item.state == "late":
            assert "sau thời hạn (hạn nộp ngày 25/06/2024)" in text
        else:
            assert "chưa nhận được báo cáo" in text


@settings(max_examples=40, deadline=None)
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                    max_size=60).filter(lambda t: t.strip() == t and t.strip()))
def test_any_unit_name_survives_the_headers(name: str) -> None:
    plan, result = _result({"A": "missing"}, {"A": "a@tinh.gov.vn"})
    unit = result.submissions[0].unit.model_copy(update={"name": name})
    result.submissions[0] = result.submissions[0].model_copy(update={"unit": unit})
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (path,) = write_reminder_emails(plan, result, Path(folder)).written
        message = _parsed(path)
        assert str(message["Subject"]).endswith(f" - {name}")
        assert message["To"].addresses[0].addr_spec == "a@tinh.gov.vn"
        assert message.get_content().startswith(f"Kính gửi: {name},")


@pytest.mark.parametrize(("cell", "address"), [("a@b.vn", "a@b.vn"), ("a@b.vn; c@d.vn", "a@b.vn"),
                                               ("  x.y@so.gov.vn ,z@t.vn", "x.y@so.gov.vn"),
                                               ("chưa có", None), ("", None), ("a@b", None)])
def test_the_first_address_of_a_cell(cell: str, address: str | None) -> None:
    assert first_address(cell) == address


def test_every_address_of_a_cell_is_a_recipient() -> None:
    import tempfile

    plan, result = _result({"A": "missing"}, {"A": "vt@so.gov.vn; lanhdao@so.gov.vn"})
    with tempfile.TemporaryDirectory() as folder:
        (path,) = write_reminder_emails(plan, result, Path(folder)).written
        to = _parsed(path)["To"].addresses
    assert [(a.display_name, a.addr_spec) for a in to] == [("Đơn vị A", "vt@so.gov.vn"),
                                                           ("Đơn vị A", "lanhdao@so.gov.vn")]


def test_file_names_are_safe() -> None:
    item = UnitSubmission(unit=Unit(code="../Sở Y tế", name="x"), state="missing")
    assert file_name(item) == "S_Y_t.eml"


def test_don_doc_command(demo: tuple[Path, Consolidation], tmp_path: Path) -> None:
    root, _ = demo
    out, eml = tmp_path / "ra" / "cong_van.docx", tmp_path / "thu"
    run = CliRunner().invoke(cli, ["don-doc", str(root / "hop_thu"), "--plan",
                                   str(root / "ke_hoach_mau.xlsx"), "--out", str(out), "--eml", str(eml),
                                   "--as-of", "01/07/2024"])
    assert run.exit_code == 0, run.output
    assert f"Công văn đôn đốc: {out}" in run.output
    assert "5 đơn vị cần đôn đốc (2 chưa nộp, 1 có tệp bị loại, 2 nộp muộn)" in run.output
    assert f"5 tệp .eml trong {eml}" in run.output
    assert out.exists() and len(list(eml.glob("*.eml"))) == 5


def test_the_demo_writes_the_letter(tmp_path: Path) -> None:
    from tdkt_xl.demo.run import run_demo

    paths, result = run_demo(tmp_path / "demo")
    assert paths.reminder_letter.name == "cong_van_don_doc.docx"
    rows = _sections(paths.reminder_letter)
    rejected = [s.unit.name for s in result.submissions if s.state == "rejected"]
    assert [row[1] for row in rows[HEADINGS["rejected"].format(n=2)][1:]] == rejected != []


def test_don_doc_without_a_unit_list(sample_plan: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(sample_plan)
    del book["Đơn vị"]
    plan = tmp_path / "kh.xlsx"
    book.save(plan)
    (tmp_path / "hop_thu").mkdir()
    run = CliRunner().invoke(cli, ["don-doc", str(tmp_path / "hop_thu"), "--plan", str(plan), "--out",
                                   str(tmp_path / "cv.docx")])
    assert run.exit_code == 2 and 'chưa có sheet "Đơn vị"' in run.output and "Traceback" not in run.output
    assert not (tmp_path / "cv.docx").exists()


@pytest.mark.slow
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_letter(demo: tuple[Path, Consolidation], tmp_path: Path) -> None:
    root, result = demo
    out = write_reminder_letter(load_plan(root / "ke_hoach_mau.xlsx"), result, tmp_path / "cong_van.docx")
    (pdf,) = libreoffice_convert([out], "pdf", tmp_path / "pdf")
    text = pdf_text(pdf)
    for heading in ("1. Các cơ quan, đơn vị chưa gửi báo cáo", "Phòng Pháp chế", "PPCTT.xlsx", "Nơi nhận:",
                    "V/v đôn đốc gửi báo cáo"):
        assert heading in text
    info = pdf_info(pdf)
    assert sorted((info.width, info.height)) == [595.3, 841.9]  # A4 (points)


def test_the_letter_keeps_the_schemas_order_of_properties(demo: tuple[Path, Consolidation],
                                                          tmp_path: Path) -> None:
    """Word refuses a document whose properties are out of ECMA-376's order (LibreOffice does not)."""
    from lxml import etree
    from test_draft_report import _SCHEMA_ORDER, W_NS

    root, result = demo
    out = write_reminder_letter(load_plan(root / "ke_hoach_mau.xlsx"), result, tmp_path / "cv.docx")
    package = Document(str(out)).part.package
    checked = 0
    for part in package.iter_parts():
        if not str(part.partname).startswith(("/word/document", "/word/header", "/word/styles")):
            continue
        tree = etree.fromstring(part.blob)
        for name, order in _SCHEMA_ORDER.items():
            rank = {tag: n for n, tag in enumerate(order.split())}
            for element in tree.iter(f"{{{W_NS}}}{name}"):
                ranks = [rank.get(etree.QName(child).localname, -1) for child in element]
                assert -1 not in ranks and ranks == sorted(ranks), (part.partname, name)
                checked += 1
    assert checked > 50
