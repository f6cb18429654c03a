"""The nightly merge: ledger, incremental runs, deferral, lock, quarantine, kills, Dask."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import NIGHTLY_AS_OF, OLD
from openpyxl import load_workbook

from tdkt_xl.cli import cli
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.nightly.ledger import Ledger
from tdkt_xl.nightly.lock import SETTLE_SECONDS, RunLock
from tdkt_xl.nightly.run import KILL_ENV, run_nightly
from tdkt_xl.nightly.settings import NightlySettings
from tdkt_xl.nightly.summary import EXIT_LOCKED, EXIT_MASTER_IN_USE
from tdkt_xl.reports.layout import STATS_HEADER_ROW, STATS_SHEET, TEMPLATE_VERSION, plan_id

AS_OF = NIGHTLY_AS_OF


def master_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


def test_first_and_unchanged_runs(setup: NightlySettings) -> None:
    first = run_nightly(setup)
    assert first.exit_code == 1  # the demo's cut-off file is rejected
    counts = first.counts()
    assert counts["new"] == 16 and counts["rejected"] == 1 and counts["superseded"] == 1
    assert counts["skipped"] == 5  # a note, Excel's lock file, three units' reports in Word
    assert set(first.phases) == {"plan", "scan", "parse", "ledger", "consolidate", "write"}
    before = master_values(setup.out)
    second = run_nightly(setup)
    assert second.exit_code == 0
    assert second.counts()["unchanged"] == 16
    assert second.counts()["new"] == second.counts()["changed"] == 0
    assert master_values(setup.out) == before
    with Ledger(setup.state_path) as ledger:
        assert [r[3] for r in ledger.runs()] == ["done", "done"]
        stored = ledger.runs()[-1][4]
        assert stored["counts"]["unchanged"] == 16 and "unchanged" not in stored["files"]
        current = ledger.current()
        assert len(current) == 16
        accepted = [v for v, _present in current.values() if v.outcome == "accepted"]
        assert {v.path: v.superseded_by for v in accepted if v.superseded_by} == {"P1_ban_cu.xlsx": "P1.xlsx"}
        assert accepted and {v.template_version for v in accepted} == {TEMPLATE_VERSION}
        assert {v.plan_id for v, _present in current.values()} == {plan_id(load_plan(setup.plan))}
    log = [json.loads(line) for line in setup.log_path.read_text(encoding="utf-8").splitlines()]
    assert [entry["exit_code"] for entry in log] == [1, 0]


def test_changed_file_is_parsed_again(setup: NightlySettings, demo_source: Path) -> None:
    run_nightly(setup)
    target = setup.inbox / "P3.xlsx"
    shutil.copy(demo_source / "hop_thu" / "P2.xlsx", target)  # P2's report saved over P3's name
    os.utime(target, (OLD + 60, OLD + 60))
    touched = setup.inbox / "BTDKT.xlsx"
    os.utime(touched, (OLD + 120, OLD + 120))  # same content, newer time: not parsed again
    summary = run_nightly(setup)
    assert summary.files["changed"] == ["P3.xlsx"]
    assert "BTDKT.xlsx" in summary.files["unchanged"]
    assert summary.counts()["superseded"] == 2  # P2 now has two files as well
    units = summary.units
    assert "P3" in units["missing"]


def test_fresh_files_wait_for_the_next_run(setup: NightlySettings) -> None:
    fresh = setup.inbox / "P3.xlsx"
    os.utime(fresh, None)  # modified just now: may still be being written
    summary = run_nightly(setup)
    assert summary.files["deferred"] == ["P3.xlsx"]
    assert "P3" in summary.units["missing"]
    setup.fresh_seconds = 0
    later = run_nightly(setup)
    assert later.files["new"] == ["P3.xlsx"]
    assert "P3" not in later.units["missing"]


def test_disappeared_file_stays_marked(setup: NightlySettings) -> None:
    run_nightly(setup)
    (setup.inbox / "VPB.xlsx").unlink()
    summary = run_nightly(setup)
    assert summary.files["gone"] == ["VPB.xlsx"]
    assert "VPB" not in summary.units["missing"]
    values = master_values(setup.out)["Tình hình nộp báo cáo"]
    assert any(row[6] == "VPB.xlsx (không còn trong hộp thư)" for row in values)


def test_quarantine_copies_rejected_files_with_reason(setup: NightlySettings, tmp_path: Path) -> None:
    setup.quarantine = tmp_path / "cach_ly"
    before = {p: p.read_bytes() for p in setup.inbox.rglob("*") if p.is_file()}
    summary = run_nightly(setup)
    assert summary.files["quarantined"] == ["PPCTT.xlsx"]
    assert (setup.quarantine / "PPCTT.xlsx").read_bytes() == before[setup.inbox / "PPCTT.xlsx"]
    reason = (setup.quarantine / "PPCTT.xlsx.ly_do.txt").read_text(encoding="utf-8")
    assert "Lý do bị loại" in reason and "cắt cụt" in reason
    assert {p: p.read_bytes() for p in setup.inbox.rglob("*") if p.is_file()} == before
    run_nightly(setup)  # unchanged: not rejected, so not copied again
    assert len(list(setup.quarantine.iterdir())) == 2


def test_quarantine_that_cannot_be_written_does_not_stop_the_run(setup: NightlySettings,
                                                                 tmp_path: Path) -> None:
    setup.quarantine = tmp_path / "la_tep"
    setup.quarantine.write_bytes(b"")  # a file where the folder should be
    summary = run_nightly(setup)
    assert summary.exit_code == 1 and summary.files["rejected"] == ["PPCTT.xlsx"]
    assert summary.files["quarantined"] == []
    assert summary.message.startswith("Không chép được PPCTT.xlsx vào thư mục cách ly: ")
    assert summary.counts()["new"] == 16 and setup.out.exists()


def test_lock_busy_and_stale_lock(setup: NightlySettings) -> None:
    setup.state_path.parent.mkdir(parents=True, exist_ok=True)
    with RunLock(setup.lock_path):
        busy = run_nightly(setup)
    assert busy.exit_code == EXIT_LOCKED
    assert "Đang có một lần chạy khác" in busy.message
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    setup.lock_path.write_text(json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(),
                                           "started": time.time()}), encoding="utf-8")
    taken = run_nightly(setup)
    assert taken.exit_code == 1
    assert f"tiến trình {int(dead.stdout)}" in taken.took_over_lock
    assert not setup.lock_path.exists()


def test_lock_being_created_is_busy_and_taken_over_after_a_minute(setup: NightlySettings) -> None:
    setup.state_path.parent.mkdir(parents=True, exist_ok=True)
    setup.lock_path.touch()  # created by a run that has not written it yet (or died before it could)
    result = CliRunner().invoke(cli, ["nightly", "--plan", str(setup.plan), "--inbox", str(setup.inbox),
                                      "--out", str(setup.out)])
    assert result.exit_code == EXIT_LOCKED, result.output
    assert result.output.startswith("Đang có một lần chạy khác (khoá đang được tạo); khoá: ")
    old = time.time() - SETTLE_SECONDS - 5
    os.utime(setup.lock_path, (old, old))
    taken = run_nightly(setup)
    assert taken.exit_code == 1
    assert taken.took_over_lock.startswith("một lần chạy chưa ghi xong khoá, tạo lúc ")
    assert not setup.lock_path.exists()


def test_second_run_exits_at_once_from_the_command_line(setup: NightlySettings) -> None:
    setup.state_path.parent.mkdir(parents=True, exist_ok=True)
    with RunLock(setup.lock_path):
        result = CliRunner().invoke(cli, ["nightly", "--plan", str(setup.plan), "--inbox",
                                          str(setup.inbox), "--out", str(setup.out)])
    assert result.exit_code == EXIT_LOCKED
    assert result.output.startswith("Đang có một lần chạy khác (tiến trình")


def _run_cli(setup: NightlySettings, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop(KILL_ENV, None)
    if kill_at:
        env[KILL_ENV] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "tdkt_xl", "nightly", "--plan", str(setup.plan), "--inbox", str(setup.inbox),
         "--out", str(setup.out), "--as-of", AS_OF.isoformat(), "--json"],
        capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after-first-record", "before-seen", "before-master",
                                   "during-master-write"])
def test_killed_run_leaves_master_and_ledger_whole(setup: NightlySettings, point: str,
                                                    demo_source: Path) -> None:
    assert _run_cli(setup).returncode == 1
    previous = setup.out.read_bytes()
    changed = setup.inbox / "P3.xlsx"
    shutil.copy(demo_source / "hop_thu" / "P2.xlsx", changed)
    os.utime(changed, (OLD + 60, OLD + 60))
    killed = _run_cli(setup, kill_at=point)
    assert killed.returncode == -9
    assert setup.out.read_bytes() == previous  # the previous master is intact
    assert not list(setup.out.parent.glob(".tong_hop.*")) or point == "during-master-write"
    with sqlite3.connect(setup.state_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not setup.lock_path.exists() or point  # a stale lock may be left behind
    finished = _run_cli(setup)
    assert finished.returncode in (0, 1), finished.stderr
    summary = json.loads(finished.stdout)
    assert summary["exit_code"] in (0, 1)
    assert not list(setup.out.parent.glob(".tong_hop.*"))  # leftovers cleaned
    # the result equals a clean run over the same inbox
    clean = NightlySettings(plan=setup.plan, inbox=setup.inbox, out=setup.out.with_name("sach.xlsx"),
                            as_of=AS_OF)
    run_nightly(clean)
    assert master_values(setup.out) == {
        k: [tuple(str(c).replace("sach", "tong_hop") if isinstance(c, str) else c for c in row)
            for row in v] for k, v in master_values(clean.out).items()}


def test_config_file_and_history(setup: NightlySettings, tmp_path: Path) -> None:
    config = tmp_path / "tdkt.toml"
    config.write_text(
        '[nightly]\nplan = "ke_hoach.xlsx"\ninbox = "hop_thu"\nout = "ra/tong_hop.xlsx"\n'
        'fresh_seconds = 0\nworkers = 1\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["nightly", "--config", str(config), "--as-of", "2024-07-01"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Lần chạy 1: 16 tệp mới, 0 thay đổi, 0 không đổi, 1 bị loại")
    history = CliRunner().invoke(cli, ["history", "P1", "--state", str(setup.state_path)])
    assert history.exit_code == 0
    lines = history.output.splitlines()
    assert lines[0] == "Các lần gửi báo cáo của đơn vị P1:"
    assert len(lines) == 3
    old, new = lines[1:]  # oldest first: both were first seen in this run, the older "Ngày lập" first
    assert " P1_ban_cu.xlsx (" in old and old.endswith(": bị thay thế")
    assert " P1.xlsx (" in new and new.endswith(": đang được dùng")
    bad = tmp_path / "sai.toml"
    bad.write_text('plan = "x"\ninbox = "y"\nout = "z"\nthu_muc = 1\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["nightly", "--config", str(bad)])
    assert result.exit_code == 2 and "không hiểu khoá thu_muc" in result.output


def test_dask_cluster_gives_the_same_master(setup: NightlySettings, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    local = run_nightly(setup)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote_settings = NightlySettings(plan=setup.plan, inbox=setup.inbox,
                                          out=tmp_path / "dask" / "tong_hop.xlsx", as_of=AS_OF,
                                          scheduler=cluster.scheduler_address)
        remote = run_nightly(remote_settings)
        assert client.scheduler_info()["workers"]
    assert remote.exit_code == local.exit_code == 1
    assert remote.counts() == local.counts()
    assert master_values(remote_settings.out) == master_values(setup.out)


def test_plan_is_read_once_per_content(setup: NightlySettings, monkeypatch: pytest.MonkeyPatch) -> None:
    from tdkt_xl.intake import plan_workbook

    reads: list[Path] = []
    real_load = plan_workbook.load_plan

    def counting_load(path: Path) -> Any:
        reads.append(path)
        return real_load(path)

    monkeypatch.setattr(plan_workbook, "load_plan", counting_load)  # (imported when a plan is read)
    first = run_nightly(setup)
    before = master_values(setup.out)
    assert run_nightly(setup).exit_code == 0 and len(reads) == 1  # the second run used the stored plan
    assert master_values(setup.out) == before
    with sqlite3.connect(setup.state_path) as db:  # a stored plan another reader cannot use is read again
        db.execute("UPDATE plans SET plan='{\"year\": \"không phải năm\"}'")
    assert run_nightly(setup).exit_code == 0 and len(reads) == 2
    workbook = load_workbook(setup.plan)
    workbook["Cấu hình"].append(["Ghi chú", "sửa kế hoạch"])  # new content: read and stored again
    workbook.save(setup.plan)
    run_nightly(setup)
    assert len(reads) == 3
    with Ledger(setup.state_path) as ledger:
        assert ledger.db.execute("SELECT count(*) FROM plans").fetchone()[0] == 2
    assert first.exit_code == 1


def test_nightly_master_equals_the_consolidate_command(setup: NightlySettings, tmp_path: Path) -> None:
    """Counts summed in the ledger give the same master as counts kept with each report."""
    from tdkt_xl.consolidation.inbox import run_consolidation
    from tdkt_xl.intake.plan_workbook import load_plan

    run_nightly(setup)
    direct = tmp_path / "truc_tiep.xlsx"
    run_consolidation(load_plan(setup.plan), setup.inbox, direct, as_of=AS_OF)
    assert master_values(setup.out) == master_values(direct)


def test_ledger_from_before_counts_were_kept_apart(tmp_path: Path) -> None:
    from tdkt_xl.intake.unit_report import UnitReport

    path = tmp_path / "cu.sqlite"
    report = UnitReport(file="a.xlsx", unit_code="A", stats={"X": {2023: 2, 2024: 1}, "Y": {2024: 5}})
    with Ledger(path) as ledger:
        version = ledger.record(path="a.xlsx", sha256="1", size=1, mtime_ns=1, plan_id="p",
                                outcome="accepted", report=report)
        for column in ("stats", "stats_layout", "stats_counts"):
            ledger.db.execute(f"ALTER TABLE versions DROP COLUMN {column}")
        ledger.db.execute("UPDATE versions SET report=?", (report.model_dump_json(),))
    with Ledger(path) as ledger:  # opening it moves the counts out of the stored report
        assert ledger.db.execute("SELECT stats_counts FROM versions").fetchone()[0] is not None
        stored = ledger.current()["a.xlsx"][0].unit_report()
        assert stored is not None and stored.stats == {}
        totals, per_version = ledger.stats_totals([version.id], ["X", "Y", "Z"], [2023, 2024])
    assert totals == {"X": {2023: 2, 2024: 1}, "Y": {2023: 0, 2024: 5}, "Z": {2023: 0, 2024: 0}}
    assert per_version == {version.id: {"X": 3, "Y": 5}}


def test_counts_of_an_older_ledger_still_add_up(tmp_path: Path) -> None:
    """Rows written before counts were packed as int32 (int64, with the JSON beside) are read too."""
    import array

    from tdkt_xl.intake.unit_report import UnitReport

    report = UnitReport(file="a", unit_code="A", stats={"X": {2023: 2, 2024: 1}, "Y": {2023: 0, 2024: 5}})
    other = UnitReport(file="b", unit_code="B", stats={"Y": {2024: 7}, "Q": {2023: 9}})
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ids = [ledger.record(path=r.file, sha256=r.file, size=1, mtime_ns=1, plan_id="p", outcome="accepted",
                             report=r).id for r in (report, other)]
        old_usual = array.array("q", [2, 1, 0, 5, 3, 5]).tobytes()
        ledger.db.execute("UPDATE versions SET stats_counts=?, stats=? WHERE id=?", (old_usual, (
            '{"y":[2023,2024],"f":["X","Y"],"c":[2,1,0,5],"s":[3,5]}'), ids[0]))
        ledger.db.execute("UPDATE versions SET stats_counts=?, stats=? WHERE id=?", (
            array.array("q", [0, 9, 7, 0, 7, 9]).tobytes(),
            '{"y":[2023,2024],"f":["Y","Q"],"c":[0,7,9,0],"s":[7,9]}', ids[1]))
        ledger.db.execute("DELETE FROM stats_layouts")  # an older ledger had none
        totals, per_version = ledger.stats_totals(ids, ["X", "Y"], [2023, 2024])
    assert totals == {"X": {2023: 2, 2024: 1}, "Y": {2023: 0, 2024: 12}}
    assert per_version == {ids[0]: {"X": 3, "Y": 5}, ids[1]: {"Y": 7, "Q": 9}}


def test_counts_summed_in_the_ledger(tmp_path: Path) -> None:
    """The usual layout (packed counts), another layout and a count beyond int64 add up alike."""
    from tdkt_xl.intake.unit_report import UnitReport

    years = [2023, 2024]
    usual = UnitReport(file="a", unit_code="A", stats={"X": {2023: 2, 2024: 1}, "Y": {2023: 0, 2024: 5}})
    other = UnitReport(file="b", unit_code="B", stats={"Y": {2024: 7}, "Q": {2023: 9}})
    huge = UnitReport(file="c", unit_code="C", stats={"X": {2023: 10**20, 2024: 0}, "Y": {2023: 1, 2024: 1}})
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ids = [ledger.record(path=r.file, sha256=r.file, size=1, mtime_ns=1, plan_id="p", outcome="accepted",
                             report=r).id for r in (usual, other, huge)]
        blobs = [row[0] for row in ledger.db.execute("SELECT stats_counts FROM versions ORDER BY id")]
        totals, per_version = ledger.stats_totals(ids, ["X", "Y"], years)
        only_usual = ledger.stats_totals(ids[:1], ["X", "Y"], years)
        big = UnitReport(file="d", unit_code="D",
                         stats={"X": {2023: 2**62, 2024: 0}, "Y": {2023: 0, 2024: 0}})
        big_id = ledger.record(path="d", sha256="d", size=1, mtime_ns=1, plan_id="p", outcome="accepted",
                               report=big).id
        twice_big = ledger.stats_totals([big_id, big_id, ids[0]], ["X", "Y"], years)[0]
    assert blobs[0] is not None and blobs[2] is None
    assert len(blobs[0]) == 4 * (4 + 2) and len(blobs[1]) == 4 * (2 * 2 + 2)  # int32: counts, then sums
    assert totals == {"X": {2023: 2 + 10**20, 2024: 1}, "Y": {2023: 1, 2024: 13}}
    assert per_version == {ids[0]: {"X": 3, "Y": 5}, ids[1]: {"Y": 7, "Q": 9}, ids[2]: {"X": 10**20, "Y": 2}}
    assert only_usual == ({"X": {2023: 2, 2024: 1}, "Y": {2023: 0, 2024: 5}}, {ids[0]: {"X": 3, "Y": 5}})
    assert twice_big["X"][2023] == 2 + 2**62  # packed, but too big for numpy's int64 sums: summed exactly


def test_last_seen_without_a_write_per_unchanged_file(tmp_path: Path) -> None:
    """Unchanged files cost no write; their last seen time is the last scan's, and a file that
    goes keeps the time of the last scan that found it."""
    with Ledger(tmp_path / "l.sqlite") as ledger:
        for name in ("a", "b"):
            ledger.record(path=name, sha256=name, size=1, mtime_ns=1, plan_id="p", outcome="rejected",
                          now=100.0)
        assert ledger.scanned([], {"a", "b"}, 100.0) == []
        changes = ledger.db.total_changes
        assert ledger.scanned([("a", 1, 1), ("b", 1, 1)], {"a", "b"}, 200.0) == []
        assert ledger.db.total_changes - changes == 1  # the scan time only
        assert [v.last_seen for v, _present in ledger.current().values()] == [200.0, 200.0]
        assert ledger.scanned([("a", 1, 5)], {"a"}, 300.0) == ["b"]  # a touched, b gone
        current = ledger.current()
        assert (current["a"][0].last_seen, current["a"][0].mtime_ns, current["a"][1]) == (300.0, 5, True)
        assert (current["b"][0].last_seen, current["b"][1]) == (200.0, False)
        assert ledger.find("b", "b", "p") == current["b"][0]
        assert ledger.scanned([("a", 1, 5)], {"a"}, 400.0) == []  # still gone: seen at 200
        assert ledger.current()["b"][0].last_seen == 200.0
        assert ledger.scanned([("a", 1, 5), ("b", 1, 1)], {"a", "b"}, 500.0) == []  # b is back
        assert [(v.last_seen, present) for v, present in ledger.current().values()] == [(500.0, True)] * 2


def test_master_open_elsewhere_goes_beside_it(setup: NightlySettings,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows a master open in Excel cannot be replaced: the new one is written beside it,
    the run still completes, and the next run writes to the right place again."""
    import tdkt_xl.atomic

    setup.fresh_seconds = 0
    run_nightly(setup)
    before = setup.out.read_bytes()
    replace = os.replace

    def refuse(source: Any, target: Any) -> None:
        if Path(target) == setup.out:
            raise PermissionError(13, "The process cannot access the file")
        replace(source, target)

    monkeypatch.setattr(tdkt_xl.atomic.os, "replace", refuse)
    (setup.inbox / "VPB.xlsx").unlink()
    busy = run_nightly(setup)
    assert busy.exit_code == EXIT_MASTER_IN_USE and busy.master == str(setup.in_use_path)
    assert "tong_hop.moi.xlsx" in busy.message and "đang mở" in busy.message
    assert setup.out.read_bytes() == before
    assert any(row[6] == "VPB.xlsx (không còn trong hộp thư)"
               for row in master_values(setup.in_use_path)["Tình hình nộp báo cáo"])
    with Ledger(setup.state_path) as ledger:
        assert ledger.runs()[-1][3] == "done"
    monkeypatch.setattr(tdkt_xl.atomic.os, "replace", replace)
    again = run_nightly(setup)
    assert again.exit_code == 0 and again.master == str(setup.out)
    assert master_values(setup.out) == master_values(setup.in_use_path)
    printed = CliRunner().invoke(cli, ["nightly", "--plan", str(setup.plan), "--inbox", str(setup.inbox),
                                       "--out", str(setup.out), "--as-of", "2024-07-01"])
    assert printed.exit_code == 0 and "Đã ghi: " in printed.output


