"""The đề cương as data: seed 004 as the default, lines typed in every numbering variant, a plan's
own "Đề cương" sheet, and the items found by topic."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt_xl.documents.outline import (
    DEFAULT_OUTLINE_LINES,
    Outline,
    default_outline,
    find_topic,
    find_topics,
    outline_or_default,
    parse_outline_lines,
)
from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.reader import read_plan
from tdkt_xl.plans.text import clean, strip_diacritics

SEEDS = Path("/work/shared/seeds")

# seed 004 by its numbering: (key, level) in the seed's order
SEED_STRUCTURE = [
    ("I", 1), ("I.-1", 4), ("I.-2", 4), ("I.-3", 4),
    ("II", 1), ("II.1", 2), ("II.1.a", 3), ("II.1.b", 3), ("II.1.c", 3),
    ("II.2", 2), ("II.2.a", 3), ("II.2.b", 3), ("II.2.c", 3),
    ("II.3", 2), ("II.3.a", 3), ("II.3.b", 3), ("II.3.c", 3), ("II.3.d", 3), ("II.3.e", 3), ("II.4", 2),
    ("III", 1), ("III.1", 2), ("III.1.a", 3), ("III.1.b", 3), ("III.2", 2), ("III.2.a", 3), ("III.2.b", 3),
    ("III.3", 2),
    ("IV", 1),
]


def test_the_default_outline_is_seed_004_in_order_and_level() -> None:
    outline = default_outline()
    assert [(i.key, i.level) for i in outline.items] == SEED_STRUCTURE
    assert outline.title.startswith("Báo cáo tổng kết 10 năm thực hiện Kế hoạch số 4724/KH-UBND")
    assert outline.subtitle.startswith("(Kèm theo Văn bản số 962/SNV-TĐKT")
    assert [i.label for i in outline.items[:6]] == ["I.", "-", "-", "-", "II.", "1."]
    assert outline.items[4].title == "KẾT QUẢ 10 NĂM TRIỂN KHAI THỰC HIỆN"


def test_the_note_after_the_last_letter_belongs_to_the_item_above() -> None:
    """Seed 004 writes its note on the figures after "e)", before "4.": it is II.3's."""
    items = {i.key: i for i in default_outline().items}
    assert items["II.3"].prompt.startswith("(Báo cáo nêu cụ thể số liệu")
    assert items["II.3.e"].prompt == ""


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
def test_the_seed_file_itself_parses_to_the_default() -> None:
    seed = next(SEEDS.glob("004_*.txt"))
    assert parse_outline_lines(seed.read_text(encoding="utf-8").splitlines()) == default_outline()


def test_topics_of_the_default_outline() -> None:
    outline = default_outline()
    statistics = find_topic(outline, "statistics")
    assert statistics is not None and statistics.key == "II.3"
    assert [i.key for i in find_topics(outline, "difficulties")][:2] == ["III.1.b", "III.2"]
    proposals = find_topic(outline, "proposals")
    assert proposals is not None and proposals.key == "IV"


def test_topics_are_found_by_words_whatever_the_numbering_and_spelling() -> None:
    lines = ["A. MO DAU", "1 - Ket qua khen thuong giai doan 2014 - 2023", "2) Nhung kho khan, vuong mac",
             "III - KIẾN NGHỊ", "IV. De xuat"]
    outline = parse_outline_lines(unicodedata.normalize("NFD", "\n".join(lines)).split("\n"))
    found = {t: find_topic(outline, t) for t in ("statistics", "difficulties", "proposals")}
    assert {t: i.title[:12] if i else None for t, i in found.items()} == {
        "statistics": "Ket qua khen", "difficulties": "Nhung kho kh", "proposals": "KIẾN NGHỊ"}
    assert find_topic(parse_outline_lines(["I. Mở đầu"]), "statistics") is None


@pytest.mark.parametrize(("line", "level", "label"), [
    ("II. KẾT QUẢ", 1, "II."), ("II - KẾT QUẢ", 1, "II -"), ("II: KẾT QUẢ", 1, "II:"),
    ("iv) Kết quả", 1, "iv)"),
    ("2. Kết quả", 2, "2."), ("2) Kết quả", 2, "2)"), ("2 - Kết quả", 2, "2 -"), ("2.1 Kết quả", 3, "2.1"),
    ("a) Kết quả", 3, "a)"), ("b. Kết quả", 3, "b."), ("đ) Kết quả", 3, "đ)"), ("- Kết quả", 4, "-"),
    ("+ Kết quả", 4, "+"), ("• Kết quả", 4, "•"),
])
def test_numbering_variants(line: str, level: int, label: str) -> None:
    item = parse_outline_lines(["I. Phần", "1. Mục", line]).items[-1]
    assert (item.level, item.label, item.title) == (level, label, "KẾT QUẢ" if "KẾT" in line else "Kết quả")


@pytest.mark.parametrize("line", ["10 năm thực hiện Chỉ thị", "2014 - 2023", "30/9/2014", "1.234 lượt"])
def test_text_that_starts_with_a_number_is_not_a_heading(line: str) -> None:
    outline = parse_outline_lines(["I. Phần", line])
    assert len(outline.items) == 1 and outline.items[0].prompt == line


