"""(d) of bench_consolidate.py: the script an expert would write today to consolidate the reports.

    python bench/expert_polars.py INBOX MASTER [--workers 2] [--no-detail]

fastexcel (calamine under the hood) reads the three sheets of each report ("Thông tin",
"Tiến độ", "Số liệu") in a ``multiprocessing`` pool; each worker sends back one small polars
frame per sheet; the parent keeps the newest file of each unit (by the file's time), sums the
counts per form and year with polars and writes a master with ``polars.DataFrame.write_excel``
(xlsxwriter): the totals ("Số liệu tổng hợp"), and, unless ``--no-detail``, the same per-unit
detail sheets as tdkt_xl's master ("Số liệu chi tiết": one row per unit with its count per form;
"Chi tiết tiến độ": one row per unit and task). Prints the totals as JSON (form -> year -> count),
so the bench can check them against the expected ones.

No checks beyond what the sums need: no package safety scan, no time or memory limit per file,
no check that a file is a report of this plan, no problem list. That is what makes it the floor
an expert reaches quickly; tdkt_xl does all of that as well.
"""

from __future__ import annotations

import argparse
import json
import os
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

INFO, PROGRESS, STATS = "Thông tin", "Tiến độ", "Số liệu"
FORM = "Hình thức khen thưởng"
PROGRESS_COLUMNS = ["Mã nhiệm vụ", "Vai trò", "Tình trạng", "Ngày hoàn thành", "Kết quả"]
PROGRESS_TYPES: dict[str | int, Any] = {"Mã nhiệm vụ": "string", "Vai trò": "string", "Tình trạng": "string",
                                        "Ngày hoàn thành": "date", "Kết quả": "string"}


def read_one(path: str) -> tuple[str, float, dict[str, Any], pl.DataFrame, pl.DataFrame] | None:
    """One report: its unit, file time, the Thông tin values, the progress rows, the count rows."""
    try:
        reader = fastexcel.read_excel(path)
        info_frame = reader.load_sheet_by_name(INFO, header_row=None).to_polars()
        info = {str(k): v for k, v in zip(info_frame[:, 0], info_frame[:, 1], strict=False) if k}
        progress = reader.load_sheet_by_name(PROGRESS, header_row=2, use_columns=PROGRESS_COLUMNS,
                                             dtypes=PROGRESS_TYPES).to_polars()
        stats = reader.load_sheet_by_name(STATS, header_row=2, dtypes={"Tổng": "string"}).to_polars()
    except Exception:  # a broken file is left out, as a script would
        return None
    years = [c for c in stats.columns if c.split(".")[0].isdigit()]
    stats = (stats.select(pl.col(FORM), *[pl.col(c).cast(pl.Int64, strict=False).alias(c.split(".")[0])
                                          for c in years])
             .filter(pl.any_horizontal(pl.col(c.split(".")[0]).is_not_null() for c in years)))
    progress = progress.filter(pl.col("Mã nhiệm vụ").is_not_null())
    return str(info.get("Mã đơn vị")), os.stat(path).st_mtime, info, progress, stats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inbox", type=Path)
    parser.add_argument("master", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-detail", action="store_true")
    args = parser.parse_args()
    files = sorted(str(p) for p in args.inbox.rglob("*.xlsx") if not p.name.startswith("~$"))
    newest: dict[str, tuple[float, dict[str, Any], pl.DataFrame, pl.DataFrame]] = {}
    with Pool(args.workers) as pool:
        for read in pool.imap_unordered(read_one, files, chunksize=16):
            if read is None:
                continue
            unit, modified, info, progress, stats = read
            if unit not in newest or modified > newest[unit][0]:
                newest[unit] = (modified, info, progress, stats)
    units = sorted(newest)
    counts = pl.concat([newest[u][3].with_columns(pl.lit(u).alias("Mã đơn vị")) for u in units])
    years = [c for c in counts.columns if c.isdigit()]
    totals = counts.group_by(FORM, maintain_order=True).agg(pl.col(years).sum())
    totals = totals.with_columns(pl.sum_horizontal(years).alias("Tổng"))
    sheets: dict[str, pl.DataFrame] = {"Số liệu tổng hợp": totals}
    if not args.no_detail:
        per_unit = (counts.with_columns(pl.sum_horizontal(years).alias("n"))
                    .pivot(on=FORM, index="Mã đơn vị", values="n", aggregate_function="sum",
                           maintain_order=True))
        names = pl.DataFrame({"Mã đơn vị": units,
                              "Tên đơn vị": [newest[u][1].get("Tên đơn vị") for u in units],
                              "Người lập": [newest[u][1].get("Người lập") for u in units]})
        detail = names.join(per_unit, on="Mã đơn vị", how="left")
        forms = [c for c in per_unit.columns if c != "Mã đơn vị"]
        sheets["Số liệu chi tiết"] = detail.with_columns(pl.sum_horizontal(forms).alias("Tổng"))
        sheets["Chi tiết tiến độ"] = pl.concat(
            [newest[u][2].with_columns(pl.lit(u).alias("Mã đơn vị"),
                                       pl.lit(newest[u][1].get("Tên đơn vị")).alias("Tên đơn vị"))
             for u in units], how="diagonal_relaxed")
    import xlsxwriter

    partial = args.master.with_name(args.master.name + ".part")
    with xlsxwriter.Workbook(partial) as book:
        for title, frame in sheets.items():
            frame.write_excel(book, worksheet=title, autofit=False)
    os.replace(partial, args.master)
    print(json.dumps({row[FORM]: {y: int(row[y]) for y in years} for row in totals.iter_rows(named=True)},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
