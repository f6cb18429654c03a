"""Tests for :mod:`tdkt_xl.plans.units`: reading "Đơn vị" cells against the plan's unit list.

The unit names and cells are those of the seed plans: 003 (UBND tỉnh Bắc Ninh, 2024
appendix) and 000 (Ban Thi đua - Khen thưởng Trung ương, assignment table).
"""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tdkt_xl.plans.text import fold, strip_diacritics
from tdkt_xl.plans.units import (
    Unit,
    UnitDirectory,
    UnitRef,
    organisation_name,
    split_aliases,
    split_without_list,
)

GROUP = "Nhóm đơn vị"
UNITS = [
    Unit(code="UBND", name="UBND tỉnh", aliases=("Ủy ban nhân dân tỉnh", "UBND tỉnh Bắc Ninh")),
    Unit(code="HDTDKT", name="Hội đồng TĐKT tỉnh",
         aliases=("Hội đồng Thi đua - Khen thưởng tỉnh",)),
    Unit(code="TTHDTDKT", name="Thường trực Hội đồng TĐKT tỉnh"),
    Unit(code="BTDKT", name="Ban Thi đua - Khen thưởng, Sở Nội vụ",
         aliases=("Ban TĐKT", "Ban TĐKT, Sở Nội vụ", "Ban Thi đua - Khen thưởng")),
    Unit(code="SNV", name="Sở Nội vụ"),
    Unit(code="SGTVT", name="Sở Giao thông vận tải", aliases=("Sở GTVT",)),
    Unit(code="SLDTBXH", name="Sở Lao động, Thương binh và Xã hội", aliases=("Sở LĐTBXH",)),
    Unit(code="SGDDT", name="Sở Giáo dục và Đào tạo", aliases=("Sở GD&ĐT", "Sở GDĐT")),
    Unit(code="HDSKT", name="Hội đồng sáng kiến cấp tỉnh"),
    Unit(code="CUMDBSH", name="Cụm trưởng cụm TĐ các tỉnh ĐBSH",
         aliases=("Cụm thi đua các tỉnh Đồng bằng sông Hồng",)),
    Unit(code="P1", name="Phòng I"),
    Unit(code="P2", name="Phòng II"),
    Unit(code="P3", name="Phòng III"),
    Unit(code="PTCCB", name="Phòng Tổ chức cán bộ", aliases=("Phòng TCCB",)),
    Unit(code="PPCTT", name="Phòng Pháp chế - Thanh tra"),
    Unit(code="TTTTTT", name="Trung tâm Thông tin - Truyền thông"),
    Unit(code="VPB", name="Văn phòng Ban"),
    Unit(code="HOAGIAI", name="Trung tâm Hòa giải"),  # to test tone placement
    Unit(code="NHOM_DP", name="Các địa phương, đơn vị", kind=GROUP),
    Unit(code="NHOM_CUMKHOI", name="Các Cụm, Khối thi đua", kind=GROUP),
    Unit(code="NHOM_CUMKHOI_TRUONG", name="Cụm trưởng, Khối trưởng các Cụm, Khối thi đua",
         aliases=("Cụm trưởng, Khối trưởng các khối thi đua",), kind=GROUP),
    Unit(code="NHOM_DP_KH", name="Các địa phương, đơn vị có tên trong Kế hoạch", kind=GROUP),
    Unit(code="NHOM_HUYEN", name="Các huyện, thị xã, thành phố", kind=GROUP),
    Unit(code="NHOM_DP_CQ", name="Các địa phương, cơ quan, đơn vị", kind=GROUP),
]


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory(UNITS)


def codes(refs: list[UnitRef]) -> list[str | None]:
    return [ref.code for ref in refs]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- splitting a cell -------------------------------------------------------------------------

