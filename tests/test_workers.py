"""read_values / read_values_openpyxl / read_many: every path once, a bad file costs one file.

Readers that crash, hang or hog memory are injected through ``read_many(reader=...)``;
they are module-level so that worker processes can import them. Files that abort
python-calamine are only ever read in worker processes here.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import faulthandler
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import WORKBOOK, raw_xlsx, sheet_xml
from openpyxl import Workbook

from tdkt_xl.intake import worker_pool
from tdkt_xl.intake.book_readers import RawBook, read_values, read_values_openpyxl
from tdkt_xl.intake.safety import Limits, RejectedFile, Rejection
from tdkt_xl.intake.worker_pool import ReadResult, read_many
from tdkt_xl.plans.grids import ExcelError, FormulaWithoutValue

LINUX = sys.platform.startswith("linux")

# --- readers injected into the workers ----------------------------------------


def crashing_reader(path: Path, limits: Limits) -> RawBook:
    if path.name.startswith("crash"):
        os.abort()
    return read_values(path, limits)


def hanging_reader(path: Path, limits: Limits) -> RawBook:
    if path.name.startswith("slow"):
        time.sleep(120)
    return read_values(path, limits)


def hungry_reader(path: Path, limits: Limits) -> RawBook:
    if path.name.startswith("hog"):
        hoard = bytearray(4 << 30)  # far beyond memory_mb
        return RawBook({"x": [[float(len(hoard))]]})
    return read_values(path, limits)


def rust_oom_reader(path: Path, limits: Limits) -> RawBook:
    """What a Rust allocation failure looks like from outside: a message on stderr, then abort."""
    if path.name.startswith("oom"):
        os.write(2, b"memory allocation of 68719476736 bytes failed\n")
        os.abort()
    return read_values(path, limits)


def killed_reader(path: Path, limits: Limits) -> RawBook:
    if path.name.startswith("killed"):
        os.kill(os.getpid(), signal.SIGKILL)
    return read_values(path, limits)


class FakePanic(BaseException):
    """Like pyo3's PanicException: not an Exception subclass."""


def failing_reader(path: Path, limits: Limits) -> RawBook:
    if path.name.startswith("panic"):
        raise FakePanic("called `Option::unwrap()` on a `None` value")
    raise ValueError("cấu trúc sheet không hợp lệ")


def short_sleep_reader(path: Path, limits: Limits) -> RawBook:
    if path.name.startswith("slow"):
        time.sleep(1.5)
    return read_values(path, limits)


# --- fixture helpers ---------------------------------------------------------

def small_book(path: Path) -> Path:
    """A 3-sheet report like the ones units send back."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for number in range(3):
        sheet = workbook.create_sheet(f"Phụ lục {number + 1}")
        sheet.append(["STT", "Nội dung", "Đơn vị thực hiện", "Thời hạn"])
        for row in range(1, 31):
            sheet.append([row, f"Nhiệm vụ {row}", "Sở Nội vụ", dt.date(2024, 1 + row % 12, 1 + row % 28)])
    workbook.save(path)
    return path


def copies(source: Path, folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        target = folder / name
        shutil.copyfile(source, target)
        paths.append(target)
    return paths


def typed_book(path: Path) -> Path:
    """Every kind of value a report holds, plus a hidden and a very hidden sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Phụ lục"
    sheet["A1"] = "BÁO CÁO KẾT QUẢ"
    sheet.append([])
    sheet.append(["STT", "Nội dung", "Số", "Ngày", "Ghi chú"])
    values: list[float | str] = [1, 2.5, -3, 10**15, 1 / 3, True, False, "Dòng 1\nDòng 2", "Ghi chú",
                                 "Sở Nội vụ"]
    for offset, value in enumerate(values):
        sheet.cell(4 + offset, 3, value)
    dates: list[tuple[dt.date | dt.time | dt.timedelta, str]] = [
             (dt.date(2024, 3, 1), "dd/mm/yyyy"), (dt.datetime(2024, 3, 1, 8, 30), "dd/mm/yyyy hh:mm"),
             (dt.time(8, 30), "h:mm"), (dt.date(2024, 12, 31), "[$-42A]dd/mm/yyyy"),
             (dt.date(2025, 1, 15), "dd/mm/yyyy;@"), (dt.timedelta(days=1, hours=2), "[h]:mm:ss")]
    for offset, (moment, number_format) in enumerate(dates):
        cell = sheet.cell(4 + offset, 4, moment)
        cell.number_format = number_format
    text = sheet.cell(4, 5, "=không phải công thức")
    text.data_type = "s"
    sheet.cell(5, 5, "#N/A")  # openpyxl stores this as an error cell
    sheet.cell(6, 5, "'#N/A")
    sheet.cell(7, 5, 0.25).number_format = "0%"
    sheet.cell(20, 8, "ô xa")
    offset_sheet = workbook.create_sheet("Bắt đầu ở C5")
    offset_sheet["C5"] = "góc"
    offset_sheet["D6"] = 42
    workbook.create_sheet("Trống")
    hidden = workbook.create_sheet("Ẩn")
    hidden["A1"] = "ẩn"
    hidden.sheet_state = "hidden"
    identity = workbook.create_sheet("_tdkt_xl")
    identity.append(["plan_id", "KH-2024-01"])
    identity.append(["template_version", "1"])
    identity.sheet_state = "veryHidden"
    workbook.save(path)
    return path


