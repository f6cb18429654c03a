"""A version's counts as the ledger stores them, and the counts of many versions summed.

A report's counts (each form's count for each year, then each form's sum) are stored packed
(:func:`pack_counts`: little-endian int32 or int64) with the key of their layout
(:func:`stats_layout`: which years of which forms), or as JSON when a count is too big
(:func:`stats_columns`). :class:`StatsTotals` sums them for
:meth:`~tdkt_xl.nightly.ledger.Ledger.stats_totals`.
"""

from __future__ import annotations

import array
import hashlib
import json
import sys
from collections.abc import Mapping
from typing import NamedTuple

from tdkt_xl.intake.form_counts import FormCounts
from tdkt_xl.intake.unit_report import UnitReport

_SUMMED_IN_PYTHON = 400  # versions whose counts are summed without numpy (importing it takes longer)


def _stats_parts(stats: Mapping[str, Mapping[int, int]]) -> tuple[list[int], list[str], list[int], list[int]]:
    if isinstance(stats, FormCounts):  # (the usual: read from its array, no dict made)
        layout = stats.layout
        years = sorted({year for each in layout.years for year in each})
        if all(list(each) == years for each in layout.years):
            return years, list(layout.forms), list(stats.counts), stats.form_sums(layout.forms)
    years = sorted({year for counts in stats.values() for year in counts})
    if all(list(counts) == years for counts in stats.values()):  # the usual: every year, in order
        counts = [count for values in stats.values() for count in values.values()]
    else:
        counts = [values.get(year, 0) for values in stats.values() for year in years]
    return years, list(stats), counts, [sum(values.values()) for values in stats.values()]


