"""The companion document "Tập hợp ý kiến các đơn vị theo đề cương": what every unit wrote in its
Word report, gathered under each item of the đề cương.

Laid out as an administrative document (Nghị định 30, :mod:`tdkt_xl.documents.admin_document`):
each outline item is a heading at its level, and under it every unit that wrote something for
it, by name, with its paragraphs; then the text written before any heading ("Khác / không theo
đề cương"); then, per unit, the headings its document lacks; then the documents whose unit could
not be told, the units that sent none, and the files not used with why.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Cm

from tdkt_xl.documents.admin_document import (
    add_closing,
    add_heading,
    add_run,
    body_paragraph,
    issuer_from_plan,
    new_admin_document,
    save_document,
)
from tdkt_xl.documents.outline import Outline, OutlineItem, outline_or_default, parse_outline_lines
from tdkt_xl.documents.outline_docx import outline_from_docx
from tdkt_xl.documents.outline_matching import OTHER_KEY, OTHER_TITLE
from tdkt_xl.documents.unit_documents import Gathering, UnitDocument, gather_unit_documents
from tdkt_xl.errors import Code, TdktError
from tdkt_xl.intake.safety.limits_and_rejections import RejectedFile
from tdkt_xl.intake.word_document import WORD_SUFFIXES
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import os_error_message

KIND = "Tập hợp ý kiến các đơn vị theo đề cương"
NOTHING_WRITTEN = "Chưa đơn vị nào có nội dung cho mục này."
MISSING_TITLE = "Đề mục của đề cương không tìm thấy trong văn bản của đơn vị"
UNKNOWN_TITLE = "Văn bản chưa xác định được đơn vị gửi"
NOT_SENT_TITLE = "Đơn vị chưa gửi báo cáo bằng văn bản"
FILES_TITLE = "Tệp không sử dụng"
_OUTCOMES = {"rejected": "bị loại", "superseded": "bị thay thế", "skipped": "bỏ qua"}
QUOTE_INDENT = Cm(1.0)


def _unit_text(doc: DocxDocument, document: UnitDocument, paragraphs: Sequence[str]) -> None:
    """A unit's name in bold, then what it wrote, indented."""
    add_run(body_paragraph(doc), f"{document.name}:", bold=True)
    for text in paragraphs:
        paragraph = body_paragraph(doc, text.replace("\n", " "))
        paragraph.paragraph_format.left_indent = QUOTE_INDENT


def _item(doc: DocxDocument, key: str, heading: str, level: int, documents: Sequence[UnitDocument]) -> None:
    add_heading(doc, heading, level)
    written = [(d, d.split.sections[key]) for d in documents if d.split.sections.get(key)]
    if not written:
        body_paragraph(doc, NOTHING_WRITTEN, italic=True)
    for document, paragraphs in written:
        _unit_text(doc, document, paragraphs)


def _short(item: OutlineItem, words: int = 12) -> str:
    """An item named where it stands: "I. Khái quát …", "II.1.a) Công tác …", "I – Thuận lợi".

    >>> _short(OutlineItem(key="II.1.a", label="a)", title="Công tác quán triệt", level=3))
    'II.1.a) Công tác quán triệt'
    >>> _short(OutlineItem(key="I.-2", label="-", title="Thuận lợi", level=4))
    'I – Thuận lợi'
    """
    title = item.title.rstrip(" .;:").split()
    text = " ".join(title[:words]) + (" …" if len(title) > words else "")
    if item.level == 1 or "." not in item.key:
        return f"{item.label} {text}".strip()
    path, _, last = item.key.rpartition(".")
    if last.startswith("-"):
        return f"{path} – {text}"
    return f"{item.key}{')' if item.label.endswith(')') else '.'} {text}"


def _missing(doc: DocxDocument, outline: Outline, documents: Sequence[UnitDocument]) -> None:
    add_heading(doc, MISSING_TITLE, 1)
    by_key = {item.key: item for item in outline.items}
    lacking = [d for d in documents if d.split.missing]
    if not lacking:
        body_paragraph(doc, "Văn bản của mọi đơn vị có đủ các đề mục.", italic=True)
    for document in lacking:
        paragraph = body_paragraph(doc)
        add_run(paragraph, f"{document.name} ({document.file}): ", bold=True)
        lacks = [_short(by_key[key]) for key in document.split.missing if key in by_key]
        add_run(paragraph, "; ".join(lacks) + ".")


def _unknown_and_not_sent(doc: DocxDocument, plan: Plan, documents: Sequence[UnitDocument]) -> None:
    unknown = [d for d in documents if d.unit is None]
    if unknown:
        add_heading(doc, UNKNOWN_TITLE, 1)
        for document in unknown:
            message = next((p.message for p in document.problems if p.code == Code.UNIT_NOT_IDENTIFIED), "")
            paragraph = body_paragraph(doc)
            add_run(paragraph, f"{document.file}: ", bold=True)
            add_run(paragraph, message)
    sent = {d.unit.code for d in documents if d.unit is not None}
    missing = [u for u in plan.units or [] if not u.is_group and u.code not in sent]
    add_heading(doc, NOT_SENT_TITLE, 1)
    if missing:
        body_paragraph(doc, "; ".join(u.name for u in missing) + ".")
    else:
        body_paragraph(doc, "Mọi đơn vị đã gửi báo cáo bằng văn bản.", italic=True)


