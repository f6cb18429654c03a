"""Tests for ``tdkt_xl.lunar``: the Vietnamese lunar new year (Tết Nguyên đán)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt_xl.lunar import _lunar_new_year, tet_date

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
