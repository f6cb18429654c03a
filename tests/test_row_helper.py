"""The master's last rows made by a forked helper process: the same master as one process writes,
whatever the helper's share, and the same when the helper fails."""

from __future__ import annotations

import os
import signal
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdkt_xl.consolidation import row_helper
from tdkt_xl.consolidation.master_cells import CellWriter, RowFormat, RowStream, SheetRows
from tdkt_xl.consolidation.master_package import save_master
from tdkt_xl.consolidation.master_skeleton import SheetLayout, Skeleton, build_skeleton
from tdkt_xl.consolidation.row_helper import RowHelper, crc32_combine

pytestmark = pytest.mark.skipif(not row_helper.can_fork(), reason="the helper is forked (Linux)")

WIDTHS = (8, 30, 12)


def _sheets(lengths: list[int]) -> tuple[Skeleton, list[SheetRows], list[RowStream]]:
    """Sheets each with a stream of ``lengths[i]`` rows (texts long enough for row heights)."""
    layouts = [SheetLayout(f"S{i}", WIDTHS, n) for i, n in enumerate(lengths)]
    skeleton = build_skeleton(layouts)
    writer = CellWriter(skeleton.style_ids)
    sheets, streams = [], []
    for i, n in enumerate(lengths):
        sheet = SheetRows(f"S{i}", writer, WIDTHS)
        sheet.heading(f"Sheet {i}", ["Mã", "Nội dung", "Số"])
        items = [(f"DV{i}-{k}", "nội dung khá dài của một nhiệm vụ " * (k % 4), k) for k in range(n)]
        stream = RowStream([item[0] for item in items], items, lambda row: writer.cells(list(row)),
                           RowFormat(widths=WIDTHS))
        sheet.append_block(stream)
        sheet.append(["Cộng", None, n])
        sheets.append(sheet)
        streams.append(stream)
    return skeleton, sheets, streams


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every member's CRC and length as the directory says
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _alone(tmp_path: Path, lengths: list[int]) -> dict[str, bytes]:
    skeleton, sheets, _ = _sheets(lengths)
    save_master(skeleton, sheets, tmp_path / "alone.xlsx", helper_rows=10**9)
    return _parts(tmp_path / "alone.xlsx")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crc32_combine(first: bytes, second: bytes) -> None:
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


def test_crc32_combine_past_the_zeros_kept() -> None:
    second = os.urandom(100) * 30_000  # 3 MB: more zeros than the megabyte kept
    assert crc32_combine(zlib.crc32(b"abc"), zlib.crc32(second), len(second)) == zlib.crc32(b"abc" + second)


@pytest.mark.parametrize("share", [0.0, 0.1, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("lengths", [[40, 0, 25, 1], [100], [0, 0, 3]])
def test_the_same_master_whatever_the_helper_makes(tmp_path: Path, lengths: list[int], share: float,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Cuts inside a stream, at its ends, across several: every part as one process writes it."""
    expected = _alone(tmp_path, lengths)
    started: list[RowHelper] = []
    original = RowHelper.start.__func__  # type: ignore[attr-defined]

    def start(cls: type[RowHelper], streams: Any, **_: Any) -> RowHelper | None:
        helper = original(cls, streams, least_rows=0, share=share)
        started.append(helper)
        return helper

    monkeypatch.setattr(RowHelper, "start", classmethod(start))
    skeleton, sheets, streams = _sheets(lengths)
    save_master(skeleton, sheets, tmp_path / "helped.xlsx")
    assert _parts(tmp_path / "helped.xlsx") == expected
    total = sum(lengths)
    made_here = sum(started[0].cut(stream) for stream in streams)
    assert made_here == total - round(total * share)  # the helper made the last rows


def _fail_in_the_helper(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper (a forked child) raises, is killed, or sends nothing but ends well."""
    parent = os.getpid()
    made, shares = row_helper.deflated_rows, RowHelper._shares

    def deflated_rows(stream: RowStream, start: int) -> Any:
        if os.getpid() != parent:
            if how == "raises":
                raise MemoryError
            os.kill(os.getpid(), signal.SIGKILL)
        return made(stream, start)  # (the fallback, made here)

    def no_shares(self: RowHelper) -> Any:
        return [] if os.getpid() != parent else shares(self)

    if how == "sends nothing":
        monkeypatch.setattr(RowHelper, "_shares", no_shares)
    else:
        monkeypatch.setattr(row_helper, "deflated_rows", deflated_rows)


@pytest.mark.parametrize("how", ["raises", "killed", "sends nothing"])
def test_a_failed_helper_leaves_the_same_master(tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    lengths = [60, 30]
    expected = _alone(tmp_path, lengths)
    _fail_in_the_helper(how, monkeypatch)
    skeleton, sheets, _ = _sheets(lengths)
    save_master(skeleton, sheets, tmp_path / "helped.xlsx", helper_rows=1)
    assert _parts(tmp_path / "helped.xlsx") == expected
    assert "made here" in caplog.text


@pytest.mark.parametrize("data", [b"\x00" * 5, row_helper._SHARE.pack(0, 10, 3, 4) + b"short",
                                  (row_helper._SHARE.pack(0, 1, 1, 0) + b"x") * 2])
def test_what_is_not_the_helpers_answer_is_refused(data: bytes) -> None:
    """Cut off, or a stream's share twice."""
    assert row_helper._unpacked(data) is None
    assert row_helper._unpacked(row_helper._SHARE.pack(2, 1, 5, 9) + b"x") == {2: (b"x", 5, 9)}


def test_a_small_master_is_written_by_one_process() -> None:
    _, _, streams = _sheets([10, 5])
    assert RowHelper.start(streams, least_rows=16) is None
    helper = RowHelper.start(streams, least_rows=15)
    assert helper is not None
    helper.close()


def test_a_helper_not_waited_for_is_stopped_and_reaped() -> None:
    """The master failed on the way (a full disk): the helper is killed and leaves no zombie."""
    _, _, streams = _sheets([400])
    helper = RowHelper.start(streams, least_rows=1)
    assert helper is not None and helper.pid is not None
    pid = helper.pid
    helper.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    helper.close()  # twice: nothing more


def test_a_master_that_cannot_be_written_stops_its_helper(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    skeleton, sheets, _ = _sheets([300])
    closed: list[int] = []
    close = RowHelper.close

    def recording_close(self: RowHelper) -> None:
        closed.append(self.pid or 0)
        close(self)

    monkeypatch.setattr(RowHelper, "close", recording_close)
    with pytest.raises(OSError):
        save_master(skeleton, sheets, tmp_path / "no_such_folder" / "m.xlsx", helper_rows=1)
    assert len(closed) == 1 and closed[0] > 0
    with pytest.raises(ChildProcessError):
        os.waitpid(closed[0], os.WNOHANG)
