"""What the ``tdkt-xl`` command writes, whatever the console: UTF-8 streams that never raise,
``--help`` in Vietnamese (section titles, metavars, "[bắt buộc]", "[mặc định: …]"), dates typed
as dd/mm/yyyy, and dates and times shown as dd/mm/yyyy HH:MM."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import traceback
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

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
