"""Build the sample plan workbook ``workbooks/ke_hoach_mau.xlsx``.

The tables (:mod:`tdkt_xl.demo.sample_data`, transcribed from two real plans) are
laid out the way staff keep them in Excel: title lines above the table, a wrapped
header, a column-number row, section rows "I Quý I" …, a number cell merged over
two rows, and a note row under the table.

Run ``python -m tdkt_xl.demo.sample_plan [OUT]`` to write it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tdkt_xl.demo.sample_data import (
    APPENDIX_HEADERS,
    APPENDIX_NOTE,
    APPENDIX_SECTIONS,
    APPENDIX_SUBTITLE,
    APPENDIX_TITLE,
    ASSIGNMENT_HEADERS,
    ASSIGNMENT_ROWS,
    ASSIGNMENT_TITLES,
    CONFIG_HEADERS,
    CONFIG_ROWS,
    UNIT_HEADERS,
    UNITS,
)
from tdkt_xl.reports.template import fit_to_paper

__all__ = [
    "DEFAULT_OUTPUT",
    "SAMPLE_NAME",
    "build_sample_plan",
    "default_output",
    "main",
]

_PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLE_NAME = "ke_hoach_mau.xlsx"
DEFAULT_HELP = (f"mặc định: workbooks/{SAMPLE_NAME} của thư mục mã nguồn; khi cài bằng pip, "
                f"{SAMPLE_NAME} ở thư mục hiện tại")


def default_output() -> Path:
    """Where the sample plan goes when no path is given: ``workbooks/ke_hoach_mau.xlsx`` of the
    source checkout tdkt_xl runs from; when it was installed (``pip install``: no checkout around
    the package, which sits in site-packages) ``ke_hoach_mau.xlsx`` in the current folder.

    >>> default_output().name
    'ke_hoach_mau.xlsx'
    """
    root = _PACKAGE_DIR.parents[1]
    if (root / "pyproject.toml").is_file() and (root / "workbooks").is_dir():
        return root / "workbooks" / SAMPLE_NAME
    return Path(SAMPLE_NAME)


DEFAULT_OUTPUT = default_output()

CellValue = str | int | dt.date | None

# Fixed document timestamp, so that rebuilding gives the same file.
_STAMP = dt.datetime(2024, 1, 15, 0, 0, 0)
_DATE_FORMAT = "dd/mm/yyyy"

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill(fill_type="solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)
_ITALIC = Font(italic=True)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center")


def _style_header(cell: Cell) -> None:
    cell.font = _BOLD
    cell.alignment = _WRAP_CENTER
    cell.border = _BORDER
    cell.fill = _HEADER_FILL


def _style_body(cell: Cell, *, centered: bool = False) -> None:
    cell.alignment = _WRAP_CENTER if centered else _WRAP_TOP
    cell.border = _BORDER


def _merged_line(ws: Worksheet, row: int, text: str, width: int, font: Font) -> None:
    """Write a title or note line merged across ``width`` columns."""
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _print_setup(ws: Worksheet, title_rows: str, title_columns: int = 2) -> None:
    """A4, rows as high as their text, printed text never under 9 pt (wide sheets across pages
    with the header rows and first columns repeated): :func:`~tdkt_xl.reports.template.fit_to_paper`."""
    fit_to_paper(ws, title_rows=title_rows, title_columns=title_columns)


def _set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _fit_row_heights(ws, widths)


def _fit_row_heights(ws: Worksheet, widths: Sequence[float], line_points: float = 15.0) -> None:
    """Row heights for wrapped text (LibreOffice does not fit rows of a file it opens)."""
    merged_across = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges if r.max_col > r.min_col}
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or cell.column is None or cell.column > len(widths):
                continue
            if (cell.row, cell.column) in merged_across:
                continue
            chars = max(1.0, widths[cell.column - 1] * 1.15)
            needed = sum(max(1, math.ceil(len(part) / chars)) for part in cell.value.split("\n"))
            lines = max(lines, needed)
        if lines > 1 and row[0].row is not None:
            ws.row_dimensions[row[0].row].height = line_points * lines


def _write_row(
    ws: Worksheet,
    row: int,
    values: Sequence[CellValue],
    centered: Sequence[int] = (),
    date_column: int | None = None,
) -> None:
    """Write one bordered, wrapped table row; ``centered`` holds 1-based columns."""
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column, value=value)
        _style_body(cell, centered=column in centered)
        if column == date_column:
            cell.number_format = _DATE_FORMAT


def _build_appendix(ws: Worksheet) -> None:
    width = len(APPENDIX_HEADERS)
    date_column = APPENDIX_HEADERS.index("Ngày hoàn thành") + 1
    _merged_line(ws, 1, APPENDIX_TITLE, width, _BOLD)
    _merged_line(ws, 2, APPENDIX_SUBTITLE, width, _ITALIC)
    for column, header in enumerate(APPENDIX_HEADERS, start=1):
        _style_header(ws.cell(row=4, column=column, value=header))
    for column in range(1, width + 1):
        cell = ws.cell(row=5, column=column, value=f"({column})")
        cell.font = _ITALIC
        cell.alignment = _CENTER
        cell.border = _BORDER
    row = 6
    for roman, title, tasks in APPENDIX_SECTIONS:
        _write_row(ws, row, [roman, title] + [None] * (width - 2), centered=(1,))
        ws.cell(row=row, column=1).font = _BOLD
        ws.cell(row=row, column=2).font = _BOLD
        row += 1
        for number, task in enumerate(tasks, start=1):
            values: list[CellValue] = [
                number,
                task.content,
                task.directing,
                task.implementing,
                task.cooperating or None,
                task.done,
                None,
            ]
            _write_row(ws, row, values, centered=(1,), date_column=date_column)
            if task.continuation:
                row += 1
                continued = [None, task.continuation] + [None] * (width - 2)
                _write_row(ws, row, continued, centered=(1,), date_column=date_column)
                ws.merge_cells(start_row=row - 1, start_column=1, end_row=row, end_column=1)
            row += 1
    _merged_line(ws, row + 1, APPENDIX_NOTE, width, _ITALIC)  # one blank row, then the note
    ws.cell(row=row + 1, column=1).alignment = Alignment(
        horizontal="left", vertical="center", wrap_text=True
    )
    _set_widths(ws, (6, 48, 22, 22, 20, 10, 12))
    ws.freeze_panes = "A6"
    _print_setup(ws, "4:5")


def _build_assignment(ws: Worksheet) -> None:
    width = len(ASSIGNMENT_HEADERS)
    date_column = ASSIGNMENT_HEADERS.index("Ngày hoàn thành") + 1
    for row, title in enumerate(ASSIGNMENT_TITLES, start=1):
        # The seed prints the three title lines in bold; "(Kèm theo …)" is italic here.
        _merged_line(ws, row, title, width, _ITALIC if title.startswith("(") else _BOLD)
    header_row = len(ASSIGNMENT_TITLES) + 2
    for column, header in enumerate(ASSIGNMENT_HEADERS, start=1):
        _style_header(ws.cell(row=header_row, column=column, value=header))
    row = header_row + 1
    for item in ASSIGNMENT_ROWS:
        values: list[CellValue] = [
            item.number or None,
            item.content,
            item.unit,
            item.deadline,
            item.done,
            None,
        ]
        _write_row(ws, row, values, centered=(1, 4), date_column=date_column)
        if not item.number:
            ws.merge_cells(start_row=row - 1, start_column=1, end_row=row, end_column=1)
        row += 1
    _set_widths(ws, (6, 52, 26, 18, 14, 16))
    ws.freeze_panes = f"A{header_row + 1}"
    _print_setup(ws, f"{header_row}:{header_row}")


def _build_units(ws: Worksheet) -> None:
    for column, header in enumerate(UNIT_HEADERS, start=1):
        _style_header(ws.cell(row=1, column=column, value=header))
    for row, unit in enumerate(UNITS, start=2):
        values = (unit.code, unit.name, unit.aliases or None, unit.kind, unit.email or None)
        _write_row(ws, row, values)
    _set_widths(ws, (14, 44, 36, 12, 26))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:E{len(UNITS) + 1}"
    _print_setup(ws, "1:1", title_columns=1)


def _build_config(ws: Worksheet) -> None:
    for column, header in enumerate(CONFIG_HEADERS, start=1):
        _style_header(ws.cell(row=1, column=column, value=header))
    for row, (setting, value, explanation) in enumerate(CONFIG_ROWS, start=2):
        _write_row(ws, row, (setting, value, explanation))
        if isinstance(value, dt.date):
            ws.cell(row=row, column=2).number_format = _DATE_FORMAT
        ws.cell(row=row, column=2).alignment = Alignment(horizontal="left", vertical="top")
    _set_widths(ws, (24, 26, 70))
    ws.freeze_panes = "A2"
    _print_setup(ws, "1:1", title_columns=1)


def _new_workbook() -> Workbook:
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    first.title = "Phụ lục"
    _build_appendix(first)
    _build_assignment(wb.create_sheet("Phân công"))
    _build_units(wb.create_sheet("Đơn vị"))
    _build_config(wb.create_sheet("Cấu hình"))
    props = wb.properties
    props.title = "Kế hoạch mẫu thi đua, khen thưởng năm 2024"
    props.subject = "Phụ lục thực hiện nhiệm vụ và bảng phân công nhiệm vụ"
    props.creator = "tdkt_xl"
    props.lastModifiedBy = "tdkt_xl"
    props.created = _STAMP
    props.modified = _STAMP
    return wb


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stable_bytes(wb: Workbook) -> bytes:
    """Serialize ``wb`` with fixed zip entry times and a fixed "modified" stamp."""
    raw = io.BytesIO()
    wb.save(raw)
    stamp = _STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", payload)
            entry = zipfile.ZipInfo(info.filename, date_time=_STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, payload)
    return out.getvalue()


def build_sample_plan(path: Path) -> Path:
    """Write the sample plan workbook to ``path`` atomically and return ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _stable_bytes(_new_workbook())
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp_name, 0o644)
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m tdkt_xl.demo.sample_plan [OUT]``."""
    parser = argparse.ArgumentParser(
        prog="python -m tdkt_xl.demo.sample_plan",
        description="Tạo sổ Excel kế hoạch mẫu (Phụ lục, Phân công, Đơn vị, Cấu hình).",
    )
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=None,
        help=f"Đường dẫn tệp .xlsx cần ghi ({DEFAULT_HELP}).",
    )
    args = parser.parse_args(argv)
    written = build_sample_plan(args.out or default_output())
    print(f"Đã ghi sổ mẫu: {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
