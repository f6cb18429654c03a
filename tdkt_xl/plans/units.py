"""Units (đơn vị): the plan's unit list, and reading unit cells against it.

A cell may name several units, separated by ";", line breaks, "- " bullets or
commas; but commas also occur inside names ("Ban Thi đua - Khen thưởng, Sở Nội
vụ" is one unit), so known names and aliases are matched first, longest first,
and only what is left is split: at a comma only between two units' names ("Bộ Giao
thông vận tải, Ngân hàng Nhà nước Việt Nam"), never inside one ("Bộ Văn hóa, Thể thao
và Du lịch") nor between a sub-unit and its parent.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from tdkt_xl.plans.text import clean_lines, fold, strip_diacritics


class Unit(BaseModel):
    """A unit of the plan's "Đơn vị" sheet."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "Đơn vị"
    email: str = ""
    row: int | None = None
    groups: tuple[str, ...] = ()  # the codes of the groups it belongs to ("Thuộc nhóm" column)

    @property
    def is_group(self) -> bool:
        """A collective name ("Các địa phương, đơn vị") rather than one reporting unit."""
        return _is_group_kind(self.kind)


@functools.lru_cache(maxsize=256)
def _is_group_kind(kind: str) -> bool:
    return fold(kind).startswith("nhom")


class UnitRef(BaseModel):
    """A unit as written in a task cell; ``code`` is None when it is not in the list."""

    model_config = ConfigDict(frozen=True)

    text: str
    code: str | None = None
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.text


# Words that begin a unit's name: a comma followed by one of them starts a new unit.
_UNIT_HEADS = (
    "so", "ban", "phong", "ubnd", "uy ban", "hoi dong", "cuc", "vu", "bo", "trung tam",
    "van phong", "cum", "khoi", "cac", "huyen", "tinh", "thanh pho", "quan", "thi xa", "xa",
    "phuong", "cong an", "dai", "bao", "doan", "hoi", "truong", "benh vien", "vien",
    "tong cuc", "chi cuc", "lien doan", "mat tran", "thuong truc", "bo chi huy", "kho bac",
    "thanh tra", "cong ty", "tong cong ty", "ngan hang", "tap doan", "hdnd", "mttq",
)
# Sub-units named with their parent after a comma: "Ban TĐKT, Sở Nội vụ" is one unit.
_SUB_UNIT_HEADS = ("ban", "phong", "chi cuc", "trung tam", "van phong", "cuc", "vu", "doi")
_PARENT_HEADS = ("so", "bo", "ubnd", "uy ban", "tong cuc", "cong an", "bo chi huy")
# Words that begin the proper name of one organisation (the kinds of state bodies, their offices,
# public service units, mass organisations and state enterprises a plan assigns tasks to), folded;
# "Uỷ ban"/"Ủy ban" fold alike. Without a unit list, a comma splits a cell only between two names
# that each begin so ("Bộ Giao thông vận tải, Ngân hàng Nhà nước Việt Nam"): "Bộ Văn hóa, Thể thao
# và Du lịch" stays one ("Thể thao …" begins no name), as do group lists ("Các huyện, thị xã").
_ORGANISATION_HEADS = (
    "bo", "so", "ban", "ubnd", "uy ban", "ub", "hdnd", "phong", "cuc", "tong cuc", "chi cuc", "vu",
    "van phong", "ngan hang", "trung tam", "hoi dong", "vien", "hoc vien", "truong", "dai hoc",
    "benh vien", "cong an", "bo chi huy", "bo tu lenh", "lien doan", "hoi", "dai", "bao", "tap chi",
    "quy", "kho bac", "thanh tra", "kiem toan", "toa an", "tap doan", "tong cong ty", "cong ty",
    "bao hiem xa hoi", "thue", "mat tran", "mttq", "thanh uy", "tinh uy", "dang uy", "doan",
    "nha xuat ban",
)
# A head followed by one of these is a kind, not a name: "Sở, ban, ngành", "Bộ ngành liên quan".
_NOT_A_NAME = ("va", "nganh", "ban", "hoac", "lien quan", "co lien quan", "khac")
_NOISE = {"", "va", "cac", "voi", "cung", "va cac", "chu tri", "phoi hop", "lien quan", "co lien quan",
          "lien quan khac", "khac", "neu co"}
