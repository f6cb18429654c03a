"""Render the staff guide docs/huong-dan.md as HTML (one self-contained page, its pictures
inside) and PDF (printed by LibreOffice), as the Windows bundle carries them.

    python scripts/render_guide.py [OUT_DIR]     # default: ./huong_dan → HUONG_DAN.html, HUONG_DAN.pdf

The PDF can then be given to `tdkt-xl addin bundle --guide OUT_DIR/HUONG_DAN.pdf` on a machine
without LibreOffice. No Markdown package is needed: tdkt_xl/excel/addin/guide.py converts the
small Markdown subset the guide uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from tdkt_xl.excel.addin.errors import AddinError  # noqa: E402
from tdkt_xl.excel.addin.guide import find_soffice, guide_html, html_to_pdf  # noqa: E402


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("huong_dan")
    out.mkdir(parents=True, exist_ok=True)
    page = guide_html(ROOT / "docs" / "huong-dan.md", out / "HUONG_DAN.html")
    print(f"Đã ghi {page}")
    soffice = find_soffice()
    if soffice is None:
        print("Không có LibreOffice (soffice): chưa in được PDF.", file=sys.stderr)
        return 1
    try:
        print(f"Đã ghi {html_to_pdf(page, out / 'HUONG_DAN.pdf', soffice)}")
    except AddinError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
