"""What the buttons of the TĐKT ribbon call (``RunPython``): thin handlers over the pure core.

Each handler takes the calling workbook (``xw.Book.caller()``; tests pass ``book``), reads
every sheet it needs in one call, calls the core, writes back in a few batched calls and
ends with a Vietnamese message box. Screen updating is off while it works and restored
after, even on error. An error becomes a message box that says what went wrong and what
to do, with the path of the log file that holds the details; never a traceback.

From VBA::

    RunPython "from tdkt_xl.excel.handlers import kiem_tra; kiem_tra()"

>>> sorted(BUTTONS)  # doctest: +NORMALIZE_WHITESPACE
['cap_nhat_trang_thai', 'don_doc', 'du_thao_bao_cao', 'huong_dan', 'kiem_tra', 'tao_mau_bao_cao',
 'tong_hop']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tdkt_xl.errors import Code, TdktError
from tdkt_xl.excel import content
from tdkt_xl.excel.draft_button import DraftNotWritten, open_in_word, write_draft
from tdkt_xl.excel.xw_io import (
    OWN_MARK,
    Cancelled,
    Cell,
    Ui,
    UserSheetsInTheWay,
    block,
    book_folder,
    center,
    color_by_value,
    column_widths,
    fill_cells,
    fresh_sheet,
    is_remote,
    own_sheet_names,
    read_grids,
    set_borders,
    set_notes,
    sheet_named,
    style_header,
    write,
)
from tdkt_xl.excel.xw_light import xw
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.reader import read_plan
from tdkt_xl.plans.status import (
    BORDER_COLOR,
    DATE_FORMAT,
    HEADER_FILL,
    LINK_COLOR,
    NO_PROBLEMS,
    PROBLEM_FILLS,
    RESULT_FIRST_ROW,
    RESULT_HEADERS,
    RESULT_LINK_COLUMN,
    RESULT_SHEET,
    RESULT_WIDTHS,
    STATUS_COLORS,
    TaskStatus,
    link_target,
    mark_cell,
    note_text,
    plan_status,
    result_problems,
    result_rows,
    result_title,
    status_columns,
    status_row,
    today_in_vietnam,
)
from tdkt_xl.plans.text import fold, os_error_reason
from tdkt_xl.plans.workbook_kind import MASTER_SHEETS

if TYPE_CHECKING:
    from tdkt_xl.consolidation.aggregate import Consolidation

# A button press starts a Python (RunPython): what only one button needs is imported by that button
# (consolidation, the report template), and xlwings without pandas and numpy (xw_light). The two
# master sheets that tell a master from a plan are named as plans.workbook_kind keeps them (checked
# against consolidation.master by tests/test_workbook_kind.py and tests/test_click.py), not imported
# with the master's writer.
SUBMISSIONS_SHEET, TOTALS_DETAIL_SHEET = (list(MASTER_SHEETS)[i] for i in (0, 4))

log = logging.getLogger("tdkt_xl.excel")


def _column_number(letters: str) -> int:
    """1 for "A", 28 for "AB" (without importing a spreadsheet library at each press)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number

MAX_NOTES = 100  # comments put on problem cells per run (one Excel call each); all are listed
TEMPLATES_FOLDER = "mau_bao_cao"
INBOX_FOLDER = "hop_thu"
MASTER_FILE = "tong_hop.xlsx"
REMINDER_LETTER_FILE = "cong_van_don_doc.docx"
LOG_ENV = "TDKT_XL_LOG"
APP_TITLE = "TĐKT"


class UserError(TdktError):
    """A problem the user can fix; the message (Vietnamese) says what and how."""


@dataclass
class Session:
    """The calling workbook and its user interface, for one button press."""

    book: xw.Book
    ui: Ui


# --- the buttons -----------------------------------------------------------------------


def kiem_tra(book: xw.Book | None = None) -> str:
    """Kiểm tra: mark problem cells (fill and comment) and list them in "Kết quả kiểm tra".

    Returns the message shown.
    """
    return _run("Kiểm tra", book, _check)


