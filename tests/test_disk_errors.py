"""Issue 15, disk full and other OS errors: a full disk (or a read-only one, or a share gone)
at the master, at its backup or at the ledger ends the run with exit 2 and a Vietnamese message
naming the path and what to do, leaves the previous master, its backup and the ledger as they
were, and no temporary or half-written file behind."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import NIGHTLY_AS_OF, OLD

from tdkt_xl import atomic
from tdkt_xl.atomic import atomic_copy, atomic_path, atomic_write_text, backup_path
from tdkt_xl.cli import cli
from tdkt_xl.consolidation import master as master_module
from tdkt_xl.consolidation.inbox import run_consolidation
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.nightly import run as nightly_run
from tdkt_xl.nightly.ledger import Ledger
from tdkt_xl.nightly.run import ledger_error_message, run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.plans.text import os_error_advice, os_error_message, os_error_reason

AS_OF = NIGHTLY_AS_OF
FULL = "hết chỗ trống trên đĩa"
FREE = "Giải phóng chỗ trống"
RENAME = "Đổi tên"


def _full(path: object = None) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), *([] if path is None else [str(path)]))


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The masters and their backups in ``folder`` (the ledger and its caches are checked apart)."""
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.xlsx")) if p.is_file()}


def _no_temp_files(folder: Path) -> None:
    hidden = [p.name for p in folder.rglob(".*") if p.is_file() and not p.name.endswith((".lock", ".json"))]
    assert hidden == []


# --- where the disk fills up -------------------------------------------------------------------

def _at_master(monkeypatch: pytest.MonkeyPatch) -> None:
    real = master_module.save_master

    def half_then_full(skeleton: Any, sheets: Any, temp: Path, *rest: Any) -> None:
        real(skeleton, sheets, temp, *rest)
        with temp.open("r+b") as handle:  # half of it made it to the disk
            handle.truncate(temp.stat().st_size // 2)
        raise _full()  # as a write() says it: no file named

    monkeypatch.setattr(master_module, "save_master", half_then_full)


def _at_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    real = atomic.shutil.copystat

    def full_on_backup(source: Any, target: Any, **kwargs: Any) -> None:
        if ".bak" in Path(target).name:
            with Path(target).open("r+b") as handle:
                handle.truncate(100)
            raise _full()
        real(source, target, **kwargs)

    monkeypatch.setattr(atomic.shutil, "copystat", full_on_backup)


def _at_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(source: Any, target: Any) -> None:
        raise _full(target)

    monkeypatch.setattr(atomic.os, "replace", full)


WHERE: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "master": _at_master, "backup": _at_backup, "rename": _at_replace}


# --- the one-off consolidation -----------------------------------------------------------------

@pytest.fixture
def consolidation(demo_source: Path, tmp_path: Path) -> tuple[Any, Path, Path]:
    plan = load_plan(demo_source / "ke_hoach_mau.xlsx")
    out = tmp_path / "ra" / "tong_hop.xlsx"
    run_consolidation(plan, demo_source / "hop_thu", out, as_of=AS_OF)
    run_consolidation(plan, demo_source / "hop_thu", out, as_of=AS_OF)  # now with its backup
    assert backup_path(out).exists()
    return plan, demo_source / "hop_thu", out


