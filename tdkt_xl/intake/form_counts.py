"""A report's "Số liệu" counts kept compactly: :class:`FormCounts`.

A report gives a count for each year of each form: a hundred forms over ten years are a thousand
counts. Kept as a dict of dicts, each report held some 25 KB, and a consolidation holds ten
thousand reports until the master is written. :class:`FormCounts` reads the same (a mapping of
form -> {year: count}) but keeps the counts in one array of the smallest integer type they fit
in, against a layout (which years of which forms, in order) that every report of the same shape
shares: about one byte a count.
"""

from __future__ import annotations

import array
import itertools
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter

# the smallest array type a report's counts fit in (by their lowest and highest count)
_TYPECODES = (("b", -(1 << 7), (1 << 7) - 1), ("h", -(1 << 15), (1 << 15) - 1),
              ("i", -(1 << 31), (1 << 31) - 1), ("q", -(1 << 63), (1 << 63) - 1))


class CountsLayout:
    """Which years of which forms a report's counts are, in order: shared by every report of the
    same shape (see :meth:`of`)."""

    __slots__ = ("__weakref__", "_slices", "forms", "index", "starts", "years")

    def __init__(self, forms: tuple[str, ...], years: tuple[tuple[int, ...], ...]) -> None:
        self.forms, self.years = forms, years
        self.index = {name: position for position, name in enumerate(forms)}
        self.starts = (0, *itertools.accumulate(map(len, years)))  # where each form's counts start
        self._slices: tuple[tuple[str, ...], tuple[slice, ...]] | None = None  # the last asked for

    @classmethod
    def of(cls, forms: tuple[str, ...], years: tuple[tuple[int, ...], ...]) -> CountsLayout:
        """The layout of these forms and years, the same object for every report that has it."""
        key = (forms, years)
        found = _LAYOUTS.get(key)
        if found is None:
            # one tuple of years for all the forms that have the same years
            same: dict[tuple[int, ...], tuple[int, ...]] = {}
            found = cls(forms, tuple(same.setdefault(each, each) for each in years))
            _LAYOUTS[key] = found
        return found

    @property
    def size(self) -> int:
        return self.starts[-1]

    def slices(self, forms: Sequence[str]) -> tuple[slice, ...]:
        """Where each of ``forms``' counts are (an empty slice for a form not here); the last forms
        asked for kept (a master asks the same for thousands of reports)."""
        key, kept = tuple(forms), self._slices
        if kept is not None and kept[0] == key:
            return kept[1]
        starts, index, nothing = self.starts, self.index, slice(0, 0)
        found = tuple(nothing if (at := index.get(form)) is None else slice(starts[at], starts[at + 1])
                      for form in key)
        self._slices = (key, found)
        return found


# every layout in use, by its forms and years (a layout no report holds any more is let go)
_LAYOUTS: weakref.WeakValueDictionary[tuple[tuple[str, ...], tuple[tuple[int, ...], ...]], CountsLayout] = (
    weakref.WeakValueDictionary())


def compact_ints(values: Sequence[int]) -> array.array[int] | tuple[int, ...]:
    """Whole numbers in the smallest array type they fit in (a tuple when one is past 64 bits).

    >>> compact_ints([1, -2]).typecode, compact_ints([1, 300]).typecode, compact_ints([2**70])
    ('b', 'h', (1180591620717411303424,))
    """
    if not values:
        return array.array("b")
    low, high = min(values), max(values)
    for code, least, most in _TYPECODES:
        if least <= low and high <= most:
            return array.array(code, values)
    return tuple(values)


_PLAIN = TypeAdapter(dict[str, dict[int, int]])


