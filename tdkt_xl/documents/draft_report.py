"""The draft Báo cáo tổng kết in Word, following the đề cương, from the consolidated reports.

Every heading of the outline is written at its level (Word's "Heading 1" … "Heading 4"). What the
data can say is filled in: under the item about the figures of commendations, sentences built
from the numbers, a table by year and level, a chart, a table by form; under the item about
difficulties, the results and difficulties units wrote in their "Tiến độ" sheets, task by task;
under the proposals item, the units' "Kiến nghị, đề xuất". Every other heading keeps the
outline's guidance in italics and a highlighted placeholder for the drafter. The appendices list
the submissions and each task's progress; a topic the outline has no item for goes to an
appendix of its own, so nothing the data says is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Cm

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.documents.admin_document import (
    DRAFT_PLACEHOLDER,
    add_closing,
    add_heading,
    add_placeholder,
    add_run,
    issuer_from_plan,
    new_admin_document,
    save_document,
)
from tdkt_xl.documents.appendices import add_submissions, add_task_progress, appendix_title, start_appendices
from tdkt_xl.documents.outline import Outline, OutlineItem, Topic, find_topic, outline_or_default
from tdkt_xl.documents.statistics_section import add_statistics
from tdkt_xl.documents.unit_texts import (
    add_progress_texts,
    add_proposals,
    gathered_progress,
    gathered_proposals,
)
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import clean, fold_words

KIND = "Báo cáo"
DEFAULT_SUMMARY = "Tổng kết công tác thi đua, khen thưởng"
DRAFT_MARK = "DỰ THẢO"
TOPIC_TITLES: dict[Topic, str] = {
    "statistics": "Số liệu khen thưởng",
    "difficulties": "Kết quả, khó khăn, vướng mắc các đơn vị nêu",
    "proposals": "Kiến nghị, đề xuất của các đơn vị",
}


TOPIC_SAID: dict[str, str] = {
    "statistics": "Số liệu khen thưởng ở đề mục",
    "difficulties": "Kết quả, khó khăn, vướng mắc các đơn vị nêu ở đề mục",
    "proposals": "Kiến nghị, đề xuất của các đơn vị ở đề mục",
}


@dataclass
class DraftReport:
    """What was written: the file, the outline item each topic went under (an appendix when the
    outline has none), the number of placeholders left for the drafter, the appendices."""

    path: Path
    outline: Outline
    filled: dict[str, str] = field(default_factory=dict)
    placeholders: int = 0
    quotes: int = 0
    appendices: list[str] = field(default_factory=list)

    def summary_lines(self, consolidation: Consolidation, ledger: Path | None = None) -> list[str]:
        """What ``tdkt-xl bao-cao`` says it wrote."""
        reported = sum(1 for s in consolidation.submissions if s.state != "missing")
        source = f" (sổ cái {ledger})" if ledger else ""
        return [f"Đã ghi dự thảo báo cáo: {self.path}",
                f"Số liệu từ báo cáo của {reported}/{len(consolidation.submissions)} đơn vị{source}; "
                f"{len(consolidation.rejected)} tệp bị loại.",
                *(f"- {TOPIC_SAID[topic]}: {where}" for topic, where in self.filled.items()),
                f"Còn {self.placeholders} chỗ \"{DRAFT_PLACEHOLDER}\" chờ người soạn điền."]


def report_summary(outline: Outline) -> str:
    """The trích yếu from the outline's title, without the kind it starts with ("Báo cáo tổng
    kết 10 năm …" -> "Tổng kết 10 năm …").

    >>> report_summary(Outline(title="Báo cáo tổng kết 10 năm thực hiện Chỉ thị"))
    'Tổng kết 10 năm thực hiện Chỉ thị'
    """
    title = clean(outline.title)
    if fold_words(title).startswith("bao cao "):
        title = title.split(" ", 2)[2] if title.count(" ") >= 2 else ""
    return (title[:1].upper() + title[1:]) if title else DEFAULT_SUMMARY


def _draft_mark(doc: DocxDocument) -> None:
    """"DỰ THẢO" at the top of the first page (its own header)."""
    paragraph = doc.sections[0].first_page_header.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Cm(0)
    add_run(paragraph, DRAFT_MARK, bold=True)


class _Writer:
    """Writes the body of the draft, item by item."""

    def __init__(self, doc: DocxDocument, plan: Plan, consolidation: Consolidation, outline: Outline,
                 as_of: date | None, out: Path) -> None:
        self.doc, self.plan, self.consolidation, self.as_of = doc, plan, consolidation, as_of
        self.result = DraftReport(path=out, outline=outline)
        self.topics: dict[str, list[Topic]] = {}  # an item may be about two ("Khó khăn và kiến nghị")
        for topic in TOPIC_TITLES:
            item = find_topic(outline, topic)
            if item is not None:
                self.topics.setdefault(item.key, []).append(topic)
                self.result.filled[topic] = item.key

    def fill(self, topic: Topic) -> None:
        """The content the data gives for ``topic``."""
        fillers: dict[Topic, Callable[[], None]] = {
            "statistics": self._statistics,
            "difficulties": self._difficulties,
            "proposals": self._proposals,
        }
        fillers[topic]()

    def _statistics(self) -> None:
        add_statistics(self.doc, self.consolidation, self.as_of)

    def _difficulties(self) -> None:
        self.result.quotes += add_progress_texts(self.doc, gathered_progress(self.plan, self.consolidation))

    def _proposals(self) -> None:
        self.result.quotes += add_proposals(self.doc, gathered_proposals(self.plan, self.consolidation))

    def prompt(self, item: OutlineItem) -> None:
        if item.prompt:
            add_run(self.doc.add_paragraph(), item.prompt, italic=True)

    def placeholder(self) -> None:
        add_placeholder(self.doc.add_paragraph())
        self.result.placeholders += 1

    def item(self, item: OutlineItem) -> None:
        add_heading(self.doc, item.heading, item.level)
        self.prompt(item)
        topics = self.topics.get(item.key, [])
        if topics != ["statistics"]:
            self.placeholder()  # the drafter's own text, then what the units wrote (the figures: none)
        for topic in topics:
            self.fill(topic)

    def _filler(self, topic: Topic) -> Callable[[], None]:
        return lambda: self.fill(topic)

    def appendices(self, attached: str) -> None:
        sections: list[tuple[str, Callable[[], None]]] = [
            ("Tình hình gửi báo cáo của các đơn vị", lambda: add_submissions(self.doc, self.plan,
                                                                              self.consolidation)),
            ("Tiến độ thực hiện các nhiệm vụ", lambda: add_task_progress(self.doc, self.consolidation)),
        ]
        for topic, title in TOPIC_TITLES.items():
            if topic not in self.result.filled:
                sections.append((title, self._filler(topic)))
                self.result.filled[topic] = f"Phụ lục {len(sections)}"
        start_appendices(self.doc)
        for number, (title, write) in enumerate(sections, start=1):
            appendix_title(self.doc, number, title, attached)
            write()
            self.result.appendices.append(title)


def write_draft_report(plan: Plan, consolidation: Consolidation, out: Path, *, outline: Outline | None = None,
                       as_of: date | None = None) -> DraftReport:
    """Write the draft Báo cáo tổng kết to ``out`` (atomically) and say what it holds.

    ``outline``: the đề cương to follow (default: the plan's "Đề cương" sheet, else seed 004's);
    ``as_of``: the day the figures are given for (default: the consolidation's).
    """
    outline = outline or outline_or_default(plan.outline)
    issuer = issuer_from_plan(plan)
    summary = report_summary(outline)
    symbol = f"BC-{issuer.abbreviation}" if issuer.abbreviation else "BC-…"
    doc = new_admin_document(issuer, KIND, summary, None, symbol)
    _draft_mark(doc)
    writer = _Writer(doc, plan, consolidation, outline, as_of or consolidation.as_of, out)
    for item in outline.items:
        writer.item(item)
    add_closing(doc, [], issuer.signer_title, issuer.signer_name)
    body = issuer.body or "…"
    writer.appendices(f"(Kèm theo Báo cáo số        /{symbol} ngày      tháng      năm       của {body})")
    save_document(doc, out)
    return writer.result


__all__ = ["DRAFT_PLACEHOLDER", "DraftReport", "report_summary", "write_draft_report"]
