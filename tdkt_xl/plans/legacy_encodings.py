"""Legacy Vietnamese font encodings: TCVN3 (ABC, ".VnTime") and VNI ("VNI-Times").

Before Unicode, Vietnamese was typed with 8-bit fonts that draw Vietnamese
letters in place of Latin-1 characters. Excel stores what was typed, so
openpyxl returns text such as ``"Th«ng tin"`` (TCVN3) or ``"Thoâng tin"``
(VNI) for "Thông tin".

* TCVN3 uses one byte per letter. Only the lower-case toned letters have codes;
  upper-case toned letters were typed with the same codes in an upper-case font
  (".VnTimeH"), so :func:`tcvn3_to_unicode` guesses their case from the
  surrounding letters (or takes ``uppercase_font=True``).
* VNI writes a base letter followed by one mark character (``"aù"`` = "á",
  ``"aá"`` = "ấ"); "ơ", "ư", "đ" and the toned "i" are single characters.

:func:`detect_legacy` decides whether a cell's text is legacy-encoded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "LegacyReading",
    "detect_legacy",
    "tcvn3_to_unicode",
    "unicode_to_tcvn3",
    "unicode_to_vni",
    "vni_to_unicode",
]

Encoding = Literal["TCVN3", "VNI"]

# Combining tone marks, in the order used by the tables below.
_GRAVE: Final = "\u0300"  # huyền
_HOOK: Final = "\u0309"  # hỏi
_TILDE: Final = "\u0303"  # ngã
_ACUTE: Final = "\u0301"  # sắc
_DOT: Final = "\u0323"  # nặng
_TONES: Final = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)

_VOWELS: Final = "aăâeêioôơuưy"


def _toned(vowel: str, tone: str) -> str:
    return unicodedata.normalize("NFC", vowel + tone)


# --- TCVN3 (TCVN 5712:1993 VN3) ---------------------------------------------------------------

# vowel -> (code of the toneless letter, codes for grave, hook, tilde, acute, dot)
_TCVN3_VOWELS: Final[dict[str, tuple[str, str]]] = {
    "a": ("a", "µ¶·¸¹"),
    "ă": ("¨", "»¼½¾Æ"),
    "â": ("©", "ÇÈÉÊË"),
    "e": ("e", "ÌÎÏÐÑ"),
    "ê": ("ª", "ÒÓÔÕÖ"),
    "i": ("i", "×ØÜÝÞ"),
    "o": ("o", "ßáâãä"),
    "ô": ("«", "åæçèé"),
    "ơ": ("¬", "êëìíî"),
    "u": ("u", "ïñòóô"),
    "ư": ("\u00ad", "õö÷øù"),  # ư is the soft hyphen
    "y": ("y", "úûüýþ"),
}
# Upper-case letters that have their own code (toneless only).
_TCVN3_UPPER: Final[dict[str, str]] = {
    "Ă": "¡",
    "Â": "¢",
    "Ê": "£",
    "Ô": "¤",
    "Ơ": "¥",
    "Ư": "¦",
    "Đ": "§",
}


def _build_tcvn3() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    decode: dict[str, str] = {"®": "đ"}
    decode.update({code: letter for letter, code in _TCVN3_UPPER.items()})
    toned_codes: set[str] = set()
    for vowel, (plain, codes) in _TCVN3_VOWELS.items():
        if plain != vowel:
            decode[plain] = vowel
        for tone, code in zip(_TONES, codes, strict=True):
            decode[code] = _toned(vowel, tone)
            toned_codes.add(code)
    encode = {letter: code for code, letter in decode.items()}
    for code in toned_codes:  # no upper-case code: same byte, typed in the upper-case font
        encode[decode[code].upper()] = code
    return encode, decode, frozenset(toned_codes)


_TCVN3_ENCODE, _TCVN3_DECODE, _TCVN3_TONED = _build_tcvn3()
_TCVN3_ENCODE_TABLE: Final = str.maketrans(_TCVN3_ENCODE)
_TCVN3_DECODE_TABLE: Final = str.maketrans(_TCVN3_DECODE)

# --- VNI (VNI-Windows) ------------------------------------------------------------------------

_VNI_PLAIN_TONES: Final = "øûõùï"  # grave, hook, tilde, acute, dot after a e o u y ơ ư
_VNI_HAT_TONES: Final = "àåãáä"  # the same on â ê ô (circumflex + tone in one mark)
_VNI_BREVE_TONES: Final = "èúüéë"  # the same on ă (breve + tone in one mark)

# vowel -> (toneless spelling, spellings for grave, hook, tilde, acute, dot)
_VNI_VOWELS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "a": ("a", tuple("a" + m for m in _VNI_PLAIN_TONES)),
    "ă": ("aê", tuple("a" + m for m in _VNI_BREVE_TONES)),
    "â": ("aâ", tuple("a" + m for m in _VNI_HAT_TONES)),
    "e": ("e", tuple("e" + m for m in _VNI_PLAIN_TONES)),
    "ê": ("eâ", tuple("e" + m for m in _VNI_HAT_TONES)),
    "i": ("i", ("ì", "æ", "ó", "í", "ò")),
    "o": ("o", tuple("o" + m for m in _VNI_PLAIN_TONES)),
    "ô": ("oâ", tuple("o" + m for m in _VNI_HAT_TONES)),
    "ơ": ("ô", tuple("ô" + m for m in _VNI_PLAIN_TONES)),
    "u": ("u", tuple("u" + m for m in _VNI_PLAIN_TONES)),
    "ư": ("ö", tuple("ö" + m for m in _VNI_PLAIN_TONES)),
    "y": ("y", ("yø", "yû", "yõ", "yù", "î")),
}


def _build_vni() -> tuple[dict[str, str], dict[str, str]]:
    encode: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}
    for vowel, (plain, spellings) in _VNI_VOWELS.items():
        encode[vowel] = plain
        encode[vowel.upper()] = plain.upper()
        for tone, spelling in zip(_TONES, spellings, strict=True):
            letter = _toned(vowel, tone)
            encode[letter] = spelling
            encode[letter.upper()] = spelling.upper()
    encode = {letter: code for letter, code in encode.items() if letter != code}
    decode: dict[str, str] = {}
    for letter, code in encode.items():
        decode[code] = letter
        if len(code) == 2:  # accept a mark typed in the other case ("Aù", "aÙ")
            decode.setdefault(code[0] + code[1].swapcase(), letter)
    return encode, decode


_VNI_ENCODE, _VNI_DECODE = _build_vni()
_VNI_PATTERN: Final = re.compile(
    "|".join(re.escape(code) for code in sorted(_VNI_DECODE, key=len, reverse=True))
)


# --- conversions ------------------------------------------------------------------------------

_LETTER_RUN: Final = re.compile(r"[^\W\d_]+")


def tcvn3_to_unicode(text: str, *, uppercase_font: bool = False) -> str:
    """Convert TCVN3 (".VnTime") text to NFC Unicode.

    TCVN3 has no codes for upper-case toned letters; a toned letter is made
    upper case when the whole text, or its word, is otherwise upper case (at
    least two other letters). ``uppercase_font=True`` (".VnTimeH") upper-cases
    everything.

    >>> tcvn3_to_unicode("Th«ng tin vÒ ViÖt Nam")
    'Thông tin về Việt Nam'
    >>> tcvn3_to_unicode("KÕ HO¹CH")
    'KẾ HOẠCH'
    """
    decoded = text.translate(_TCVN3_DECODE_TABLE)
    if uppercase_font:
        return decoded.upper()
    ambiguous = [i for i, ch in enumerate(text) if ch in _TCVN3_TONED]
    if not ambiguous:
        return decoded
    chars = list(decoded)
    ambiguous_set = set(ambiguous)

    def upper_case_context(start: int, end: int) -> bool:
        cased = [
            chars[i]
            for i in range(start, end)
            if i not in ambiguous_set and (chars[i].isupper() or chars[i].islower())
        ]
        return len(cased) >= 2 and all(ch.isupper() for ch in cased)

    spans = [(0, len(chars))] if upper_case_context(0, len(chars)) else []
    spans += [run.span() for run in _LETTER_RUN.finditer(decoded)]
    for start, end in spans:
        if upper_case_context(start, end):
            for i in ambiguous_set.intersection(range(start, end)):
                chars[i] = chars[i].upper()
    return "".join(chars)


def unicode_to_tcvn3(text: str) -> str:
    """Convert Unicode Vietnamese to TCVN3 (".VnTime") text.

    Upper-case toned letters have no TCVN3 code and get the lower-case code
    (as typed with the ".VnTimeH" upper-case font).

    >>> unicode_to_tcvn3("Thông tin về Việt Nam")
    'Th«ng tin vÒ ViÖt Nam'
    """
    return unicodedata.normalize("NFC", text).translate(_TCVN3_ENCODE_TABLE)


def vni_to_unicode(text: str) -> str:
    """Convert VNI ("VNI-Times") text to NFC Unicode.

    >>> vni_to_unicode("Thoâng tin veà Vieät Nam")
    'Thông tin về Việt Nam'
    >>> vni_to_unicode("KEÁ HOAÏCH")
    'KẾ HOẠCH'
    """
    return _VNI_PATTERN.sub(lambda match: _VNI_DECODE[match.group()], text)


def unicode_to_vni(text: str) -> str:
    """Convert Unicode Vietnamese to VNI ("VNI-Times") text.

    >>> unicode_to_vni("Thông tin về Việt Nam")
    'Thoâng tin veà Vieät Nam'
    """
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


# --- Vietnamese syllables ---------------------------------------------------------------------

_ONSETS: Final = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_CODAS: Final = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
_STOP_CODAS: Final = frozenset({"c", "ch", "p", "t"})  # take only the sắc or nặng tone
_NUCLEI: Final = frozenset(
    [
        *("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"),
        *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe"),
        *("oi", "oo", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ"),
        *("ưu", "yê", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu"),
        *("uya", "uyê", "uyu"),
    ]
)
_SHAPED: Final = frozenset("ăâêôơư")
# Nuclei that never take a final consonant, and nuclei that always need one.
_OPEN_NUCLEI: Final = frozenset(
    n for n in _NUCLEI if (len(n) > 1 and n[-1] in "iyou") or n in ("ia", "ua", "ưa")
) - {"oo", "uy"}
_CLOSED_NUCLEI: Final = frozenset({"ă", "â", "oă", "uâ", "iê", "yê", "uô", "ươ", "uyê"})
_PALATAL_NUCLEI: Final = frozenset({"a", "ê", "i", "y", "oa", "uê", "uy"})  # before ch, nh


def _split_tone(word: str) -> tuple[str, int | None, str | None] | None:
    """Lower-case ``word`` without its tone, the tone's index and the tone; None if not one."""
    bare: list[str] = []
    index: int | None = None
    tone: str | None = None
    for ch in word.lower():
        parts = unicodedata.normalize("NFD", ch)
        marks = [m for m in parts if m in _TONES]
        if marks:
            if index is not None or len(marks) > 1:
                return None
            index, tone = len(bare), marks[0]
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
        if len(base) != 1:
            return None
        bare.append(base)
    return "".join(bare), index, tone


