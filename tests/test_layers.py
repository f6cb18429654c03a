"""The house: stages import only the stages below them, the pure core loads no spreadsheet library,
and every module stays small enough to read.

What may import what is declared once, as import-linter contracts in ``pyproject.toml``
(``[tool.importlinter]``); these tests run them and check the few things a static import graph
cannot see (what a command loads when it starts).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import tdkt_xl

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
ADAPTER_LIBRARIES = ["openpyxl", "xlwings", "python_calamine", "pandas", "numpy"]
MAX_MODULE_LINES = 700


def _contract(contract_id: str) -> dict[str, object]:
    return next(c for c in CONTRACTS["contracts"] if c["id"] == contract_id)


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(tdkt_xl.__path__, "tdkt_xl."))


def _pure_core() -> list[str]:
    """The modules of the pure core: those the contract names, a package with all its modules."""
    named: list[str] = _contract("pure-core")["source_modules"]  # type: ignore[assignment]
    return sorted(m for m in _modules() if any(m == n or m.startswith(n + ".") for n in named))


def test_the_import_contracts_are_kept() -> None:
    """``lint-imports``: the stages' layers, the pure core, xlwings only in ``tdkt_xl.excel``."""
    found = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                            "sys.exit(lint_imports(no_cache=True))"],
                           cwd=ROOT, capture_output=True, text=True)
    assert found.returncode == 0, found.stdout + found.stderr


def test_every_stage_is_a_layer() -> None:
    """A new subpackage has a place among the layers (else the contract would not look at it)."""
    layers = {name.strip() for layer in _contract("stages")["layers"]  # type: ignore[attr-defined]
              for name in layer.split("|")}
    packages = {m.name for m in pkgutil.iter_modules(tdkt_xl.__path__, "tdkt_xl.")} - {"tdkt_xl.__main__"}
    placed = {p for p in packages if any(p == layer or layer.startswith(p + ".") for layer in layers)}
    assert packages == placed


def test_the_pure_core_imports_no_spreadsheet_library_at_run_time() -> None:
    """At run time too: importing every module of the pure core loads none of them (one
    interpreter for all: the static contract above names the module when one does)."""
    modules = _pure_core()
    assert len(modules) > 20
    code = (f"import sys, json, importlib\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"print(json.dumps(sorted(m for m in {ADAPTER_LIBRARIES!r} if m in sys.modules)))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == []


def test_load_plan_still_reads_a_file_through_the_adapter() -> None:
    """Through python-calamine and the sheet XML (issue 18): openpyxl is not even imported."""
    sample = ROOT / "workbooks" / "ke_hoach_mau.xlsx"
    code = ("import sys, tdkt_xl\n"
            f"plan = tdkt_xl.load_plan({str(sample)!r})\n"
            "print(len(plan.tasks) > 0, 'python_calamine' in sys.modules, 'openpyxl' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["True", "True", "False"]


@pytest.mark.parametrize("module", ["tdkt_xl.cli", "tdkt_xl.nightly.run", "tdkt_xl.nightly.rebuild",
                                    "tdkt_xl.consolidation.master"])
def test_the_command_line_and_the_nightly_merge_start_without_openpyxl(module: str) -> None:
    """openpyxl (and numpy, which it loads) take a quarter of a second to import: the commands
    import them when they read or write a workbook with them, not at start (a nightly run with
    nothing new to read needs neither)."""
    code = (f"import sys, json, {module}\n"
            f"print(json.dumps(sorted(m for m in {ADAPTER_LIBRARIES!r} if m in sys.modules)))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == []


@pytest.mark.parametrize("module", _modules())
def test_no_module_is_over_700_lines(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    lines = Path(spec.origin).read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines; split it by what its parts do"


@pytest.mark.parametrize("module", [m for m in _modules() if not m.endswith(("__init__", "__main__"))])
def test_the_architecture_page_names_every_module(module: str) -> None:
    """docs/architecture.md matches the tree: a module added or renamed is named there too."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    *package, name = module.split(".")
    assert re.search(rf"\b{name}\b", page), f"{module} is not named in docs/architecture.md"
    if len(package) > 1:
        assert f"{package[-1]}/" in page, f"{'.'.join(package)} is not named in docs/architecture.md"
