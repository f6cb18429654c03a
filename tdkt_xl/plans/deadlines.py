"""Read a Vietnamese deadline phrase ("Tháng 2", "Trước ngày 15/6", "Quý III năm 2019") as dates.

:func:`parse_deadline` never raises: what it cannot read comes back with a
``problem`` code the validator turns into a message.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tdkt_xl.errors import TdktError
from tdkt_xl.plans.deadline_items import DateItem, date_items, relative_items
from tdkt_xl.plans.deadline_words import (
    CLAUSE_BREAK,
    CONDITIONAL_WORDS,
    COUNTED_FROM_EVENT,
    PERIODIC_DAY,
    RECURRING_WORDS,
    TENTATIVE_WORDS,
    canchi_year,
    count_words_to_digits,
    drop_noise,
    drop_restated_numbers,
    mark_lunar_months,
    replace_number_words,
)
from tdkt_xl.plans.lunar_calendar import lunar_to_solar
from tdkt_xl.plans.text import fold

# "relative": counted from the plan's issue date ("100 ngày kể từ ngày ban hành"), which was not
# given: no due date, and a warning, never an error
DeadlineProblem = Literal["unreadable", "impossible-date", "relative"]

EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2199


class Deadline(BaseModel):
    """A deadline read from a cell.

    ``start``/``due`` are the first and last day of the period the phrase names
    (``start`` is None for "trước ngày …"), ``quarter`` is the quarter of ``due``.
    ``dues`` holds every deadline, sorted, when the cell names several ("trước ngày 15/6 và
    trước ngày 01/12"; "Quý I/2026 (…); Năm 2026 (…)"), and is empty otherwise: ``due`` is
    always the last one (:attr:`all_dues` gives the list in every case).

    >>> d = parse_deadline("Đầu tháng 7", 2024)
    >>> (d.start, d.due, d.quarter)
    (datetime.date(2024, 7, 1), datetime.date(2024, 7, 10), 3)
    """

    model_config = ConfigDict(frozen=True)

    text: str = ""
    start: date | None = None
    due: date | None = None
    dues: list[date] = Field(default_factory=list)
    quarter: int | None = None
    recurring: bool = False
    tentative: bool = False
    conditional: bool = False
    problem: DeadlineProblem | None = None
    problem_detail: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.text and self.due is None

    @property
    def all_dues(self) -> list[date]:
        """Every due date of the cell: :attr:`dues`, or ``[due]``, or none.

        >>> parse_deadline("Trước ngày 15/6 và trước ngày 01/12", 2024).all_dues
        [datetime.date(2024, 6, 15), datetime.date(2024, 12, 1)]
        >>> parse_deadline("Tháng 6", 2024).all_dues
        [datetime.date(2024, 6, 30)]
        """
        return list(self.dues) if self.dues else [self.due] if self.due is not None else []


def quarter_of(day: date) -> int:
    """The quarter (1–4) a day falls in.

    >>> quarter_of(date(2024, 7, 1))
    3
    """
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter.

    >>> quarter_bounds(2024, 1)
    (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    """
    first_month = 3 * (quarter - 1) + 1
    return date(year, first_month, 1), _month_end(year, first_month + 2)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class _Impossible(TdktError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _bounds(item: DateItem, year: int) -> tuple[date, date]:
    """Start and due of one item in a resolved year; raises _Impossible."""
    if item.precision == "day":
        return _day_bounds(item, year)
    if item.precision == "month":
        return _month_bounds(item, year)
    if item.precision == "quarter":
        return _quarter_part_bounds(item, year)
    if item.precision == "school":
        return date(year, 9, 1), date(year + 1, 5, 31)
    if item.precision == "part":
        assert item.months is not None
        first, last = item.months
        return date(year, first, 1), _month_end(year, last)
    return date(year, 1, 1), date(year, 12, 31)


def _day_bounds(item: DateItem, year: int) -> tuple[date, date]:
    """A day, of the solar or the lunar calendar, moved by its offset ("trước Tết 10 ngày")."""
    assert item.day is not None and item.month is not None
    try:
        day = lunar_to_solar(year, item.month, item.day) if item.lunar else date(year, item.month, item.day)
    except ValueError:
        calendar_name = " âm lịch" if item.lunar else ""
        raise _Impossible(f"{item.day}/{item.month}/{year}{calendar_name}") from None
    day += timedelta(days=item.offset)
    return day, day


def _month_bounds(item: DateItem, year: int) -> tuple[date, date]:
    """A month, or the part of it its modifier names ("đầu tháng", "tuần 2")."""
    assert item.month is not None
    if not 1 <= item.month <= 12:
        raise _Impossible(f"tháng {item.month}")
    last = _month_end(year, item.month).day
    first_day, last_day = {
        "dau": (1, 10), "giua": (11, 20), "cuoi": (21, last),
        "thuong tuan": (1, 10), "trung tuan": (11, 20), "ha tuan": (21, last),
        "tuan dau": (1, 7), "tuan thu nhat": (1, 7), "tuan cuoi": (last - 6, last),
    }.get(item.modifier, (1, last))
    week = re.fullmatch(r"tuan (\d+)", item.modifier)
    if week:  # week 1 is days 1–7, week 5 the days from the 29th
        number = int(week.group(1))
        first_day, last_day = 7 * number - 6, last if number == 5 else 7 * number
        if not 1 <= number <= 5 or first_day > last:
            raise _Impossible(f"tuần {number} tháng {item.month}")
    return date(year, item.month, first_day), date(year, item.month, last_day)


def _quarter_part_bounds(item: DateItem, year: int) -> tuple[date, date]:
    """A quarter, or the month of it its modifier names ("đầu quý": the first)."""
    assert item.quarter is not None
    if not 1 <= item.quarter <= 4:
        raise _Impossible(f"quý {item.quarter}")
    start, due = quarter_bounds(year, item.quarter)
    if item.modifier == "dau":
        return start, _month_end(year, start.month)
    if item.modifier == "giua":
        return date(year, start.month + 1, 1), _month_end(year, start.month + 1)
    if item.modifier == "cuoi":
        return date(year, due.month, 1), due
    return start, due


def _shift(item: DateItem) -> int:
    """The years a relative year item ("năm sau", "năm trước kỳ báo cáo") is from the plan's."""
    return 1 if item.next_year else -1 if item.prev_year else 0


def _resolve_years(items: list[DateItem], plan_year: int) -> None:
    """Items without a year borrow the next explicit one, else the previous, else the plan's."""
    for item in items:
        if item.canchi is not None:
            item.year = canchi_year(item.canchi, plan_year)
    default_shift = next((_shift(it) for it in items
                          if it.precision == "year" and it.year is None and _shift(it)), 0)
    for index, item in enumerate(items):
        item.explicit_year = item.year is not None or bool(_shift(item))
        if item.year is not None:
            continue
        if _shift(item):
            item.year = plan_year + _shift(item)
            continue
        later = next((plan_year + _shift(it) if it.year is None else it.year
                      for it in items[index + 1 :]
                      if (it.year is not None or _shift(it)) and it.precision != "year"), None)
        earlier = next((it.year for it in reversed(items[:index]) if it.year is not None
                        and it.precision != "year"), None)
        standalone = next((it.year for it in items if it.precision == "year"
                           and it.year is not None), None)
        chosen = later or earlier or standalone
        if chosen is None:
            chosen = plan_year + default_shift
        item.year = chosen


def parse_deadline(value: object, year: int, *, issued: date | None = None) -> Deadline:
    """Read a deadline cell: a phrase, a date/datetime or an Excel serial number.

    ``year`` is the plan year, used when the phrase names none; ``issued`` the plan's issue
    date, from which "100 ngày kể từ ngày ban hành Kế hoạch" counts (without it such a phrase
    has no due date and the problem "relative").

    >>> parse_deadline("Trước ngày 15/6", 2024).due
    datetime.date(2024, 6, 15)
    >>> parse_deadline("Quý IV/2024 (trước 15/12)", 2023).start
    datetime.date(2024, 10, 1)
    >>> parse_deadline("Thường xuyên", 2024).recurring
    True
    >>> parse_deadline(2025, 2024).due  # 1900–2199 are years, other numbers Excel serials
    datetime.date(2025, 12, 31)
    >>> parse_deadline("30 ngày kể từ ngày ký", 2024, issued=date(2024, 6, 10)).due
    datetime.date(2024, 7, 10)
    >>> parse_deadline("30 ngày kể từ ngày ký", 2024).problem
    'relative'
    """
    try:
        return _parse(value, year, issued)
    except Exception as error:  # never raise: a cell we cannot read is a problem, not a crash
        return Deadline(text=_as_text(value), problem="unreadable",
                        problem_detail=type(error).__name__)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _single_day(text: str, day: date) -> Deadline:
    return Deadline(text=text, start=day, due=day, quarter=quarter_of(day))


def _parse(value: object, year: int, issued: date | None) -> Deadline:
    text = _as_text(value)
    if value is None or text == "":
        return Deadline()
    if isinstance(value, datetime):
        return _single_day(text, value.date())
    if isinstance(value, date):
        return _single_day(text, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value < 1 or value > 2958465:  # NaN or outside Excel's range
            return Deadline(text=text, problem="unreadable", problem_detail=text)
        if float(value).is_integer() and MIN_YEAR <= value <= MAX_YEAR:
            return _parse_phrase(text, year, issued)  # a year typed as a number: 2024 is "Năm 2024"
        day = EXCEL_EPOCH + timedelta(days=int(value))
        if not MIN_YEAR + 50 <= day.year <= MAX_YEAR:
            return Deadline(text=text, problem="unreadable", problem_detail=text)
        return _single_day(text, day)

    return _parse_phrase(text, year, issued)


@functools.lru_cache(maxsize=8192)
def _parse_phrase(text: str, year: int, issued: date | None = None) -> Deadline:
    """Read a deadline phrase (cached: plans repeat phrases on many rows)."""
    folded = mark_lunar_months(drop_restated_numbers(fold(text)))
    # counted from the issue date ("100 ngày kể từ ngày ban hành"), before "ngày sáu" is read
    folded, relative, counted_from_issue = relative_items(count_words_to_digits(folded), issued)
    folded = drop_noise(replace_number_words(folded))
    # "ngày 20 của tháng cuối kỳ báo cáo": a day of every period, recurring with no single date
    recurring = bool(RECURRING_WORDS.search(folded) or PERIODIC_DAY.search(folded))
    folded = PERIODIC_DAY.sub(lambda m: " " * len(m.group(0)), folded)
    tentative = bool(TENTATIVE_WORDS.search(folded))
    items = sorted([*date_items(folded), *relative], key=lambda it: it.pos)
    recurring = recurring or any(it.onward for it in items)  # "2025 và những năm tiếp theo"
    if not items:
        if counted_from_issue:  # and the issue date is not known
            return Deadline(text=text, recurring=recurring, tentative=tentative, problem="relative",
                            problem_detail=text)
        return _without_dates(text, folded, recurring=recurring, tentative=tentative)
    # "trước ngày 10/8 hằng năm" is recurring and due on that day of the plan year
    _resolve_years(items, year)
    try:
        _date_items(items)
    except _Impossible as impossible:
        return Deadline(text=text, recurring=recurring, tentative=tentative,
                        problem="impossible-date", problem_detail=impossible.detail)
    start, due = _combine(items)
    several = _several_dues(folded, items)
    dues: list[date] = []
    if several is not None:
        clause_start, dues = several
        start, due = clause_start or start, dues[-1]
        if start is not None and start > due:
            start = None  # as in _combine: keep the due dates, drop a start after the last of them
    return Deadline(text=text, start=start, due=due, dues=dues,
                    quarter=quarter_of(due) if due else None, recurring=recurring,
                    tentative=tentative)


def _several_dues(folded: str, items: list[DateItem]) -> tuple[date | None, list[date]] | None:
    """(start, due dates) of a cell naming several deadlines, else None.

    The cell is cut into clauses at ";" and at "và"/"hoặc" before "trước", "chậm nhất" …: each
    clause is one deadline ("Quý I/2026 (Kế hoạch CĐS); Năm 2026 (theo từng hệ thống)"), and
    so is each day of a list after "trước" ("trước ngày 15/6 và 15/12"). A period around its day
    ("Quý IV (trước 15/12)") and a range ("từ 15/6 đến 30/6") stay one deadline. The start of
    several clauses is the earliest start among them.
    """
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(folded)]
    clauses: dict[int, list[DateItem]] = {}
    for item in items:
        clauses.setdefault(bisect.bisect(breaks, item.pos), []).append(item)
    dues: set[date] = set()
    starts: list[date] = []
    for clause in clauses.values():
        listed = [it.due for it in clause
                  if it.deadline_only and it.precision == "day" and not it.open_from and it.due]
        start, due = _combine(clause)
        if len(listed) >= 2:
            dues.update(listed)
        if due is not None:
            dues.add(due)  # a list's clause still ends on its own due date
        if start is not None:
            starts.append(start)
    if len(dues) < 2:
        return None
    return (min(starts) if len(clauses) > 1 and starts else None), sorted(dues)


def _without_dates(text: str, folded: str, *, recurring: bool, tentative: bool) -> Deadline:
    """A phrase that names no date: recurring ("Thường xuyên"), conditional ("Khi có yêu cầu"),
    else unreadable."""
    if recurring:
        return Deadline(text=text, recurring=True, tentative=tentative)
    # "15 ngày kể từ ngày nhận được văn bản": counted from an event with no date
    conditional = bool(CONDITIONAL_WORDS.search(folded) or COUNTED_FROM_EVENT.search(folded))
    return Deadline(text=text, tentative=tentative, conditional=conditional,
                    problem=None if conditional else "unreadable",
                    problem_detail="" if conditional else text)


def _date_items(items: list[DateItem]) -> None:
    """Give each item (its year resolved) its start and due; raises _Impossible."""
    _date_in_order(items)
    _move_back_borrowed_years(items)
    for it in items:
        if it.before:
            _before_period(it)
        elif it.open_from:
            _open_period(it)


def _date_in_order(items: list[DateItem]) -> None:
    """Each item's dates, left to right; one before the item on its left wraps into the next year."""
    for it in items:
        assert it.year is not None
        if it.impossible:
            raise _Impossible(it.impossible)
        if not MIN_YEAR <= it.year <= MAX_YEAR:
            raise _Impossible(str(it.year))
        it.start, it.due = _bounds(it, it.year)
        previous = items[items.index(it) - 1] if items.index(it) else None
        if (previous is not None and not it.explicit_year and previous.start is not None
                and it.start < previous.start and not _frames(it, previous)):
            # "tháng 11 - tháng 2": a later item without a year wraps into the next year,
            # but not a period around the item before it ("Trước 20/12 (quý IV)")
            it.year += 1
            it.start, it.due = _bounds(it, it.year)


def _move_back_borrowed_years(items: list[DateItem]) -> None:
    """Right to left: an item after the one on its right, with a year it borrowed, moves a year back."""
    for it, following in zip(reversed(items[:-1]), reversed(items[1:]), strict=True):
        assert it.year is not None and it.start is not None and following.start is not None
        if (not it.explicit_year and it.start > following.start and it.year > MIN_YEAR
                and not _frames(following, it)):
            # "từ tháng 11 đến tháng 1/2025": an earlier item that borrowed a later
            # year lies in the year before
            it.year -= 1
            it.start, it.due = _bounds(it, it.year)


def _before_period(item: DateItem) -> None:
    """"Trước tháng 6" is due 31/5, the day before the period; "trước cuối tháng 6" 30/6."""
    assert item.start is not None and item.due is not None
    day = item.due if item.modifier in ("cuoi", "tuan cuoi", "ha tuan") else item.start - timedelta(days=1)
    item.start = item.due = day
    item.precision, item.deadline_only = "day", True


def _open_period(item: DateItem) -> None:
    """"Sau ngày 15/6" starts on 16/6, "kể từ tháng 6" on 1/6; neither gives a due date."""
    assert item.start is not None and item.due is not None
    day = item.due + timedelta(days=1) if item.open_from == "sau" else item.start
    item.start = item.due = day
    item.precision = "day"


def _frames(outer: DateItem, inner: DateItem) -> bool:
    """Whether ``outer`` is a wider period holding all of ``inner`` (both already have dates)."""
    assert outer.start is not None and outer.due is not None
    assert inner.start is not None and inner.due is not None
    return (outer.precision != "day" and outer.start <= inner.start and inner.due <= outer.due
            and outer.due - outer.start > inner.due - inner.start)


def _combine(items: list[DateItem]) -> tuple[date | None, date | None]:
    """First start to last due; a period that holds another item is only its frame.

    "Quý IV/2024 (trước 15/12)": the quarter frames the day, so the day is the
    due date and the quarter gives the start.
    """
    def inside(inner: DateItem, outer: DateItem) -> bool:
        assert inner.due is not None and outer.start is not None and outer.due is not None
        wider = (outer.due - outer.start) > (inner.due - (inner.start or inner.due))
        return wider and outer.start <= inner.due <= outer.due

    frames = [it for it in items if it.precision != "day"
              and any(other is not it and inside(other, it) for other in items)]
    remaining = [it for it in items if it not in frames] or items
    # "sau ngày 15/6" only starts a period: the due date comes from the other items, else none
    closing = [it for it in remaining if not it.open_from] or [it for it in frames if not it.open_from]
    due = max((it.due for it in closing if it.due is not None), default=None)
    starts = [it.start for it in remaining if it.start is not None and not it.deadline_only]
    single_day = len(remaining) == 1 and remaining[0].precision == "day" and not remaining[0].open_from
    if frames and (single_day or not starts):
        starts = [it.start for it in frames if it.start is not None]
    start = min(starts) if starts else None
    if start is not None and due is not None and start > due:
        start = None  # "trước 15/6, sau 20/6": keep the due date, drop the impossible start
    return start, due