def _tone_placed(nucleus: str, position: int, has_coda: bool) -> bool:
    """Whether a tone on ``nucleus[position]`` is a spelling Vietnamese uses (old or new)."""
    if len(nucleus) == 1:
        return True
    shaped = [i for i, ch in enumerate(nucleus) if ch in _SHAPED]
    if shaped:
        return position == shaped[-1]
    if len(nucleus) == 3:
        return position == 1
    if nucleus in ("oa", "oe", "uy"):
        return position == 1 or not has_coda  # "hoà"/"hòa", but "hoàng"
    return nucleus == "oo" or position == 0


# Onsets and the first vowels they go with (spelling rules: "ca"/"ke", "ga"/"ghe", "qua").
_ONSET_BEFORE: Final[dict[str, str]] = {
    "c": "aăâoôơuư",
    "k": "eêiy",
    "gh": "eêi",
    "ngh": "eêi",
    "g": "aăâioôơuư",
    "ng": "aăâoôơuư",
    "qu": "aăâeêiyôơ",
}


def _fits(onset: str, nucleus: str, coda: str) -> bool:
    if nucleus not in _NUCLEI or nucleus[0] not in _ONSET_BEFORE.get(onset, nucleus[0]):
        return False
    if not coda:
        return nucleus not in _CLOSED_NUCLEI
    if nucleus in _OPEN_NUCLEI:
        return False
    return coda not in ("ch", "nh") or nucleus in _PALATAL_NUCLEI


