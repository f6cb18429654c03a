"""The plan as plain values: tasks, sheets, configuration."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tdkt_xl.errors import Problem
from tdkt_xl.plans.deadlines import Deadline
from tdkt_xl.plans.units import Unit, UnitRef

SheetKind = Literal["phu_luc", "phan_cong"]

# Column roles a task table can have; the values are the keys of TaskSheet.columns.
FIELDS = (
    "number", "content", "directing", "lead", "partners", "deadline", "completed", "progress",
    "note",
)


class PlanConfig(BaseModel):
    """The "Cấu hình" sheet (or its defaults)."""

    year: int | None = None
    due_soon_days: int = 7
    as_of: date | None = None
    report_deadline: date | None = None
    stats_from: int = 2014
    stats_to: int = 2023
    issued: date | None = None  # the plan's issue date ("Ngày ban hành", or the title lines)
    # who issues the documents drafted from the plan (tdkt_xl.documents), all text ("" unknown)
    parent_body: str = ""  # "Cơ quan chủ quản"
    issuing_body: str = ""  # "Cơ quan ban hành"
    body_abbreviation: str = ""  # "Ký hiệu cơ quan", as in "Số: …/BC-SNV"
    place: str = ""  # "Địa danh"
    signer_name: str = ""  # "Người ký"
    signer_title: str = ""  # "Chức vụ người ký"


class CommendationForm(BaseModel):
    """A form of commendation (a row of the report's "Số liệu" sheet); ``level`` groups rows."""

    model_config = ConfigDict(frozen=True)

    level: str
    name: str


class Section(BaseModel):
    """A section row such as "I | Quý I"."""

    model_config = ConfigDict(frozen=True)

    label: str
    row: int
    roman: str = ""
    quarter: int | None = None


class Task(BaseModel):
    """One task row (with its continuation rows) of a Phụ lục or Phân công sheet."""

    sheet: str
    kind: SheetKind
    code: str
    number: str
    row: int
    rows: list[int]
    section: Section | None = None
    content: str = ""
    directing: list[UnitRef] = Field(default_factory=list)
    lead: list[UnitRef] = Field(default_factory=list)
    partners: list[UnitRef] = Field(default_factory=list)
    deadline_text: str = ""
    deadline: Deadline = Field(default_factory=Deadline)
    deadline_from_section: bool = False
    completed_on: date | None = None
    progress: str = ""
    note: str = ""
    parent: str | None = None
    group: str | None = None  # the group heading the task stands under (its number or code)
    duration_days: int | None = None  # from a duration column ("Số ngày dự kiến"): not a deadline
    duration_text: str = ""

    @property
    def units(self) -> list[UnitRef]:
        """Implementing then cooperating units."""
        return [*self.lead, *self.partners]


class TaskSheet(BaseModel):
    """A task table found in a sheet."""

    name: str
    kind: SheetKind
    header_row: int
    columns: dict[str, int]
    last_column: int
    first_row: int
    last_row: int
    title_year: int | None = None
    tasks: list[Task] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    generated_columns: dict[str, int] = Field(default_factory=dict)


class Plan(BaseModel):
    """A whole plan workbook: task sheets, units, configuration and the problems found."""

    file: str = ""
    sheet_names: list[str] = Field(default_factory=list)
    sheets: list[TaskSheet] = Field(default_factory=list)
    units: list[Unit] | None = None
    config: PlanConfig = Field(default_factory=PlanConfig)
    forms: list[CommendationForm] | None = None  # None: the default list (tdkt_xl.plans.commendation_forms)
    outline: list[str] | None = None  # the "Đề cương" sheet's lines; None: the default
    year: int
    problems: list[Problem] = Field(default_factory=list)

    @property
    def tasks(self) -> list[Task]:
        return [task for sheet in self.sheets for task in sheet.tasks]

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)
