"""What units wrote, gathered for the draft report: the "Kết quả" and "Khó khăn, vướng mắc" of
their "Tiến độ" sheets, task by task, and their "Kiến nghị, đề xuất".

The same words written by several units are quoted once, naming every unit that wrote them
(hundreds of units often copy one sentence); each quotation names its units.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.shared import Cm

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.documents.admin_document import add_run
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import clean_lines, fold_words


@dataclass
class Quote:
    """One text and the units that wrote it (names, in the order met)."""

    text: str
    units: list[str] = field(default_factory=list)


@dataclass
class TaskTexts:
    """A task and what its units wrote about it."""

    number: str
    content: str
    results: list[Quote] = field(default_factory=list)
    difficulties: list[Quote] = field(default_factory=list)


def unit_names(plan: Plan, consolidation: Consolidation) -> dict[str, str]:
    """Unit code -> the name to print: the plan's Đơn vị sheet, else the report's own."""
    names = {r.unit_code: r.unit_name for r in consolidation.reports if r.unit_name}
    names.update({u.code: u.name for u in plan.units or [] if u.name})
    return names


def group_quotes(texts: Iterable[tuple[str, str]]) -> list[Quote]:
    """(unit name, text) pairs -> one quote per distinct text (compared by its words), in the
    order first met; blank texts left out.

    >>> [(q.text, q.units) for q in group_quotes([("A", "Đã xong."), ("B", "đã  XONG"), ("C", "")])]
    [('Đã xong.', ['A', 'B'])]
    """
    quotes: dict[str, Quote] = {}
    for unit, raw in texts:
        text = clean_lines(raw)
        key = fold_words(text)
        if not key:
            continue
        quote = quotes.setdefault(key, Quote(text))
        if unit not in quote.units:
            quote.units.append(unit)
    return list(quotes.values())


def gathered_progress(plan: Plan, consolidation: Consolidation) -> list[TaskTexts]:
    """Each task some unit wrote a result or a difficulty for, in the plan's order."""
    names = unit_names(plan, consolidation)
    several_sheets = len({p.task.sheet for p in consolidation.tasks}) > 1
    gathered: list[TaskTexts] = []
    for progress in consolidation.tasks:
        entries = [(names.get(code, code), entry) for code, entry in progress.entries.items()]
        task = progress.task
        number = f"{task.number} ({task.sheet})" if several_sheets else task.number
        item = TaskTexts(number=number, content=progress.task.content,
                         results=group_quotes((unit, e.result) for unit, e in entries),
                         difficulties=group_quotes((unit, e.difficulties) for unit, e in entries))
        if item.results or item.difficulties:
            gathered.append(item)
    return gathered


def gathered_proposals(plan: Plan, consolidation: Consolidation) -> list[Quote]:
    """Each unit's "Kiến nghị, đề xuất" (the "Thông tin" sheet's row), by unit code."""
    names = unit_names(plan, consolidation)
    return group_quotes((names.get(unit.code, unit.name), text) for unit, text in consolidation.proposals)


# --- writing them ------------------------------------------------------------------


def _quote_paragraph(doc: DocxDocument, quote: Quote) -> None:
    """- “text” (Unit A; Unit B)."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.left_indent = Cm(1.27)
    add_run(paragraph, "- “")
    lines = quote.text.split("\n")
    for number, line in enumerate(lines):
        run = add_run(paragraph, line, italic=True)
        if number < len(lines) - 1:
            run.add_break()
    add_run(paragraph, "” (")
    add_run(paragraph, "; ".join(quote.units), bold=True)
    add_run(paragraph, ").")


def _label(doc: DocxDocument, text: str, *, italic: bool = False, bold: bool = False) -> None:
    add_run(doc.add_paragraph(), text, italic=italic, bold=bold)


def add_progress_texts(doc: DocxDocument, gathered: list[TaskTexts]) -> int:
    """Under the difficulties item: for each task, the results then the difficulties units wrote.
    Returns the number of quotations written."""
    if not gathered:
        _label(doc, "Các đơn vị chưa nêu kết quả hoặc khó khăn, vướng mắc nào trong báo cáo tiến độ.",
               italic=True)
        return 0
    _label(doc, "Kết quả và khó khăn, vướng mắc các đơn vị nêu trong báo cáo tiến độ, theo từng nhiệm vụ:",
           italic=True)
    written = 0
    for task in gathered:
        _label(doc, f"Nhiệm vụ {task.number}: {task.content}".strip(), bold=True)
        for label, quotes in (("Kết quả:", task.results), ("Khó khăn, vướng mắc:", task.difficulties)):
            if not quotes:
                continue
            _label(doc, label, italic=True)
            for quote in quotes:
                _quote_paragraph(doc, quote)
                written += 1
    return written


def add_proposals(doc: DocxDocument, quotes: list[Quote]) -> int:
    """Under the proposals item: each distinct proposal and the units that made it."""
    if not quotes:
        _label(doc, "Các đơn vị chưa gửi kiến nghị, đề xuất nào trong báo cáo.", italic=True)
        return 0
    _label(doc, "Kiến nghị, đề xuất của các đơn vị:", italic=True)
    for quote in quotes:
        _quote_paragraph(doc, quote)
    return len(quotes)
