"""The đề cương (outline) a Báo cáo tổng kết follows, as data.

An outline is a list of headings numbered the way Vietnamese administrative documents number
them: roman numerals for the parts ("I.", "II -"), arabic numbers for items ("1.", "2)"),
letters for sub-items ("a)", "b."), dashes for points ("-", "+"). :func:`parse_outline_lines`
reads such lines however they are typed (numbering variants, upper or lower case, decomposed
Unicode, words without diacritics); :func:`default_outline` is seed 004's đề cương (the one the
Sở Nội vụ sent with Văn bản số 962/SNV-TĐKT); :func:`find_topic` finds the item about a topic
(the commendation figures, the difficulties, the proposals) by its words, never by its number,
so that a plan's own outline works as well.

Each item has a ``key`` (its path: "II", "II.3", "II.3.b"; a point under a part "I.-1"), its
``label`` as written ("II.", "3.", "b)", "-"), its ``title``, its ``level`` (1 roman, 2 arabic,
3 letter, 4 point) and its ``prompt``: the guidance written under it, such as
"(Báo cáo nêu cụ thể số liệu …)". A guidance line standing after the last sub-item (a letter or
a point) of a list, right before a heading of the parent's level or above, closes that list and
belongs to the parent: in seed 004 the note on the figures after "e)" is about item II.3 as a
whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from tdkt_xl.plans.text import clean, fold_words

Topic = Literal["statistics", "difficulties", "proposals"]

LEVEL_ROMAN, LEVEL_NUMBER, LEVEL_LETTER, LEVEL_POINT = 1, 2, 3, 4


class OutlineItem(BaseModel):
    """One heading of the outline."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    title: str
    level: int
    prompt: str = ""

    @property
    def heading(self) -> str:
        """The heading as it is printed: label and title ("II. KẾT QUẢ …", "- Thuận lợi")."""
        return f"{self.label} {self.title}".strip()


class Outline(BaseModel):
    """A whole đề cương: the report's title, the line under it, and the headings in order."""

    model_config = ConfigDict(frozen=True)

    title: str = ""
    subtitle: str = ""
    items: tuple[OutlineItem, ...] = ()

    def children(self, item: OutlineItem) -> list[OutlineItem]:
        """The items directly under ``item``, in order."""
        prefix = f"{item.key}."
        return [i for i in self.items if i.key.startswith(prefix) and "." not in i.key[len(prefix):]]


# --- numbering ----------------------------------------------------------------

