"""The staff guide (``docs/huong-dan.md``) as one self-contained HTML page, and as a PDF printed
from it by LibreOffice, for the Windows bundle.

The Markdown it reads is the small part the guide uses: ``#`` headings, paragraphs, ``*``/``-``
and ``1.`` lists (items continued on indented lines), fenced code blocks, pipe tables,
``**bold**``, ``*italic*``, ```code```, links, footnote marks ``[^1]`` and
``![picture](images/x.png)``, the pictures put
into the page as ``data:`` URIs. No Markdown library is needed at run time, and LibreOffice,
which the project already uses to look at what it writes, prints the page.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tdkt_xl.atomic import atomic_path
from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.plans.text import os_error_reason

_STYLE = (
    "body{font-family:'Times New Roman',serif;font-size:13pt;line-height:1.35;margin:0 1.5cm}"
    "h1{font-size:20pt}h2{font-size:16pt;margin-top:18pt}h3{font-size:14pt}"
    "code,pre{font-family:'Courier New',monospace;font-size:11pt}"
    "pre{background:#f2f2f2;padding:6pt;white-space:pre-wrap}"
    "table{border-collapse:collapse}td,th{border:1px solid #888;padding:3pt 6pt;vertical-align:top}"
    "img{max-width:16cm}")
_INLINE = re.compile(r"\[\^(\w+)\]|!\[([^\]]*)\]\(([^)\s]+)\)|\[([^\]]+)\]\(([^)\s]+)\)|`([^`]+)`"
                     r"|\*\*(.+?)\*\*|\*([^*\s][^*]*?)\*")
_LIST_ITEM = re.compile(r"(\s*)([*-]|\d+\.)\s+(.*)")
_TABLE_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?")


def _image(alt: str, target: str, images_from: Path | None) -> str:
    path = (images_from / target) if images_from is not None else None
    if path is not None and path.is_file() and path.suffix.lower() in {".png", ".jpg", ".jpeg"}:
        kind = "png" if path.suffix.lower() == ".png" else "jpeg"
        target = f"data:image/{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="{html.escape(target)}" alt="{html.escape(alt)}">'


def inline(text: str, images_from: Path | None = None) -> str:
    """One line of Markdown text as HTML.

    >>> inline("Bấm **Kiểm tra** rồi xem `Lỗi` ở [ma-loi](ma-loi.md) *ngay*[^1]")
    'Bấm <b>Kiểm tra</b> rồi xem <code>Lỗi</code> ở <a href="ma-loi.md">ma-loi</a> <i>ngay</i><sup>1</sup>'
    """
    out, at = [], 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[at:match.start()], quote=False))
        note, image_alt, image, label, link, code, bold, italic = match.groups()
        if note is not None:
            out.append(f"<sup>{html.escape(note)}</sup>")
        elif image is not None:
            out.append(_image(image_alt, image, images_from))
        elif link is not None:
            out.append(f'<a href="{html.escape(link)}">{inline(label, images_from)}</a>')
        elif code is not None:
            out.append(f"<code>{html.escape(code, quote=False)}</code>")
        elif bold is not None:
            out.append(f"<b>{inline(bold, images_from)}</b>")
        else:
            out.append(f"<i>{inline(italic, images_from)}</i>")
        at = match.end()
    out.append(html.escape(text[at:], quote=False))
    return "".join(out)


def _table(rows: list[str], images_from: Path | None) -> str:
    cells = [[c.strip() for c in row.strip().strip("|").split("|")]
             for row in rows if not _TABLE_RULE.fullmatch(row.strip())]
    head, *body = cells
    # LibreOffice draws a table's borders from these attributes, not from the style sheet
    out = ['<table border="1" cellspacing="0" cellpadding="4" width="100%"><tr>',
           *(f"<th>{inline(c, images_from)}</th>" for c in head), "</tr>"]
    for row in body:
        out += ["<tr>", *(f"<td>{inline(c, images_from)}</td>" for c in row), "</tr>"]
    return "".join([*out, "</table>"])


def _list(items: list[tuple[bool, str]], images_from: Path | None) -> str:
    tag = "ol" if items[0][0] else "ul"
    return f"<{tag}>" + "".join(f"<li>{inline(text, images_from)}</li>" for _, text in items) + f"</{tag}>"


def _kind(line: str) -> str:
    if not line.strip():
        return "blank"
    if line.startswith("#"):
        return "heading"
    if line.lstrip().startswith("|"):
        return "table"
    return "list" if _LIST_ITEM.fullmatch(line) else "para"


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The document's blocks: (kind, lines) with kind one of code, heading, table, list, para."""
    blocks: list[tuple[str, list[str]]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip().startswith("```"):
            fences = (j for j in range(index + 1, len(lines)) if lines[j].strip().startswith("```"))
            end = next(fences, len(lines))
            blocks.append(("code", lines[index + 1:end]))
            index = end + 1
            continue
        kind = _kind(line)
        continues = bool(blocks) and (blocks[-1][0] == kind or (
            kind == "para" and blocks[-1][0] == "list" and line.startswith(" ")))
        if kind == "heading" or not continues:
            blocks.append((kind, [line]))
        else:
            blocks[-1][1].append(line)
        index += 1
    return [block for block in blocks if block[0] != "blank"]


def _list_items(lines: list[str]) -> list[tuple[bool, str]]:
    items: list[tuple[bool, str]] = []
    for line in lines:
        match = _LIST_ITEM.fullmatch(line)
        if match and len(match.group(1)) < 2:
            items.append((match.group(2)[0].isdigit(), match.group(3)))
        elif items:
            items[-1] = (items[-1][0], items[-1][1] + " " + line.strip())
    return items


def markdown_to_html(text: str, title: str, images_from: Path | None = None) -> str:
    """The Markdown ``text`` as a whole HTML page (UTF-8), pictures read from ``images_from``.

    >>> page = markdown_to_html("# Tiêu đề\\n\\n* một\\n* hai\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |", "T")
    >>> "<h1>Tiêu đề</h1>" in page, "<ul><li>một</li><li>hai</li></ul>" in page, "<td>2</td>" in page
    (True, True, True)
    """
    out = []
    for kind, lines in _blocks(text.splitlines()):
        if kind == "code":
            out.append("<pre>" + html.escape("\n".join(lines), quote=False) + "</pre>")
        elif kind == "heading":
            level = min(len(lines[0]) - len(lines[0].lstrip("#")), 4)
            out.append(f"<h{level}>{inline(lines[0].lstrip('#').strip(), images_from)}</h{level}>")
        elif kind == "table":
            out.append(_table(lines, images_from))
        elif kind == "list":
            out.append(_list(_list_items(lines), images_from))
        else:
            out.append(f"<p>{inline(' '.join(line.strip() for line in lines), images_from)}</p>")
    return ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(out) + "\n</body></html>\n")


