"""The run lock: unreadable locks, takeover races (interleaved step by step), many processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

import tdkt_xl.nightly.lock as lock_module
from tdkt_xl.nightly.lock import LockBusy, RunLock, read_lock


@pytest.fixture(scope="module")
def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    return int(done.stdout)


def write_dead_lock(path: Path, pid: int) -> bytes:
    """A lock left by a process of this host that is gone."""
    data = json.dumps({"pid": pid, "host": socket.gethostname(), "started": time.time()}).encode()
    path.write_bytes(data)
    return data


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.mark.parametrize("content", [b"", b'{"pid": 12'])
def test_empty_or_unreadable_lock_is_busy_while_fresh_and_taken_over_when_old(tmp_path: Path,
                                                                              content: bytes) -> None:
    path = tmp_path / "run.lock"
    path.write_bytes(content)
    with pytest.raises(LockBusy, match=r"^Đang có một lần chạy khác \(khoá đang được tạo\); khoá: "):
        RunLock(path).acquire()
    assert path.read_bytes() == content
    age(path, lock_module.SETTLE_SECONDS + 5)
    with RunLock(path) as lock:
        assert lock.took_over is not None and not lock.took_over.readable
        assert lock.took_over.describe().startswith("một lần chạy chưa ghi xong khoá, tạo lúc ")
        info = read_lock(path)
        assert info is not None and info.pid == os.getpid()
    assert sorted(tmp_path.iterdir()) == []


def test_a_fresh_takeover_ticket_means_busy_and_an_old_one_is_passed_over(tmp_path: Path,
                                                                          dead_pid: int) -> None:
    path = tmp_path / "run.lock"
    data = write_dead_lock(path, dead_pid)
    key = lock_module._Seen(data, 0.0).key
    ticket = tmp_path / f"run.lock.takeover-{key}-0"
    ticket.touch()
    with pytest.raises(LockBusy, match=r"\(nó đang tiếp quản khoá cũ\)"):
        RunLock(path).acquire()
    assert path.read_bytes() == data  # the run holding the ticket removes it, nobody else
    age(ticket, lock_module.SETTLE_SECONDS + 5)  # its holder died
    leftover = tmp_path / "run.lock.takeover-0123456789abcdef-3"  # from a lock gone long ago
    leftover.touch()
    with RunLock(path) as lock:
        assert lock.took_over is not None and lock.took_over.pid == dead_pid
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run.lock"]


def test_release_leaves_a_lock_another_run_took_over(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    first = RunLock(path).acquire()
    second = RunLock(path, stale_after=-1).acquire()  # judges the first one too old
    assert second.took_over is not None
    first.release()
    assert path.read_bytes() == second._payload
    second.release()
    assert not path.exists()


def test_a_run_that_judged_a_lock_stale_does_not_remove_the_lock_that_replaced_it(
        tmp_path: Path, dead_pid: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reviewer's race: B judges the dead lock stale, A takes it over, then B goes on."""
    path = tmp_path / "run.lock"
    write_dead_lock(path, dead_pid)
    first, late = RunLock(path), RunLock(path)
    judged = RunLock._stale
    interrupted: list[bool] = []

    def stale(self: RunLock, *args: Any) -> bool:
        verdict = judged(self, *args)
        if self is late and not interrupted:
            interrupted.append(verdict)
            first.acquire()
        return verdict

    monkeypatch.setattr(RunLock, "_stale", stale)
    with pytest.raises(LockBusy, match=r"Đang có một lần chạy khác \(tiến trình"):
        late.acquire()
    assert interrupted == [True]
    assert path.read_bytes() == first._payload  # the first run still holds the lock
    first.release()
    assert not path.exists()


