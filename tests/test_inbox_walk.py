"""Issue 15, the inbox walk: no entry of the inbox stops or hangs a run (``consolidate`` and
``nightly`` alike). Link loops, links to nothing, named pipes, links to a device and folders
that cannot be read are listed as skipped with a Vietnamese reason; the good reports are used."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from click.testing import CliRunner
from conftest import NIGHTLY_AS_OF, OLD

from tdkt_xl.atomic import backup_path
from tdkt_xl.cli import cli
from tdkt_xl.consolidation.inbox import run_consolidation, scan_inbox, skipped_outcomes
from tdkt_xl.intake.inbox_entries import MAX_LINK_DEPTH, UnsafeEntry, bounded_sha256, entry_status
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.intake.safety.limits_and_rejections import Limits
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings

AS_OF = NIGHTLY_AS_OF
GUARD_SECONDS = 90  # a run that hangs fails the test after this long instead of blocking the suite
HAS_FIFO = hasattr(os, "mkfifo")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def guard() -> Iterator[None]:
    """SIGALRM after GUARD_SECONDS: a blocking open or read in this process is interrupted and the
    test fails (Python retries an interrupted system call unless the handler raises)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"the run did not finish within {GUARD_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- the bad entries, made by code ---------------------------------------------------------------

def _loop(inbox: Path) -> dict[str, str]:
    os.symlink("b.xlsx", inbox / "a.xlsx")
    os.symlink("a.xlsx", inbox / "b.xlsx")
    return {"a.xlsx": "symlink-loop", "b.xlsx": "symlink-loop"}


def _dangling(inbox: Path) -> dict[str, str]:
    os.symlink("khong_con/P9.xlsx", inbox / "mat.xlsx")
    return {"mat.xlsx": "dangling-link"}


def _fifo(inbox: Path) -> dict[str, str]:
    os.mkfifo(inbox / "x.xlsx")
    name = unicodedata.normalize("NFD", "Báo cáo ống.xlsx")  # a name as macOS writes it
    os.mkfifo(inbox / "dot_2" / name)
    return {"x.xlsx": "not-a-regular-file", f"dot_2/{name}": "not-a-regular-file"}


def _dev_zero(inbox: Path) -> dict[str, str]:
    os.symlink("/dev/zero", inbox / "z.xlsx")
    return {"z.xlsx": "not-a-regular-file"}


def _long_chain(inbox: Path) -> dict[str, str]:
    """Links to links, one more than followed, ending at a real report: taken as a loop."""
    target = "P1.xlsx"
    for hop in range(MAX_LINK_DEPTH + 1):
        os.symlink(target, inbox / f"chuoi_{hop}.xlsx")
        target = f"chuoi_{hop}.xlsx"
    return {target: "symlink-loop"}


def _unreadable_folder(inbox: Path) -> dict[str, str]:
    folder = inbox / "khoa"
    folder.mkdir()
    shutil.copy(inbox / "P2.xlsx", folder / "P2_khoa.xlsx")
    folder.chmod(0)
    return {"khoa/": "entry-unreadable"}


# each run against both commands (a chain of links to a report would add copies of it)
RUN_CASES: dict[str, Callable[[Path], dict[str, str]]] = {
    "loop": _loop, "dangling": _dangling, "fifo": _fifo, "dev_zero": _dev_zero,
    "unreadable_folder": _unreadable_folder,
}
CASES = {**RUN_CASES, "long_chain": _long_chain}


def _make(case: str, inbox: Path) -> dict[str, str]:
    if case == "fifo" and not HAS_FIFO:
        pytest.skip("no named pipes on this system")
    if case == "dev_zero" and not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this system")
    if case == "unreadable_folder" and AS_ROOT:
        pytest.skip("run as root, where folder permissions do not apply")
    return CASES[case](inbox)


def _restore(inbox: Path) -> None:
    """Give back the permissions a case took (so that pytest can remove the folder)."""
    for folder in [inbox, *inbox.rglob("*")]:
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(stat.S_IRWXU)