SPLITS: list[tuple[str, list[str | None]]] = [
    # seed 003, "Đơn vị thực hiện" / "Đơn vị phối hợp" columns
    ("Ban Thi đua - Khen thưởng, Sở Nội vụ", ["BTDKT"]),
    ("Ban Thi đua - khen thưởng, Sở Nội vụ", ["BTDKT"]),
    ("Sở Giao thông vận tải", ["SGTVT"]),
    ("Sở Lao động, Thương binh và Xã hội", ["SLDTBXH"]),
    ("UBND tỉnh; Hội đồng TĐKT tỉnh", ["UBND", "HDTDKT"]),
    ("- Sở Giáo dục và Đào tạo; - Các huyện, thị xã, thành phố.", ["SGDDT", "NHOM_HUYEN"]),
    ("- Các địa phương, đơn vị; - Cụm trưởng, Khối trưởng các Cụm, Khối thi đua",
     ["NHOM_DP", "NHOM_CUMKHOI_TRUONG"]),
    ("- Cụm trưởng, Khối trưởng các khối thi đua; - Các địa phương, cơ quan, đơn vị.",
     ["NHOM_CUMKHOI_TRUONG", "NHOM_DP_CQ"]),
    ("Các Cụm, Khối thi đua; Các địa phương, đơn vị", ["NHOM_CUMKHOI", "NHOM_DP"]),
    ("Các địa phương, đơn vị, các Cụm, Khối thi đua", ["NHOM_DP", "NHOM_CUMKHOI"]),
    ("Các địa phương, đơn vị có tên trong Kế hoạch", ["NHOM_DP_KH"]),
    ("Thường trực Hội đồng TĐKT tỉnh", ["TTHDTDKT"]),
    ("Cụm trưởng cụm TĐ các tỉnh ĐBSH", ["CUMDBSH"]),
    ("Sở Lao động, Thương binh và Xã hội; Ban Thi đua - khen thưởng, Sở Nội vụ",
     ["SLDTBXH", "BTDKT"]),
    # seed 000, "Đơn vị thực hiện" column
    ("Phòng I", ["P1"]),
    ("Phòng II", ["P2"]),
    ("Phòng III", ["P3"]),
    ("Phòng Tổ chức cán bộ", ["PTCCB"]),
    # separators: ";", line breaks, "- " bullets, commas between known names
    ("Phòng I, Phòng II", ["P1", "P2"]),
    ("Phòng III; Phòng I", ["P3", "P1"]),
    ("Phòng I\nPhòng III", ["P1", "P3"]),
    ("- Phòng I\n- Phòng Tổ chức cán bộ\n- Văn phòng Ban", ["P1", "PTCCB", "VPB"]),
    ("Phòng Tổ chức cán bộ, Phòng I", ["PTCCB", "P1"]),
    ("Sở GTVT, Sở GD&ĐT", ["SGTVT", "SGDDT"]),
    ("Ban Thi đua - Khen thưởng, Sở Nội vụ; Sở Nội vụ", ["BTDKT", "SNV"]),
    ("Phòng I (chủ trì)", ["P1"]),
    ("Phòng I.", ["P1"]),
    ("Phòng I; Phòng I", ["P1"]),  # the same unit twice is listed once
    ("Phòng I; phòng i", ["P1"]),
    # aliases
    ("Ban TĐKT", ["BTDKT"]),
    ("Ban TĐKT, Sở Nội vụ", ["BTDKT"]),
    ("Sở LĐTBXH", ["SLDTBXH"]),
    ("Phòng TCCB", ["PTCCB"]),
    ("Ủy ban nhân dân tỉnh", ["UBND"]),
    ("Sở GD & ĐT", ["SGDDT"]),
    ("Hội đồng Thi đua – Khen thưởng tỉnh", ["HDTDKT"]),
    # unknown names keep their text, with no code
    ("Sở Tài chính", [None]),
    ("Sở Giao thông vận tải, Sở Tài chính", ["SGTVT", None]),
    ("Sở Tài chính, Sở Nội vụ", [None, "SNV"]),
    ("Sở Kế hoạch và Đầu tư, Sở Tài chính", [None, None]),
    ("Sở Văn hóa, Thể thao và Du lịch", [None]),  # one unknown unit: comma inside a name
    ("Phòng IV", [None]),
    ("Văn phòng Ban và các Phòng, đơn vị", ["VPB", None]),  # seed 000 text
    # "UBND" before a group names the group's committees, not a unit of its own
    ("UBND các huyện, thị xã, thành phố", ["NHOM_HUYEN"]),
    ("Sở Nội vụ; UBND các huyện, thị xã, thành phố", ["SNV", "NHOM_HUYEN"]),
    ("Ủy ban nhân dân các huyện, thị xã, thành phố", ["NHOM_HUYEN"]),
    # qualifiers after a known name
    ("Các địa phương, đơn vị liên quan", ["NHOM_DP"]),
    ("Các Cụm, Khối thi đua có liên quan", ["NHOM_CUMKHOI"]),
    # "/" between names, a parent in brackets, a dash for a comma
    ("Sở Nội vụ/Sở Giao thông vận tải", ["SNV", "SGTVT"]),
    ("Sở Nội vụ / Sở Tài chính", ["SNV", None]),
    ("Ban TĐKT (Sở Nội vụ)", ["BTDKT"]),
    ("Phòng I (Sở Nội vụ), Phòng II", ["P1", "P2"]),
    ("Sở Lao động - Thương binh và Xã hội", ["SLDTBXH"]),
    ("Sở Lao động – Thương binh và Xã hội; Phòng I", ["SLDTBXH", "P1"]),
]


