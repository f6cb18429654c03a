"""The figures of commendations in the draft report: what the consolidated counts say (by form,
by year, by level; totals and shares), sentences built from them, two tables and a chart.

:func:`commendation_figures` is plain arithmetic over the consolidation's totals;
:func:`summary_sentences` says them in Vietnamese; :func:`add_statistics` writes the section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt

from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.documents.admin_document import add_run, format_count, format_share
from tdkt_xl.documents.report_tables import add_caption, add_table
from tdkt_xl.documents.word_chart import add_column_chart
from tdkt_xl.plans.cell_text import vn_date
from tdkt_xl.plans.models import CommendationForm

# a change of the yearly mean between the first and the second half above this is a trend
TREND_THRESHOLD = 0.1


@dataclass(frozen=True)
class Figures:
    """The consolidated counts, summed every way the report shows them."""

    years: list[int]
    levels: list[str]
    by_form: list[tuple[CommendationForm, int]]
    by_year: dict[int, int]
    by_level: dict[str, int]
    by_level_year: dict[str, dict[int, int]]
    units_reported: int = 0
    units_expected: int = 0
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum(self.by_year.values()))

    def share(self, count: int) -> str:
        """``count`` as a share of the total ("12,5%"; "0%" when there is no total)."""
        return format_share(count / self.total) if self.total else "0%"


def commendation_figures(consolidation: Consolidation) -> Figures:
    """Sum the consolidation's counts (form -> year -> count) by form, year and level."""
    years = list(consolidation.years)
    levels: list[str] = []
    by_form: list[tuple[CommendationForm, int]] = []
    by_level_year: dict[str, dict[int, int]] = {}
    for form in consolidation.forms:
        counts = consolidation.totals.get(form.name, {})
        if form.level not in by_level_year:
            levels.append(form.level)
            by_level_year[form.level] = dict.fromkeys(years, 0)
        for year in years:
            by_level_year[form.level][year] += counts.get(year, 0)
        by_form.append((form, sum(counts.get(year, 0) for year in years)))
    by_year = {year: sum(level[year] for level in by_level_year.values()) for year in years}
    by_level = {level: sum(by_level_year[level].values()) for level in levels}
    reported = sum(1 for s in consolidation.submissions if s.state != "missing")
    return Figures(years=years, levels=levels, by_form=by_form, by_year=by_year, by_level=by_level,
                   by_level_year=by_level_year, units_reported=reported,
                   units_expected=len(consolidation.submissions))


def _lower_first(text: str) -> str:
    """"Cấp Nhà nước" -> "cấp Nhà nước" inside a sentence."""
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def _trend(figures: Figures) -> str:
    """The trend: the yearly mean of the first half of the years against the second half's."""
    years = figures.years
    if len(years) < 4 or not figures.total:
        return ""
    half = len(years) // 2
    first, second = years[:half], years[-half:]
    before = sum(figures.by_year[y] for y in first) / len(first)
    after = sum(figures.by_year[y] for y in second) / len(second)
    means = (f"bình quân {format_count(round(before))} lượt/năm giai đoạn {first[0]}–{first[-1]}, "
             f"{format_count(round(after))} lượt/năm giai đoạn {second[0]}–{second[-1]}")
    if before == after or (before and abs(after - before) / before <= TREND_THRESHOLD):
        word = "tương đối ổn định"
    else:
        word = "tăng" if after > before else "giảm"
    return f"Số lượt khen thưởng có xu hướng {word} ({means})."


def summary_sentences(figures: Figures, as_of: date | None = None) -> list[str]:
    """The paragraph the figures make: the total and each level's share, the years with most and
    fewest, the trend, the form given most, and whose reports they come from."""
    if not figures.years:
        return ["Kế hoạch không có năm số liệu nào để tổng hợp."]
    span = f"Từ năm {figures.years[0]} đến hết năm {figures.years[-1]}"
    source = (f"Số liệu tổng hợp từ báo cáo của {format_count(figures.units_reported)}/"
              f"{format_count(figures.units_expected)} đơn vị"
              + (f", tính đến ngày {vn_date(as_of)}." if as_of else "."))
    if not figures.total:
        return [f"{span}, các báo cáo đã nhận chưa có số liệu khen thưởng nào.", source]
    levels = ", ".join(f"{_lower_first(level)} {format_count(count)} lượt ({figures.share(count)})"
                       for level, count in figures.by_level.items())
    sentences = [f"{span}, đã khen thưởng {format_count(figures.total)} lượt, trong đó {levels}."]
    most = max(figures.years, key=lambda y: (figures.by_year[y], -y))
    fewest = min(figures.years, key=lambda y: (figures.by_year[y], y))
    if figures.by_year[most] != figures.by_year[fewest]:
        sentences.append(f"Năm có nhiều lượt khen thưởng nhất là năm {most} "
                         f"({format_count(figures.by_year[most])} lượt); ít nhất là năm {fewest} "
                         f"({format_count(figures.by_year[fewest])} lượt).")
    if trend := _trend(figures):
        sentences.append(trend)
    form, count = max(figures.by_form, key=lambda item: item[1])
    sentences.append(f"Hình thức có nhiều lượt nhất là {form.name} ({format_count(count)} lượt, "
                     f"{figures.share(count)}).")
    sentences.append(source)
    return sentences