@pytest.fixture
def round_dir(demo_source: Path, tmp_path: Path) -> Iterator[Path]:
    shutil.copy(demo_source / "ke_hoach_mau.xlsx", tmp_path / "ke_hoach.xlsx")
    shutil.copytree(demo_source / "hop_thu", tmp_path / "hop_thu", symlinks=True)
    for path in (tmp_path / "hop_thu").rglob("*"):
        os.utime(path, (OLD, OLD))
    yield tmp_path
    _restore(tmp_path / "hop_thu")


def _settings(root: Path) -> NightlySettings:
    return NightlySettings(plan=root / "ke_hoach.xlsx", inbox=root / "hop_thu",
                           out=root / "ra" / "tong_hop.xlsx", as_of=AS_OF, workers=2, timeout=30)


def _previous_master(master: Path) -> tuple[bytes, bytes]:
    """A previous master and backup in place, with content of their own; returns their bytes."""
    master.parent.mkdir(parents=True, exist_ok=True)
    master.write_bytes(b"ban truoc")
    backup_path(master).write_bytes(b"ban sao luu truoc")
    return master.read_bytes(), backup_path(master).read_bytes()


# --- the walk itself -----------------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES))
def test_scan_lists_each_bad_entry_as_skipped_with_why(case: str, tmp_path: Path, guard: None) -> None:
    inbox = tmp_path / "hop_thu"
    (inbox / "dot_2").mkdir(parents=True)
    (inbox / "P1.xlsx").write_bytes(b"PK\x03\x04")
    (inbox / "P2.xlsx").write_bytes(b"PK\x03\x04")
    (inbox / "dot_2" / "P3.xlsx").write_bytes(b"PK\x03\x04")
    try:
        expected = _make(case, inbox)
        for stats in (False, True):
            found = scan_inbox(inbox, stat=stats)
            assert {"P1.xlsx", "P2.xlsx", "dot_2/P3.xlsx"} <= set(found.names)
            assert not set(expected) & set(found.names)
            assert {name: why.code for name, why in found.skipped_why.items()} == expected
            outcomes = {o.file: o for o in skipped_outcomes(found.skipped_names, found.skipped_why)}
            for name, code in expected.items():
                assert outcomes[name].code == code and outcomes[name].outcome == "skipped"
                assert _vietnamese(outcomes[name].reason)
            if stats:
                assert set(found.stats) == set(found.names)
    finally:
        _restore(inbox)


def _vietnamese(text: str) -> bool:
    """A message in Vietnamese with diacritics (and no English error text)."""
    return any(ch in text for ch in "ệếọạảốờ") and "Errno" not in text and "symbolic links" not in text


def test_a_link_to_a_report_is_followed_and_a_linked_folder_is_not_walked(tmp_path: Path) -> None:
    inbox = tmp_path / "hop_thu"
    (inbox / "con").mkdir(parents=True)
    (tmp_path / "ngoai.xlsx").write_bytes(b"PK\x03\x04 bao cao")
    os.symlink(tmp_path / "ngoai.xlsx", inbox / "lien_ket.xlsx")
    os.symlink("lien_ket.xlsx", inbox / "lien_ket_2.xlsx")  # a link to a link to a file: followed
    os.symlink(inbox / "con", inbox / "thu_muc_lien_ket")
    found = scan_inbox(inbox, stat=True)
    assert found.names == ["lien_ket.xlsx", "lien_ket_2.xlsx"] and not found.skipped_names
    assert found.stats["lien_ket_2.xlsx"].st_size == len(b"PK\x03\x04 bao cao")


def test_a_folder_named_like_a_workbook_or_linked_so_is_skipped(tmp_path: Path) -> None:
    inbox = tmp_path / "hop_thu"
    (inbox / "that.xlsx").mkdir(parents=True)  # a real folder: walked
    (inbox / "that.xlsx" / "P1.xlsx").write_bytes(b"PK")
    (tmp_path / "ngoai").mkdir()
    os.symlink(tmp_path / "ngoai", inbox / "gia.xlsx")
    found = scan_inbox(inbox)
    assert found.names == ["that.xlsx/P1.xlsx"]
    assert found.skipped_why["gia.xlsx"].code == "not-a-regular-file"
    assert "thư mục" in found.skipped_why["gia.xlsx"].reason