def cap_nhat_trang_thai(book: xw.Book | None = None, as_of: dt.date | None = None) -> str:
    """Cập nhật trạng thái: Quý, Hạn, Còn (ngày), Trạng thái of every task, coloured by status.

    The day is ``as_of``, else "Ngày tính trạng thái" in Cấu hình, else today (Vietnam).
    """
    return _run("Cập nhật trạng thái", book, lambda s: _update_status(s, as_of))


def tao_mau_bao_cao(book: xw.Book | None = None, folder: str | Path | None = None) -> str:
    """Tạo mẫu báo cáo: one report workbook per unit in ``folder`` (else the one the user picks,
    starting at "<plan folder>/mau_bao_cao")."""
    return _run("Tạo mẫu báo cáo", book, lambda s: _templates(s, folder))


def tong_hop(book: xw.Book | None = None, folder: str | Path | None = None,
             master: str | Path | None = None, as_of: dt.date | None = None) -> str:
    """Tổng hợp: consolidate the reports under ``folder`` (else picked, starting at
    "<plan folder>/hop_thu") into ``master`` (else "<plan folder>/tong_hop.xlsx") and open it."""
    return _run("Tổng hợp", book, lambda s: _consolidate(s, folder, master, as_of))


def don_doc(book: xw.Book | None = None, folder: str | Path | None = None,
            as_of: dt.date | None = None) -> str:
    """Đôn đốc: a sheet "Đôn đốc" with the units that have not reported, whose files were all
    rejected or that reported late, their e-mails on one line and a reminder text; and the công văn
    đôn đốc in Word, "<plan folder>/cong_van_don_doc.docx"."""
    return _run("Đôn đốc", book, lambda s: _remind(s, folder, as_of))


def du_thao_bao_cao(book: xw.Book | None = None, folder: str | Path | None = None,
                    as_of: dt.date | None = None) -> str:
    """Dự thảo báo cáo: the draft Báo cáo tổng kết (Word) from the reports under ``folder`` (else picked),
    "<plan folder>/du_thao_bao_cao.docx", opened in Word (:mod:`tdkt_xl.excel.draft_button`)."""
    return _run("Dự thảo báo cáo", book, lambda s: _draft(s, folder, as_of))


def huong_dan(book: xw.Book | None = None) -> str:
    """Hướng dẫn: a short help sheet "Hướng dẫn"."""
    return _run("Hướng dẫn", book, _help)


BUTTONS: dict[str, Callable[..., str]] = {
    "kiem_tra": kiem_tra, "cap_nhat_trang_thai": cap_nhat_trang_thai,
    "tao_mau_bao_cao": tao_mau_bao_cao, "tong_hop": tong_hop, "don_doc": don_doc,
    "du_thao_bao_cao": du_thao_bao_cao, "huong_dan": huong_dan,
}


# --- running a handler: errors, log, screen updating -------------------------------------


def log_path() -> Path:
    """Where details of errors go: ``$TDKT_XL_LOG``, else ``%LOCALAPPDATA%\\tdkt_xl\\tdkt_xl_excel.log``
    on Windows, else ``~/.tdkt_xl/tdkt_xl_excel.log``."""
    given = os.environ.get(LOG_ENV)
    if given:
        return Path(given)
    base = os.environ.get("LOCALAPPDATA")
    folder = Path(base) / "tdkt_xl" if base else Path.home() / ".tdkt_xl"
    return folder / "tdkt_xl_excel.log"