# --- any outline, written any way ------------------------------------------------

_WORDS = ["Công tác", "thi đua", "khen thưởng", "Đánh giá", "chung", "Kết quả", "Việc", "tổng kết", "Ưu điểm",
          "tồn tại", "hạn chế", "Nguyên nhân", "bài học", "kinh nghiệm", "đổi mới", "phong trào"]
_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_LETTERS = "abcdeghk"


@dataclass(frozen=True)
class _Styles:
    roman: str
    number: str
    letter: str
    point: str
    spelling: str


_styles = st.builds(
    _Styles,
    roman=st.sampled_from(["{}.", "{} -", "{}:", "{} .", "{})"]),
    number=st.sampled_from(["{}.", "{})", "{} -", "{}:"]),
    letter=st.sampled_from(["{})", "{}.", "{} )"]),
    point=st.sampled_from(["-", "+", "•"]),
    spelling=st.sampled_from(["as is", "upper", "nfd", "bare"]),
)
_title = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map(" ".join)
# a tree: parts, each with numbered items, each with lettered sub-items; points under a part
_tree = st.lists(st.tuples(_title, st.lists(_title, max_size=2),
                           st.lists(st.tuples(_title, st.lists(_title, max_size=3)), max_size=3)),
                 min_size=1, max_size=5)


def _spell(text: str, spelling: str) -> str:
    if spelling == "upper":
        return text.upper()
    if spelling == "nfd":
        return unicodedata.normalize("NFD", text)
    return strip_diacritics(text) if spelling == "bare" else text


def _written(tree: list, styles: _Styles) -> tuple[list[str], list[tuple[str, int, str]]]:
    """The lines as a drafter would type them, and the (key, level, title) each should give."""
    lines, expected = ["ĐỀ CƯƠNG", "Báo cáo tổng kết"], []
    for p, (part, points, items) in enumerate(tree):
        roman = _ROMANS[p]
        title = _spell(part, styles.spelling)
        lines += [f"{styles.roman.format(roman)} {title}", ""]
        expected.append((roman, 1, title))
        for q, point in enumerate(points, start=1):
            lines.append(f"{styles.point} {point}")
            expected.append((f"{roman}.-{q}", 4, point))
        for n, (item, subs) in enumerate(items, start=1):
            lines.append(f"{styles.number.format(n)} {item}")
            expected.append((f"{roman}.{n}", 2, item))
            for s, sub in enumerate(subs):
                lines.append(f"{styles.letter.format(_LETTERS[s])} {sub}")
                expected.append((f"{roman}.{n}.{_LETTERS[s]}", 3, sub))
    return lines, expected


@given(_tree, _styles)
def test_any_outline_in_any_numbering_reads_back(tree: list, styles: _Styles) -> None:
    lines, expected = _written(tree, styles)
    outline = parse_outline_lines(lines)
    assert [(i.key, i.level, i.title) for i in outline.items] == [(k, lv, clean(t)) for k, lv, t in expected]
    assert outline.title == "Báo cáo tổng kết"


@given(_tree, _title)
def test_a_note_under_a_numbered_item_is_its_prompt(tree: list, note: str) -> None:
    lines, _ = _written(tree, _Styles("{}.", "{}.", "{})", "-", "as is"))
    last_part = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].startswith(_ROMANS[len(tree) - 1]))
    lines.insert(last_part + 1, f"({note})")
    outline = parse_outline_lines(lines)
    assert {i.key: i.prompt for i in outline.items}[_ROMANS[len(tree) - 1]] == f"({note})"


# --- a plan's own outline ------------------------------------------------------


def _plan_with_outline(rows: list[list[object]]) -> Outline:
    task = Grid("Phân công", [["TT", "Nội dung", "Đơn vị thực hiện", "Thời gian hoàn thành"],
                              [1, "Hướng dẫn tổng kết", "Phòng III", "Tháng 2"]])
    plan = read_plan([task, Grid("Đề cương", rows)], year=2024)
    assert plan.tasks, "the outline sheet is not read as a task table"
    return outline_or_default(plan.outline)


def test_a_plan_gives_its_own_outline_in_a_sheet() -> None:
    outline = _plan_with_outline([
        ["STT", "Nội dung", "Hướng dẫn"],
        ["I", "ĐÁNH GIÁ KẾT QUẢ"],
        [1, "Số liệu khen thưởng các năm", "(nêu số liệu theo năm)"],
        ["a)", "Cấp Nhà nước"],
        ["II.", "KIẾN NGHỊ"],
    ])
    assert [(i.key, i.level) for i in outline.items] == [("I", 1), ("I.1", 2), ("I.1.a", 3), ("II", 1)]
    assert outline.items[1].prompt == "(nêu số liệu theo năm)"
    assert find_topic(outline, "statistics") == outline.items[1]


def test_an_empty_outline_sheet_gives_the_default() -> None:
    assert _plan_with_outline([["STT", "Nội dung"]]) == default_outline()
    assert outline_or_default(["chỉ một dòng không đánh số"]) == default_outline()


def test_the_default_lines_are_the_module_s_own() -> None:
    assert parse_outline_lines(DEFAULT_OUTLINE_LINES).items == default_outline().items