class Interleaver:
    """Runs lock operations in threads, letting them touch files one operation at a time.

    Every file operation of tdkt_xl.nightly.lock (create, write, read, stat, remove) is a step; a
    schedule says which run takes how many steps next, so a test can try any interleaving.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cond = threading.Condition()
        self.state: dict[str, str] = {}
        self.turn: str | None = None
        for name in ("_create_new", "_write", "_look", "_age", "_unlink"):
            monkeypatch.setattr(lock_module, name, self._gated(getattr(lock_module, name)))

    def _gated(self, operation: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any) -> Any:
            me = threading.current_thread().name
            if me not in self.state:  # the test itself, setting up
                return operation(*args)
            with self.cond:
                self.state[me] = "waiting"
                self.cond.notify_all()
                assert self.cond.wait_for(lambda: self.turn == me, timeout=10)
                self.turn = None
            return operation(*args)
        return gated

    def run(self, jobs: dict[str, Callable[[], str]], schedule: list[tuple[str, int]]) -> dict[str, str]:
        """Start the jobs, give each the steps of ``schedule`` in turn, then finish them all."""
        results: dict[str, str] = {}

        def work(name: str, job: Callable[[], str]) -> None:
            try:
                results[name] = job()
            except LockBusy:
                results[name] = "busy"
            except Exception as error:  # reported by the test, not lost in the thread
                results[name] = f"error: {error!r}"
            with self.cond:
                self.state[name] = "done"
                self.cond.notify_all()

        threads = []
        for name, job in jobs.items():
            self.state[name] = "running"
            threads.append(threading.Thread(target=work, args=(name, job), name=name, daemon=True))
        for thread in threads:
            thread.start()
        for name, steps in [*schedule, *((name, -1) for name in jobs)]:
            while steps != 0 and self._step(name):
                steps -= 1
        for thread in threads:
            thread.join(10)
        return results

    def _step(self, name: str) -> bool:
        """Let ``name`` take its next step; False when it has finished."""
        with self.cond:
            assert self.cond.wait_for(lambda: self.state[name] != "running", timeout=10)
            if self.state[name] == "done":
                return False
            self.state[name], self.turn = "running", name
            self.cond.notify_all()
            assert self.cond.wait_for(lambda: self.state[name] != "running", timeout=10)
            return True


def _acquired(lock: RunLock) -> str:
    lock.acquire()
    return "held"


def _released(lock: RunLock) -> str:
    lock.release()
    return "released"


STEPS = range(11)  # a takeover is 9 file operations; a run that finds the lock busy, 2


def _schedules(runs: str) -> Iterator[list[tuple[str, int]]]:
    """Every schedule of two preemptions for two runs, of three for three (runs are alike)."""
    for first in STEPS:
        for second in STEPS:
            if len(runs) == 2:
                yield [("A", first), ("B", second), ("A", -1)]
            else:
                yield [("A", first), ("B", second), ("C", -1), ("A", -1)]  # C whole, A and B part way
                yield [("A", first), ("B", -1), ("A", second), ("C", -1)]  # B, then C, whole within A


@pytest.mark.parametrize("runs", ["AB", "ABC"])
def test_at_most_one_run_holds_the_lock_in_every_interleaving(tmp_path: Path, dead_pid: int,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              runs: str) -> None:
    """Two or three runs contend for a dead run's lock, interleaved at every pair of steps."""
    interleaver = Interleaver(monkeypatch)
    for number, schedule in enumerate(_schedules(runs)):
        path = tmp_path / str(number) / "run.lock"
        path.parent.mkdir()
        write_dead_lock(path, dead_pid)
        locks = {name: RunLock(path) for name in runs}
        results = interleaver.run({name: partial(_acquired, lock) for name, lock in locks.items()}, schedule)
        holders = [name for name, result in results.items() if result == "held"]
        assert set(results.values()) <= {"held", "busy"}, (schedule, results)
        assert len(holders) == 1, (schedule, results)
        assert path.read_bytes() == locks[holders[0]]._payload, schedule
        assert [p.name for p in path.parent.iterdir()] == ["run.lock"], schedule  # no ticket left


def test_releasing_a_lock_while_another_run_takes_it_over(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The owner of a lock older than stale_after releases it while another run takes it over."""
    interleaver = Interleaver(monkeypatch)
    for first in STEPS:
        for second in STEPS:
            path = tmp_path / f"{first}_{second}" / "run.lock"
            owner, taker = RunLock(path), RunLock(path, stale_after=-1)
            owner.acquire()

            results = interleaver.run({"O": partial(_released, owner), "T": partial(_acquired, taker)},
                                      [("O", first), ("T", second)])
            assert results["O"] == "released" and results["T"] in ("held", "busy"), results
            if results["T"] == "held":
                assert path.read_bytes() == taker._payload, (first, second)
            else:
                assert not path.exists(), (first, second)
            assert [p.name for p in path.parent.iterdir()] in ([], ["run.lock"]), (first, second)


WORKER = """
import json, os, socket, sys, time
from pathlib import Path
from tdkt_xl.nightly.lock import LockBusy, RunLock

folder, me, dead = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
path, inside = folder / "run.lock", folder / "inside"
(folder / f"ready.{me}").touch()
while not (folder / "go").exists():
    time.sleep(0.005)
until = float((folder / "go").read_text()) + float(sys.argv[4])
log = []
while time.time() < until:
    try:
        lock = RunLock(path).acquire()
    except LockBusy:
        time.sleep(0.001)
        continue
    try:
        os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        log.append(["overlap", time.time()])
    entered = time.time()
    time.sleep(0.003)
    log.append(["held", entered, time.time(), lock.took_over is not None])
    inside.unlink(missing_ok=True)
    # die holding it: the lock now names a process that is gone
    dying = folder / f"dying.{me}"
    dying.write_text(json.dumps({"pid": dead, "host": socket.gethostname(), "started": time.time(),
                                 "token": os.urandom(8).hex()}))
    os.replace(dying, path)
(folder / f"log.{me}").write_text(json.dumps(log))
"""


@pytest.mark.slow
def test_processes_contending_for_dead_locks_never_hold_it_together(tmp_path: Path, dead_pid: int) -> None:
    """Four processes take over, again and again, a lock whose holder has just died."""
    write_dead_lock(tmp_path / "run.lock", dead_pid)
    env = dict(os.environ, PYTHONPATH=str(Path(lock_module.__file__).parents[1]))
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), str(n), str(dead_pid), "1.5"],
                                env=env, stderr=subprocess.PIPE, text=True) for n in range(4)]
    deadline = time.time() + 60
    while len(list(tmp_path.glob("ready.*"))) < len(workers) and time.time() < deadline:
        time.sleep(0.01)
    (tmp_path / "go.tmp").write_text(str(time.time()))
    (tmp_path / "go.tmp").replace(tmp_path / "go")
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * len(workers), errors
    log = [entry for n in range(len(workers))
           for entry in json.loads((tmp_path / f"log.{n}").read_text())]
    assert [entry for entry in log if entry[0] == "overlap"] == []
    holds = sorted((entry[1], entry[2]) for entry in log)
    assert all(earlier[1] <= later[0] for earlier, later in pairwise(holds))
    took_over = sum(entry[3] for entry in log)  # the others found the dead lock already removed
    assert took_over >= 5, (took_over, len(holds))
