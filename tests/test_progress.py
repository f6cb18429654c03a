"""Issue 15, progress on long work: the bar's text, its throttling and its last line; the commands
show it on a terminal only, and never with --json."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tdkt_xl import cli_output
from tdkt_xl.cli import cli
from tdkt_xl.cli_output import ProgressBar, is_terminal, vn_duration, vn_number

LABEL = "Đang đọc báo cáo"


def _clock(times: list[float]) -> Any:
    ticks: Iterator[float] = iter(times)
    return lambda: next(ticks)


@pytest.mark.parametrize(("done", "total", "elapsed", "said"), [
    (120, 1000, 120 / 35, "120/1.000 tệp, 35 tệp/giây, còn khoảng 25 giây"),
    (0, 1000, 5.0, "0/1.000 tệp"),
    (7, 10, 0.0, "7/10 tệp"),
    (1000, 1000, 20.0, "1.000/1.000 tệp, 50 tệp/giây"),
    (5, 12345, 2.0, "5/12.345 tệp, 2,5 tệp/giây, còn khoảng 1 giờ 22 phút"),
    (30, 100, 60.0, "30/100 tệp, 0,5 tệp/giây, còn khoảng 2 phút 20 giây"),
    (1500, 2_000_000, 1.0, "1.500/2.000.000 tệp, 1.500 tệp/giây, còn khoảng 22 phút 12 giây"),
])
def test_the_bar_says_counts_rate_and_time_left_in_vietnamese(done: int, total: int, elapsed: float,
                                                               said: str) -> None:
    assert ProgressBar(LABEL, io.StringIO()).text(done, total, elapsed) == f"{LABEL}: {said}"


@pytest.mark.parametrize(("number", "said"), [(0, "0"), (999, "999"), (1000, "1.000"),
                                              (10_000_000, "10.000.000")])
def test_numbers_have_dots_between_thousands(number: int, said: str) -> None:
    assert vn_number(number) == said


@pytest.mark.parametrize(("seconds", "said"), [(0.0, "1 giây"), (59.4, "59 giây"), (60, "1 phút"),
                                               (3599, "59 phút 59 giây"), (3600, "1 giờ"),
                                               (90061, "25 giờ 1 phút")])
def test_durations_in_words(seconds: float, said: str) -> None:
    assert vn_duration(seconds) == said


def test_the_bar_is_redrawn_at_most_once_an_interval_and_always_at_the_end() -> None:
    out = io.StringIO()
    bar = ProgressBar(LABEL, out, clock=_clock([0.0, 0.1, 0.2, 0.3, 0.9, 1.0, 1.05]), interval=0.5)
    for done in range(1, 8):
        bar(done, 7)
    lines = out.getvalue().split("\r")[1:]
    assert [line.rstrip() for line in lines] == [
        f"{LABEL}: 1/7 tệp",  # the first count at once (no time yet: no rate)
        f"{LABEL}: 5/7 tệp, 5,6 tệp/giây, còn khoảng 1 giây",  # half a second later
        f"{LABEL}: 7/7 tệp, 6,7 tệp/giây",  # the last one is drawn although within the interval
    ]
    assert "\n" not in out.getvalue()


def test_the_bar_ends_with_one_newline_and_covers_a_longer_line() -> None:
    out = io.StringIO()
    bar = ProgressBar(LABEL, out, clock=_clock([0.0, 1.0, 2.0]), interval=0.0)
    bar(0, 3)
    bar(1, 3)
    bar(3, 3)
    bar.close()
    bar.close()
    text = out.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    second, last = text.split("\r")[2:]
    assert len(last.rstrip("\n")) == len(second)  # padded over the longer line before it
    assert last.rstrip() == f"{LABEL}: 3/3 tệp, 1,5 tệp/giây"


def test_a_bar_that_drew_nothing_writes_nothing_on_close() -> None:
    out = io.StringIO()
    ProgressBar(LABEL, out).close()
    assert out.getvalue() == ""


def test_a_buffer_or_a_closed_stream_is_not_a_terminal() -> None:
    closed = io.StringIO()
    closed.close()
    assert not is_terminal(io.StringIO()) and not is_terminal(closed)


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory, demo_round: Any) -> dict[str, Path]:
    root, _ = demo_round(tmp_path_factory.mktemp("progress") / "demo")
    return {"plan": root / "ke_hoach_mau.xlsx", "inbox": root / "hop_thu", "root": root}


def _commands(field: dict[str, Path], tmp: Path) -> dict[str, list[str]]:
    count = sum(1 for p in field["inbox"].rglob("*") if p.is_file())
    assert count > 1
    return {
        "consolidate": ["consolidate", str(field["inbox"]), "--plan", str(field["plan"]),
                        "--out", str(tmp / "tong_hop.xlsx"), "--workers", "1"],
        "nightly": ["nightly", "--plan", str(field["plan"]), "--inbox", str(field["inbox"]),
                    "--out", str(tmp / "dem.xlsx"), "--fresh-seconds", "0", "--workers", "1"],
        "unit-reports": ["unit-reports", str(field["plan"]), "--out", str(tmp / "mau")],
    }


def _invoke(args: list[str]) -> tuple[str, str]:
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.stdout, result.stderr


@pytest.mark.parametrize("command", ["consolidate", "nightly", "unit-reports"])
def test_no_bar_when_stderr_is_not_a_terminal(field: dict[str, Path], tmp_path: Path, command: str) -> None:
    stdout, stderr = _invoke(_commands(field, tmp_path)[command])
    assert "\r" not in stdout + stderr and "Đang " not in stdout + stderr


@pytest.mark.parametrize("command", ["consolidate", "nightly", "unit-reports"])
def test_the_bar_on_a_terminal(field: dict[str, Path], tmp_path: Path, command: str,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_output, "is_terminal", lambda stream: True)
    stdout, stderr = _invoke(_commands(field, tmp_path)[command])
    label = "Đang ghi mẫu báo cáo" if command == "unit-reports" else LABEL
    assert stderr.startswith(f"\r{label}: ") and "\r" not in stdout
    last = stderr.split("\r")[-1]
    assert last.endswith("\n") and stderr.count("\n") == 1
    done, total = last.split(": ")[1].split(" ")[0].split("/")
    assert done == total and int(total.replace(".", "")) > 1


@pytest.mark.parametrize("command", ["consolidate", "nightly"])
def test_no_bar_with_json_even_on_a_terminal(field: dict[str, Path], tmp_path: Path, command: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_output, "is_terminal", lambda stream: True)
    stdout, stderr = _invoke([*_commands(field, tmp_path)[command], "--json"])
    assert "\r" not in stdout + stderr and "Đang " not in stderr
    json.loads(stdout)
