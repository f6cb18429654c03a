"""What the ``tdkt-xl`` command writes, whatever the console: UTF-8 streams that never raise,
``--help`` in Vietnamese (section titles, metavars, "[bắt buộc]", "[mặc định: …]"), dates typed
as dd/mm/yyyy, and dates and times shown as dd/mm/yyyy HH:MM."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import click

from tdkt_xl.plans.text import os_error_text


def utf8_streams() -> None:
    """Make stdout and stderr write UTF-8 whatever the console or redirect (a Windows scheduler's
    ``>> nightly.txt`` would use the ANSI code page, which has no "ệ"); what UTF-8 cannot say (a
    lone surrogate of a file name) is written as ``\\xNN``, so that writing never raises."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:  # not a text stream of ours (replaced by a caller): left alone
            continue
        try:
            reconfigure(encoding="utf-8", errors="backslashreplace")
        except (ValueError, OSError, io.UnsupportedOperation):
            # the encoding cannot change any more: at least never raise
            with contextlib.suppress(ValueError, OSError, io.UnsupportedOperation):
                reconfigure(errors="backslashreplace")


def shown_time(moment: datetime | float) -> str:
    """A date and time as shown to people.

    >>> shown_time(datetime(2024, 6, 5, 7, 3, 59))
    '05/06/2024 07:03'
    """
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment)
    return moment.strftime("%d/%m/%Y %H:%M")


def shown_day(value: date | str | None) -> str:
    """A day as shown to people; an ISO date text is shown as dd/mm/yyyy, other text as it is.

    >>> shown_day("2024-06-10"), shown_day(date(2024, 1, 2)), shown_day("tháng 6"), shown_day(None)
    ('10/06/2024', '02/01/2024', 'tháng 6', '')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


class Day(click.ParamType[Any, Any]):
    """A day typed as dd/mm/yyyy (as people write it) or yyyy-mm-dd; a :class:`datetime`."""

    name = "ngày"
    formats = ("%d/%m/%Y", "%Y-%m-%d")

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "dd/mm/yyyy"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        for pattern in self.formats:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        self.fail(f"'{value}' không phải một ngày dạng dd/mm/yyyy (hoặc yyyy-mm-dd)", param, ctx)


def type_metavar(kind: click.ParamType[Any, Any]) -> str | None:
    """The Vietnamese metavar of an option's value, by its type (None: the type names its own).

    >>> type_metavar(click.INT), type_metavar(click.Path(file_okay=False)), type_metavar(click.STRING)
    ('SỐ_NGUYÊN', 'THƯ_MỤC', 'CHỮ')
    """
    if isinstance(kind, click.Path):
        return "THƯ_MỤC" if not kind.file_okay else "TỆP" if not kind.dir_okay else "ĐƯỜNG_DẪN"
    if isinstance(kind, Day | click.Choice | click.DateTime):
        return None
    return {"integer": "SỐ_NGUYÊN", "float": "SỐ", "text": "CHỮ", "boolean": "CÓ/KHÔNG",
            "filename": "TỆP"}.get(kind.name)


# click's own words in help, said in Vietnamese
_HEADINGS = {"Options": "Tuỳ chọn", "Commands": "Lệnh", "Positional arguments": "Đối số",
             "Arguments": "Đối số"}
_HELP_WORDS = [
    ("Show this message and exit.", "In hướng dẫn này rồi thoát."),
    ("Show the version and exit.", "In số phiên bản rồi thoát."),
]
_EXTRA = re.compile(r"\s*\[([^\[\]]*)\]$")
_EXTRA_WORDS = [(re.compile(r"\brequired\b"), "bắt buộc"), (re.compile(r"\bdefault: "), "mặc định: "),
                (re.compile(r"\benv var: "), "biến môi trường: ")]


def vietnamese_help_text(text: str) -> str:
    """An option's help line with click's additions said in Vietnamese.

    >>> vietnamese_help_text("Số tiến trình đọc tệp.  [default: 2; required]")
    'Số tiến trình đọc tệp.  [mặc định: 2; bắt buộc]'
    """
    for english, said in _HELP_WORDS:
        text = text.replace(english, said)
    found = _EXTRA.search(text)
    if found:
        extra = found.group(1)
        for pattern, said in _EXTRA_WORDS:
            extra = pattern.sub(said, extra)
        text = text[: found.start(1)] + extra + text[found.end(1):]
    return text


class HelpFormatter(click.HelpFormatter):
    """click's help formatter with its own words said in Vietnamese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, vietnamese_help_text(text)) for term, text in rows], col_max, col_spacing)


