"""The code registry (tdkt_xl.errors.CODES) against itself, its page and the code that gives the codes.

The last tests walk every module of tdkt_xl with ``ast``: a code written at a code site (a
``code=`` keyword, the first argument of a problem or rejection builder, a ``.code ==``
comparison, a ``code = …`` assignment) must be registered, and every registered code must be
given somewhere. Both the string literal ("file-locked") and the member (``Code.FILE_LOCKED``)
are understood.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import functools
import importlib.util
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError

import tdkt_xl
from tdkt_xl.errors import (
    CATALOG,
    CODES,
    REPORT_CATALOG,
    RETRIED_CODES,
    STAGES,
    Code,
    FailFast,
    Problem,
    ProblemLog,
    TdktError,
    catalog,
    titles,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(tdkt_xl.__file__).resolve().parent
REGISTERED = {code.value for code in Code}
# Registered for callers of Problem.make (it has been in CATALOG from the start) but given by no
# module today.
NOT_GIVEN = {
    Code.FILE_UNREADABLE,
}


# --- the registry itself ------------------------------------------------------

def test_every_code_has_its_description_and_every_description_its_code() -> None:
    assert list(CODES) == list(Code)
    for code, info in CODES.items():
        assert info.code is code
        assert code.name == code.value.upper().replace("-", "_")
        assert info.title and info.advice and info.template


class _Anything:
    """A field value every format spec and conversion accepts."""

    def __format__(self, spec: str) -> str:
        return "x"

    def __repr__(self) -> str:
        return "x"


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_each_template_formats_with_its_own_fields() -> None:
    for info in CODES.values():
        for use in info.uses():
            fields = _fields(use.template)
            assert all(field.isidentifier() for field in fields), (info.code, fields)
            text = use.template.format(**dict.fromkeys(fields, _Anything()))
            assert "{" not in text.replace("{{", ""), info.code


def test_each_use_is_at_a_known_stage_once() -> None:
    for info in CODES.values():
        places = [(use.stage, use.rejects) for use in info.uses()]
        assert len(places) == len(set(places)), info.code
        assert {stage for stage, _ in places} <= set(STAGES)
        # a rejection is an error; the file and run stages only reject files
        assert all(use.severity == "error" for use in info.uses() if use.rejects), info.code
        assert all(use.rejects for use in info.uses() if use.stage in ("file", "run")), info.code
        assert not any(use.rejects for use in info.uses() if use.stage == "plan"), info.code


def test_the_catalogs_come_from_the_registry() -> None:
    assert catalog("plan") == CATALOG and catalog("report") == REPORT_CATALOG
    assert set(CATALOG) == {c.value for c, i in CODES.items() if i.at("plan")}
    assert CATALOG["empty-content"] == ("error", "Nhiệm vụ {number} không có nội dung.")
    # the two catalogs word the same code each in their way
    assert CATALOG["excel-error"] != REPORT_CATALOG["excel-error"]
    assert all(use.template == "{reason}" or use.template.strip()
               for info in CODES.values() for use in info.uses())


def test_the_retried_codes_are_the_ledgers() -> None:
    assert {"file-locked", "missing", "unreadable", "timeout", "out-of-memory",
                             "crashed-reader"} == RETRIED_CODES
    assert all(CODES[code].rejects for code in RETRIED_CODES)


def test_the_file_titles_are_the_rejection_titles() -> None:
    assert titles("file")["xlsb"] == "Sổ Excel nhị phân (.xlsb)"
    assert set(titles("file")) == {c.value for c, i in CODES.items() if i.stage == "file"}


# --- problems -----------------------------------------------------------------

def test_every_plan_code_makes_a_problem() -> None:
    for code, (severity, _template) in CATALOG.items():
        fields = dict.fromkeys(_fields(CATALOG[code][1]) - {"sheet", "row"}, "1")
        problem = Problem.make(code, sheet="PL", row=3, column=2, **fields)
        assert (problem.code, problem.severity, problem.cell) == (code, severity, "B3")


def test_a_problem_code_must_be_registered_as_a_problem() -> None:
    Problem(code=Code.NEGATIVE_NUMBER, severity="error", message="m")
    Problem(code="missing-unit-code", severity="error", message="m")  # REPORT_CATALOG has it
    with pytest.raises(ValidationError, match="not a problem code"):
        Problem(code="empty-contnet", severity="error", message="m")
    with pytest.raises(ValidationError, match="not a problem code"):  # a rejection, not a problem
        Problem(code="zip-bomb", severity="error", message="m")


def test_fail_fast_is_a_tdkt_error() -> None:
    log = ProblemLog(fail_fast=True)
    log.add("no-unit-list")
    with pytest.raises(TdktError) as raised:
        log.add("empty-content", sheet="PL", row=7, column=2, number="3")
    assert isinstance(raised.value, FailFast) and raised.value.problem.cell == "B7"


# --- the page -----------------------------------------------------------------

def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("write_error_codes_page",
                                                  ROOT / "scripts" / "write_error_codes_page.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_is_what_the_script_writes() -> None:
    script = _script()
    assert (ROOT / "docs" / "ma-loi.md").read_text(encoding="utf-8") == script.render(), (
        "docs/ma-loi.md is out of date: run python scripts/write_error_codes_page.py")
    assert script.main(["--check"]) == 0
    assert doctest.testmod(script).failed == 0


def test_the_page_describes_every_use_of_every_code() -> None:
    page = (ROOT / "docs" / "ma-loi.md").read_text(encoding="utf-8")
    for info in CODES.values():
        for use in info.uses():
            anchor = "-".join(p for p in (use.stage, "rejected" if use.rejects else "", info.code) if p)
            assert f'<a id="{anchor}"></a>' in page


# --- where the package gives codes ----------------------------------------------

# The functions whose first argument is a code: ProblemLog.add (on a ``log``), Problem.make, the
# modules' problem and rejection builders (``self.problem``, ``report_problem``, ``rejected_file``)
# and the classes that carry a code first.
_BUILDER = re.compile(r"^_?(problem|reject|report_problem|rejected_file)$|^(Rejection|ReportRejected)$")
# Copies of the registry in modules (until they are made from it): checked as copies, not uses.
_COPIES = {"RETRIED", "REPORT_PROBLEMS", "REJECTION_TITLES", "CATALOG", "REPORT_CATALOG"}
_CODE_SHAPE = re.compile(r"^[a-z]+(-[a-z]+)*$")


@dataclass(frozen=True)
class Site:
    """A code at a code site: ``value`` (a string, or a ``Code`` member name after ``Code.``)."""

    module: str
    line: int
    value: str
    member: bool  # written Code.NAME


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _is_code_member(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and _dotted(node.value).split(".")[-1] == "Code"


def _values(node: ast.expr) -> Iterator[ast.expr]:
    """The literal strings and Code members an expression may give: through ``a if c else b``,
    ``x or y``, tuples, sets and lists, ``frozenset({…})``."""
    if (isinstance(node, ast.Constant) and isinstance(node.value, str)) or _is_code_member(node):
        yield node
    elif isinstance(node, ast.IfExp):
        yield from _values(node.body)
        yield from _values(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _values(value)
    elif isinstance(node, (ast.Tuple, ast.Set, ast.List)):
        for element in node.elts:
            yield from _values(element)
    elif isinstance(node, ast.Call) and _dotted(node.func) in ("frozenset", "set") and node.args:
        yield from _values(node.args[0])


def _takes_code_first(call: ast.Call) -> bool:
    name = _dotted(call.func)
    receiver, _, last = name.rpartition(".")
    return bool(_BUILDER.match(last)) or (last == "add" and receiver.split(".")[-1] == "log") or (
        last == "make" and receiver.split(".")[-1] == "Problem")


def code_expressions(tree: ast.AST, *, copies: bool = True) -> Iterator[tuple[ast.expr, bool]]:
    """The expressions at code sites, each with whether it must look like a code to count
    (a ``code=`` keyword: a unit's code is passed so too); ``copies``: with the ledger's RETRIED."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if node.args and _takes_code_first(node):
                yield node.args[0], False
            yield from ((k.value, True) for k in node.keywords if k.arg == "code")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr == "code" for s in sides):
                yield from ((s, False) for s in sides)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if "code" in names or (copies and "RETRIED" in names):
                yield node.value, False


