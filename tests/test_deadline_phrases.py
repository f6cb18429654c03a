"""Deadline phrases as staff write them in real plans (issue 14).

Every rule is checked on phrases made by code, each in three spellings: as typed (NFC),
decomposed (NFD) and without diacritics. The expected dates are computed by the test from the
rule, not copied from the parser.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from conftest import PHAN_CONG_HEADER, BookMaker
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tdkt_xl import load_plan
from tdkt_xl.plans.deadlines import Deadline, parse_deadline
from tdkt_xl.plans.lunar_calendar import lunar_to_solar, solar_to_lunar, tet_date
from tdkt_xl.plans.models import Task
from tdkt_xl.plans.status import Status, status_row, task_status

D = date


def _no_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


SPELLINGS: dict[str, Callable[[str], str]] = {
    "NFC": lambda text: text,
    "NFD": lambda text: unicodedata.normalize("NFD", text),
    "no diacritics": _no_diacritics,
}


def spelled(phrases: list[tuple[str, object]]) -> list[object]:
    """Each (phrase, expectation) in every spelling, as pytest params."""
    return [pytest.param(spell(text), expected, id=f"{name}: {text}")
            for text, expected in phrases for name, spell in SPELLINGS.items()]


def _consistent(result: Deadline) -> None:
    assert result.problem is None, (result.text, result.problem, result.problem_detail)
    if result.due is not None:
        assert result.quarter == (result.due.month - 1) // 3 + 1
    if result.start is not None and result.due is not None:
        assert result.start <= result.due
    assert result.dues == sorted(set(result.dues)) and len(result.dues) != 1
    if result.dues:
        assert result.dues[-1] == result.due


# --- numbers repeated in words in brackets -----------------------------------------------------

_UNITS = ["", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def words(number: int) -> str:
    """A number up to 9999 in Vietnamese words, as it is read aloud."""
    if number >= 100:
        thousands, rest = divmod(number, 1000)
        hundreds, rest = divmod(rest, 100)
        parts = [f"{_UNITS[thousands]} nghìn"] if thousands else []
        if hundreds or thousands:
            parts.append(f"{_UNITS[hundreds] or 'không'} trăm")
        if 0 < rest < 10:
            parts.append(f"linh {_UNITS[rest]}")
        elif rest:
            parts.append(words(rest))
        return " ".join(parts)
    tens, unit = divmod(number, 10)
    if tens == 0:
        return _UNITS[unit]
    head = "mười" if tens == 1 else f"{_UNITS[tens]} mươi"
    tail = {0: "", 1: "mốt" if tens > 1 else "một", 4: "tư" if tens > 1 else "bốn", 5: "lăm"}
    last = tail.get(unit, _UNITS[unit])
    return f"{head} {last}".strip()


def _restated(day: date) -> list[tuple[str, object]]:
    d, m, y = day.day, day.month, day.year
    return [
        (f"Chậm nhất ngày {d:02d} ({words(d)}) tháng {m:02d} ({words(m)})", (None, day)),
        (f"ngày {d} ({words(d)}) tháng {m} ({words(m)}) năm {y} ({words(y)})", (day, day)),
        (f"Trước ngày {d:02d} ({words(d).upper()}) tháng {m}", (None, day)),
        (f"ngày {d} ( {words(d)} ) tháng {m}", (day, day)),
        (f"ngày {words(d)} ({d:02d}) tháng {words(m)} ({m:02d})", (day, day)),  # words first
        (f"Trước {d}/{m}/{y} (ngày {words(d)} tháng {words(m)} năm {words(y)})", (None, day)),
        (f"ngày {d:02d}/{m:02d} ({words(d)} tháng {words(m)})", (day, day)),
    ]


RESTATED = [case for day in (D(2026, 6, 6), D(2026, 7, 25), D(2026, 12, 21), D(2026, 4, 14),
                             D(2026, 5, 5), D(2026, 11, 1), D(2026, 1, 31))
            for case in _restated(day)]


@pytest.mark.parametrize(("phrase", "expected"), spelled(RESTATED))
def test_number_restated_in_words_is_that_number(phrase: str, expected: tuple[date | None, date]) -> None:
    result = parse_deadline(phrase, 2026)
    assert (result.start, result.due) == expected, phrase
    _consistent(result)


def test_every_day_restated_in_words() -> None:
    day = D(2027, 1, 1)
    while day.year == 2027:
        phrase = f"ngày {day.day:02d} ({words(day.day)}) tháng {day.month:02d} ({words(day.month)})"
        for spell in SPELLINGS.values():
            assert parse_deadline(spell(phrase), 2027).due == day, phrase
        day += timedelta(days=1)


@pytest.mark.parametrize(("phrase", "due"), [
    ("ngày 06 (bảy) tháng 06 (sáu)", D(2026, 6, 6)),  # the words disagree: the digits win
    ("ngày 25 (hai mươi) tháng 7", D(2026, 7, 25)),
    ("Trước ngày 15 (mười năm) tháng 3", D(2026, 3, 15)),
])
def test_digits_win_over_the_words(phrase: str, due: date) -> None:
    assert parse_deadline(phrase, 2026).due == due


# --- a lunar restatement never overrides a solar date; a lunar date alone --------------------------

_CAN = ["Canh", "Tân", "Nhâm", "Quý", "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ"]  # year % 10
_CHI = ["Thân", "Dậu", "Tuất", "Hợi", "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi"]  # % 12


def canchi(year: int) -> str:
    return f"{_CAN[year % 10]} {_CHI[year % 12]}"


def lunar_month_name(month: int) -> str:
    return {1: "Giêng", 12: "Chạp"}.get(month, str(month))


def _restatements(day: date) -> list[tuple[str, object]]:
    lunar = solar_to_lunar(day)
    month = lunar_month_name(lunar.month)
    marker = "" if lunar.month in (1, 12) else " âm lịch"
    solar = f"{day.day}/{day.month}/{day.year}"
    lunar_text = f"{lunar.day} tháng {month}{marker}"
    return [
        (f"trước ngày {solar} (tức {lunar_text})", (None, day)),
        (f"Trước ngày {solar} (tức ngày {lunar_text})", (None, day)),
        (f"ngày {solar}, tức {lunar_text}", (day, day)),
        (f"ngày {lunar_text} ({solar})", (day, day)),
        (f"Chậm nhất {solar} (nhằm ngày {lunar_text} năm {canchi(lunar.year)})", (None, day)),
    ]


RESTATEMENTS = [case for day in (D(2026, 2, 13), D(2025, 1, 20), D(2026, 3, 3), D(2024, 9, 17),
                                 D(2027, 1, 30))
                for case in _restatements(day)]


@pytest.mark.parametrize(("phrase", "expected"), spelled(RESTATEMENTS))
def test_lunar_restatement_keeps_the_solar_date(phrase: str, expected: tuple[date | None, date]) -> None:
    result = parse_deadline(phrase, 2026)
    assert (result.start, result.due) == expected, phrase
    _consistent(result)


def _lunar_alone(lunar_year: int, plan_year: int) -> list[tuple[str, object]]:
    name = canchi(lunar_year)
    chap = lunar_to_solar(lunar_year, 12, 26)
    return [
        (f"26 tháng Chạp năm {name}", chap),
        (f"Trước ngày 26 tháng Chạp năm {name}", chap),
        (f"ngày 26/12 năm {name}", chap),  # a can-chi year names a lunar year
        (f"mùng 10 tháng Giêng năm {name}", lunar_to_solar(lunar_year, 1, 10)),
        (f"mồng 5 tháng Giêng năm {name}", lunar_to_solar(lunar_year, 1, 5)),
        (f"Rằm tháng Giêng năm {lunar_year}", lunar_to_solar(lunar_year, 1, 15)),
        (f"ngày 10/3 âm lịch năm {lunar_year}", lunar_to_solar(lunar_year, 3, 10)),
        ("mùng 10 tháng Giêng", lunar_to_solar(plan_year, 1, 10)),
        ("Rằm tháng Giêng", lunar_to_solar(plan_year, 1, 15)),
        ("ngày 10/3 âm lịch", lunar_to_solar(plan_year, 3, 10)),
        ("mùng mười tháng Giêng", lunar_to_solar(plan_year, 1, 10)),
    ]


LUNAR_ALONE = [(phrase, (plan_year, due)) for lunar_year, plan_year in ((2025, 2026), (2024, 2024),
                                                                        (2027, 2026), (2030, 2031))
               for phrase, due in _lunar_alone(lunar_year, plan_year)]


@pytest.mark.parametrize(("phrase", "expected"), spelled(LUNAR_ALONE))
def test_lunar_date_alone_is_converted(phrase: str, expected: tuple[int, date]) -> None:
    plan_year, due = expected
    result = parse_deadline(phrase, plan_year)
    assert result.due == due, phrase
    _consistent(result)


def test_lunar_anchors() -> None:
    """Fixed points of the calendar (Tết 2026 is 17/02/2026, Tết 2025 is 29/01/2025)."""
    assert tet_date(2026) == D(2026, 2, 17)
    assert parse_deadline("26 tháng Chạp năm Ất Tỵ", 2026).due == D(2026, 2, 13)
    assert parse_deadline("trước ngày 13/2/2026 (tức 26 tháng Chạp)", 2026).due == D(2026, 2, 13)
    assert parse_deadline("mùng 10 tháng Giêng", 2025).due == D(2025, 2, 7)
    assert parse_deadline("Rằm tháng Giêng", 2025).due == D(2025, 2, 12)
    assert parse_deadline("tháng Giêng", 2026).due == D(2026, 1, 31)  # the month alone: January


# --- years relative to the reporting period ----------------------------------------------------

def _relative_years(year: int) -> list[tuple[str, object]]:
    return [
        ("năm trước kỳ báo cáo", (D(year - 1, 1, 1), D(year - 1, 12, 31))),
        ("Năm liền trước năm báo cáo", (D(year - 1, 1, 1), D(year - 1, 12, 31))),
        ("Quý IV năm trước kỳ báo cáo", (D(year - 1, 10, 1), D(year - 1, 12, 31))),
        ("tháng 6 năm trước", (D(year - 1, 6, 1), D(year - 1, 6, 30))),
        ("năm liền kề năm báo cáo", (D(year + 1, 1, 1), D(year + 1, 12, 31))),
        ("Quý I năm liền kề năm báo cáo", (D(year + 1, 1, 1), D(year + 1, 3, 31))),
        ("năm tiếp theo", (D(year + 1, 1, 1), D(year + 1, 12, 31))),
        ("Tháng 3 năm tiếp theo", (D(year + 1, 3, 1), D(year + 1, 3, 31))),
        ("Trước ngày 31/3 năm tiếp theo của kỳ báo cáo", (None, D(year + 1, 3, 31))),
    ]


RELATIVE_YEARS = [(phrase, (year, expected)) for year in (2024, 2026, 2031)
                  for phrase, expected in _relative_years(year)]


@pytest.mark.parametrize(("phrase", "expected"), spelled(RELATIVE_YEARS))
def test_years_relative_to_the_reporting_period(phrase: str, expected: tuple[int, tuple[date, date]]) -> None:
    year, (start, due) = expected
    result = parse_deadline(phrase, year)
    assert (result.start, result.due) == (start, due), phrase
    _consistent(result)


# --- periodic report deadlines are recurring ----------------------------------------------------

PERIODIC = [(f"{lead}ngày {day:02d} {of}{period}", None)
            for lead, day, of, period in itertools.product(
                ["", "chậm nhất ", "Trước ", "Hoàn thành trước "], [6, 15, 20, 25],
                ["của ", ""], ["tháng cuối kỳ báo cáo", "tháng cuối quý", "tháng", "tháng đầu quý",
                               "quý", "kỳ báo cáo", "tháng đầu quý sau"])
            if not (of == "" and period == "tháng")]  # "ngày 15 tháng" with no "của": still read


@pytest.mark.parametrize(("phrase", "expected"), spelled(PERIODIC))
def test_periodic_report_day_is_recurring(phrase: str, expected: None) -> None:
    result = parse_deadline(phrase, 2026)
    assert (result.start, result.due, result.recurring) == (None, expected, True), phrase
    _consistent(result)


def test_a_day_of_a_named_month_is_not_periodic() -> None:
    for phrase in ("ngày 15 tháng 6", "ngày 15 của tháng 6", "ngày 20 tháng cuối quý II",
                   "ngày 20 tháng 10/2026"):
        result = parse_deadline(phrase, 2026)
        assert not result.recurring and result.due is not None, phrase


@pytest.mark.parametrize(("phrase", "expected"), spelled([
    (f"{year}{sep} năm tiếp theo", year)
    for year in (2025, 2026, 2030) for sep in (" và", ", và", " và các", " và những", ", và những")
] + [("Năm 2025 và những năm tiếp theo", 2025), ("từ 2027 và các năm sau", 2027)]))
def test_a_year_and_the_years_after_is_recurring_from_it(phrase: str, expected: int) -> None:
    result = parse_deadline(phrase, 2026)
    assert (result.start, result.due, result.recurring) == (D(expected, 1, 1), None, True), phrase
    assert result.problem is None


# --- several deadlines in one cell -------------------------------------------------------------

def _several(first: date, second: date) -> list[tuple[str, object]]:
    a, b = first, second
    return [
        (f"trước ngày {a.day} tháng {a.month} và trước ngày {b.day:02d} tháng {b.month}", (None, [a, b])),
        (f"Trước ngày {a.day}/{a.month}; trước ngày {b.day}/{b.month}", (None, [a, b])),
        (f"Chậm nhất ngày {a.day}/{a.month} và chậm nhất ngày {b.day}/{b.month}", (None, [a, b])),
        (f"Trước {a.day}/{a.month} và {b.day}/{b.month}", (None, [a, b])),
        (f"Trước ngày {b.day}/{b.month}/{b.year} và trước ngày {a.day}/{a.month}/{a.year}",
         (None, [a, b])),  # in any order
        (f"Trước ngày {b.day}/{b.month} và trước ngày {a.day}/{a.month}",  # the second wraps
         (None, [b, a.replace(year=a.year + 1)])),
    ]


SEVERAL = [case for pair in ((D(2024, 6, 15), D(2024, 12, 1)), (D(2024, 3, 31), D(2024, 9, 30)),
                             (D(2024, 1, 10), D(2024, 1, 20)))
           for case in _several(*pair)]
SEVERAL_CLAUSES = [
    (f"Quý {roman}/{year} (Kế hoạch CĐS); Năm {year} (theo từng hệ thống)",
     (D(year, 1, 1), [D(year, 3 * q, 30 if q in (2, 3) else 31), D(year, 12, 31)]))
    for year in (2025, 2026) for q, roman in ((1, "I"), (2, "II"), (3, "III"))
] + [
    ("Tháng 6/2026 (dự thảo); Quý IV/2026 (ban hành)", (D(2026, 6, 1), [D(2026, 6, 30), D(2026, 12, 31)])),
    ("Quý II (báo cáo sơ kết); trước ngày 15/12 (báo cáo tổng kết)",
     (D(2026, 4, 1), [D(2026, 6, 30), D(2026, 12, 15)])),
]


@pytest.mark.parametrize(("phrase", "expected"), spelled(SEVERAL + SEVERAL_CLAUSES))
def test_several_deadlines_are_all_kept(phrase: str, expected: tuple[date | None, list[date]]) -> None:
    start, dues = expected
    result = parse_deadline(phrase, min(dues).year)
    assert (result.start, result.dues, result.due) == (start, dues, dues[-1]), phrase
    assert result.all_dues == dues
    _consistent(result)


@pytest.mark.parametrize("phrase", [
    "Quý IV/2024 (trước 15/12)", "Trước ngày 20/12 (quý IV)", "Từ 15/6 đến 30/6", "Tháng 6, 7",
    "các ngày 26, 27 và 28/6", "từ 15/6 và trước 30/6", "Tháng 6 (trước 20/6)", "Quý I, II",
    "Trước ngày 15/6", "(Hoàn thành trước 15/6/2024);", "Trước 30/6 (Quý II); ",
])
def test_one_deadline_has_no_list(phrase: str) -> None:
    result = parse_deadline(phrase, 2024)
    assert result.dues == [] and result.all_dues == [result.due], phrase


@example("trước ngày 15/6 chậm nhất 30/9 ; từ 1/7")  # a start after the last due date: dropped
@settings(max_examples=300)
@given(st.lists(st.sampled_from(["trước ngày 15/6", "Quý I", "Năm 2026", ";", " và ", "tháng 8",
                                 "chậm nhất 30/9", "(", ")", "từ 1/7", "đến 31/7", "hoặc"]),
                min_size=1, max_size=7).map(" ".join))
def test_dues_are_sorted_and_end_with_due(phrase: str) -> None:
    result = parse_deadline(phrase, 2026)
    if result.problem is None:
        _consistent(result)


# --- the status of a task with several dues ------------------------------------------------------

def _task(phrase: str, completed: date | None = None, progress: str = "") -> Task:
    return Task(sheet="PC", kind="phan_cong", code="PC-1", number="1", row=7, rows=[7],
                deadline=parse_deadline(phrase, 2024), completed_on=completed, progress=progress)


FIRST, SECOND = D(2024, 6, 15), D(2024, 12, 1)
TWO_DUES = "Trước ngày 15/6 và trước ngày 01/12"


@pytest.mark.parametrize(("as_of", "completed", "status", "due"), [
    (FIRST - timedelta(days=30), None, Status.NOT_DUE, FIRST),
    (FIRST - timedelta(days=3), None, Status.DUE_SOON, FIRST),
    (FIRST, None, Status.DUE_SOON, FIRST),
    (FIRST + timedelta(days=16), None, Status.OVERDUE, FIRST),  # the first due passed, not done
    (SECOND + timedelta(days=1), None, Status.OVERDUE, FIRST),
    (FIRST + timedelta(days=16), FIRST - timedelta(days=5), Status.DONE, SECOND),  # every due met
    (FIRST + timedelta(days=16), FIRST + timedelta(days=5), Status.DONE_LATE, FIRST),
    (SECOND + timedelta(days=9), SECOND + timedelta(days=5), Status.DONE_LATE, FIRST),
    (FIRST - timedelta(days=2), FIRST + timedelta(days=5), Status.DUE_SOON, FIRST),  # done later
])
def test_status_is_measured_against_the_earliest_due_not_met(as_of: date, completed: date | None,
                                                            status: Status, due: date) -> None:
    item = task_status(_task(TWO_DUES, completed), as_of)
    assert (item.status, item.due) == (status, due)
    if item.days_left is not None:
        assert item.days_left == (due - as_of).days
    label = f"{due:%d/%m/%Y} ({[FIRST, SECOND].index(due) + 1}/2)"
    assert status_row(item)[1] == label


def test_done_with_no_date_met_every_due() -> None:
    item = task_status(_task(TWO_DUES, progress=Status.DONE.value), D(2024, 7, 1))
    assert item.status is Status.DONE and status_row(item)[1] == "01/12/2024 (2/2)"


@pytest.mark.parametrize("phrase", ["Trước ngày 15/6", "Tháng 7", "Quý IV/2024 (trước 15/12)"])
@pytest.mark.parametrize("as_of", [D(2024, 5, 1), D(2024, 6, 14), D(2024, 7, 1), D(2025, 1, 5)])
def test_one_due_status_row_is_unchanged(phrase: str, as_of: date) -> None:
    task = _task(phrase)
    item = task_status(task, as_of)
    due = task.deadline.due
    assert due is not None and item.due == due
    assert status_row(item)[1] == due and item.days_left == (due - as_of).days


# --- "từ nay đến …" has no start ---------------------------------------------------------------

UNTIL = [
    ("từ nay đến cuối năm 2025", (None, D(2025, 12, 31))),
    ("Từ nay đến hết năm 2025", (None, D(2025, 12, 31))),
    ("từ nay đến hết tháng 6/2025", (None, D(2025, 6, 30))),
    ("Từ nay đến quý III/2025", (None, D(2025, 9, 30))),
    ("từ bây giờ đến cuối tháng 8 năm 2025", (None, D(2025, 8, 31))),
    ("Đến hết quý II/2025", (None, D(2025, 6, 30))),
    ("từ nay tới ngày 30/9/2025", (None, D(2025, 9, 30))),
    ("Từ tháng 3 đến hết tháng 6/2025", (D(2025, 3, 1), D(2025, 6, 30))),  # a range keeps its start
]


@pytest.mark.parametrize(("phrase", "expected"), spelled(UNTIL))
def test_from_now_until_has_no_start(phrase: str, expected: tuple[date | None, date]) -> None:
    result = parse_deadline(phrase, 2024)
    assert (result.start, result.due) == expected, phrase
    _consistent(result)


# --- deadlines counted from the plan's issue date -------------------------------------------------

def _working_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


RELATIVE_PHRASES: dict[str, Callable[[date, int], date]] = {
    "{n} ngày kể từ ngày ban hành Kế hoạch": lambda d, n: d + timedelta(days=n),
    "sau {n} ngày kể từ ngày ban hành": lambda d, n: d + timedelta(days=n),
    "Trong vòng {n} ngày kể từ ngày ký": lambda d, n: d + timedelta(days=n),
    "Hoàn thành trong thời hạn {n} ngày kể từ ngày Kế hoạch này được ban hành":
        lambda d, n: d + timedelta(days=n),
    "{n} ngày sau khi ban hành Kế hoạch": lambda d, n: d + timedelta(days=n),
    "{n} ngày sau khi ký": lambda d, n: d + timedelta(days=n),
    "{n} ngày kể từ ngày Quyết định có hiệu lực": lambda d, n: d + timedelta(days=n),
    "{n} ngày": lambda d, n: d + timedelta(days=n),
    "Trong {n} ngày": lambda d, n: d + timedelta(days=n),
    "{n} tuần kể từ ngày ký ban hành": lambda d, n: d + timedelta(weeks=n),
    "chậm nhất {n} ngày làm việc kể từ ngày ban hành": _working_days_after,
    "{n} ngày làm việc": _working_days_after,
}
ISSUED = [D(2026, 6, 10), D(2026, 6, 13), D(2026, 6, 14), D(2024, 2, 28), D(2025, 12, 20)]


@pytest.mark.parametrize("count", [1, 5, 30, 100])
@pytest.mark.parametrize("issued", ISSUED)
@pytest.mark.parametrize("template", list(RELATIVE_PHRASES))
def test_counted_from_the_issue_date(template: str, issued: date, count: int) -> None:
    expected = RELATIVE_PHRASES[template](issued, count)
    for spell in SPELLINGS.values():
        phrase = spell(template.format(n=f"{count:02d}" if count < 10 else count))
        result = parse_deadline(phrase, issued.year, issued=issued)
        assert (result.start, result.due) == (None, expected), phrase
        _consistent(result)
        without = parse_deadline(phrase, issued.year)
        assert (without.start, without.due, without.problem) == (None, None, "relative"), phrase
        assert not without.conditional


@pytest.mark.parametrize("count", [5, 15, 21, 30, 100, 205, 1000])
@pytest.mark.parametrize("template", ["{n} ngày kể từ ngày ban hành Kế hoạch",
                                      "Hoàn thành trong {n} ngày kể từ ngày ký"])
def test_a_count_in_words(template: str, count: int) -> None:
    issued = D(2026, 6, 10)
    for spell in SPELLINGS.values():
        phrase = spell(template.format(n=words(count)))
        assert parse_deadline(phrase, 2026, issued=issued).due == issued + timedelta(days=count), phrase
        assert parse_deadline(phrase, 2026).problem == "relative", phrase


@pytest.mark.parametrize("issued", ISSUED)
@pytest.mark.parametrize("phrase", ["Từ ngày ban hành Kế hoạch trở đi", "Kể từ ngày ký",
                                    "từ khi ban hành Kế hoạch"])
def test_from_the_issue_date_on_has_a_start_and_no_due(phrase: str, issued: date) -> None:
    for spell in SPELLINGS.values():
        result = parse_deadline(spell(phrase), issued.year, issued=issued)
        assert (result.start, result.due, result.problem) == (issued, None, None), phrase
        assert parse_deadline(spell(phrase), issued.year).problem == "relative"


@pytest.mark.parametrize(("months", "due"), [(1, D(2026, 2, 28)), (2, D(2026, 3, 31)),
                                             (6, D(2026, 7, 31)), (12, D(2027, 1, 31))])
def test_months_counted_from_the_issue_date_keep_the_day(months: int, due: date) -> None:
    result = parse_deadline(f"{months} tháng kể từ ngày ban hành", 2026, issued=D(2026, 1, 31))
    assert result.due == due


@pytest.mark.parametrize(("phrase", "due"), spelled([
    ("Từ kỳ báo cáo tháng 6", D(2026, 6, 30)),  # "kỳ", not "ký": no issue date needed
    ("Từ ngày 15/6 đến hết kỳ báo cáo tháng 9", D(2026, 9, 30)),
]))
def test_a_period_is_not_the_signing(phrase: str, due: date) -> None:
    result = parse_deadline(phrase, 2026)
    assert (result.due, result.problem) == (due, None), phrase


def test_explicit_date_wins_over_a_missing_issue_date() -> None:
    result = parse_deadline("100 ngày kể từ ngày ban hành (trước 30/9/2026)", 2026)
    assert (result.due, result.problem) == (D(2026, 9, 30), None)


@pytest.mark.parametrize(("phrase", "expected"), spelled([
    ("15 ngày kể từ ngày nhận được văn bản", None),
    ("Trong vòng 10 ngày sau khi có kết quả", None),
    ("Theo từng mốc thời hạn dưới đây", None),
    ("Theo thời hạn cụ thể sau đây:", None),
]))
def test_counted_from_another_event_is_conditional(phrase: str, expected: None) -> None:
    result = parse_deadline(phrase, 2026, issued=D(2026, 6, 10))
    assert (result.due, result.problem, result.conditional) == (expected, None, True), phrase


@pytest.mark.parametrize("deadline", ["100 ngày kể từ ngày ban hành Kế hoạch",
                                      "Từ ngày ban hành Kế hoạch trở đi", "100 ngày"])
def test_relative_deadline_is_never_an_error(make_book: BookMaker, deadline: str) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", deadline]]
    plan = load_plan(make_book({"Phân công": rows}))
    assert plan.valid, [p.code for p in plan.problems]
    assert plan.tasks[0].deadline.due is None
    assert task_status(plan.tasks[0], D(2024, 7, 1)).status is Status.UNKNOWN