def test_ledger_uses_a_rollback_journal(tmp_path: Path) -> None:
    """WAL needs shared memory on one host; the ledger lives on a shared folder. A ledger left
    in WAL mode by an earlier version is switched back when opened."""
    path = tmp_path / "l.sqlite"
    old = sqlite3.connect(path)
    assert old.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    old.execute("CREATE TABLE t (x)")
    old.close()
    with Ledger(path) as ledger:
        assert ledger.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        ledger.start_run(1.0)
    assert not (tmp_path / "l.sqlite-wal").exists()


class FakeKernel32:
    """The three kernel32 calls the lock makes on Windows, for one made-up process table."""

    def __init__(self, handle: int, error: int = 0, exit_code: int = 259) -> None:
        self.handle, self.error, self.exit_code, self.closed = handle, error, exit_code, 0

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        return self.handle

    def GetExitCodeProcess(self, handle: int, code: Any) -> int:
        code._obj.value = self.exit_code
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.closed += 1
        return 1


@pytest.mark.parametrize(("kernel32", "alive"), [
    (FakeKernel32(handle=7), True),  # running
    (FakeKernel32(handle=7, exit_code=0), False),  # exited, a handle to it still open somewhere
    (FakeKernel32(handle=0, error=87), False),  # no such process
    (FakeKernel32(handle=0, error=5), True),  # another user's: cannot be opened, but it exists
])
def test_lock_owner_alive_on_windows(kernel32: FakeKernel32, alive: bool) -> None:
    from tdkt_xl.nightly.lock import _alive_on_windows

    assert _alive_on_windows(1234, kernel32, lambda: kernel32.error) is alive
    assert kernel32.closed == (1 if kernel32.handle else 0)


