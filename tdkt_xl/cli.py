"""The ``tdkt-xl`` command: a thin shell over the library."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from tdkt_xl import __version__
from tdkt_xl.models import Plan
from tdkt_xl.status import TaskStatus, count_by_status, plan_status
from tdkt_xl.workbook import load_plan, validation_report
from tdkt_xl.xlsx import WorkbookError, write_status_workbook

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _vn(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _load(path: Path, year: int | None, *, as_json: bool) -> Plan:
    try:
        return load_plan(path, year=year)
    except WorkbookError as error:
        if as_json:
            _dump({"file": str(path), "valid": False, "error": str(error)})
        else:
            click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)


def _print_problems(plan: Plan) -> None:
    for problem in plan.problems:
        label = "Lỗi     " if problem.severity == "error" else "Cảnh báo"
        where = problem.where() or "-"
        click.echo(f"{label} {where:<16} [{problem.code}] {problem.message}")


def _summary_line(plan: Plan) -> str:
    errors = sum(1 for p in plan.problems if p.severity == "error")
    warnings = len(plan.problems) - errors
    verdict = "hợp lệ" if plan.valid else "KHÔNG hợp lệ"
    return f"Kết quả: {verdict} ({errors} lỗi, {warnings} cảnh báo)"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tdkt-xl")
def cli() -> None:
    """Kế hoạch, tiến độ và tổng hợp báo cáo thi đua – khen thưởng trong Excel."""


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--year", type=int, help="Năm kế hoạch (mặc định: sheet Cấu hình, rồi tiêu đề).")
def validate(file: Path, as_json: bool, year: int | None) -> None:
    """Kiểm tra sổ kế hoạch FILE: cấu trúc, số thứ tự, đơn vị, thời hạn.

    Mã thoát: 0 không có lỗi (có thể có cảnh báo), 1 có lỗi, 2 không đọc được tệp.
    """
    plan = _load(file, year, as_json=as_json)
    if as_json:
        _dump(validation_report(plan))
    else:
        click.echo(f"Tệp: {file}")
        for sheet in plan.sheets:
            click.echo(f'Sheet "{sheet.name}": {len(sheet.tasks)} nhiệm vụ')
        _print_problems(plan)
        click.echo(_summary_line(plan))
    sys.exit(EXIT_OK if plan.valid else EXIT_INVALID)


def _status_json(file: Path, statuses: list[TaskStatus], as_of: date) -> dict[str, Any]:
    return {
        "file": str(file),
        "as_of": as_of.isoformat(),
        "tasks": [
            {
                "sheet": s.task.sheet,
                "row": s.task.row,
                "number": s.task.number,
                "content": s.task.content,
                "units": [u.label for u in s.task.lead],
                "quarter": s.task.deadline.quarter,
                "start": s.task.deadline.start.isoformat() if s.task.deadline.start else None,
                "due": s.task.deadline.due.isoformat() if s.task.deadline.due else None,
                "days_left": s.days_left,
                "status": s.status.value,
            }
            for s in statuses
        ],
    }


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_status_table(plan: Plan, statuses: list[TaskStatus], as_of: date) -> None:
    click.echo(f"Năm kế hoạch {plan.year}; trạng thái tính đến ngày {_vn(as_of)}.")
    click.echo(f"{'Sheet':<10} {'Dòng':>4} {'TT':<5} {'Quý':<4} {'Hạn':<10} {'Còn':>5}  "
               f"{'Trạng thái':<18} Nội dung")
    for s in statuses:
        left = "" if s.days_left is None else str(s.days_left)
        quarter = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(s.task.deadline.quarter or 0, "")
        click.echo(
            f"{_clip(s.task.sheet, 10):<10} {s.task.row:>4} {s.task.number:<5} {quarter:<4} "
            f"{_vn(s.task.deadline.due):<10} {left:>5}  {s.status.value:<18} "
            f"{_clip(s.task.content, 48)}"
        )
    counts = ", ".join(f"{k.value} {v}" for k, v in count_by_status(statuses).items() if v)
    click.echo(f"Tổng {len(statuses)} nhiệm vụ: {counts}.")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
              help="Ngày tính trạng thái (mặc định: Cấu hình, rồi hôm nay).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Tệp kết quả (mặc định: <tên>_trang_thai.xlsx cạnh tệp gốc).")
@click.option("--in-place", is_flag=True, help="Ghi đè tệp gốc (giữ bản sao .bak).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON, không ghi tệp.")
@click.option("--year", type=int, help="Năm kế hoạch (mặc định: sheet Cấu hình, rồi tiêu đề).")
def status(file: Path, as_of: Any, out: Path | None, in_place: bool, as_json: bool,
           year: int | None) -> None:
    """Tính quý, hạn và trạng thái của mọi nhiệm vụ trong FILE.

    Không có --json: ghi bản sao sổ với các cột Quý, Hạn, Còn (ngày), Trạng thái
    (tô màu theo trạng thái) và sheet "Kết quả kiểm tra"; tệp gốc không bị sửa
    trừ khi có --in-place.
    """
    plan = _load(file, year, as_json=as_json)
    day = as_of.date() if as_of else None
    statuses = plan_status(plan, day)
    effective = statuses[0].as_of if statuses else (day or plan.config.as_of or date.today())
    if as_json:
        _dump(_status_json(file, statuses, effective))
        return
    if in_place and out is not None:
        raise click.UsageError("Chỉ dùng một trong hai: --out hoặc --in-place.")
    target = file if in_place else (out or file.with_name(f"{file.stem}_trang_thai.xlsx"))
    if target.resolve() == file.resolve() and not in_place:
        raise click.UsageError("Tệp kết quả trùng tệp gốc; dùng --in-place nếu muốn ghi đè.")
    _print_status_table(plan, statuses, effective)
    errors = sum(1 for p in plan.problems if p.severity == "error")
    if plan.problems:
        click.echo(f"Có {errors} lỗi, {len(plan.problems) - errors} cảnh báo "
                   f'(xem sheet "Kết quả kiểm tra").')
    try:
        written = write_status_workbook(file, target, plan, statuses)
    except WorkbookError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        click.echo(f"Lỗi: không ghi được {target}: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"Đã ghi: {written}")


@cli.command()
@click.argument("out", type=click.Path(path_type=Path), required=False)
def sample(out: Path | None) -> None:
    """Tạo sổ kế hoạch mẫu (từ hai kế hoạch thật) tại OUT."""
    from tdkt_xl.sample import DEFAULT_OUTPUT, build_sample_plan

    written = build_sample_plan(out or DEFAULT_OUTPUT)
    click.echo(f"Đã ghi sổ mẫu: {written}")


def main() -> None:
    """Entry point of the ``tdkt-xl`` console script."""
    cli(prog_name="tdkt-xl")
