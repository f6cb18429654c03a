"""Tests for ``tdkt_xl.plans.legacy_encodings``: TCVN3 / VNI conversion and legacy-encoding detection."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt_xl.plans.legacy_encodings import (
    LegacyReading,
    detect_legacy,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # huyền, hỏi, ngã, sắc, nặng
VOWELS = "aăâeêioôơuưy"

LOWER_TONED = {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES}
LOWER_LETTERS = sorted(LOWER_TONED | set("ăâêôơưđ"))
UPPER_LETTERS = sorted(letter.upper() for letter in LOWER_LETTERS)
VIETNAMESE_LETTERS = LOWER_LETTERS + UPPER_LETTERS
TONED_LETTERS = LOWER_TONED | {letter.upper() for letter in LOWER_TONED}

SENTENCES = [
    "Ban Thi đua - Khen thưởng, Sở Nội vụ",
    "Xây dựng Kế hoạch công tác thi đua, khen thưởng năm 2024",
    "Phòng Tổ chức cán bộ",
    "Trước ngày 15/6",
    "Đầu tháng 7",
    "Hội đồng TĐKT tỉnh",
    "Ủy ban nhân dân tỉnh Bắc Ninh",
    "Sở Lao động, Thương binh và Xã hội",
    "KẾ HOẠCH CÔNG TÁC THI ĐUA",
]

# TCVN3 has no code for a capital toned letter at the start of a lower-case word:
# "Ủy" comes back as "ủy" (it was typed that way, or in the ".VnTimeH" font).
TCVN3_ROUND_TRIP = {"Ủy ban nhân dân tỉnh Bắc Ninh": "ủy ban nhân dân tỉnh Bắc Ninh"}


def test_alphabet_has_134_letters() -> None:
    assert len(LOWER_LETTERS) == 67
    assert len(set(VIETNAMESE_LETTERS)) == 134


# --- tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "letter"),
    [
        ("¸", "á"),
        ("µ", "à"),
        ("¶", "ả"),
        ("·", "ã"),
        ("¹", "ạ"),
        ("¨", "ă"),
        ("©", "â"),
        ("ª", "ê"),
        ("«", "ô"),
        ("¬", "ơ"),
        ("\u00ad", "ư"),
        ("®", "đ"),
        ("§", "Đ"),
        ("¡", "Ă"),
        ("¢", "Â"),
        ("£", "Ê"),
        ("¤", "Ô"),
        ("¥", "Ơ"),
        ("¦", "Ư"),
        ("¾", "ắ"),
        ("Æ", "ặ"),
        ("Ê", "ấ"),
        ("Ë", "ậ"),
        ("Ð", "é"),
        ("Õ", "ế"),
        ("Ö", "ệ"),
        ("Ø", "ỉ"),
        ("Ü", "ĩ"),
        ("ß", "ò"),
        ("á", "ỏ"),
        ("è", "ố"),
        ("é", "ộ"),
        ("í", "ớ"),
        ("î", "ợ"),
        ("ñ", "ủ"),
        ("ø", "ứ"),
        ("ù", "ự"),
        ("÷", "ữ"),
        ("þ", "ỵ"),
    ],
)
def test_tcvn3_codes(code: str, letter: str) -> None:
    assert tcvn3_to_unicode(code) == letter
    assert unicode_to_tcvn3(letter) == code


@pytest.mark.parametrize(
    ("code", "letter"),
    [
        ("aù", "á"),
        ("aø", "à"),
        ("aû", "ả"),
        ("aõ", "ã"),
        ("aï", "ạ"),
        ("aê", "ă"),
        ("aâ", "â"),
        ("aá", "ấ"),
        ("aà", "ầ"),
        ("aå", "ẩ"),
        ("aã", "ẫ"),
        ("aä", "ậ"),
        ("aé", "ắ"),
        ("aè", "ằ"),
        ("aú", "ẳ"),
        ("aü", "ẵ"),
        ("aë", "ặ"),
        ("eá", "ế"),
        ("oä", "ộ"),
        ("ô", "ơ"),
        ("ôù", "ớ"),
        ("ö", "ư"),
        ("öï", "ự"),
        ("ñ", "đ"),
        ("Ñ", "Đ"),
        ("ì", "ì"),
        ("æ", "ỉ"),
        ("ó", "ĩ"),
        ("í", "í"),
        ("ò", "ị"),
        ("yù", "ý"),
        ("î", "ỵ"),
        ("AÙ", "Á"),
        ("AÊ", "Ă"),
        ("EÄ", "Ệ"),
        ("OÂ", "Ô"),
        ("Ô", "Ơ"),
        ("ÖØ", "Ừ"),
        ("Æ", "Ỉ"),
        ("Î", "Ỵ"),
    ],
)
def test_vni_codes(code: str, letter: str) -> None:
    assert vni_to_unicode(code) == letter
    assert unicode_to_vni(letter) == code


def test_vni_accepts_a_mark_in_the_other_case() -> None:
    assert vni_to_unicode("Aù") == "Á"
    assert vni_to_unicode("aÙ") == "á"


@pytest.mark.parametrize("letter", VIETNAMESE_LETTERS)
def test_every_letter_has_a_code(letter: str) -> None:
    assert vni_to_unicode(unicode_to_vni(letter)) == letter
    assert unicode_to_vni(letter) != letter or letter in "ìíÌÍ"
    assert tcvn3_to_unicode(unicode_to_tcvn3(letter)) == (
        letter if letter in LOWER_LETTERS or letter in "ĂÂÊÔƠƯĐ" else letter.lower()
    )
    assert unicode_to_tcvn3(letter) != letter or letter == "ý"  # TCVN3 0xFD is "ý" itself


@pytest.mark.parametrize(
    ("legacy", "text"),
    [
        ("Th«ng tin", "Thông tin"),
        ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("Tr\u00adêng", "Trường"),
        ("UBND tØnh", "UBND tỉnh"),
    ],
)
def test_tcvn3_known_texts(legacy: str, text: str) -> None:
    assert tcvn3_to_unicode(legacy) == text
    assert unicode_to_tcvn3(text) == legacy


@pytest.mark.parametrize(
    ("legacy", "text"),
    [
        ("Thoâng tin", "Thông tin"),
        ("Vieät Nam", "Việt Nam"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
        ("ñöôïc", "được"),
        ("tyû leä", "tỷ lệ"),
        ("KEÁ HOAÏCH", "KẾ HOẠCH"),
    ],
)
def test_vni_known_texts(legacy: str, text: str) -> None:
    assert vni_to_unicode(legacy) == text
    assert unicode_to_vni(text) == legacy


# --- TCVN3 upper case ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "text"),
    [
        ("KÕ HO¹CH C¤NG T¸C", "KẾ HOẠCH CÔNG TÁC"),  # the whole text is upper case
        ("Sè liÖu TØNH B¾C NINH", "Số liệu TỈNH BẮC NINH"),  # upper-case words
        ("KÕ ho¹ch", "Kế hoạch"),  # a lone capital does not make its word upper case
        ("ñy ban", "ủy ban"),
    ],
)
def test_tcvn3_case_of_toned_capitals(legacy: str, text: str) -> None:
    assert tcvn3_to_unicode(legacy) == text


def test_tcvn3_uppercase_font() -> None:
    assert tcvn3_to_unicode("KÕ ho¹ch", uppercase_font=True) == "KẾ HOẠCH"


def test_encoders_normalize_and_leave_other_text_alone() -> None:
    nfd = unicodedata.normalize("NFD", "Việt Nam")
    assert unicode_to_tcvn3(nfd) == "ViÖt Nam"
    assert unicode_to_vni(nfd) == "Vieät Nam"
    assert unicode_to_tcvn3("Plan 2024 (v2)") == "Plan 2024 (v2)"
    assert unicode_to_vni("Plan 2024 (v2)") == "Plan 2024 (v2)"
    assert tcvn3_to_unicode("Plan 2024") == vni_to_unicode("Plan 2024") == "Plan 2024"


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", SENTENCES)
def test_sentence_round_trips(text: str) -> None:
    assert vni_to_unicode(unicode_to_vni(text)) == text
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == TCVN3_ROUND_TRIP.get(text, text)


OTHER_CHARS = "0123456789 .,;:-/()%"
LOWER_TEXT = st.text(alphabet=st.sampled_from(LOWER_LETTERS + list("bcdghklmnpqrstvx" + OTHER_CHARS)))
ANY_TEXT = st.text(
    alphabet=st.sampled_from(
        VIETNAMESE_LETTERS + list("abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY" + OTHER_CHARS)
    )
)


@given(ANY_TEXT)
def test_vni_round_trip(text: str) -> None:
    assert vni_to_unicode(unicode_to_vni(text)) == text


@given(LOWER_TEXT)
def test_tcvn3_round_trip_lower_case(text: str) -> None:
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == text


@given(ANY_TEXT)
def test_tcvn3_round_trip_up_to_case_of_toned_capitals(text: str) -> None:
    back = tcvn3_to_unicode(unicode_to_tcvn3(text))
    assert back.lower() == text.lower()
    # Only toned letters, whose capitals have no code of their own, may change case.
    assert all(a == b or b in TONED_LETTERS for a, b in zip(back, text, strict=True))


# --- detection ---------------------------------------------------------------------------------


def _tcvn3_expected(text: str) -> str:
    return TCVN3_ROUND_TRIP.get(text, text)


@pytest.mark.parametrize("font", [None, ".VnTime", "Times New Roman"])
@pytest.mark.parametrize("text", SENTENCES)
def test_detects_tcvn3(text: str, font: str | None) -> None:
    assert detect_legacy(unicode_to_tcvn3(text), font) == LegacyReading("TCVN3", _tcvn3_expected(text))


@pytest.mark.parametrize("font", [None, "VNI-Times", "Arial"])
@pytest.mark.parametrize("text", SENTENCES)
def test_detects_vni(text: str, font: str | None) -> None:
    assert detect_legacy(unicode_to_vni(text), font) == LegacyReading("VNI", text)


@pytest.mark.parametrize(
    ("legacy", "encoding", "text"),
    [
        ("Th«ng tin", "TCVN3", "Thông tin"),
        ("Thoâng tin", "VNI", "Thông tin"),
        ("Vieät Nam", "VNI", "Việt Nam"),
        ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "TCVN3", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("KEÁ HOAÏCH", "VNI", "KẾ HOẠCH"),
    ],
)
def test_detects_without_font(legacy: str, encoding: str, text: str) -> None:
    assert detect_legacy(legacy) == LegacyReading(encoding, text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("legacy", "font", "encoding", "text"),
    [
        ("Sè", ".VnTime", "TCVN3", "Số"),  # too little evidence without the font
        ("Sè", ".VNTIME", "TCVN3", "Số"),
        ("®/c Hµ", ".VnArial", "TCVN3", "đ/c Hà"),
        ("Hoà", "VNI-Times", "VNI", "Hồ"),  # "oà" is also ordinary Unicode
        ("tænh", "VNI-Helve", "VNI", "tỉnh"),
    ],
)
def test_font_name_is_strong_evidence(legacy: str, font: str, encoding: str, text: str) -> None:
    assert detect_legacy(legacy) is None
    assert detect_legacy(legacy, font) == LegacyReading(encoding, text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("font", "text"),
    [(None, "Kế hoạch"), (".VnTime", "Kế hoạch"), (".VnTimeH", "KẾ HOẠCH"), (".VnArialH", "KẾ HOẠCH")],
)
def test_uppercase_tcvn3_font(font: str | None, text: str) -> None:
    assert detect_legacy("KÕ ho¹ch", font) == LegacyReading("TCVN3", text)


@pytest.mark.parametrize(
    ("text", "font"),
    [
        ("Plan 2024", ".VnTime"),  # ASCII under a legacy font is just ASCII
        ("Ban Thi dua", "VNI-Times"),
        ("Thông tin về Việt Nam", ".VnTime"),  # Unicode typed into a legacy-font cell
        ("Thông tin về Việt Nam", "VNI-Times"),
        ("Müller", ".VnTime"),  # converts to no Vietnamese word
        ("España", "VNI-Times"),
    ],
)
def test_font_alone_is_not_enough(text: str, font: str) -> None:
    assert detect_legacy(text, font) is None


LONG_PARAGRAPH = (
    "Thực hiện Luật Thi đua, Khen thưởng năm 2022 và Nghị định số 98/2023/NĐ-CP ngày "
    "31/12/2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, "
    "Khen thưởng, Ủy ban nhân dân tỉnh ban hành Kế hoạch tổ chức các phong trào thi đua "
    "năm 2024 với mục đích động viên, khích lệ cán bộ, công chức, viên chức và người lao "
    "động hoàn thành tốt nhiệm vụ chính trị được giao. Các cơ quan, đơn vị gửi báo cáo "
    "tổng kết về Ban Thi đua - Khen thưởng (Sở Nội vụ) trước ngày 15/12/2024; hồ sơ đề "
    "nghị khen thưởng gửi qua Hệ thống quản lý văn bản và điều hành. «Mọi thắc mắc» xin "
    "liên hệ Phòng Tổ chức cán bộ, điện thoại 0222.3822.xxx. © 2024 Bộ Nội vụ."
)

ORDINARY_TEXTS = [
    *SENTENCES,
    "Hà Nội, ngày 15 tháng 6 năm 2024",
    "Cô gái mua áo dài màu xanh",  # only Latin-1 letters: ô, á, à
    "Hoà Bình",  # "oà" is a VNI pair, and an ordinary Unicode spelling
    "Tòa án nhân dân",
    "Thoát nghèo bền vững",
    "Phòng họp số 3",
    "Ngõ Tô Hoài",
    "Giò chả, bánh chưng",
    "Quà tặng",
    "Cà Mau",
    "Thuý Kiều",
    unicodedata.normalize("NFD", "Thông tin về Việt Nam"),
    unicodedata.normalize("NFD", "Phòng Tổ chức cán bộ"),
    unicodedata.normalize("NFD", "Hoà Bình"),
    "© 2024 Bộ Nội vụ",
    "© 2024 ACME",
    "Copyright © 2024 ACME®",
    "«Thông tin»",
    "« Bonjour »",
    "Il a dit «oui»",
    "Deadline report for the emulation campaign",
    "Price: 5 × 3 · total",
    "5 µm",
    "élève",
    "forêt",
    "La forêt et l'élève",
    "Noël à Paris",
    "Où est la gare ?",
    "Le goût du pain, août",
    "naïve, maïs, Raphaël, Haïti",
    "crème brûlée, façade",
    "España",
    "niño",
    "Señor José, año mañana",
    "Grüße aus München",
    "København, Bjørn",
    "São Paulo, coração",
    "½ price",
    "§ 5 Abs. 2",
    LONG_PARAGRAPH,
]


@pytest.mark.parametrize("font", [None, "Times New Roman", "Arial"])
@pytest.mark.parametrize("text", ORDINARY_TEXTS)
def test_no_false_positives(text: str, font: str | None) -> None:
    assert detect_legacy(text, font) is None


@given(st.lists(st.sampled_from(SENTENCES + ORDINARY_TEXTS), min_size=1, max_size=4))
def test_unicode_vietnamese_is_never_legacy(parts: list[str]) -> None:
    assert detect_legacy(" ".join(parts)) is None


def test_reading_is_frozen() -> None:
    reading = detect_legacy("Th«ng tin")
    assert reading is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.encoding = "VNI"  # type: ignore[misc]