@pytest.mark.parametrize(("cell", "expected"), SPLITS, ids=[repr(c) for c, _ in SPLITS])
def test_split(units: UnitDirectory, cell: str, expected: list[str | None]) -> None:
    assert codes(units.split(cell)) == expected


def test_split_keeps_the_cell_text_and_resolves_names(units: UnitDirectory) -> None:
    refs = units.split("Sở GTVT; Sở Tài chính")
    assert [(r.text, r.code, r.name) for r in refs] == [
        ("Sở GTVT", "SGTVT", "Sở Giao thông vận tải"),
        ("Sở Tài chính", None, ""),
    ]
    assert [r.label for r in refs] == ["Sở Giao thông vận tải", "Sở Tài chính"]


def test_unknown_pieces_are_tidy(units: UnitDirectory) -> None:
    texts = [r.text for r in units.split("- Sở Tài chính;\n- Kho bạc Nhà nước tỉnh.")]
    assert texts == ["Sở Tài chính", "Kho bạc Nhà nước tỉnh"]
    assert [r.text for r in units.split("Văn phòng Ban và các Phòng, đơn vị")] == [
        "Văn phòng Ban", "các Phòng, đơn vị",
    ]


@pytest.mark.parametrize("cell", [None, "", "   ", "\n", "-", ";", " ; \n - "])
def test_empty_cells(units: UnitDirectory, cell: object) -> None:
    assert units.split(cell) == []
    assert split_without_list(cell) == []


# --- Phòng I / II / III -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Phòng II", ["P2"]),
        ("Phòng III", ["P3"]),
        ("Phòng II; Phòng III", ["P2", "P3"]),
        ("Phòng III, Phòng II, Phòng I", ["P3", "P2", "P1"]),
        ("PHÒNG III", ["P3"]),
        ("phong ii", ["P2"]),
        ("Phòng IIII", [None]),
        ("Phòng Ia", [None]),
    ],
)
def test_phong_i_does_not_match_inside_phong_ii(units: UnitDirectory, cell: str,
                                                 expected: list[str | None]) -> None:
    assert codes(units.split(cell)) == expected


# --- tolerant matching --------------------------------------------------------------------------

SAME_UNIT = [
    ("Ban Thi đua - Khen thưởng, Sở Nội vụ", "BTDKT"),
    (nfd("Ban Thi đua - Khen thưởng, Sở Nội vụ"), "BTDKT"),
    ("BAN THI ĐUA - KHEN THƯỞNG, SỞ NỘI VỤ", "BTDKT"),
    ("ban thi dua - khen thuong, so noi vu", "BTDKT"),
    ("Ban Thi đua – Khen thưởng, Sở Nội vụ", "BTDKT"),  # en dash
    ("Ban Thi đua — Khen thưởng, Sở Nội vụ", "BTDKT"),  # em dash
    ("Ban Thi đua-Khen thưởng, Sở Nội vụ", "BTDKT"),  # no spaces around the dash
    ("Ban Thi đua -Khen thưởng, Sở Nội vụ", "BTDKT"),
    ("Ban Thi đua  -  Khen thưởng,  Sở Nội vụ", "BTDKT"),
    ("Ban Thi đua-Khen thưởng,Sở Nội vụ", "BTDKT"),  # no space after the comma
    ("Ban Thi đua - Khen thưởng , Sở Nội vụ", "BTDKT"),  # space before the comma
    ("Ban\u00a0Thi đua\u00a0–\u00a0Khen thưởng, Sở Nội vụ", "BTDKT"),
    ("Ban Thi đua - Khen thƣởng, Sở Nội vụ", "BTDKT"),  # PDF copy: ƣ
    ("Ban Thi đua - Khen\nthưởng, Sở Nội vụ", "BTDKT"),  # wrapped inside the name
    ("Trung tâm Hòa giải", "HOAGIAI"),
    ("Trung tâm Hoà giải", "HOAGIAI"),  # old tone placement
    (nfd("Trung tâm Hoà giải"), "HOAGIAI"),
    ("TRUNG TÂM HOÀ GIẢI", "HOAGIAI"),
    ("Phòng Pháp chế–Thanh tra", "PPCTT"),
    ("Phòng Pháp chế — Thanh tra", "PPCTT"),
    ("Trung tâm Thông tin – Truyền thông", "TTTTTT"),
    ("Sở Lao động,Thương binh và Xã hội", "SLDTBXH"),
    ("SỞ LAO ĐỘNG, THƯƠNG BINH VÀ XÃ HỘI", "SLDTBXH"),
    ("Sở GD&ĐT", "SGDDT"),
    ("ban tđkt", "BTDKT"),
]


