"""A task row's number cell (1, "6.1.", "IV", "a)") and a section row's quarter ("I. QUÝ II")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tdkt_xl.plans.cell_text import vn_date
from tdkt_xl.plans.grids import DURATION_CELL, ExcelError, is_duration
from tdkt_xl.plans.text import clean, fold, fold_words

ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
                "ix": 9, "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}
QUARTER_NAMES = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}
_QUARTER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4}
# A quarter section's own text: "Quý I", "I. QUÝ I", "NHIỆM VỤ QUÝ I", "Quý III/2024",
# "Các nhiệm vụ thực hiện trong Quý II" (never "Quy chế …": a quarter needs its number).
SECTION_TEXT = re.compile(
    r"^(?:([ivx]+)\s*[.)/-]?\s+)?"
    r"(?:(?:cac\s+)?(?:nhiem vu|cong viec|hoat dong)(?:\s+[^\s,;:]+){0,4}?\s+)?"
    r"quy\s+(iv|i{1,3}|[1-4]|mot|hai|ba|bon|tu)(?![0-9a-z])"
)
HEADING_LETTER = re.compile(r"[A-ZĐ]\.?")  # "A", "B." over "NHIỆM VỤ TRỌNG TÂM"
SUB_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})+)\.?\s+")
# A section label that starts with its Roman number: "IV. Phát triển …", "II - NHIỆM VỤ …" (capitals:
# "i) …" is an item after "h)").
_ROMAN_LABEL = re.compile(r"\s*([IVX]{1,5})\s*[.):\-–]\s*\S")


def roman_heading(text: str) -> str | None:
    """The Roman number a section label starts with, or None.

    >>> roman_heading("IV. Phát triển hạ tầng"), roman_heading("II - NHIỆM VỤ KHÁC"), roman_heading("i) Việc")
    ('IV', 'II', None)
    """
    match = _ROMAN_LABEL.match(text)
    if match is None or fold(match.group(1)) not in ROMAN_VALUES:
        return None
    return match.group(1)


def duration_days(value: object) -> int | None:
    """The number of days a duration cell holds: 30, "30 ngày", "15 ngày làm việc"; None for
    other text ("Sở KHCN đưa ra kế hoạch").

    >>> duration_days(30), duration_days("30 ngày"), duration_days("Theo kế hoạch"), duration_days(0)
    (30, 30, None, None)
    """
    if not is_duration(value):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = DURATION_CELL.fullmatch(fold_words(value))
    return int(match.group(1)) or None if match else None


def section_quarter(text: str) -> int | None:
    """The quarter a section row's text names, or None.

    >>> [section_quarter(t) for t in ("Quý I", "I. QUÝ II", "NHIỆM VỤ QUÝ III", "Quy chế thi đua")]
    [1, 2, 3, None]
    """
    match = SECTION_TEXT.match(fold(text))
    return matched_quarter(match) if match else None


def matched_quarter(match: re.Match[str]) -> int:
    """The quarter a match of :data:`SECTION_TEXT` names (its number: 2, "II" or "hai")."""
    raw = match.group(2)
    if raw.isdigit():
        return int(raw)
    return _QUARTER_WORDS.get(raw) or ROMAN_VALUES[raw]


@dataclass
class TaskNumber:
    """A row's number cell, read."""

    kind: str  # "top" | "sub" | "letter" | "roman" | "none" | "text" | "bad"
    text: str = ""
    parts: tuple[int, ...] = ()


def read_number(value: object) -> TaskNumber:
    """Read an STT/TT cell: 1, "1.", "01", 6.1, "6.1.", "6,1", "I", "a)", "i)".

    >>> read_number("6.1.").parts, read_number(3.0).text, read_number("IV").kind, read_number("i)").kind
    ((6, 1), '3', 'roman', 'letter')
    """
    if value is None or isinstance(value, ExcelError):
        return TaskNumber("none")
    if isinstance(value, (bool, datetime, int, float)):
        return _number_from_value(value)
    return _number_from_text(clean(value))


def _number_from_value(value: bool | datetime | int | float) -> TaskNumber:
    """A number cell Excel holds as a number (or a date, or TRUE/FALSE)."""
    if isinstance(value, bool):
        return TaskNumber("bad", str(value))
    if isinstance(value, datetime):  # "7.1" typed in a cell Excel turned into a date
        return TaskNumber("bad", vn_date(value.date()))
    if isinstance(value, int):
        return TaskNumber("top", str(value), (value,))
    if value.is_integer():
        return TaskNumber("top", str(int(value)), (int(value),))
    text = f"{value:g}"
    return TaskNumber("sub", text, tuple(int(p) for p in text.split(".")))


def _number_from_text(raw: str) -> TaskNumber:
    """A number cell holding text: "1.", "6,1", "IV", "a)", a bullet, a note."""
    text = raw.rstrip(".):").strip()
    if not text:
        return TaskNumber("none")
    if re.fullmatch(r"\d{1,4}", text):
        return TaskNumber("top", str(int(text)), (int(text),))
    if re.fullmatch(r"\d{1,3}([.,]\d{1,3})+", text):  # "6,1": a decimal comma
        parts = tuple(int(p) for p in re.split(r"[.,]", text))
        return TaskNumber("sub", ".".join(map(str, parts)), parts)
    if raw.endswith(")") and re.fullmatch(r"[a-zđ]", fold(text)):
        return TaskNumber("letter", text.lower())  # "i)" is the item after "h)", not Roman one
    if fold(text) in ROMAN_VALUES:
        return TaskNumber("roman", text.upper(), (ROMAN_VALUES[fold(text)],))
    if re.fullmatch(r"[a-zđ]", fold(text)):
        return TaskNumber("letter", text.lower())
    if re.fullmatch(r"[-+*•]", text):
        return TaskNumber("none")
    if " " in text or len(text) > 8:
        return TaskNumber("text", text)  # a note or label typed in the number column
    return TaskNumber("bad", text)
