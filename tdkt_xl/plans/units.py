"""Units (đơn vị): the plan's unit list, and reading unit cells against it.

A cell may name several units, separated by ";", line breaks, "- " bullets or
commas; but commas also occur inside names ("Ban Thi đua - Khen thưởng, Sở Nội
vụ" is one unit), so known names and aliases are matched first, longest first,
and only what is left is split.
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
            # without a unit list a comma may always be part of a name: keep it
            commas = r"[^,/]+" if self.units else r".+"
            for sub in re.finditer(commas, part):
                piece = _tidy(sub.group(0))
                if not piece:
                    continue
                folded = fold(piece)
                if part_pieces:
                    prev_pos, prev = part_pieces[-1]
                    prev_folded = fold(prev)
                    joins_parent = _starts_with(prev_folded, _SUB_UNIT_HEADS) and _starts_with(
                        folded, _PARENT_HEADS
                    )
                    if joins_parent or not _starts_with(folded, _UNIT_HEADS):
                        part_pieces[-1] = (prev_pos, f"{prev}, {piece}")
                        continue
                part_pieces.append((base + sub.start(), piece))
            pieces.extend(part_pieces)
        return [(pos, p) for pos, p in pieces if fold(p).strip("()[] ") not in _NOISE]

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