class Context(click.Context):
    formatter_class = HelpFormatter


OPTIONS_METAVAR = "[TUỲ_CHỌN]"


def name_metavars(params: Iterable[click.Parameter]) -> None:
    """Give each option whose metavar click would say in English (PATH, INTEGER…) a Vietnamese
    one, by its type; arguments are named where they are declared."""
    for param in params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            param.metavar = type_metavar(param.type)


class Command(click.Command):
    """A command whose help is Vietnamese throughout."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)
        name_metavars(self.params)


class CommandGroup(click.Group):
    """A group of commands (``tdkt-xl``, ``tdkt-xl addin``) whose help and usage are Vietnamese
    throughout, and whose commands and groups within are of these kinds too."""

    context_class = Context
    command_class = Command
    group_class = type  # (a group within is one of these too)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", "LỆNH [ĐỐI_SỐ]...")
        super().__init__(*args, **kwargs)
        name_metavars(self.params)


LOG_ENV = "TDKT_XL_LOG"


def log_path() -> Path:
    """Where the command keeps the details of an error it did not expect: ``$TDKT_XL_LOG``, else
    ``%LOCALAPPDATA%\\tdkt_xl\\tdkt_xl_cli.log`` on Windows, else ``~/.tdkt_xl/tdkt_xl_cli.log``."""
    given = os.environ.get(LOG_ENV)
    if given:
        return Path(given)
    base = os.environ.get("LOCALAPPDATA")
    return (Path(base) / "tdkt_xl" if base else Path.home() / ".tdkt_xl") / "tdkt_xl_cli.log"


def write_log(details: str) -> Path | None:
    """Append a dated entry to the log; None when the log cannot be written either."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"--- {datetime.now().isoformat(timespec='seconds')} tdkt-xl "
                         f"{' '.join(sys.argv[1:])}\n{details.rstrip()}\n")
    except OSError:
        return None
    return path


def unexpected_error_text(error: BaseException, log: Path | None) -> str:
    """What the user reads about an error no command expected: Vietnamese, with the path an OS
    error names, and where the log keeps the rest (the exception's class, its English text, the
    traceback).

    >>> import errno
    >>> unexpected_error_text(OSError(errno.ENOSPC, "No space left on device", "tong_hop.xlsx"), None)
    'Lỗi: Hết chỗ trống trên đĩa: tong_hop.xlsx.'
    >>> unexpected_error_text(KeyError("x"), Path("tdkt_xl_cli.log"))
    'Lỗi: lệnh không thực hiện được vì một lỗi ngoài dự kiến. Chi tiết đã ghi vào nhật ký tdkt_xl_cli.log.'
    """
    kept = f" Chi tiết đã ghi vào nhật ký {log}." if log else ""
    if isinstance(error, OSError):
        return f"Lỗi: {os_error_text(error)}.{kept}"
    return f"Lỗi: lệnh không thực hiện được vì một lỗi ngoài dự kiến.{kept}"


def log_unexpected(error: BaseException) -> str:
    """The traceback of an error no command expected to the log; what the user reads of it."""
    return unexpected_error_text(error, write_log("".join(traceback.format_exception(error))))


def vn_number(number: int) -> str:
    """A whole number as people here write it, "." between thousands.

    >>> vn_number(1000), vn_number(999), vn_number(1234567)
    ('1.000', '999', '1.234.567')
    """
    return f"{number:,}".replace(",", ".")