def test_unit_added_to_the_plan_keeps_the_reports_already_sent(setup: NightlySettings) -> None:
    """Adding a unit changes the plan's identity; the reports made from the earlier version are
    still read (with a warning), not rejected as another plan's."""
    first = run_nightly(setup)
    book = load_workbook(setup.plan)
    book["Đơn vị"].append(["SMOI", "Sở Mới thành lập", None, "Đơn vị", "smoi@mau.gov.vn"])
    book.save(setup.plan)
    again = run_nightly(setup)
    assert again.counts()["changed"] == first.counts()["new"]  # checked again against the new plan
    assert again.message.startswith("Kế hoạch đã thay đổi (mã kế hoạch nay là ")
    assert again.files["rejected"] == first.files["rejected"]
    assert again.units["submitted"] == first.units["submitted"]
    assert again.units["missing"] == sorted([*first.units["missing"], "SMOI"])
    problems = master_values(setup.out)["Lỗi"]
    earlier = sum(1 for row in problems if row[5] == "earlier-plan")
    assert earlier == first.units["submitted"] + 1  # and P1's older file
    with Ledger(setup.state_path) as ledger:
        assert len(ledger.plan_ids()) == 2
    from tdkt_xl.consolidation.inbox import run_consolidation

    direct = setup.out.with_name("truc_tiep.xlsx")  # no ledger: the reports are known by their tasks
    run_consolidation(load_plan(setup.plan), setup.inbox, direct, as_of=AS_OF)
    assert master_values(direct) == master_values(setup.out)


