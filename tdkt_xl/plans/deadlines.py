"""Read a Vietnamese deadline phrase ("Tháng 2", "Trước ngày 15/6", "Quý III năm 2019") as dates.

:func:`parse_deadline` never raises: what it cannot read comes back with a
``problem`` code the validator turns into a message.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from tdkt_xl.plans.lunar_calendar import lunar_to_solar
from tdkt_xl.plans.text import LazyPattern, fold

DeadlineProblem = Literal["unreadable", "impossible-date"]

EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2199


class Deadline(BaseModel):
    """A deadline read from a cell.

    ``start``/``due`` are the first and last day of the period the phrase names
    (``start`` is None for "trước ngày …"), ``quarter`` is the quarter of ``due``.

    >>> d = parse_deadline("Đầu tháng 7", 2024)
    >>> (d.start, d.due, d.quarter)
    (datetime.date(2024, 7, 1), datetime.date(2024, 7, 10), 3)
    """

    model_config = ConfigDict(frozen=True)

    text: str = ""
    start: date | None = None
    due: date | None = None
    quarter: int | None = None
    recurring: bool = False
    tentative: bool = False
    conditional: bool = False
    problem: DeadlineProblem | None = None
    problem_detail: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.text and self.due is None


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


# --- numbers -----------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
          "ix": 9, "x": 10, "xi": 11, "xii": 12}
_UNITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
          "sau": 6, "bay": 7, "tam": 8, "chin": 9}


def _words_to_number(words: list[str]) -> int | None:
    """Vietnamese number words (already folded) to an int: "hai muoi mot" -> 21.

    >>> _words_to_number(["muoi", "lam"]), _words_to_number(["hai", "muoi", "mot"])
    (15, 21)
    """
    if "nam" in words[1:]:
        return None  # after a number "năm" is the word "year": 5 there is always "lăm"
    specials: dict[tuple[str, ...], int] = {("gieng",): 1, ("chap",): 12, ("nhat",): 1, ("muoi",): 10}
    if tuple(words) in specials:
        return specials[tuple(words)]
    if len(words) == 2 and words[0] == "muoi" and words[1] in _UNITS:
        return 10 + _UNITS[words[1]]  # "muoi lam" = 15
    if not words or words[0] not in _UNITS or words[0] == "lam":
        return None
    tens = _UNITS[words[0]]
    if len(words) == 1:
        return tens
    rest = words[2:] if words[1] in ("muoi", "chuc") else words[1:]
    if tens < 2 or len(rest) > 1 or (words[1] not in ("muoi", "chuc") and not rest):
        return None
    if not rest:
        return tens * 10
    return tens * 10 + _UNITS[rest[0]] if rest[0] in _UNITS else None


_NUMBER_WORD = r"(?:muoi|gieng|chap|nhat|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|chuc)"
_WORD_NUMBER_AFTER = LazyPattern(
    rf"\b(ngay|thang|quy|cac ngay|mung)\s+((?:{_NUMBER_WORD})(?:\s+{_NUMBER_WORD}){{0,3}})\b"
)


def _replace_number_words(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        keyword, words = match.group(1), match.group(2).split()
        if words[0] == "tu" and keyword not in ("thang", "quy"):
            return match.group(0)  # "ngày từ 5 …" is "from"; 4 is "tư" only for months/quarters
        # Take the longest prefix of words that reads as a number; "nam" after a
        # number is the word "year" ("thang sau nam 2024").
        for size in range(len(words), 0, -1):
            value = _words_to_number(words[:size])
            if value is not None:
                tail = " ".join(words[size:])
                return f"{keyword} {value}" + (f" {tail}" if tail else "")
        return match.group(0)

    return _WORD_NUMBER_AFTER.sub(repl, text)


# --- items -------------------------------------------------------------------

Precision = Literal["day", "bare", "month", "quarter", "part", "year", "school"]


@dataclass
class _Item:
    """One date expression found in a phrase, before years are resolved."""

    pos: int
    end: int
    precision: Precision
    day: int | None = None
    month: int | None = None
    quarter: int | None = None
    year: int | None = None  # explicit year, None = borrow
    next_year: bool = False  # "năm sau"
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


class _Impossible(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


_YEAR = r"(\d{4}|sau)"
_MOD = (r"(?:(tuan dau|tuan cuoi|tuan thu nhat|thuong tuan|trung tuan|ha tuan|dau|giua|cuoi|trong)"
        r"\s+(?:cua\s+)?)?")
_ROMAN_RE = r"(?:iv|v?i{1,3}|ix|x{1}i{0,2}|v)"
_MONTH = rf"(\d{{1,2}}|{_ROMAN_RE})"

_COUNTING = (r"(?:dot|lan|nam(?!\s+(?:\d|nay|sau|toi|tiep))|ngay|tuan|thang|quy|nguoi|cuoc|buoc|ky|"
             r"khoa|gio|phut|buoi|dem|ban|bai|muc|trang|tap the|ca nhan|don vi|hoi nghi|nhiem vu|"
             r"van ban|bao cao|tham luan|phong trao|chi tieu|cum|khoi|nhom|doan)")

# Festivals: (day, month, lunar calendar). "Tết" alone is Tết Nguyên đán.
_FESTIVALS: dict[str, tuple[int, int, bool]] = {
    "nguyen dan": (1, 1, True), "co truyen": (1, 1, True), "am lich": (1, 1, True),
    "ta": (1, 1, True), "nguyen tieu": (15, 1, True), "han thuc": (3, 3, True),
    "doan ngo": (5, 5, True), "trung nguyen": (15, 7, True), "trung thu": (15, 8, True),
    "duong lich": (1, 1, False), "tay": (1, 1, False), "thieu nhi": (1, 6, False),
    "gio to": (10, 3, True),
}
_FESTIVAL_NAMES = "|".join(sorted((n.replace(" ", r"\s+") for n in _FESTIVALS), key=len, reverse=True))
_CAN = ("giap", "at", "binh", "dinh", "mau", "ky", "canh", "tan", "nham", "quy")
_CHI = ("ty", "suu", "dan", "mao", "thin", "ti", "ngo", "mui", "than", "dau", "tuat", "hoi")
_CAN_NAMES = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
_CHI_NAMES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
_CANCHI = rf"(?:\s+(?:xuan\s+|nam\s+)?({'|'.join(_CAN)})\s+({'|'.join(_CHI)}|meo)\b)?"

_PATTERNS: list[tuple[str, LazyPattern]] = [
    # Tết trồng cây, Tết Thanh minh: no fixed day, and not Tết Nguyên đán
    ("not-a-date", LazyPattern(r"\btet\s+(?:trong\s+cay|thanh\s+minh)\b")),
    # Tết, Tết Nguyên đán Ất Tỵ, Tết Dương lịch 2025, Tết Trung thu, Trung thu, Giỗ Tổ Hùng Vương,
    # Tết Nguyên đán 10 ngày (with "trước" / "sau" before it)
    ("festival", LazyPattern(
        rf"(?:\btet(?:\s+({_FESTIVAL_NAMES}))?|\b(trung\s+thu|nguyen\s+dan|gio\s+to)(?:\s+hung\s+vuong)?)\b"
        rf"{_CANCHI}(?:\s+(?:nam\s+)?{_YEAR}\b)?(?:\s+(\d{{1,3}})\s+ngay\b)?"
    )),
    # năm học 2023 - 2024, năm học 2023-24: 1 September to 31 May
    ("school", LazyPattern(r"\bnam\s+hoc\s+(\d{4})\s*[-/]\s*(\d{4}|\d{2})(?!\d)")),
    # rằm tháng 8, rằm tháng Giêng: the 15th of a lunar month
    ("full-moon", LazyPattern(rf"\bram\s+thang\s+{_MONTH}\b(?:\s*(?:nam\s+|/|-)\s*{_YEAR})?")),
    # 6 tháng đầu năm, 06 tháng đầu năm, sáu tháng đầu năm, 9 tháng đầu năm 2024, 6 tháng cuối năm
    ("part", LazyPattern(
        rf"\b(0?[369]|ba|sau|chin)\s+thang\s+(dau|cuoi)\s+nam(?:\s*(?:/|-)?\s*{_YEAR})?\b"
    )),
    ("half", LazyPattern(rf"\b(?:nua|ban\s+nien)\s+(dau|cuoi)\s+nam(?:\s+{_YEAR})?\b")),
    # tuần 2 tháng 7 (the second week), đợt 2 / lần 1 / kỳ 2 tháng 6 (in that month)
    ("ordinal", LazyPattern(
        rf"\b(tuan|dot|lan|ky)\s+(?:thu\s+)?(\d{{1,2}}|{_ROMAN_RE})\s+(?:cua\s+|trong\s+)?thang\s+{_MONTH}\b"
        rf"(?:\s*(?:nam\s+|/|-)\s*{_YEAR})?"
    )),
    # ngày 30 tháng 11 năm 2019, 20 tháng 7 năm 2019, ngày 5 tháng 7
    ("dtm", LazyPattern(
        rf"{_MOD}(?:\bngay\s+)?\b(\d{{1,2}})\s+thang\s+{_MONTH}\b"
        rf"(?:\s*(?:,\s*)?(?:nam\s+|/|-)\s*{_YEAR})?(?!\s*[/.-]\s*\d)"
    )),
    # 30/11/2019, 30-11-2019, 30.11.2019, 30/11/19
    ("dmy", LazyPattern(r"(?<![\d/.])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d])")),
    # 2024-06-15 (ISO, as str(date) writes it)
    ("iso", LazyPattern(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")),
    # quý III/2024, Q4/2024, trong quý I năm 2024, đầu quý 3
    ("quarter", LazyPattern(
        rf"{_MOD}\b(?:quy|q)\s*(0?\d|iv|i{{1,3}}|v)\b(?:\s*(?:nam\s+|/|-)\s*{_YEAR})?"
    )),
    # tháng 7, đầu tháng 7, tháng 6/2024, tháng 9 năm 2024, tháng 1 năm sau
    ("month", LazyPattern(
        rf"{_MOD}\bthang\s+{_MONTH}\b(?!\s*[/.]\s*\d{{1,2}}\b\s*[/.])"
        rf"(?:\s*(?:nam\s+|/|-)\s*(\d{{4}}|sau)|\s*/\s*(\d{{2}})\b)?"
    )),
    # đầu năm, cuối năm 2024, cả năm, giữa năm
    ("yearpart", LazyPattern(rf"\b(dau|giua|cuoi|ca|trong|suot)\s+nam(?:\s+{_YEAR})?\b")),
    # 6/2024, 06-2024 (month/year)
    ("my", LazyPattern(r"(?<![\d/.])(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d])")),
    # 15/6, 05/9, 15-6; not "3 - 4 tham luận" (a quantity)
    ("dm", LazyPattern(
        rf"(?<![\d/.])(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})(?![\d]|\s*[/.]\s*\d|\s*-\s*\d{{4}}(?!\d)|\s*{_COUNTING}\b)"
    )),
    # năm 2024, 2024
    ("year", LazyPattern(r"(?:\bnam\s+)?(?<!\d)(19\d\d|2[01]\d\d)(?!\d)")),
    ("nextyear", LazyPattern(r"\bnam\s+sau\b|\bnam\s+tiep\s+theo\b|\bnam\s+toi\b")),
    # bare numbers / roman numerals, resolved by their neighbours; a number followed by
    # a counting word ("2 đợt", "10 năm", "30 ngày") is a quantity, not a date
    ("bare", LazyPattern(rf"(?<![\d/.])\b(\d{{1,2}}|{_ROMAN_RE})\b(?![\d.]|/(?!\s{{4}})|\s*{_COUNTING}\b)")),
]

_LUNAR_MARK = LazyPattern(r"\s*[(,]?\s*(?:am\s+lich|al)\b")
_BEFORE = LazyPattern(r"(?<![a-z])truoc$")
_AFTER = LazyPattern(r"(?<![a-z])(?<!nam )sau\s*(?:ngay\s*)?$")
_LIST_JOIN = LazyPattern(r"[\s,;]*(?:va|hoac)?[\s,;]*(?:ngay\s*)?")
_FROM = LazyPattern(r"(?<![a-z])tu\s*(?:ngay\s*)?$")
_DEADLINE_ONLY = LazyPattern(
    r"(truoc|cham nhat|han chot|han cuoi|khong qua|khong muon hon|muon nhat|den het|"
    r"truoc hoac trong|hoan thanh truoc)\s*(la\s*)?(ngay\s*)?$"
)
_RECURRING = LazyPattern(
    r"\b(thuong xuyen|hang nam|hang quy|hang thang|hang tuan|hang ngay|dinh ky|moi nam|"
    r"moi quy|moi thang|hang ky|lien tuc|suot nam|ca nam hoc)\b"
)
_CONDITIONAL = LazyPattern(
    r"\b(khi co|theo yeu cau|khi duoc|theo chi dao|theo ke hoach|sau khi|tuy theo|khi can|"
    r"theo tien do|theo thong bao|theo huong dan|theo quy dinh|khi phat sinh|theo chi thi|"
    r"theo van ban|theo cong van|theo quyet dinh|theo nghi dinh|theo nghi quyet)\b"
)
_TENTATIVE = LazyPattern(r"\b(du kien|tam dinh|du tinh)\b")
_CONNECTOR = LazyPattern(r"^[\s,;]*(?:-|den|toi|va|,|;|hoac|\(|tu)?[\s,;]*(?:ngay|thang|cac ngay)?\s*$")


# Text that holds numbers but no date; dropped before items are searched.
_NOISE: list[LazyPattern] = [
    # a time of day: 16 giờ 30 (phút), 16h30, 16h, 16g30, 16:30, 8 giờ
    LazyPattern(r"(?<![\d/.:])\b\d{1,2}\s*(?:gio|h|g(?=\d))(?:\s*\d{1,2}(?:\s*(?:phut|p)\b)?)?\b"
               r"|(?<![\d/.:])\b\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?\b"),
    # numbering at the start of the cell: "3.2.", "3.", "1)", "a)", "IV."
    LazyPattern(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*\s*[.)]|[a-z]\)|[ivx]+\.)(?=\s)"),
    # a weekday before its date: "Thứ 6, ngày 14/6", "thứ Sáu 14/6", "Chủ nhật, 16/6"
    LazyPattern(r"\b(?:thu\s+(?:[2-7]|hai|ba|tu|nam|sau|bay)|chu\s+nhat)\b"
               r"(?=\s*[,(-]?\s*(?:ngay\b|\d{1,2}\s*[/.-]\s*\d))"),
    # a document reference and its date: số 21/KH-BTĐKT ngày 10/6/2024, 98/2023/NĐ-CP, 34-CT/TW
    LazyPattern(
        r"(?:\bso\s*\d{0,5}\s*/\s*(?:\d{4}\s*/\s*)?[a-z][a-z0-9]*(?:\s*[-/]\s*[a-z][a-z0-9]*)*"
        r"|\b\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?[a-z][a-z0-9]*(?:\s*-\s*[a-z][a-z0-9]*)+"
        r"|\b\d{1,5}\s*/\s*\d{4}\s*/\s*[a-z][a-z0-9]*"
        r"|\b\d{1,5}\s*-\s*[a-z]+\s*/\s*[a-z]+\b)"
        r"(?:\s*,?\s*ngay\s+\d{1,2}\s*(?:[/.-]|thang)\s*\d{1,2}(?:\s*(?:[/.-]|,?\s*nam)\s*\d{2,4})?)?"
    ),
]


def _drop_noise(text: str) -> str:
    """Blank out times of day and other numbers that are not dates.

    >>> _drop_noise("truoc 16 gio 30 ngay 15/6")
    'truoc   ngay 15/6'
    """
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    return text


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
    return _ROMAN[raw]


def _find_items(text: str) -> list[_Item]:
    items: list[_Item] = []
    masked = text
    for kind, pattern in _PATTERNS:
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
                  and bool(_LIST_JOIN.fullmatch(text[previous.end : item.pos])))
        if (_DEADLINE_ONLY.search(before.rstrip()[-40:]) or listed) and item.precision in ("day", "bare"):
            item.deadline_only = True
        if item.precision not in ("day", "bare") and _BEFORE.search(before.rstrip()[-20:]):
            item.before = True
        after = bool(_AFTER.search(before.rstrip()[-20:]))
        if item.offset:
            # "trước Tết 10 ngày" is 10 days before; "sau Tết 10 ngày" after; else a duration
            item.offset = -item.offset if item.deadline_only else item.offset if after else 0
        elif after:
            item.open_from = "sau"  # "sau ngày 15/6": from 16/6, with no due date
        elif _FROM.search(before.rstrip()[-20:]):
            item.open_from = "tu"  # "kể từ ngày 15/6", "từ 15/6 đến 30/6"
    return items


def _make_item(kind: str, m: re.Match[str]) -> _Item | None:
    pos, end = m.start(), m.end()
    if kind == "part":
        raw, side = m.group(1), m.group(2)
        length = int(raw) if raw.isdigit() else _UNITS[raw]
        year, nxt = _year_value(m.group(3))
        months = (1, length) if side == "dau" else (13 - length, 12)
        return _Item(pos, end, "part", months=months, year=year, next_year=nxt)
    if kind == "half":
        year, nxt = _year_value(m.group(2))
        months = (1, 6) if m.group(1) == "dau" else (7, 12)
        return _Item(pos, end, "part", months=months, year=year, next_year=nxt)
    if kind == "festival":
        name = re.sub(r"\s+", " ", m.group(1) or m.group(2) or "nguyen dan")
        day, month, lunar = _FESTIVALS[name]
        year, nxt = _year_value(m.group(5))
        item = _Item(pos, end, "day", day=day, month=month, year=year, next_year=nxt, lunar=lunar,
                     festival=name, offset=int(m.group(6) or 0))
        if m.group(3) and year is None and not nxt:
            item.canchi = _canchi_index(m.group(3), m.group(4))
            if item.canchi is None:
                chi = _CHI.index("mao" if m.group(4) == "meo" else m.group(4))
                item.impossible = f"năm {_CAN_NAMES[_CAN.index(m.group(3))]} {_CHI_NAMES[chi]}"
        return item
    if kind == "school":
        first, last = int(m.group(1)), _year_value(m.group(2))[0]
        item = _Item(pos, end, "school", year=first)
        if last != first + 1:
            item.impossible = f"năm học {m.group(1)}-{m.group(2)}"
        return item
    if kind == "full-moon":
        year, nxt = _year_value(m.group(2))
        return _Item(pos, end, "day", day=15, month=_month_number(m.group(1)), year=year,
                     next_year=nxt, lunar=True)
    if kind == "ordinal":
        year, nxt = _year_value(m.group(4))
        week = f"tuan {_month_number(m.group(2))}" if m.group(1) == "tuan" else ""
        return _Item(pos, end, "month", month=_month_number(m.group(3)), year=year,
                     next_year=nxt, modifier=week)
    if kind == "dtm":
        year, nxt = _year_value(m.group(4))
        return _Item(pos, end, "day", day=int(m.group(2)), month=_month_number(m.group(3)),
                     year=year, next_year=nxt)
    if kind == "dmy":
        year, _ = _year_value(m.group(4))
        return _Item(pos, end, "day", day=int(m.group(1)), month=int(m.group(3)), year=year)
    if kind == "iso":
        return _Item(pos, end, "day", day=int(m.group(3)), month=int(m.group(2)),
                     year=int(m.group(1)))
    if kind == "quarter":
        year, nxt = _year_value(m.group(3))
        return _Item(pos, end, "quarter", quarter=_month_number(m.group(2)), year=year,
                     next_year=nxt, modifier=m.group(1) or "")
    if kind == "month":
        year, nxt = _year_value(m.group(3) or m.group(4))
        return _Item(pos, end, "month", month=_month_number(m.group(2)), year=year,
                     next_year=nxt, modifier=m.group(1) or "")
    if kind == "yearpart":
        side = m.group(1)
        year, nxt = _year_value(m.group(2))
        months = {"dau": (1, 1), "cuoi": (12, 12), "giua": (6, 7)}.get(side, (1, 12))
        return _Item(pos, end, "part", months=months, year=year, next_year=nxt,
                     modifier="cuoi" if side == "cuoi" else "")
    if kind == "my":
        month = int(m.group(1))
        return _Item(pos, end, "month", month=month, year=int(m.group(2)))
    if kind == "dm":
        return _Item(pos, end, "day", day=int(m.group(1)), month=int(m.group(2)))
    if kind == "year":
        return _Item(pos, end, "year", year=int(m.group(1)))
    if kind == "nextyear":
        return _Item(pos, end, "year", next_year=True)
    if kind == "bare":
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else _ROMAN[raw]
        return _Item(pos, end, "bare", day=value, modifier="roman" if not raw.isdigit() else "")
    return None


def _canchi_index(can: str, chi: str) -> int | None:
    """Place (0–59, 0 = Giáp Tý) of a can-chi year name, folded; None if no year has it.

    Folding makes Tý and Tỵ both "ty": the stem decides, as a stem and a branch always
    share their parity.

    >>> _canchi_index("at", "ty"), _canchi_index("canh", "ty"), _canchi_index("giap", "suu")
    (41, 36, None)
    """
    stem = _CAN.index(can)
    branch = 3 if chi == "meo" else _CHI.index(chi)
    if branch in (0, 5):
        branch = 0 if stem % 2 == 0 else 5
    return next((n for n in range(60) if n % 10 == stem and n % 12 == branch), None)


def _canchi_year(index: int, plan_year: int) -> int:
    """The Gregorian year nearest ``plan_year`` whose Tết starts the can-chi year ``index``.

    >>> _canchi_year(41, 2024), _canchi_year(40, 2023)  # Ất Tỵ, Giáp Thìn
    (2025, 2024)
    """
    later = plan_year + (index - (plan_year - 4)) % 60  # 1984 was Giáp Tý
    return later if later - plan_year <= 30 else later - 60


def _mark_calendar(text: str, items: list[_Item]) -> list[_Item]:
    """Lunar days ("10/3 âm lịch") and festivals followed by their written day.

    "Tết Thiếu nhi 1/6", "Trung thu (15/8 âm lịch)": the written day stays, the
    festival only lends it its calendar when both name the same day and month.
    """
    for item in items:
        if item.precision == "day" and not item.festival and _LUNAR_MARK.match(text, item.end):
            item.lunar = True
    result: list[_Item] = []
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


def _connected(text: str, left: _Item, right: _Item) -> bool:
    return bool(_CONNECTOR.match(text[left.end : right.pos]))


def _resolve_bare(text: str, items: list[_Item]) -> list[_Item]:
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
            resolved[index] = _Item(item.pos, item.end, "month", month=item.day)
        elif prev.precision == "quarter":
            resolved[index] = _Item(item.pos, item.end, "quarter", quarter=item.day)
    # right to left for day lists before a day item
    for index in range(len(resolved) - 2, -1, -1):
        item, nxt = resolved[index], resolved[index + 1]
        if (item.precision == "bare" and item.modifier != "roman" and nxt.precision == "day"
                and not nxt.festival and _connected(text, item, nxt)):
            resolved[index] = _Item(item.pos, item.end, "day", day=item.day, month=nxt.month,
                                    year=nxt.year, next_year=nxt.next_year, lunar=nxt.lunar,
                                    deadline_only=item.deadline_only, open_from=item.open_from)
            resolved[index].modifier = "borrowed"
    return [it for it in resolved if it.precision != "bare"]


def _bounds(item: _Item, year: int) -> tuple[date, date]:
    """Start and due of one item in a resolved year; raises _Impossible."""
    if item.precision == "day":
        assert item.day is not None and item.month is not None
        try:
            if item.lunar:
                day = lunar_to_solar(year, item.month, item.day)
            else:
                day = date(year, item.month, item.day)
        except ValueError:
            calendar_name = " âm lịch" if item.lunar else ""
            raise _Impossible(f"{item.day}/{item.month}/{year}{calendar_name}") from None
        day += timedelta(days=item.offset)
        return day, day
    if item.precision == "month":
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
    if item.precision == "quarter":
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
    if item.precision == "school":
        return date(year, 9, 1), date(year + 1, 5, 31)
    if item.precision == "part":
        assert item.months is not None
        first, last = item.months
        return date(year, first, 1), _month_end(year, last)
    return date(year, 1, 1), date(year, 12, 31)


def _attach_years(text: str, items: list[_Item]) -> list[_Item]:
    """A year written right after a date is that date's year, not a period of its own.

    "ngày 15/6 năm 2025", "Trước ngày 15/6 năm sau", "Quý II, III/2024": the
    year belongs to the item before it (and, through borrowing, to its list).
    """
    result: list[_Item] = []
    for item in items:
        prev = result[-1] if result else None
        if (item.precision == "year" and prev is not None and prev.precision != "year"
                and prev.year is None and not prev.next_year
                and re.fullmatch(r"[\s,(/.-]*", text[prev.end : item.pos])):
            prev.year, prev.next_year = item.year, item.next_year
            prev.end = item.end
            continue
        result.append(item)
    return result


def _resolve_years(items: list[_Item], plan_year: int) -> None:
    """Items without a year borrow the next explicit one, else the previous, else the plan's."""
    for item in items:
        if item.canchi is not None:
            item.year = _canchi_year(item.canchi, plan_year)
    default_shift = any(it.precision == "year" and it.year is None and it.next_year for it in items)
    for index, item in enumerate(items):
        item.explicit_year = item.year is not None or item.next_year
        if item.year is not None:
            continue
        if item.next_year:
            item.year = plan_year + 1
            continue
        later = next((plan_year + 1 if it.year is None else it.year
                      for it in items[index + 1 :]
                      if (it.year is not None or it.next_year) and it.precision != "year"), None)
        earlier = next((it.year for it in reversed(items[:index]) if it.year is not None
                        and it.precision != "year"), None)
        standalone = next((it.year for it in items if it.precision == "year"
                           and it.year is not None), None)
        chosen = later or earlier or standalone
        if chosen is None:
            chosen = plan_year + 1 if default_shift else plan_year
        item.year = chosen


