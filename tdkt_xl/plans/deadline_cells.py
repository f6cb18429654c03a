"""A deadline cell as staff leave it: an Excel date shown as a month or a quarter by its number
format, or a phrase with a reviewer's note typed after it.

Pure: the adapters hand over the number format of each date cell whose format does not show a
day (:attr:`tdkt_xl.plans.grids.Grid.formats`), and :func:`read_deadline_cell` turns the cell
into a :class:`~tdkt_xl.plans.deadlines.Deadline`, the text that names it, and the notes to warn
about (``deadline-note``).

>>> from datetime import datetime
>>> cell = read_deadline_cell(datetime(2026, 4, 1), '"Tháng "m/yyyy', 2026)
>>> cell.text, cell.deadline.start, cell.deadline.due
('Tháng 04/2026', datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
>>> cell = read_deadline_cell("13/02/2026\\n Đề xuất hạn là thường xuyên", None, 2026)
>>> cell.text, cell.deadline.due, cell.notes
('13/02/2026', datetime.date(2026, 2, 13), ('Đề xuất hạn là thường xuyên',))
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from tdkt_xl.plans.cell_text import value_text
from tdkt_xl.plans.deadlines import Deadline, parse_deadline, quarter_bounds, quarter_of
from tdkt_xl.plans.text import clean, clean_lines, fold

DateFormatKind = Literal["day", "month", "quarter", "year"]

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Formats known by name (Excel's XML Spreadsheet writes them so): none shows less than a day.
_NAMED_FORMATS = frozenset({"general", "general date", "short date", "medium date", "long date",
                            "short time", "medium time", "long time", "general number", "fixed",
                            "standard", "percent", "scientific", "@"})


@dataclass(frozen=True)
class DeadlineCell:
    """A deadline cell read: the deadline, the text that names it (as the cell shows it, without
    a note), and the notes typed after it, each a ``deadline-note`` warning."""

    deadline: Deadline
    text: str
    notes: tuple[str, ...] = ()


# --- number formats ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _format_parts(number_format: str) -> tuple[str, str]:
    """The date codes of a format's first section (lower case, literals gone) and its literal text
    (folded): ``"Tháng "m/yyyy`` is ``('m/yyyy', 'thang ')``."""
    section = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', number_format)[0]
    literals = re.findall(r'"([^"]*)"|\\(.)', section)
    literal = fold(" ".join(a or b for a, b in literals))
    section = re.sub(r"\[(h+|m+|s+)\]", r"\1", section, flags=re.IGNORECASE)  # elapsed time: [h]:mm
    codes = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', " ", section).lower()
    # "m" after an hour or before seconds is minutes, not the month
    codes = re.sub(r"h+[^dmy]*?m+|m+([^dmy]*?s)", " ", codes)
    return codes, literal


def date_format_kind(number_format: str | None) -> DateFormatKind:
    """What a date cell's number format shows: a day, a whole month, a quarter or a year.

    >>> [date_format_kind(f) for f in ('dd/mm/yyyy', '"Tháng "m/yyyy', 'mm/yyyy', 'mmm yyyy',
    ...                                '"Quý "m/yyyy', 'yyyy', 'General', None, 'h:mm')]
    ['day', 'month', 'month', 'month', 'quarter', 'year', 'day', 'day', 'day']
    """
    if not number_format or number_format.strip().casefold() in _NAMED_FORMATS:
        return "day"
    codes, literal = _format_parts(number_format)
    if re.search(r"(?<![a-z])d{1,2}(?![a-z])", codes) or ("y" not in codes and "m" not in codes):
        return "day"  # a day of the month is shown, or no date at all ("General", "@", a time)
    if re.search(r"\b(?:quy|qui|q)\b", literal):
        return "quarter"
    return "month" if "m" in codes else "year"


def keeps_format(number_format: str | None) -> bool:
    """Whether an adapter keeps a date cell's format in the grid (only those not showing a day).

    >>> keeps_format("dd/mm/yyyy"), keeps_format('"Tháng "mm/yyyy')
    (False, True)
    """
    return date_format_kind(number_format) != "day"


def _shown_quarter(number_format: str, day: date) -> int:
    """The quarter a quarter format shows: the one its text names ("Quý II/"yyyy); the month number
    shown after "Quý" ("Quý "m/yyyy shows 01/02/2026 as "Quý 2/2026", the second quarter); else the
    quarter the date falls in (also when the number shown is no quarter: "Quý 5/2026")."""
    _, literal = _format_parts(number_format)
    found = re.search(r"\b(?:quy|qui|q)\s*([1-4]|iv|i{1,3})\b", literal)
    if found is not None:
        number = found.group(1)
        return int(number) if number.isdigit() else _ROMAN[number]
    bare = fold(number_format).replace("\\", "").replace('"', "")
    after = re.search(r"\b(?:quy|qui|q)\s*m{1,2}(?!m)", bare)
    if after is not None and 1 <= day.month <= 4:
        return day.month
    return quarter_of(day)


def _formatted_date(day: date, number_format: str | None) -> DeadlineCell | None:
    """A date cell whose format shows a month, a quarter or a year: that whole period."""
    kind = date_format_kind(number_format)
    if kind == "day" or number_format is None:
        return None
    if kind == "month":
        start = day.replace(day=1)
        due = _month_end(day)
        text = f"Tháng {day.month:02d}/{day.year}"
    elif kind == "quarter":
        quarter = _shown_quarter(number_format, day)
        start, due = quarter_bounds(day.year, quarter)
        text = f"Quý {['I', 'II', 'III', 'IV'][quarter - 1]}/{day.year}"
    else:
        start, due = date(day.year, 1, 1), date(day.year, 12, 31)
        text = f"Năm {day.year}"
    return DeadlineCell(Deadline(text=text, start=start, due=due, quarter=quarter_of(due)), text)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


# --- notes typed after the deadline -------------------------------------------------------------

# What reviewers write beside a deadline: proposals, requests, remarks, "move it to …" (folded).
_NOTE_WORDS = re.compile(
    r"\b(?:de xuat|de nghi|kien nghi|ghi chu|luu y|y kien|gop y|xin|lui (?:sang|lai|den|han|thoi)"
    r"|gia han|dieu chinh|sua (?:lai|thanh)|xem (?:lai|xet)|nb|note)\b"
)
# Where a note may begin: a new line, a dash between spaces, ";", an opening bracket.
_NOTE_START = re.compile(r"\n|\s[-\u2013\u2014]\s|;|\(")


def _split_note(text: str, year: int, issued: date | None) -> tuple[str, Deadline, str] | None:
    """(the deadline, the note) when a note follows a deadline that reads on its own."""
    # the last place a note may begin before its words: the longest deadline before the note
    for match in reversed(list(_NOTE_START.finditer(text))):
        head, tail = text[: match.start()].strip(), text[match.start():]
        note = clean(tail.strip(" \n;-\u2013\u2014"))
        if note.startswith("(") and note.endswith(")"):
            note = note[1:-1].strip()
        if not head or not _NOTE_WORDS.search(fold(tail)) or _NOTE_WORDS.search(fold(head)):
            continue
        reading = _parse(clean(head), year, issued)
        if reading.problem is None and (reading.due is not None or reading.recurring):
            return clean(head), reading, note
    return None


# --- the cell -------------------------------------------------------------------------------------


def read_deadline_cell(value: object, number_format: str | None, year: int, *,
                       issued: date | None = None) -> DeadlineCell:
    """Read a deadline cell: a date (by its number format), a number, or a phrase (a note after
    the phrase is kept apart). ``year`` is the plan year; ``issued`` the plan's issue date, for
    deadlines counted from it.

    >>> read_deadline_cell("Quý II/2026 - đề nghị lùi sang quý III", None, 2026).notes
    ('đề nghị lùi sang quý III',)
    >>> read_deadline_cell("Quý II/2026 - Quý III/2026", None, 2026).notes
    ()
    """
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        formatted = _formatted_date(day, number_format)
        if formatted is not None:
            return formatted
    if not isinstance(value, str):
        return DeadlineCell(_parse(value, year, issued), value_text(value))
    text = clean_lines(value)
    split = _split_note(text, year, issued)
    if split is None:
        return DeadlineCell(_parse(clean(text), year, issued), clean(text))
    head, deadline, note = split
    return DeadlineCell(deadline, head, (note,))


def _parse(value: object, year: int, issued: date | None) -> Deadline:
    # the plan's issue date: deadlines counted from it ("100 ngày kể từ ngày ban hành Kế hoạch")
    return parse_deadline(value, year, issued=issued)