@pytest.mark.parametrize(("cell", "code"), SAME_UNIT, ids=[repr(c) for c, _ in SAME_UNIT])
def test_matching_is_tolerant(units: UnitDirectory, cell: str, code: str) -> None:
    assert codes(units.split(cell)) == [code]
    assert units.split(cell)[0].name == units.by_code[code].name


@pytest.mark.parametrize(("cell", "code"), SAME_UNIT, ids=[repr(c) for c, _ in SAME_UNIT])
def test_lookup_is_tolerant(units: UnitDirectory, cell: str, code: str) -> None:
    found = units.lookup(cell)
    assert found is not None and found.code == code


def test_lookup_of_an_unknown_or_partial_name(units: UnitDirectory) -> None:
    assert units.lookup("Sở Tài chính") is None
    assert units.lookup("Phòng") is None
    assert units.lookup("") is None


def test_ref_text_is_the_cell_text(units: UnitDirectory) -> None:
    (ref,) = units.split(nfd("Ban Thi đua – khen thưởng, Sở Nội vụ"))
    assert ref.text == "Ban Thi đua - khen thưởng, Sở Nội vụ"  # cleaned, not renamed
    assert ref.name == "Ban Thi đua - Khen thưởng, Sở Nội vụ"


# --- suggestions for unknown names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Sở Giao thông vận tả", "Sở Giao thông vận tải"),
        ("Sở Giao thôngvận tải", "Sở Giao thông vận tải"),
        ("Sở Giáo dục", "Sở Giáo dục và Đào tạo"),
        ("Phòng Tổ chức", "Phòng Tổ chức cán bộ"),
        ("Phòng Tổ chứ cán bộ", "Phòng Tổ chức cán bộ"),
        ("Ban Thi đua Khen thưởng Sở Nội vụ", "Ban Thi đua - Khen thưởng, Sở Nội vụ"),
        ("Sở Lao động Thương binh và Xã hội", "Sở Lao động, Thương binh và Xã hội"),
        ("Hội đồng TĐKT", "Hội đồng TĐKT tỉnh"),
        ("Trung tâm Thông tin Truyền thông", "Trung tâm Thông tin - Truyền thông"),
    ],
)
def test_suggest_proposes_the_closest_name(units: UnitDirectory, typed: str, first: str) -> None:
    assert units.split(typed)[0].code is None
    suggestions = units.suggest(typed)
    assert suggestions and suggestions[0] == first
    assert len(suggestions) <= 3
    assert len(set(suggestions)) == len(suggestions)


def test_spelling_variants_are_not_unknown(units: UnitDirectory) -> None:
    # without diacritics, or with a wrong tone, a name folds to the same key: no suggestion needed
    assert codes(units.split("So Giao thong van tai")) == ["SGTVT"]
    assert codes(units.split("Sở Giao thông vận tãi")) == ["SGTVT"]


def test_suggest_limit_and_unrelated_text(units: UnitDirectory) -> None:
    assert len(units.suggest("Phòng", limit=2)) <= 2
    assert units.suggest("xyz qwerty 12345") == []
    assert UnitDirectory([]).suggest("Sở Nội vụ") == []


# --- the directory itself ---------------------------------------------------------------------


def test_directory_basics(units: UnitDirectory) -> None:
    assert len(units) == len(UNITS)
    assert units.by_code["P2"].name == "Phòng II"
    assert units.by_code["NHOM_DP"].is_group
    assert not units.by_code["BTDKT"].is_group


