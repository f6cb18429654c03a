"""Splitting a unit's Word report by the đề cương's headings (pure: plain values in, plain values out).

A unit writes the outline's headings its own way: "II." or "2." or "B." for the same item, "a)" or
"a." or "a -", upper case, without diacritics, composed or decomposed Unicode, as a Word heading
style, as a bold paragraph, as a numbered-list paragraph (the number then comes from the list,
not the text), a word or two changed or left out. A paragraph is taken as the heading of an
outline item when it looks like a heading (a heading style or outline level, bold, a list number,
a number or letter written before it, or all in capitals) and its words are close enough to the
item's title; items are found in the outline's order (a heading skipped is "not found", a
later one may still be found). The text under each heading found goes to that item; the text
before the first goes to :data:`OTHER_KEY` ("Khác / không theo đề cương").
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tdkt_xl.plans.text import clean, fold, fold_words

if TYPE_CHECKING:
    from tdkt_xl.documents.outline import Outline

OTHER_KEY = "_khac"
OTHER_TITLE = "Khác / không theo đề cương"
# A number or letter written before a heading: "II.", "2.", "2.1.", "a)", "A.", "b -", "(c)", "3/".
_LABEL = re.compile(
    r"^\s*\(?\s*(?P<mark>[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3}|[A-Za-zĐđ])\s*(?:[.):/–-]+|\s(?=[-–]))\s*")
_DASH = re.compile(r"^\s*[-–—+•*]\s+")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# The closing of an administrative document: what follows is not the report's content.
_CLOSING = ("noi nhan", "noi nhan:")
_PREAMBLE = ("bao cao", "kinh gui", "so:", "so ", "cong hoa xa hoi", "doc lap - tu do", "doc lap tu do")
MIN_SCORE = 0.6  # how close a heading's words must be to an item's title


class HeadingItem(Protocol):
    """What matching needs of an outline item (``tdkt_xl.documents.outline.OutlineItem``)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def level(self) -> int: ...


class Paragraph(Protocol):
    """What matching needs of a paragraph (``tdkt_xl.intake.word_document.WordParagraph``)."""

    @property
    def text(self) -> str: ...
    @property
    def outline_level(self) -> int | None: ...
    @property
    def bold(self) -> bool: ...
    @property
    def numbering(self) -> str: ...
    @property
    def table(self) -> int | None: ...


@dataclass
class OutlineSplit:
    """A document split by an outline: ``sections`` (item key -> the paragraphs under its heading,
    in order; :data:`OTHER_KEY` for those before the first heading), ``headings`` (item key -> the
    heading as the unit wrote it) and ``missing`` (the keys of the items whose heading was not
    found, in the outline's order)."""

    sections: dict[str, list[str]] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def mark_value(mark: str) -> int | None:
    """The number a heading's mark stands for: "IV" 4, "3" 3, "c" 3, "B" 2, "đ" 5 (as the
    Vietnamese list a, b, c, d, đ), "2.1" None (a sub-number). Capital I, V, X, L, C are Roman.

    >>> [mark_value(m) for m in ("IV", "3", "c", "B", "đ", "2.1", "")]
    [4, 3, 3, 2, 5, None, None]
    """
    if not mark or "." in mark:
        return None
    if mark.isdigit():
        return int(mark)
    if all(ch in _ROMAN for ch in mark):
        values = [_ROMAN[ch] for ch in mark]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    if len(mark) == 1 and mark.isalpha():
        return 5 if mark in "đĐ" else ord(mark.lower()) - ord("a") + 1
    return None


def split_label(text: str) -> tuple[str, str]:
    """A heading's mark (its number or letter, or "-" for a dash) and the words after it.

    >>> split_label("II. KẾT QUẢ"), split_label("a) Ưu điểm"), split_label("- Thuận lợi")
    (('II', 'KẾT QUẢ'), ('a', 'Ưu điểm'), ('-', 'Thuận lợi'))
    >>> split_label("Bài học kinh nghiệm."), split_label("2.1. Kết quả")
    (('', 'Bài học kinh nghiệm.'), ('2.1', 'Kết quả'))
    """
    text = clean(text)
    match = _LABEL.match(text)
    if match and match.end() < len(text):
        return match.group("mark"), text[match.end():].strip()
    dash = _DASH.match(text)
    if dash:
        return "-", text[dash.end():].strip()
    return "", text


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    """A text's folded words (the outline's titles come again for every document: cached)."""
    return tuple(fold_words(text).split())


def title_score(title: str, text: str, floor: float = 0.0) -> float:
    """How close a heading's words are to a title's (1.0: the same words), case, diacritics, Unicode
    form and punctuation aside; a heading that is the title followed by a colon and text scores as
    the title. A score at or under ``floor`` may be given as 0 (it is not worked out).

    >>> title_score("Kết quả 10 năm triển khai thực hiện", "KET QUA 10 NAM TRIEN KHAI THUC HIEN")
    1.0
    >>> title_score("Thuận lợi", "Thuận lợi: nhiều mặt") == 1.0, title_score("Thuận lợi", "Khó khăn") < 0.5
    (True, True)
    """
    if not _words(title):
        return 0.0
    matcher = _matcher(title)
    best = 0.0
    for words in _candidates(text):
        matcher.set_seq1(words)
        bar = max(best, floor)
        if matcher.real_quick_ratio() <= bar or matcher.quick_ratio() <= bar:
            continue  # (upper bounds of the ratio, quick to work out)
        best = max(best, matcher.ratio())
    return best


