"""Tests for :func:`tdkt_xl.plans.deadlines.parse_deadline`.

Cases marked "seed" are taken from the Vietnamese plans in /work/shared/seeds:
000 (Ban TĐKT Trung ương, 2024), 001 (HĐTĐKT TP. Hồ Chí Minh, 2019),
002 (Chỉ thị 34-CT/TW) and 003 (UBND tỉnh Bắc Ninh, 2024).

Each case is (cell, plan year, start, due, quarter, recurring). A deadline-only
phrase ("Trước ngày 15/6") has no start: it names the last day, not a period.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tdkt_xl.plans.deadlines import Deadline, parse_deadline
from tdkt_xl.plans.models import Task
from tdkt_xl.plans.status import Status, task_status

D = date
Case = tuple[object, int, date | None, date | None, int | None, bool]


def _check(value: object, year: int, start: date | None, due: date | None,
           quarter: int | None, recurring: bool) -> Deadline:
    result = parse_deadline(value, year)
    got = (result.start, result.due, result.quarter, result.recurring)
    assert got == (start, due, quarter, recurring), f"{value!r} (plan year {year}) -> {got}"
    assert result.problem is None, f"{value!r}: {result.problem} {result.problem_detail}"
    return result


def _ids(cases: list[Case]) -> list[str]:
    return [repr(case[0]) for case in cases]


# --- a day, and "before a day" ---------------------------------------------------

DAYS: list[Case] = [
    ("ngày 30 tháng 11 năm 2019", 2019, D(2019, 11, 30), D(2019, 11, 30), 4, False),  # seed 001
    ("ngày 20 tháng 02 năm 2024", 2024, D(2024, 2, 20), D(2024, 2, 20), 1, False),  # seed 000
    ("Ngày 05 tháng 9 năm 2024", 2023, D(2024, 9, 5), D(2024, 9, 5), 3, False),
    ("ngày 5 tháng 7", 2024, D(2024, 7, 5), D(2024, 7, 5), 3, False),
    ("30/11/2019", 2024, D(2019, 11, 30), D(2019, 11, 30), 4, False),
    ("30-11-2019", 2024, D(2019, 11, 30), D(2019, 11, 30), 4, False),
    ("30.11.2019", 2024, D(2019, 11, 30), D(2019, 11, 30), 4, False),
    ("07/4/2014", 2024, D(2014, 4, 7), D(2014, 4, 7), 2, False),  # seed 000
    ("05/9", 2024, D(2024, 9, 5), D(2024, 9, 5), 3, False),
    ("ngày 5/7", 2024, D(2024, 7, 5), D(2024, 7, 5), 3, False),
    ("29/2/2024", 2023, D(2024, 2, 29), D(2024, 2, 29), 1, False),
    ("31/12", 2024, D(2024, 12, 31), D(2024, 12, 31), 4, False),
    ("1/1", 2025, D(2025, 1, 1), D(2025, 1, 1), 1, False),
    ("2024-06-15", 2020, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("Trước ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),  # seed 000 appendix
    ("Trước 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("trước ngày 31/3/2024", 2024, None, D(2024, 3, 31), 1, False),  # seed 000
    ("Trước ngày 01/01/2025", 2024, None, D(2025, 1, 1), 1, False),
    ("chậm nhất ngày 20/10", 2024, None, D(2024, 10, 20), 4, False),
    ("Chậm nhất 20/10/2024", 2023, None, D(2024, 10, 20), 4, False),
    ("Chậm nhất ngày 15 tháng 6 năm 2024", 2024, None, D(2024, 6, 15), 2, False),
    ("chậm nhất là ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("Hoàn thành trước 15/6/2024", 2024, None, D(2024, 6, 15), 2, False),  # seed 000
    ("(Hoàn thành trước 15/6/2024);", 2024, None, D(2024, 6, 15), 2, False),  # seed 000
    ("hoàn thành trước ngày 30/7/2024", 2024, None, D(2024, 7, 30), 3, False),  # seed 000
    ("(hoàn thành trước ngày 31/3/2024).", 2024, None, D(2024, 3, 31), 1, False),  # seed 000
    ("hạn chót 15/6", 2024, None, D(2024, 6, 15), 2, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), DAYS,
                         ids=_ids(DAYS))
def test_day(value: str, year: int, start: date | None, due: date, quarter: int,
             recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


# --- a month and its parts ------------------------------------------------------------

MONTHS: list[Case] = [
    ("Tháng 2", 2024, D(2024, 2, 1), D(2024, 2, 29), 1, False),  # seed 000 appendix
    ("Tháng 2", 2023, D(2023, 2, 1), D(2023, 2, 28), 1, False),
    ("Tháng 6", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),  # seed 000 appendix
    ("Tháng 7", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),  # seed 000 appendix
    ("Tháng 8", 2024, D(2024, 8, 1), D(2024, 8, 31), 3, False),  # seed 000 appendix
    ("trong tháng 7", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("tháng 6/2024", 2023, D(2024, 6, 1), D(2024, 6, 30), 2, False),  # seed 000
    ("(tháng 8/2024)", 2024, D(2024, 8, 1), D(2024, 8, 31), 3, False),  # seed 000
    ("tháng 9 năm 2024", 2023, D(2024, 9, 1), D(2024, 9, 30), 3, False),
    ("tháng 11 năm 2019", 2024, D(2019, 11, 1), D(2019, 11, 30), 4, False),  # seed 001
    ("Tháng 02", 2024, D(2024, 2, 1), D(2024, 2, 29), 1, False),
    ("tháng 12/2024", 2024, D(2024, 12, 1), D(2024, 12, 31), 4, False),
    ("Đầu tháng 7", 2024, D(2024, 7, 1), D(2024, 7, 10), 3, False),  # seed 000 appendix
    ("Giữa tháng 7", 2024, D(2024, 7, 11), D(2024, 7, 20), 3, False),
    ("Cuối tháng 7", 2024, D(2024, 7, 21), D(2024, 7, 31), 3, False),
    ("Cuối tháng 2", 2024, D(2024, 2, 21), D(2024, 2, 29), 1, False),
    ("Cuối tháng 2 năm 2023", 2024, D(2023, 2, 21), D(2023, 2, 28), 1, False),
    ("cuối tháng 4", 2024, D(2024, 4, 21), D(2024, 4, 30), 2, False),
    ("Tuần đầu tháng 7", 2024, D(2024, 7, 1), D(2024, 7, 7), 3, False),
    ("Tuần cuối tháng 2", 2024, D(2024, 2, 23), D(2024, 2, 29), 1, False),
    ("Tuần cuối tháng 2", 2023, D(2023, 2, 22), D(2023, 2, 28), 1, False),
    ("Tuần cuối tháng 12", 2024, D(2024, 12, 25), D(2024, 12, 31), 4, False),
    ("Tuần cuối tháng 6/2024", 2023, D(2024, 6, 24), D(2024, 6, 30), 2, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), MONTHS,
                         ids=_ids(MONTHS))
def test_month(value: str, year: int, start: date, due: date, quarter: int,
               recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


# --- quarters, halves and parts of the year ------------------------------------------

QUARTERS: list[Case] = [
    ("Quý I", 2024, D(2024, 1, 1), D(2024, 3, 31), 1, False),  # seed 003 appendix
    ("Quý II", 2024, D(2024, 4, 1), D(2024, 6, 30), 2, False),  # seed 003 appendix
    ("Quý III", 2024, D(2024, 7, 1), D(2024, 9, 30), 3, False),  # seed 003 appendix
    ("Quý IV", 2024, D(2024, 10, 1), D(2024, 12, 31), 4, False),  # seed 003 appendix
    ("quý 3/2024", 2023, D(2024, 7, 1), D(2024, 9, 30), 3, False),
    ("Quý 1/2024", 2023, D(2024, 1, 1), D(2024, 3, 31), 1, False),
    ("Quý 01/2024", 2023, D(2024, 1, 1), D(2024, 3, 31), 1, False),
    ("Q4/2024", 2023, D(2024, 10, 1), D(2024, 12, 31), 4, False),
    ("Q1", 2024, D(2024, 1, 1), D(2024, 3, 31), 1, False),
    ("trong quý I năm 2024", 2023, D(2024, 1, 1), D(2024, 3, 31), 1, False),  # seed 003
    ("hoàn thành trong quý I năm 2024", 2024, D(2024, 1, 1), D(2024, 3, 31), 1, False),
    ("Đầu quý II", 2024, D(2024, 4, 1), D(2024, 4, 30), 2, False),
    ("Cuối quý IV", 2024, D(2024, 12, 1), D(2024, 12, 31), 4, False),
    ("Cuối quý I", 2024, D(2024, 3, 1), D(2024, 3, 31), 1, False),
    ("Cuối quý 3/2023", 2024, D(2023, 9, 1), D(2023, 9, 30), 3, False),
    ("6 tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 6, 30), 2, False),  # seed 003
    ("9 tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 9, 30), 3, False),
    ("6 tháng cuối năm", 2024, D(2024, 7, 1), D(2024, 12, 31), 4, False),  # seed 003
    ("6 tháng đầu năm 2025", 2024, D(2025, 1, 1), D(2025, 6, 30), 2, False),
    ("Năm 2024", 2023, D(2024, 1, 1), D(2024, 12, 31), 4, False),
    ("cả năm", 2024, D(2024, 1, 1), D(2024, 12, 31), 4, False),
    ("Cả năm 2025", 2024, D(2025, 1, 1), D(2025, 12, 31), 4, False),
    ("cuối năm", 2024, D(2024, 12, 1), D(2024, 12, 31), 4, False),
    ("Cuối năm 2023", 2024, D(2023, 12, 1), D(2023, 12, 31), 4, False),
    ("năm sau", 2024, D(2025, 1, 1), D(2025, 12, 31), 4, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), QUARTERS,
                         ids=_ids(QUARTERS))
def test_quarter_and_year_parts(value: str, year: int, start: date, due: date, quarter: int,
                                recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


# --- ranges, lists and a day inside a period ------------------------------------------

RANGES: list[Case] = [
    ("Từ ngày 05 tháng 7 năm 2019 đến 20 tháng 7 năm 2019", 2019,
     D(2019, 7, 5), D(2019, 7, 20), 3, False),  # seed 001
    ("Từ 20 tháng 7 năm 2019 đến 30 tháng 10 năm 2019", 2019,
     D(2019, 7, 20), D(2019, 10, 30), 4, False),  # seed 001
    ("3. Từ ngày 01 tháng 11 năm 2019 đến 20 tháng 11 năm 2019:", 2019,
     D(2019, 11, 1), D(2019, 11, 20), 4, False),  # seed 001
    ("Từ ngày 01/04/2014 đến ngày 30/3/2024", 2024,
     D(2014, 4, 1), D(2024, 3, 30), 1, False),  # seed 000
    ("Từ ngày 05/7 đến 20/7/2019", 2024, D(2019, 7, 5), D(2019, 7, 20), 3, False),
    ("Từ ngày 5 đến ngày 20/7/2019", 2024, D(2019, 7, 5), D(2019, 7, 20), 3, False),
    ("15/6-20/6", 2024, D(2024, 6, 15), D(2024, 6, 20), 2, False),
    ("Từ 15/11 đến 15/1/2025", 2024, D(2024, 11, 15), D(2025, 1, 15), 1, False),
    ("Từ 15/11 đến 15/1 năm sau", 2024, D(2024, 11, 15), D(2025, 1, 15), 1, False),
    ("Tháng 6-7", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("Tháng 6 – 7", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("Tháng 6, 7", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("Tháng 6 và 7", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("Tháng 6-7/2024", 2023, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("Tháng 6, 7/2024", 2023, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("tháng 6, 7 năm 2025", 2024, D(2025, 6, 1), D(2025, 7, 31), 3, False),
    ("Tháng 6, 7 năm sau", 2024, D(2025, 6, 1), D(2025, 7, 31), 3, False),
    ("từ tháng 3 đến tháng 5", 2024, D(2024, 3, 1), D(2024, 5, 31), 2, False),
    ("Từ tháng 11 đến tháng 2", 2024, D(2024, 11, 1), D(2025, 2, 28), 1, False),
    ("Từ tháng 11 đến tháng 1 năm sau", 2024, D(2024, 11, 1), D(2025, 1, 31), 1, False),
    ("Từ tháng 11 đến tháng 1/2025", 2024, D(2024, 11, 1), D(2025, 1, 31), 1, False),
    ("Tháng 11/2024 - tháng 1/2025", 2024, D(2024, 11, 1), D(2025, 1, 31), 1, False),
    ("Quý I, II", 2024, D(2024, 1, 1), D(2024, 6, 30), 2, False),
    ("Quý I - II", 2024, D(2024, 1, 1), D(2024, 6, 30), 2, False),
    ("Quý III, IV năm 2024", 2023, D(2024, 7, 1), D(2024, 12, 31), 4, False),
    ("Quý II, III/2024", 2023, D(2024, 4, 1), D(2024, 9, 30), 3, False),
    ("Quý I, II năm sau", 2024, D(2025, 1, 1), D(2025, 6, 30), 2, False),
    ("Quý IV/2024 (trước 15/12)", 2023, D(2024, 10, 1), D(2024, 12, 15), 4, False),
    ("Quý I/2024 (trước ngày 15/2)", 2024, D(2024, 1, 1), D(2024, 2, 15), 1, False),
    ("Tháng 6 (trước 20/6)", 2024, D(2024, 6, 1), D(2024, 6, 20), 2, False),
    ("các ngày 26, 27, 28/6", 2024, D(2024, 6, 26), D(2024, 6, 28), 2, False),
    ("các ngày 26,27,28/6/2018", 2024, D(2018, 6, 26), D(2018, 6, 28), 2, False),
    ("các ngày 26, 27 và 28/6/2023", 2024, D(2023, 6, 26), D(2023, 6, 28), 2, False),
    ("các ngày từ 5 đến 10/6", 2024, D(2024, 6, 5), D(2024, 6, 10), 2, False),
    ("từ ngày 16 - 22/3/2018", 2024, D(2018, 3, 16), D(2018, 3, 22), 1, False),
    ("từ ngày 16-22/3/2018", 2024, D(2018, 3, 16), D(2018, 3, 22), 1, False),
    ("Từ ngày 16-22/3", 2024, D(2024, 3, 16), D(2024, 3, 22), 1, False),
    ("Từ ngày 16 – 22/3/2018", 2024, D(2018, 3, 16), D(2018, 3, 22), 1, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), RANGES,
                         ids=_ids(RANGES))
def test_range(value: str, year: int, start: date, due: date, quarter: int,
               recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


# --- number words, years, Tết, "dự kiến" -----------------------------------------------

WORDS_AND_YEARS: list[Case] = [
    ("tháng Bảy", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("tháng bảy năm 2025", 2024, D(2025, 7, 1), D(2025, 7, 31), 3, False),
    ("tháng tư", 2024, D(2024, 4, 1), D(2024, 4, 30), 2, False),
    ("tháng năm năm 2024", 2023, D(2024, 5, 1), D(2024, 5, 31), 2, False),
    ("tháng sáu năm 2024", 2023, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("tháng mười", 2024, D(2024, 10, 1), D(2024, 10, 31), 4, False),
    ("tháng mười năm 2024", 2023, D(2024, 10, 1), D(2024, 10, 31), 4, False),
    ("tháng mười một", 2024, D(2024, 11, 1), D(2024, 11, 30), 4, False),
    ("tháng mười hai", 2024, D(2024, 12, 1), D(2024, 12, 31), 4, False),
    ("tháng Mười Hai năm sau", 2024, D(2025, 12, 1), D(2025, 12, 31), 4, False),
    ("tháng Giêng", 2024, D(2024, 1, 1), D(2024, 1, 31), 1, False),
    ("ngày mười lăm tháng sáu", 2024, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("ngày mười lăm tháng sáu năm 2024", 2023, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("ngày hai mươi lăm tháng mười hai", 2024, D(2024, 12, 25), D(2024, 12, 25), 4, False),
    ("ngày 15 tháng Sáu", 2024, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("mùng 2 tháng 9", 2024, D(2024, 9, 2), D(2024, 9, 2), 3, False),
    ("Quý Tư", 2024, D(2024, 10, 1), D(2024, 12, 31), 4, False),
    ("Tháng 1 năm sau", 2024, D(2025, 1, 1), D(2025, 1, 31), 1, False),
    ("Tháng 12 năm sau", 2024, D(2025, 12, 1), D(2025, 12, 31), 4, False),
    ("Quý I năm sau", 2024, D(2025, 1, 1), D(2025, 3, 31), 1, False),
    ("ngày 2/9 năm sau", 2024, D(2025, 9, 2), D(2025, 9, 2), 3, False),
    ("ngày 15/6 năm 2025", 2024, D(2025, 6, 15), D(2025, 6, 15), 2, False),
    ("Trước ngày 15/6 năm sau", 2024, None, D(2025, 6, 15), 2, False),
    ("tháng 1/2025", 2024, D(2025, 1, 1), D(2025, 1, 31), 1, False),
    ("Tết Nguyên đán", 2024, D(2024, 2, 10), D(2024, 2, 10), 1, False),
    ("Tết Nguyên đán", 2025, D(2025, 1, 29), D(2025, 1, 29), 1, False),
    ("Tết Nguyên đán 2026", 2024, D(2026, 2, 17), D(2026, 2, 17), 1, False),
    ("Tết Nguyên đán năm 2023", 2024, D(2023, 1, 22), D(2023, 1, 22), 1, False),
    ("Trước Tết Nguyên đán", 2019, None, D(2019, 2, 5), 1, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"),
                         WORDS_AND_YEARS, ids=_ids(WORDS_AND_YEARS))
def test_words_years_and_tet(value: str, year: int, start: date | None, due: date,
                             quarter: int, recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


TENTATIVE: list[Case] = [
    ("Thời gian: dự kiến tháng 11 năm 2019.", 2019,
     D(2019, 11, 1), D(2019, 11, 30), 4, False),  # seed 001
    ("Dự kiến: tháng 11", 2024, D(2024, 11, 1), D(2024, 11, 30), 4, False),
    ("Tháng 6/2024 (dự kiến)", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Dự kiến quý III", 2024, D(2024, 7, 1), D(2024, 9, 30), 3, False),
    ("dự kiến trước ngày 20/12", 2024, None, D(2024, 12, 20), 4, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), TENTATIVE,
                         ids=_ids(TENTATIVE))
def test_tentative(value: str, year: int, start: date | None, due: date, quarter: int,
                   recurring: bool) -> None:
    assert _check(value, year, start, due, quarter, recurring).tentative


def test_firm_deadline_is_not_tentative() -> None:
    assert not parse_deadline("Tháng 11 năm 2019", 2019).tentative


# --- recurring ---------------------------------------------------------------------------

RECURRING: list[Case] = [
    ("Thường xuyên", 2024, None, None, None, True),  # seed 002
    ("Hằng năm", 2024, None, None, None, True),
    ("Hàng năm", 2024, None, None, None, True),
    ("Hằng quý", 2024, None, None, None, True),
    ("Hằng tháng", 2024, None, None, None, True),
    ("Định kỳ hằng năm", 2024, None, None, None, True),
    ("Định kỳ 6 tháng", 2024, None, None, None, True),
    ("Định kỳ hằng quý", 2024, None, None, None, True),
    ("trước ngày 10/8 hằng năm", 2024, None, D(2024, 8, 10), 3, True),
    ("Trước ngày 15/12 hằng năm", 2025, None, D(2025, 12, 15), 4, True),
    ("hằng năm, trước ngày 15/11", 2024, None, D(2024, 11, 15), 4, True),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), RECURRING,
                         ids=_ids(RECURRING))
def test_recurring(value: str, year: int, start: date | None, due: date | None,
                   quarter: int | None, recurring: bool) -> None:
    result = _check(value, year, start, due, quarter, recurring)
    assert not result.conditional


# --- conditional, unreadable, impossible, empty --------------------------------------------

NO_DUE: list[tuple[object, str | None, bool]] = [
    # (cell, problem, conditional)
    ("Khi có yêu cầu", None, True),
    ("Theo yêu cầu", None, True),
    ("Theo kế hoạch", None, True),
    ("Sau khi có ý kiến chỉ đạo", None, True),
    ("Khi phát sinh", None, True),
    ("Theo quy định tại Nghị định 98/2023/NĐ-CP", None, True),  # not "tháng 98"
    ("Theo Kế hoạch số 21/KH-BTĐKT ngày 10/6/2024", None, True),  # the document's own date
    ("Theo Kế hoạch số 21 /KH-BTĐKT ngày 10 /6/2024", None, True),  # seed 000, as typed
    ("Theo Thông báo số 59/TB-VPCP ngày 20 tháng 02 năm 2024", None, True),  # seed 000
    ("Theo Chỉ thị 34-CT/TW ngày 07/4/2014", None, True),
    ("abc xyz", "unreadable", False),
    ("Sớm", "unreadable", False),
    ("???", "unreadable", False),
    ("31/4", "impossible-date", False),
    ("31/4/2024", "impossible-date", False),
    ("29/2/2023", "impossible-date", False),
    ("Trước ngày 29/2", "impossible-date", False),  # plan year 2023 below
    ("ngày 31 tháng 6", "impossible-date", False),
    ("32/1", "impossible-date", False),
    ("0/1", "impossible-date", False),
    ("tháng 13", "impossible-date", False),
    ("tháng 0", "impossible-date", False),
    ("quý 5", "impossible-date", False),
    ("", None, False),
    ("   ", None, False),
    ("\n", None, False),
    (None, None, False),
]


@pytest.mark.parametrize(("value", "problem", "conditional"), NO_DUE,
                         ids=[repr(case[0]) for case in NO_DUE])
def test_no_due_date(value: object, problem: str | None, conditional: bool) -> None:
    result = parse_deadline(value, 2023)
    assert (result.start, result.due, result.quarter, result.recurring) == (None, None, None, False)
    assert result.problem == problem, result.problem_detail
    assert result.conditional is conditional


def test_empty_cell_is_empty() -> None:
    assert parse_deadline(None, 2024).is_empty
    assert parse_deadline("  ", 2024).is_empty
    assert not parse_deadline("Khi có yêu cầu", 2024).is_empty


# --- a period around an earlier day does not wrap into the next year -------------------------

FRAMED: list[Case] = [
    ("Trước ngày 20/12 (quý IV)", 2024, D(2024, 10, 1), D(2024, 12, 20), 4, False),
    ("Trước 15/6 (Quý II)", 2024, D(2024, 4, 1), D(2024, 6, 15), 2, False),
    ("Trước 15/6/2024 (Quý II)", 2024, D(2024, 4, 1), D(2024, 6, 15), 2, False),
    ("15/6 (tháng 6)", 2024, D(2024, 6, 1), D(2024, 6, 15), 2, False),
    ("Tháng 6 (Quý II)", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Trước 31/12 (cuối năm)", 2024, D(2024, 12, 1), D(2024, 12, 31), 4, False),
    ("Trước Tết Nguyên đán (tháng 1)", 2025, D(2025, 1, 1), D(2025, 1, 29), 1, False),
    ("Tháng 6 (Quý II/2025)", 2024, D(2025, 6, 1), D(2025, 6, 30), 2, False),
    ("Tháng 12 - tháng 1", 2024, D(2024, 12, 1), D(2025, 1, 31), 1, False),  # still wraps
]


# --- a time of day is not a date ------------------------------------------------------------------

TIMES: list[Case] = [
    ("Trước 16 giờ 30 ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("9 giờ 30 ngày 15/6/2024", 2024, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("Trước 16 giờ 30 phút ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("Trước 16h30 ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("Trước 16h ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("16:30 ngày 15/6", 2024, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("8 giờ, ngày 15/6", 2024, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("15/6 lúc 14h", 2024, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    ("Tháng 6 (trước 17 giờ ngày 20/6)", 2024, D(2024, 6, 1), D(2024, 6, 20), 2, False),
]


# --- a number before a counting word is a quantity ------------------------------------------------

QUANTITIES: list[Case] = [
    ("Tháng 6 (2 đợt)", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Tháng 7 (10 năm Chỉ thị 34)", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("Quý IV (1 lần)", 2024, D(2024, 10, 1), D(2024, 12, 31), 4, False),
    ("Tháng 12 (01 lần)", 2024, D(2024, 12, 1), D(2024, 12, 31), 4, False),
    ("Tháng 6 (30 ngày)", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Quý III/2019 (05 năm)", 2024, D(2019, 7, 1), D(2019, 9, 30), 3, False),
    ("Tháng 6 (2 tuần)", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Quý II (3 cuộc)", 2024, D(2024, 4, 1), D(2024, 6, 30), 2, False),
    ("Tháng 6 - 7 (2 đợt)", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),  # the list stays
    ("Tháng 6 và 7 năm nay", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),
]


@pytest.mark.parametrize("value", ["(từ 3 - 4 tham luận)", "từ 3-4 ngày", "2 - 3 đợt"])  # seed 001
def test_counted_range_is_not_a_date(value: str) -> None:
    result = parse_deadline(value, 2019)
    assert (result.start, result.due, result.problem) == (None, None, "unreadable")


# --- weeks, rounds and ten-day parts of a month ------------------------------------------------------

MONTH_PARTS: list[Case] = [
    ("Tuần 2 tháng 7", 2024, D(2024, 7, 8), D(2024, 7, 14), 3, False),
    ("Tuần 1 tháng 7", 2024, D(2024, 7, 1), D(2024, 7, 7), 3, False),
    ("Tuần 5 tháng 7", 2024, D(2024, 7, 29), D(2024, 7, 31), 3, False),
    ("Tuần 5 tháng 2", 2024, D(2024, 2, 29), D(2024, 2, 29), 1, False),
    ("Tuần thứ 3 của tháng 7", 2024, D(2024, 7, 15), D(2024, 7, 21), 3, False),
    ("Tuần 2 tháng 7/2025", 2024, D(2025, 7, 8), D(2025, 7, 14), 3, False),
    ("Đợt 2 tháng 6", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Lần 1 tháng 6", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Kỳ 2 tháng 6 năm sau", 2024, D(2025, 6, 1), D(2025, 6, 30), 2, False),
    ("Đợt II tháng 6", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("Thượng tuần tháng 7", 2024, D(2024, 7, 1), D(2024, 7, 10), 3, False),
    ("Trung tuần tháng 7", 2024, D(2024, 7, 11), D(2024, 7, 20), 3, False),
    ("Hạ tuần tháng 7", 2024, D(2024, 7, 21), D(2024, 7, 31), 3, False),
    ("Hạ tuần tháng 2", 2023, D(2023, 2, 21), D(2023, 2, 28), 1, False),
    ("Tuần đầu của tháng 7", 2024, D(2024, 7, 1), D(2024, 7, 7), 3, False),
    ("Tuần cuối của tháng 7", 2024, D(2024, 7, 25), D(2024, 7, 31), 3, False),
]


@pytest.mark.parametrize(("value", "year", "detail"), [
    ("Tuần 6 tháng 7", 2024, "tuần 6 tháng 7"),
    ("Tuần 0 tháng 7", 2024, "tuần 0 tháng 7"),
    ("Tuần 5 tháng 2", 2023, "tuần 5 tháng 2"),  # 28 days: no fifth week
])
def test_week_the_month_does_not_have(value: str, year: int, detail: str) -> None:
    result = parse_deadline(value, year)
    assert (result.due, result.problem, result.problem_detail) == (None, "impossible-date", detail)


# --- "06 tháng đầu năm", "sáu tháng đầu năm" ----------------------------------------------------------

YEAR_PARTS: list[Case] = [
    ("06 tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 6, 30), 2, False),
    ("sáu tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 6, 30), 2, False),
    ("Sáu tháng đầu năm 2025", 2024, D(2025, 1, 1), D(2025, 6, 30), 2, False),
    ("06 tháng cuối năm", 2024, D(2024, 7, 1), D(2024, 12, 31), 4, False),
    ("sáu tháng cuối năm", 2024, D(2024, 7, 1), D(2024, 12, 31), 4, False),
    ("09 tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 9, 30), 3, False),
    ("chín tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 9, 30), 3, False),
    ("03 tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 3, 31), 1, False),
    ("ba tháng đầu năm", 2024, D(2024, 1, 1), D(2024, 3, 31), 1, False),
    ("03 tháng cuối năm", 2024, D(2024, 10, 1), D(2024, 12, 31), 4, False),
]


# --- lunar days, festivals and can-chi years ---------------------------------------------------------

FESTIVALS: list[Case] = [
    ("Giỗ Tổ Hùng Vương (10/3 âm lịch)", 2024, D(2024, 4, 18), D(2024, 4, 18), 2, False),
    ("Giỗ Tổ Hùng Vương", 2025, D(2025, 4, 7), D(2025, 4, 7), 2, False),
    ("Trung thu (15/8 âm lịch)", 2024, D(2024, 9, 17), D(2024, 9, 17), 3, False),
    ("ngày 10 tháng 3 âm lịch", 2025, D(2025, 4, 7), D(2025, 4, 7), 2, False),
    ("10/3 ÂL", 2024, D(2024, 4, 18), D(2024, 4, 18), 2, False),
    ("Trước ngày 15/8 (âm lịch)", 2023, None, D(2023, 9, 29), 3, False),
    ("các ngày 14, 15/8 âm lịch", 2024, D(2024, 9, 16), D(2024, 9, 17), 3, False),
    ("Rằm tháng Giêng", 2024, D(2024, 2, 24), D(2024, 2, 24), 1, False),
    ("23/12 âm lịch", 2024, D(2025, 1, 22), D(2025, 1, 22), 1, False),  # month 12 ends in January
    ("Tết Dương lịch", 2024, D(2024, 1, 1), D(2024, 1, 1), 1, False),
    ("Trước Tết Dương lịch 2025", 2024, None, D(2025, 1, 1), 1, False),
    ("Tết Trung thu năm 2024", 2024, D(2024, 9, 17), D(2024, 9, 17), 3, False),
    ("Tết Trung thu (15/8)", 2024, D(2024, 9, 17), D(2024, 9, 17), 3, False),  # same day: lunar
    ("Tết Thiếu nhi 1/6", 2024, D(2024, 6, 1), D(2024, 6, 1), 2, False),
    ("Tết Thiếu nhi", 2024, D(2024, 6, 1), D(2024, 6, 1), 2, False),
    ("Tết Nguyên đán (10/2/2024)", 2023, D(2024, 2, 10), D(2024, 2, 10), 1, False),
    ("Tết", 2024, D(2024, 2, 10), D(2024, 2, 10), 1, False),
    ("Tết cổ truyền", 2024, D(2024, 2, 10), D(2024, 2, 10), 1, False),
    ("Tết năm sau", 2024, D(2025, 1, 29), D(2025, 1, 29), 1, False),
    ("Tết Nguyên đán Ất Tỵ", 2024, D(2025, 1, 29), D(2025, 1, 29), 1, False),
    ("TẾT NGUYÊN ĐÁN ẤT TỴ", 2024, D(2025, 1, 29), D(2025, 1, 29), 1, False),
    ("Tết Giáp Thìn", 2023, D(2024, 2, 10), D(2024, 2, 10), 1, False),
    ("Tết Canh Tý", 2019, D(2020, 1, 25), D(2020, 1, 25), 1, False),
    ("Tết Canh Tí", 2019, D(2020, 1, 25), D(2020, 1, 25), 1, False),
    ("Tết Quý Mão", 2024, D(2023, 1, 22), D(2023, 1, 22), 1, False),  # the nearest, a year back
    ("Trước Tết Nguyên đán 10 ngày", 2024, None, D(2024, 1, 31), 1, False),
    ("Trước Tết 10 ngày", 2025, None, D(2025, 1, 19), 1, False),
]


@pytest.mark.parametrize(("value", "problem", "detail"), [
    # a campaign in spring, on no fixed day: the cell needs a real date
    ("Tết trồng cây", "unreadable", "Tết trồng cây"),
    ("Tết trồng cây Xuân Giáp Thìn", "unreadable", "Tết trồng cây Xuân Giáp Thìn"),
    ("Tết Giáp Sửu", "impossible-date", "năm Giáp Sửu"),  # no year has that name
    ("30/12 âm lịch", "impossible-date", "30/12/2024 âm lịch"),  # month 12 of 2024 has 29 days
])
def test_festivals_without_a_day(value: str, problem: str, detail: str) -> None:
    result = parse_deadline(value, 2024)
    assert (result.due, result.problem, result.problem_detail) == (None, problem, detail)


# --- "trước" a month, quarter or year: due the day before it ------------------------------------------

BEFORE_PERIOD: list[Case] = [
    ("Trước tháng 6", 2024, None, D(2024, 5, 31), 2, False),
    ("Trước quý III", 2024, None, D(2024, 6, 30), 2, False),
    ("Trước năm 2025", 2024, None, D(2024, 12, 31), 4, False),
    ("Trước năm sau", 2024, None, D(2024, 12, 31), 4, False),
    ("Hoàn thành trước tháng 7/2025", 2024, None, D(2025, 6, 30), 2, False),
    ("trước Quý I/2025", 2024, None, D(2024, 12, 31), 4, False),
    ("Trước tháng 3", 2024, None, D(2024, 2, 29), 1, False),
    ("Trước đầu tháng 7", 2024, None, D(2024, 6, 30), 2, False),
    ("Trước cuối tháng 6", 2024, None, D(2024, 6, 30), 2, False),  # before the end: by 30/6
    ("Trước cuối năm", 2024, None, D(2024, 12, 31), 4, False),
    ("Quý II (trước tháng 6)", 2024, D(2024, 4, 1), D(2024, 5, 31), 2, False),
    ("trước ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("trước hoặc trong tháng 6", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("chậm nhất tháng 6", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),  # "by", not "before"
]


# --- "sau", "kể từ": a start with no due date -----------------------------------------------------

OPEN_ENDED: list[Case] = [
    ("Sau ngày 15/6", 2024, D(2024, 6, 16), None, None, False),
    ("Sau 15/6", 2024, D(2024, 6, 16), None, None, False),
    ("Sau 31/12", 2024, D(2025, 1, 1), None, None, False),
    ("Kể từ ngày 15/6", 2024, D(2024, 6, 15), None, None, False),
    ("Từ ngày 15/6", 2024, D(2024, 6, 15), None, None, False),
    ("Sau Tết", 2024, D(2024, 2, 11), None, None, False),
    ("Sau quý II", 2024, D(2024, 7, 1), None, None, False),
    ("Bắt đầu từ tháng 6", 2024, D(2024, 6, 1), None, None, False),
    ("Sau Tết Nguyên đán 10 ngày", 2024, D(2024, 2, 20), D(2024, 2, 20), 1, False),  # a day
    ("Sau 15/6 và trước 30/6", 2024, D(2024, 6, 16), D(2024, 6, 30), 2, False),
    ("Quý II (từ 15/4)", 2024, D(2024, 4, 15), D(2024, 6, 30), 2, False),
    ("Kể từ ngày 1/4 đến ngày 30/6", 2024, D(2024, 4, 1), D(2024, 6, 30), 2, False),
    ("Từ ngày 1/4 đến ngày 30/6", 2024, D(2024, 4, 1), D(2024, 6, 30), 2, False),
    ("Trước 15/6, sau 20/6", 2024, None, D(2024, 6, 15), 2, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), OPEN_ENDED,
                         ids=_ids(OPEN_ENDED))
def test_open_ended_start(value: str, year: int, start: date | None, due: date | None,
                          quarter: int | None, recurring: bool) -> None:
    result = _check(value, year, start, due, quarter, recurring)
    assert not result.conditional


def test_open_ended_start_has_no_status_date() -> None:
    task = Task(sheet="PC", kind="phan_cong", code="PC-1", number="1", row=7, rows=[7],
                deadline=parse_deadline("Sau ngày 15/6", 2024))
    assert task_status(task, date(2024, 7, 1)).status is Status.UNKNOWN


# --- document references are not dates ---------------------------------------------------------------

DOCUMENTS: list[Case] = [
    ("Hoàn thành trước 15/6/2024 (theo Kế hoạch số 21/KH-BTĐKT ngày 10/6/2024)", 2024,
     None, D(2024, 6, 15), 2, False),
    ("Tháng 7 (theo Chỉ thị 34-CT/TW ngày 07/4/2014)", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("Trước 30/6 (Công văn 123/SNV-TĐKT)", 2024, None, D(2024, 6, 30), 2, False),
    ("Quý III (Nghị định 98/2023/NĐ-CP)", 2024, D(2024, 7, 1), D(2024, 9, 30), 3, False),
]


# --- "trước" before a list of days: all deadline-only --------------------------------------------------

DEADLINE_LISTS: list[Case] = [
    ("Trước 30/6 và 31/12", 2024, None, D(2024, 12, 31), 4, False),
    ("Trước ngày 15/6 và 15/12", 2024, None, D(2024, 12, 15), 4, False),
    ("Trước ngày 15/6, 15/12", 2024, None, D(2024, 12, 15), 4, False),
    ("Chậm nhất ngày 15/6 hoặc ngày 15/12", 2024, None, D(2024, 12, 15), 4, False),
    ("Trước ngày 10, 20/6", 2024, None, D(2024, 6, 20), 2, False),
    ("từ 15/6 và trước 30/6", 2024, D(2024, 6, 15), D(2024, 6, 30), 2, False),
]


# --- numbering and weekdays are not days ---------------------------------------------------------------

NUMBERING: list[Case] = [
    ("3.2. Thời gian: dự kiến tháng 11 năm 2019.", 2019,
     D(2019, 11, 1), D(2019, 11, 30), 4, False),  # seed 001
    ("1) Tháng 6", 2024, D(2024, 6, 1), D(2024, 6, 30), 2, False),
    ("a) Trước 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("IV. Quý IV", 2024, D(2024, 10, 1), D(2024, 12, 31), 4, False),
    ("Thứ 6, ngày 14/6", 2024, D(2024, 6, 14), D(2024, 6, 14), 2, False),
    ("Thứ Sáu ngày 14/6", 2024, D(2024, 6, 14), D(2024, 6, 14), 2, False),  # not "sau ngày"
    ("thứ Hai (17/6)", 2024, D(2024, 6, 17), D(2024, 6, 17), 2, False),
    ("Chủ nhật, 16/6", 2024, D(2024, 6, 16), D(2024, 6, 16), 2, False),
    ("15.6", 2024, D(2024, 6, 15), D(2024, 6, 15), 2, False),  # a date, not numbering
    ("15.6.2024", 2020, D(2024, 6, 15), D(2024, 6, 15), 2, False),
]


# --- a school year runs from September to May ------------------------------------------------------------

SCHOOL_YEARS: list[Case] = [
    ("Năm học 2023 - 2024", 2024, D(2023, 9, 1), D(2024, 5, 31), 2, False),  # seed 003
    ("Tổng kết công tác và phong trào thi đua ngành giáo dục năm học 2023 - 2024.", 2024,
     D(2023, 9, 1), D(2024, 5, 31), 2, False),  # seed 003
    ("năm học 2014-2015", 2024, D(2014, 9, 1), D(2015, 5, 31), 2, False),
    ("Năm học 2023-24", 2024, D(2023, 9, 1), D(2024, 5, 31), 2, False),
    ("Trước năm học 2024-2025", 2024, None, D(2024, 8, 31), 3, False),
]


READINGS: dict[str, list[Case]] = {  # each behaviour above, one table (the test id names it)
    "period around an earlier day": FRAMED,
    "time of day is ignored": TIMES,
    "quantity is not a date": QUANTITIES,
    "weeks rounds and parts of a month": MONTH_PARTS,
    "months of the year in any spelling": YEAR_PARTS,
    "lunar days and festivals": FESTIVALS,
    "before a period": BEFORE_PERIOD,
    "document reference is not a date": DOCUMENTS,
    "deadline only list": DEADLINE_LISTS,
    "numbering and weekday are not days": NUMBERING,
    "school year": SCHOOL_YEARS,
}


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), [
    pytest.param(*case, id=f"{behaviour}: {case[0]!r}")
    for behaviour, cases in READINGS.items() for case in cases])
def test_reading(value: object, year: int, start: date | None, due: date | None, quarter: int | None,
                 recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


def test_school_year_of_two_years_is_impossible() -> None:
    result = parse_deadline("năm học 2023-2025", 2024)
    assert (result.due, result.problem, result.problem_detail) == \
        (None, "impossible-date", "năm học 2023-2025")


# --- the same phrase typed in many ways -------------------------------------------------------

NBSP = "\u00a0"
SPELLINGS: list[Case] = [
    ("Thang 7", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("THÁNG 7", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("  Tháng   7  ", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("Tháng\n7", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    (f"Tháng{NBSP}7", 2024, D(2024, 7, 1), D(2024, 7, 31), 3, False),
    ("dau thang 7", 2024, D(2024, 7, 1), D(2024, 7, 10), 3, False),
    ("Truoc ngay 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("TRƯỚC NGÀY 15/6", 2024, None, D(2024, 6, 15), 2, False),
    (f"Trước{NBSP}ngày{NBSP}15/6", 2024, None, D(2024, 6, 15), 2, False),
    (unicodedata.normalize("NFD", "Trước ngày 15/6"), 2024, None, D(2024, 6, 15), 2, False),
    ("Trƣớc ngày 15/6", 2024, None, D(2024, 6, 15), 2, False),  # PDF copy: ƣ for ư
    ("TRƢỚC NGÀY 15/6", 2024, None, D(2024, 6, 15), 2, False),
    ("Hoàn thành\ntrước 15/6/2024", 2024, None, D(2024, 6, 15), 2, False),
    ("QUÝ IV/2024", 2023, D(2024, 10, 1), D(2024, 12, 31), 4, False),
    (f"Quý{NBSP}IV/2024", 2023, D(2024, 10, 1), D(2024, 12, 31), 4, False),
    ("quy iv/2024", 2023, D(2024, 10, 1), D(2024, 12, 31), 4, False),
    ("Tháng 6\u20137", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("Tháng 6 \u2014 7", 2024, D(2024, 6, 1), D(2024, 7, 31), 3, False),
    ("Tu ngay 05 thang 7 nam 2019 den 20 thang 7 nam 2019", 2024,
     D(2019, 7, 5), D(2019, 7, 20), 3, False),
    (unicodedata.normalize("NFD", "Từ ngày 05 tháng 7 năm 2019 đến 20 tháng 7 năm 2019"), 2024,
     D(2019, 7, 5), D(2019, 7, 20), 3, False),
    ("6 THÁNG ĐẦU NĂM", 2024, D(2024, 1, 1), D(2024, 6, 30), 2, False),
    ("Thuong xuyen", 2024, None, None, None, True),
    ("THƯỜNG XUYÊN", 2024, None, None, None, True),
    (unicodedata.normalize("NFD", "Hằng năm"), 2024, None, None, None, True),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), SPELLINGS,
                         ids=_ids(SPELLINGS))
def test_spellings_read_the_same(value: str, year: int, start: date | None, due: date | None,
                                 quarter: int | None, recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


def test_conditional_without_diacritics() -> None:
    result = parse_deadline("KHI CO YEU CAU", 2024)
    assert result.conditional and result.problem is None and result.due is None


# --- Excel serials, dates and other cell types ---------------------------------------------

CELLS: list[Case] = [
    (45458, 2020, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    (45458.0, 2020, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    (45458.75, 2020, D(2024, 6, 15), D(2024, 6, 15), 2, False),  # a time of day
    (45292, 2020, D(2024, 1, 1), D(2024, 1, 1), 1, False),
    (datetime(2024, 6, 15, 8, 30), 2020, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    (datetime(2024, 12, 31), 2020, D(2024, 12, 31), D(2024, 12, 31), 4, False),
    (date(2024, 6, 15), 2020, D(2024, 6, 15), D(2024, 6, 15), 2, False),
    (2024, 2020, D(2024, 1, 1), D(2024, 12, 31), 4, False),  # a year typed as a number
    (2024.0, 2020, D(2024, 1, 1), D(2024, 12, 31), 4, False),
    (1900, 2020, D(1900, 1, 1), D(1900, 12, 31), 4, False),
    (2199, 2020, D(2199, 1, 1), D(2199, 12, 31), 4, False),
]


@pytest.mark.parametrize(("value", "year", "start", "due", "quarter", "recurring"), CELLS,
                         ids=_ids(CELLS))
def test_excel_cells(value: object, year: int, start: date, due: date, quarter: int,
                     recurring: bool) -> None:
    _check(value, year, start, due, quarter, recurring)


@pytest.mark.parametrize("value", [0, -1, 0.5, 10**12, float("nan"), float("inf"),
                                   float("-inf"), True, False,
                                   1899, 2200, 2024.5])  # not years, and serials before 1950
def test_bad_numbers_are_unreadable(value: object) -> None:
    result = parse_deadline(value, 2024)
    assert result.due is None and result.problem == "unreadable"


def test_every_serial_of_two_years() -> None:
    for serial in range(44927, 44927 + 731):  # 2023-01-01 .. 2024-12-31
        expected = date(1899, 12, 30) + timedelta(days=serial)
        assert parse_deadline(serial, 2000).due == expected


# --- property tests ------------------------------------------------------------------------------

KEYWORDS = [
    "ngày", "tháng", "năm", "quý", "Quý", "Q", "trước", "chậm nhất", "hoàn thành trước", "từ",
    "đến", "và", "các ngày", "đầu", "giữa", "cuối", "tuần đầu", "tuần cuối", "năm sau",
    "hằng năm", "thường xuyên", "định kỳ", "khi có yêu cầu", "dự kiến", "Tết Nguyên đán",
    "6 tháng đầu năm", "cả năm", "mười", "hai", "lăm", "bảy", "tư", "Giêng", "I", "II", "III",
    "IV", "V", "XII", "2023", "2024", "2025", "1900", "2199", "2200", "31", "29", "15", "12",
    "0", "00", "\u00a0", "\n", "\u2013", "sau", "kể từ", "Tết Trung thu", "âm lịch", "Ất Tỵ",
    "tuần", "đợt", "giờ", "16h30", "số 21/KH-UBND",
]
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợ" \
             "úùủũụứừửữựýỳỷỹỵAĂÂĐÊÔƠƯƣ"
PHRASE = st.lists(
    st.one_of(st.sampled_from(list(VIETNAMESE + "0123456789/-., ()")), st.sampled_from(KEYWORDS)),
    max_size=20,
).map("".join)
PLAN_YEAR = st.integers(1990, 2100)


def _assert_consistent(result: Deadline) -> None:
    if result.due is None:
        assert result.quarter is None
        # only an open-ended phrase ("sau ngày 15/6") has a start and no due date
        assert result.start is None or result.problem is None
    else:
        assert result.quarter == (result.due.month - 1) // 3 + 1
        assert result.problem is None
        if result.start is not None:
            assert result.start <= result.due
    if result.problem is not None:
        assert result.due is None and not result.conditional


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), PLAN_YEAR)
def test_never_raises_on_any_text(value: str, year: int) -> None:
    _assert_consistent(parse_deadline(value, year))


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(PHRASE, PLAN_YEAR)
def test_never_raises_on_vietnamese_phrases(value: str, year: int) -> None:
    _assert_consistent(parse_deadline(value, year))


@settings(max_examples=300)
@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                 st.integers(-(10**30), 10**30)), PLAN_YEAR)
def test_never_raises_on_numbers(value: float, year: int) -> None:
    result = parse_deadline(value, year)
    _assert_consistent(result)
    if isinstance(value, int) and 1900 <= value <= 2199:
        assert (result.start, result.due) == (date(value, 1, 1), date(value, 12, 31))
    elif isinstance(value, int) and 1 <= value <= 2958465 and result.due is not None:
        assert result.due == date(1899, 12, 30) + timedelta(days=value)
    if isinstance(value, float) and not math.isfinite(value):
        assert result.problem == "unreadable"


@settings(max_examples=300)
@given(st.one_of(st.none(), st.booleans(), st.dates(), st.datetimes(),
                 st.lists(st.integers()), st.decimals(allow_nan=False)), PLAN_YEAR)
def test_never_raises_on_other_cells(value: object, year: int) -> None:
    _assert_consistent(parse_deadline(value, year))


Format = Callable[[date], str]
EXPLICIT_YEAR_FORMATS: dict[str, Format] = {
    "d/m/yyyy": lambda d: f"{d.day}/{d.month}/{d.year}",
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "d-m-yyyy": lambda d: f"{d.day}-{d.month}-{d.year}",
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "ngày d tháng m năm yyyy": lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
    "ngày dd tháng mm năm yyyy": lambda d: f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}",
    "hoàn thành trước dd/mm/yyyy": lambda d: f"hoàn thành trước {d.day:02d}/{d.month:02d}/{d.year}",
    "chậm nhất ngày d/m/yyyy": lambda d: f"chậm nhất ngày {d.day}/{d.month}/{d.year}",
    "upper": lambda d: f"NGÀY {d.day} THÁNG {d.month} NĂM {d.year}",
    "no diacritics": lambda d: f"ngay {d.day} thang {d.month} nam {d.year}",
    "upper no diacritics": lambda d: f"HOAN THANH TRUOC {d.day:02d}/{d.month:02d}/{d.year}",
    "NFD": lambda d: unicodedata.normalize("NFD", f"ngày {d.day} tháng {d.month} năm {d.year}"),
}
PLAN_YEAR_FORMATS: dict[str, Format] = {
    "Trước ngày d/m": lambda d: f"Trước ngày {d.day}/{d.month}",
    "trước dd/mm": lambda d: f"trước {d.day:02d}/{d.month:02d}",
    "TRƯỚC NGÀY d/m": lambda d: f"TRƯỚC NGÀY {d.day}/{d.month}",
    "Truoc ngay d/m": lambda d: f"Truoc ngay {d.day}/{d.month}",
    "ngày d tháng m": lambda d: f"ngày {d.day} tháng {d.month}",
    "dd/mm": lambda d: f"{d.day:02d}/{d.month:02d}",
}


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", [2023, 2024])
@pytest.mark.parametrize("name", list(EXPLICIT_YEAR_FORMATS))
def test_every_day_with_its_year(name: str, year: int) -> None:
    days = _days(year)
    assert len(days) == (366 if year == 2024 else 365)
    fmt = EXPLICIT_YEAR_FORMATS[name]
    for day in days:
        text = fmt(day)
        result = parse_deadline(text, 2000)  # the written year wins over the plan year
        assert (result.due, result.quarter) == (day, (day.month - 1) // 3 + 1), text


@pytest.mark.parametrize("year", [2023, 2024])
@pytest.mark.parametrize("name", list(PLAN_YEAR_FORMATS))
def test_every_day_in_the_plan_year(name: str, year: int) -> None:
    fmt = PLAN_YEAR_FORMATS[name]
    for day in _days(year):
        text = fmt(day)
        result = parse_deadline(text, year)
        assert result.due == day, text
        assert result.problem is None, text


@pytest.mark.parametrize("name", ["Trước ngày d/m", "ngày d tháng m", "dd/mm"])
def test_29_february_outside_a_leap_year_is_impossible(name: str) -> None:
    result = parse_deadline(PLAN_YEAR_FORMATS[name](date(2024, 2, 29)), 2023)
    assert result.due is None and result.problem == "impossible-date"


@settings(max_examples=300)
@given(st.dates(date(1950, 1, 1), date(2150, 12, 31)), PLAN_YEAR,
       st.sampled_from(sorted(EXPLICIT_YEAR_FORMATS)))
def test_any_day_reads_back(day: date, year: int, name: str) -> None:
    assert parse_deadline(EXPLICIT_YEAR_FORMATS[name](day), year).due == day


@settings(max_examples=300)
@given(st.dates(date(1950, 1, 1), date(2150, 12, 31)),
       st.sampled_from(sorted(PLAN_YEAR_FORMATS)))
def test_any_day_reads_back_in_its_plan_year(day: date, name: str) -> None:
    assert parse_deadline(PLAN_YEAR_FORMATS[name](day), day.year).due == day


MONTH_WORDS = ["Giêng", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười",
               "mười một", "mười hai"]


@settings(max_examples=200)
@given(st.integers(1, 12), st.integers(1990, 2100), PLAN_YEAR,
       st.sampled_from(["tháng {m}", "Tháng {m}/{y}", "tháng {m} năm {y}", "trong tháng {w}",
                        "tháng {w} năm {y}", "THANG {m} NAM {y}"]))
def test_any_month_reads_back(month: int, written_year: int, plan_year: int, fmt: str) -> None:
    text = fmt.format(m=month, y=written_year, w=MONTH_WORDS[month - 1])
    year = written_year if "{y}" in fmt else plan_year
    result = parse_deadline(text, plan_year)
    assert result.start == date(year, month, 1), text
    assert result.due is not None and result.due.month == month and result.due.year == year
    assert (result.due + timedelta(days=1)).day == 1, text  # the last day of the month


@settings(max_examples=200)
@given(st.integers(1, 4), st.integers(1990, 2100), PLAN_YEAR,
       st.sampled_from(["Quý {q}", "Quý {r}", "quý {r}/{y}", "Q{q}/{y}", "quý {q} năm {y}"]))
def test_any_quarter_reads_back(quarter: int, written_year: int, plan_year: int,
                                fmt: str) -> None:
    text = fmt.format(q=quarter, r=["I", "II", "III", "IV"][quarter - 1], y=written_year)
    year = written_year if "{y}" in fmt else plan_year
    result = parse_deadline(text, plan_year)
    assert result.quarter == quarter, text
    assert result.start == date(year, 3 * quarter - 2, 1), text
    assert result.due is not None and result.due.year == year


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*KEYWORDS, "15/6", "30/4", "6/2024", "16-22/3", "/", ",",
                                 " ", "-", "(", ")"]),
                min_size=1, max_size=8).map(" ".join), PLAN_YEAR)
def test_quarter_of_due_and_start_before_due(value: str, year: int) -> None:
    result = parse_deadline(value, year)
    assume(result.due is not None)
    _assert_consistent(result)
