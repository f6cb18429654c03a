"""The fast paths of :mod:`tdkt_xl.plans.text` (issue 18: the plan reader spends its time there)
give what the plain definitions give, for any text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tdkt_xl.plans.text import _LOOKALIKES, clean, clean_lines, fold, strip_diacritics

_SPACES = re.compile(r"\s+")


def plain_clean(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value).translate(_LOOKALIKES))
    return _SPACES.sub(" ", text).strip()


def plain_clean_lines(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value).translate(_LOOKALIKES))
    lines = (_SPACES.sub(" ", line).strip() for line in re.split(r"\r\n|\r|\n", text))
    return "\n".join(line for line in lines if line)


def plain_strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


# Vietnamese letters in both forms, the look-alikes, every kind of space and break, other scripts'
# combining marks (U+034F is no mark) and anything else
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆƯỪỨỬỮỰỳýỷỹỵ"
SPECIAL = "ƣƢðÐƉ‐‑‒–—―−\u00a0\u2007\u202f\u200b\ufeff\u00ad \t\r\n\u2028\u0301\u0300\u0323\u034f\u0591\u093c"
TEXTS = st.one_of(st.text(), st.text(alphabet=st.sampled_from(VIETNAMESE + SPECIAL + "ABC 12")))


@given(TEXTS)
def test_clean_is_the_plain_definition(text: str) -> None:
    assert clean(text) == plain_clean(text)
    assert clean_lines(text) == plain_clean_lines(text)


@given(TEXTS)
def test_strip_diacritics_and_fold_are_the_plain_definition(text: str) -> None:
    assert strip_diacritics(text) == plain_strip_diacritics(text)
    assert fold(text) == plain_strip_diacritics(plain_clean(text)).casefold()


@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=False)))
def test_values_that_are_no_text(value: object) -> None:
    assert clean(value) == plain_clean(value)
    assert clean_lines(value) == plain_clean_lines(value)
