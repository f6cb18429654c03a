"""The commands of the Word documents made from the units' reports (issue 17): ``tdkt-xl
bao-cao`` (the draft Báo cáo tổng kết), ``tdkt-xl y-kien`` (the units' opinions gathered by the
đề cương) and ``tdkt-xl don-doc`` (the công văn đôn đốc and its e-mails).

Kept apart from :mod:`tdkt_xl.cli` (which registers them), so that the command module stays a size a
reader can hold; light at import (the documents' modules and python-docx are imported when a
command runs).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tdkt_xl.cli_output import Command, Day
from tdkt_xl.errors import Code, TdktError
from tdkt_xl.intake.file_formats import WorkbookError
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import os_error_message

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2  # as tdkt_xl.cli's


def _plan_or_exit(path: Path) -> Plan:
    """The plan at ``path``; what cannot be read, or is no plan (a master, a unit report), is said
    and the command stops (2), as :mod:`tdkt_xl.cli` does."""
    from tdkt_xl.intake.plan_workbook import load_plan  # (only the commands that read a plan need it)

    try:
        plan = load_plan(path)
    except WorkbookError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    refusals = [p for p in plan.problems if p.code == Code.NOT_A_PLAN]
    for problem in refusals:
        click.echo(f"Lỗi: {problem.where() or path}: {problem.message}", err=True)
    if refusals:
        sys.exit(EXIT_UNREADABLE)
    return plan


@click.command("bao-cao", cls=Command)
@click.argument("inbox", metavar="HỘP_THƯ", type=click.Path(path_type=Path, file_okay=False))
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Sổ kế hoạch.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Tệp Word (.docx) sẽ ghi dự thảo báo cáo.")
@click.option("--as-of", type=Day(),
              help="Ngày tính, dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: Cấu hình, rồi hôm nay).")
@click.option("--state", type=click.Path(path_type=Path, dir_okay=False),
              help="Sổ cái của lần tổng hợp hằng đêm: lấy số liệu từ đó, không đọc lại hộp thư.")
@click.option("--de-cuong", "outline_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Đề cương: tệp .txt (mỗi đề mục một dòng), .xlsx (sheet \"Đề cương\") hoặc .docx "
                   "(mặc định: sheet Đề cương của sổ kế hoạch, rồi đề cương mẫu).")
def draft_report(inbox: Path, plan_file: Path, out: Path, as_of: Any, state: Path | None,
                 outline_file: Path | None) -> None:
    """Viết dự thảo Báo cáo tổng kết (Word) theo đề cương, từ báo cáo các đơn vị trong HỘP_THƯ:
    số liệu khen thưởng (bảng, biểu đồ, nhận xét), kết quả, khó khăn, vướng mắc, kiến nghị các
    đơn vị nêu; các đề mục khác để chỗ tô vàng cho người soạn.

    Mã thoát: 0 đã ghi, 1 đã ghi nhưng có tệp bị loại, 2 không đọc được sổ kế hoạch, hộp thư,
    sổ cái hoặc đề cương, hoặc không ghi được tệp.
    """
    from tdkt_xl.documents.draft_report import write_draft_report
    from tdkt_xl.documents.outline_files import OutlineFileError, read_outline_file
    from tdkt_xl.documents.sources import ResultsUnavailable, consolidation_for

    plan = _plan_or_exit(plan_file)
    try:
        outline = read_outline_file(outline_file) if outline_file is not None else None
        result = consolidation_for(plan, inbox=inbox, state=state, as_of=as_of.date() if as_of else None)
    except (OutlineFileError, ResultsUnavailable) as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    try:
        written = write_draft_report(plan, result, out, outline=outline)
    except OSError as error:
        click.echo(f"Lỗi: không ghi được dự thảo báo cáo {out}. {os_error_message(error)}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo("\n".join(written.summary_lines(result, state)))
    sys.exit(EXIT_INVALID if result.rejected else EXIT_OK)


@click.command("y-kien", cls=Command)
@click.argument("inbox", metavar="HỘP_THƯ", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Sổ kế hoạch (danh sách Đơn vị để nhận ra đơn vị gửi văn bản).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Văn bản Word (.docx) sẽ ghi.")
@click.option("--de-cuong", "de_cuong", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Đề cương: tệp .docx (các đề mục là đề cương), .txt hoặc .xlsx (mặc định: sheet "
                   "\"Đề cương\" của kế hoạch, rồi đề cương mẫu).")
@click.option("--as-of", type=Day(), help="Ngày ghi trên văn bản (mặc định: để trống).")
@click.option("--workers", type=int, default=2, show_default=True, help="Số tiến trình đọc tệp.")
@click.option("--timeout", type=float, default=60, show_default=True, help="Số giây tối đa để đọc một tệp.")
def y_kien(inbox: Path, plan_file: Path, out: Path, de_cuong: Path | None, as_of: Any, workers: int,
           timeout: float) -> None:
    """Tập hợp ý kiến các đơn vị theo đề cương từ các báo cáo bằng văn bản Word (.docx) trong HỘP_THƯ:
    nhận ra đơn vị theo tên cơ quan ở đầu văn bản (rồi tên tệp), tách theo đề mục của đề cương.

    Mã thoát: 0 đã ghi, 1 đã ghi nhưng có tệp bị loại hoặc chưa xác định được đơn vị, 2 không
    đọc được kế hoạch hoặc đề cương, hay không ghi được văn bản.
    """
    from tdkt_xl.documents.opinions import choose_outline, gather_and_write, summary_lines

    plan = _plan_or_exit(plan_file)
    try:
        gathering = gather_and_write(plan, inbox, out, choose_outline(plan, de_cuong), workers=workers,
                                     as_of=as_of.date() if as_of else None, timeout_s=timeout)
    except TdktError as error:  # the đề cương given cannot be read
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        click.echo(f"Lỗi: không ghi được {out}. {os_error_message(error)}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo("\n".join([*summary_lines(gathering), f"Đã ghi: {out}"]))
    sys.exit(EXIT_OK if gathering.complete else EXIT_INVALID)


@click.command("don-doc", cls=Command)
@click.argument("inbox", metavar="HỘP_THƯ", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Sổ kế hoạch.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Công văn đôn đốc sẽ ghi (.docx).")
@click.option("--as-of", type=Day(),
              help="Ngày tính, dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: Cấu hình, rồi hôm nay).")
@click.option("--eml", "eml_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Thư mục ghi mỗi đơn vị cần đôn đốc một thư điện tử soạn sẵn (.eml).")
def don_doc(inbox: Path, plan_file: Path, out: Path, as_of: Any, eml_dir: Path | None) -> None:
    """Lập công văn đôn đốc (Word) các đơn vị chưa nộp, có tệp bị loại hoặc nộp muộn.

    Mã thoát: 0 đã ghi, 2 không đọc được sổ kế hoạch hoặc hộp thư, hoặc không ghi được tệp.
    """
    from tdkt_xl.documents.reminder_emails import run_reminders

    try:
        lines = run_reminders(plan_file, inbox, out, as_of=as_of.date() if as_of else None, eml=eml_dir)
    except TdktError as error:  # the plan unreadable, not a plan, or without a unit list
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        click.echo(f"Lỗi: không ghi được {error.filename or out}. {os_error_message(error)}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo("\n".join(lines))
