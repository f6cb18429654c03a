"""The unit report workbook's layout: a contract between the template writer and consolidation.

Any tool or person can fill a unit report by these sheet names and headers.
"""

from __future__ import annotations

import functools
import hashlib

from tdkt_xl.plans.models import CommendationForm, Plan, Task
from tdkt_xl.plans.text import fold_words

TEMPLATE_VERSION = "1"

INFO_SHEET = "Thông tin"
PROGRESS_SHEET = "Tiến độ"
STATS_SHEET = "Số liệu"
META_SHEET = "_tdkt_xl"  # very hidden: plan id, template version, unit code

# "Thông tin": label in column A, value in column B, from row INFO_FIRST_ROW.
INFO_TITLE = "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH VÀ SỐ LIỆU THI ĐUA, KHEN THƯỞNG"
INFO_FIRST_ROW = 3
# issue 17: "Kiến nghị, đề xuất", the unit's proposals, a multi-line cell gathered under the
# đề cương's item IV of the draft report; a report of a template without it is read as before
INFO_PROPOSALS = "Kiến nghị, đề xuất"
INFO_LABELS = ("Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "Người lập", "Điện thoại", "Ngày lập", INFO_PROPOSALS)
INFO_LOCKED = ("Mã đơn vị", "Tên đơn vị")

# "Tiến độ": title in row 1, header in PROGRESS_HEADER_ROW, one task per row below.
PROGRESS_HEADER_ROW = 3
PROGRESS_HEADERS = (
    "Mã nhiệm vụ", "Nội dung", "Vai trò", "Hạn", "Tình trạng", "Ngày hoàn thành", "Kết quả",
    "Khó khăn, vướng mắc", "Ghi chú",
)
PROGRESS_INPUTS = ("Tình trạng", "Ngày hoàn thành", "Kết quả", "Khó khăn, vướng mắc", "Ghi chú")
ROLE_LEAD, ROLE_PARTNER = "Chủ trì", "Phối hợp"
PROGRESS_DONE, PROGRESS_ONGOING, PROGRESS_NOT_STARTED = (
    "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện")
PROGRESS_CHOICES = (PROGRESS_DONE, PROGRESS_ONGOING, PROGRESS_NOT_STARTED)

# "Số liệu": title in row 1, header in STATS_HEADER_ROW: form, one column per year, "Tổng".
STATS_HEADER_ROW = 3
STATS_FORM_HEADER = "Hình thức khen thưởng"
STATS_TOTAL_HEADER = "Tổng"

META_KEYS = ("plan_id", "template_version", "unit_code", "plan_year")

__all__ = ["CommendationForm"]


def header_key(text: object) -> str:
    """How headers and labels are compared: folded words (case, accents, spacing ignored).

    >>> header_key("  KHÓ KHĂN,  vướng mắc ")
    'kho khan vuong mac'
    """
    if text is None:
        return ""
    try:
        return _cached_key(text)
    except TypeError:  # an unhashable value
        return fold_words(text)


@functools.lru_cache(maxsize=8192, typed=True)  # typed: 1, 1.0 and True fold differently
def _cached_key(text: object) -> str:
    return fold_words(text)


def plan_id(plan: Plan) -> str:
    """A stable identifier of the plan a report answers: its year, units and task codes.

    >>> from tdkt_xl.plans.models import Plan
    >>> len(plan_id(Plan(year=2024)))
    12
    """
    parts = [str(plan.year)]
    parts += sorted(u.code for u in plan.units or [])
    parts += sorted(t.code for t in plan.tasks)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def unit_tasks(plan: Plan, unit_code: str) -> list[tuple[Task, str]]:
    """The tasks a unit reports on, with its role (Chủ trì before Phối hợp on the same task)."""
    found: list[tuple[Task, str]] = []
    for task in plan.tasks:
        if any(u.code == unit_code for u in task.lead):
            found.append((task, ROLE_LEAD))
        elif any(u.code == unit_code for u in task.partners):
            found.append((task, ROLE_PARTNER))
    return found


def safe_file_stem(code: str) -> str:
    """A file name stem safe on Windows, from a unit code.

    >>> safe_file_stem("CON"), safe_file_stem("Sở/GD:ĐT?")
    ('_CON', 'So_GD_DT_')
    """
    import re

    from tdkt_xl.plans.text import strip_diacritics

    stem = re.sub(r"[^A-Za-z0-9._-]", "_", strip_diacritics(code)).strip(" .") or "don_vi"
    reserved = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                *(f"LPT{i}" for i in range(1, 10))}
    if stem.upper().split(".")[0] in reserved:
        stem = f"_{stem}"
    return stem[:80]