# Words written before a known name that only say whose committee it is: "UBND các huyện, thị xã,
# thành phố" is the group "Các huyện, thị xã, thành phố", not a unit "UBND" and a group.
_PREFIXES = {"ubnd", "uy ban nhan dan", "hdnd", "hoi dong nhan dan"}


def _starts_with(folded: str, heads: Iterable[str]) -> bool:
    return any(folded == h or folded.startswith(h + " ") for h in heads)


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold character by character, keeping each folded char's index in ``text``."""
    chars: list[str] = []
    index: list[int] = []
    for position, ch in enumerate(text):
        if unicodedata.combining(ch):
            continue
        folded = (strip_diacritics(ch).casefold() or " ")[0]
        if folded in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
            folded = "-"
        if folded.isspace():
            folded = " "
        chars.append(folded)
        index.append(position)
    return "".join(chars), index


def _key(name: str) -> str:
    """A name's lookup key: folded; dashes and commas, which staff write for one another ("Sở Lao
    động - Thương binh và Xã hội"), one separator; ampersands without spaces.

    >>> _key("Sở Lao động - Thương binh và Xã hội") == _key("Sở Lao động, Thương binh và Xã hội")
    True
    """
    key = re.sub(r"\s*[-,]\s*", ",", fold(name).rstrip(" .;,"))
    return re.sub(r"\s*&\s*", "&", key)


def _name_pattern(key: str) -> str:
    escaped = re.escape(key)
    escaped = escaped.replace(r"\&", r"\s*&\s*").replace(",", r"\s*[,-]\s*")
    return re.sub(r"(\\ )+", r"\\s+", escaped)


def _tidy(piece: str) -> str:
    piece = re.sub(r"^[\s\-•*+·;,.:/]+", "", piece)
    piece = piece.strip().rstrip(" ;,.:/").strip()
    first, _, rest = piece.partition(" ")
    if rest and fold(first) in ("va", "cung", "voi"):
        return _tidy(rest)  # "… và các Phòng": the joining word is not part of the name
    return piece