def test_file_that_cannot_be_opened_is_rejected_and_tried_again(setup: NightlySettings,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A file being copied in (locked, on Windows) or not readable does not stop the run: it is
    rejected for this run, with the reason, and read at the next one even if it did not change."""
    import tdkt_xl.nightly.run

    hash_file = tdkt_xl.nightly.run.sha256_of

    def locked(path: Path) -> str:
        if path.name == "P3.xlsx":
            raise PermissionError(13, "The process cannot access the file")
        return hash_file(path)

    monkeypatch.setattr(tdkt_xl.nightly.run, "sha256_of", locked)
    first = run_nightly(setup)
    assert first.exit_code == 1 and "P3.xlsx" in first.files["rejected"]
    # its only file rejected: on the list to chase, as "Tệp bị loại" (issue 16), not "Chưa nộp"
    assert "P3" in first.units["rejected"] and "P3" not in first.units["missing"]
    assert first.counts()["new"] == 15
    problems = master_values(setup.out)["Lỗi"]
    assert any(row[1] == "P3.xlsx" and row[5] == "file-locked" and "lần chạy sau" in row[7]
               for row in problems)
    still = run_nightly(setup)  # still locked: rejected again, nothing else read again
    assert still.files["rejected"] == ["P3.xlsx"] and still.counts()["unchanged"] == 15
    monkeypatch.setattr(tdkt_xl.nightly.run, "sha256_of", hash_file)
    later = run_nightly(setup)  # readable now, same file: read
    assert later.files["changed"] == ["P3.xlsx"] and later.exit_code == 0
    assert "P3" not in later.units["missing"]


def test_damaged_ledger_fails_the_run_with_a_message(setup: NightlySettings) -> None:
    setup.state_path.parent.mkdir(parents=True, exist_ok=True)
    setup.state_path.write_bytes(b"not a database, " * 512)
    summary = run_nightly(setup)
    assert summary.exit_code == 2 and not setup.out.exists()
    assert summary.message.startswith(f"Sổ cái {setup.state_path} không dùng được (")
    assert not setup.lock_path.exists()  # the lock is released
    printed = CliRunner().invoke(cli, ["nightly", "--plan", str(setup.plan), "--inbox", str(setup.inbox),
                                       "--out", str(setup.out), "--state", str(setup.state_path)])
    assert printed.exit_code == 2 and printed.output.startswith("Lỗi: Sổ cái ")
    history = CliRunner().invoke(cli, ["history", "P1", "--state", str(setup.state_path)])
    assert history.exit_code == 2 and "không đọc được" in history.output


def test_missing_plan_or_inbox_says_so_in_vietnamese(setup: NightlySettings, tmp_path: Path) -> None:
    for plan, inbox, missing in ((tmp_path / "khong_co.xlsx", setup.inbox, "khong_co.xlsx"),
                                 (setup.plan, tmp_path / "khong_co_hop_thu", "khong_co_hop_thu")):
        printed = CliRunner().invoke(cli, ["nightly", "--plan", str(plan), "--inbox", str(inbox),
                                           "--out", str(setup.out)])
        assert printed.exit_code == 2
        assert printed.output.startswith("Lỗi: Không có tệp hoặc thư mục này: ")
        assert printed.output.rstrip().endswith(missing)
        assert not setup.state_path.exists()  # no empty ledger left behind (the run log says it failed)


def test_superseded_versions_are_kept_and_cleared(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ids = [ledger.record(path=name, sha256=name, size=1, mtime_ns=1, plan_id="p", outcome="rejected").id
               for name in ("a", "b", "c")]
        ledger.mark_superseded({ids[0]: "c", ids[1]: "c"})
        changes = ledger.db.total_changes
        ledger.mark_superseded({ids[0]: "c", ids[1]: "c"})
        assert ledger.db.total_changes == changes  # nothing changed, nothing written
        ledger.mark_superseded({ids[1]: "a"})
        assert {v.path: v.superseded_by for v, _present in ledger.current().values()} == {
            "a": None, "b": "a", "c": None}


@pytest.mark.parametrize(("seed", "piece_rows"), [(1, 1), (2, 16)])  # 20 seeds passed when it was written
def test_nightly_master_stays_the_fresh_consolidation_through_changes(setup: NightlySettings, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      seed: int, piece_rows: int) -> None:
    """After each change to the inbox (a report saved over another, a file touched, an old
    content back, a second copy of a report, a cut-off file, a file removed), the incremental
    master equals the master consolidated from scratch from the same files, the removed ones
    included (the nightly master keeps them, marked as no longer in the inbox). With one row per
    deflated piece, each run deflates only the rows that changed and takes the rest from the
    last run's pieces."""
    import random

    from tdkt_xl.consolidation import master_cells as master
    from tdkt_xl.consolidation.inbox import run_consolidation

    monkeypatch.setattr(master, "PIECE_ROWS", piece_rows)

    gone_mark = " (không còn trong hộp thư)"

    def unmarked(values: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
        return {sheet: [tuple(v.replace(gone_mark, "") if isinstance(v, str) else v for v in row)
                        for row in rows] for sheet, rows in values.items()}

    rng = random.Random(seed)
    plan = load_plan(setup.plan)
    reports = sorted(p.name for p in setup.inbox.glob("*.xlsx") if not p.name.startswith("~$"))
    originals = {name: (setup.inbox / name).read_bytes() for name in reports}
    steps = [("copy_as_new", "P2.xlsx"), ("touch", "P2.xlsx"),  # two files of one unit, same date
             ("remove", "P3.xlsx"), ("revert", "P3.xlsx")]  # gone, then back
    steps += [(rng.choice(["save_over", "touch", "revert", "copy_as_new", "cut", "remove"]),
               rng.choice(reports)) for _ in range(5)]
    gone: dict[str, tuple[bytes, float]] = {}  # removed files: their last content and time
    run_nightly(setup)
    for number, (change, name) in enumerate(steps, start=1):
        target = setup.inbox / name
        stamp = OLD + 60 * number
        if change == "remove" or (change == "touch" and not target.exists()):
            if not target.exists():
                continue
            gone[name] = (target.read_bytes(), target.stat().st_mtime)
            target.unlink()
        else:
            if change == "save_over":
                target.write_bytes(originals[rng.choice(reports)])
            elif change == "revert":
                target.write_bytes(originals[name])
            elif change == "copy_as_new":
                target = setup.inbox / f"ban_sao_{number}_{name}"
                target.write_bytes(originals[name])
            elif change == "cut":
                target.write_bytes(originals[name][: len(originals[name]) // 2])
            gone.pop(target.name, None)
            os.utime(target, (stamp, stamp))
        run_nightly(setup)
        mirror = tmp_path / f"hop_thu_{number}"  # the inbox with the removed files put back
        shutil.copytree(setup.inbox, mirror)
        for removed, (data, modified) in gone.items():
            (mirror / removed).write_bytes(data)
            os.utime(mirror / removed, (modified, modified))
        direct = tmp_path / f"truc_tiep_{number}.xlsx"
        run_consolidation(plan, mirror, direct, as_of=AS_OF)
        assert unmarked(master_values(setup.out)) == master_values(direct), (number, change, name)


@pytest.mark.parametrize(("line", "said"), [
    ('workers = "2"', "khoá workers cần một số nguyên từ 1 trở lên"),
    ("workers = 0", "khoá workers cần một số nguyên từ 1 trở lên"),
    ('fresh_seconds = "60"', "khoá fresh_seconds cần một số giây không âm"),
    ('timeout = "60"', "khoá timeout cần một số giây không âm"),
    ("timeout = true", "khoá timeout cần một số giây không âm"),
    ('quarantine = ["a"]', "khoá quarantine cần một đường dẫn trong ngoặc kép"),
    ('as_of = "1/7/2024"', "khoá as_of cần một ngày dạng 2024-07-01"),
    ("scheduler = 5", "khoá scheduler cần một địa chỉ trong ngoặc kép"),
    ("plan = ", "tệp cấu hình sai cú pháp TOML"),
    ("plan = ", 'Mỗi dòng dạng khoá = "giá trị"'),
])
def test_config_values_of_the_wrong_kind_are_said_before_the_run(tmp_path: Path, line: str,
                                                                 said: str) -> None:
    config = tmp_path / "tdkt.toml"
    body = {"plan": 'plan = "k.xlsx"', "inbox": 'inbox = "h"', "out": 'out = "t.xlsx"'}
    key = line.split("=")[0].strip()
    body[key] = line
    config.write_text("\n".join(body.values()) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["nightly", "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert "Traceback" not in result.output


def test_config_with_bom_and_typed_values(tmp_path: Path) -> None:
    config = tmp_path / "tdkt.toml"
    config.write_bytes("\ufeff[nightly]\nplan = 'k.xlsx'\ninbox = 'h'\nout = 't.xlsx'\nfresh_seconds = 30\n"
                       "timeout = 90\nworkers = 1\nas_of = 2024-07-01\n".encode())
    settings = NightlySettings.from_toml(config)
    assert settings.plan == (tmp_path / "k.xlsx").resolve()
    assert (settings.fresh_seconds, settings.timeout, settings.workers, settings.as_of) == (
        30.0, 90.0, 1, date(2024, 7, 1))
    config.write_text("plan = 'k.xlsx'\ninbox = 'h'\nout = 't.xlsx'\nas_of = '2024-07-01'\n",
                      encoding="utf-8")
    assert NightlySettings.from_toml(config).as_of == date(2024, 7, 1)


def test_state_folder_that_cannot_be_made_is_said(setup: NightlySettings, tmp_path: Path) -> None:
    blocker = tmp_path / "la_tep"
    blocker.write_text("x", encoding="utf-8")
    setup.state = blocker / "so_cai.sqlite"  # its folder would be a file
    summary = run_nightly(setup)
    assert summary.exit_code == 2
    assert summary.message.startswith(f"Không tạo được khoá chạy {setup.lock_path}: ")


def test_a_name_that_is_not_utf8_is_read_under_a_shown_name(setup: NightlySettings) -> None:
    folder = os.fsencode(setup.inbox)
    try:
        os.rename(folder + b"/P2.xlsx", folder + b"/B\xe1o_c\xe1o_P2.xlsx")  # cp1258 bytes, as unzipped
    except OSError:
        pytest.skip("this file system takes UTF-8 names only")
    first = run_nightly(setup)
    assert first.exit_code == 1  # the demo's cut-off file, as always
    assert "B\\xe1o_c\\xe1o_P2.xlsx" in first.files["new"]
    assert "P2" not in first.units["missing"]
    submissions = master_values(setup.out)["Tình hình nộp báo cáo"]
    assert any(row[6] == "B\\xe1o_c\\xe1o_P2.xlsx" for row in submissions)
    again = run_nightly(setup)
    assert "B\\xe1o_c\\xe1o_P2.xlsx" in again.files["unchanged"] and again.exit_code == 0


def _failing_reads(monkeypatch: pytest.MonkeyPatch, names: set[str], code: str = "timeout") -> None:
    """Reads of these files fail as a machine under load makes them fail (the others are real)."""
    import tdkt_xl.nightly.run
    from tdkt_xl.intake.safety import Rejection
    from tdkt_xl.intake.worker_pool import ReadResult, read_many

    def failing(paths: list[Path], **options: Any) -> Any:
        for result in read_many(paths, **options):
            if result.path.name in names:
                yield ReadResult(result.path, None, Rejection(code, "Đọc tệp quá 60 giây nên đã dừng."), 60.0)
            else:
                yield result

    monkeypatch.setattr(tdkt_xl.nightly.run, "read_many", failing)


def test_a_read_that_failed_for_a_passing_cause_is_tried_again(setup: NightlySettings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import tdkt_xl.nightly.run

    real = tdkt_xl.nightly.run.read_many
    _failing_reads(monkeypatch, {"P1.xlsx", "P2.xlsx"})
    first = run_nightly(setup)
    assert first.exit_code == 1 and {"P1.xlsx", "P2.xlsx"} <= set(first.files["rejected"])
    with Ledger(setup.state_path) as ledger:
        codes = {v.path: v.code for v, _present in ledger.current().values()}
        assert codes["P1.xlsx"] == codes["P2.xlsx"] == "timeout"
    monkeypatch.setattr(tdkt_xl.nightly.run, "read_many", real)
    second = run_nightly(setup)  # the same bytes: read again, not known by their hash
    assert sorted(second.files["changed"]) == ["P1.xlsx", "P2.xlsx"] and second.counts()["unchanged"] == 14
    assert second.exit_code == 0 and "P2" not in second.units["missing"]
    with Ledger(setup.state_path) as ledger:
        versions = {v.path: v for v, _present in ledger.current().values()}
        assert versions["P2.xlsx"].outcome == "accepted" and versions["P2.xlsx"].code == ""
    assert master_values(setup.out)["Tình hình nộp báo cáo"] == master_values(
        _fresh_master(setup))["Tình hình nộp báo cáo"]


def _fresh_master(setup: NightlySettings) -> Path:
    clean = NightlySettings(plan=setup.plan, inbox=setup.inbox, out=setup.out.with_name("sach.xlsx"),
                            state=setup.out.with_name("sach.sqlite"), as_of=AS_OF)
    run_nightly(clean)
    return clean.out


def test_a_new_copy_that_cannot_be_read_leaves_the_previous_one_in_use(
        setup: NightlySettings, monkeypatch: pytest.MonkeyPatch) -> None:
    import tdkt_xl.nightly.run

    run_nightly(setup)
    p2 = setup.inbox / "P2.xlsx"
    book = load_workbook(p2)
    book["Thông tin"]["B6"] = "Người khác"  # a new copy arrives …
    book.save(p2)
    os.utime(p2, (OLD + 60, OLD + 60))
    hash_file = tdkt_xl.nightly.run.sha256_of

    def locked(path: Path) -> str:
        if path.name == "P2.xlsx":
            raise PermissionError(13, "The process cannot access the file")
        return hash_file(path)

    monkeypatch.setattr(tdkt_xl.nightly.run, "sha256_of", locked)  # … still locked while it is copied
    summary = run_nightly(setup)
    assert summary.exit_code == 0 and summary.files["deferred"] == ["P2.xlsx"]
    assert "P2" not in summary.units["missing"]
    assert "Chưa đọc được bản mới của P2.xlsx (không mở được tệp:" in summary.message
    monkeypatch.setattr(tdkt_xl.nightly.run, "sha256_of", hash_file)
    real = tdkt_xl.nightly.run.read_many
    _failing_reads(monkeypatch, {"P2.xlsx"})  # now it opens, but its reading fails for a passing cause
    timed_out = run_nightly(setup)
    assert timed_out.files["deferred"] == ["P2.xlsx"] and "P2" not in timed_out.units["missing"]
    assert timed_out.exit_code == 0
    monkeypatch.setattr(tdkt_xl.nightly.run, "read_many", real)
    later = run_nightly(setup)
    assert later.files["changed"] == ["P2.xlsx"] and later.exit_code == 0
    rows = master_values(setup.out)["Tình hình nộp báo cáo"]
    assert any(row[1] == "P2" and row[6] == "P2.xlsx" for row in rows)


@pytest.mark.parametrize(("ahead_s", "deferred"), [(30, True), (30 * 86400, False)])
def test_a_file_time_in_the_future(setup: NightlySettings, ahead_s: float, deferred: bool) -> None:
    p2 = setup.inbox / "P2.xlsx"
    future = time.time() + ahead_s
    os.utime(p2, (future, future))
    summary = run_nightly(setup)
    assert ("P2.xlsx" in summary.files["deferred"]) is deferred
    assert ("P2" in summary.units["missing"]) is deferred
    if not deferred:
        assert "1 tệp có thời gian sửa sau lúc chạy (đồng hồ máy gửi sai?), vẫn được đọc: P2.xlsx." \
            in summary.message


def _edit_plan(setup: NightlySettings, change: Any) -> None:
    book = load_workbook(setup.plan)
    change(book)
    book.save(setup.plan)


def _unit_row(book: Any, code: str) -> int:
    return next(r for r in range(1, book["Đơn vị"].max_row + 1) if book["Đơn vị"].cell(r, 1).value == code)


def test_archived_reports_do_not_count_for_the_next_years_plan(setup: NightlySettings,
                                                              tmp_path: Path) -> None:
    first = run_nightly(setup)
    assert first.units["submitted"] == 14
    shutil.move(setup.inbox, tmp_path / "luu_tru_2024")  # last year's reports archived
    setup.inbox.mkdir()
    _edit_plan(setup, lambda book: book["Cấu hình"].cell(2, 2, 2025))
    summary = run_nightly(setup)
    assert summary.units["submitted"] == 0 and len(summary.units["missing"]) == 17
    problems = master_values(setup.out)["Lỗi"]
    other = [row for row in problems if row[5] == "other-plan"]
    assert len(other) == 15 and all(str(row[1]).endswith("(không còn trong hộp thư)") for row in other)
    assert other[0][7].startswith("Báo cáo đã được kiểm tra theo kế hoạch năm 2024 và tệp không còn")
    totals = master_values(setup.out)["Số liệu tổng hợp"]
    assert totals[0][0] == "SỐ LIỆU KHEN THƯỞNG TỔNG HỢP 2014–2023 (0 đơn vị đã nộp)"


def test_a_unit_removed_or_renamed_in_the_plan(setup: NightlySettings, tmp_path: Path) -> None:
    run_nightly(setup)
    shutil.move(setup.inbox / "VPB.xlsx", tmp_path / "VPB.xlsx")  # gone from the inbox …
    run_nightly(setup)

    def change(book: Any) -> None:
        book["Đơn vị"].delete_rows(_unit_row(book, "VPB"))  # … then from the plan
        book["Đơn vị"].cell(_unit_row(book, "P2"), 2, "Phòng Hai (đổi tên)")

    _edit_plan(setup, change)
    summary = run_nightly(setup)
    assert "VPB" not in summary.units["missing"]
    got = master_values(setup.out)
    assert any(row[1] == "VPB.xlsx (không còn trong hộp thư)" and row[5] == "unknown-unit"
               for row in got["Lỗi"])
    fresh = master_values(_fresh_master(setup))
    for sheet in ("Số liệu tổng hợp", "Số liệu chi tiết", "Tiến độ nhiệm vụ"):
        assert got[sheet] == fresh[sheet], sheet
    assert any(row[:2] == ("P2", "Phòng Hai (đổi tên)") for row in got["Số liệu chi tiết"])


def test_a_file_moved_into_a_subfolder_is_used_where_it_is(setup: NightlySettings) -> None:
    run_nightly(setup)
    (setup.inbox / "Bao cao").mkdir()
    os.replace(setup.inbox / "P2.xlsx", setup.inbox / "Bao cao" / "P2.xlsx")  # same bytes, same time
    summary = run_nightly(setup)
    assert summary.files["gone"] == ["P2.xlsx"] and summary.files["changed"] == []
    assert summary.files["new"] == ["Bao cao/P2.xlsx"]
    assert sorted(summary.files["superseded"]) == ["P1_ban_cu.xlsx", "P2.xlsx (không còn trong hộp thư)"]
    rows = master_values(setup.out)["Tình hình nộp báo cáo"]
    assert any(row[1] == "P2" and row[6] == "Bao cao/P2.xlsx" for row in rows)


def test_quarantine_and_master_inside_the_inbox_are_not_read(setup: NightlySettings) -> None:
    setup.quarantine = setup.inbox / "cach_ly"
    setup.out = setup.inbox / "tong_hop.xlsx"
    first = run_nightly(setup)
    assert first.files["quarantined"] == ["PPCTT.xlsx"] and first.exit_code == 1
    for _night in range(2):
        again = run_nightly(setup)
        assert again.exit_code == 0 and again.counts()["new"] == 0 and again.files["rejected"] == []
        assert not any("cach_ly" in name or "tong_hop" in name for name in again.files["skipped"])
    assert sorted(p.name for p in setup.quarantine.iterdir()) == ["PPCTT.xlsx", "PPCTT.xlsx.ly_do.txt"]


def test_a_quarantine_copy_that_failed_is_made_at_a_later_run(setup: NightlySettings, tmp_path: Path) -> None:
    setup.quarantine = tmp_path / "cach_ly"
    setup.quarantine.write_bytes(b"")  # a file where the folder should be
    first = run_nightly(setup)
    assert first.files["quarantined"] == [] and "sẽ thử lại ở lần chạy sau" in first.message
    setup.quarantine.unlink()  # someone fixes the folder
    later = run_nightly(setup)
    assert later.files["rejected"] == [] and later.files["quarantined"] == ["PPCTT.xlsx"]
    assert (setup.quarantine / "PPCTT.xlsx.ly_do.txt").exists()
    assert run_nightly(setup).files["quarantined"] == []  # copied once


def test_files_read_by_earlier_reading_rules_are_read_again(setup: NightlySettings) -> None:
    from tdkt_xl.intake.unit_report import READER_VERSION

    first = run_nightly(setup)
    before = master_values(setup.out)
    with Ledger(setup.state_path) as ledger:
        ledger.db.execute("DROP INDEX versions_scan")  # as a ledger of before: neither was there
        ledger.db.execute("ALTER TABLE versions DROP COLUMN reader")
    with Ledger(setup.state_path) as ledger:  # opened: the column is back, every reading is version 1
        assert {v.reader for v, _present in ledger.current().values()} == {1}
    again = run_nightly(setup)
    assert again.counts()["changed"] == first.counts()["new"] and again.counts()["unchanged"] == 0
    assert "Cách đọc báo cáo đã được sửa (bản tdkt_xl mới): 16 tệp đã đọc trước đây được đọc lại." \
        in again.message
    with Ledger(setup.state_path) as ledger:
        assert {v.reader for v, _present in ledger.current().values()} == {READER_VERSION}
        assert len(ledger.history("P1")) == 2  # read again in place: no second row per file
    assert master_values(setup.out) == before
    assert run_nightly(setup).counts()["unchanged"] == 16


def test_master_path_that_is_a_folder_is_said_cleanly(setup: NightlySettings, tmp_path: Path) -> None:
    folder = tmp_path / "tong_hop.xlsx"
    folder.mkdir()
    done = subprocess.run([sys.executable, "-m", "tdkt_xl", "nightly", "--plan", str(setup.plan), "--inbox",
                           str(setup.inbox), "--out", str(folder), "--state", str(tmp_path / "s.sqlite")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout.strip() == f"Lỗi: Đây là một thư mục, không phải tệp: {folder}"
    assert done.stderr == ""  # no half-built workbook complaining at exit


# --- the rebuild's cache (tdkt_xl.nightly.rebuild) ----------------------------------------------------


def _consolidated_now(setup: NightlySettings, tmp_path: Path, name: str) -> dict[str, list[tuple[Any, ...]]]:
    """The master consolidated from scratch from the inbox as it is (no file removed)."""
    from tdkt_xl.consolidation.inbox import run_consolidation

    direct = tmp_path / name
    run_consolidation(load_plan(setup.plan), setup.inbox, direct, as_of=AS_OF)
    return master_values(direct)


def _change_one(setup: NightlySettings, demo_source: Path, number: int) -> None:
    target = setup.inbox / "P3.xlsx"
    shutil.copy(demo_source / "hop_thu" / ("P2.xlsx" if number % 2 else "P3.xlsx"), target)
    os.utime(target, (OLD + 60 * number, OLD + 60 * number))


def test_the_cache_is_kept_and_only_what_changed_is_added(setup: NightlySettings, demo_source: Path) -> None:
    """A first run writes the whole cache; a run with nothing new writes nothing; a run where one
    report changed appends its unit's part to the journal; the master stays the fresh one."""
    import tdkt_xl.nightly.rebuild as rebuild

    run_nightly(setup)
    cache, journal = setup.cache_path, setup.cache_path.with_name(setup.cache_path.name + ".journal")
    assert cache.exists() and not journal.exists()
    whole = cache.stat()
    run_nightly(setup)
    assert cache.stat().st_mtime_ns == whole.st_mtime_ns and not journal.exists()
    made: list[list[str]] = []
    original = rebuild._Making.units_made

    def counting(self: Any, codes: Any, *args: Any) -> Any:
        made.append(sorted(codes))
        return original(self, codes, *args)

    for number in (1, 2):
        _change_one(setup, demo_source, number)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(rebuild._Making, "units_made", counting)
            run_nightly(setup)
        assert made[-1] == ["P2", "P3"]  # P3.xlsx was P3's report, then P2's, then P3's again
    assert cache.stat().st_mtime_ns == whole.st_mtime_ns and journal.stat().st_size > 0


def test_the_cache_is_read_while_the_changed_files_are_parsed(setup: NightlySettings, demo_source: Path,
                                                               tmp_path: Path) -> None:
    """A night where few files changed: the workers are forked and reading before the rebuild's
    cache is read, once, and the rebuild goes on from that cache (the same master as a run from
    scratch)."""
    import tdkt_xl.intake.worker_pool as worker_pool
    import tdkt_xl.nightly.rebuild as rebuild
    import tdkt_xl.nightly.run as run

    events: list[str] = []
    original_read, original_start = rebuild.Cache.read.__func__, worker_pool.HeadStart.__init__  # type: ignore[attr-defined]

    def reading(cls: type[rebuild.Cache], *args: Any) -> Any:
        events.append("cache read")
        return original_read(cls, *args)

    def starting(self: Any, *args: Any, **kwargs: Any) -> None:
        original_start(self, *args, **kwargs)
        events.append(f"workers forked ({len(self.paths)} files, {len(self.in_flight)} chunk in flight)")

    made: list[list[str]] = []
    original_made = rebuild._Making.units_made

    def counting(self: Any, codes: Any, *args: Any) -> Any:
        made.append(sorted(codes))
        return original_made(self, codes, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rebuild.Cache, "read", classmethod(reading))
        patch.setattr(run.HeadStart, "__init__", starting)
        run_nightly(setup)
        events.clear()
        _change_one(setup, demo_source, 1)
        patch.setattr(rebuild._Making, "units_made", counting)
        run_nightly(setup)
    assert events == ["workers forked (1 files, 1 chunk in flight)", "cache read"]
    assert made == [["P2", "P3"]]  # went on from the cache read ahead
    assert master_values(setup.out) == _consolidated_now(setup, tmp_path, "direct.xlsx")


def test_a_run_that_only_moved_the_count_of_changes_keeps_the_cache(setup: NightlySettings,
                                                                     demo_source: Path) -> None:
    """A rejected file touched (same content, new time) changes the ledger but no unit: the cache
    is still kept at the ledger's count of changes, so the next run goes on from it instead of
    making every unit again."""
    import tdkt_xl.nightly.rebuild as rebuild

    junk = setup.inbox / "rac.xlsx"
    junk.write_bytes(b"not a workbook")
    os.utime(junk, (OLD, OLD))
    run_nightly(setup)
    os.utime(junk, (OLD + 30, OLD + 30))
    assert run_nightly(setup).counts()["unchanged"] > 0
    made: list[list[str]] = []
    original = rebuild._Making.units_made

    def counting(self: Any, codes: Any, *args: Any) -> Any:
        made.append(sorted(codes))
        return original(self, codes, *args)

    _change_one(setup, demo_source, 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rebuild._Making, "units_made", counting)
        run_nightly(setup)
    assert made == [["P2", "P3"]]


def test_a_run_with_nothing_new_deflates_no_long_sheet_again(setup: NightlySettings, demo_source: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The long sheets' rows are kept deflated in pieces (in the rebuild's cache) and go into the
    next master as they are: a run with nothing new deflates none of them, a run where one report
    changed only the pieces of its units' rows."""
    from tdkt_xl.consolidation import master_cells

    made: list[int] = []
    original = master_cells.deflate_piece

    def counting(data: Any) -> bytes:
        made.append(len(data))
        return original(data)

    monkeypatch.setattr(master_cells, "deflate_piece", counting)
    run_nightly(setup)
    pieces = len(made)
    assert pieces >= 3  # (at least one piece for each long sheet)
    first = master_values(setup.out)
    made.clear()
    run_nightly(setup)
    assert len(made) == 1 and master_values(setup.out) == first  # (the "Lỗi" rows, made every run: a piece)
    _change_one(setup, demo_source, 1)
    run_nightly(setup)
    assert 0 < len(made) < pieces + 3  # the units' pieces in the long sheets, and "Lỗi" made anew


@pytest.mark.parametrize("damage", ["garbage", "cut", "journal-cut", "other-ledger"])
def test_a_damaged_or_foreign_cache_is_not_used(setup: NightlySettings, demo_source: Path, tmp_path: Path,
                                                damage: str) -> None:
    """Whatever became of the cache (overwritten, cut off, its journal cut in the middle of an
    entry, or left beside a new ledger), the master is the fresh consolidation's."""
    run_nightly(setup)
    _change_one(setup, demo_source, 1)
    run_nightly(setup)  # a journal entry
    cache, journal = setup.cache_path, setup.cache_path.with_name(setup.cache_path.name + ".journal")
    if damage == "garbage":
        cache.write_bytes(b"not a cache")
    elif damage == "cut":
        cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])
    elif damage == "journal-cut":
        journal.write_bytes(journal.read_bytes()[:-10])
    else:  # the ledger started again: versions get the same ids for other contents
        setup.state_path.unlink()
    _change_one(setup, demo_source, 2)
    run_nightly(setup)
    assert master_values(setup.out) == _consolidated_now(setup, tmp_path, "truc_tiep.xlsx")
    if damage == "journal-cut":  # the cache is written whole again, the journal dropped
        assert not journal.exists()
    run_nightly(setup)
    assert master_values(setup.out) == _consolidated_now(setup, tmp_path, "truc_tiep_2.xlsx")


# what a run whose plan is stored and whose master keeps its layout does without (the plan reader:
# its modules are imported only to read a plan the ledger does not hold)
_HEAVY = ("openpyxl", "numpy", "tdkt_xl.plans.task_sheet")


def _nightly_in_a_new_process(setup: NightlySettings) -> tuple[list[str], list[str], dict[str, str]]:
    """A nightly run as the scheduler starts it, in a Python of its own: the files it found changed,
    which of openpyxl, numpy and the plan reader it imported, and the stack that first imported each."""
    code = (
        "import sys, json, datetime, traceback\n"
        "from pathlib import Path\n"
        "who = {}\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name in {_HEAVY!r} and name not in who:\n"
        "            who[name] = ''.join(traceback.format_stack()[-14:-1])\n"
        "sys.meta_path.insert(0, Watch())\n"
        "from tdkt_xl.nightly.run import run_nightly\n"
        "from tdkt_xl.nightly.settings import NightlySettings\n"
        f"s = NightlySettings(plan=Path({str(setup.plan)!r}), inbox=Path({str(setup.inbox)!r}), "
        f"out=Path({str(setup.out)!r}), as_of=datetime.date(2024, 7, 1), workers=2)\n"
        "summary = run_nightly(s)\n"
        f"loaded = [m for m in {_HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps([summary.files['changed'], loaded, who]))\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           timeout=300)
    changed, loaded, who = json.loads(found.stdout.splitlines()[-1])
    return changed, loaded, who


def test_a_run_with_the_same_layout_writes_the_master_without_openpyxl(setup: NightlySettings) -> None:
    """The skeleton and the parts kept, a run where one report changed (same rows in every sheet)
    imports neither openpyxl nor numpy in the process that writes the master, nor the plan reader
    (the plan is stored in the ledger). Both runs are new processes, as the scheduler starts them
    every night."""
    _nightly_in_a_new_process(setup)  # the first run: everything is made and kept
    target = setup.inbox / "P3.xlsx"  # one count of P3's own report changed: the same rows everywhere
    book = load_workbook(target)
    sheet = book[STATS_SHEET]
    cell = next(c for row in sheet.iter_rows(min_row=STATS_HEADER_ROW + 1) for c in row
                if isinstance(c.value, int) and c.column > 1)
    cell.value += 1
    book.save(target)
    os.utime(target, (OLD + 60, OLD + 60))
    changed, loaded, who = _nightly_in_a_new_process(setup)
    assert [changed, loaded] == [["P3.xlsx"], []], "\n".join(who.values())


@pytest.mark.parametrize(("units", "count", "few"), [(16, 0, False), (16, 1, True), (16, 100, True),
                                                     (16, 101, False), (5000, 500, True), (5000, 501, False)])
def test_few_files_to_parse_is_judged_as_the_rebuild_judges_units(units: int, count: int, few: bool) -> None:
    from types import SimpleNamespace

    import tdkt_xl.nightly.run as run

    plan = SimpleNamespace(units=[SimpleNamespace(is_group=False)] * units + [SimpleNamespace(is_group=True)])
    assert run._few_to_parse(plan, count) is few  # type: ignore[arg-type]