_ROMAN = re.compile(r"^(?=[IVXL])(XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_LOWER = re.compile(r"^(?=[ivxl]{2})(xl|l?x{0,3})(ix|iv|v?i{0,3})$")  # "ii", "iv": not a letter
# the numbering at the start of a line, and what follows it
_NUMBERED = re.compile(
    r"^(?P<label>"
    r"(?P<part>[IVXLivxl]{1,6})\s*[.:)\-]"            # I.  II -  iv)
    r"|(?P<number>\d{1,2})\.(?P<sub>\d{1,2})\.?(?=\s)"  # 2.1  2.1.
    r"|(?P<item>\d{1,2})\s*[.:)\-](?!\d)"                    # 2.  2)  2 -
    r"|(?P<letter>[a-zA-ZđĐ])\s*[.)]"                 # a)  b.
    r"|(?P<point>[-+•*▪◦])"                           # -  +
    r")\s*(?P<title>\S.*)$"
)
_PAREN_NOTE = re.compile(r"^\(.*\)\.?$")
# lines that only name the kind of document, above its title
_KIND_ONLY = {"de cuong", "de cuong bao cao", "de cuong goi y", "de cuong huong dan"}


def _numbering(line: str) -> tuple[int, str, str, str] | None:
    """(level, label as written, the key's own part, title) of a numbered line, or None.

    >>> _numbering("II - KẾT QUẢ"), _numbering("b) Việc ban hành")
    ((1, 'II -', 'II', 'KẾT QUẢ'), (3, 'b)', 'b', 'Việc ban hành'))
    >>> _numbering("10 năm thực hiện") is None, _numbering("2.1 Tổng hợp")[:3]
    (True, (3, '2.1', '2.1'))
    """
    match = _NUMBERED.match(line)
    if match is None:
        return None
    label, title = match["label"].strip(), match["title"].strip()
    if match["part"]:
        part = match["part"]
        if _ROMAN.match(part):
            return LEVEL_ROMAN, label, part, title
        if _ROMAN_LOWER.match(part):
            return LEVEL_ROMAN, label, part.upper(), title
        if len(part) == 1:  # "i)", "v." in a lettered list
            return LEVEL_LETTER, label, part.lower(), title
        return None
    if match["number"]:
        return LEVEL_LETTER, label, f"{int(match['number'])}.{int(match['sub'])}", title
    if match["item"]:
        return LEVEL_NUMBER, label, str(int(match["item"])), title
    if match["letter"]:
        letter = match["letter"]
        return LEVEL_LETTER, label, "d" if letter in "đĐ" else letter.lower(), title
    return LEVEL_POINT, label, "-", title


# --- parsing -----------------------------------------------------------------


class _Draft:
    """An item being read: its prompt lines still open."""

    def __init__(self, level: int, label: str, own: str, title: str) -> None:
        self.level, self.label, self.own, self.title = level, label, own, title
        self.key = ""
        self.prompt: list[str] = []
        self.parent: _Draft | None = None
        self.points = 0  # points ("-") read under it so far


def _key(draft: _Draft, parents: list[_Draft]) -> str:
    """The item's path from its nearest parents of each lower level."""
    parent = next((p for p in reversed(parents) if p.level < draft.level), None)
    draft.parent = parent
    if draft.level == LEVEL_POINT:
        owner = parent
        if owner is None:
            return f"-{sum(1 for p in parents if p.level == LEVEL_POINT and p.parent is None) + 1}"
        owner.points += 1
        return f"{owner.key}.-{owner.points}"
    own = draft.own
    if draft.level == LEVEL_LETTER and "." in own and parent is not None and parent.level == LEVEL_NUMBER:
        own = own.split(".", 1)[1]  # "2.1" under "2." is "….2.1"
    return f"{parent.key}.{own}" if parent is not None else own


def parse_outline_lines(lines: Iterable[str]) -> Outline:
    """An outline from its lines, one heading per line (numbering as written).

    Lines before the first heading are the title (a line naming only the kind, "ĐỀ CƯƠNG", is
    left out) and, in parentheses, the subtitle. An unnumbered line after a heading is its
    prompt. Blank lines are skipped.

    >>> o = parse_outline_lines(["ĐỀ CƯƠNG", "Báo cáo tổng kết", "I. Kết quả", "1. Lãnh đạo",
    ...     "a) Tuyên truyền", "(nêu số liệu)", "2) Đổi mới", "II - KIẾN NGHỊ"])
    >>> [(i.key, i.level) for i in o.items], o.title, o.items[1].prompt
    ([('I', 1), ('I.1', 2), ('I.1.a', 3), ('I.2', 2), ('II', 1)], 'Báo cáo tổng kết', '(nêu số liệu)')
    """
    title: list[str] = []
    subtitle: list[str] = []
    drafts: list[_Draft] = []
    pending_note: list[str] = []  # a note after a sub-item: whose it is depends on the next heading
    for raw in lines:
        line = clean(raw)
        if not line:
            continue
        numbered = _numbering(line)
        if numbered is None:
            if not drafts:
                if fold_words(line) not in _KIND_ONLY:
                    (subtitle if _PAREN_NOTE.match(line) else title).append(line)
            elif drafts[-1].level >= LEVEL_LETTER and _PAREN_NOTE.match(line):
                pending_note.append(line)
            else:
                _settle(drafts[-1], pending_note, None)
                drafts[-1].prompt.append(line)
            continue
        draft = _Draft(*numbered)
        if drafts:
            _settle(drafts[-1], pending_note, draft.level)
        draft.key = _key(draft, drafts)
        drafts.append(draft)
    if drafts:
        _settle(drafts[-1], pending_note, 0)
    return Outline(title=" ".join(title), subtitle=" ".join(subtitle), items=_unique(drafts))


def _settle(last: _Draft, note: list[str], next_level: int | None) -> None:
    """Give the note read after ``last`` to its owner: the parent when the next heading (of
    ``next_level``; 0 the end) closes the list ``last`` ends, else ``last`` itself."""
    if not note:
        return
    closes = next_level is not None and last.parent is not None and next_level <= last.parent.level
    owner = last.parent if closes and last.parent is not None else last
    owner.prompt.extend(note)
    note.clear()


def _unique(drafts: Sequence[_Draft]) -> tuple[OutlineItem, ...]:
    """The items, a key already given getting a suffix ("II.3.b~2"): an outline typed twice the
    same number stays readable."""
    seen: dict[str, int] = {}
    items: list[OutlineItem] = []
    for draft in drafts:
        key = draft.key
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}~{seen[key]}"
        items.append(OutlineItem(key=key, label=draft.label, title=draft.title, level=draft.level,
                                 prompt=" ".join(draft.prompt)))
    return tuple(items)


