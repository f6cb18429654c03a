"""The date expressions of a deadline phrase ("Tháng 2", "15/6", "Quý III/2024", "Tết"), found
one by one before their years are resolved."""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from tdkt_xl.plans.deadline_words import (
    AFTER_MARK,
    BARE_SPAN,
    BEFORE_MARK,
    CONNECTOR,
    DATE_PATTERNS,
    DEADLINE_ONLY_MARK,
    DIGIT_WORDS,
    FESTIVALS,
    FROM_MARK,
    LIST_JOIN,
    LUNAR_MARK,
    RELATIVE_SPAN,
    RELATIVE_START,
    ROMAN_NUMERALS,
    UNTIL_MARK,
    canchi_index,
    canchi_name,
)

Precision = Literal["day", "bare", "month", "quarter", "part", "year", "school"]


@dataclass
class DateItem:
    """One date expression found in a phrase, before years are resolved."""

    pos: int
    end: int
    precision: Precision
    day: int | None = None
    month: int | None = None
    quarter: int | None = None
    year: int | None = None  # explicit year, None = borrow
    next_year: bool = False  # "năm sau"
    prev_year: bool = False  # "năm trước kỳ báo cáo"
    onward: bool = False  # "2025 và những năm tiếp theo": every year from this one
    modifier: str = ""  # dau / giua / cuoi / tuan dau / tuan cuoi
    months: tuple[int, int] | None = None  # year parts: (first, last) month
    lunar: bool = False  # day/month of the lunar calendar ("10/3 âm lịch", Tết)
    festival: str = ""  # the festival it names ("tet nguyen dan", "trung thu")
    canchi: int | None = None  # year named by its can-chi ("Ất Tỵ"): 0–59, 0 = Giáp Tý
    offset: int = 0  # days after (or before) the date: "trước Tết 10 ngày"
    impossible: str = ""  # why the item names no real day
    deadline_only: bool = False  # "trước ngày …"
    before: bool = False  # "trước tháng 6": due the day before the period
    open_from: str = ""  # "sau" (from the next day) / "tu" (from its first day), no due of its own
    explicit_year: bool = False
    start: date | None = field(default=None)
    due: date | None = field(default=None)


def date_items(text: str) -> list[DateItem]:
    """The date expressions of a folded phrase, in order: bare numbers given a meaning by their
    neighbours (or dropped), a year written right after a date attached to that date.

    >>> [(it.precision, it.month, it.year) for it in date_items("thang 6, 7 nam 2024")]
    [('month', 6, None), ('month', 7, 2024)]
    """
    items = _attach_years(text, _resolve_bare(text, _mark_calendar(text, _find_items(text))))
    return _drop_restatements(text, items)


def _year_value(raw: str | None) -> tuple[int | None, bool]:
    """(explicit year, "năm sau") from a captured year group."""
    if raw is None:
        return None, False
    if raw == "sau":
        return None, True
    value = int(raw)
    if value < 100:
        value += 2000
    return value, False