def code_sites(tree: ast.AST, module: str, *, copies: bool = True) -> Iterator[Site]:
    for expression, shaped in code_expressions(tree, copies=copies):
        for value in _values(expression):
            if isinstance(value, ast.Constant):
                if value.value and (not shaped or _CODE_SHAPE.match(value.value)):
                    yield Site(module, value.lineno, value.value, member=False)
            else:
                assert isinstance(value, ast.Attribute)
                yield Site(module, value.lineno, value.attr, member=True)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _copies(tree: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in _COPIES:
                    yield target.id, node.value


def uses(tree: ast.AST, module: str) -> set[str]:
    """The registered codes a module gives: at code sites, as ``Code.NAME`` anywhere, as a
    module constant (``LOCKED = "file-locked"``), or as a hyphenated literal elsewhere (a tuple
    of a code and its fields) outside docstrings and copies of the registry."""
    found = {Code[s.value].value if s.member else s.value for s in code_sites(tree, module, copies=False)
             if (s.value in Code.__members__ if s.member else s.value in REGISTERED)}
    skip = _docstrings(tree) | {id(n) for _, copy in _copies(tree) for n in ast.walk(copy)}
    for node in ast.walk(tree):
        if _is_code_member(node) and isinstance(node, ast.Attribute) and node.attr in Code.__members__:
            found.add(Code[node.attr].value)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()
              and isinstance(node.value, ast.Constant) and node.value.value in REGISTERED):
            found.add(node.value.value)
        elif (isinstance(node, ast.Constant) and node.value in REGISTERED and "-" in node.value
              and id(node) not in skip):
            found.add(node.value)
    return found


