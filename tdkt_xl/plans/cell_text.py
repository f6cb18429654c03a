"""Plan cells as text: legacy-encoded (TCVN3, VNI) text read once, and values as messages quote them."""

from __future__ import annotations

import functools
from datetime import date, datetime

from tdkt_xl.plans.legacy_encodings import LegacyReading, detect_legacy
from tdkt_xl.plans.text import clean

# Plans repeat the same unit names and phrases on many rows: read each text once.
detect_legacy_cached = functools.lru_cache(maxsize=16384)(detect_legacy)


def reads_differently(value: str, reading: LegacyReading) -> bool:
    """Whether a legacy reading changes the text ("Quý I" in a .VnTime cell reads the same)."""
    return clean(reading.unicode_text) != clean(value)


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, "…" last, to quote it in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def value_text(value: object) -> str:
    """A cell value as a message quotes it: dates as dd/mm/yyyy, 3.0 as "3"."""
    if isinstance(value, datetime):
        return vn_date(value.date())
    if isinstance(value, date):
        return vn_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def vn_date(day: date) -> str:
    """A day as Vietnamese staff write it: dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")