# --- topics -------------------------------------------------------------------

# Each topic's phrases, strongest first; an item matches a phrase when every word group of it
# is in the item's words (title, and prompt for the figures).
_TOPICS: dict[str, tuple[tuple[str, ...], ...]] = {
    "statistics": (("so lieu", "khen thuong"), ("ket qua khen thuong",), ("thong ke", "khen thuong")),
    "difficulties": (("kho khan", "vuong mac"), ("ton tai", "han che"), ("vuong mac",), ("han che",),
                     ("kho khan",)),
    "proposals": (("kien nghi",), ("de xuat",)),
}
_WITH_PROMPT = {"statistics"}


def _words(item: OutlineItem, topic: str) -> str:
    text = f"{item.title} {item.prompt}" if topic in _WITH_PROMPT else item.title
    return f" {fold_words(text)} "


def find_topics(outline: Outline, topic: Topic) -> list[OutlineItem]:
    """Every item about ``topic``, best matches first (then in outline order).

    >>> [i.key for i in find_topics(default_outline(), "difficulties")][:2]
    ['III.1.b', 'III.2']
    """
    found: list[OutlineItem] = []
    for phrase in _TOPICS[topic]:
        for item in outline.items:
            words = _words(item, topic)
            if item not in found and all(f" {part} " in words for part in phrase):
                found.append(item)
    return found


def find_topic(outline: Outline, topic: Topic) -> OutlineItem | None:
    """The item about ``topic`` ("statistics": the figures of commendations; "difficulties":
    khó khăn, vướng mắc / tồn tại, hạn chế; "proposals": kiến nghị, đề xuất), or None.

    >>> o = default_outline()
    >>> [find_topic(o, t).key for t in ("statistics", "difficulties", "proposals")]
    ['II.3', 'III.1.b', 'IV']
    """
    found = find_topics(outline, topic)
    return found[0] if found else None


# --- seed 004 -----------------------------------------------------------------