@functools.cache
def _modules() -> tuple[tuple[str, ast.Module], ...]:
    """Every module of the package but the registry, parsed once for the tests that walk them
    (they read the trees and change nothing)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("errors.py", "error_codes.py") and path.parent == PACKAGE:
            continue
        name = path.relative_to(PACKAGE.parent).as_posix()
        found.append((name, ast.parse(path.read_text(encoding="utf-8"), filename=name)))
    return tuple(found)


def unregistered(tree: ast.AST, module: str) -> list[Site]:
    """Codes at code sites that are not registered, and ``Code.NAME`` anywhere that is no member."""
    members = {Site(module, node.lineno, node.attr, member=True) for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and _is_code_member(node) and not node.attr.startswith("_")}
    wrong = {s for s in {*code_sites(tree, module), *members}
             if not (s.value in Code.__members__ if s.member else s.value in REGISTERED)}
    return sorted(wrong, key=lambda s: (s.line, s.value))


def test_the_scan_finds_a_typo_at_every_kind_of_site() -> None:
    source = '''
def check(log, p, rejected, unit):
    log.add("empty-contnet", sheet="x")
    self.problem("hiden-row", 3)
    problems.append(_problem("date-as-txt", file, None, None, None))
    raise ReportRejected("other-plna", "x")
    raise _reject("zip-bmob", "x")
    Rejection("timeuot", "x")
    FileOutcome(file="a", outcome="rejected", code="file-lokced")
    Unit(code="P1", name="Phòng I")  # a unit's code, not an error code
    code = result.code if result else "unreadabel"
    if p.code == "earlier-plna" or rejected.rejection.code != "corrupt-zip":
        return Code.EMPTY_CONTNET
RETRIED = frozenset({"file-locked", "crashed-raeder"})
'''
    found = {s.value for s in unregistered(ast.parse(source), "example.py")}
    assert found == {"empty-contnet", "hiden-row", "date-as-txt", "other-plna", "zip-bmob", "timeuot",
                     "file-lokced", "unreadabel", "earlier-plna", "EMPTY_CONTNET", "crashed-raeder"}


def test_every_code_the_package_gives_is_registered() -> None:
    wrong = [s for module, tree in _modules() for s in unregistered(tree, module)]
    assert not wrong, "codes not in tdkt_xl.errors.CODES: " + ", ".join(
        f"{s.module}:{s.line} {s.value!r}" for s in wrong)


def test_every_registered_code_is_given_somewhere() -> None:
    used: set[str] = set()
    for module, tree in _modules():
        used |= uses(tree, module)
    unused = REGISTERED - used
    assert unused == {c.value for c in NOT_GIVEN}, f"registered but given nowhere: {sorted(unused)}"


def test_the_copies_of_the_registry_in_modules_agree_with_it() -> None:
    """REPORT_PROBLEMS, REJECTION_TITLES and the ledger's RETRIED (while modules keep copies)."""
    expected: dict[str, Any] = {"REPORT_PROBLEMS": REPORT_CATALOG, "REJECTION_TITLES": titles("file"),
                                "RETRIED": {c.value for c in RETRIED_CODES}}
    for module, tree in _modules():
        for name, value in _copies(tree):
            if name not in expected:
                continue
            if isinstance(value, ast.Call):  # frozenset({…}), or made from the registry: titles("file")
                if _dotted(value.func) not in ("frozenset", "set") or not value.args:
                    continue
                value = value.args[0]
            try:
                copy = ast.literal_eval(value)
            except ValueError:  # made from the registry (or another name): nothing to compare
                continue
            assert copy == expected[name], f"{module}: {name} differs from tdkt_xl.errors"


