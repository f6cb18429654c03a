"""Tests for the text normalization in :mod:`tdkt_xl.plans.text`."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdkt_xl.plans.text import clean, clean_lines, fold, fold_words, strip_diacritics

NFD = "NFD"
NBSP = "\u00a0"


def nfd(text: str) -> str:
    return unicodedata.normalize(NFD, text)


# --- clean --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("Tháng 7", "Tháng 7"),
        (nfd("Tháng 7"), "Tháng 7"),  # NFD -> NFC
        (nfd("Ban Thi đua - Khen thưởng, Sở Nội vụ"), "Ban Thi đua - Khen thưởng, Sở Nội vụ"),
        (f"Trước{NBSP}ngày{NBSP}15/6", "Trước ngày 15/6"),
        ("Trước\u202fngày\u200715/6", "Trước ngày 15/6"),  # narrow and figure spaces
        ("  Sở   Nội  vụ \n", "Sở Nội vụ"),
        ("Phòng I\nPhòng II", "Phòng I Phòng II"),  # clean is one line
        ("Khen thƣởng", "Khen thưởng"),  # PDF copy: ƣ (U+01A3) for ư
        ("KHEN THƢỞNG", "KHEN THƯỞNG"),  # Ƣ (U+01A2) for Ư
        ("Trƣ\u0301ng", "Trứng"),  # look-alike followed by a combining tone composes
        ("Thi ðua", "Thi đua"),  # eth for đ
        ("ÐẢNG", "ĐẢNG"),
        ("Thi đua \u2013 Khen thưởng", "Thi đua - Khen thưởng"),  # en dash
        ("Thi đua \u2014 Khen thưởng", "Thi đua - Khen thưởng"),  # em dash
        ("Thi đua \u2212 Khen thưởng", "Thi đua - Khen thưởng"),  # minus sign
        ("Thi đua\u2011Khen thưởng", "Thi đua-Khen thưởng"),  # non-breaking hyphen
        ("\ufeffKế hoạch", "Kế hoạch"),  # BOM
        ("Khen\u200b thưởng", "Khen thưởng"),  # zero-width space
        ("thi\u00adđua", "thiđua"),  # soft hyphen
        (45458, "45458"),
        ("Hoà", "Hoà"),  # clean keeps the tone placement the user typed
    ],
)
def test_clean(raw: object, expected: str) -> None:
    assert clean(raw) == expected
    assert unicodedata.is_normalized("NFC", clean(raw))


# --- clean_lines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        (" a  b \n\n c ", "a b\nc"),
        ("- Sở Giáo dục và Đào tạo;\r\n- Các huyện, thị xã, thành phố.",
         "- Sở Giáo dục và Đào tạo;\n- Các huyện, thị xã, thành phố."),
        ("Phòng I\rPhòng II", "Phòng I\nPhòng II"),
        (f"Phòng{NBSP}I\n{NBSP}\nPhòng III", "Phòng I\nPhòng III"),  # a line of NBSP is blank
        (nfd("Ban Thi đua\n– Khen thưởng"), "Ban Thi đua\n- Khen thưởng"),
        ("Sở Lao động, Thương binh và Xã hội\n\n\n", "Sở Lao động, Thương binh và Xã hội"),
        ("Trƣởng ban\nPhó ban", "Trưởng ban\nPhó ban"),
    ],
)
def test_clean_lines(raw: object, expected: str) -> None:
    assert clean_lines(raw) == expected


def test_clean_lines_agrees_with_clean_on_each_line() -> None:
    raw = f"  Ban  Thi đua{NBSP}–{NBSP}Khen thưởng ,\n\n {nfd('Sở Nội vụ')} "
    assert [clean(line) for line in raw.split("\n") if clean(line)] == clean_lines(raw).split("\n")


# --- strip_diacritics, fold, fold_words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thi đua – Khen thưởng", "Thi dua – Khen thuong"),
        ("ĐẢNG ĐOÀN", "DANG DOAN"),
        ("Ưu tiên", "Uu tien"),
        ("Quý", "Quy"),
        (nfd("Quỳnh"), "Quynh"),
    ],
)
def test_strip_diacritics(raw: str, expected: str) -> None:
    assert strip_diacritics(raw) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        # tone placement: old style (hoà, thuý, khoẻ) and new style (hòa, thúy, khỏe)
        ["hoà", "hòa", "HOÀ", "HÒA", nfd("hoà"), nfd("hòa"), "hoa"],
        ["Thuý", "Thúy", "THUÝ", nfd("Thuý"), "thuy"],
        ["khoẻ", "khỏe", "KHOẺ", "khoe"],
        # NFC / NFD, case, look-alikes, spacing
        ["Khen thưởng", nfd("Khen thưởng"), "KHEN THƯỞNG", "Khen thƣởng", "KHEN THƢỞNG",
         f"Khen{NBSP}thưởng", "  khen   thuong ", "Khen\nthưởng"],
        ["Đào tạo", "ĐÀO TẠO", "Ðào tạo", "dao tao", nfd("Đào tạo")],
        # dashes and spacing around them collapse to one ASCII hyphen (spaces kept as typed)
        ["Thi đua - Khen thưởng", "Thi đua – Khen thưởng", "Thi đua — Khen thưởng",
         "Thi đua − Khen thưởng", f"Thi đua{NBSP}–{NBSP}Khen thưởng"],
    ],
)
def test_fold_makes_spellings_equal(spellings: list[str]) -> None:
    keys = {fold(spelling) for spelling in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ban  Thi đua – Khen thưởng", "ban thi dua - khen thuong"),
        ("Sở Lao động, Thương binh và Xã hội", "so lao dong, thuong binh va xa hoi"),
        ("QUÝ IV/2024", "quy iv/2024"),
        (None, ""),
        (2024, "2024"),
    ],
)
def test_fold(raw: object, expected: str) -> None:
    assert fold(raw) == expected


def test_fold_keeps_words_apart() -> None:
    assert fold("Phòng I") != fold("Phòng II")
    assert fold("Thi đua-Khen thưởng") != fold("Thi đua Khen thưởng")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thời gian\nhoàn thành (dự kiến)", "thoi gian hoan thanh du kien"),
        ("Đơn vị\nthực hiện", "don vi thuc hien"),
        ("THỜI GIAN HOÀN THÀNH", "thoi gian hoan thanh"),
        ("Ngày hoàn thành", "ngay hoan thanh"),
        ("Nội dung\nthực hiện", "noi dung thuc hien"),
        ("Thi đua – Khen thưởng", "thi dua khen thuong"),
        ("  ", ""),
    ],
)
def test_fold_words(raw: str, expected: str) -> None:
    assert fold_words(raw) == expected


# --- properties ----------------------------------------------------------------------------------

VIETNAMESE = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ"
             "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
             "ƣƢ0123456789 ,;-–—\u00a0\n\t",
    max_size=40,
)


@settings(max_examples=300)
@given(st.text())
def test_never_raises_and_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert clean_lines(clean_lines(text)) == clean_lines(text)
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300)
@given(VIETNAMESE)
def test_fold_ignores_form_case_and_lookalikes(text: str) -> None:
    key = fold(text)
    assert fold(nfd(text)) == key
    assert fold(text.upper()) == key
    assert fold(text.replace("ư", "ƣ").replace("Ư", "Ƣ")) == key
    assert fold(text.replace(" ", "\u00a0")) == key
    assert key.isascii()


@settings(max_examples=300)
@given(VIETNAMESE)
def test_clean_has_no_odd_spaces(text: str) -> None:
    cleaned = clean(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned and "\n" not in cleaned and "\u00a0" not in cleaned
    assert "\u2013" not in cleaned and "\u01a3" not in cleaned
    assert clean(nfd(text)) == cleaned
    for line in clean_lines(text).split("\n"):
        assert line == clean(line)
