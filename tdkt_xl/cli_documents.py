"""`tdkt-xl` commands that write Word documents from the units' reports (issue 17), added to the
command group by :mod:`tdkt_xl.cli`: ``don-doc``, the công văn đôn đốc and its e-mails."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tdkt_xl.cli_output import Command, Day
from tdkt_xl.errors import TdktError
from tdkt_xl.plans.text import os_error_message

EXIT_UNREADABLE = 2


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