def _is_syllable(word: str) -> bool:
    """Whether ``word`` is a well-formed Vietnamese syllable (any case).

    >>> _is_syllable("Thưởng"), _is_syllable("hoà"), _is_syllable("España"), _is_syllable("aỏt")
    (True, True, False, False)
    """
    split = _split_tone(word)
    if split is None:
        return False
    bare, index, tone = split
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rest = bare[len(onset) :]
        for coda in _CODAS:
            if not rest.endswith(coda):
                continue
            nucleus = rest[: len(rest) - len(coda)]
            if not _fits(onset, nucleus, coda):
                continue
            if coda in _STOP_CODAS and tone not in (None, _ACUTE, _DOT):
                continue
            if index is None or (
                0 <= index - len(onset) < len(nucleus)
                and _tone_placed(nucleus, index - len(onset), bool(coda))
            ):
                return True
    return False


def _has_vowel(word: str) -> bool:
    split = _split_tone(word)
    bare = split[0] if split is not None else word.lower()
    return any(ch in _VOWELS for ch in bare)


# --- detection --------------------------------------------------------------------------------

# Letters only Unicode Vietnamese has (and combining marks of NFD text): never legacy text.
_UNICODE_ONLY: Final = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9\u0300-\u036f]"
)
# Latin-1 letters that are ordinary Unicode Vietnamese letters.
_UNICODE_LATIN1: Final = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# VNI letter+mark pairs that Unicode text also spells ("hoà", "thoát").
# TCVN3 codes of lower-case letters that are not letters in Latin-1 ("¸", "«", "®", ...).
_TCVN3_SYMBOL_CODES: Final = frozenset(
    code for code, letter in _TCVN3_DECODE.items() if not code.isalpha() and letter.islower()
)
_VNI_UNICODE_PAIRS: Final = frozenset({"oá", "oà", "oã"})
_VNI_STRONG_SINGLES: Final = frozenset("öñæî")  # ư đ ỉ ỵ: not Vietnamese in Unicode