# --- one exception base ---------------------------------------------------------------------

def _library_modules() -> list[ModuleType]:
    import pkgutil
    return [importlib.import_module(m.name) for m in pkgutil.walk_packages(tdkt_xl.__path__, "tdkt_xl.")
            if not m.name.endswith("__main__")]


def test_every_exception_class_of_the_library_derives_from_tdkt_error() -> None:
    classes = {c for module in _library_modules() for c in vars(module).values()
               if isinstance(c, type) and issubclass(c, BaseException) and c.__module__ == module.__name__}
    assert len(classes) >= 10  # WorkbookError, RejectedFile, ReportRejected, LockBusy, AddinError …
    assert sorted(c.__qualname__ for c in classes if not issubclass(c, TdktError)) == []


_BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                       if isinstance(value, type) and issubclass(value, BaseException)}


# Built-in exceptions a protocol asks for: the exit code of ``python -m`` (SystemExit), a module's
# ``__getattr__`` (AttributeError), a pydantic validator (ValueError, which pydantic turns into
# its ValidationError), and the OS's own word about a path that callers catch as OSError.
_PROTOCOL = {"SystemExit", "AttributeError", "IsADirectoryError"}
_VALIDATORS = {"field_validator", "model_validator"}


def _in_validator(tree: ast.AST, line: int) -> bool:
    return any(isinstance(node, ast.FunctionDef) and node.lineno <= line <= (node.end_lineno or 0)
               and any(_dotted(d.func if isinstance(d, ast.Call) else d) in _VALIDATORS
                       for d in node.decorator_list)
               for node in ast.walk(tree))


def test_the_library_raises_no_builtin_exception_of_its_own() -> None:
    """``raise ValueError(…)`` in tdkt_xl would escape ``except TdktError``: raise
    :class:`~tdkt_xl.errors.InvalidValue` (a ValueError too) or another TdktError instead."""
    raised = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id in _BUILTIN_EXCEPTIONS \
                    and node.exc.func.id not in _PROTOCOL \
                    and not (node.exc.func.id == "ValueError" and _in_validator(tree, node.lineno)):
                raised.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.exc.func.id}")
    assert raised == []


def test_no_code_is_described_twice() -> None:
    from tdkt_xl.errors import ENTRIES
    assert len({info.code for info in ENTRIES}) == len(ENTRIES)
