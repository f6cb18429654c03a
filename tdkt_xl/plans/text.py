"""Text normalization for Vietnamese cell values.

Staff type the same word in many ways: precomposed (NFC) or decomposed (NFD)
Unicode, old or new tone placement ("hoà" / "hòa"), upper case, non-breaking
spaces, line breaks, en dashes, and look-alike letters left by PDF copies
("ƣ" for "ư"). :func:`fold` turns all of them into one comparison key.
"""

from __future__ import annotations

import errno
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

# Letters that PDF extraction and old fonts put where Vietnamese letters belong.
_LOOKALIKES = str.maketrans(
    {
        "\u01a3": "\u01b0",  # ƣ (latin small letter oi) -> ư
        "\u01a2": "\u01af",  # Ƣ -> Ư
        "\u00f0": "\u0111",  # ð (eth) -> đ
        "\u00d0": "\u0110",  # Ð (eth) -> Đ
        "\u0189": "\u0110",  # Ɖ (african D) -> Đ
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)

_SPACES = re.compile(r"\s+")
_LOOKALIKE_CHARS = re.compile("[" + "".join(re.escape(chr(code)) for code in _LOOKALIKES) + "]")
# combining marks (all of U+0300–U+036F but the grapheme joiner U+034F): the Vietnamese tones,
# hats and horns after NFD; a regular expression removes them faster than a loop over characters
_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


# Plans repeat short texts on many rows (unit names, deadlines, numbers, labels): each is cleaned
# and folded once. Long texts (task contents, each its own) are not kept; neither are more than
# _CACHED texts (a few megabytes at most).
_SHORT = 80
_CACHED = 16384
_CLEANED: dict[str, str] = {}
_FOLDED: dict[str, str] = {}


def _without_lookalikes(text: str) -> str:
    """``text`` with the look-alike letters replaced (``str.translate`` only when there is one)."""
    if text.isascii() or _LOOKALIKE_CHARS.search(text) is None:
        return text
    return text.translate(_LOOKALIKES)


def clean(value: object) -> str:
    """Return a cell value as tidy NFC text: look-alikes fixed, spaces collapsed.

    >>> clean("Tha\u0301ng\u00a07\\n")
    'Tháng 7'
    """
    if value is None:
        return ""
    if type(value) is str and len(value) <= _SHORT:
        found = _CLEANED.get(value)
        if found is None:
            found = _clean_text(value)
            if len(_CLEANED) < _CACHED:
                _CLEANED[value] = found
        return found
    return _clean_text(str(value))


def _clean_text(text: str) -> str:
    text = _without_lookalikes(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


def clean_lines(value: object) -> str:
    """Like :func:`clean` but keeps line breaks (each line tidied, blank lines dropped).

    >>> clean_lines(" a  b \\n\\n c ")
    'a b\\nc'
    """
    if value is None:
        return ""
    text = str(value)
    if "\n" not in text and "\r" not in text:
        return clean(text)  # one line: the same
    text = unicodedata.normalize("NFC", _without_lookalikes(text))
    lines = (_SPACES.sub(" ", line).strip() for line in _LINE_BREAKS.split(text))
    return "\n".join(line for line in lines if line)


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics: tones, hats, horns and đ.

    >>> strip_diacritics("Thi đua – Khen thưởng")
    'Thi dua – Khen thuong'
    """
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed.isascii():
        return decomposed
    bare = _MARKS.sub("", decomposed).replace("đ", "d").replace("Đ", "D")
    if bare.isascii():
        return bare
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def fold(value: object) -> str:
    """The comparison key of a text: no diacritics, lower case, one space, ASCII dashes.

    Tone placement, Unicode form, case and spacing all disappear, so the
    different ways staff type a word compare equal.

    >>> fold("HOÀ") == fold("hòa") == fold("ho\u0300a")
    True
    >>> fold("Ban  Thi đua – Khen thưởng")
    'ban thi dua - khen thuong'
    """
    if type(value) is str and len(value) <= _SHORT:
        found = _FOLDED.get(value)
        if found is None:
            found = strip_diacritics(clean(value)).casefold()
            if len(_FOLDED) < _CACHED:
                _FOLDED[value] = found
        return found
    return strip_diacritics(clean(value)).casefold()


_WORDS = re.compile(r"[0-9a-z]+")


def fold_words(value: object) -> str:
    """:func:`fold`, then only letters and digits separated by single spaces.

    >>> fold_words("Thời gian\\nhoàn thành (dự kiến)")
    'thoi gian hoan thanh du kien'
    """
    return " ".join(_WORDS.findall(fold(value)))


_OS_ERRORS = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền, hoặc tệp đang mở ở nơi khác",
    errno.EPERM: "không có quyền",
    errno.ENOSPC: "hết chỗ trống trên đĩa",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EEXIST: "đã có một tệp cùng tên ở đó",
    errno.EDQUOT: "hết hạn mức dung lượng được cấp trên ổ đĩa",
    errno.EIO: "lỗi đọc ghi ổ đĩa (ổ mạng bị ngắt hoặc ổ đĩa hỏng)",
    errno.ESTALE: "ổ mạng đã bị ngắt kết nối",
    errno.ENODEV: "ổ đĩa không còn được kết nối",
    errno.ENOTCONN: "ổ mạng đã bị ngắt kết nối",
    errno.EHOSTDOWN: "máy chủ chứa ổ mạng không trả lời",
    errno.ETIMEDOUT: "ổ mạng không trả lời kịp",
}

# What to do about an OS error: the step a user can take (the errno's group decides). A missing
# file (ENOENT) gets none: it is most often just not there, and the message names it.
_FULL = (errno.ENOSPC, errno.EDQUOT)
_DENIED = (errno.EACCES, errno.EPERM)
_SHARE_GONE = (errno.EIO, errno.ESTALE, errno.ENODEV, errno.ENOTCONN, errno.EHOSTDOWN,
               errno.ETIMEDOUT)
_ADVICE = (
    (_FULL, "Giải phóng chỗ trống trên ổ đĩa chứa tệp (xoá hoặc chuyển bớt tệp), rồi chạy lại."),
    (_DENIED, "Kiểm tra quyền ghi vào thư mục và tệp (và đóng tệp nếu đang mở ở nơi khác), rồi chạy lại."),
    ((errno.EROFS,), "Ổ đĩa đang chỉ cho đọc: cho phép ghi (hoặc chọn thư mục khác), rồi chạy lại."),
    (_SHARE_GONE, "Kiểm tra và kết nối lại ổ mạng (hoặc ổ đĩa) chứa tệp, rồi chạy lại."),
)


def os_error_advice(error: OSError) -> str:
    """What the user can do about ``error``, in Vietnamese; empty when nothing general applies.

    >>> os_error_advice(OSError(errno.ENOSPC, "No space left on device")).startswith("Giải phóng chỗ")
    True
    >>> os_error_advice(OSError(errno.EINVAL, "Invalid argument"))
    ''
    """
    return next((advice for codes, advice in _ADVICE if error.errno in codes), "")


def os_error_reason(error: OSError) -> str:
    """Why a file could not be used, in Vietnamese, to put inside a sentence.

    >>> os_error_reason(PermissionError(errno.EACCES, "Permission denied", "a.xlsx"))
    'không có quyền, hoặc tệp đang mở ở nơi khác'
    """
    return _OS_ERRORS.get(error.errno or 0) or error.strerror or str(error)


def os_error_text(error: OSError) -> str:
    """What went wrong with a file, in Vietnamese, with the file when the error names it.

    >>> os_error_text(FileNotFoundError(errno.ENOENT, "No such file or directory", "ke_hoach.xlsx"))
    'Không có tệp hoặc thư mục này: ke_hoach.xlsx'
    >>> os_error_text(OSError(errno.EIO, "Input/output error"))
    'Lỗi đọc ghi ổ đĩa (ổ mạng bị ngắt hoặc ổ đĩa hỏng)'
    >>> os_error_text(OSError(errno.EINVAL, "Invalid argument"))
    'Invalid argument'
    """
    reason = os_error_reason(error)
    reason = reason[:1].upper() + reason[1:]
    return f"{reason}: {error.filename}" if error.filename else reason


def os_error_message(error: OSError) -> str:
    """What went wrong with a file (see :func:`os_error_text`), then what to do about it.

    >>> os_error_message(OSError(errno.ENOSPC, "No space left on device", "/srv/tong_hop.xlsx"))[:60]
    'Hết chỗ trống trên đĩa: /srv/tong_hop.xlsx. Giải phóng chỗ t'
    """
    said, advice = os_error_text(error), os_error_advice(error)
    return f"{said}. {advice}" if advice else said


def shown_name(name: str) -> str:
    r"""A file name as text that UTF-8, XML and SQLite all take: the bytes of a name that are not
    UTF-8 (a Windows archive unzipped on Linux), which Python keeps as lone surrogates, are
    written as ``\xNN``. Other names are returned as they are.

    >>> shown_name("Báo cáo.xlsx"), shown_name("B\udce1o_c\udce1o.xlsx")
    ('Báo cáo.xlsx', 'B\\xe1o_c\\xe1o.xlsx')
    """
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        try:
            return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # surrogates outside the escaped range (from UTF-16)
            return name.encode("utf-8", "backslashreplace").decode("utf-8")


class LazyPattern:
    r"""A regular expression compiled at its first use rather than when its module is imported:
    the deadline reader's thirty-odd patterns cost nothing to a command that reads no deadline.

    >>> LazyPattern(r"\d+").findall("a1b22")
    ['1', '22']
    """

    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern, self._flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)
