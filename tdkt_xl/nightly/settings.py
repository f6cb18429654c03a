"""The settings of a nightly run: from the command line, or from a TOML file checked value by value."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tdkt_xl.errors import InvalidValue


@dataclass
class NightlySettings:
    """What a nightly run needs; from the command line or a TOML file (same names)."""

    plan: Path
    inbox: Path
    out: Path
    state: Path | None = None
    quarantine: Path | None = None
    fresh_seconds: float = 60
    workers: int = 2
    timeout: float = 60
    scheduler: str | None = None
    as_of: date | None = None
    # issue 15, progress: called as progress(done, total) while the changed files are read (the
    # command's bar on a terminal); not a key of the TOML file
    progress: Callable[[int, int], None] | None = field(default=None, compare=False, repr=False,
                                                       metadata={"toml": False})

    @property
    def state_path(self) -> Path:
        return self.state or self.out.with_name(f"{self.out.stem}.tdkt.sqlite")

    @property
    def lock_path(self) -> Path:
        return self.state_path.with_name(self.state_path.name + ".lock")

    @property
    def in_use_path(self) -> Path:
        """Where the master goes when ``out`` cannot be replaced (open in Excel on Windows)."""
        return self.out.with_name(f"{self.out.stem}.moi{self.out.suffix}")

    @property
    def skeleton_path(self) -> Path:
        """Where versions before 0.1.0's twelfth session kept the master's skeleton (it is made for
        each master now): removed when found, never read as a report."""
        return self.state_path.with_name(self.state_path.name + ".skeleton")

    @property
    def cache_path(self) -> Path:
        """What the consolidation keeps for the next run (:mod:`tdkt_xl.nightly.rebuild`; a cache too)."""
        return self.state_path.with_name(self.state_path.name + ".cache")

    @property
    def pieces_path(self) -> Path:
        """Where versions before 0.1.0's twelfth session kept the master's long sheets deflated in
        pieces (they are in the rebuild's cache now): removed when found, never read as a report."""
        return self.state_path.with_name(self.state_path.name + ".deflated")

    @property
    def log_path(self) -> Path:
        return self.state_path.with_name(f"{self.out.stem}.nhat_ky.jsonl")

    @classmethod
    def from_toml(cls, path: Path, **overrides: Any) -> NightlySettings:
        """Settings from a TOML file; relative paths are relative to the file's folder.

        Keys: plan, inbox, out, state, quarantine, fresh_seconds, workers, timeout, scheduler, as_of.
        A value of the wrong type is a ValueError with a Vietnamese message (exit code 2 from the
        command), not a failure in the middle of the night. The file may start with a UTF-8 BOM
        (Notepad writes one).
        """
        try:
            data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise InvalidValue(f"{path}: tệp cấu hình không phải văn bản UTF-8 ({error.reason}, byte "
                             f"{error.start}); lưu lại tệp với mã UTF-8.") from error
        except tomllib.TOMLDecodeError as error:
            at = re.search(r"line (\d+), column (\d+)", str(error))  # (the parser says where in English)
            where = f" ở dòng {at[1]}, cột {at[2]}" if at else " ở cuối tệp" if "end of" in str(error) else ""
            raise InvalidValue(f"{path}: tệp cấu hình sai cú pháp TOML{where}. Mỗi dòng dạng "
                             'khoá = "giá trị", ví dụ plan = "ke_hoach.xlsx".') from error
        data = data.get("nightly", data)
        if not isinstance(data, dict):
            raise InvalidValue(f"{path}: mục [nightly] phải là một bảng khoá = giá trị.")
        known = {f.name for f in fields(cls) if f.metadata.get("toml", True)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidValue(f"{path}: không hiểu khoá {', '.join(unknown)}; "
                             f"các khoá dùng được: {', '.join(sorted(known))}.")
        values: dict[str, Any] = {key: _setting(path, key, value) for key, value in data.items()}
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [k for k in ("plan", "inbox", "out") if k not in values]
        if missing:
            raise InvalidValue(f"{path}: thiếu khoá {', '.join(missing)}.")
        return cls(**values)


_PATH_KEYS = ("plan", "inbox", "out", "state", "quarantine")


def _setting(path: Path, key: str, value: object) -> object:
    """One value of a TOML settings file, checked and converted (paths relative to the file)."""
    def wrong(expected: str) -> ValueError:
        return ValueError(f"{path}: khoá {key} cần {expected}, không phải {value!r}.")

    if key in _PATH_KEYS:
        if not isinstance(value, str) or not value.strip():
            raise wrong('một đường dẫn trong ngoặc kép, ví dụ "D:/TDKT/hop_thu"')
        return (path.parent / value).resolve() if not Path(value).is_absolute() else Path(value)
    if key in ("fresh_seconds", "timeout"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise wrong("một số giây không âm, không có ngoặc kép (ví dụ 60)")
        return float(value)
    if key == "workers":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise wrong("một số nguyên từ 1 trở lên, không có ngoặc kép (ví dụ 2)")
        return value
    if key == "scheduler":
        if not isinstance(value, str):
            raise wrong('một địa chỉ trong ngoặc kép, ví dụ "tcp://10.0.0.5:8786"')
        return value or None
    if key == "as_of":
        return _day_setting(value, wrong)
    return value


def _day_setting(value: object, wrong: Callable[[str], ValueError]) -> date:
    """The value of ``as_of``: a TOML date (a date-time: its day) or a text like 2024-07-01."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise wrong("một ngày dạng 2024-07-01")