def write_log(title: str, book_name: str, details: str) -> Path:
    """Append a dated entry to the log (the old log is kept as ``.1`` past 1 MB)."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > 1_000_000:
            os.replace(path, path.with_name(path.name + ".1"))
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {stamp} {title} [{book_name}] python {sys.version.split()[0]}, "
                         f"xlwings {xw.__version__}\n{details.rstrip()}\n")
    except OSError:
        log.exception("Cannot write the log %s", path)
    return path


def _run(title: str, book: xw.Book | None, work: Callable[[Session], str]) -> str:
    try:
        caller = book if book is not None else xw.Book.caller()
    except Exception:
        return _no_caller(title)
    ui = Ui(caller)
    critical = False
    try:
        with ui.working():
            message = work(Session(caller, ui))
    except Cancelled:
        message = "Đã huỷ: chưa chọn thư mục nào."
    except UserSheetsInTheWay as taken:
        message = (f'Sổ đã có sheet "{taken.name}" và "{taken.name} ({OWN_MARK})" do bạn tạo; thẻ '
                   f"{APP_TITLE} không ghi đè lên chúng. Đổi tên một trong hai sheet rồi bấm lại.")
        critical = True
    except UserError as error:
        path = write_log(title, _name(caller), f"UserError: {error}")
        message, critical = f"{error}\n\n(Nhật ký: {path})", True
    except Exception as error:
        path = write_log(title, _name(caller), traceback.format_exc())
        message = (f"{title} không thực hiện được vì một lỗi ngoài dự kiến ({type(error).__name__}).\n"
                   "Sổ của bạn không bị lưu thay đổi nào ngoài những gì đã hiện trên màn hình. "
                   "Hãy lưu sổ, đóng Excel, mở lại rồi thử lần nữa; nếu vẫn lỗi, gửi tệp nhật ký "
                   f"sau cho người hỗ trợ:\n{path}")
        critical = True
    try:
        ui.alert(message, f"{APP_TITLE} – {title}", critical=critical)
    except Exception:
        write_log(title, _name(caller), "Không hiện được hộp thông báo:\n" + traceback.format_exc())
    return message


def _no_caller(title: str) -> str:
    """``Book.caller()`` failed: say so in a Vietnamese message box, not on stderr (which RunPython
    shows only when Python exits with an error, in a MsgBox that turns Vietnamese letters to "?")."""
    path = write_log(title, "?", traceback.format_exc())
    message = (f"{title}: không tìm thấy sổ Excel gọi lệnh. Hãy mở sổ kế hoạch, lưu nó trên máy "
               f"(không mở từ e-mail hay trình duyệt), để cửa sổ của nó ở phía trước rồi bấm lại nút "
               f"trên thẻ {APP_TITLE}. Chi tiết: {path}")
    if not _alert_without_book(message, f"{APP_TITLE} – {title}"):
        print(message, file=sys.stderr)
        if "--from_xl=1" in sys.argv:  # RunPython: a non-zero exit makes it show stderr
            raise SystemExit(1)
    return message


def _active_app() -> xw.App:
    """The Excel that started this process (the one in front)."""
    app = xw.apps.active
    if app is None:
        raise TdktError("Không thấy Excel nào đang chạy.")
    return app


def _alert_without_book(message: str, title: str) -> bool:
    """Show ``message`` through Excel (``App.alert``), else Windows' own Unicode message box;
    False when neither could be shown."""
    try:
        _active_app().alert(message, title, mode="critical")
        return True
    except Exception:
        write_log(title, "?", "App.alert không hiện được:\n" + traceback.format_exc())
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, message, title, 0x10 | 0x40000)  # MB_ICONERROR|MB_TOPMOST
        return True
    return False


def _name(book: xw.Book) -> str:
    try:
        return str(book.name)
    except Exception:
        return "?"


def _read_plan(session: Session) -> tuple[list[Grid], Plan]:
    session.ui.progress("TĐKT: đang đọc sổ kế hoạch…")
    for name in own_sheet_names(RESULT_SHEET):
        # the addresses of its links follow the cells when rows are inserted: recalculated here in
        # case calculation is manual (Windows Excel; elsewhere the values Excel keeps are read)
        found = sheet_named(session.book, name)
        if found is not None:
            with contextlib.suppress(Exception):
                found.api.Calculate()
    grids = read_grids(session.book)
    names = {fold(grid.name) for grid in grids}
    if {fold(SUBMISSIONS_SHEET), fold(TOTALS_DETAIL_SHEET)} <= names:
        raise UserError(
            f'Sổ "{_name(session.book)}" là sổ tổng hợp (có sheet "{SUBMISSIONS_SHEET}"), không phải '
            "sổ kế hoạch: các nút Kiểm tra và Cập nhật trạng thái chỉ làm việc trên sổ kế hoạch. Hãy "
            "chuyển sang cửa sổ của sổ kế hoạch (thẻ View > Switch Windows) rồi bấm lại.")
    plan = read_plan(grids, file=_fullname(session.book))
    other = [p for p in plan.problems if p.code == Code.NOT_A_PLAN]  # a unit report (or a master)
    if other:
        raise UserError(f'Sổ "{_name(session.book)}": {other[0].message}\nCác nút Kiểm tra và Cập nhật '
                        "trạng thái chỉ làm việc trên sổ kế hoạch.")
    missing = [p for p in plan.problems if p.code == Code.SHEET_NOT_FOUND]
    if missing:
        raise UserError(
            f'Sổ "{_name(session.book)}" không phải sổ kế hoạch: {missing[0].message}\n'
            "Hãy mở sổ kế hoạch (có sheet Phụ lục hoặc Phân công) rồi bấm lại.")
    return grids, plan


def _fullname(book: xw.Book) -> str:
    try:
        return str(book.fullname)
    except Exception:
        return _name(book)


def _sheet(book: xw.Book, name: str) -> xw.Sheet:
    sheet = sheet_named(book, name)
    if sheet is None:
        raise UserError(f'Không thấy sheet "{name}" (vừa bị đổi tên?). Bấm lại.')
    return sheet


# --- Kiểm tra ------------------------------------------------------------------------


def _check(session: Session) -> str:
    grids, plan = _read_plan(session)
    statuses = plan_status(plan)
    session.ui.progress("TĐKT: đang đánh dấu các ô có lỗi…")
    _mark_problems(session.book, grids, plan)
    written = _write_results(session.book, plan, statuses)
    return content.check_message(plan, statuses, written)


RESULT_PREFIX = "Kết quả kiểm tra:"  # how result_title begins: the sheet is ours
_CELL = re.compile(r"^\s*([A-Z]{1,3})(\d+)\s*$|^\s*(\d+):\d+\s*$")


def previous_marks(grids: Iterable[Grid]) -> dict[str, set[tuple[Cell, bool]]]:
    """The cells an earlier Kiểm tra marked, from its "Kết quả kiểm tra" sheet: sheet ->
    {((row, column), filled)}.

    >>> g = Grid("Kết quả kiểm tra", [["Kết quả kiểm tra: 2 lỗi"], [], ["STT"],
    ...     [1, "Lỗi", "c", "PL", "B7", "m"], [2, "Cảnh báo", "c", "PL", "9:9", "m"]])
    >>> sorted(previous_marks([g])["PL"])
    [((7, 2), True), ((9, 1), False)]
    """
    marks: dict[str, set[tuple[Cell, bool]]] = {}
    ours = {name.casefold() for name in own_sheet_names(RESULT_SHEET)}
    for grid in grids:
        if grid.name.casefold() not in ours or not fold(grid.text(1, 1)).startswith(fold(RESULT_PREFIX)):
            continue
        for row in range(RESULT_FIRST_ROW, grid.max_row + 1):
            sheet, cell = grid.text(row, 4), grid.text(row, 5)
            found = _CELL.match(cell)
            if not sheet or not found:
                continue
            if found.group(1):
                place = (int(found.group(2)), _column_number(found.group(1)))
                marks.setdefault(sheet, set()).add((place, True))
            else:
                marks.setdefault(sheet, set()).add(((int(found.group(3)), 1), False))
    return marks


def _mark_problems(book: xw.Book, grids: list[Grid], plan: Plan) -> None:
    by_name = {g.name: g for g in grids}
    fills: dict[str, dict[Cell, str | None]] = {}
    notes: dict[str, dict[Cell, str]] = {}
    count = 0
    for problem in plan.problems:
        grid = by_name.get(problem.sheet or "")
        if grid is None or problem.row is None:
            continue
        if problem.column is not None:
            sheet_fills = fills.setdefault(grid.name, {})
            place = (problem.row, problem.column)
            if sheet_fills.get(place) != PROBLEM_FILLS["error"]:
                sheet_fills[place] = PROBLEM_FILLS[problem.severity]
        cell = mark_cell(problem, grid.merged)
        sheet_notes = notes.setdefault(grid.name, {})
        if cell is not None and (cell in sheet_notes or count < MAX_NOTES):
            count += cell not in sheet_notes
            text = note_text(problem)
            sheet_notes[cell] = f"{sheet_notes[cell]}\n{text}" if cell in sheet_notes else text
    old = previous_marks(grids)
    for name in sorted(set(fills) | set(notes) | set(old)):
        if name not in by_name:
            continue
        sheet = _sheet(book, name)
        sheet_fills = fills.get(name, {})
        cleared: dict[Cell, str | None] = {cell: None for cell, filled in old.get(name, set())
                                           if filled and cell not in sheet_fills}
        fill_cells(sheet, {**cleared, **sheet_fills})
        stale = [cell for cell, _ in old.get(name, set())]
        set_notes(sheet, notes.get(name, {}), replace=stale[:MAX_NOTES])


def _write_results(book: xw.Book, plan: Plan, statuses: list[TaskStatus]) -> str:
    """Write the "Kết quả kiểm tra" sheet; returns its name."""
    sheet = fresh_sheet(book, RESULT_SHEET, RESULT_PREFIX)
    names = [s.name for s in book.sheets]
    rows: list[list[object]] = [[result_title(plan, statuses)], [], list(RESULT_HEADERS)]
    for values, problem in zip(result_rows(plan, names), result_problems(plan.problems, names), strict=True):
        index, severity, code, code_title, sheet_name, cell, message = values
        target = link_target(problem, names)
        shown: object = content.link_formula(sheet_name, target, whole_row=problem.column is None) \
            if target else cell
        rows.append([index, severity, code, code_title, content.as_text(sheet_name), shown,
                     content.as_text(message)])
    if not plan.problems:
        rows.append([NO_PROBLEMS])
    write(sheet, 1, 1, rows)
    title = sheet.range("A1")
    title.font.bold = True
    title.font.size = 12
    style_header(block(sheet, 3, 1, 3, len(RESULT_HEADERS)), HEADER_FILL, BORDER_COLOR)
    last = RESULT_FIRST_ROW + len(plan.problems) - 1
    if plan.problems:
        table = block(sheet, RESULT_FIRST_ROW, 1, last, len(RESULT_HEADERS))
        set_borders(table, BORDER_COLOR)
        table.wrap_text = True
        color_by_value(block(sheet, RESULT_FIRST_ROW, 2, last, 2),
                       {"Lỗi": (PROBLEM_FILLS["error"], "9C0006"),
                        "Cảnh báo": (PROBLEM_FILLS["warning"], "9C5700")})
        block(sheet, RESULT_FIRST_ROW, RESULT_LINK_COLUMN, last, RESULT_LINK_COLUMN).font.color = \
            "#" + LINK_COLOR.lower()
    column_widths(sheet, RESULT_WIDTHS)
    try:
        sheet.freeze_panes.freeze_at(f"A{RESULT_FIRST_ROW}")
    except Exception:
        log.info("freeze panes not available", exc_info=True)
    if plan.problems:
        sheet.activate()
    return str(sheet.name)


# --- Cập nhật trạng thái ----------------------------------------------------------------


def _runs(columns: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous runs of columns as (first, last).

    >>> _runs([9, 7, 8, 12])
    [(7, 9), (12, 12)]
    """
    ordered = sorted(set(columns))
    runs: list[tuple[int, int]] = []
    for column in ordered:
        if runs and runs[-1][1] == column - 1:
            runs[-1] = (runs[-1][0], column)
        else:
            runs.append((column, column))
    return runs


