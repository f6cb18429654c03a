"""Vietnamese lunar calendar: Tết Nguyên đán and lunar <-> solar dates.

The Vietnamese lunar calendar follows the same rules as the Chinese one but is
computed for the UTC+7 meridian, so a new moon close to midnight can fall on a
different civil day (Tết 1985 and 2007 differ from the Chinese new year).

This is Hồ Ngọc Đức's astronomical algorithm: new moons from Meeus' formulae,
the sun's longitude for the solstice and the leap-month rule (the first month
without a major solar term after the winter solstice is the leap month).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final, NamedTuple

from tdkt_xl.errors import InvalidValue

__all__ = ["LunarDate", "lunar_to_solar", "solar_to_lunar", "tet_date"]

VIETNAM_TIME_ZONE: Final = 7.0
"""Hours east of Greenwich used by the Vietnamese calendar."""

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2199

_SYNODIC_MONTH: Final = 29.530588853
_JDN_OFFSET: Final = 1_721_425  # Julian day number of date.fromordinal(0)
_NEW_MOON_EPOCH: Final = 2_415_021.076998695  # Julian day of new moon k = 0 (1900-01-01)
_DEG: Final = math.pi / 180


def _jdn(day: dt.date) -> int:
    """Julian day number (noon-based) of a Gregorian date."""
    return day.toordinal() + _JDN_OFFSET


def _date_from_jdn(jdn: int) -> dt.date:
    return dt.date.fromordinal(jdn - _JDN_OFFSET)


def _new_moon(k: int) -> float:
    """Julian day (TT corrected to UT) of the k-th new moon after 1900-01-01."""
    t = k / 1236.85
    t2 = t * t
    t3 = t2 * t
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _DEG)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3  # sun's anomaly
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3  # moon's anomaly
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3  # moon's argument
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * _DEG) + 0.0021 * math.sin(2 * _DEG * m)
    c1 = c1 - 0.4068 * math.sin(mpr * _DEG) + 0.0161 * math.sin(_DEG * 2 * mpr)
    c1 = c1 - 0.0004 * math.sin(_DEG * 3 * mpr)
    c1 = c1 + 0.0104 * math.sin(_DEG * 2 * f) - 0.0051 * math.sin(_DEG * (m + mpr))
    c1 = c1 - 0.0074 * math.sin(_DEG * (m - mpr)) + 0.0004 * math.sin(_DEG * (2 * f + m))
    c1 = c1 - 0.0004 * math.sin(_DEG * (2 * f - m)) - 0.0006 * math.sin(_DEG * (2 * f + mpr))
    c1 = c1 + 0.0010 * math.sin(_DEG * (2 * f - mpr)) + 0.0005 * math.sin(_DEG * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


def _new_moon_day(k: int, time_zone: float) -> int:
    """Julian day number of the civil day (in ``time_zone``) holding new moon ``k``."""
    return math.floor(_new_moon(k) + 0.5 + time_zone / 24)


def _sun_longitude(jd: float) -> float:
    """Apparent sun longitude in radians, normalised to [0, 2π)."""
    t = (jd - 2451545.0) / 36525
    t2 = t * t
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(_DEG * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(_DEG * 2 * m) + 0.000290 * math.sin(_DEG * 3 * m)
    longitude = (l0 + dl) * _DEG
    return longitude - 2 * math.pi * math.floor(longitude / (2 * math.pi))


def _sun_sector(day_number: int, time_zone: float) -> int:
    """Major solar term sector (0–11) at the start of a civil day: 30° per sector."""
    return math.floor(_sun_longitude(day_number - 0.5 - time_zone / 24) / math.pi * 6)


def _lunar_month_11(year: int, time_zone: float) -> int:
    """Julian day number of the first day of lunar month 11 (holding the winter solstice)."""
    offset = _jdn(dt.date(year, 12, 31)) - 2415021
    k = math.floor(offset / _SYNODIC_MONTH)
    start = _new_moon_day(k, time_zone)
    if _sun_sector(start, time_zone) >= 9:  # already past the solstice: take the previous moon
        start = _new_moon_day(k - 1, time_zone)
    return start


def _leap_month_offset(month_11: int, time_zone: float) -> int:
    """Months after month 11 to the leap month: the first month with no new solar term."""
    k = math.floor((month_11 - _NEW_MOON_EPOCH) / _SYNODIC_MONTH + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i, time_zone), time_zone)
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i, time_zone), time_zone)
        if arc == last or i >= 14:
            return i - 1


def _lunar_new_year(year: int, time_zone: float) -> dt.date:
    """First day of lunar month 1 in Gregorian ``year`` for a calendar kept at ``time_zone``."""
    month_11 = _lunar_month_11(year - 1, time_zone)
    next_month_11 = _lunar_month_11(year, time_zone)
    k = math.floor(0.5 + (month_11 - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)
    offset = 2  # month 11 -> month 12 -> month 1
    if next_month_11 - month_11 > 365 and _leap_month_offset(month_11, time_zone) <= offset:
        offset += 1  # a leap month 11 or 12 comes before the new year
    return _date_from_jdn(_new_moon_day(k + offset, time_zone))


def tet_date(year: int) -> dt.date:
    """Return the first day of the Vietnamese lunar new year in Gregorian ``year``.

    Computed astronomically for UTC+7; valid for 1900–2199.

    >>> tet_date(2024)
    datetime.date(2024, 2, 10)
    >>> tet_date(2007)  # the Chinese new year was on 18 February
    datetime.date(2007, 2, 17)
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidValue(f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}")
    return _lunar_new_year(year, VIETNAM_TIME_ZONE)