def parse_deadline(value: object, year: int) -> Deadline:
    """Read a deadline cell: a phrase, a date/datetime or an Excel serial number.

    ``year`` is the plan year, used when the phrase names none.

    >>> parse_deadline("Trước ngày 15/6", 2024).due
    datetime.date(2024, 6, 15)
    >>> parse_deadline("Quý IV/2024 (trước 15/12)", 2023).start
    datetime.date(2024, 10, 1)
    >>> parse_deadline("Thường xuyên", 2024).recurring
    True
    >>> parse_deadline(2025, 2024).due  # 1900–2199 are years, other numbers Excel serials
    datetime.date(2025, 12, 31)
    """
    try:
        return _parse(value, year)
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


def _parse(value: object, year: int) -> Deadline:
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
            return _parse_phrase(text, year)  # a year typed as a number: 2024 is "Năm 2024"
        day = EXCEL_EPOCH + timedelta(days=int(value))
        if not MIN_YEAR + 50 <= day.year <= MAX_YEAR:
            return Deadline(text=text, problem="unreadable", problem_detail=text)
        return _single_day(text, day)

    return _parse_phrase(text, year)


@functools.lru_cache(maxsize=8192)
def _parse_phrase(text: str, year: int) -> Deadline:
    """Read a deadline phrase (cached: plans repeat phrases on many rows)."""
    folded = fold(text)
    folded = _drop_noise(_replace_number_words(folded))
    recurring = bool(_RECURRING.search(folded))
    tentative = bool(_TENTATIVE.search(folded))
    items = _attach_years(folded, _resolve_bare(folded, _mark_calendar(folded, _find_items(folded))))
    if not items:
        if recurring:
            return Deadline(text=text, recurring=True, tentative=tentative)
        conditional = bool(_CONDITIONAL.search(folded))
        return Deadline(text=text, tentative=tentative, conditional=conditional,
                        problem=None if conditional else "unreadable",
                        problem_detail="" if conditional else text)
    # "trước ngày 10/8 hằng năm" is recurring and due on that day of the plan year
    _resolve_years(items, year)
    try:
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
        for it, following in zip(reversed(items[:-1]), reversed(items[1:]), strict=True):
            assert it.year is not None and it.start is not None and following.start is not None
            if (not it.explicit_year and it.start > following.start and it.year > MIN_YEAR
                    and not _frames(following, it)):
                # "từ tháng 11 đến tháng 1/2025": an earlier item that borrowed a later
                # year lies in the year before
                it.year -= 1
                it.start, it.due = _bounds(it, it.year)
        for it in items:
            if it.before:
                _before_period(it)
            elif it.open_from:
                _open_period(it)
    except _Impossible as impossible:
        return Deadline(text=text, recurring=recurring, tentative=tentative,
                        problem="impossible-date", problem_detail=impossible.detail)
    start, due = _combine(items)
    return Deadline(text=text, start=start, due=due,
                    quarter=quarter_of(due) if due else None, recurring=recurring,
                    tentative=tentative)