class FormCounts(Mapping[str, dict[int, int]]):
    """A report's counts: form -> {year: count}, read as a mapping (each form's counts a new dict).

    >>> counts = FormCounts.of({"X": {2023: 2, 2024: 1}, "Y": {2024: 300}})
    >>> counts["Y"], list(counts), counts == {"X": {2023: 2, 2024: 1}, "Y": {2024: 300}}
    ({2024: 300}, ['X', 'Y'], True)
    >>> counts.form_sums(["Y", "Z", "X"]), counts.counts.typecode
    ([300, 0, 3], 'h')
    >>> FormCounts.of({"X": {2023: 2}}).layout is FormCounts.of({"X": {2023: 5}}).layout
    True
    """

    __slots__ = ("counts", "layout")

    def __init__(self, layout: CountsLayout, counts: array.array[int] | tuple[int, ...]) -> None:
        self.layout, self.counts = layout, counts  # the counts form by form, year by year

    @classmethod
    def of(cls, stats: Mapping[str, Mapping[int, int]]) -> FormCounts:
        """The counts of ``stats`` (kept as they are when already a :class:`FormCounts`)."""
        if isinstance(stats, FormCounts):
            return stats
        forms = tuple(stats)
        years = tuple(tuple(counts) for counts in stats.values())
        values = [count for counts in stats.values() for count in counts.values()]
        return cls(CountsLayout.of(forms, years), compact_ints(values))

    @classmethod
    def validate(cls, value: Any) -> FormCounts:
        """Pydantic's validation of a report's ``stats``: as a dict of dicts of whole numbers."""
        if isinstance(value, FormCounts):
            return value
        return cls.of(_PLAIN.validate_python(value))

    def plain(self) -> dict[str, dict[int, int]]:
        """The counts as a dict of dicts."""
        return dict(self.items())

    def __getitem__(self, form: str) -> dict[int, int]:
        position = self.layout.index[form]
        start, end = self.layout.starts[position], self.layout.starts[position + 1]
        return dict(zip(self.layout.years[position], self.counts[start:end], strict=True))

    def __iter__(self) -> Iterator[str]:
        return iter(self.layout.forms)

    def __len__(self) -> int:
        return len(self.layout.forms)

    def __contains__(self, form: object) -> bool:
        return form in self.layout.index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FormCounts) and other.layout is self.layout:
            return list(self.counts) == list(other.counts)
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # (a mapping: not hashable)

    def __repr__(self) -> str:
        return repr(self.plain())

    def __reduce__(self) -> tuple[Any, ...]:
        # the layout's forms and years once per pickle; unpickled, the layout is the shared one
        return _restore, (self.layout.forms, self.layout.years, self.counts)

    def form_sums(self, forms: Sequence[str]) -> list[int]:
        """Each of ``forms``' count over all the years (0 for a form not given)."""
        return list(map(sum, map(self.counts.__getitem__, self.layout.slices(forms))))


EMPTY = FormCounts(CountsLayout((), ()), array.array("b"))


def _restore(forms: tuple[str, ...], years: tuple[tuple[int, ...], ...],
             counts: array.array[int] | tuple[int, ...]) -> FormCounts:
    return FormCounts(CountsLayout.of(forms, years), counts)


def summed(all_counts: Iterable[Mapping[str, Mapping[int, int]]], forms: Sequence[str],
           years: Sequence[int]) -> dict[str, dict[int, int]]:
    """Counts per form and year over many reports' counts (only ``forms`` and ``years``; a year a
    report does not give counts 0).

    >>> summed([FormCounts.of({"X": {2023: 2, 2024: 1}, "Y": {2024: 5}}), {"X": {2023: 1}}],
    ...        ["X", "Y"], [2023, 2024])
    {'X': {2023: 3, 2024: 1}, 'Y': {2023: 0, 2024: 5}}
    """
    totals = {name: dict.fromkeys(years, 0) for name in forms}
    # the counts of each layout summed count by count first (thousands of reports share a few),
    # a column of counts at a time (in C: half the time of adding report after report)
    by_layout: dict[int, tuple[CountsLayout, list[array.array[int] | tuple[int, ...]]]] = {}
    for counts in all_counts:
        if not isinstance(counts, FormCounts):
            _add(totals, counts.items())
            continue
        by_layout.setdefault(id(counts.layout), (counts.layout, []))[1].append(counts.counts)
    for layout, each in by_layout.values():
        sums = list(map(sum, zip(*each, strict=True)))
        starts = layout.starts
        _add(totals, ((name, dict(zip(layout.years[position], sums[starts[position]:starts[position + 1]],
                                      strict=True)))
                      for position, name in enumerate(layout.forms)))
    return totals


def _add(totals: dict[str, dict[int, int]], counts: Iterable[tuple[str, Mapping[int, int]]]) -> None:
    """Add counts (form, {year: count}) to ``totals``, those of its forms and years only."""
    for name, by_year in counts:
        row = totals.get(name)
        if row is not None:
            for year, count in by_year.items():
                if year in row:
                    row[year] += count
