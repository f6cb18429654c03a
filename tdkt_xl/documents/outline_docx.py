"""An outline read from a Word document whose headings are the đề cương (``--de-cuong FILE.docx``).

The document is read by the units' Word reports' reader (the same package checks, the same safe
parser): each paragraph numbered in its text ("II. …", "a) …") or by a Word list is a line as
written; a heading without a number (a "Heading 1" … "Heading 3" paragraph) gets the numbering
of its level (I., 1., a)); any other paragraph is a line as written (the title, a guidance note),
and the lines go to :func:`~tdkt_xl.documents.outline.parse_outline_lines`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tdkt_xl.documents.outline import Outline, parse_outline_lines
from tdkt_xl.documents.outline_matching import split_label
from tdkt_xl.intake.word_document import WordParagraph, format_number, read_word_document

_LEVEL_FORMATS = ("upperRoman", "decimal", "lowerLetter")
_LEVEL_ENDINGS = (".", ".", ")")


def outline_lines(paragraphs: Iterable[WordParagraph]) -> list[str]:
    """The outline's lines from a document's paragraphs (see the module's description).

    >>> lines = outline_lines([WordParagraph("Khái quát", outline_level=0), WordParagraph("Thuận lợi",
    ...                        numbering="-"), WordParagraph("Kết quả", outline_level=0),
    ...                        WordParagraph("Lãnh đạo", outline_level=1), WordParagraph("b) Ban hành")])
    >>> lines
    ['I. Khái quát', '- Thuận lợi', 'II. Kết quả', '1. Lãnh đạo', 'b) Ban hành']
    """
    counters = [0, 0, 0]
    lines: list[str] = []
    for paragraph in paragraphs:
        if paragraph.table is not None:
            continue
        text = paragraph.text.replace("\n", " ")
        if paragraph.numbering:
            lines.append(f"{paragraph.numbering} {text}")
        elif paragraph.outline_level is not None and paragraph.outline_level < 3 and not split_label(text)[0]:
            level = paragraph.outline_level
            counters[level] += 1
            counters[level + 1:] = [0] * (2 - level)
            mark = format_number(counters[level], _LEVEL_FORMATS[level])
            lines.append(f"{mark}{_LEVEL_ENDINGS[level]} {text}")
        else:
            lines.append(text)
    return lines


def outline_from_docx(path: Path) -> Outline:
    """The đề cương of the Word document at ``path``; raises
    :class:`~tdkt_xl.intake.safety.RejectedFile` (a Vietnamese reason) when the file is refused."""
    return parse_outline_lines(outline_lines(read_word_document(path).paragraphs))
