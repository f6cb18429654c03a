"""Write docs/ma-loi.md, the Vietnamese reference of every code, from tdkt_xl.errors.CODES.

    python scripts/write_error_codes_page.py          # (re)write docs/ma-loi.md
    python scripts/write_error_codes_page.py --check  # exit 1 when docs/ma-loi.md is out of date

One section per stage (the plan check, a report's cells, a report or a file turned away, the
nightly run), one entry per code: its title, severity, message (fields shown as ‹placeholders›),
what to do, and whether the nightly run reads the file again. A code given at two stages is
described in both, with each stage's wording.
"""

from __future__ import annotations

import argparse
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from tdkt_xl.errors import CODES, Code, CodeInfo, Stage, Use  # noqa: E402

DOC = ROOT / "docs" / "ma-loi.md"

# (stage, rejects) -> heading and what the codes there mean for the user
SECTIONS: list[tuple[Stage, bool, str, str]] = [
    ("plan", False, "Kiểm tra sổ kế hoạch",
     "Vấn đề trong sổ kế hoạch, do nút **Kiểm tra** của Excel và lệnh `tdkt-xl validate` tìm ra. "
     "Mỗi vấn đề chỉ ra một sheet và một ô (hoặc một dòng); **lỗi** cần sửa thì trạng thái nhiệm vụ "
     "mới tính đúng, **cảnh báo** nên xem lại."),
    ("report", False, "Vấn đề trong ô của báo cáo đơn vị",
     "Vấn đề trong báo cáo của một đơn vị, liệt kê ở sheet \"Lỗi\" của sổ tổng hợp (và mục "
     "\"problems\" của `tdkt-xl consolidate --json`). Chỉ ô hoặc dòng có vấn đề bị bỏ qua, phần còn "
     "lại của báo cáo vẫn được tổng hợp."),
    ("report", True, "Báo cáo bị từ chối",
     "Báo cáo đọc được nhưng không thể tổng hợp: tệp được liệt kê ở sheet \"Lỗi\" cùng lý do, và "
     "đơn vị được coi như chưa nộp."),
    ("file", True, "Tệp bị từ chối",
     "Tệp không được đọc vì không phải sổ Excel (.xlsx/.xlsm) hay bảng tính .ods, bị hỏng, bất thường "
     "hoặc không đọc được trong giới hạn thời gian và bộ nhớ. Các tệp khác vẫn được đọc."),
    ("run", True, "Lần chạy hằng đêm",
     "Lý do lệnh `tdkt-xl nightly` (tổng hợp tăng dần hằng đêm) không tổng hợp một tệp."),
]

SEVERITY = {"error": "lỗi", "warning": "cảnh báo"}
# whether the nightly run reads the file again, said of a problem (not a rejection)
NOT_REJECTED: dict[Stage, str] = {
    "plan": "không áp dụng (vấn đề của sổ kế hoạch)",
    "report": "không cần: báo cáo vẫn được tổng hợp (trừ ô hoặc dòng này)",
    "file": "không", "run": "không",
}

# What a template field holds, in Vietnamese (the field's own name when not listed).
FIELDS = {
    "action": "cách xử lý", "choices": "các lựa chọn", "code": "mã đơn vị", "count": "số thành phần",
    "current": "phiên bản hiện tại", "declared": "mã kế hoạch trong tệp", "default": "giá trị mặc định",
    "detail": "chi tiết", "due": "ngày hạn", "encoding": "bảng mã", "end": "ngày cuối",
    "error": "lỗi hệ thống", "expected": "giá trị cần có", "first": "đầu tiên",
    "first_cell": "ô đầu tiên", "label": "tên mục", "last": "cuối cùng", "limit": "giới hạn",
    "missing": "số bị thiếu", "name": "tên thành phần", "number": "số thứ tự",
    "other": "mã đơn vị của mẫu", "other_name": "tên đơn vị của mẫu", "part": "phần trong tệp",
    "previous": "số/dòng trước", "program": "chương trình", "reading": "cách đọc Unicode",
    "reason": "lý do cụ thể", "row": "dòng", "rows": "số dòng", "saved": "ngày lưu tệp",
    "seconds": "số giây", "section": "quý", "seen": "các cột thấy được", "sheet": "sheet",
    "sheets": "các sheet", "size": "dung lượng", "start": "ngày đầu", "status": "tình trạng",
    "suggestion": "gợi ý", "unit": "đơn vị", "used": "cột được dùng", "used_label": "tên cột được dùng",
    "value": "giá trị", "version": "phiên bản trong tệp", "which": "kế hoạch đã kiểm tra", "why": "lý do",
    "year": "năm",
    # issue 17 (H4 unitdocs): a unit's Word report
    "file_name": "tên tệp", "header": "tên cơ quan ở đầu văn bản", "heading": "đề mục của đề cương",
}