@pytest.mark.parametrize("where", sorted(WHERE))
def test_consolidation_on_a_full_disk_keeps_master_and_backup(
        consolidation: tuple[Any, Path, Path], where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    plan, inbox, out = consolidation
    before = _snapshot(out.parent)
    WHERE[where](monkeypatch)
    with pytest.raises(OSError) as raised:
        run_consolidation(plan, inbox, out, as_of=AS_OF)
    assert raised.value.errno == errno.ENOSPC and raised.value.filename is not None
    assert _snapshot(out.parent) == before
    _no_temp_files(out.parent)


@pytest.mark.parametrize("where", sorted(WHERE))
def test_consolidate_command_on_a_full_disk(consolidation: tuple[Any, Path, Path], demo_source: Path,
                                            where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _plan, inbox, out = consolidation
    before = _snapshot(out.parent)
    WHERE[where](monkeypatch)
    plan_file = demo_source / "ke_hoach_mau.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(inbox), "--plan", str(plan_file), "--out", str(out),
                                      "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and FULL in result.output.lower() and str(out) in result.output
    assert _snapshot(out.parent) == before
    _no_temp_files(out.parent)


# --- the nightly run ---------------------------------------------------------------------------

@pytest.fixture
def nightly(demo_source: Path, tmp_path: Path) -> Iterator[tuple[NightlySettings, Path]]:
    """A nightly run done on half the inbox, a backup beside its master; the other half waits
    in ``held`` to be put back so that the next run has files to record and a master to write."""
    shutil.copy(demo_source / "ke_hoach_mau.xlsx", tmp_path / "ke_hoach.xlsx")
    inbox, held = tmp_path / "hop_thu", tmp_path / "giu_lai"
    shutil.copytree(demo_source / "hop_thu", inbox)
    held.mkdir()
    for path in sorted(p for p in inbox.rglob("*.xlsx") if p.is_file())[::2]:
        shutil.move(path, held / path.name)
    for path in inbox.rglob("*"):
        os.utime(path, (OLD, OLD))
    settings = NightlySettings(plan=tmp_path / "ke_hoach.xlsx", inbox=inbox,
                               out=tmp_path / "ra" / "tong_hop.xlsx", as_of=AS_OF, workers=2)
    assert run_nightly(settings).exit_code in (0, 1)
    shutil.copy(settings.out, backup_path(settings.out))
    for path in held.iterdir():
        target = inbox / path.name
        shutil.move(path, target)
        os.utime(target, (OLD, OLD))
    yield settings, tmp_path


def _ledger_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t != "runs"}
    finally:
        db.close()


def _check_untouched(settings: NightlySettings, masters: dict[str, bytes], counts: dict[str, int]) -> None:
    assert _snapshot(settings.out.parent) == masters
    _no_temp_files(settings.out.parent)
    assert _ledger_counts(settings.state_path) == counts


@pytest.mark.parametrize("where", sorted(WHERE))
def test_nightly_on_a_full_disk(nightly: tuple[NightlySettings, Path], where: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _root = nightly
    masters = _snapshot(settings.out.parent)
    WHERE[where](monkeypatch)
    summary = run_nightly(settings)
    assert summary.exit_code == 2
    assert FULL in summary.message.lower() and FREE in summary.message and RENAME not in summary.message
    assert str(settings.out) in summary.message or str(backup_path(settings.out)) in summary.message
    assert masters == _snapshot(settings.out.parent)
    _no_temp_files(settings.out.parent)
    monkeypatch.undo()
    assert run_nightly(settings).exit_code in (0, 1)  # space freed: the next run does the work


def _ledger_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger's disk is full: SQLite itself refuses to grow the file (SQLITE_FULL)."""
    real = Ledger.__init__

    def capped(self: Ledger, path: Path) -> None:
        real(self, path)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(Ledger, "__init__", capped)


def test_nightly_with_the_ledger_disk_full(nightly: tuple[NightlySettings, Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _root = nightly
    masters, counts = _snapshot(settings.out.parent), _ledger_counts(settings.state_path)
    _ledger_full(monkeypatch)
    summary = run_nightly(settings)
    assert summary.exit_code == 2, summary.message
    assert FULL in summary.message.lower() and str(settings.state_path) in summary.message
    assert RENAME not in summary.message and "không bị hỏng" in summary.message
    _check_untouched(settings, masters, counts)


def test_nightly_command_with_the_ledger_disk_full(nightly: tuple[NightlySettings, Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _root = nightly
    masters, counts = _snapshot(settings.out.parent), _ledger_counts(settings.state_path)
    _ledger_full(monkeypatch)
    result = CliRunner().invoke(cli, ["nightly", "--plan", str(settings.plan), "--inbox", str(settings.inbox),
                                      "--out", str(settings.out), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and FULL in result.output.lower()
    assert str(settings.state_path) in result.output
    _check_untouched(settings, masters, counts)


def test_a_damaged_ledger_is_still_called_damaged(nightly: tuple[NightlySettings, Path]) -> None:
    settings, _root = nightly
    settings.state_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    summary = run_nightly(settings)
    assert summary.exit_code == 2 and "bị hỏng" in summary.message and RENAME in summary.message
    assert "không bị hỏng" not in summary.message


def test_a_missing_file_gets_no_advice_about_shares(tmp_path: Path) -> None:
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", str(tmp_path / "khong_co.xlsx"))
    assert os_error_message(error) == f"Không có tệp hoặc thư mục này: {tmp_path / 'khong_co.xlsx'}"


# --- the messages and the writing itself -------------------------------------------------------

@pytest.mark.parametrize(("code", "advice"), [
    (errno.ENOSPC, FREE), (errno.EACCES, "quyền"), (errno.EPERM, "quyền"), (errno.EROFS, "chỉ cho đọc"),
    (errno.EIO, "kết nối lại"), (errno.ESTALE, "kết nối lại")])
def test_os_error_messages_name_the_path_and_what_to_do(code: int, advice: str, tmp_path: Path) -> None:
    path = tmp_path / "Sổ tổng hợp.xlsx"
    error = OSError(code, os.strerror(code), str(path))
    message = os_error_message(error)
    assert str(path) in message and advice in message and os_error_reason(error).lower() in message.lower()
    assert os_error_reason(error) != os.strerror(code)  # said in Vietnamese
    assert advice in os_error_advice(error)


@pytest.mark.parametrize(("sqlite_code", "words"), [
    (13, FULL), (8, "quyền"), (10, "kết nối lại"), (14, "Không có tệp"), (5, "chương trình khác")])
def test_ledger_errors_that_are_not_damage(sqlite_code: int, words: str, tmp_path: Path) -> None:
    path = tmp_path / "so_cai.sqlite"
    with Ledger(path):
        pass
    error = sqlite3.OperationalError("lỗi")
    error.sqlite_errorcode = sqlite_code
    message = ledger_error_message(path, error)
    assert words.lower() in message.lower() and str(path) in message and RENAME not in message


def test_atomic_writes_leave_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target, source = tmp_path / "dich.txt", tmp_path / "nguon.bin"
    target.write_text("cũ", encoding="utf-8")
    source.write_bytes(os.urandom(3 << 20))
    synced: list[int] = []
    real_fsync = atomic.os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    atomic_copy(source, tmp_path / "ban_sao.bin", limit=1 << 20)
    assert (tmp_path / "ban_sao.bin").read_bytes() == source.read_bytes()[:1 << 20]
    assert len(synced) >= 2  # the file and its folder
    atomic_write_text(target, "mới")
    assert target.read_text(encoding="utf-8") == "mới"
    with pytest.raises(OSError) as raised, atomic_path(target) as temp:
        temp.write_text("nửa", encoding="utf-8")
        raise _full()
    assert raised.value.filename == str(target) and target.read_text(encoding="utf-8") == "mới"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ban_sao.bin", "dich.txt", "nguon.bin"]


def test_quarantine_copy_is_bounded_and_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "hop_thu" / "lon.xlsx"
    source.parent.mkdir()
    source.write_bytes(b"x" * 5000)
    monkeypatch.setattr(nightly_run, "QUARANTINE_LIMIT", 1000)
    nightly_run._quarantine(tmp_path / "cach_ly", source, "con/lon.xlsx", "Tệp quá lớn")
    assert (tmp_path / "cach_ly" / "con__lon.xlsx").read_bytes() == b"x" * 1000
    note = (tmp_path / "cach_ly" / "con__lon.xlsx.ly_do.txt").read_text(encoding="utf-8")
    assert "Tệp quá lớn" in note and "1000 byte đầu" in note
    _at_replace(monkeypatch)
    with pytest.raises(OSError):
        nightly_run._quarantine(tmp_path / "cach_ly2", source, "lon.xlsx", "lý do")
    assert list((tmp_path / "cach_ly2").iterdir()) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0 or shutil.which("mount") is None,
                    reason="a small tmpfs needs mount and root")
def test_a_real_full_tmpfs(tmp_path: Path) -> None:
    import subprocess

    folder = tmp_path / "nho"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("mount does not work here")
    try:
        target = folder / "tong_hop.xlsx"
        target.write_bytes(b"cu" * 1000)
        before = target.read_bytes()
        with pytest.raises(OSError) as raised, atomic_path(target) as temp:
            temp.write_bytes(os.urandom(200_000))
        assert raised.value.errno == errno.ENOSPC and raised.value.filename is not None
        assert target.read_bytes() == before and [p.name for p in folder.iterdir()] == ["tong_hop.xlsx"]
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_link_to_a_file_outside_the_inbox_is_not_copied_into_quarantine(tmp_path: Path) -> None:
    """A colleague could link x.xlsx to a file only the job's user may read: the rejected link
    gets its note, never a copy of that file, in the quarantine folder others read."""
    secret = tmp_path / "rieng" / "mat_khau.txt"
    secret.parent.mkdir()
    secret.write_text("bí mật", encoding="utf-8")
    inbox = tmp_path / "hop_thu"
    inbox.mkdir()
    (inbox / "x.xlsx").symlink_to(secret)
    (inbox / "y.xlsx").write_bytes(b"not a workbook")
    for name in ("x.xlsx", "y.xlsx"):
        nightly_run._quarantine(tmp_path / "cach_ly", inbox / name, name, "Không phải sổ Excel", inbox)
    assert sorted(p.name for p in (tmp_path / "cach_ly").iterdir()) == [
        "x.xlsx.ly_do.txt", "y.xlsx", "y.xlsx.ly_do.txt"]
    note = (tmp_path / "cach_ly" / "x.xlsx.ly_do.txt").read_text(encoding="utf-8")
    assert "ngoài hộp thư" in note and "bí mật" not in note