def _update_status(session: Session, as_of: dt.date | None) -> str:
    grids, plan = _read_plan(session)
    day = as_of or plan.config.as_of or today_in_vietnam()
    statuses = plan_status(plan, day)
    by_sheet: dict[str, list[TaskStatus]] = {}
    for item in statuses:
        by_sheet.setdefault(item.task.sheet, []).append(item)
    by_name = {g.name: g for g in grids}
    session.ui.progress("TĐKT: đang ghi trạng thái…")
    colors = {status.value: pair for status, pair in STATUS_COLORS.items()}
    for task_sheet in plan.sheets:
        grid = by_name[task_sheet.name]
        sheet = _sheet(session.book, task_sheet.name)
        layout = status_columns(task_sheet, grid.max_column)
        for first, last in _runs(layout.new):
            titles = [[title for column, title in layout.headers() if first <= column <= last]]
            write(sheet, task_sheet.header_row, first, titles)
            style_header(block(sheet, task_sheet.header_row, first, task_sheet.header_row, last),
                         HEADER_FILL, BORDER_COLOR)
            column_widths(sheet, [layout.width(c) for c in range(first, last + 1)], first)
        items = by_sheet.get(task_sheet.name, [])
        # rows an earlier click wrote that are no longer tasks (a task deleted, a row cleared)
        earlier = [row for row in range(task_sheet.header_row + 1, grid.max_row + 1)
                   if any(grid.value(row, c) not in (None, "") for c in layout.columns)]
        if not items and not earlier:
            continue
        top = min([i.task.row for i in items] + earlier)
        bottom = max([i.task.row for i in items] + earlier)
        new_values = {i.task.row: status_row(i) for i in items}
        for first, last in _runs(layout.columns):
            rows: list[list[object]] = []
            for row in range(top, bottom + 1):
                values = new_values.get(row)
                rows.append([values[layout.columns.index(c)] if values is not None else None
                             for c in range(first, last + 1)])
            write(sheet, top, first, rows)
            cells = block(sheet, top, first, bottom, last)
            center(cells)
            set_borders(cells, BORDER_COLOR)
        due, status = layout.columns[1], layout.columns[3]
        block(sheet, top, due, bottom, due).number_format = DATE_FORMAT
        color_by_value(block(sheet, top, status, bottom, status), colors)
    return content.status_message(plan, statuses, day)