def _month_number(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    return ROMAN_NUMERALS[raw]


def _find_items(text: str) -> list[DateItem]:
    """Every item the patterns find, with what the words before it say ("trước", "sau", "từ")."""
    items: list[DateItem] = []
    masked = text
    for kind, pattern in DATE_PATTERNS:
        for match in pattern.finditer(masked):
            item = _make_item(kind, match)
            if item is None:
                continue
            items.append(item)
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    items.sort(key=lambda it: it.pos)
    for index, item in enumerate(items):
        before = text[: item.pos]
        # "trước ngày 15/6": the marker sits right before this item; "trước 30/6 và 31/12":
        # or before the list it ends
        previous = items[index - 1] if index else None
        listed = (previous is not None and previous.deadline_only
                  and bool(LIST_JOIN.fullmatch(text[previous.end : item.pos])))
        if (DEADLINE_ONLY_MARK.search(before.rstrip()[-40:]) or listed) and item.precision in ("day", "bare"):
            item.deadline_only = True
        if item.precision not in ("day", "bare") and BEFORE_MARK.search(before.rstrip()[-20:]):
            item.before = True
        if UNTIL_MARK.search(before.rstrip()[-40:]):
            item.deadline_only = True  # "từ nay đến cuối năm 2025": by then, no start
        after = bool(AFTER_MARK.search(before.rstrip()[-20:]))
        if item.offset:
            # "trước Tết 10 ngày" is 10 days before; "sau Tết 10 ngày" after; else a duration
            item.offset = -item.offset if item.deadline_only else item.offset if after else 0
        elif after:
            item.open_from = "sau"  # "sau ngày 15/6": from 16/6, with no due date
        elif FROM_MARK.search(before.rstrip()[-20:]):
            item.open_from = "tu"  # "kể từ ngày 15/6", "từ 15/6 đến 30/6"
    return items


def _make_item(kind: str, m: re.Match[str]) -> DateItem | None:
    """The item a pattern of :data:`DATE_PATTERNS` found; None for a kind that names no date."""
    build = _ITEM_BUILDERS.get(kind)
    return build(m) if build is not None else None


def _part_item(m: re.Match[str]) -> DateItem:
    """"6 tháng đầu năm", "9 tháng đầu năm 2024", "6 tháng cuối năm"."""
    raw, side = m.group(1), m.group(2)
    length = int(raw) if raw.isdigit() else DIGIT_WORDS[raw]
    year, nxt = _year_value(m.group(3))
    months = (1, length) if side == "dau" else (13 - length, 12)
    return DateItem(m.start(), m.end(), "part", months=months, year=year, next_year=nxt)


def _half_item(m: re.Match[str]) -> DateItem:
    """"Nửa đầu năm", "bán niên cuối năm 2024"."""
    year, nxt = _year_value(m.group(2))
    months = (1, 6) if m.group(1) == "dau" else (7, 12)
    return DateItem(m.start(), m.end(), "part", months=months, year=year, next_year=nxt)


def _festival_item(m: re.Match[str]) -> DateItem:
    """"Tết", "Tết Nguyên đán Ất Tỵ", "Trung thu", "trước Tết 10 ngày"."""
    name = re.sub(r"\s+", " ", m.group(1) or m.group(2) or "nguyen dan")
    day, month, lunar = FESTIVALS[name]
    year, nxt = _year_value(m.group(5))
    item = DateItem(m.start(), m.end(), "day", day=day, month=month, year=year, next_year=nxt,
                    lunar=lunar, festival=name, offset=int(m.group(6) or 0))
    if m.group(3) and year is None and not nxt:
        item.canchi = canchi_index(m.group(3), m.group(4))
        if item.canchi is None:
            item.impossible = f"năm {canchi_name(m.group(3), m.group(4))}"
    return item


def _school_item(m: re.Match[str]) -> DateItem:
    """"Năm học 2023 - 2024", "năm học 2023-24"."""
    first, last = int(m.group(1)), _year_value(m.group(2))[0]
    item = DateItem(m.start(), m.end(), "school", year=first)
    if last != first + 1:
        item.impossible = f"năm học {m.group(1)}-{m.group(2)}"
    return item


def _full_moon_item(m: re.Match[str]) -> DateItem:
    """"Rằm tháng 8": the 15th of a lunar month."""
    year, nxt = _year_value(m.group(2))
    return DateItem(m.start(), m.end(), "day", day=15, month=_month_number(m.group(1)), year=year,
                    next_year=nxt, lunar=True)


def _ordinal_item(m: re.Match[str]) -> DateItem:
    """"Tuần 2 tháng 7" (that week), "đợt 2 tháng 6" (that month)."""
    year, nxt = _year_value(m.group(4))
    week = f"tuan {_month_number(m.group(2))}" if m.group(1) == "tuan" else ""
    return DateItem(m.start(), m.end(), "month", month=_month_number(m.group(3)), year=year,
                    next_year=nxt, modifier=week)


def _day_month_words_item(m: re.Match[str]) -> DateItem:
    """"Ngày 30 tháng 11 năm 2019", "ngày 5 tháng 7"."""
    year, nxt = _year_value(m.group(4))
    return DateItem(m.start(), m.end(), "day", day=int(m.group(2)), month=_month_number(m.group(3)),
                    year=year, next_year=nxt)


def _day_month_year_item(m: re.Match[str]) -> DateItem:
    """"30/11/2019", "30.11.19"."""
    year, _ = _year_value(m.group(4))
    return DateItem(m.start(), m.end(), "day", day=int(m.group(1)), month=int(m.group(3)), year=year)


def _iso_item(m: re.Match[str]) -> DateItem:
    """"2024-06-15"."""
    return DateItem(m.start(), m.end(), "day", day=int(m.group(3)), month=int(m.group(2)),
                    year=int(m.group(1)))


def _quarter_item(m: re.Match[str]) -> DateItem:
    """"Quý III/2024", "Q4/2024", "đầu quý 3"."""
    year, nxt = _year_value(m.group(3))
    return DateItem(m.start(), m.end(), "quarter", quarter=_month_number(m.group(2)), year=year,
                    next_year=nxt, modifier=m.group(1) or "")


def _month_item(m: re.Match[str]) -> DateItem:
    """"Tháng 7", "đầu tháng 7", "tháng 6/2024", "tháng 1 năm sau"."""
    year, nxt = _year_value(m.group(3) or m.group(4))
    return DateItem(m.start(), m.end(), "month", month=_month_number(m.group(2)), year=year,
                    next_year=nxt, modifier=m.group(1) or "")


def _year_part_item(m: re.Match[str]) -> DateItem:
    """"Đầu năm", "cuối năm 2024", "cả năm", "giữa năm"."""
    side = m.group(1)
    year, nxt = _year_value(m.group(2))
    months = {"dau": (1, 1), "cuoi": (12, 12), "giua": (6, 7)}.get(side, (1, 12))
    return DateItem(m.start(), m.end(), "part", months=months, year=year, next_year=nxt,
                    modifier="cuoi" if side == "cuoi" else "")


def _month_year_item(m: re.Match[str]) -> DateItem:
    """"6/2024", "06-2024"."""
    month = int(m.group(1))
    return DateItem(m.start(), m.end(), "month", month=month, year=int(m.group(2)))


def _day_month_item(m: re.Match[str]) -> DateItem:
    """"15/6", "05/9", "15-6"."""
    return DateItem(m.start(), m.end(), "day", day=int(m.group(1)), month=int(m.group(2)))


def _canchi_item(m: re.Match[str]) -> DateItem:
    """"Năm Ất Tỵ": a lunar year named by its can-chi."""
    item = DateItem(m.start(), m.end(), "year", canchi=canchi_index(m.group(1), m.group(2)))
    if item.canchi is None:
        item.impossible = f"năm {canchi_name(m.group(1), m.group(2))}"
    return item


def _onward_item(m: re.Match[str]) -> DateItem:
    """"2025 và những năm tiếp theo": every year from 2025, with no due date."""
    return DateItem(m.start(), m.end(), "year", year=int(m.group(1)), onward=True, open_from="tu")


def _prev_year_item(m: re.Match[str]) -> DateItem:
    """"Năm trước kỳ báo cáo": the year before the plan's."""
    return DateItem(m.start(), m.end(), "year", prev_year=True)


def _year_item(m: re.Match[str]) -> DateItem:
    """"Năm 2024", "2024"."""
    return DateItem(m.start(), m.end(), "year", year=int(m.group(1)))


def _next_year_item(m: re.Match[str]) -> DateItem:
    """"Năm sau", "năm tiếp theo", "năm tới"."""
    return DateItem(m.start(), m.end(), "year", next_year=True)


def _bare_item(m: re.Match[str]) -> DateItem:
    """A bare number or Roman numeral, given a meaning by its neighbours later."""
    raw = m.group(1)
    value = int(raw) if raw.isdigit() else ROMAN_NUMERALS[raw]
    return DateItem(m.start(), m.end(), "bare", day=value, modifier="roman" if not raw.isdigit() else "")


# The item each kind of :data:`DATE_PATTERNS` makes ("not-a-date" makes none).
_ITEM_BUILDERS: dict[str, Callable[[re.Match[str]], DateItem]] = {
    "part": _part_item,
    "half": _half_item,
    "festival": _festival_item,
    "school": _school_item,
    "full-moon": _full_moon_item,
    "ordinal": _ordinal_item,
    "dtm": _day_month_words_item,
    "dmy": _day_month_year_item,
    "iso": _iso_item,
    "quarter": _quarter_item,
    "month": _month_item,
    "yearpart": _year_part_item,
    "my": _month_year_item,
    "dm": _day_month_item,
    "year": _year_item,
    "canchi": _canchi_item,
    "onward": _onward_item,
    "prevyear": _prev_year_item,
    "nextyear": _next_year_item,
    "bare": _bare_item,
}


def _mark_calendar(text: str, items: list[DateItem]) -> list[DateItem]:
    """Lunar days ("10/3 âm lịch") and festivals followed by their written day.

    "Tết Thiếu nhi 1/6", "Trung thu (15/8 âm lịch)": the written day stays, the
    festival only lends it its calendar when both name the same day and month.
    """
    for item in items:
        if item.precision == "day" and not item.festival and LUNAR_MARK.match(text, item.end):
            item.lunar = True
    result: list[DateItem] = []
    for item in items:
        prev = result[-1] if result else None
        if (prev is not None and prev.festival and item.precision == "day" and not item.festival
                and re.fullmatch(r"[\s,:(-]*(?:ngay\s*)?", text[prev.end : item.pos])):
            if (item.day, item.month) == (prev.day, prev.month):
                item.lunar = item.lunar or prev.lunar
            item.deadline_only = item.deadline_only or prev.deadline_only
            result[-1] = item
            continue
        result.append(item)
    return result


_RESTATEMENT = re.compile(r"[\s,;:(-]*(?:(?:tuc|nham|tuc\s+la|la)\s+)?(?:(?:ngay|mung|mong)\s*)?")


def _drop_restatements(text: str, items: list[DateItem]) -> list[DateItem]:
    """A lunar day written next to a solar one restates it: the solar day stays.

    "trước ngày 13/2/2026 (tức 26 tháng Chạp)", "26 tháng Chạp (13/2/2026)": one deadline,
    the day of the solar calendar.
    """
    def restates(left: DateItem, right: DateItem) -> bool:
        return (left.precision == right.precision == "day" and left.lunar != right.lunar
                and bool(_RESTATEMENT.fullmatch(text[left.end : right.pos])))

    dropped: set[int] = set()
    for left, right in itertools.pairwise(items):
        if restates(left, right):
            lunar, solar = (left, right) if left.lunar else (right, left)
            dropped.add(id(lunar))
            solar.deadline_only = solar.deadline_only or lunar.deadline_only
    return [it for it in items if id(it) not in dropped]


def _connected(text: str, left: DateItem, right: DateItem) -> bool:
    return bool(CONNECTOR.match(text[left.end : right.pos]))


def _resolve_bare(text: str, items: list[DateItem]) -> list[DateItem]:
    """Give bare numbers a meaning from their neighbours, drop the rest.

    "các ngày 26, 27, 28/6" and "16 - 22/3/2018": days before a day item.
    "Tháng 6-7", "Tháng 6, 7": months after a month item; "Quý I, II": quarters.
    """
    resolved = list(items)
    # left to right for lists after a month/quarter
    for index, item in enumerate(resolved):
        if item.precision != "bare" or index == 0:
            continue
        prev = resolved[index - 1]
        if not _connected(text, prev, item) or item.day is None:
            continue
        if prev.precision == "month" and not prev.modifier.startswith("tuan"):
            resolved[index] = DateItem(item.pos, item.end, "month", month=item.day)
        elif prev.precision == "quarter":
            resolved[index] = DateItem(item.pos, item.end, "quarter", quarter=item.day)
    # right to left for day lists before a day item
    for index in range(len(resolved) - 2, -1, -1):
        item, nxt = resolved[index], resolved[index + 1]
        if (item.precision == "bare" and item.modifier != "roman" and nxt.precision == "day"
                and not nxt.festival and _connected(text, item, nxt)):
            resolved[index] = DateItem(item.pos, item.end, "day", day=item.day, month=nxt.month,
                                    year=nxt.year, next_year=nxt.next_year, lunar=nxt.lunar,
                                    deadline_only=item.deadline_only, open_from=item.open_from)
            resolved[index].modifier = "borrowed"
    return [it for it in resolved if it.precision != "bare"]


def _attach_years(text: str, items: list[DateItem]) -> list[DateItem]:
    """A year written right after a date is that date's year, not a period of its own.

    "ngày 15/6 năm 2025", "Trước ngày 15/6 năm sau", "Quý II, III/2024": the
    year belongs to the item before it (and, through borrowing, to its list).
    """
    result: list[DateItem] = []
    for item in items:
        prev = result[-1] if result else None
        if (item.precision == "year" and not item.onward and prev is not None
                and prev.precision != "year" and prev.year is None and not prev.next_year
                and not prev.prev_year and prev.canchi is None
                and re.fullmatch(r"[\s,(/.-]*(?:(?:am\s+lich|al)\b[\s,)/.-]*)?", text[prev.end : item.pos])):
            prev.year, prev.next_year, prev.prev_year = item.year, item.next_year, item.prev_year
            prev.canchi, prev.impossible = item.canchi, prev.impossible or item.impossible
            if item.canchi is not None and prev.precision == "day":
                prev.lunar = True  # "ngày 26 tháng 12 năm Ất Tỵ": a day of that lunar year
            prev.end = item.end
            continue
        result.append(item)
    return result


# --- deadlines counted from the plan's issue date ---------------------------------


def after_span(day: date, count: int, unit: str) -> date:
    """The day ``count`` units after ``day``: the count starts the next day, so "100 ngày kể từ
    ngày ban hành" ends 100 days after it; working days ("ngày làm việc") skip Saturdays and
    Sundays; months and years keep the day of the month, or the month's last.

    >>> after_span(date(2026, 6, 10), 100, "ngay"), after_span(date(2026, 6, 12), 5, "ngay lam viec")
    (datetime.date(2026, 9, 18), datetime.date(2026, 6, 19))
    >>> after_span(date(2026, 1, 31), 1, "thang")
    datetime.date(2026, 2, 28)
    """
    if unit == "ngay":
        return day + timedelta(days=count)
    if unit == "tuan":
        return day + timedelta(weeks=count)
    if unit.startswith("ngay"):  # ngày làm việc: from a weekend, as from the Friday before
        day -= timedelta(days=max(0, day.weekday() - 4))
        weeks, rest = divmod(count, 5)
        day += timedelta(weeks=weeks)
        while rest > 0:
            day += timedelta(days=1)
            rest -= day.weekday() < 5
        return day
    years, month = divmod(day.month - 1 + count * (12 if unit == "nam" else 1), 12)
    year = day.year + years
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def relative_items(text: str, issued: date | None) -> tuple[str, list[DateItem], bool]:
    """Deadlines counted from the plan's issue date: (the text with them blanked out, their items
    when ``issued`` is known, whether there were any).

    "100 ngày kể từ ngày ban hành Kế hoạch" is due 100 days after ``issued``, a cell that is only
    a count of days ("100 ngày", "trong vòng 15 ngày") too; "Từ ngày ban hành Kế hoạch trở đi"
    starts on ``issued`` with no due date.

    >>> _, items, found = relative_items("100 ngay ke tu ngay ban hanh ke hoach", date(2026, 6, 10))
    >>> [(it.day, it.month, it.year, it.deadline_only) for it in items], found
    ([(18, 9, 2026, True)], True)
    """
    items: list[DateItem] = []
    whole = BARE_SPAN.fullmatch(text)
    spans = [whole] if whole else list(RELATIVE_SPAN.finditer(text))
    starts = [] if whole else list(RELATIVE_START.finditer(_blank(text, spans)))
    if issued is not None:
        for m in spans:
            due = after_span(issued, int(m.group(1)), re.sub(r"\s+", " ", m.group(2)))
            items.append(DateItem(m.start(), m.end(), "day", day=due.day, month=due.month,
                                  year=due.year, deadline_only=True))
        items.extend(DateItem(m.start(), m.end(), "day", day=issued.day, month=issued.month,
                              year=issued.year, open_from="tu") for m in starts)
    return _blank(text, [*spans, *starts]), items, bool(spans or starts)


def _blank(text: str, matches: list[re.Match[str]]) -> str:
    for m in matches:
        text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text