def stats_layout(years: list[int], forms: list[str]) -> str:
    """What a version's ``stats_counts`` hold (these years of these forms), as a short key.

    >>> stats_layout([2023, 2024], ["Cờ thi đua"])
    'f06dc824fcfaf4d5fd2a3ef2e16922b6debd8973'
    """
    text = json.dumps([years, forms], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class StatsColumns(NamedTuple):
    """How a report's counts are stored: packed (the usual), or as JSON when a count is too big."""

    text: str | None
    layout: str
    packed: bytes | None
    years: list[int]
    forms: list[str]


def pack_counts(values: list[int]) -> bytes | None:
    """Little-endian int32 when every value fits, else int64, else None.

    >>> [len(pack_counts([1, -2]) or b""), len(pack_counts([2**40]) or b""), pack_counts([2**70])]
    [8, 8, None]
    """
    for code in ("i", "q"):
        try:
            packed = array.array(code, values)
        except OverflowError:
            continue
        if packed.itemsize not in (4, 8):  # pragma: no cover - a platform with other int sizes
            packed = array.array("q", values)
        if sys.byteorder == "big":
            packed.byteswap()
        return packed.tobytes()
    return None


def unpack_counts(blob: bytes, count: int) -> list[int]:
    """The ``count`` values :func:`pack_counts` packed (int32 or int64: the blob's length tells).

    >>> unpack_counts(pack_counts([1, -2, 3]) or b"", 3), unpack_counts(pack_counts([2**40, 0]) or b"", 2)
    ([1, -2, 3], [1099511627776, 0])
    """
    values = array.array("i" if len(blob) == 4 * count else "q")
    values.frombytes(blob)
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def stats_columns(report: UnitReport) -> StatsColumns:
    """The values of the columns stats, stats_layout and stats_counts for a report: the counts form
    by form (a year the report does not give is 0), then each form's sum over the years.

    >>> columns = stats_columns(UnitReport(file="a", unit_code="A", stats={"X": {2023: 2}, "Y": {2024: 1}}))
    >>> columns.text, columns.layout == stats_layout([2023, 2024], ["X", "Y"]), len(columns.packed)
    (None, True, 24)
    >>> stats_columns(UnitReport(file="a", unit_code="A", stats={"X": {2023: 2**70}})).text
    '{"y":[2023],"f":["X"],"c":[1180591620717411303424],"s":[1180591620717411303424]}'
    """
    years, forms, counts, sums = _stats_parts(report.stats)
    layout = stats_layout(years, forms)
    packed = pack_counts(counts + sums)
    if packed is not None:
        return StatsColumns(None, layout, packed, years, forms)
    text = json.dumps({"y": years, "f": forms, "c": counts, "s": sums}, ensure_ascii=False,
                      separators=(",", ":"))
    return StatsColumns(text, layout, None, years, forms)


class StatsTotals:
    """The counts of many versions summed: per form and year over all of them (:meth:`totals`),
    and per version the sum over the years of each form (:attr:`per_version`). Counts of forms or
    years not given are left out; a year a report does not give counts 0.

    >>> summed = StatsTotals(["X", "Y"], [2023, 2024])
    >>> summed.add_packed([7], [pack_counts([1, 2, 3, 4, 3, 7]) or b""], "<i4")
    []
    >>> summed.add_decoded(8, [2024], ["Y", "Z"], [5, 9], [5, 9])
    >>> summed.totals(), summed.per_version
    ({'X': {2023: 1, 2024: 2}, 'Y': {2023: 3, 2024: 9}}, {7: {'X': 3, 'Y': 7}, 8: {'Y': 5, 'Z': 9}})
    """

    def __init__(self, forms: list[str], years: list[int], *, sums: bool = True) -> None:
        self.forms, self.years = forms, years
        self.sums = sums  # whether :attr:`per_version` is made (the totals alone: not)
        self.position = {year: index for index, year in enumerate(years)}
        self.row_of = {name: index for index, name in enumerate(forms)}
        self.width = len(years)
        self.flat = [0] * (len(forms) * self.width)  # form by form, like the stored counts
        self.per_version: dict[int, dict[str, int]] = {}
        self.usual = stats_layout(years, forms)  # the layout packed counts are summed as they are
        self.size = len(self.flat)
        self.stored = self.size + len(forms)  # the counts, then each form's sum
        # the numpy type of packed counts of the usual layout, by their length
        self.dtypes = {4 * self.stored: "<i4", 8 * self.stored: "<i8"}

    def add_packed(self, ids: list[int], blobs: list[bytes], dtype: str) -> list[int]:
        """Add the packed counts (of the usual layout, all of numpy type ``dtype``) of these
        versions; returns those left to be added exactly (:meth:`add_decoded`)."""
        if not blobs:
            return []
        size, stored, forms = self.size, self.stored, self.forms
        if len(blobs) <= _SUMMED_IN_PYTHON:  # a few (the nightly's changes): numpy not imported
            unpacked = [unpack_counts(blob, stored) for blob in blobs]
            self.flat = list(map(sum, zip(self.flat, *(values[:size] for values in unpacked), strict=True)))
            if self.sums:
                for version_id, values in zip(ids, unpacked, strict=True):
                    self.per_version[version_id] = dict(zip(forms, values[size:], strict=True))
            return []
        import numpy as np  # the usual reports: one array, summed by numpy (pandas brings it)

        table = np.frombuffer(b"".join(blobs), dtype=dtype).reshape(len(blobs), stored)
        if dtype == "<i8" and max(int(table.max()), -int(table.min())) > 1 << 40:
            return ids  # an int64 sum over millions of rows could overflow: exactly
        self.flat = [a + b for a, b in zip(self.flat, table[:, :size].sum(axis=0, dtype=np.int64).tolist(),
                                           strict=True)]
        if self.sums:
            for version_id, sums in zip(ids, table[:, size:].tolist(), strict=True):
                self.per_version[version_id] = dict(zip(forms, sums, strict=True))
        return []

    def add_decoded(self, version_id: int, their_years: list[int], names: list[str], counts: list[int],
                    sums: list[int]) -> None:
        """Add one version's counts of another layout (other forms or years): by name and year."""
        if self.sums:
            self.per_version[version_id] = dict(zip(names, sums, strict=True))
        their = len(their_years)
        at = [self.position.get(year) for year in their_years]
        for form_index, name in enumerate(names):
            row = self.row_of.get(name)
            if row is None:
                continue
            for year_index, column in enumerate(at):
                if column is not None:
                    self.flat[row * self.width + column] += counts[form_index * their + year_index]

    def totals(self) -> dict[str, dict[int, int]]:
        """Each form's counts by year, over every version added."""
        width = self.width
        return {name: dict(zip(self.years, self.flat[row * width:(row + 1) * width], strict=True))
                for name, row in self.row_of.items()}