def test_first_unit_wins_a_shared_alias() -> None:
    directory = UnitDirectory([Unit(code="A", name="Ban TĐKT, Sở Nội vụ", aliases=("Ban TĐKT",)),
                               Unit(code="B", name="Ban TĐKT")])
    assert codes(directory.split("Ban TĐKT")) == ["A"]


def test_repeated_cells_give_equal_answers(units: UnitDirectory) -> None:
    first = units.split("Phòng I, Phòng II")
    first.append(UnitRef(text="x"))  # callers may change the list they get
    assert codes(units.split("Phòng I, Phòng II")) == ["P1", "P2"]


# --- no unit list --------------------------------------------------------------------------------

WITHOUT_LIST: list[tuple[str, list[str]]] = [
    ("- Sở Giáo dục và Đào tạo;\n- Các huyện, thị xã", ["Sở Giáo dục và Đào tạo", "Các huyện, thị xã"]),
    ("Ban Thi đua - Khen thưởng, Sở Nội vụ", ["Ban Thi đua - Khen thưởng, Sở Nội vụ"]),
    ("Sở Lao động, Thương binh và Xã hội", ["Sở Lao động, Thương binh và Xã hội"]),
    # issue 14: two organisation names joined by a comma are two units, with or without a list
    # (these two were one unit before)
    ("Sở Tài chính, Sở Nội vụ", ["Sở Tài chính", "Sở Nội vụ"]),
    ("Phòng I, Phòng II", ["Phòng I", "Phòng II"]),
    ("Các địa phương, đơn vị", ["Các địa phương, đơn vị"]),
    ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
    ("- Cụm trưởng, Khối trưởng các khối thi đua; - Các địa phương, cơ quan, đơn vị.",
     ["Cụm trưởng, Khối trưởng các khối thi đua", "Các địa phương, cơ quan, đơn vị"]),
    ("Phòng I\nPhòng III", ["Phòng I", "Phòng III"]),
    ("UBND tỉnh; Hội đồng TĐKT tỉnh", ["UBND tỉnh", "Hội đồng TĐKT tỉnh"]),
]


@pytest.mark.parametrize(("cell", "expected"), WITHOUT_LIST, ids=[repr(c) for c, _ in WITHOUT_LIST])
def test_split_without_list(cell: str, expected: list[str]) -> None:
    refs = split_without_list(cell)
    assert [r.text for r in refs] == expected
    assert all(r.code is None for r in refs)


NAME_PART = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy ĐSPBUVH-&().0123456789",
                    min_size=1, max_size=25)


@settings(max_examples=300)
@given(st.lists(NAME_PART, min_size=1, max_size=4))
def test_split_without_list_never_splits_on_commas(parts: list[str]) -> None:
    # a comma splits only before a piece that begins an organisation's name (issue 14)
    assume(not any(organisation_name(fold(part.strip(" -()."))) for part in parts[1:]))
    cell = ", ".join(parts)
    refs = split_without_list(cell)
    assert len(refs) <= 1
    for ref in refs:
        assert "\n" not in ref.text and ";" not in ref.text


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_split_never_raises(text: str) -> None:
    directory = UnitDirectory(UNITS)
    for ref in directory.split(text):
        assert ref.text.strip() == ref.text and ref.text
        assert ref.code is None or ref.code in directory.by_code
    split_without_list(text)
    directory.suggest(text)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(UNITS), min_size=1, max_size=5),
       st.sampled_from(["; ", "\n", "\n- ", ";\n", " ; "]))
def test_known_names_joined_by_separators_come_back(chosen: list[Unit], separator: str) -> None:
    directory = UnitDirectory(UNITS)
    cell = "- " + separator.join(unit.name for unit in chosen)
    expected: list[str] = []
    for unit in chosen:
        if unit.code not in expected:
            expected.append(unit.code)
    assert codes(directory.split(cell)) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("Sở GD&ĐT, Sở GDĐT", ("Sở GD&ĐT", "Sở GDĐT")),
    ("Sở GD&ĐT; Sở GDĐT", ("Sở GD&ĐT", "Sở GDĐT")),
    ("Sở GD&ĐT\nSở GDĐT, Sở Giáo dục", ("Sở GD&ĐT", "Sở GDĐT", "Sở Giáo dục")),
    ("Ban TĐKT, Sở Nội vụ", ("Ban TĐKT, Sở Nội vụ",)),  # a sub-unit with its parent: one name
    ("Các sở, ban, ngành", ("Các sở, ban, ngành",)),  # commas inside a group's name
    ("Sở Văn hóa, Thể thao và Du lịch", ("Sở Văn hóa, Thể thao và Du lịch",)),
    ("", ()),
])
def test_split_aliases(cell: str, expected: tuple[str, ...]) -> None:
    assert split_aliases(cell) == expected