@pytest.mark.skipif(not HAS_FIFO, reason="no named pipes on this system")
def test_hashing_never_opens_a_pipe_or_a_device_and_is_bounded(tmp_path: Path, guard: None) -> None:
    os.mkfifo(tmp_path / "ong.xlsx")
    with pytest.raises(UnsafeEntry) as pipe:
        bounded_sha256(str(tmp_path / "ong.xlsx"))
    assert pipe.value.skipped.code == "not-a-regular-file" and isinstance(pipe.value, OSError)
    if os.path.exists("/dev/zero"):
        with pytest.raises(UnsafeEntry):
            bounded_sha256("/dev/zero")
    big = tmp_path / "lon.xlsx"
    big.write_bytes(b"a" * 5000)
    small = Limits(max_file_bytes=1000)
    assert bounded_sha256(str(big), small) != bounded_sha256(str(big))
    other = tmp_path / "lon_hon.xlsx"
    other.write_bytes(b"a" * 6000)  # the same first 1000 bytes, another size: another digest
    assert bounded_sha256(str(other), small) != bounded_sha256(str(big), small)
    with pytest.raises(TimeoutError, match="giây"):
        bounded_sha256(str(big), Limits(max_file_bytes=10_000), timeout_s=-1)


def test_entry_status_tells_a_missing_path_from_a_link_to_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        entry_status(str(tmp_path / "khong_co.xlsx"))
    os.symlink("khong_co.xlsx", tmp_path / "lien_ket.xlsx")
    why = entry_status(str(tmp_path / "lien_ket.xlsx"))
    assert not isinstance(why, os.stat_result)
    assert why.code == "dangling-link" and "khong_co.xlsx" in why.reason


# --- both commands, against the demo round ------------------------------------------------------

