"""Workbooks printed to PDF by LibreOffice, and what is wrong on the paper: text under 9 pt, lines
of text drawn over each other (used by tests/test_paper.py and scripts/render_pictures.py); a
PDF's text, pages and pictures for the tests of the Word documents and the guide.

LibreOffice draws a font it lacks with another: Calibri (the master's and the sample's) with
Carlito when installed, which has Calibri's widths, else with Liberation Sans (Arial's widths,
about a tenth wider); Times New Roman (the templates') with Liberation Serif, which has its widths.
The conversion is given a fontconfig file saying so, so that the paper here is the paper in Excel
or close to it, not the much wider DejaVu Sans fontconfig would otherwise pick.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MIN_POINTS = 9.0
OVERLAP_POINTS = 2.0  # two lines' boxes overlapping by less (a glyph's side bearing) are not counted

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>Calibri</family>
    <prefer><family>Carlito</family><family>Liberation Sans</family></prefer></alias>
  <alias binding="same"><family>Times New Roman</family>
    <prefer><family>Liberation Serif</family></prefer></alias>
</fontconfig>
"""


def to_pdf(soffice: str, paths: Sequence[Path], out: Path) -> list[Path]:
    """Each workbook printed to PDF by LibreOffice (headless, a profile of its own) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    conf = out / "fonts.conf"
    conf.write_text(FONTS_CONF, encoding="utf-8")
    profile = out / f"lo_profile_{os.getpid()}"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=300,
                   env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    made = [out / f"{path.stem}.pdf" for path in paths]
    missing = [path.name for path in made if not path.exists()]
    if missing:
        raise AssertionError(f"LibreOffice wrote no {missing}")
    return made


@dataclass(frozen=True)
class Line:
    page: int
    box: tuple[float, float, float, float]
    text: str
    size: float


def text_lines(pdf: Path) -> list[Line]:
    """Every line of text on every page, with its box and its smallest span's font size."""
    import pymupdf

    lines: list[Line] = []
    with pymupdf.open(pdf) as document:
        for number, page in enumerate(document, start=1):
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    spans = [span for span in line["spans"] if span["text"].strip()]
                    if spans:
                        lines.append(Line(number, tuple(line["bbox"]), "".join(s["text"] for s in spans),
                                          min(span["size"] for span in spans)))
    return lines


def pdf_text(pdf: Path) -> str:
    """The text of every page, page after page (PyMuPDF: no poppler needed)."""
    import pymupdf

    with pymupdf.open(pdf) as document:
        return "\n".join(page.get_text() for page in document)


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    width: float  # of the first page, in points
    height: float
    images: int  # pictures drawn, over all pages


def pdf_info(pdf: Path) -> PdfInfo:
    """Pages, the first page's size and the pictures of a PDF."""
    import pymupdf

    with pymupdf.open(pdf) as document:
        first = document[0].rect
        images = sum(len(page.get_images(full=True)) for page in document)
        return PdfInfo(document.page_count, round(first.width, 1), round(first.height, 1), images)


def paper_problems(pdf: Path) -> list[str]:
    """What is wrong on the paper: each line of text under :data:`MIN_POINTS`, each two lines drawn
    over each other (their boxes overlapping by more than :data:`OVERLAP_POINTS` both ways)."""
    lines = text_lines(pdf)
    found = [f"{pdf.name} trang {line.page}: chữ {line.size:.1f} pt < {MIN_POINTS:g} pt: {line.text[:40]!r}"
             for line in lines if line.size < MIN_POINTS - 0.05]
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    for page, on_page in by_page.items():
        on_page.sort(key=lambda line: line.box[1])
        for index, first in enumerate(on_page):
            for second in on_page[index + 1:]:
                if second.box[1] >= first.box[3] - OVERLAP_POINTS:
                    break  # (sorted by top: no later line reaches up into this one)
                across = min(first.box[2], second.box[2]) - max(first.box[0], second.box[0])
                down = min(first.box[3], second.box[3]) - max(first.box[1], second.box[1])
                if across > OVERLAP_POINTS and down > OVERLAP_POINTS:
                    found.append(f"{pdf.name} trang {page}: dòng chữ đè nhau: {first.text[:30]!r} và "
                                 f"{second.text[:30]!r}")
    return found