# --- two names joined by a comma (issue 14) ---------------------------------------------------------

# Cells as real plans write them: (cell, the units read without a unit list).
COMMA_NAMES: list[tuple[str, list[str]]] = [
    ("Bộ Giao thông vận tải, Ngân hàng Nhà nước Việt Nam",
     ["Bộ Giao thông vận tải", "Ngân hàng Nhà nước Việt Nam"]),
    ("Sở Khoa học và Công nghệ, Sở Tài chính", ["Sở Khoa học và Công nghệ", "Sở Tài chính"]),
    ("Uỷ ban nhân dân tỉnh, Công an tỉnh, Bộ Chỉ huy quân sự tỉnh",
     ["Uỷ ban nhân dân tỉnh", "Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh"]),
    ("Văn phòng Thành ủy, Văn phòng HĐND Thành phố, Kho bạc Nhà nước khu vực I",
     ["Văn phòng Thành ủy", "Văn phòng HĐND Thành phố", "Kho bạc Nhà nước khu vực I"]),
    ("Cục Thống kê, Thanh tra tỉnh, Tổng cục Thuế", ["Cục Thống kê", "Thanh tra tỉnh", "Tổng cục Thuế"]),
    ("Trường Đại học Y, Viện Dinh dưỡng, Hội Nông dân tỉnh",
     ["Trường Đại học Y", "Viện Dinh dưỡng", "Hội Nông dân tỉnh"]),
    ("Đài Phát thanh và Truyền hình tỉnh, Báo Nhân dân, Quỹ Bảo trợ trẻ em",
     ["Đài Phát thanh và Truyền hình tỉnh", "Báo Nhân dân", "Quỹ Bảo trợ trẻ em"]),
    ("Liên đoàn Lao động tỉnh, Trung tâm Y tế huyện, Hội đồng nhân dân tỉnh",
     ["Liên đoàn Lao động tỉnh", "Trung tâm Y tế huyện", "Hội đồng nhân dân tỉnh"]),
    # a comma inside one name: the next piece begins no name
    ("Bộ Văn hóa, Thể thao và Du lịch", ["Bộ Văn hóa, Thể thao và Du lịch"]),
    ("Sở Văn hóa, Thể thao và Du lịch, Sở Nội vụ", ["Sở Văn hóa, Thể thao và Du lịch", "Sở Nội vụ"]),
    ("Bộ Lao động, Thương binh và Xã hội, Bộ Y tế", ["Bộ Lao động, Thương binh và Xã hội", "Bộ Y tế"]),
    # a sub-unit and its parent: one unit (GLOSSARY); unless the sub-unit names its own parent
    ("Ban Thi đua - Khen thưởng, Sở Nội vụ", ["Ban Thi đua - Khen thưởng, Sở Nội vụ"]),
    ("Phòng Tổ chức cán bộ, Bộ Tư pháp", ["Phòng Tổ chức cán bộ, Bộ Tư pháp"]),
    ("Văn phòng UBND Thành phố, Sở Tư pháp", ["Văn phòng UBND Thành phố", "Sở Tư pháp"]),
    # kinds and groups, not names
    ("Sở, ban, ngành", ["Sở, ban, ngành"]),
    ("Các Sở, ban, ngành", ["Các Sở, ban, ngành"]),
    ("Trung tâm Phục vụ hành chính công, các Sở, ban, ngành",
     ["Trung tâm Phục vụ hành chính công", "các Sở, ban, ngành"]),
    ("Trung tâm Phục vụ hành chính công, Sở, ban, ngành",
     ["Trung tâm Phục vụ hành chính công", "Sở, ban, ngành"]),
    ("Sở Tài chính, Sở Công Thương, sở, ngành có liên quan",
     ["Sở Tài chính", "Sở Công Thương", "sở, ngành có liên quan"]),
    ("Sở, ban, ngành, UBND các xã, phường", ["Sở, ban, ngành", "UBND các xã, phường"]),
    ("UBND xã/phường, Công an Thành phố", ["UBND xã/phường", "Công an Thành phố"]),
    ("Các huyện, thị xã, thành phố", ["Các huyện, thị xã, thành phố"]),
    ("Cụm trưởng, Khối trưởng các khối thi đua", ["Cụm trưởng, Khối trưởng các khối thi đua"]),
]