MIN_POINTS: Final = 2
"""Legacy evidence needed without a font name (see :func:`detect_legacy`)."""
MIN_VALID_SHARE: Final = 0.75
"""Share of converted words that must be Vietnamese syllables without a font name."""
FONT_MIN_VALID_SHARE: Final = 0.5
"""The same share when the cell's font names the encoding."""


@dataclass(frozen=True)
class LegacyReading:
    """A cell text found to be legacy-encoded, and its Unicode reading."""

    encoding: Encoding
    unicode_text: str


@dataclass(frozen=True)
class _Score:
    points: int  # legacy evidence
    changed: bool  # the conversion changes the text
    valid: int  # converted words that are Vietnamese syllables
    invalid: int  # converted words that are not
    anchored: bool  # a word with strong evidence converts to Vietnamese words only

    @property
    def share(self) -> float:
        judged = self.valid + self.invalid
        return self.valid / judged if judged else 0.0


def _tcvn3_evidence(text: str) -> list[tuple[int, int]]:
    """(position, points) of TCVN3 codes that are no Unicode Vietnamese letter.

    2 points inside a word (letters on both sides), 1 at a word's edge, 0 alone
    (a "©" or "«" between spaces or digits). A code that reads as a Unicode
    capital ("Ò" = ề, "Õ" = ế) scores 2 between lower-case letters ("§iÒu").
    """

    def letterish(i: int) -> bool:
        if not 0 <= i < len(text):
            return False
        ch = text[i]
        return (ch.isascii() and ch.isalpha()) or ch in _TCVN3_DECODE

    def lower(i: int) -> bool:
        return 0 <= i < len(text) and (text[i].islower() or text[i] in _TCVN3_SYMBOL_CODES)

    items: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch not in _TCVN3_DECODE:
            continue
        if ch not in _UNICODE_LATIN1:
            items.append((i, letterish(i - 1) + letterish(i + 1)))
        elif ch.isupper() and lower(i - 1) and lower(i + 1):
            items.append((i, 2))
    return items


def _vni_evidence(text: str) -> list[tuple[int, int]]:
    """(position, points) of VNI codes: 2 per letter+mark pair Unicode never spells, 1 per
    "ö", "ñ", "æ", "î" (ư đ ỉ ỵ), 0 for codes that are ordinary Unicode letters.

    The pairs "oá", "oà", "oã" also spell Unicode words ("hoà", "thoát"): they
    count 1 only when their word is not a Unicode syllable as written.
    """
    runs = [run.span() for run in _LETTER_RUN.finditer(text)]
    items: list[tuple[int, int]] = []
    for match in _VNI_PATTERN.finditer(text):
        code = match.group().lower()
        if code in _VNI_UNICODE_PAIRS:
            word = next((text[a:b] for a, b in runs if a <= match.start() < b), code)
            points = 0 if _is_syllable(word) else 1
        elif len(code) == 2:
            points = 2
        else:
            points = 1 if code in _VNI_STRONG_SINGLES else 0
        items.append((match.start(), points))
    return items


