"""Read the configuration sheet ("Cấu hình"): plan year, days before "due soon", as-of date …"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from tdkt_xl.errors import Code, ProblemLog
from tdkt_xl.plans.cell_text import value_text
from tdkt_xl.plans.deadlines import parse_deadline
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.models import PlanConfig
from tdkt_xl.plans.text import clean, fold_words

_CONFIG_KEYS = {
    "year": re.compile(r"^nam ke hoach$|^nam$"),
    "due_soon_days": re.compile(r"sap den han"),
    "as_of": re.compile(r"^ngay tinh|^ngay xet|^tinh den ngay|^ngay bao cao$"),
    "report_deadline": re.compile(r"^han nop|^thoi han nop"),
    "stats_from": re.compile(r"^nam so lieu tu|^so lieu tu nam"),
    "stats_to": re.compile(r"^nam so lieu den|^so lieu den nam"),
    "issued": re.compile(r"^ngay ban hanh|^ngay ky\b"),
    # the documents' issuer (tdkt_xl.documents.admin_document)
    "parent_body": re.compile(r"^(ten )?co quan (chu quan|cap tren)"),
    "issuing_body": re.compile(r"^(ten )?co quan ban hanh|^(ten )?co quan$|^don vi ban hanh"),
    "body_abbreviation": re.compile(r"^(ky hieu|viet tat) (co quan|don vi)"),
    "place": re.compile(r"^dia danh"),
    "signer_name": re.compile(r"^(ho (va )?ten )?nguoi ky$"),
    "signer_title": re.compile(r"^chuc vu( nguoi ky)?$"),
}
_TEXT_KEYS = ("parent_body", "issuing_body", "body_abbreviation", "place", "signer_name", "signer_title")
_CONFIG_LABELS = {"year": "Năm kế hoạch", "due_soon_days": "Số ngày sắp đến hạn",
                  "as_of": "Ngày tính trạng thái", "report_deadline": "Hạn nộp báo cáo",
                  "stats_from": "Năm số liệu từ", "stats_to": "Năm số liệu đến",
                  "issued": "Ngày ban hành", "parent_body": "Cơ quan chủ quản",
                  "issuing_body": "Cơ quan ban hành", "body_abbreviation": "Ký hiệu cơ quan",
                  "place": "Địa danh", "signer_name": "Người ký", "signer_title": "Chức vụ người ký"}


def read_config(grid: Grid, log: ProblemLog, file: str = "") -> PlanConfig:
    """The "Cấu hình" sheet: label in one column, value in the next."""
    cells: list[tuple[str, int, int, object]] = []  # (key, row, value column, value)
    for row in range(1, grid.max_row + 1):
        for column in range(1, min(grid.max_column, 4) + 1):
            label = fold_words(grid.text(row, column))
            key = next((k for k, p in _CONFIG_KEYS.items() if p.search(label)), None)
            if key is None:
                continue
            raw = grid.value(row, column + 1)
            if raw not in (None, ""):
                cells.append((key, row, column + 1, raw))
            break
    # a date without its year ("15/6") is in the plan year written on the same sheet
    years = (_config_value("year", raw) for key, _, _, raw in cells if key == "year")
    year = next((y for y in years if isinstance(y, int)), None)
    values: dict[str, Any] = {}
    for key, row, column, raw in cells:
        if key in values:
            continue  # the first readable value wins
        parsed = _config_value(key, raw, year)
        if parsed is None:
            default = PlanConfig().model_dump()[key]
            log.add(Code.CONFIG_UNREADABLE, sheet=grid.name, row=row, column=column,
                    file=file, value=value_text(raw), label=_CONFIG_LABELS[key],
                    default=default if default is not None else "(không có)")
        else:
            values[key] = parsed
    return PlanConfig(**values)


def _config_value(key: str, raw: object, year: int | None = None) -> int | date | str | None:
    """One Cấu hình value; ``year`` is the plan year for dates written without one.

    >>> _config_value("as_of", "15/6", 2023), _config_value("as_of", "Trước 30/6 và 31/12", 2023)
    (datetime.date(2023, 6, 15), None)
    >>> _config_value("place", "  Bắc  Ninh ")
    'Bắc Ninh'
    """
    if key in _TEXT_KEYS:
        return clean(value_text(raw)) or None
    if key in ("as_of", "report_deadline", "issued"):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        reading = parse_deadline(raw, year or date.today().year)
        return reading.due if reading.due and reading.start == reading.due else None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        number = int(raw)
    else:
        text = clean(raw)
        if not re.fullmatch(r"\d{1,4}", text):
            return None
        number = int(text)
    if key == "due_soon_days":
        return number if 0 <= number <= 366 else None
    return number if 1900 <= number <= 2199 else None


_WRITTEN_DATE = re.compile(
    r"\bngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})\b|\bngay (\d{1,2}) (\d{1,2}) (\d{4})\b")


def issue_date(grid: Grid, header_row: int) -> date | None:
    """The plan's issue date from the title lines above a table: "Hà Nội, ngày 10 tháng 6 năm
    2024" (any place name), "(Kèm theo Kế hoạch số 12/KH-UBND ngày 10/6/2024)"; the first one
    that is a real date. A date left blank ("ngày   /  /2026") is none.

    >>> issue_date(Grid("PL", [["Bắc Ninh, ngày 05 tháng 3 năm 2024"], ["TT"]]), 2)
    datetime.date(2024, 3, 5)
    >>> issue_date(Grid("PL", [["(Kèm theo Kế hoạch số /KH-UBND ngày / /2026)"], ["TT"]]), 2) is None
    True
    """
    for row in range(1, header_row):
        for column in range(1, grid.max_column + 1):
            for match in _WRITTEN_DATE.finditer(fold_words(grid.text(row, column))):
                day, month, year = (int(g) for g in match.groups() if g is not None)
                try:
                    return date(year, month, day)
                except ValueError:
                    continue
    return None