def guide_html(markdown: Path, out: Path) -> Path:
    """Write the guide ``markdown`` as a self-contained HTML page ``out`` (atomically)."""
    text = markdown.read_text(encoding="utf-8")
    titles = (line.lstrip("#").strip() for line in text.splitlines() if line.startswith("# "))
    title = next(titles, markdown.stem)
    page = markdown_to_html(text, title, markdown.parent)
    with atomic_path(out) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return out


def find_soffice() -> str | None:
    """LibreOffice's ``soffice``, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def html_to_pdf(page: Path, out: Path, soffice: str) -> Path:
    """Print the HTML ``page`` to the PDF ``out`` with LibreOffice (headless, own profile)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--convert-to", "pdf:writer_web_pdf_Export", "--outdir", str(folder), str(page)]
        try:
            subprocess.run(command, capture_output=True, check=False, timeout=300)
        except (OSError, subprocess.SubprocessError) as error:
            raise AddinError(f"Không chạy được LibreOffice để in hướng dẫn ra PDF: {error}.") from error
        printed = folder / (page.stem + ".pdf")
        if not printed.is_file():
            raise AddinError(f"LibreOffice không in được {page.name} ra PDF.")
        try:
            with atomic_path(out) as temporary:
                temporary.write_bytes(printed.read_bytes())
        except OSError as error:
            raise AddinError(f"Không ghi được {out}: {os_error_reason(error)}.") from error
    return out
