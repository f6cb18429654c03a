"""What checking a unit report needs from the plan, worked out once per plan (not once per
file): :class:`PlanIndex` (its units, each unit's tasks, its forms and years, the layouts of
the "Số liệu" sheet seen), and the forms and years the reports count (:func:`plan_forms`,
:func:`plan_years`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import ClassVar

from tdkt_xl.intake.form_counts import CountsLayout
from tdkt_xl.plans.commendation_forms import DEFAULT_FORMS
from tdkt_xl.plans.models import CommendationForm, Plan
from tdkt_xl.plans.text import fold, fold_words
from tdkt_xl.plans.units import Unit
from tdkt_xl.reports.layout import ROLE_LEAD, ROLE_PARTNER, header_key, plan_id


@dataclass(frozen=True)
class StatsLayout:
    """Which rows below the "Số liệu" header hold which form (offsets below the header)."""

    forms: list[tuple[int, str]]  # (offset below the header, form name)
    unknown: list[int]  # offsets of rows whose label is not a form of the plan
    missing: list[str]  # forms of the plan with no row
    repeated: list[tuple[int, str, int]]  # (offset, form name, offset of its first row)
    # the layout of the counts read from these rows, by the years read (see counts_layout)
    _counts: dict[tuple[int, ...], CountsLayout] = field(default_factory=dict, repr=False, compare=False)

    def counts_layout(self, years: tuple[int, ...]) -> CountsLayout:
        """The :class:`~tdkt_xl.intake.form_counts.CountsLayout` of the counts of :attr:`forms`, each
        over ``years``, in order (worked out once: every report made from the template has it)."""
        found = self._counts.get(years)
        if found is None:
            found = CountsLayout.of(tuple(name for _offset, name in self.forms), (years,) * len(self.forms))
            self._counts[years] = found
        return found


class PlanIndex:
    """What checking a report needs from the plan, computed once per plan (not once per file)."""

    _cache: ClassVar[dict[int, tuple[Plan, PlanIndex]]] = {}

    def __init__(self, plan: Plan, identity: str | None = None) -> None:
        self.units = {u.code: u for u in plan.units or []}
        self.plan_id = identity or plan_id(plan)
        self.assigned: dict[str, dict[str, str]] = {}
        for task in plan.tasks:
            for ref in task.partners:
                if ref.code:
                    self.assigned.setdefault(ref.code, {})[task.code] = ROLE_PARTNER
            for ref in task.lead:  # lead wins when a unit is both
                if ref.code:
                    self.assigned.setdefault(ref.code, {})[task.code] = ROLE_LEAD
        forms = plan_forms(plan)
        self.forms = {header_key(f.name): f.name for f in forms}
        self.levels = {header_key(f.level) for f in forms}
        self.task_contents = {task.code: fold_words(task.content) for task in plan.tasks}
        self.years = plan_years(plan)
        self.stats_layouts: dict[tuple[object, ...], StatsLayout] = {}

    # Units by their code or name folded: only for a code not typed as the plan has it (worked out
    # at the first such report: most runs have none, and a plan has thousands of units)
    @functools.cached_property
    def folded_units(self) -> dict[str, Unit]:
        return {fold(code): unit for code, unit in self.units.items()}

    @functools.cached_property
    def units_by_name(self) -> dict[str, Unit]:
        names: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            names.setdefault(fold(unit.name), []).append(unit)
        return {name: found[0] for name, found in names.items() if len(found) == 1 and name}

    def stats_layout(self, labels: tuple[object, ...]) -> StatsLayout:
        """Which rows below the "Số liệu" header hold which form, for one column of labels (cached:
        every report made from the template has the same)."""
        layout = self.stats_layouts.get(labels)
        if layout is None:
            forms: list[tuple[int, str]] = []
            unknown: list[int] = []
            repeated: list[tuple[int, str, int]] = []
            first: dict[str, int] = {}
            for offset, label in enumerate(labels):
                key = header_key(label)
                if not key or key in self.levels:
                    continue
                name = self.forms.get(key)
                if name is None:
                    unknown.append(offset)
                elif name in first:
                    repeated.append((offset, name, first[name]))
                else:
                    first[name] = offset
                    forms.append((offset, name))
            layout = StatsLayout(forms, unknown, [n for n in self.forms.values() if n not in first],
                                 repeated)
            if len(self.stats_layouts) >= 64:
                self.stats_layouts.clear()
            self.stats_layouts[labels] = layout
        return layout

    @classmethod
    def of(cls, plan: Plan, identity: str | None = None) -> PlanIndex:
        """The index of ``plan`` (made at the first call for this plan object, then kept)."""
        cached = cls._cache.get(id(plan))
        if cached is not None and cached[0] is plan:
            return cached[1]
        index = cls(plan, identity)
        if len(cls._cache) >= 4:
            cls._cache.clear()
        cls._cache[id(plan)] = (plan, index)  # keeps the plan alive, so its id stays its own
        return index


def index_plan(plan: Plan, identity: str | None = None) -> str:
    """Work out now what checking reports against ``plan`` needs (done once per plan anyway;
    processes forked afterwards inherit it); returns the plan's id (``identity``: the
    :func:`~tdkt_xl.reports.layout.plan_id` the caller already has)."""
    return PlanIndex.of(plan, identity).plan_id


def plan_forms(plan: Plan) -> list[CommendationForm]:
    """The forms of commendation the plan's reports count."""
    return list(plan.forms or DEFAULT_FORMS)


def plan_years(plan: Plan) -> list[int]:
    """The years the reports give numbers for (Cấu hình, default 2014–2023)."""
    return list(range(plan.config.stats_from, plan.config.stats_to + 1))