RAW_WORKBOOK = WORKBOOK.replace('name="Sheet1"', 'name="Công thức"')
RAW_SHARED_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
    '<si><t>Sở Tư pháp</t></si><si><r><t xml:space="preserve">chữ </t></r>'
    "<r><rPr><b/></rPr><t>đậm</t></r></si></sst>"
)


def raw_book(path: Path, cells: str) -> Path:
    """A workbook whose one sheet is written as XML: formulas with cached values, typed cells."""
    return raw_xlsx(path, sheet=sheet_xml(cells, dimension=None), sst=RAW_SHARED_STRINGS,
                    extra={"xl/workbook.xml": RAW_WORKBOOK})


FORMULA_CELLS = (
    '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
    '<c r="C1" t="b"><v>1</v></c><c r="D1" t="e"><f>NA()</f><v>#N/A</v></c><c r="E1" t="s"><v>0</v></c>'
    '<c r="F1" t="inlineStr"><is><t>=không phải công thức</t></is></c><c r="G1" t="s"><v>1</v></c></row>'
    '<row r="3"><c r="B3" t="e"><v>#DIV/0!</v></c></row>'
    '<row r="4"><c r="A4"><f>A1*2</f></c><c r="C4" t="e"><v>#REF!</v></c><c r="D4" t="e"><v>#VALUE!</v></c>'
    '<c r="E4" t="e"><v>#NAME?</v></c><c r="F4" t="e"><v>#NUM!</v></c><c r="G4" t="e"><v>#NULL!</v></c></row>'
    '<row r="5"><c r="A5" t="inlineStr"><is><t xml:space="preserve">  cách lề </t></is></c>'
    '<c r="B5" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>'
)


def typed(book: RawBook) -> object:
    """A RawBook with the type of every value, so that 1 == 1.0 == True does not hide a difference."""
    sheets = {name: [[(type(value).__name__, value, getattr(value, "formula", None)) for value in row]
                     for row in rows]
              for name, rows in book.sheets.items()}
    return sheets, book.hidden_sheets, book.very_hidden_sheets


def codes(results: list[ReadResult]) -> dict[str, str]:
    return {r.path.name: (r.rejection.code if r.rejection else "ok") for r in results}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_book(tmp_path_factory.mktemp("mau") / "mau.xlsx")


# --- reading one file --------------------------------------------------------

def test_read_values_types(tmp_path: Path) -> None:
    book = read_values(typed_book(tmp_path / "kieu.xlsx"))
    rows = book.sheets["Phụ lục"]
    assert rows[0] == ["BÁO CÁO KẾT QUẢ"] and rows[1] == []
    numbers = [rows[3 + n][2] for n in range(10)]
    assert numbers == [1.0, 2.5, -3.0, 1e15, 1 / 3, True, False, "Dòng 1\nDòng 2", "Ghi chú", "Sở Nội vụ"]
    assert all(type(value) is float for value in numbers[:5])  # whole numbers stay float
    assert [rows[3 + n][3] for n in range(6)] == [
        dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 8, 30), dt.time(8, 30), dt.date(2024, 12, 31),
        dt.date(2025, 1, 15), dt.timedelta(days=1, hours=2)]
    assert type(rows[3][3]) is dt.date
    assert rows[3][4] == "=không phải công thức" and type(rows[3][4]) is str
    assert rows[4][4] == "#N/A" and isinstance(rows[4][4], ExcelError)
    assert rows[5][4] == "'#N/A" and not isinstance(rows[5][4], ExcelError)
    assert rows[6][4] == 0.25
    assert rows[19] == [None] * 7 + ["ô xa"]
    assert book.sheets["Bắt đầu ở C5"] == [[], [], [], [], [None, None, "góc"], [None, None, None, 42.0]]
    assert book.sheets["Trống"] == []
    assert book.sheets["_tdkt_xl"] == [["plan_id", "KH-2024-01"], ["template_version", "1"]]
    assert book.hidden_sheets == ("Ẩn", "_tdkt_xl")
    assert book.very_hidden_sheets == ("_tdkt_xl",)
    assert list(book.sheets) == ["Phụ lục", "Bắt đầu ở C5", "Trống", "Ẩn", "_tdkt_xl"]