def _variants(text: str) -> list[str]:
    return [text, nfd(text), strip_diacritics(text)]


@pytest.mark.parametrize(("cell", "expected"), COMMA_NAMES, ids=[repr(c) for c, _ in COMMA_NAMES])
@pytest.mark.parametrize("variant", [0, 1, 2], ids=["nfc", "nfd", "no-diacritics"])
def test_two_names_joined_by_a_comma_without_a_list(cell: str, expected: list[str], variant: int) -> None:
    refs = split_without_list(_variants(cell)[variant])
    assert [fold(r.text) for r in refs] == [fold(e) for e in expected]


@pytest.mark.parametrize(("cell", "expected"), COMMA_NAMES, ids=[repr(c) for c, _ in COMMA_NAMES])
def test_two_names_joined_by_a_comma_with_a_list(cell: str, expected: list[str]) -> None:
    # names not in the list are split the same way (the list's own wider rule for unknown pieces
    # splits before any unit word, so group lists of places are left out here)
    assume_cell = not cell.startswith(("Các huyện", "Cụm trưởng"))
    directory = UnitDirectory([Unit(code="BTDKT", name="Ban Thi đua - Khen thưởng, Sở Nội vụ"),
                               Unit(code="X", name="Sở Xây dựng")])
    refs = directory.split(cell)
    if directory.lookup(cell) is not None:
        assert codes(refs) == ["BTDKT"]
    elif assume_cell:
        assert [fold(r.text) for r in refs] == [fold(e) for e in expected]
        assert codes(refs) == [None] * len(expected)


def test_a_known_name_with_a_comma_stays_one() -> None:
    # "the whole is not a known name": a listed name is read whole, whatever its pieces look like
    directory = UnitDirectory([Unit(code="NHNN", name="Ngân hàng Nhà nước, Chi nhánh tỉnh"),
                               Unit(code="BVH", name="Bộ Văn hóa, Thể thao và Du lịch"),
                               Unit(code="KB", name="Kho bạc Nhà nước tỉnh, Sở Tài chính")])
    for cell, code in (("Ngân hàng Nhà nước, Chi nhánh tỉnh", "NHNN"),
                       (nfd("Bộ Văn hóa, Thể thao và Du lịch"), "BVH"),
                       ("Kho bac Nha nuoc tinh, So Tai chinh", "KB")):
        assert codes(directory.split(cell)) == [code]
    assert codes(directory.split("Kho bạc Nhà nước tỉnh, Sở Tài chính, Bộ Y tế")) == ["KB", None]


HEADS = ["Bộ", "Sở", "Ban", "UBND", "Ủy ban", "Uỷ ban", "Phòng", "Cục", "Tổng cục", "Văn phòng",
         "Ngân hàng", "Trung tâm", "Hội đồng", "Viện", "Trường", "Công an", "Bộ Chỉ huy",
         "Liên đoàn", "Hội", "Đài", "Báo", "Quỹ", "Kho bạc", "Thanh tra"]
TAILS = ["Nhà nước", "Quân sự tỉnh", "Tài nguyên và Môi trường", "Xây dựng", "Hòa Bình"]


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(HEADS), st.sampled_from(TAILS)), min_size=2, max_size=4),
       st.sampled_from([", ", ",", " , "]), st.sampled_from([0, 1, 2]))
def test_organisation_names_joined_by_commas_are_each_a_unit(
        names: list[tuple[str, str]], comma: str, variant: int) -> None:
    # Ban/Phòng/Cục/Văn phòng/Trung tâm then Sở/Bộ/UBND … reads as a sub-unit and its parent: skip
    texts = [f"{head} {tail}" for head, tail in names]
    assume(not any(fold(a).split()[0] in ("ban", "phong", "cuc", "van", "trung")
                   and fold(b).split()[0] in ("so", "bo", "ubnd", "uy", "cong", "tong")
                   for a, b in itertools.pairwise(texts)))
    refs = split_without_list(_variants(comma.join(texts))[variant])
    assert [fold(r.text) for r in refs] == list(dict.fromkeys(fold(t) for t in texts))