# --- Tạo mẫu báo cáo, Tổng hợp, Đôn đốc ---------------------------------------------------


def _folder(session: Session, given: str | Path | None, default_name: str, title: str, *,
            create: bool = False) -> Path:
    """``given``; else the folder the user picks in Excel's folder dialog (starting at
    ``default_name`` beside the plan, made first when ``create``); else, where there is no dialog,
    that default."""
    if given is not None:
        return Path(given)
    base = book_folder(session.book)
    default = base / default_name if base is not None else None
    if create and default is not None:
        try:  # so that OK in the dialog puts the files there, not loose beside the plan
            default.mkdir(exist_ok=True)
        except OSError:
            log.info("Cannot make %s", default, exc_info=True)
    start = default if default is not None and default.is_dir() else base
    picked = session.ui.pick_folder(title, start)
    if picked is not None:
        return picked
    if default is None:
        raise UserError("Sổ kế hoạch chưa được lưu vào máy nên chưa có thư mục mặc định. "
                        "Hãy lưu sổ (Tệp > Lưu thành, chọn một thư mục trên máy) rồi bấm lại.")
    return default


def _templates(session: Session, folder: str | Path | None) -> str:
    _, plan = _read_plan(session)
    if plan.units is None:
        raise UserError('Sổ kế hoạch chưa có sheet "Đơn vị" (Mã đơn vị, Tên đơn vị, Email) nên '
                        "chưa biết lập mẫu cho đơn vị nào. Thêm sheet đó rồi bấm lại.")
    from tdkt_xl.reports.template import reporting_units, template_paths, write_unit_reports

    try:
        units = reporting_units(plan)
    except ValueError as error:
        raise UserError(str(error)) from error
    target = _folder(session, folder, TEMPLATES_FOLDER, "Chọn thư mục lưu các mẫu báo cáo", create=True)
    session.ui.progress(f"TĐKT: đang tạo {len(units)} mẫu báo cáo…")
    try:
        written = write_unit_reports(plan, target)
    except OSError as error:
        raise UserError(f"Không ghi được vào thư mục {target} ({os_error_reason(error)}). "
                        "Chọn thư mục khác hoặc đóng các tệp mẫu đang mở rồi bấm lại.") from error
    errors = sum(1 for p in plan.problems if p.severity == "error")
    text = (f"Đã tạo {len(written)} sổ báo cáo (mỗi đơn vị một tệp <mã đơn vị>.xlsx) trong thư mục:\n"
            f"{target}\nGửi mỗi đơn vị tệp của mình; khi nhận về, để các tệp vào một thư mục "
            f"(ví dụ {INBOX_FOLDER} cạnh sổ kế hoạch) rồi bấm Tổng hợp.")
    kept = [path.name for _unit, path in template_paths(plan, target) if path not in written]
    if kept:
        listed = ", ".join(kept[:8]) + (" …" if len(kept) > 8 else "")
        text += (f"\n\nKhông ghi đè {len(kept)} tệp đã có nội dung (có thể là báo cáo đơn vị đã gửi "
                 f"về): {listed}. Muốn tạo lại mẫu cho các đơn vị đó, chọn một thư mục khác.")
    if errors:
        text = (f"Lưu ý: sổ kế hoạch còn {errors} lỗi (bấm Kiểm tra); mẫu lập theo các nhiệm vụ "
                f"đọc được.\n{text}")
    return text


