"""Forms of commendation (hình thức khen thưởng): the default list and a plan's own list.

The default list follows Luật Thi đua, khen thưởng 2022 (Luật số 06/2022/QH15):
state-level forms (Huân chương, danh hiệu vinh dự Nhà nước, Chiến sĩ thi đua toàn
quốc, Cờ thi đua và Bằng khen của Chính phủ, Thủ tướng Chính phủ) and the forms of
ministries, boards, sectors and provinces. A form the law awards both to collectives
and to individuals appears twice, "(tập thể)" and "(cá nhân)", since reports count them
separately. A plan may replace the list with a sheet "Hình thức khen thưởng".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tdkt_xl.plans.grids import Grid
from tdkt_xl.plans.models import CommendationForm
from tdkt_xl.plans.text import fold, fold_words

LEVEL_STATE = "Cấp Nhà nước"
LEVEL_PROVINCE = "Cấp bộ, ban, ngành, tỉnh"
COLLECTIVE, INDIVIDUAL = "tập thể", "cá nhân"

FORMS_SHEET = "Hình thức khen thưởng"
LEVEL_HEADER = "Cấp"
FORM_HEADER = "Hình thức khen thưởng"

_BOTH = (COLLECTIVE, INDIVIDUAL)
_CLASSES = ("hạng Nhất", "hạng Nhì", "hạng Ba")


def _split(name: str, recipients: tuple[str, ...]) -> list[str]:
    """"X (tập thể)", "X (cá nhân)" when the form goes to both; "X" when only to one."""
    if len(recipients) == 1:
        return [name]
    return [f"{name} ({who})" for who in recipients]


def _state_forms() -> list[str]:
    names: list[str] = []
    # Huân chương (Điều 33): every kind and class.
    for order in ("Huân chương Sao vàng", "Huân chương Hồ Chí Minh"):
        names += _split(order, _BOTH)
    for order in ("Huân chương Độc lập", "Huân chương Quân công", "Huân chương Lao động",
                  "Huân chương Bảo vệ Tổ quốc", "Huân chương Chiến công"):
        for grade in _CLASSES:
            names += _split(f"{order} {grade}", _BOTH)
    names += _split("Huân chương Đại đoàn kết dân tộc", (INDIVIDUAL,))
    names += _split("Huân chương Dũng cảm", (INDIVIDUAL,))
    names += _split("Huân chương Hữu nghị", _BOTH)
    # Danh hiệu vinh dự Nhà nước (Điều 59).
    names.append("Tỉnh Anh hùng, Thành phố Anh hùng")
    names.append("Bà mẹ Việt Nam anh hùng")
    names += _split("Anh hùng Lực lượng vũ trang nhân dân", _BOTH)
    names += _split("Anh hùng Lao động", _BOTH)
    for title in ("Nhà giáo", "Thầy thuốc", "Nghệ sĩ", "Nghệ nhân"):
        names += [f"{title} nhân dân", f"{title} ưu tú"]
    # Danh hiệu thi đua and Bằng khen of the state level.
    names.append("Chiến sĩ thi đua toàn quốc")
    names.append("Cờ thi đua của Chính phủ")
    names += _split("Bằng khen của Thủ tướng Chính phủ", _BOTH)
    return names


def _province_forms() -> list[str]:
    return [
        "Cờ thi đua cấp bộ, ban, ngành, tỉnh",
        *_split("Bằng khen cấp bộ, ban, ngành, tỉnh", _BOTH),
        "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
        "Tập thể lao động xuất sắc",
    ]


DEFAULT_FORMS: tuple[CommendationForm, ...] = (
    *(CommendationForm(level=LEVEL_STATE, name=n) for n in _state_forms()),
    *(CommendationForm(level=LEVEL_PROVINCE, name=n) for n in _province_forms()),
)


def forms_by_level(forms: Iterable[CommendationForm]) -> list[tuple[str, list[CommendationForm]]]:
    """Forms grouped by level, levels in order of first appearance.

    >>> [(level, len(items)) for level, items in forms_by_level(DEFAULT_FORMS)]
    [('Cấp Nhà nước', 56), ('Cấp bộ, ban, ngành, tỉnh', 5)]
    """
    groups: dict[str, list[CommendationForm]] = {}
    for form in forms:
        groups.setdefault(form.level, []).append(form)
    return list(groups.items())


# --- reading a plan's "Hình thức khen thưởng" sheet ---------------------------

_LEVEL_PATTERN = re.compile(r"^cap\b")
_FORM_PATTERN = re.compile(r"^(ten )?hinh thuc\b")
_HEADER_SCAN_ROWS = 15
_FORM_WORDS = fold_words(FORM_HEADER)


def _find_header(grid: Grid) -> tuple[int, int | None, int] | None:
    """(header row, level column or None, form column) of the forms table.

    The first row naming both "Cấp" and "Hình thức khen thưởng"; failing that, the first
    row with a cell reading exactly "Hình thức khen thưởng" (no level column).
    """
    fallback: tuple[int, int | None, int] | None = None
    for row in range(1, min(grid.max_row, _HEADER_SCAN_ROWS) + 1):
        level_col: int | None = None
        form_col: int | None = None
        for column in range(1, grid.max_column + 1):
            words = fold_words(grid.text(row, column))
            if form_col is None and _FORM_PATTERN.search(words):
                form_col = column
                if fallback is None and words == _FORM_WORDS:
                    fallback = (row, None, column)
            elif level_col is None and _LEVEL_PATTERN.search(words):
                level_col = column
        if form_col is not None and level_col is not None:
            return row, level_col, form_col
    return fallback


def read_forms(grid: Grid) -> list[CommendationForm]:
    """The forms listed in a plan's "Hình thức khen thưởng" sheet, in sheet order.

    The header row has "Cấp" and "Hình thức khen thưởng". A blank (or merged) level
    cell means the level of the row above; a row with a level and no form starts a
    level. A name already listed (compared without case or accents) is skipped.

    >>> g = Grid("Hình thức khen thưởng", [["STT", "Cấp", "Hình thức khen thưởng"],
    ...     [1, "Cấp Nhà nước", "Huân chương Lao động hạng Ba (tập thể)"],
    ...     [2, None, "Bằng khen của Thủ tướng Chính phủ (cá nhân)"],
    ...     [None, "Cấp tỉnh"], [3, None, "Bằng khen của Chủ tịch UBND tỉnh"]])
    >>> [(f.level, f.name[:20]) for f in read_forms(g)][1:]
    [('Cấp Nhà nước', 'Bằng khen của Thủ tư'), ('Cấp tỉnh', 'Bằng khen của Chủ tị')]
    """
    header = _find_header(grid)
    if header is None:
        return []
    header_row, level_col, form_col = header
    forms: list[CommendationForm] = []
    seen: set[str] = set()
    level = ""
    for row in range(header_row + 1, grid.max_row + 1):
        row_level = grid.text(row, level_col) if level_col is not None else ""
        if row_level:
            level = row_level
        name = grid.text(row, form_col)
        words = fold_words(name)
        if not words or words.replace(" ", "").isdigit():
            continue  # blank, a level row, or the "(1) (2) (3)" row under the header
        key = fold(name)
        if key in seen:
            continue
        seen.add(key)
        forms.append(CommendationForm(level=level, name=name))
    return forms
