"""Reading a unit's Word report (.docx) into its paragraphs, after the checks of
:mod:`tdkt_xl.intake.safety.word_package`: each paragraph's text, style name, outline level,
whether its text is bold, the number or letter a numbered list gives it, and where it stands
(the body, or a table's row and cell). Meant to run in the worker processes of
:mod:`tdkt_xl.intake.worker_pool` (:func:`read_word_for_pool`).

The XML is parsed by the standard library's ElementTree only once the package checks have
refused any DOCTYPE or ENTITY declaration: no entity is ever expanded, nothing external is
fetched. python-docx is not trusted with a hostile file (it parses with lxml, whole, in this
process).
"""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tdkt_xl.errors import Code
from tdkt_xl.intake.book_readers import RawBook
from tdkt_xl.intake.safety.limits_and_rejections import Limits, RejectedFile, rejected_file
from tdkt_xl.intake.safety.word_package import WordParts, scan_word_package
from tdkt_xl.plans.text import clean_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WORD_SUFFIXES = (".docx", ".docm")
LEGACY_WORD_SUFFIXES = (".doc",)
_HEADING_NAME = re.compile(r"^(?:heading|tiêu đề|tieu de|đề mục)\s*([1-9])$", re.IGNORECASE)
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MAX_STYLE_DEPTH = 16
_OFF = ("0", "false", "off", "none")


@dataclass(frozen=True)
class WordParagraph:
    """One paragraph as a reader of the document sees it.

    ``outline_level``: 0 for a "Heading 1" (Word's own count), None for body text; ``bold``: all
    its text is bold; ``numbering``: the label a numbered list shows before it ("II.", "a)");
    ``table``/``row``/``cell``: where it stands in a table of the body (0-based), None outside.
    """

    text: str  # a line break inside the paragraph kept as "\n"
    style: str = ""
    outline_level: int | None = None
    bold: bool = False
    numbering: str = ""
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    @property
    def shown(self) -> str:
        """The text with its list label, as the page shows it."""
        return f"{self.numbering} {self.text}".strip() if self.numbering else self.text


@dataclass(frozen=True)
class WordDocument:
    """A unit's Word document: its file name and paragraphs in order."""

    file: str
    paragraphs: tuple[WordParagraph, ...] = ()


# --- styles --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str = ""
    outline_level: int | None = None
    bold: bool | None = None
    numbering: tuple[str, int] | None = None  # numId, level


def _val(element: ET.Element | None) -> str | None:
    return None if element is None else element.get(f"{W}val")


def _bold(run_properties: ET.Element | None) -> bool | None:
    if run_properties is None:
        return None
    bold = run_properties.find(f"{W}b")
    if bold is None:
        return None
    value = _val(bold)
    return value is None or value.lower() not in _OFF