def _score(text: str, encoding: Encoding) -> _Score:
    convert: Callable[[str], str]
    if encoding == "TCVN3":
        items, convert = _tcvn3_evidence(text), tcvn3_to_unicode
    else:
        items, convert = _vni_evidence(text), vni_to_unicode
    touched = {position for position, _ in items}
    if encoding == "TCVN3":  # Unicode-looking codes ("é" = ộ) are conversions too
        touched |= {i for i, ch in enumerate(text) if ch in _TCVN3_DECODE}
    valid = invalid = 0
    changed = anchored = False
    for chunk in re.finditer(r"\S+", text):
        if not any(chunk.start() <= i < chunk.end() for i in touched):
            continue
        changed = True
        runs = [
            run
            for run in _LETTER_RUN.findall(convert(chunk.group()))
            if not run.isascii() and _has_vowel(run)  # skip abbreviations such as "TĐKT"
        ]
        good = [run for run in runs if _is_syllable(run)]
        valid += len(good)
        invalid += len(runs) - len(good)
        if (
            len(good) == len(runs)
            and any(len(run) >= 2 for run in good)
            and sum(p for i, p in items if chunk.start() <= i < chunk.end()) >= MIN_POINTS
        ):
            anchored = True
    return _Score(sum(points for _, points in items), changed, valid, invalid, anchored)


def _font_encoding(font_name: str | None) -> Encoding | None:
    name = (font_name or "").strip().casefold()
    if name.startswith(".vn"):
        return "TCVN3"
    if re.match(r"vni[-_ ]", name):
        return "VNI"
    return None


def _reading(text: str, encoding: Encoding, font_name: str | None) -> LegacyReading:
    if encoding == "VNI":
        return LegacyReading("VNI", vni_to_unicode(text))
    uppercase_font = _font_encoding(font_name) == "TCVN3" and (font_name or "").strip()[-1:] == "H"
    return LegacyReading("TCVN3", tcvn3_to_unicode(text, uppercase_font=uppercase_font))


def unicode_only(text: str) -> bool:
    """Whether a text holds a letter only Unicode has (never legacy-encoded, see :func:`detect_legacy`).

    >>> unicode_only("Nhiệm vụ"), unicode_only("Th«ng tin")
    (True, False)
    """
    return _UNICODE_ONLY.search(text) is not None


def detect_legacy(text: str, font_name: str | None = None) -> LegacyReading | None:
    """Return the Unicode reading of a legacy-encoded cell text, or None for ordinary text.

    Text holding letters only Unicode has ("ư", "ế", combining marks) is never
    legacy. Otherwise each encoding is scored with evidence points. TCVN3: a
    code that is no Unicode Vietnamese letter scores 2 inside a word, 1 at a
    word's edge, 0 alone. VNI: a letter+mark pair Unicode never spells ("aø",
    "eä") scores 2; "ö", "ñ", "æ", "î", and "oá"/"oà"/"oã" in a word that is no
    Unicode syllable as written, score 1. The converted words are then checked
    to be Vietnamese syllables (onset, vowel group, final, tone placement).

    Without a font name an encoding needs :data:`MIN_POINTS` points, a share of
    valid syllables of at least :data:`MIN_VALID_SHARE`, and one anchor: a
    word that alone scores :data:`MIN_POINTS` and converts to Vietnamese only,
    with a syllable of two letters or more. A ".Vn…" (TCVN3)
    or "VNI-…" font only needs one legacy character and a share of
    :data:`FONT_MIN_VALID_SHARE`; ".Vn…H" fonts are upper case.

    >>> detect_legacy("Th«ng tin")
    LegacyReading(encoding='TCVN3', unicode_text='Thông tin')
    >>> detect_legacy("Vieät Nam")
    LegacyReading(encoding='VNI', unicode_text='Việt Nam')
    >>> detect_legacy("Thông tin") is None, detect_legacy("© 2024") is None
    (True, True)
    """
    if text.isascii() or unicode_only(text):
        return None
    hinted = _font_encoding(font_name)
    if hinted is not None:
        score = _score(text, hinted)
        if score.changed and (score.valid + score.invalid == 0 or score.share >= FONT_MIN_VALID_SHARE):
            return _reading(text, hinted, font_name)
    candidates: list[tuple[float, int, Encoding]] = []
    for encoding in ("TCVN3", "VNI"):
        score = _score(text, encoding)
        if score.points >= MIN_POINTS and score.anchored and score.share >= MIN_VALID_SHARE:
            candidates.append((score.share, score.points, encoding))
    if not candidates:
        return None
    return _reading(text, max(candidates)[2], font_name)