def vn_duration(seconds: float) -> str:
    """A length of time in words, to the nearest second (at least one), at most two units.

    >>> vn_duration(25), vn_duration(0.2), vn_duration(125), vn_duration(3720), vn_duration(7200)
    ('25 giây', '1 giây', '2 phút 5 giây', '1 giờ 2 phút', '2 giờ')
    """
    whole = max(1, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{vn_number(hours)} giờ" + (f" {minutes} phút" if minutes else "")
    if minutes:
        return f"{minutes} phút" + (f" {secs} giây" if secs else "")
    return f"{secs} giây"


def vn_rate(per_second: float) -> str:
    """Files a second: whole from 10 up, else one decimal with a comma.

    >>> vn_rate(35.4), vn_rate(2.46), vn_rate(1234.5)
    ('35', '2,5', '1.234')
    """
    if per_second >= 10:
        return vn_number(int(per_second))
    return f"{per_second:.1f}".replace(".", ",")


class ProgressBar:
    """A progress line on a terminal: "<label>: 120/1.000 tệp, 35 tệp/giây, còn khoảng 25 giây",
    redrawn in place (``\\r``) at most once every ``interval`` seconds (the last count always),
    ended with a newline by :meth:`close`. Called as ``progress(done, total)``; the clock and the
    stream are given, so that it is tested without a terminal or waiting.

    >>> import io
    >>> ticks = iter([0.0, 0.1, 2.0, 4.0])
    >>> out = io.StringIO()
    >>> bar = ProgressBar("Đang đọc báo cáo", out, clock=lambda: next(ticks))
    >>> bar(0, 4); bar(1, 4); bar(2, 4); bar(4, 4); bar.close()
    >>> [line.rstrip() for line in out.getvalue().split("\\r")[1:]]
    ['Đang đọc báo cáo: 0/4 tệp', 'Đang đọc báo cáo: 2/4 tệp, 1,0 tệp/giây, còn khoảng 2 giây', \
'Đang đọc báo cáo: 4/4 tệp, 1,0 tệp/giây']
    >>> out.getvalue().endswith("\\n")
    True
    """

    def __init__(self, label: str, stream: TextIO, *, clock: Callable[[], float] = time.monotonic,
                 interval: float = 0.25, unit: str = "tệp") -> None:
        self.label, self.stream, self.clock, self.interval, self.unit = label, stream, clock, interval, unit
        self.started: float | None = None
        self.last_drawn: float | None = None
        self.width = 0  # of the line drawn last (a shorter one is padded to cover it)

    def text(self, done: int, total: int, elapsed: float) -> str:
        """The line for ``done`` of ``total`` after ``elapsed`` seconds.

        >>> bar = ProgressBar("Đang đọc báo cáo", io.StringIO())
        >>> bar.text(120, 1000, 120 / 35)
        'Đang đọc báo cáo: 120/1.000 tệp, 35 tệp/giây, còn khoảng 25 giây'
        >>> bar.text(0, 1000, 3.0), bar.text(1000, 1000, 20.0)
        ('Đang đọc báo cáo: 0/1.000 tệp', 'Đang đọc báo cáo: 1.000/1.000 tệp, 50 tệp/giây')
        """
        line = f"{self.label}: {vn_number(done)}/{vn_number(total)} {self.unit}"
        if done <= 0 or elapsed <= 0:
            return line
        rate = done / elapsed
        line += f", {vn_rate(rate)} {self.unit}/giây"
        if done < total:
            line += f", còn khoảng {vn_duration((total - done) / rate)}"
        return line

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.started is None:
            self.started = now
        if (self.last_drawn is not None and done < total
                and now - self.last_drawn < self.interval):
            return
        self.last_drawn = now
        line = self.text(done, total, now - self.started)
        padded = line.ljust(self.width)
        self.width = len(line)
        with contextlib.suppress(OSError, ValueError):
            self.stream.write("\r" + padded)
            self.stream.flush()

    def close(self) -> None:
        """End the line drawn (nothing when nothing was drawn)."""
        if self.last_drawn is not None:
            with contextlib.suppress(OSError, ValueError):
                self.stream.write("\n")
                self.stream.flush()
            self.last_drawn = None


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a redirect, a pipe or a test's buffer is not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


@contextlib.contextmanager
def progress_on_stderr(label: str, *, quiet: bool = False) -> Iterator[ProgressBar | None]:
    """A :class:`ProgressBar` on stderr when it is a terminal and not ``quiet`` (``--json``), else
    None; the line is ended on leaving."""
    stream = sys.stderr
    if quiet or not is_terminal(stream):
        yield None
        return
    bar = ProgressBar(label, stream)
    try:
        yield bar
    finally:
        bar.close()
