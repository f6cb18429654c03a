"""Workbooks as the xlwings client sends them, for xlwings' ``remote`` engine: ``xw.Book(json=…)``
builds a Book from that JSON and ``book.json()["actions"]`` is what Excel would apply. Used by the
handler tests, ``bench/bench_click.py`` (one payload, to time a press) and
``scripts/render_pictures.py`` (the buttons' sheets, replayed). The remote engine is xlwings PRO
code (PolyForm Noncommercial) and needs ``XLWINGS_LICENSE_KEY=noncommercial``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

Action = dict[str, Any]


def json_value(value: Any) -> Any:
    """A cell value as the xlwings client sends it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return value


def payload(path: Path, *, client: str = "Office.js", notes: dict[str, list[str]] | None = None
            ) -> dict[str, Any]:
    """The JSON the xlwings client would send for the workbook at ``path``: every sheet's values
    from A1 to the end of its used range, which may start elsewhere (``used_range_address``)."""
    import xlwings as xw
    from openpyxl import load_workbook
    from openpyxl.utils.cell import get_column_letter

    workbook = load_workbook(path, data_only=True)
    sheets = []
    for ws in workbook.worksheets:
        cells = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value is not None]
        values: list[list[Any]] = [[]]
        used = None
        if cells:
            top, left = min(r for r, _ in cells), min(c for _, c in cells)
            bottom, right = max(r for r, _ in cells), max(c for _, c in cells)
            values = [[json_value(ws.cell(r, c).value) for c in range(1, right + 1)]
                      for r in range(1, bottom + 1)]
            used = f"${get_column_letter(left)}${top}:${get_column_letter(right)}${bottom}"
        sheets.append({
            "name": ws.title, "values": values, "used_range_address": used,
            "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
            "pictures": [], "shapes": [], "charts": [], "tables": [], "pivot_tables": [],
            "notes": [{"address": a} for a in (notes or {}).get(ws.title, [])],
            "show_gridlines": True, "print_area": None,
        })
    workbook.close()
    return {"client": client, "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def open_book(path: Path, **options: Any) -> Any:
    """A remote Book of the workbook at ``path``, set as the caller."""
    import xlwings as xw

    book = xw.Book(json=payload(path, **options))
    book.set_mock_caller()
    return book


def actions(book: Any) -> list[Action]:
    """What the handlers asked Excel to do, in order."""
    return list(book.json()["actions"])