def placeholders(template: str) -> str:
    """A template with its fields shown as ‹placeholders› (braces doubled in it shown single).

    >>> placeholders('Số "{value}" ({name!r}, {seconds:g} giây) {{x}}')
    'Số "‹giá trị›" (‹tên thành phần›, ‹số giây› giây) {x}'
    """
    shown = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        shown.append(literal)
        if field is not None:
            shown.append(f"‹{FIELDS.get(field, field)}›")
    return "".join(shown)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _id(stage: Stage, rejects: bool, code: str = "") -> str:
    """The anchor of a section (and of a code in it): a code may be in two sections."""
    return "-".join(part for part in (stage, "rejected" if rejects else "", code) if part)


def _entry(info: CodeInfo, use: Use) -> list[str]:
    retried = ("có (nguyên nhân có thể tự hết: tệp được đọc lại ở lần chạy sau)" if info.retried
               else "không (tệp chỉ được đọc lại khi có bản mới)" if use.rejects
               else NOT_REJECTED[use.stage])
    meaning = ("‹lý do cụ thể, tuỳ trường hợp›" if use.template == "{reason}"
               else placeholders(use.template))
    return [
        f'<a id="{_id(use.stage, use.rejects, info.code)}"></a>',
        "",
        f"### `{info.code}`: {info.title}",
        "",
        "| | |",
        "|---|---|",
        f"| Mã | `{info.code}` |",
        f"| Mức độ | {SEVERITY[use.severity]} |",
        f"| Tiêu đề | {_cell(info.title)} |",
        f"| Ý nghĩa | {_cell(meaning)} |",
        f"| Cách xử lý | {_cell(use.advice)} |",
        f"| Lần chạy hằng đêm đọc lại tệp | {retried} |",
        "",
    ]


def render() -> str:
    """The whole page."""
    sections = [(stage, rejects, title, intro,
                 [(info, use) for info in CODES.values()
                  if (use := info.at(stage, rejects=rejects)) is not None])
                for stage, rejects, title, intro in SECTIONS]
    lines = [
        "# Mã lỗi",
        "",
        "<!-- Trang này được tạo từ tdkt_xl/error_codes.py (CODES) bằng scripts/write_error_codes_page.py: "
        "đừng sửa tay, hãy sửa CODES rồi chạy lại `python scripts/write_error_codes_page.py`. -->",
        "",
        "Mỗi vấn đề tdkt_xl tìm thấy, và mỗi lý do một tệp không được tổng hợp, có một **mã** cố định "
        "(tiếng Anh, không dấu): mã ghi ở cột \"Mã\" của sheet \"Lỗi\", trong kết quả `--json` và trong "
        "sổ theo dõi của lần chạy hằng đêm. Thông báo tiếng Việt đi kèm nói rõ vị trí và giá trị; trang "
        "này giải thích từng mã và cách xử lý.",
        "",
        f"Tổng cộng {len(Code)} mã. **Lỗi**: phải sửa; **cảnh báo**: nên xem lại, kết quả vẫn được tính. "
        "Trong phần *Ý nghĩa*, ‹…› là chỗ thông báo điền giá trị cụ thể.",
        "",
    ]
    lines += [f"- [{title}](#{_id(stage, rejects)}) ({len(entries)} mã)"
              for stage, rejects, title, _intro, entries in sections]
    lines.append("")
    for stage, rejects, title, intro, entries in sections:
        lines += [f'<a id="{_id(stage, rejects)}"></a>', "", f"## {title}", "", intro, ""]
        lines += ["| Mã | Mức độ | Tiêu đề |", "|---|---|---|"]
        lines += [f"| [`{info.code}`](#{_id(stage, rejects, info.code)}) | "
                  f"{SEVERITY[use.severity]} | {_cell(info.title)} |" for info, use in entries]
        lines.append("")
        for info, use in entries:
            lines += _entry(info, use)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 when the page is out of date")
    args = parser.parse_args(argv)
    page = render()
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else None
    if args.check:
        if current != page:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python scripts/write_error_codes_page.py",
                  file=sys.stderr)
            return 1
        return 0
    if current != page:
        DOC.write_text(page, encoding="utf-8", newline="\n")
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