def _inbox(session: Session, folder: str | Path | None) -> Path:
    inbox = _folder(session, folder, INBOX_FOLDER, "Chọn thư mục chứa báo cáo các đơn vị gửi về")
    if not inbox.is_dir():
        raise UserError(f"Không có thư mục {inbox}. Hãy để các tệp báo cáo đơn vị gửi về vào một "
                        f"thư mục (mặc định {INBOX_FOLDER} cạnh sổ kế hoạch) rồi bấm lại.")
    return inbox


def _counter(session: Session, label: str) -> Callable[[int, int], None]:
    shown = {"last": -1}

    def progress(done: int, total: int) -> None:
        step = max(1, total // 50)  # at most ~50 status bar updates, whatever the number of files
        if done == total or done - shown["last"] >= step:
            shown["last"] = done
            session.ui.progress(f"TĐKT: {label} {done}/{total} tệp…")

    return progress


def _consolidate(session: Session, folder: str | Path | None, master: str | Path | None,
                 as_of: dt.date | None) -> str:
    _, plan = _read_plan(session)
    inbox = _inbox(session, folder)
    base = book_folder(session.book) or inbox.parent
    target = Path(master) if master is not None else base / MASTER_FILE
    for other in session.book.app.books:
        if _fullname(other).casefold() == str(target).casefold():
            raise UserError(f"Sổ tổng hợp {target} đang mở. Đóng sổ đó rồi bấm Tổng hợp lại.")
    from tdkt_xl.consolidation.inbox import run_consolidation

    try:
        result = run_consolidation(plan, inbox, target, as_of=as_of,
                                   progress=_counter(session, "đã đọc"))
    except OSError as error:
        raise UserError(f"Không ghi được sổ tổng hợp {target} ({os_error_reason(error)}): tệp đang "
                        "mở ở máy khác hoặc thư mục chỉ cho đọc. Sổ tổng hợp luôn ghi cạnh sổ kế hoạch: "
                        "đóng tệp đó, hoặc lưu sổ kế hoạch vào một thư mục ghi được (Tệp > Lưu thành), "
                        "rồi bấm lại.") from error
    if not is_remote(session.book):
        try:
            session.book.app.books.open(str(target))
        except Exception:
            log.info("Cannot open %s", target, exc_info=True)
    return content.consolidation_message(result, str(target))


def read_inbox(plan: Plan, inbox: Path, as_of: dt.date | None = None,
               progress: Callable[[int, int], None] | None = None) -> Consolidation:
    """Consolidate ``inbox`` without writing a master (what Đôn đốc needs)."""
    from tdkt_xl.consolidation.inbox import consolidate_inbox

    return consolidate_inbox(plan, inbox, as_of=as_of, progress=progress)


def _units_reports(session: Session, folder: str | Path | None, as_of: dt.date | None,
                   need: str) -> tuple[Plan, Path, Consolidation]:
    """The plan, its inbox and its reports, for a button that needs the unit list (for ``need``)."""
    _, plan = _read_plan(session)
    if not plan.units:
        raise UserError(f'Sổ kế hoạch chưa có sheet "Đơn vị" nên chưa biết {need}. Thêm sheet '
                        "đó (Mã đơn vị, Tên đơn vị, Email) rồi bấm lại.")
    inbox = _inbox(session, folder)
    return plan, inbox, read_inbox(plan, inbox, as_of, _counter(session, "đã đọc"))


def _remind(session: Session, folder: str | Path | None, as_of: dt.date | None) -> str:
    plan, inbox, result = _units_reports(session, folder, as_of, "đơn vị nào phải nộp báo cáo")
    rows = content.reminder_rows(result, plan.year)
    sheet = fresh_sheet(session.book, content.REMINDER_SHEET, str(rows[0][0]))
    write(sheet, 1, 1, rows)
    title = sheet.range("A1")
    title.font.bold = True
    title.font.size = 13
    header = content.REMINDER_HEADER_ROW
    width = len(content.REMINDER_HEADERS)
    style_header(block(sheet, header, 1, header, width), HEADER_FILL, BORDER_COLOR)
    listed = max(1, len(content.to_remind(result)))
    table = block(sheet, header + 1, 1, header + listed, width)
    set_borders(table, BORDER_COLOR)
    block(sheet, header + 1, 5, header + listed, 5).number_format = DATE_FORMAT
    column_widths(sheet, content.REMINDER_WIDTHS)
    sheet.activate()
    from tdkt_xl.documents.reminder_letter import write_reminder_letter  # (python-docx: only here)

    letter = (book_folder(session.book) or inbox.parent) / REMINDER_LETTER_FILE
    try:
        write_reminder_letter(plan, result, letter)
    except OSError as error:
        raise UserError(f"Không ghi được công văn đôn đốc {letter} ({os_error_reason(error)}): tệp đang "
                        "mở trong Word? Đóng tệp đó rồi bấm Đôn đốc lại.") from None
    return f"{content.reminder_message(result)} Công văn đôn đốc (Word): {letter}."


def _draft(session: Session, folder: str | Path | None, as_of: dt.date | None) -> str:
    """Dự thảo báo cáo (issue 17): the draft Báo cáo tổng kết following the plan's đề cương."""
    plan, inbox, result = _units_reports(session, folder, as_of, "đơn vị nào báo cáo")
    session.ui.progress("TĐKT: đang viết dự thảo báo cáo…")
    try:
        target = write_draft(plan, result, book_folder(session.book) or inbox.parent)
    except DraftNotWritten as error:
        raise UserError(str(error)) from None
    open_in_word(target, local=not is_remote(session.book))
    return content.draft_message(result, str(target))


# --- Hướng dẫn -----------------------------------------------------------------------------


def _help(session: Session) -> str:
    rows = content.help_rows(str(log_path()))
    sheet = fresh_sheet(session.book, content.HELP_SHEET, str(rows[0][0]))
    write(sheet, 1, 1, rows)
    title = sheet.range("A1")
    title.font.bold = True
    title.font.size = 14
    style_header(block(sheet, 3, 1, 3, 2), HEADER_FILL, BORDER_COLOR)
    body = block(sheet, 4, 1, len(rows), 2)
    body.wrap_text = True
    column_widths(sheet, (22, 100))
    sheet.activate()
    return f'Đã mở sheet "{content.HELP_SHEET}".'