def _level(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    level = int(value)
    return level if level < 9 else None  # 9: "body text"


def _num_properties(properties: ET.Element | None) -> tuple[str, int] | None:
    numbering = properties.find(f"{W}numPr") if properties is not None else None
    if numbering is None:
        return None
    num_id = _val(numbering.find(f"{W}numId"))
    level = _level(_val(numbering.find(f"{W}ilvl"))) or 0
    return (num_id, level) if num_id is not None else None


@functools.lru_cache(maxsize=16)  # most units' documents come from a few templates: the same styles
def parse_styles(data: bytes) -> dict[str, _Style]:
    """The paragraph styles of ``word/styles.xml`` by id: name, parent, outline level, bold, list.

    >>> xml = ('<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    ...        '<w:style w:type="paragraph" w:styleId="u1"><w:name w:val="heading 1"/></w:style></w:styles>')
    >>> parse_styles(xml.encode())["u1"].name
    'heading 1'
    """
    styles: dict[str, _Style] = {}
    if not data:
        return styles
    for style in ET.fromstring(data).iter(f"{W}style"):
        if style.get(f"{W}type", "paragraph") != "paragraph":
            continue
        properties = style.find(f"{W}pPr")
        outline = _level(_val(properties.find(f"{W}outlineLvl"))) if properties is not None else None
        styles[style.get(f"{W}styleId", "")] = _Style(
            name=_val(style.find(f"{W}name")) or "", based_on=_val(style.find(f"{W}basedOn")) or "",
            outline_level=outline, bold=_bold(style.find(f"{W}rPr")), numbering=_num_properties(properties))
    return styles


def _resolved(styles: dict[str, _Style], style_id: str) -> _Style:
    """A style with what it inherits from its parents (a bounded chain)."""
    chain: list[_Style] = []
    current = style_id
    while current in styles and len(chain) < _MAX_STYLE_DEPTH:
        chain.append(styles[current])
        current = styles[current].based_on
    if not chain:
        return _Style(name=style_id)
    outline = next((s.outline_level for s in chain if s.outline_level is not None), None)
    named = _HEADING_NAME.match(chain[0].name.strip())
    if outline is None and named:
        outline = int(named.group(1)) - 1
    return _Style(name=chain[0].name, outline_level=outline,
                  bold=next((s.bold for s in chain if s.bold is not None), None),
                  numbering=next((s.numbering for s in chain if s.numbering is not None), None))


# --- numbering -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Level:
    start: int = 1
    format: str = "decimal"
    text: str = "%1."


def _roman(number: int) -> str:
    """
    >>> _roman(4), _roman(14), _roman(2024)
    ('IV', 'XIV', 'MMXXIV')
    """
    parts = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
             (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, letters in parts:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _letters(number: int) -> str:
    """Word's letter numbering: a … z, then aa, bb …

    >>> _letters(1), _letters(26), _letters(27)
    ('a', 'z', 'aa')
    """
    number = max(number, 1)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def format_number(number: int, kind: str) -> str:
    """A list counter as Word shows it for a ``w:numFmt`` kind.

    >>> [format_number(3, k) for k in ("decimal", "upperRoman", "lowerLetter", "bullet")]
    ['3', 'III', 'c', '']
    """
    if kind == "upperRoman":
        return _roman(number)
    if kind == "lowerRoman":
        return _roman(number).lower()
    if kind == "upperLetter":
        return _letters(number).upper()
    if kind == "lowerLetter":
        return _letters(number)
    if kind in ("bullet", "none"):
        return ""
    if kind == "decimalZero":
        return f"{number:02d}"
    return str(number)


class Numbering:
    """The lists of ``word/numbering.xml``, counting as paragraphs come."""

    def __init__(self, data: bytes) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> abstract id, start overrides
        self.counters: dict[str, list[int]] = {}
        if data:
            self._parse(ET.fromstring(data))

    def _parse(self, root: ET.Element) -> None:
        for abstract in root.iter(f"{W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{W}lvl"):
                index = _level(lvl.get(f"{W}ilvl")) or 0
                start = _val(lvl.find(f"{W}start")) or "1"
                levels[index] = _Level(int(start) if start.isdigit() else 1,
                                       _val(lvl.find(f"{W}numFmt")) or "decimal",
                                       _val(lvl.find(f"{W}lvlText")) or "")
            self.abstract[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in root.iter(f"{W}num"):
            overrides = {}
            for override in num.iter(f"{W}lvlOverride"):
                restart = _val(override.find(f"{W}startOverride"))
                if restart is not None and restart.isdigit():
                    overrides[_level(override.get(f"{W}ilvl")) or 0] = int(restart)
            self.nums[num.get(f"{W}numId", "")] = (_val(num.find(f"{W}abstractNumId")) or "", overrides)

    def label(self, num_id: str, level: int) -> str:
        """The label of the next paragraph of list ``num_id`` at ``level`` (counters move on)."""
        if num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        starts = [overrides.get(i, levels.get(i, _Level()).start) for i in range(9)]
        counters = self.counters.setdefault(num_id, [start - 1 for start in starts])
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = starts[deeper] - 1
        pattern = levels.get(level, _Level()).text

        def shown(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            return format_number(max(counters[at], starts[at]), levels.get(at, _Level()).format)

        return re.sub(r"%([1-9])", shown, pattern).strip()


# --- the document --------------------------------------------------------------------------------

def _run_text(run: ET.Element) -> str:
    pieces = []
    for child in run:
        if child.tag == f"{W}t":
            pieces.append(child.text or "")
        elif child.tag == f"{W}tab":
            pieces.append(" ")
        elif child.tag in (f"{W}br", f"{W}cr"):
            pieces.append("\n")
    return "".join(pieces)


def _runs(paragraph: ET.Element) -> Iterator[ET.Element]:
    """The runs whose text shows (a deleted tracked change does not)."""
    stack = list(reversed(paragraph))
    while stack:
        node = stack.pop()
        if node.tag == f"{W}r":
            yield node
        elif node.tag not in (f"{W}del", f"{W}pPr", f"{W}moveFrom"):
            stack.extend(reversed(node))


@dataclass
class _Place:
    """Where the parser is: the body's tables (nested ones counted with their outer table), the row
    and cell, and whether inside the fallback copy of a drawing (a text box's text is there twice:
    in ``mc:Choice`` and again in ``mc:Fallback``, read once)."""

    tables: int = -1
    depth: int = 0
    row: int = -1
    cell: int = -1
    rows: list[int] = field(default_factory=list)
    fallback: int = 0

    def start(self, tag: str) -> None:
        if tag == f"{W}tbl":
            if self.depth == 0:
                self.tables += 1
            self.depth += 1
            self.rows.append(self.row)
            self.row = -1
        elif tag == f"{W}tr" and self.depth:
            self.row += 1
            self.cell = -1
        elif tag == f"{W}tc" and self.depth:
            self.cell += 1
        elif tag == _FALLBACK:
            self.fallback += 1

    def end(self, tag: str) -> None:
        if tag == f"{W}tbl":
            self.depth -= 1
            self.row = self.rows.pop()
        elif tag == _FALLBACK:
            self.fallback -= 1


def _paragraph(element: ET.Element, styles: dict[str, _Style], numbering: Numbering, place: _Place
               ) -> WordParagraph | None:
    properties = element.find(f"{W}pPr")
    style = _resolved(styles, _val(properties.find(f"{W}pStyle")) or "Normal"
                      if properties is not None else "Normal")
    texts: list[str] = []
    bold_all = True
    for run in _runs(element):
        text = _run_text(run)
        if not text.strip():
            texts.append(text)
            continue
        bold = _bold(run.find(f"{W}rPr"))
        bold_all = bold_all and (bold if bold is not None else bool(style.bold))
        texts.append(text)
    text = clean_lines("".join(texts))
    own_level = _level(_val(properties.find(f"{W}outlineLvl"))) if properties is not None else None
    listed = _num_properties(properties) or style.numbering
    label = numbering.label(*listed) if listed is not None and listed[0] != "0" else ""
    if not text:
        return None
    in_table = place.depth > 0
    return WordParagraph(text=text, style=style.name, bold=bold_all,
                         outline_level=own_level if own_level is not None else style.outline_level,
                         numbering=label, table=place.tables if in_table else None,
                         row=place.row if in_table else None, cell=place.cell if in_table else None)


def parse_document(parts: WordParts, file: str = "") -> WordDocument:
    """The paragraphs of a checked document (see
    :func:`~tdkt_xl.intake.safety.word_package.scan_word_package`).

    Raises :class:`~tdkt_xl.intake.safety.RejectedFile` ("not-a-word-document") when the XML is not
    well formed.
    """
    try:
        styles = parse_styles(parts.styles)
        numbering = Numbering(parts.numbering)
        return WordDocument(file, tuple(_paragraphs(parts.document, styles, numbering)))
    except ET.ParseError as error:
        raise rejected_file(Code.NOT_A_WORD_DOCUMENT, (
            f"Nội dung văn bản Word bị hỏng (XML sai cấu trúc: {error}). Thử mở bằng Word và lưu lại; "
            "nếu không mở được, đề nghị đơn vị gửi lại tệp.")) from None


def _paragraphs(document: bytes, styles: dict[str, _Style], numbering: Numbering) -> Iterator[WordParagraph]:
    place = _Place()
    root = True
    for event, element in ET.iterparse(io.BytesIO(document), events=("start", "end")):
        tag = element.tag
        if root and tag != f"{W}document":
            raise rejected_file(Code.NOT_A_WORD_DOCUMENT, (
                f"Tệp không phải văn bản Word .docx (phần nội dung chính là <{tag.rpartition('}')[2]}>, "
                "không phải văn bản). Đề nghị đơn vị gửi lại đúng văn bản báo cáo dạng .docx."))
        root = False
        if event == "start":
            place.start(tag)
            continue
        if tag == f"{W}p":
            found = _paragraph(element, styles, numbering, place) if not place.fallback else None
            element.clear()
            if found is not None:
                yield found
        elif tag in (f"{W}tbl", _FALLBACK):
            place.end(tag)
            element.clear()


def read_word_document(path: Path, limits: Limits = Limits(), *, file: str = "") -> WordDocument:  # noqa: B008
    """The paragraphs of the .docx at ``path``, after every package check; raises
    :class:`~tdkt_xl.intake.safety.RejectedFile` with why it is refused."""
    return parse_document(scan_word_package(path, limits), file or path.name)


def read_word_for_pool(path: Path, limits: Limits) -> RawBook:
    """:func:`read_word_document` as a reader of :func:`~tdkt_xl.intake.worker_pool.read_many`: the
    document goes back in ``checked``."""
    return RawBook({}, checked=read_word_document(path, limits))


def is_word_name(name: str) -> bool:
    """Whether a file name is a Word document's (.docx, .docm; .doc, which is refused with why).

    >>> is_word_name("bao_cao.DOCX"), is_word_name("ghi_chu.doc"), is_word_name("~$bao_cao.docx")
    (True, True, False)
    """
    base = name.rpartition("/")[2]
    return not base.startswith("~$") and base.lower().endswith((*WORD_SUFFIXES, *LEGACY_WORD_SUFFIXES))


__all__ = ["RejectedFile", "WordDocument", "WordParagraph", "is_word_name", "parse_document",
           "read_word_document", "read_word_for_pool"]