def _files(doc: DocxDocument, gathering: Gathering) -> None:
    add_heading(doc, FILES_TITLE, 1)
    if not gathering.files:
        body_paragraph(doc, "Không có tệp nào bị loại.", italic=True)
    for outcome in gathering.files:
        paragraph = body_paragraph(doc)
        add_run(paragraph, f"{outcome.file} ({_OUTCOMES.get(outcome.outcome, outcome.outcome)}): ", bold=True)
        add_run(paragraph, outcome.reason)


def _introduction(doc: DocxDocument, gathering: Gathering, outline: Outline, as_of: date | None) -> None:
    known = sum(1 for d in gathering.documents if d.unit is not None)
    day = f" đến ngày {as_of:%d/%m/%Y}" if as_of else ""
    text = (f"Tập hợp nội dung báo cáo bằng văn bản của {known} đơn vị{day}, sắp xếp theo đề mục của đề "
            "cương. Dưới mỗi đề mục là nguyên văn nội dung từng đơn vị viết dưới đề mục đó.")
    rejected = len(gathering.rejected)
    if rejected:
        text += f" Có {rejected} tệp bị loại (xem mục \"{FILES_TITLE}\")."
    body_paragraph(doc, text)


def build_opinions(plan: Plan, gathering: Gathering, outline: Outline, *, as_of: date | None = None
                   ) -> DocxDocument:
    """The companion document, in memory."""
    doc = new_admin_document(issuer_from_plan(plan), KIND, outline.title, issued_on=as_of, symbol="")
    _introduction(doc, gathering, outline, as_of)
    for item in outline.items:
        _item(doc, item.key, item.heading, item.level, gathering.documents)
    if any(d.split.sections.get(OTHER_KEY) for d in gathering.documents):
        _item(doc, OTHER_KEY, OTHER_TITLE, 1, gathering.documents)
    _missing(doc, outline, gathering.documents)
    _unknown_and_not_sent(doc, plan, gathering.documents)
    _files(doc, gathering)
    issuer = issuer_from_plan(plan)
    add_closing(doc, ["Lãnh đạo đơn vị (để báo cáo)", "Tổ soạn thảo báo cáo"], issuer.signer_title,
                issuer.signer_name)
    return doc


def write_opinions(plan: Plan, gathering: Gathering, outline: Outline, out: Path, *,
                   as_of: date | None = None) -> Path:
    """Write the companion document to ``out`` (atomically); returns ``out``."""
    save_document(build_opinions(plan, gathering, outline, as_of=as_of), out)
    return out


# --- the command's work (tdkt-xl y-kien) ----------------------------------------------------------

def _read_outline_file(path: Path) -> Outline:
    """The đề cương in ``path``: by ``tdkt_xl.documents.outline_files`` where it is installed
    (.txt, .xlsx, .docx), else a .docx by its headings or a text file's lines."""
    try:
        reader = importlib.import_module("tdkt_xl.documents.outline_files").read_outline_file
    except (ImportError, AttributeError):
        if path.suffix.lower() in WORD_SUFFIXES:
            return outline_from_docx(path)
        return parse_outline_lines(path.read_text(encoding="utf-8-sig").splitlines())
    outline: Outline = reader(path)
    return outline


class OutlineUnreadable(TdktError):
    """A đề cương file that cannot be read; the message is Vietnamese and names the file."""


def choose_outline(plan: Plan, de_cuong: Path | None) -> Outline:
    """The đề cương to follow: ``de_cuong`` when given, else the plan's "Đề cương" sheet, else
    seed 004's. Raises :class:`OutlineUnreadable` (or the outline reader's own TdktError) when
    ``de_cuong`` cannot be read."""
    if de_cuong is None:
        return outline_or_default(plan.outline)
    try:
        return _read_outline_file(de_cuong)
    except RejectedFile as refused:
        raise OutlineUnreadable(f"không đọc được đề cương {de_cuong}: {refused.rejection.reason}") from None
    except UnicodeDecodeError:
        raise OutlineUnreadable(f"không đọc được đề cương {de_cuong}: tệp văn bản không phải bảng mã "
                                "UTF-8.") from None
    except OSError as error:
        raise OutlineUnreadable(f"không đọc được đề cương {de_cuong}. {os_error_message(error)}") from None


def gather_and_write(plan: Plan, inbox: Path, out: Path, outline: Outline, *, as_of: date | None = None,
                     workers: int = 2, timeout_s: float = 60) -> Gathering:
    """Read the units' Word reports under ``inbox`` and write the companion document ``out``."""
    gathering = gather_unit_documents(plan, inbox, outline.items, workers=workers, timeout_s=timeout_s)
    write_opinions(plan, gathering, outline, out, as_of=as_of)
    return gathering


def summary_lines(gathering: Gathering) -> list[str]:
    """What the command says about a gathering, in Vietnamese."""
    known = [d for d in gathering.documents if d.unit is not None]
    lines = [f"Văn bản báo cáo: {len(known)} đơn vị, {len(gathering.documents) - len(known)} chưa xác định "
             f"được đơn vị, {len(gathering.rejected)} tệp bị loại."]
    for document in gathering.documents:
        how = {"header": "theo tên cơ quan ở đầu văn bản", "file": "theo tên tệp"}.get(document.how or "", "")
        lacking = f"; thiếu {len(document.split.missing)} đề mục" if document.split.missing else ""
        lines.append(f"  {document.file}: {document.name}" + (f" ({how})" if how else "") + lacking)
    lines += [f"  Bị loại: {f.file}: {f.reason}" for f in gathering.rejected]
    return lines
