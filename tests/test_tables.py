"""The consolidated data as tidy pandas tables (tdkt_xl.read_results, issue 17)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import NIGHTLY_AS_OF
from openpyxl import load_workbook

import tdkt_xl
from tdkt_xl.demo.run import PROPOSALS
from tdkt_xl.documents.sources import load_consolidation
from tdkt_xl.documents.tables import (
    COUNTS_COLUMNS,
    PROBLEMS_COLUMNS,
    PROGRESS_COLUMNS,
    SUBMISSIONS_COLUMNS,
    Results,
    results_tables,
)
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.reports.layout import PROGRESS_CHOICES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_results(demo_source: Path) -> Results:
    return tdkt_xl.read_results(demo_source / "ke_hoach_mau.xlsx", inbox=demo_source / "hop_thu",
                                as_of=NIGHTLY_AS_OF)


def _master_totals(master: Path) -> dict[str, dict[int, int]]:
    """The master's "Số liệu tổng hợp": form -> year -> count, as written in the workbook."""
    sheet = load_workbook(master, read_only=True)["Số liệu tổng hợp"]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Hình thức khen thưởng")
    years = [(column, value) for column, value in enumerate(rows[header]) if isinstance(value, int)]
    return {row[0]: {year: row[column] for column, year in years} for row in rows[header + 1:]
            if row and isinstance(row[0], str) and all(isinstance(row[c], int) for c, _ in years)}


def test_the_tables_and_their_columns(demo_results: Results) -> None:
    for frame, columns in ((demo_results.counts, COUNTS_COLUMNS), (demo_results.progress, PROGRESS_COLUMNS),
                           (demo_results.submissions, SUBMISSIONS_COLUMNS),
                           (demo_results.problems, PROBLEMS_COLUMNS)):
        assert isinstance(frame, pd.DataFrame) and tuple(frame.columns) == columns and len(frame)
    counts = demo_results.counts
    for column in ("unit_code", "unit_name", "form", "level"):
        assert isinstance(counts[column].dtype, pd.CategoricalDtype), column
    assert counts["form"].cat.ordered and pd.api.types.is_integer_dtype(counts["count"])
    assert pd.api.types.is_integer_dtype(counts["year"])
    assert pd.api.types.is_datetime64_any_dtype(demo_results.progress["completed_on"])
    assert pd.api.types.is_datetime64_any_dtype(demo_results.submissions["submitted_on"])
    assert set(demo_results.progress["status"].dropna()) <= set(PROGRESS_CHOICES)
    assert not counts.duplicated(["unit_code", "form", "year"]).any()  # tidy: one observation a row


def test_the_counts_add_up_to_the_masters_totals(demo_results: Results, demo_source: Path) -> None:
    summed = demo_results.counts.groupby(["form", "year"], observed=True)["count"].sum()
    master = _master_totals(demo_source / "tong_hop.xlsx")
    assert master and {form: {year: int(summed[(form, year)]) for year in by_year}
                       for form, by_year in master.items()} == master
    # and per unit: the master's "Số liệu chi tiết" sums each unit's counts over the years
    sheet = load_workbook(demo_source / "tong_hop.xlsx", read_only=True)["Số liệu chi tiết"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Mã đơn vị")
    forms = rows[header][2:]
    per_unit = demo_results.counts.groupby(["unit_code", "form"], observed=True)["count"].sum()
    checked = 0
    for row in rows[header + 1:]:
        if row and row[0] in per_unit.index.get_level_values(0):
            for form, value in zip(forms, row[2:], strict=False):
                if form in demo_results.counts["form"].cat.categories:
                    assert per_unit[(row[0], form)] == value, (row[0], form)
                    checked += 1
    assert checked


def test_the_tables_say_what_the_consolidation_says(demo_source: Path) -> None:
    loaded = load_consolidation(demo_source / "ke_hoach_mau.xlsx", inbox=demo_source / "hop_thu",
                                as_of=NIGHTLY_AS_OF)
    result = loaded.consolidation
    tables = results_tables(loaded.plan, result)
    assert tables.as_of == NIGHTLY_AS_OF
    states = tables.submissions.set_index("unit_code")["state"].astype(str).to_dict()
    assert states == {s.unit.code: s.state for s in result.submissions}
    assert len(tables.progress) == sum(len([c for c in t.units if c]) for t in result.tasks)
    done = tables.progress[tables.progress["status"] == PROGRESS_CHOICES[0]].groupby(
        "task_key", observed=True).size()
    assert {t.task.code: t.done for t in result.tasks if t.done} == done[done > 0].to_dict()
    assert set(tables.problems["code"].astype(str)) == {p.code for p in result.problems} | {
        f.code for f in result.rejected}
    rejected = tables.problems[tables.problems["sheet"].isna()]
    assert sorted(rejected["file"]) == sorted(f.file for f in result.rejected)


def test_the_ledger_gives_the_same_tables(setup: NightlySettings) -> None:
    run_nightly(setup)
    inbox = tdkt_xl.read_results(setup.plan, inbox=setup.inbox, as_of=NIGHTLY_AS_OF)
    ledger = tdkt_xl.read_results(setup.plan, state=setup.state_path, as_of=NIGHTLY_AS_OF)
    pd.testing.assert_frame_equal(inbox.counts, ledger.counts)
    pd.testing.assert_frame_equal(inbox.progress, ledger.progress)
    columns = ["unit_code", "state", "file", "submitted_on", "problems", "proposals"]
    pd.testing.assert_frame_equal(inbox.submissions[columns], ledger.submissions[columns])


def test_the_guides_snippet_runs(demo_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = (ROOT / "docs" / "consolidation.md").read_text(encoding="utf-8")
    section = page[page.index("## For analysts"):]
    snippet = re.search(r"```python\n(.*?)```", section, re.S)
    assert snippet is not None
    shutil.copy(demo_source / "ke_hoach_mau.xlsx", tmp_path / "ke_hoach.xlsx")
    shutil.copytree(demo_source / "hop_thu", tmp_path / "hop_thu")
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    exec(compile(snippet.group(1), "docs/consolidation.md", "exec"), names)
    by_year, missing = names["by_year"], names["missing"]
    assert isinstance(by_year, pd.DataFrame) and list(by_year.index) == list(range(2014, 2024))
    assert 0 < float(names["share_state"]) < 1  # type: ignore[arg-type]
    assert isinstance(missing, pd.DataFrame) and len(missing) >= 2


def test_import_tdkt_xl_stays_light() -> None:
    code = ("import sys, tdkt_xl\nlight = 'pandas' not in sys.modules\n"
            "tdkt_xl.read_results\nprint(light, 'pandas' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert found.stdout.split() == ["True", "True"]
    with pytest.raises(AttributeError):
        _ = tdkt_xl.no_such_name  # type: ignore[attr-defined]


def test_the_demos_units_write_proposals(demo_results: Results) -> None:
    written = demo_results.submissions.set_index("unit_code")["proposals"]
    assert {code: written[code] for code in PROPOSALS} == PROPOSALS
    assert (written != "").sum() == len(PROPOSALS)
