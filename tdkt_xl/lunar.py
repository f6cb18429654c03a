"""Vietnamese lunar new year (Tết Nguyên đán).

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
from typing import Final

__all__ = ["tet_date"]

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
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}")
    return _lunar_new_year(year, VIETNAM_TIME_ZONE)