# --- the section -------------------------------------------------------------------


def year_level_rows(figures: Figures) -> tuple[list[str], list[list[str]]]:
    """Table 1: one row per year, a column per level, the total and its share; a total row."""
    header = ["Năm", *figures.levels, "Tổng số", "Tỷ lệ"]
    rows = [[str(year), *(format_count(figures.by_level_year[level][year]) for level in figures.levels),
             format_count(figures.by_year[year]), figures.share(figures.by_year[year])]
            for year in figures.years]
    rows.append(["Tổng cộng", *(format_count(figures.by_level[level]) for level in figures.levels),
                 format_count(figures.total), figures.share(figures.total)])
    rows.append(["Tỷ lệ", *(figures.share(figures.by_level[level]) for level in figures.levels),
                 figures.share(figures.total), ""])
    return header, rows


def form_rows(figures: Figures) -> tuple[list[str], list[list[str]], set[int]]:
    """Table 2: each level's line (its total), then its forms given at least once; the rows that
    are a level's line."""
    header = ["STT", "Hình thức khen thưởng", "Số lượt", "Tỷ lệ"]
    rows: list[list[str]] = []
    level_rows: set[int] = set()
    number = 0
    for level in figures.levels:
        level_rows.add(len(rows))
        count = figures.by_level[level]
        rows.append(["", level, format_count(count), figures.share(count)])
        for form, count in figures.by_form:
            if form.level == level and count:
                number += 1
                rows.append([str(number), form.name, format_count(count), figures.share(count)])
    level_rows.add(len(rows))
    rows.append(["", "Tổng cộng", format_count(figures.total), figures.share(figures.total)])
    return header, rows, level_rows


def add_statistics(doc: DocxDocument, consolidation: Consolidation, as_of: date | None = None) -> Figures:
    """The sentences, the table by year and level, the chart, the table by form."""
    figures = commendation_figures(consolidation)
    for sentence in summary_sentences(figures, as_of):
        add_run(doc.add_paragraph(), sentence)
    if not figures.years:
        return figures
    header, rows = year_level_rows(figures)
    add_caption(doc, "Bảng 1. Số lượt khen thưởng theo năm và theo cấp")
    widths = [Cm(2.4), *([Cm(9.0 / max(len(figures.levels), 1))] * len(figures.levels)), Cm(2.6), Cm(2.2)]
    add_table(doc, header, rows, widths, bold_rows={len(rows) - 2, len(rows) - 1})
    if figures.total:
        chart = doc.add_paragraph()
        chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
        chart.paragraph_format.first_line_indent = Cm(0)
        chart.paragraph_format.space_before = Pt(12)
        add_column_chart(doc, chart, [str(y) for y in figures.years],
                         [(level, [figures.by_level_year[level][y] for y in figures.years])
                          for level in figures.levels],
                         title="Số lượt khen thưởng theo năm", y_title="Lượt", width=Mm(150), height=Mm(85))
        add_caption(doc, "Biểu đồ 1. Số lượt khen thưởng theo năm, theo cấp", above=False)
    header, rows, level_rows = form_rows(figures)
    omitted = sum(1 for _, count in figures.by_form if not count)
    add_caption(doc, "Bảng 2. Số lượt khen thưởng theo hình thức")
    add_table(doc, header, rows, [Cm(1.2), Cm(10.3), Cm(2.5), Cm(2.2)], bold_rows=level_rows,
              left_columns={1})
    if omitted:
        note = doc.add_paragraph()
        add_run(note, f"Không liệt kê {format_count(omitted)} hình thức chưa có lượt khen thưởng nào.",
                italic=True, size=Pt(12))
    return figures