class LunarDate(NamedTuple):
    """A day of the Vietnamese lunar calendar; ``leap`` marks a day of the leap month."""

    year: int
    month: int
    day: int
    leap: bool = False


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidValue(f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}")


def _months_from(month_11: int) -> int:
    """Index k of the new moon that starts the lunar month 11 beginning on ``month_11``."""
    return math.floor(0.5 + (month_11 - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """The Gregorian date of lunar ``day``/``month`` of lunar ``year`` (Vietnam, UTC+7).

    Lunar year ``year`` is the one whose Tết falls in Gregorian ``year``; its months 11
    and 12 fall at the end of that Gregorian year or early in the next. ``leap`` asks
    for the leap month of that number; a day the calendar does not have raises ValueError.

    >>> lunar_to_solar(2024, 3, 10)  # Giỗ Tổ Hùng Vương
    datetime.date(2024, 4, 18)
    >>> lunar_to_solar(2023, 2, 1, leap=True)  # 2023 had a leap second month
    datetime.date(2023, 3, 22)
    """
    _check_year(year)
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise InvalidValue(f"no lunar day {day}/{month}")
    tz = VIETNAM_TIME_ZONE
    first, last = (year - 1, year) if month < 11 else (year, year + 1)
    month_11, next_month_11 = _lunar_month_11(first, tz), _lunar_month_11(last, tz)
    offset = (month - 11) % 12
    leap_offset = _leap_month_offset(month_11, tz) if next_month_11 - month_11 > 365 else None
    if leap and (leap_offset is None or (leap_offset - 2) % 12 != month % 12):
        raise InvalidValue(f"lunar year {year} has no leap month {month}")
    if leap_offset is not None and (leap or offset >= leap_offset):
        offset += 1
    k = _months_from(month_11)
    start = _new_moon_day(k + offset, tz)
    if day > _new_moon_day(k + offset + 1, tz) - start:
        raise InvalidValue(f"lunar month {month}/{year} has no day {day}")
    return _date_from_jdn(start + day - 1)


def solar_to_lunar(day: dt.date) -> LunarDate:
    """The Vietnamese lunar date of a Gregorian day.

    >>> solar_to_lunar(dt.date(2024, 9, 17))  # Tết Trung thu
    LunarDate(year=2024, month=8, day=15, leap=False)
    """
    _check_year(day.year)
    tz = VIETNAM_TIME_ZONE
    number = _jdn(day)
    k = math.floor((number - _NEW_MOON_EPOCH) / _SYNODIC_MONTH) + 1
    while (month_start := _new_moon_day(k, tz)) > number:  # the mean month can be a day off
        k -= 1
    month_11 = _lunar_month_11(day.year, tz)
    if month_11 >= month_start:
        year, month_11, next_month_11 = day.year, _lunar_month_11(day.year - 1, tz), month_11
    else:
        year, next_month_11 = day.year + 1, _lunar_month_11(day.year + 1, tz)
    diff = math.floor((month_start - month_11) / 29)
    month, leap = diff + 11, False
    if next_month_11 - month_11 > 365:
        leap_offset = _leap_month_offset(month_11, tz)
        if diff >= leap_offset:
            month, leap = diff + 10, diff == leap_offset
    if month > 12:
        month -= 12
    if month >= 11 and diff < 4:
        year -= 1
    return LunarDate(year, month, number - month_start + 1, leap)