@functools.lru_cache(maxsize=2048)
def _matcher(title: str) -> difflib.SequenceMatcher[str]:
    """A matcher of the title's words (the second sequence, whose index it keeps), made once."""
    return difflib.SequenceMatcher(None, (), _words(title), autojunk=False)


@functools.lru_cache(maxsize=8192)
def _candidates(text: str) -> tuple[tuple[str, ...], ...]:
    """A heading's words, and those before its colon if it has one."""
    head, colon, _rest = clean(text).partition(":")
    return (_words(text), _words(head)) if colon else (_words(text),)


def looks_like_heading(paragraph: Paragraph) -> bool:
    """A heading style or outline level, bold, a list number, a mark written before it, or capitals.

    >>> from types import SimpleNamespace
    >>> def P(text): return SimpleNamespace(text=text, outline_level=None, bold=False, numbering="")
    >>> looks_like_heading(P("1. Đánh giá chung")), looks_like_heading(P("Năm qua đơn vị đã…"))
    (True, False)
    """
    text = paragraph.text
    if paragraph.outline_level is not None or paragraph.bold or paragraph.numbering:
        return True
    if split_label(text)[0]:
        return True
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def _heading_words(paragraph: Paragraph) -> tuple[str, str]:
    """The mark and the words of a heading paragraph (a list's number counts as its mark)."""
    mark, words = split_label(paragraph.text)
    if paragraph.numbering:
        listed, _ = split_label(f"{paragraph.numbering} x")
        return listed or mark, words if mark else paragraph.text
    return mark, words


@functools.lru_cache(maxsize=1024)
def _label_mark(label: str) -> str:
    return split_label(f"{label} x")[0] if label else ""


def _item_mark(item: HeadingItem) -> str:
    return _label_mark(item.label)


def _score(item: HeadingItem, heading: tuple[str, str, bool, int], floor: float = 0.0) -> float:
    """How well a heading (its mark, words, whether it looks like one, its word count) heads ``item``."""
    mark, words, looks, count = heading
    score = title_score(item.title, words, floor - 0.1)
    item_mark = _item_mark(item)
    if mark and item_mark and mark != "-" and mark_value(mark) == mark_value(item_mark):
        score += 0.1  # the same number, however written ("II." / "2." / "B.")
    if not looks or count > 3 * max(len(_words(item.title)), 4):
        score -= 0.3  # body text that happens to use the title's words
    return score


def _best_item(items: Sequence[HeadingItem], start: int, paragraph: Paragraph) -> int | None:
    """The index (from ``start`` on) of the item this paragraph heads, if any: the best score over
    :data:`MIN_SCORE`, the nearest on a tie."""
    mark, words = _heading_words(paragraph)
    heading = (mark, words, looks_like_heading(paragraph), len(_words(words)))
    best, best_score = None, MIN_SCORE
    for index in range(start, len(items)):
        score = _score(items[index], heading, best_score)
        if score > best_score + 1e-9:
            best, best_score = index, score
    return best


def _preamble(paragraph: Paragraph, first_table: int | None) -> bool:
    if paragraph.table is not None and paragraph.table == first_table:
        return True
    return fold(paragraph.text).startswith(_PREAMBLE)


def split_by_outline(paragraphs: Iterable[Paragraph], items: Sequence[HeadingItem]) -> OutlineSplit:
    """The text under each item of ``items`` (in the outline's order) as the document has it.

    The header block (the table the document starts with, the title "BÁO CÁO", "Kính gửi") is left
    out, and so is the closing from "Nơi nhận" on.
    """
    split = OutlineSplit()
    current = OTHER_KEY
    position = 0
    listed = list(paragraphs)
    first_table = listed[0].table if listed else None
    started = title_next = False
    for paragraph in listed:
        if fold(paragraph.text).startswith(_CLOSING):
            break
        header = not started and (paragraph.table is not None and paragraph.table == first_table)
        found = (_best_item(items, position, paragraph)
                 if not header and looks_like_heading(paragraph) else None)
        if found is None and not started and (title_next or _preamble(paragraph, first_table)):
            # the title "BÁO CÁO" is followed by its trích yếu: both are the header's
            title_next = fold(paragraph.text) == "bao cao"
            continue
        if found is not None:
            item = items[found]
            started = True
            current, position = item.key, found + 1
            split.headings[item.key] = clean(paragraph.text)
            _, words = _heading_words(paragraph)
            head, colon, rest = words.partition(":")
            if colon and rest.strip() and title_score(item.title, head) >= MIN_SCORE:
                split.sections.setdefault(current, []).append(rest.strip())
            continue
        split.sections.setdefault(current, []).append(paragraph.text)
    split.missing = [item.key for item in items if item.key not in split.headings]
    return split


def outline_from_docx(path: Path) -> Outline:
    """The đề cương of a Word document whose headings are the outline (the hook
    ``tdkt_xl.documents.outline_files`` names): :func:`tdkt_xl.documents.outline_docx.outline_from_docx`,
    imported when called (reading a file is not this module's business)."""
    from tdkt_xl.documents.outline_docx import outline_from_docx as read

    return read(path)