class UnitDirectory:
    """The plan's unit list, with matching that tolerates the ways staff write names.

    >>> units = UnitDirectory([Unit(code="BTDKT", name="Ban Thi đua - Khen thưởng, Sở Nội vụ",
    ...                             aliases=("Ban TĐKT",)), Unit(code="SGTVT", name="Sở Giao thông vận tải")])
    >>> [r.code for r in units.split("Ban thi đua – khen thưởng, Sở Nội vụ; Sở GTVT")]
    ['BTDKT', None]
    """

    def __init__(self, units: Iterable[Unit]) -> None:
        self.units = list(units)
        self.by_code = {u.code: u for u in self.units}
        names: dict[str, Unit] = {}
        for unit in self.units:
            for name in (unit.name, *unit.aliases):
                key = _key(name)
                if key:
                    names.setdefault(key, unit)
        self._by_key = names
        self._compiled: re.Pattern[str] | None = None
        self._group_units: list[Unit] = []
        self._cache: dict[str, list[UnitRef]] = {}

    @property
    def _pattern(self) -> re.Pattern[str] | None:
        """All known names in one regex, longest first (built on first need: big lists are slow)."""
        if self._compiled is None and self._by_key:
            ordered = sorted(self._by_key, key=len, reverse=True)
            self._compiled = re.compile(
                r"(?<![0-9a-z])(?:" + "|".join(f"({_name_pattern(k)})" for k in ordered) + r")(?![0-9a-z])"
            )
            self._group_units = [self._by_key[k] for k in ordered]
        return self._compiled

    def __len__(self) -> int:
        return len(self.units)

    def lookup(self, text: str) -> Unit | None:
        """The unit a whole text names, if any."""
        return self._by_key.get(_key(text))

    def split(self, value: object) -> list[UnitRef]:
        """The units a cell names, known ones resolved to their code."""
        text = clean_lines(value)
        if not text:
            return []
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._split(text)
        return list(cached)

    def _split(self, text: str) -> list[UnitRef]:
        exact = self._split_exact(text)
        if exact is not None:
            return exact
        refs: list[tuple[int, UnitRef]] = []
        leftovers: list[tuple[int, str]] = []
        cursor = 0
        if self._pattern is not None:
            folded, index = _fold_with_map(text)
            for match in self._pattern.finditer(folded):
                group = match.lastindex
                assert group is not None
                unit = self._group_units[group - 1]
                start, end = index[match.start()], index[match.end() - 1] + 1
                gap = text[cursor:start]
                closing = re.match(r"\s*\)", text[end:])
                if refs and closing and re.fullmatch(r"\s*\(\s*", gap):
                    cursor = end + closing.end()  # "Ban TĐKT (Sở Nội vụ)": the parent, said once
                    continue
                before = re.split(r"[;,\n/]", gap)[-1]
                if fold(before).strip() in _PREFIXES:
                    start -= len(before.lstrip())
                    gap = text[cursor:start]
                leftovers.append((cursor, gap))
                refs.append((start, UnitRef(text=text[start:end], code=unit.code, name=unit.name)))
                cursor = end
        leftovers.append((cursor, text[cursor:]))
        for offset, chunk in leftovers:
            for position, piece in self._split_unknown(chunk):
                refs.append((offset + position, UnitRef(text=piece)))
        refs.sort(key=lambda item: item[0])
        seen: set[str] = set()
        result: list[UnitRef] = []
        for _, ref in refs:
            key = ref.code or fold(ref.text)
            if key not in seen:
                seen.add(key)
                result.append(ref)
        return result

    def _split_exact(self, text: str) -> list[UnitRef] | None:
        """The common case, fast: every ";"/line-separated piece is exactly a known name."""
        if not self._by_key:
            return None
        refs: list[UnitRef] = []
        for piece in re.split(r"[;\n]", text):
            tidy = _tidy(piece)
            if not tidy:
                continue
            unit = self._by_key.get(_key(tidy))
            if unit is None:
                return None
            if all(r.code != unit.code for r in refs):
                refs.append(UnitRef(text=tidy, code=unit.code, name=unit.name))
        return refs

    def _split_unknown(self, chunk: str) -> list[tuple[int, str]]:
        pieces: list[tuple[int, str]] = []
        for match in re.finditer(r"[^;\n]+", chunk):
            part, base = match.group(0), match.start()
            part_pieces: list[tuple[int, str]] = []
            # without a unit list "/" stays ("UBND xã/phường"); a comma splits between two names
            commas = r"[^,/]+" if self.units else r"[^,]+"
            for sub in re.finditer(commas, part):
                piece = _tidy(sub.group(0))
                if not piece:
                    continue
                if part_pieces and not self._starts_new_unit(fold(part_pieces[-1][1]), fold(piece)):
                    prev_pos = part_pieces[-1][0]  # joined as written: "UBND xã/phường" stays
                    part_pieces[-1] = (prev_pos, _tidy(part[prev_pos - base : sub.end()]))
                    continue
                part_pieces.append((base + sub.start(), piece))
            pieces.extend(part_pieces)
        return [(pos, p) for pos, p in pieces if fold(p).strip("()[] ") not in _NOISE]

    def _starts_new_unit(self, previous: str, folded: str) -> bool:
        """Whether the comma between a piece (``previous``, folded, with what was joined to it) and
        the next (``folded``) separates two units. With a unit list, any next piece that begins
        like a unit does; without one, only two organisation names (or a name, then a group:
        "Trung tâm Phục vụ hành chính công, các Sở, ban, ngành"). Never a sub-unit and its parent
        ("Ban Thi đua - Khen thưởng, Sở Nội vụ")."""
        if _names_its_parent(previous, folded):
            return False
        first = previous.split(",")[0].strip()
        if organisation_name(first) and (folded.startswith("cac ") or folded in _ORGANISATION_HEADS):
            return True  # a group after a name: "…, Sở, ban, ngành", "…, các sở, ngành liên quan"
        if _is_a_kind(folded):
            return False
        if self.units and _starts_with(folded, _UNIT_HEADS):
            return True
        return organisation_name(folded) and _starts_with(first.removeprefix("cac "), _ORGANISATION_HEADS)

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Closest known names, for "did you mean" messages."""
        keys = list(self._by_key)
        close = difflib.get_close_matches(_key(text), keys, n=limit * 2, cutoff=0.55)
        names: list[str] = []
        for key in close:
            name = self._by_key[key].name
            if name not in names:
                names.append(name)
        return names[:limit]


_HEADS_LONGEST_FIRST = sorted(_ORGANISATION_HEADS, key=len, reverse=True)


@functools.lru_cache(maxsize=4096)
def organisation_name(folded: str) -> bool:
    """Whether a (folded) text begins like one organisation's name: a head word ("sở", "ngân hàng"
    …) followed by a name, not by a kind ("sở, ban, ngành") or nothing.

    >>> [organisation_name(fold(t)) for t in ("Ngân hàng Nhà nước", "Sở", "Sở ngành", "Thể thao")]
    [True, False, False, False]
    """
    for head in _HEADS_LONGEST_FIRST:
        if folded.startswith(head + " "):
            rest = folded[len(head) + 1:].lstrip(" -")
            return bool(rest) and not _starts_with(rest, _NOT_A_NAME)
    return False


# Words inside a sub-unit's name that say whose it is ("Văn phòng UBND Thành phố"): then a parent
# after a comma is another unit. Only words no other name holds ("bộ" is also "cán bộ").
_OWN_PARENT = re.compile(r"\b(?:ubnd|uy ban|hdnd|hoi dong nhan dan|thanh uy|tinh uy|huyen uy|"
                         r"tong cuc|cong an|bo chi huy)\b")


def _is_a_kind(folded: str) -> bool:
    """A bare head or a kind ("ban", "ngành", "Bộ ngành liên quan") after a comma: part of a group."""
    return folded in _ORGANISATION_HEADS or folded in _UNIT_HEADS or (
        _starts_with(folded, _ORGANISATION_HEADS) and not organisation_name(folded)
        and not folded.startswith("cac "))


def _names_its_parent(previous: str, folded: str) -> bool:
    """A sub-unit then its parent ("Ban TĐKT, Sở Nội vụ": one unit); not when the sub-unit already
    names whose it is ("Văn phòng UBND Thành phố, Sở Tư pháp": two)."""
    if not (_starts_with(previous, _SUB_UNIT_HEADS) and _starts_with(folded, _PARENT_HEADS)
            and organisation_name(folded)):
        return False  # a parent names one body: "Sở Nội vụ", not "Sở, ban, ngành"
    _, _, rest = previous.partition(" ")
    return _OWN_PARENT.search(rest) is None


def split_aliases(text: str) -> tuple[str, ...]:
    """A unit's other names: separated by ";" or line breaks, or by "," between whole names
    ("Sở GD&ĐT, Sở GDĐT"); a comma inside a name stays ("Ban TĐKT, Sở Nội vụ", "Các sở, ban, ngành").

    >>> split_aliases("Sở GD&ĐT, Sở GDĐT; Sở Giáo dục")
    ('Sở GD&ĐT', 'Sở GDĐT', 'Sở Giáo dục')
    >>> split_aliases("Ban TĐKT, Sở Nội vụ"), split_aliases("Các sở, ban, ngành")
    (('Ban TĐKT, Sở Nội vụ',), ('Các sở, ban, ngành',))
    """
    aliases: list[str] = []
    for piece in re.split(r"[;\n]", text):
        piece = piece.strip()
        parts = [p.strip() for p in piece.split(",")]
        folded = [fold(p) for p in parts]
        separate = (
            len(parts) > 1
            and all(len(f.split()) >= 2 and _starts_with(f, _UNIT_HEADS) for f in folded)
            and not any(_starts_with(a, _SUB_UNIT_HEADS) and _starts_with(b, _PARENT_HEADS)
                        for a, b in itertools.pairwise(folded))
        )
        aliases.extend(parts if separate else [piece])
    return tuple(dict.fromkeys(a for a in aliases if a))


def split_without_list(value: object) -> list[UnitRef]:
    """Split a unit cell when the plan has no unit list (nothing is checked).

    >>> [r.text for r in split_without_list("- Sở Giáo dục và Đào tạo;\\n- Các huyện, thị xã")]
    ['Sở Giáo dục và Đào tạo', 'Các huyện, thị xã']
    """
    return UnitDirectory([]).split(value)
