"""Tests for ``tdkt_xl.plans.lunar_calendar``: Tết Nguyên đán and lunar <-> solar dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt_xl.plans.lunar_calendar import LunarDate, _lunar_new_year, lunar_to_solar, solar_to_lunar, tet_date

YEARS = st.integers(min_value=1900, max_value=2199)


@pytest.mark.parametrize(
    "expected",
    [
        dt.date(1985, 1, 21),
        dt.date(2000, 2, 5),
        dt.date(2007, 2, 17),
        dt.date(2020, 1, 25),
        dt.date(2021, 2, 12),
        dt.date(2022, 2, 1),
        dt.date(2023, 1, 22),
        dt.date(2024, 2, 10),
        dt.date(2025, 1, 29),
        dt.date(2026, 2, 17),
        dt.date(2027, 2, 6),
        dt.date(2028, 1, 26),
        # The February 2030 new moon is at 16:07 UT: 23:07 on the 2nd in Vietnam (UTC+7) but
        # 00:07 on the 3rd in China (UTC+8), so Vietnam's Tết is a day before China's.
        dt.date(2030, 2, 2),
    ],
    ids=str,
)
def test_known_tet_dates(expected: dt.date) -> None:
    assert tet_date(expected.year) == expected


@pytest.mark.parametrize(
    ("year", "vietnam", "china"),
    [
        (1985, dt.date(1985, 1, 21), dt.date(1985, 2, 20)),  # month 11 starts on another day
        (2007, dt.date(2007, 2, 17), dt.date(2007, 2, 18)),  # new moon at 23:14 in Hà Nội
        (2030, dt.date(2030, 2, 2), dt.date(2030, 2, 3)),
        (2024, dt.date(2024, 2, 10), dt.date(2024, 2, 10)),
    ],
)
def test_time_zone_makes_the_difference(year: int, vietnam: dt.date, china: dt.date) -> None:
    assert _lunar_new_year(year, 7.0) == tet_date(year) == vietnam
    assert _lunar_new_year(year, 8.0) == china


@pytest.mark.parametrize("year", [1900, 2199])
def test_range_ends_are_valid(year: int) -> None:
    assert tet_date(year).year == year


@pytest.mark.parametrize("year", [1899, 2200, 0, -5, 10_000])
def test_out_of_range_years(year: int) -> None:
    with pytest.raises(ValueError, match="1900"):
        tet_date(year)


def test_every_year_falls_between_21_january_and_20_february() -> None:
    for year in range(1900, 2200):
        assert dt.date(year, 1, 21) <= tet_date(year) <= dt.date(year, 2, 20), year


@given(YEARS)
def test_tet_window_property(year: int) -> None:
    tet = tet_date(year)
    assert tet.year == year
    assert dt.date(year, 1, 21) <= tet <= dt.date(year, 2, 20)


@given(st.integers(min_value=1900, max_value=2198))
def test_lunar_years_have_12_or_13_months(year: int) -> None:
    days = (tet_date(year + 1) - tet_date(year)).days
    assert days in {353, 354, 355} or days in {383, 384, 385}


# --- lunar <-> solar ---------------------------------------------------------------------

KNOWN_LUNAR_DAYS = [
    # (lunar year, month, day, leap, solar date)
    (2024, 3, 10, False, dt.date(2024, 4, 18)),  # Giỗ Tổ Hùng Vương
    (2025, 3, 10, False, dt.date(2025, 4, 7)),
    (2024, 8, 15, False, dt.date(2024, 9, 17)),  # Tết Trung thu
    (2023, 8, 15, False, dt.date(2023, 9, 29)),
    (2025, 8, 15, False, dt.date(2025, 10, 6)),
    (2025, 1, 1, False, dt.date(2025, 1, 29)),  # Tết Ất Tỵ
    (2024, 12, 23, False, dt.date(2025, 1, 22)),  # ông Công ông Táo: month 12 ends in January
    (2024, 12, 29, False, dt.date(2025, 1, 28)),  # month 12 of Giáp Thìn has 29 days
    (2023, 2, 1, False, dt.date(2023, 2, 20)),  # 2023 has a leap second month
    (2023, 2, 1, True, dt.date(2023, 3, 22)),
    (2023, 3, 1, False, dt.date(2023, 4, 20)),  # the month after the leap month
    (2020, 4, 1, True, dt.date(2020, 5, 23)),  # leap fourth month
    (2025, 6, 1, False, dt.date(2025, 6, 25)),
    (2025, 6, 1, True, dt.date(2025, 7, 25)),  # leap sixth month
]


@pytest.mark.parametrize(("year", "month", "day", "leap", "solar"), KNOWN_LUNAR_DAYS,
                         ids=[f"{d}/{m}{'n' if leap else ''}/{y}" for y, m, d, leap, _ in KNOWN_LUNAR_DAYS])
def test_known_lunar_days(year: int, month: int, day: int, leap: bool, solar: dt.date) -> None:
    assert lunar_to_solar(year, month, day, leap) == solar
    assert solar_to_lunar(solar) == LunarDate(year, month, day, leap)


@pytest.mark.parametrize(
    ("year", "month", "day", "leap", "message"),
    [
        (2024, 12, 30, False, "no day 30"),  # no "30 Tết" in 2025
        (2024, 2, 1, True, "no leap month 2"),  # 2024 has no leap month
        (2023, 3, 1, True, "no leap month 3"),  # 2023's leap month is the second
        (2024, 13, 1, False, "no lunar day"),
        (2024, 1, 0, False, "no lunar day"),
        (2024, 1, 31, False, "no lunar day"),
        (1899, 1, 1, False, "1900"),
        (2200, 1, 1, False, "1900"),
    ],
)
def test_days_the_lunar_calendar_does_not_have(year: int, month: int, day: int, leap: bool,
                                               message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lunar_to_solar(year, month, day, leap)


def test_first_day_of_month_one_is_tet() -> None:
    for year in range(1900, 2200):
        assert lunar_to_solar(year, 1, 1) == tet_date(year), year


def test_new_moon_a_day_after_the_mean_month() -> None:
    # the mean synodic month puts the new moon of May 2054 a day late: not "day 0"
    assert solar_to_lunar(dt.date(2054, 5, 7)) == LunarDate(2054, 3, 30)


@given(st.dates(min_value=dt.date(1900, 1, 31), max_value=dt.date(2199, 12, 31)))
def test_solar_lunar_round_trip(day: dt.date) -> None:
    lunar = solar_to_lunar(day)
    assert 1 <= lunar.day <= 30 and 1 <= lunar.month <= 12
    assert lunar_to_solar(*lunar) == day
    if day > dt.date(1900, 1, 31):
        before = solar_to_lunar(day - dt.timedelta(days=1))
        assert lunar.day == 1 or (before.year, before.month, before.leap, before.day + 1) == \
            (lunar.year, lunar.month, lunar.leap, lunar.day)