def test_read_values_formulas_and_errors(tmp_path: Path) -> None:
    book = read_values(raw_book(tmp_path / "cong_thuc.xlsx", FORMULA_CELLS))
    rows = book.sheets["Công thức"]
    assert rows[0] == [2.0, "ab", True, "#N/A", "Sở Tư pháp", "=không phải công thức", "chữ đậm"]
    assert isinstance(rows[0][3], ExcelError) and not isinstance(rows[0][1], ExcelError)
    assert rows[1] == []
    assert rows[2] == [None, ExcelError("#DIV/0!")] and isinstance(rows[2][1], ExcelError)
    assert rows[3] == ["", None, "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
    assert all(isinstance(value, ExcelError) for value in rows[3][2:])
    # a formula the file keeps no value of (written by a program that does not calculate)
    assert isinstance(rows[3][0], FormulaWithoutValue) and rows[3][0].formula == "=A1*2"
    assert rows[4] == ["  cách lề ", " "]  # kept when the file says xml:space="preserve", as Excel does


def test_newer_error_values_fall_back_to_openpyxl(tmp_path: Path) -> None:
    """calamine refuses #SPILL!, #CALC!…: read_values reads such a file with openpyxl."""
    cells = '<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="e"><f>SEQUENCE(3)</f><v>#SPILL!</v></c></row>'
    book = read_values(raw_book(tmp_path / "spill.xlsx", cells))
    assert book.sheets["Công thức"] == [[1.0, "#SPILL!"]]
    assert isinstance(book.sheets["Công thức"][0][1], ExcelError)


def test_read_values_rejects_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "trang.xlsx"
    path.write_text("<html><body>Trang web</body></html>")
    with pytest.raises(RejectedFile) as raised:
        read_values(path)
    assert raised.value.rejection.code == "not-excel-html"
    with pytest.raises(RejectedFile):
        read_values_openpyxl(path)


def test_openpyxl_fallback_equals_calamine(tmp_path: Path, report: Path) -> None:
    files = [typed_book(tmp_path / "kieu.xlsx"), raw_book(tmp_path / "cong_thuc.xlsx", FORMULA_CELLS),
             report]
    sample = Path(__file__).resolve().parent.parent / "workbooks" / "ke_hoach_mau.xlsx"
    if sample.exists():
        files.append(sample)
    for path in files:
        calamine, openpyxl = read_values(path), read_values_openpyxl(path)
        assert typed(calamine) == typed(openpyxl), path.name
        assert calamine == openpyxl


def test_both_readers_agree_through_workers(tmp_path: Path) -> None:
    paths = [typed_book(tmp_path / "kieu.xlsx"), raw_book(tmp_path / "cong_thuc.xlsx", FORMULA_CELLS)]
    by_calamine = {r.path: r.book for r in read_many(paths, workers=2)}
    by_openpyxl = {r.path: r.book for r in read_many(paths, workers=2, reader=read_values_openpyxl)}
    assert by_calamine == by_openpyxl
    assert all(book is not None for book in by_calamine.values())
    for path in paths:
        book_a, book_b = by_calamine[path], by_openpyxl[path]
        assert book_a is not None and book_b is not None
        assert typed(book_a) == typed(book_b)  # ExcelError and dates survive the trip back


# --- many files --------------------------------------------------------------

def test_every_path_exactly_once(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", [f"don_vi_{n:02d}.xlsx" for n in range(40)])
    empty = tmp_path / "hop_thu" / "rong.xlsx"
    empty.write_bytes(b"")
    paths.append(empty)
    results = list(read_many(paths, workers=2))
    assert Counter(r.path for r in results) == Counter(paths)
    assert codes(results)["rong.xlsx"] == "empty-file"
    good = [r for r in results if r.ok]
    assert len(good) == 40 and all(r.rejection is None and r.seconds >= 0 for r in good)
    book = good[0].book
    assert book is not None and book.sheets["Phụ lục 1"][1][:3] == [1.0, "Nhiệm vụ 1", "Sở Nội vụ"]
    assert list(read_many([], workers=2)) == []


def test_hostile_files_cost_one_file_each(tmp_path: Path, report: Path) -> None:
    folder = tmp_path / "hop_thu"
    paths = copies(report, folder, ["a.xlsx", "b.xlsx"])
    (folder / "trang.xlsx").write_text("<html><body>x</body></html>")
    far = folder / "xa.xlsx"
    raw_book(far, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    paths += [folder / "trang.xlsx", far]
    results = list(read_many(paths, workers=2))
    assert codes(results) == {"a.xlsx": "ok", "b.xlsx": "ok", "trang.xlsx": "not-excel-html",
                              "xa.xlsx": "oversized-sheet"}


@pytest.mark.parametrize("cells", [
    '<row s="1" r="1048576"><c s="1" r="XFD1048576"><v>1</v></c></row>',  # r= not first
    '<row r="3"><c s="1" r="XFD3"><v>1</v></c></row><row r="2"><c r="A1048576"><v>1</v></c></row>',
])
def test_far_cell_quick_scan_misses_is_rejected_with_its_cause(tmp_path: Path, report: Path,
                                                               cells: str) -> None:
    """quick_scan takes r= where Excel writes it on trust; the reader's process pays for the rest.

    calamine then fails (abort, out of memory) in its worker or raises; either way the file
    is read again alone, scan_package names the cause and the other files are read.
    """
    folder = tmp_path / "hop_thu"
    paths = copies(report, folder, ["a.xlsx", "b.xlsx", "c.xlsx"])
    far = raw_book(folder / "xa.xlsx", cells)
    results = list(read_many([*paths, far], workers=2, memory_mb=512))
    assert codes(results) == {"a.xlsx": "ok", "b.xlsx": "ok", "c.xlsx": "ok", "xa.xlsx": "oversized-sheet"}


@pytest.mark.slow
def test_crashing_worker_rejects_only_that_file(tmp_path: Path, report: Path) -> None:
    names = [f"don_vi_{n}.xlsx" for n in range(8)]
    names.insert(3, "crash.xlsx")
    paths = copies(report, tmp_path / "hop_thu", names)
    results = list(read_many(paths, workers=2, reader=crashing_reader))
    assert Counter(r.path for r in results) == Counter(paths)
    found = codes(results)
    assert found.pop("crash.xlsx") == "crashed-reader"
    assert set(found.values()) == {"ok"}
    crash = next(r for r in results if r.path.name == "crash.xlsx")
    assert crash.rejection is not None and "lỗi nghiêm trọng" in crash.rejection.reason
    assert "SIGABRT" in crash.rejection.reason


@pytest.mark.slow
def test_two_crashing_files_in_many(tmp_path: Path, report: Path) -> None:
    names = [f"don_vi_{n:02d}.xlsx" for n in range(30)]
    names[5], names[22] = "crash_1.xlsx", "crash_2.xlsx"
    paths = copies(report, tmp_path / "hop_thu", names)
    results = list(read_many(paths, workers=2, reader=crashing_reader))
    assert Counter(r.path for r in results) == Counter(paths)
    found = codes(results)
    assert found.pop("crash_1.xlsx") == found.pop("crash_2.xlsx") == "crashed-reader"
    assert set(found.values()) == {"ok"}


@pytest.mark.slow
def test_hanging_reader_times_out_and_others_are_read(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", ["a.xlsx", "slow.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"])
    started = time.monotonic()
    results = list(read_many(paths, workers=2, timeout_s=2, reader=hanging_reader))
    elapsed = time.monotonic() - started
    found = codes(results)
    assert found.pop("slow.xlsx") == "timeout"
    assert set(found.values()) == {"ok"} and len(results) == 5
    slow = next(r for r in results if r.path.name == "slow.xlsx")
    assert slow.rejection is not None and slow.rejection.reason.startswith("Đọc tệp quá 2 giây")
    assert 2 <= slow.seconds < 10
    assert elapsed < 15


_READ_CHUNK = worker_pool._read_chunk


def stuck_once_chunk(reader: object, tasks: list[tuple[int, str]], limits: Limits) -> object:
    """The first chunk of all sticks its worker outside any file (as a lock inherited held at the
    fork would): the worker never says it reads, and never ends."""
    try:
        os.close(os.open(Path(tasks[0][1]).parent / "stuck", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return _READ_CHUNK(reader, tasks, limits)  # type: ignore[arg-type]
    time.sleep(3600)
    return []


@pytest.mark.skipif(not LINUX, reason="the test's chunk reaches the workers by fork")
def test_workers_stuck_outside_any_file_are_replaced(tmp_path: Path, report: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_pool, "_read_chunk", stuck_once_chunk)
    paths = copies(report, tmp_path / "hop_thu", [f"{letter}.xlsx" for letter in "abcdef"])
    before = {process.pid for process in multiprocessing.active_children()}
    results = list(read_many(paths, workers=2, timeout_s=1))
    assert (tmp_path / "hop_thu" / "stuck").exists()  # (the test did stick a worker)
    assert Counter(r.path for r in results) == Counter(paths)
    assert set(codes(results).values()) == {"ok"}
    assert not {process.pid for process in multiprocessing.active_children()} - before


@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="RLIMIT_AS: Linux only (not on Windows; macOS ignores it)")
def test_memory_hog_is_rejected(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", ["a.xlsx", "hog.xlsx", "b.xlsx"])
    results = list(read_many(paths, workers=2, memory_mb=256, reader=hungry_reader))
    found = codes(results)
    assert found == {"a.xlsx": "ok", "hog.xlsx": "out-of-memory", "b.xlsx": "ok"}


@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="signals and stderr capture as on Linux")
def test_native_out_of_memory_and_kill_by_the_os(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", ["a.xlsx", "oom.xlsx", "b.xlsx"])
    assert codes(list(read_many(paths, workers=2, reader=rust_oom_reader)))["oom.xlsx"] == "out-of-memory"
    paths = copies(report, tmp_path / "hop_thu_2", ["a.xlsx", "killed.xlsx", "b.xlsx"])
    found = codes(list(read_many(paths, workers=2, reader=killed_reader)))
    assert found == {"a.xlsx": "ok", "killed.xlsx": "out-of-memory", "b.xlsx": "ok"}


def test_any_exception_becomes_unreadable(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", ["a.xlsx", "panic.xlsx"])
    results = {r.path.name: r.rejection for r in read_many(paths, workers=2, reader=failing_reader)}
    plain, panic = results["a.xlsx"], results["panic.xlsx"]
    assert isinstance(plain, Rejection) and plain.code == "unreadable"
    # (issue 15: the exception's class and its English text go to the log, not to the reason)
    assert "ValueError" not in plain.reason and "không hiểu cấu trúc tệp" in plain.reason
    assert isinstance(panic, Rejection) and panic.code == "unreadable" and "FakePanic" not in panic.reason
    assert "unwrap" not in panic.reason


@pytest.mark.slow
def test_closing_early_does_not_wait_for_a_hanging_file(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", ["slow.xlsx", "a.xlsx", "b.xlsx"])
    started = time.monotonic()
    results = read_many(paths, workers=2, timeout_s=60, reader=hanging_reader)
    first = next(results)
    assert first.ok
    results.close()  # type: ignore[attr-defined]
    assert time.monotonic() - started < 10


def test_callers_executor_gets_only_the_time_limit(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", ["a.xlsx", "slow.xlsx", "b.xlsx"])
    with cf.ThreadPoolExecutor(max_workers=2) as executor:
        results = list(read_many(paths, workers=2, timeout_s=0.5, executor=executor,
                                 reader=short_sleep_reader))
    assert codes(results) == {"a.xlsx": "ok", "slow.xlsx": "timeout", "b.xlsx": "ok"}


def test_callers_process_pool_that_breaks(tmp_path: Path, report: Path) -> None:
    paths = copies(report, tmp_path / "hop_thu", ["crash.xlsx"])
    with cf.ProcessPoolExecutor(max_workers=1, initializer=faulthandler.disable) as executor:
        results = list(read_many(paths, executor=executor, reader=crashing_reader))
    assert codes(results) == {"crash.xlsx": "crashed-reader"}


def test_a_pool_that_broke_after_the_last_wait_queues_its_files_again(tmp_path: Path) -> None:
    """A worker can die after ``cf.wait`` said nothing was done: the next submit then finds the
    pool broken. The files are queued again (the one being read as a suspect, read alone next),
    never lost, and the run does not stop with BrokenProcessPool."""
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    from tdkt_xl.intake import worker_pool

    class BreakingExecutor:
        calls = 0

        def submit(self, *args: object, **kwargs: object) -> cf.Future[list[object]]:
            self.calls += 1
            if self.calls > 1:
                raise BrokenProcessPool("a child process terminated abruptly")
            return cf.Future()  # taken, never done: its worker dies while reading file 2

    class Pool:
        executor = BreakingExecutor()
        closed = False
        given = 0
        share = 100

        def running(self) -> dict[int, float]:
            return {2: time.monotonic()}

        def close(self, kill: bool = False) -> None:
            self.closed = True

    pool = Pool()
    queues = worker_pool._Queues(deque([2, 3, 4]))
    paths = [tmp_path / f"{n}.xlsx" for n in range(5)]
    results = list(worker_pool._read_in_pool(pool, queues, paths, crashing_reader, Limits(),  # type: ignore[arg-type]
                                             workers=2, size=1, poll=0.01, timeout_s=60))
    assert results == [] and pool.closed
    assert list(queues.suspects) == [2]
    assert list(queues.pending) == [3, 4]


# --- a fresh pool after FILES_PER_POOL files ------------------------------------------------


def pid_reader(path: Path, limits: Limits) -> RawBook:
    """The pid of the worker that read the file, and whether it is in the middle of a crash test."""
    if path.name.startswith("crash"):
        os.abort()
    return RawBook({"pid": [[float(os.getpid())]]})


@pytest.mark.skipif(not LINUX, reason="pools of forked workers")
@pytest.mark.parametrize("per_pool", [1, 4, 7, 100])
def test_a_fresh_pool_after_so_many_files(tmp_path: Path, report: Path, monkeypatch: pytest.MonkeyPatch,
                                          per_pool: int) -> None:
    monkeypatch.setattr(worker_pool, "FILES_PER_POOL", per_pool)
    made: list[int] = []
    original = worker_pool._Pool.__init__

    def counted(self: worker_pool._Pool, *args: object) -> None:
        made.append(1)
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(worker_pool._Pool, "__init__", counted)
    paths = copies(report, tmp_path / "hop_thu", [f"don_vi_{n:02d}.xlsx" for n in range(23)])
    results = list(read_many(paths, workers=2, reader=pid_reader))
    assert Counter(r.path for r in results) == Counter(paths)  # every file once, none lost
    assert all(r.ok for r in results)
    assert len(made) == -(-23 // per_pool)  # a pool for each FILES_PER_POOL files, no more
    pids = {int(r.book.sheets["pid"][0][0]) for r in results if r.book is not None}
    assert len(pids) <= 2 * len(made) and (per_pool == 100 or len(pids) > 2)


@pytest.mark.skipif(not LINUX, reason="pools of forked workers")
def test_a_crash_in_a_later_pool_costs_one_file(tmp_path: Path, report: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_pool, "FILES_PER_POOL", 5)
    names = [f"don_vi_{n:02d}.xlsx" for n in range(12)]
    names[8] = "crash_08.xlsx"
    paths = copies(report, tmp_path / "hop_thu", names)
    results = list(read_many(paths, workers=2, reader=pid_reader))
    assert Counter(r.path for r in results) == Counter(paths)
    assert {name: code for name, code in codes(results).items() if code != "ok"} == {
        "crash_08.xlsx": "crashed-reader"}


@pytest.mark.skipif(not LINUX, reason="pools of forked workers")
def test_head_start_gives_its_pool_no_more_than_its_share(tmp_path: Path, report: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_pool, "FILES_PER_POOL", 6)
    paths = copies(report, tmp_path / "hop_thu", [f"don_vi_{n:02d}.xlsx" for n in range(20)])
    head = worker_pool.HeadStart(paths, workers=2, reader=pid_reader)
    time.sleep(0.5)  # (it feeds its pool on its own meanwhile)
    assert head.pool is not None and head.pool.given <= 6
    results = list(read_many(paths, workers=2, reader=pid_reader, head_start=head))
    assert Counter(r.path for r in results) == Counter(paths)


def test_only_forked_pools_are_handed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers started anew (spawn, as on Windows) share no pages with the parent and take a second
    to start: their pool is given every file."""
    monkeypatch.setattr(worker_pool, "FILES_PER_POOL", 5)
    spawned = worker_pool._Pool(multiprocessing.get_context("spawn"), 1, 1024)
    try:
        spawned.given = 1_000_000
        assert spawned.share > 1_000_000
    finally:
        spawned.close()
    if LINUX:
        forked = worker_pool._Pool(multiprocessing.get_context("fork"), 1, 1024)
        try:
            forked.given = 3
            assert forked.share == 2
        finally:
            forked.close()
