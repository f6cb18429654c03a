"""Everything that can go wrong, as data: problems, the one exception base, and the code registry.

Every code the library gives (a problem in a plan or a report cell, a report or file turned
away, a file the nightly run could not open) is a member of :class:`Code`, described once in
:data:`CODES` (:mod:`tdkt_xl.error_codes`; ``docs/ma-loi.md`` is written from it).

Every check adds :class:`Problem` objects to a :class:`ProblemLog`; nothing stops at the first
one unless asked (``fail_fast``). Every exception the library raises derives from
:class:`TdktError`, so a caller can catch them all with one ``except``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from tdkt_xl.error_codes import (
    CATALOG,
    CODES,
    ENTRIES,
    PROBLEM_CODES,
    REPORT_CATALOG,
    RETRIED_CODES,
    STAGES,
    Code,
    CodeInfo,
    Severity,
    Stage,
    Use,
    catalog,
    titles,
)

__all__ = ["CATALOG", "CODES", "ENTRIES", "PROBLEM_CODES", "REPORT_CATALOG", "RETRIED_CODES", "STAGES",
           "Code", "CodeInfo", "FailFast", "InvalidValue", "MissingExtra", "Problem", "ProblemLog",
           "Severity", "Stage", "TdktError", "Use", "catalog", "column_letter", "titles"]


class TdktError(Exception):
    """The base of every exception the library raises (so a caller can catch them all).

    The file and report refusals (:class:`~tdkt_xl.intake.file_formats.WorkbookError`,
    :class:`~tdkt_xl.intake.safety.RejectedFile`,
    :class:`~tdkt_xl.intake.report_sheets.ReportRejected`), the lock
    (:class:`~tdkt_xl.nightly.lock.LockBusy`), the add-in's
    :class:`~tdkt_xl.excel.addin.errors.AddinError`, the buttons' messages and :class:`FailFast`
    all derive from it.

    >>> from tdkt_xl.nightly.lock import LockBusy
    >>> issubclass(LockBusy, TdktError), issubclass(InvalidValue, ValueError)
    (True, True)
    """


class InvalidValue(TdktError, ValueError):
    """A value tdkt_xl cannot take: an argument out of range, a setting of the wrong kind, a stored
    record it cannot read. Still a :class:`ValueError` for callers that catch those."""


class MissingExtra(TdktError, RuntimeError):
    """A feature that needs an optional extra which is not installed (``tdkt_xl[dask]``)."""


def column_letter(column: int) -> str:
    """The A1 letters of a 1-based column number (the core does not import openpyxl for this).

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(16384)
    ('A', 'Z', 'AA', 'XFD')
    """
    if column < 1:
        raise InvalidValue(f"column numbers start at 1: {column}")
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quoted_sheet_name(title: str) -> str:
    """A sheet's name as a formula or a defined name refers to it: quoted, a quote in it doubled.

    >>> print(quoted_sheet_name("Số liệu"), quoted_sheet_name("A'b"))
    'Số liệu' 'A''b'
    """
    return "'" + title.replace("'", "''") + "'"


class Problem(BaseModel):
    """One problem, at one place. Its code must be one of :data:`CODES` given as a problem.

    >>> Problem.make("empty-content", sheet="Phụ lục", row=7, column=2, number="3").cell
    'B7'
    """

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: int | None = None

    @field_validator("code")
    @classmethod
    def _registered(cls, code: str) -> str:
        if code not in PROBLEM_CODES:
            raise ValueError(f"{code!r} is not a problem code of tdkt_xl.errors.CODES")
        return code

    @property
    def cell(self) -> str | None:
        if self.row is None:
            return None
        if self.column is None:
            return f"{self.row}:{self.row}"
        return f"{column_letter(self.column)}{self.row}"

    @classmethod
    def make(
        cls,
        code: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: int | None = None,
        file: str | None = None,
        severity: Severity | None = None,
        **fields: Any,
    ) -> Problem:
        default_severity, template = CATALOG[code]
        return cls(
            code=code,
            severity=severity or default_severity,
            message=template.format(sheet=sheet or "", row=row or "", **fields),
            file=file,
            sheet=sheet,
            row=row,
            column=column,
        )

    def where(self) -> str:
        """'Phụ lục!B7' style position, or the file when there is no sheet."""
        parts = [p for p in (self.sheet, self.cell) if p]
        return "!".join(parts) if parts else (self.file or "")

    def as_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }


class FailFast(TdktError):
    """Raised by a fail-fast :class:`ProblemLog` at the first error."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class ProblemLog:
    """Collects problems (lazily by default, like pandera); ``fail_fast`` raises on the first error."""

    def __init__(self, *, fail_fast: bool = False) -> None:
        self.problems: list[Problem] = []
        self.fail_fast = fail_fast
        self._seen: set[tuple[str, str | None, str | None, int | None, int | None]] = set()

    def add(self, code: str, **kwargs: Any) -> Problem:
        """Record a problem (once per code and cell) and return it."""
        problem = Problem.make(code, **kwargs)
        key = (problem.message, problem.file, problem.sheet, problem.row, problem.column)
        if key in self._seen:
            return problem
        self._seen.add(key)
        self.problems.append(problem)
        if self.fail_fast and problem.severity == "error":
            raise FailFast(problem)
        return problem

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