DEFAULT_OUTLINE_LINES: tuple[str, ...] = (
    "ĐỀ CƯƠNG",
    "Báo cáo tổng kết 10 năm thực hiện Kế hoạch số 4724/KH-UBND ngày 30/9/2014 của Ủy ban nhân dân "
    "tỉnh triển khai thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị và Chỉ thị số "
    "52-CT/TU ngày 28/5/2014 của Tỉnh ủy “về tiếp tục đổi mới công tác thi đua, khen thưởng”",
    "(Kèm theo Văn bản số 962/SNV-TĐKT ngày 13 tháng 3 năm 2024 của Sở Nội vụ)",
    "I. KHÁI QUÁT ĐẶC ĐIỂM TÌNH HÌNH",
    "- Đặc điểm tình hình hình",
    "- Thuận lợi",
    "- Khó khăn",
    "II. KẾT QUẢ 10 NĂM TRIỂN KHAI THỰC HIỆN",
    "1. Công tác lãnh đạo, chỉ đạo của các cấp ủy đảng, chính quyền về triển khai thực hiện Chỉ thị.",
    "a) Công tác quán triệt tuyên truyền đường lối, chủ trương của Đảng, tư tưởng về thi đua yêu nước "
    "của Chủ tịch Hồ Chí Minh, chính sách, pháp luật của Nhà nước về thi đua khen thưởng.",
    "b) Việc ban hành các Chỉ thị, Nghị quyết của các cấp ủy đảng và chính quyền các cấp.",
    "c) Xây dựng, ban hành cơ chế, chính sách, văn bản triển khai, hướng dẫn của cơ quan quản lý nhà "
    "nước, cơ quan chuyên môn.",
    "2. Việc đổi mới nội dung, hình thức, phương pháp tổ chức các phong trào thi đua yêu nước",
    "a) Việc xây dựng nội dung, hình thức tổ chức triển khai các phong trào thi đua yêu nước do Thủ "
    "tướng Chính phủ phát động và các phong trào thi đua của bộ, ban, ngành, địa phương",
    "b) Việc kiểm tra, đánh giá, sơ kết, tổng kết các phong trào thi đua và lựa chọn các tập thể, cá "
    "nhân có thành tích tiêu biểu xuất sắc trong các phong trào thi đua để biểu dương, khen thưởng.",
    "c) Công tác phát hiện, bồi dưỡng, tuyên truyền, nhân rộng điển hình tiên tiến, trong đó nêu rõ "
    "hình thức và giải pháp triển khai, thực hiện.",
    "3. Việc đổi mới công tác khen thưởng đảm bảo chính xác, kịp thời, công khai, minh bạch; coi trọng "
    "việc phát hiện lựa chọn các tập thể, cá nhân có thành tích xuất sắc để khen thưởng.",
    "a) Vai trò trách nhiệm của người đứng đầu trong việc phát hiện điển hình tiên tiến để khen thưởng "
    "và đề nghị cấp có thẩm quyền khen thưởng.",
    "b) Việc khen thưởng đối với tập thể nhỏ, công nhân, nông dân, người lao động trực tiếp sản xuất, "
    "kinh doanh, cán bộ, chiến sĩ các lực lượng vũ trang, dân quân, tự vệ, công an xã, bảo vệ dân phố, "
    "dân phòng, bảo vệ cơ quan, doanh nghiệp; quan tâm khen thưởng cơ sở, vùng sâu, vùng xa, vùng biên "
    "giới, hải đảo và vùng dân tộc thiểu số.",
    "c) Công tác khen thưởng kháng chiến và thực hiện chế độ, chính sách đối với các đối tượng có công "
    "lao, thành tích, cống hiến trong các cuộc kháng chiến của dân tộc.",
    "d) Việc khen thưởng cho các tập thể, cá nhân người nước ngoài có đóng góp trong công cuộc xây dựng, "
    "phát triển kinh tế - xã hội, an ninh quốc phòng của Việt Nam và có thành tích trong việc củng cố, "
    "phát triển mối quan hệ hữu nghị, hợp tác giữa Việt Nam với các nước, các tổ chức quốc tế.",
    "e) Công tác cải cách thủ tục hành chính, ứng dụng công nghệ thông tin trong lĩnh vực thi đua, "
    "khen thưởng.",
    "(Báo cáo nêu cụ thể số liệu đã được khen thưởng cấp tỉnh và cấp Nhà nước từ năm 2014 đến hết năm "
    "2023)",
    "4. Việc kiện toàn bộ máy làm công tác thi đua, khen thưởng các cấp.",
    "III. ĐÁNH GIÁ CHUNG",
    "1. Đánh giá chung",
    "a) Ưu điểm",
    "b) Tồn tại, hạn chế",
    "2. Nguyên nhân của tồn tại, hạn chế",
    "a) Khách quan",
    "b) Chủ quan",
    "3. Bài học kinh nghiệm.",
    "IV. KIẾN NGHỊ, ĐỀ XUẤT",
)


def default_outline() -> Outline:
    """Seed 004's đề cương: parts I–IV with their numbered and lettered items, in its order."""
    return parse_outline_lines(DEFAULT_OUTLINE_LINES)


def outline_or_default(lines: Sequence[str] | None) -> Outline:
    """The outline of ``lines`` (a plan's "Đề cương" sheet) when it has headings, else the default."""
    if lines:
        outline = parse_outline_lines(lines)
        if outline.items:
            return outline
    return default_outline()
