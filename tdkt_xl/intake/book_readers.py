"""Reading one workbook file into a :class:`RawBook`: every worksheet's values, with
python-calamine (:func:`read_values`, an .xlsx or an .ods) or openpyxl (:func:`read_values_openpyxl`),
after the checks of :mod:`tdkt_xl.intake.safety`. Meant to run in the worker processes of
:mod:`tdkt_xl.intake.worker_pool`.

Values come back as plain Python (:class:`RawBook`): str, float (Excel stores every
number as a double: 1 comes back as 1.0 and the caller decides), bool,
datetime.date (a date whose serial is a whole number), datetime.datetime,
datetime.time (a time of day alone), datetime.timedelta (a duration format such
as ``[h]:mm``), None for an empty cell (and for a cell holding the empty string),
and :class:`~tdkt_xl.plans.grids.ExcelError` for an error value such as ``#N/A``.
One known difference between the two readers: text written without
``xml:space="preserve"`` (Excel always writes it; some generators do not) loses
its leading and trailing spaces with calamine, not with openpyxl.

An OpenDocument spreadsheet (.ods, from LibreOffice; also one renamed .xlsx) is read by
calamine the same way and gives the same values: numbers as floats, date cells as dates,
error values (``#N/A``) as :class:`~tdkt_xl.plans.grids.ExcelError` (calamine gives "" for them:
they are put back from what :func:`~tdkt_xl.intake.safety.examine.quick_scan` found in
``content.xml``), hidden sheets as hidden (the format has no "very hidden": LibreOffice saves a
very hidden sheet as hidden). openpyxl does not read .ods: there is no fallback reader for them.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tdkt_xl.errors import Code
from tdkt_xl.intake.safety.examine import quick_scan, scan_package
from tdkt_xl.intake.safety.limits_and_rejections import (
    Limits,
    OdsCells,
    PackageScan,
    RejectedFile,
    Rejection,
)
from tdkt_xl.intake.safety.xlsx_parts import formulas_without_value_by_sheet, sheet_parts
from tdkt_xl.intake.safety.xml_text import column_number
from tdkt_xl.plans.grids import ExcelError, formulas_as_cells, put_values

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook


@dataclass(frozen=True)
class RawBook:
    """Every worksheet's cell values, rows from row 1 and columns from column A.

    Trailing empty cells and rows are left out. ``hidden_sheets`` names the hidden
    and very hidden sheets (they are read too); ``very_hidden_sheets`` the latter
    alone (the report template keeps its identity in the very hidden "_tdkt_xl"; an .ods has no
    very hidden sheets: LibreOffice saves that one as hidden, and it is found by its name).

    >>> book = RawBook({"PL": [["STT", None, 1.0]]}, hidden_sheets=("_tdkt_xl",))
    >>> book.sheets["PL"][0][2], book.hidden_sheets
    (1.0, ('_tdkt_xl',))
    """

    sheets: dict[str, list[list[object]]]
    hidden_sheets: tuple[str, ...] = ()
    very_hidden_sheets: tuple[str, ...] = ()
    # What a reader that also checks found (tdkt_xl.consolidation.inbox: a UnitReport or a FileOutcome), in
    # place of the sheets, which then stay in the worker.
    checked: object = None


def _unreadable_ods(error: BaseException) -> Rejection:
    """An .ods that passed the checks but that calamine cannot read (say, its XML laid out with
    line breaks and indents between the cells, which calamine refuses)."""
    text = str(error).strip() or type(error).__name__
    logging.getLogger(__name__).warning("unreadable .ods: %s: %s", type(error).__name__, text[:300])
    return Rejection(
        Code.UNREADABLE,
        "Không đọc được bảng tính .ods (chương trình đọc không hiểu cách ghi các ô). Tệp có thể do một "
        "chương trình khác LibreOffice tạo ra hoặc bị hỏng: mở bằng LibreOffice Calc, chọn Tệp > Lưu thành, "
        "kiểu tệp \"Bảng tính ODF (.ods)\" hoặc \"Excel 2007-365 (.xlsx)\", rồi gửi lại; nếu không mở "
        "được, đề nghị đơn vị gửi lại tệp.",
    )


# --- reading one file --------------------------------------------------------

def _trimmed(rows: Iterable[list[Any]]) -> list[list[object]]:
    """Rows without trailing empty cells, without trailing empty rows; "" becomes None (lists reused)."""
    grid: list[list[object]] = []
    for row in rows:
        while row and row[-1] == "":
            row.pop()
        if "" in row:
            row = [None if value == "" else value for value in row]
        while row and row[-1] is None:
            row.pop()
        grid.append(row)
    while grid and not grid[-1]:
        grid.pop()
    return grid


def _error_cells(stream: IO[bytes]) -> list[tuple[int, int, str]]:
    """(row, column, text) of every cell of type error in a worksheet part, 1-based."""
    found: list[tuple[int, int, str]] = []
    row = column = 0
    sheet_data: ET.Element | None = None
    for event, element in ET.iterparse(stream, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "sheetData":
                sheet_data = element
            elif tag == "row":
                number = element.get("r", "")
                row = int(number) if number.isdigit() else row + 1
                column = 0
            elif tag == "c":
                ref = element.get("r", "")
                letters = ref.rstrip("0123456789")
                if letters and letters.isalpha() and ref[len(letters):].isdigit():
                    column, row = column_number(letters), int(ref[len(letters):])
                else:
                    column += 1
        elif tag == "c" and element.get("t") == "e":
            value = next((child.text for child in element if child.tag.rsplit("}", 1)[-1] == "v"), None)
            if value and value.strip():
                found.append((row, column, value.strip()))
        elif tag == "row" and sheet_data is not None:
            element.clear()
            sheet_data.remove(element)
    return found


def read_values(path: Path, limits: Limits = Limits()) -> RawBook:  # noqa: B008
    """Read every worksheet's values with python-calamine, after :func:`~tdkt_xl.intake.safety.quick_scan`.

    Raises :class:`~tdkt_xl.intake.safety.RejectedFile` for a file that must not be
    parsed; when the read itself fails, the file is examined by
    :func:`~tdkt_xl.intake.safety.scan_package` so that a rejection names its cause. Falls back to
    :func:`read_values_openpyxl` when python-calamine is not installed or refuses an error
    value it does not know (``#SPILL!``, ``#CALC!``…).
    Meant to run in a worker (see :func:`~tdkt_xl.intake.worker_pool.read_many`): calamine can abort
    the process.

    >>> import tempfile, pathlib
    >>> from openpyxl import Workbook
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.xlsx"; wb = Workbook(); wb.active.append(["STT", 1])
    >>> wb.save(p); read_values(p).sheets
    {'Sheet': [['STT', 1.0]]}
    """
    scan = quick_scan(path, limits)
    try:
        return _read_calamine(path, scan, limits)
    except RejectedFile:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # calamine's PanicException is a BaseException
        scan_package(path, limits)  # raises RejectedFile with the cause when the package has one
        if scan.ods and not isinstance(error, MemoryError):
            raise RejectedFile(_unreadable_ods(error)) from error
        raise


def _read_calamine(path: Path, scan: PackageScan, limits: Limits) -> RawBook:
    try:
        import python_calamine
    except ImportError:
        if scan.ods:
            raise RejectedFile(Rejection(Code.UNREADABLE,
                                         "Chương trình thiếu thư viện python-calamine để đọc "
                                         "bảng tính .ods; đề nghị cài lại tdkt_xl.")) from None
        return read_values_openpyxl(path, limits)
    try:
        workbook = _open_with_calamine(path, scan)
    except python_calamine.CalamineError:
        if scan.error_parts:
            return read_values_openpyxl(path, limits)
        raise
    with workbook:
        read = _calamine_sheets(workbook, scan)
        if read is None:
            return read_values_openpyxl(path, limits)
    sheets, hidden, very_hidden = read
    if scan.ods:
        _put_ods_cells(sheets, scan)
    elif scan.error_parts or scan.formula_cells:
        _put_xlsx_cells(sheets, path, scan)
    return RawBook(sheets, tuple(hidden), tuple(very_hidden))


def _open_with_calamine(path: Path, scan: PackageScan) -> CalamineWorkbook:
    import python_calamine

    if scan.content is not None:  # already in memory: fewer system calls than from_path
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(scan.content))
    return python_calamine.CalamineWorkbook.from_path(str(path))


def _calamine_sheets(workbook: CalamineWorkbook, scan: PackageScan
                     ) -> tuple[dict[str, list[list[object]]], list[str], list[str]] | None:
    """Every worksheet's rows, trimmed, and the hidden and the very hidden sheets; None when
    calamine refuses a sheet of a file with error cells (openpyxl reads it then)."""
    import python_calamine

    sheets: dict[str, list[list[object]]] = {}
    hidden: list[str] = []
    very_hidden: list[str] = []
    for meta in workbook.sheets_metadata:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        try:
            rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except python_calamine.CalamineError:
            if scan.error_parts:
                return None
            raise
        sheets[meta.name] = _trimmed(rows)
        if meta.visible != python_calamine.SheetVisibleEnum.Visible:
            hidden.append(meta.name)
            if meta.visible == python_calamine.SheetVisibleEnum.VeryHidden:
                very_hidden.append(meta.name)
    return sheets, hidden, very_hidden


def _put_xlsx_cells(sheets: dict[str, list[list[object]]], path: Path, scan: PackageScan) -> None:
    """Where calamine read an .xlsx cell as empty: its error value, or its formula without a value."""
    # calamine gives "" for an error cell and for a formula without a stored value: put the
    # error values back from the sheet XML, and mark the formulas (a unit typed something)
    source = io.BytesIO(scan.content) if scan.content is not None else path
    with zipfile.ZipFile(source) as archive:
        for part, name in sheet_parts(archive, scan.relationships).items():
            if name not in sheets:
                continue
            if part in scan.error_parts:
                with archive.open(part) as stream:
                    errors = ((r, c, ExcelError(text)) for r, c, text in _error_cells(stream))
                    put_values(sheets[name], errors, over_values=True)
            if part in scan.formula_cells:
                put_values(sheets[name], formulas_as_cells(scan.formula_cells[part]), over_values=False)


def _ods_cells(blocks: Iterable[OdsCells]) -> Iterator[tuple[int, int, str]]:
    """Each cell of blocks of repeated cells (their size was bounded by the scan)."""
    for row, column, rows, columns, text in blocks:
        for at_row in range(row, row + rows):
            for at_column in range(column, column + columns):
                yield at_row, at_column, text


def _put_ods_cells(sheets: dict[str, list[list[object]]], scan: PackageScan) -> None:
    """Where calamine read an .ods cell as empty: its error value, or its formula without a value."""
    for name, blocks in scan.ods_errors.items():
        if name in sheets:
            errors = ((r, c, ExcelError(text)) for r, c, text in _ods_cells(blocks))
            put_values(sheets[name], errors, over_values=True)
    for name, blocks in scan.ods_formulas.items():
        if name in sheets:
            put_values(sheets[name], formulas_as_cells(_ods_cells(blocks)), over_values=False)


def _openpyxl_value(value: object, data_type: str) -> object:
    if value is None or value == "":
        return None
    if data_type == "e":
        return ExcelError(value) if isinstance(value, str) else None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None and value.time() == dt.time(0):
        return value.date()
    return value


def _read_openpyxl(path: Path) -> RawBook:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    sheets: dict[str, list[list[object]]] = {}
    hidden: list[str] = []
    very_hidden: list[str] = []
    try:
        for sheet in workbook.worksheets:
            reset = getattr(sheet, "reset_dimensions", None)
            if reset is not None:
                reset()  # the stored dimension may lie: read the cells that are there
            sheets[sheet.title] = _trimmed(
                [_openpyxl_value(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()
            )
            if sheet.sheet_state != "visible":
                hidden.append(sheet.title)
                if sheet.sheet_state == "veryHidden":
                    very_hidden.append(sheet.title)
    finally:
        workbook.close()
    return RawBook(sheets, tuple(hidden), tuple(very_hidden))


def read_values_openpyxl(path: Path, limits: Limits = Limits()) -> RawBook:  # noqa: B008
    """The same as :func:`read_values`, with openpyxl (read-only, cached values) instead of calamine.

    >>> import tempfile, pathlib
    >>> from openpyxl import Workbook
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.xlsx"; wb = Workbook(); wb.active.append(["STT", 1])
    >>> wb.save(p); read_values_openpyxl(p) == read_values(p)
    True
    """
    scan = scan_package(path, limits)
    book = _read_openpyxl(path)
    with zipfile.ZipFile(path) as archive:  # formulas without a stored value, as read_values marks them
        for name, cells in formulas_without_value_by_sheet(archive, scan.relationships).items():
            if name in book.sheets:
                put_values(book.sheets[name], formulas_as_cells(cells), over_values=False)
    return book