@pytest.fixture(scope="module")
def baseline(demo_source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The units each command finds in the clean demo inbox."""
    root = tmp_path_factory.mktemp("walk_baseline")
    shutil.copy(demo_source / "ke_hoach_mau.xlsx", root / "ke_hoach.xlsx")
    shutil.copytree(demo_source / "hop_thu", root / "hop_thu")
    for path in (root / "hop_thu").rglob("*"):
        os.utime(path, (OLD, OLD))
    plan = load_plan(root / "ke_hoach.xlsx")
    result = run_consolidation(plan, root / "hop_thu", root / "tong_hop.xlsx", as_of=AS_OF)
    nightly = run_nightly(_settings(root))
    return {"consolidate": result.summary("")["units"], "nightly": nightly.units, "exit": nightly.exit_code,
            "accepted": sorted(f.file for f in result.files if f.outcome == "accepted")}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(RUN_CASES))
def test_consolidate_goes_on_past_a_bad_entry(case: str, round_dir: Path, baseline: dict[str, object],
                                              guard: None) -> None:
    inbox, master = round_dir / "hop_thu", round_dir / "ra" / "tong_hop.xlsx"
    expected = _make(case, inbox)
    before = _previous_master(master)
    result = run_consolidation(load_plan(round_dir / "ke_hoach.xlsx"), inbox, master, as_of=AS_OF,
                               timeout_s=30)
    assert result.summary("")["units"] == baseline["consolidate"]
    assert sorted(f.file for f in result.files if f.outcome == "accepted") == baseline["accepted"]
    skipped = {f.file: f for f in result.files if f.outcome == "skipped"}
    for name, code in expected.items():
        assert skipped[name].code == code and _vietnamese(skipped[name].reason)
    assert master.read_bytes()[:2] == b"PK"  # the new master
    assert backup_path(master).read_bytes() == before[0]  # the previous one, kept intact


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(RUN_CASES))
def test_nightly_goes_on_past_a_bad_entry(case: str, round_dir: Path, baseline: dict[str, object],
                                          guard: None) -> None:
    settings = _settings(round_dir)
    expected = _make(case, settings.inbox)
    for night in range(2):  # the next night too (nothing is left half done, no lock is left)
        summary = run_nightly(settings)
        # the demo's rejected files make the first night's exit code 1; the next night they are unchanged
        assert summary.exit_code == (baseline["exit"] if night == 0 else 0), summary.message
        assert summary.units == baseline["nightly"]
        assert set(expected) <= set(summary.files["skipped"])
        for name in expected:
            assert f"Bỏ qua {name}: " in summary.message
        assert _vietnamese(summary.message) and "Traceback" not in summary.message
        assert settings.out.read_bytes()[:2] == b"PK", night
        assert not settings.lock_path.exists()


@pytest.mark.slow
@pytest.mark.skipif(not HAS_FIFO, reason="no named pipes on this system")
def test_nightly_with_a_pipe_as_plan_fails_in_vietnamese_and_writes_nothing(round_dir: Path,
                                                                           guard: None) -> None:
    settings = _settings(round_dir)
    settings.plan.unlink()
    os.mkfifo(settings.plan)
    before = _previous_master(settings.out)
    summary = run_nightly(settings)
    assert summary.exit_code == 2 and "ống dẫn có tên" in summary.message, summary.message
    assert (settings.out.read_bytes(), backup_path(settings.out).read_bytes()) == before
    assert not settings.lock_path.exists()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["consolidate", "nightly"])
def test_the_commands_end_without_a_traceback(command: str, round_dir: Path, guard: None) -> None:
    inbox, out = round_dir / "hop_thu", round_dir / "ra" / "tong_hop.xlsx"
    _loop(inbox)
    _dangling(inbox)
    if os.path.exists("/dev/zero"):
        _dev_zero(inbox)
    if HAS_FIFO:
        _fifo(inbox)
    args = ([command, str(inbox), "--plan", str(round_dir / "ke_hoach.xlsx"), "--out", str(out),
             "--as-of", "2024-07-01"] if command == "consolidate" else
            [command, "--plan", str(round_dir / "ke_hoach.xlsx"), "--inbox", str(inbox), "--out", str(out),
             "--as-of", "2024-07-01"])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "symbolic links" not in result.output
    assert out.read_bytes()[:2] == b"PK"


def _folder_denied(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Listing the folder ``name`` fails as without read permission (root is not refused by chmod)."""
    listing = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(os.fspath(path)) == name:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_a_folder_that_cannot_be_listed_is_reported_and_the_rest_walked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "hop_thu"
    for name in ("P1.xlsx", "khoa/P2.xlsx", "mo/P3.xlsx", "mo/sau/P4.xlsx"):
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(b"PK")
    _folder_denied(monkeypatch, "khoa")
    found = scan_inbox(inbox)
    assert found.names == ["P1.xlsx", "mo/P3.xlsx", "mo/sau/P4.xlsx"]
    assert found.unreadable_folders == ["khoa/"]
    why = found.skipped_why["khoa/"]
    assert why.code == "entry-unreadable" and "thư mục" in why.reason and "quyền" in why.reason
    _folder_denied(monkeypatch, "hop_thu")  # the inbox itself: the caller says so
    with pytest.raises(PermissionError):
        scan_inbox(inbox)


@pytest.mark.slow
def test_a_unit_folder_that_becomes_unreadable_keeps_its_reports_in_the_nightly_master(
        round_dir: Path, baseline: dict[str, object], monkeypatch: pytest.MonkeyPatch, guard: None) -> None:
    settings = _settings(round_dir)
    first = run_nightly(settings)
    assert first.units == baseline["nightly"]
    _folder_denied(monkeypatch, "dot_2")
    later = run_nightly(settings)
    assert later.exit_code == 0 and later.units == baseline["nightly"], later.message
    assert "dot_2/" in later.files["skipped"] and not later.files["gone"]
    assert "Không đọc được thư mục dot_2/" in later.message and "quyền" in later.message


def test_a_read_the_system_blocks_in_does_not_hold_the_run(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A network share that stops answering blocks ``read`` itself: the hash is given up after its
    time limit (the file is tried again at the next run) instead of holding the nightly run."""
    from tdkt_xl.intake import inbox_entries

    path = tmp_path / "treo.xlsx"
    path.write_bytes(b"PK" + b"x" * 100)

    def stalled_read(handle: int, size: int) -> bytes:
        time.sleep(3)
        return b""

    monkeypatch.setattr(inbox_entries, "_read", stalled_read)
    started = time.monotonic()
    with pytest.raises(inbox_entries.ReadTooSlow):
        inbox_entries.sha256_within(str(path), timeout_s=0.2)
    assert time.monotonic() - started < 5