def _before_period(item: _Item) -> None:
    """"Trước tháng 6" is due 31/5, the day before the period; "trước cuối tháng 6" 30/6."""
    assert item.start is not None and item.due is not None
    day = item.due if item.modifier in ("cuoi", "tuan cuoi", "ha tuan") else item.start - timedelta(days=1)
    item.start = item.due = day
    item.precision, item.deadline_only = "day", True


def _open_period(item: _Item) -> None:
    """"Sau ngày 15/6" starts on 16/6, "kể từ tháng 6" on 1/6; neither gives a due date."""
    assert item.start is not None and item.due is not None
    day = item.due + timedelta(days=1) if item.open_from == "sau" else item.start
    item.start = item.due = day
    item.precision = "day"


def _frames(outer: _Item, inner: _Item) -> bool:
    """Whether ``outer`` is a wider period holding all of ``inner`` (both already have dates)."""
    assert outer.start is not None and outer.due is not None
    assert inner.start is not None and inner.due is not None
    return (outer.precision != "day" and outer.start <= inner.start and inner.due <= outer.due
            and outer.due - outer.start > inner.due - inner.start)


def _combine(items: list[_Item]) -> tuple[date | None, date | None]:
    """First start to last due; a period that holds another item is only its frame.

    "Quý IV/2024 (trước 15/12)": the quarter frames the day, so the day is the
    due date and the quarter gives the start.
    """
    def inside(inner: _Item, outer: _Item) -> bool:
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
