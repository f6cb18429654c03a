"""The ``tdkt-xl`` command: a thin shell over the library."""

from __future__ import annotations

import gc
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

from tdkt_xl import __version__
from tdkt_xl.cli_addin import addin
from tdkt_xl.cli_documents import don_doc, draft_report, y_kien
from tdkt_xl.cli_output import (
    CommandGroup,
    Day,
    log_unexpected,
    progress_on_stderr,
    shown_day,
    shown_time,
    utf8_streams,
)
from tdkt_xl.consolidation.aggregate import Consolidation
from tdkt_xl.errors import Code
from tdkt_xl.intake.file_formats import WorkbookError, is_macro_name, status_copy_path
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.status import TaskStatus, count_by_status, plan_status, shown_quarter
from tdkt_xl.plans.text import os_error_message, os_error_reason

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _vn(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _load(path: Path, year: int | None, *, as_json: bool) -> Plan:
    # (the plan reader imported by the commands that read a plan: a nightly run with its plan
    # stored in the ledger, and the add-in's commands, do without it)
    from tdkt_xl.intake.plan_workbook import load_plan

    try:
        return load_plan(path, year=year)
    except WorkbookError as error:
        if as_json:
            _dump({"file": str(path), "valid": False, "error": str(error)})
        else:
            click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)


def _refuse_what_is_not_a_plan(plan: Plan, path: Path) -> None:
    """A master or a unit report given where a plan is needed: said, and the command stops (2)."""
    refusals = [p for p in plan.problems if p.code == Code.NOT_A_PLAN]
    for problem in refusals:
        click.echo(f"Lỗi: {problem.where() or path}: {problem.message}", err=True)
    if refusals:
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


# click's own words for a command line it cannot take, said in Vietnamese (anything else it says
# is shown as it is)
_CLICK_MESSAGES = [
    (re.compile(r"(?:Path|File|Directory) '(.*)' does not exist\."), "không có '{0}'"),
    (re.compile(r"(?:File|Directory) '(.*)' is a directory\."), "'{0}' là một thư mục"),
    (re.compile(r"(?:File|Directory) '(.*)' is a file\."), "'{0}' là một tệp, không phải thư mục"),
    (re.compile(r"(?:Path|File|Directory) '(.*)' is not readable\."),
     "không đọc được '{0}' (không có quyền)"),
    (re.compile(r"(?:Path|File|Directory) '(.*)' is not writable\."),
     "không ghi được '{0}' (không có quyền)"),
    (re.compile(r"'(.*)' is not a valid integer(?: range)?\."), "'{0}' không phải một số nguyên"),
    (re.compile(r"'(.*)' is not a valid float(?: range)?\."), "'{0}' không phải một số"),
    (re.compile(r"'(.*)' does not match the formats? (.*)\."), "'{0}' không phải một ngày dạng {1}"),
    (re.compile(r"'(.*)' is not one of (.*)\."), "'{0}' không phải một trong {1}"),
    (re.compile(r"Option '(.*)' requires an argument\."), "tuỳ chọn {0} cần một giá trị."),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "thừa đối số: {0}."),
    (re.compile(r"No such command '(.*)'\."), "không có lệnh '{0}'."),
]


def _vietnamese(message: str) -> str:
    for pattern, said in _CLICK_MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            return said.format(*found.groups())
    return message


def _usage_error_text(error: click.UsageError) -> str:
    """What a usage error says, in Vietnamese: how the command is used, where its help is, what
    was wrong.

    >>> print(_usage_error_text(click.UsageError("No such command 'tonghop'.")))
    Lỗi: Không có lệnh 'tonghop'.
    """
    if isinstance(error, click.MissingParameter) and error.param is not None:
        param = error.param
        if isinstance(param, click.Argument):
            problem = f"thiếu đối số {param.human_readable_name}."
        else:
            problem = f"thiếu tuỳ chọn {' / '.join(param.opts)}."
    elif isinstance(error, click.NoSuchOption):
        problem = f"không có tuỳ chọn {error.option_name}."
        if error.possibilities:
            problem += f" Có phải là {', '.join(sorted(error.possibilities))}?"
    elif isinstance(error, click.BadParameter):
        hint = error.param_hint if isinstance(error.param_hint, str) else None
        if hint is None and error.param is not None:
            hint = " / ".join(error.param.opts) if isinstance(error.param, click.Option) \
                else error.param.human_readable_name
        problem = f"giá trị không dùng được cho {hint}: {_vietnamese(error.message)}" if hint \
            else _vietnamese(error.message)
    else:
        problem = _vietnamese(error.message)
    if not problem.endswith((".", "?", "!")):
        problem += "."
    lines = []
    if error.ctx is not None:
        usage = error.ctx.get_usage().removeprefix("Cách dùng: ")
        lines += [f"Cách dùng: {usage}",
                  f"Xem '{error.ctx.command_path} {error.ctx.help_option_names[0]}' để biết thêm.", ""]
    return "\n".join([*lines, f"Lỗi: {problem[:1].upper()}{problem[1:]}"])


class _Commands(CommandGroup):
    """The ``tdkt-xl`` group: click's own messages about a command line it cannot take, and its
    help, are said in Vietnamese, like everything else the commands say; a group given no command
    shows its help."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:  # bare `tdkt-xl`: its help, not an error
            click.echo(error.ctx.get_help() if error.ctx is not None else "")
            sys.exit(EXIT_OK)
        except click.UsageError as error:
            click.echo(_usage_error_text(error), err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"Lỗi: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Đã dừng.", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:  # never a traceback to a user: its details go to the log
            click.echo(log_unexpected(error), err=True)
            sys.exit(EXIT_UNREADABLE)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, commands=[y_kien])
@click.version_option(__version__, prog_name="tdkt-xl")
def cli() -> None:
    """Kế hoạch, tiến độ và tổng hợp báo cáo thi đua – khen thưởng trong Excel."""


@cli.command()
@click.argument("file", metavar="TỆP", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--year", type=int, help="Năm kế hoạch (mặc định: sheet Cấu hình, rồi tiêu đề).")
def validate(file: Path, as_json: bool, year: int | None) -> None:
    """Kiểm tra sổ kế hoạch TỆP: cấu trúc, số thứ tự, đơn vị, thời hạn.

    Mã thoát: 0 không có lỗi (có thể có cảnh báo), 1 có lỗi, 2 không đọc được tệp.
    """
    from tdkt_xl.intake.plan_workbook import validation_report

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
                "quarter": shown_quarter(s),
                "start": s.task.deadline.start.isoformat() if s.task.deadline.start else None,
                "due": _iso(s.due or s.task.deadline.due),
                "days_left": s.days_left,
                "status": s.status.value,
            }
            for s in statuses
        ],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_status_table(plan: Plan, statuses: list[TaskStatus], as_of: date) -> None:
    click.echo(f"Năm kế hoạch {plan.year}; trạng thái tính đến ngày {_vn(as_of)}.")
    click.echo(f"{'Sheet':<10} {'Dòng':>4} {'TT':<5} {'Quý':<4} {'Hạn':<10} {'Còn':>5}  "
               f"{'Trạng thái':<18} Nội dung")
    for s in statuses:
        left = "" if s.days_left is None else str(s.days_left)
        quarter = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(shown_quarter(s) or 0, "")
        click.echo(
            f"{_clip(s.task.sheet, 10):<10} {s.task.row:>4} {s.task.number:<5} {quarter:<4} "
            f"{_vn(s.due or s.task.deadline.due):<10} {left:>5}  {s.status.value:<18} "
            f"{_clip(s.task.content, 48)}"
        )
    counts = ", ".join(f"{k.value} {v}" for k, v in count_by_status(statuses).items() if v)
    click.echo(f"Tổng {len(statuses)} nhiệm vụ" + (f": {counts}." if counts else "."))


@cli.command()
@click.argument("file", metavar="TỆP", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--as-of", type=Day(),
              help="Ngày tính trạng thái, dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: Cấu hình, rồi hôm nay).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp kết quả (mặc định: <tên>_trang_thai.xlsx cạnh tệp gốc; .xlsm nếu tệp gốc là .xlsm).")
@click.option("--in-place", is_flag=True, help="Ghi đè tệp gốc (giữ bản sao .bak).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON, không ghi tệp.")
@click.option("--year", type=int, help="Năm kế hoạch (mặc định: sheet Cấu hình, rồi tiêu đề).")
def status(file: Path, as_of: Any, out: Path | None, in_place: bool, as_json: bool,
           year: int | None) -> None:
    """Tính quý, hạn và trạng thái của mọi nhiệm vụ trong TỆP.

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
    if any(p.code == Code.NOT_A_PLAN for p in plan.problems):  # a master or a unit report: no copy
        _print_problems(plan)
        sys.exit(EXIT_INVALID)
    if not statuses:  # nothing to mark: no copy
        _print_problems(plan)
        click.echo(f"Lỗi: {file}: không thấy nhiệm vụ nào trong sổ kế hoạch; không ghi bản sao.", err=True)
        sys.exit(EXIT_INVALID)
    if in_place and out is not None:
        raise click.UsageError("Chỉ dùng một trong hai: --out hoặc --in-place.")
    target = file if in_place else (out or status_copy_path(file))
    if target.resolve() == file.resolve() and not in_place:
        raise click.UsageError("Tệp kết quả trùng tệp gốc; dùng --in-place nếu muốn ghi đè.")
    if is_macro_name(target) and not is_macro_name(file):
        raise click.UsageError("Tệp gốc không có macro: tệp kết quả phải có đuôi .xlsx "
                               "(Excel không mở tệp .xlsm không có macro).")
    _print_status_table(plan, statuses, effective)
    errors = sum(1 for p in plan.problems if p.severity == "error")
    if plan.problems:
        click.echo(f"Có {errors} lỗi, {len(plan.problems) - errors} cảnh báo "
                   f'(xem sheet "Kết quả kiểm tra").')
    from tdkt_xl.excel.status_copy import (
        write_status_workbook,  # openpyxl: imported by the commands that write with it
    )

    try:
        written = write_status_workbook(file, target, plan, statuses)
    except WorkbookError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        click.echo(f"Lỗi: không ghi được {target}: {os_error_reason(error)}.", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"Đã ghi: {written}")
    if is_macro_name(file) and not is_macro_name(written):
        click.echo("Lưu ý: tệp .xlsx không giữ được macro của tệp gốc .xlsm; "
                   "dùng --out <tên>.xlsm để giữ macro.")


def _print_consolidation(result: Consolidation, master: Path) -> None:
    submitted = [s for s in result.submissions if s.state not in ("missing", "rejected")]
    late, missing, refused = ([s.unit.code for s in result.submissions if s.state == state]
                              for state in ("late", "missing", "rejected"))
    click.echo(f"Tính đến ngày {_vn(result.as_of)}"
               + (f"; hạn nộp báo cáo {_vn(result.report_deadline)}." if result.report_deadline else "."))
    click.echo(f"Đơn vị: {len(submitted)}/{len(result.submissions)} đã nộp, {len(late)} nộp muộn"
               + (f" ({', '.join(late)})" if late else "")
               + f", {len(missing)} chưa nộp" + (f" ({', '.join(missing)})" if missing else "")
               + (f", {len(refused)} có tệp bị loại ({', '.join(refused)})" if refused else "") + ".")
    counts = {kind: sum(1 for f in result.files if f.outcome == kind)
              for kind in ("accepted", "rejected", "superseded", "skipped")}
    click.echo(f"Tệp: {counts['accepted']} được dùng, {counts['rejected']} bị loại, "
               f"{counts['superseded']} bị thay thế bằng bản mới hơn, {counts['skipped']} bỏ qua.")
    for outcome in result.files:
        if outcome.outcome == "rejected":
            click.echo(f"  Bị loại: {outcome.file}: {outcome.reason}")
    for outcome in result.files:
        if outcome.outcome == "superseded":
            click.echo(f"  Bị thay thế: {outcome.file}: {outcome.reason}")
    errors = sum(1 for p in result.problems if p.severity == "error")
    if result.problems:
        click.echo(f"Lỗi trong ô: {errors} lỗi, {len(result.problems) - errors} cảnh báo "
                   f'(xem sheet "Lỗi").')
    click.echo(f"Đã ghi: {master}")


@cli.command("unit-reports")
@click.argument("plan_file", metavar="KẾ_HOẠCH", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Thư mục ghi các mẫu báo cáo.")
@click.option("--year", type=int, help="Năm kế hoạch (mặc định: sheet Cấu hình, rồi tiêu đề).")
def unit_reports(plan_file: Path, out_dir: Path, year: int | None) -> None:
    """Tạo sổ báo cáo cho từng đơn vị trong danh sách Đơn vị của kế hoạch KẾ_HOẠCH.

    Mã thoát: 0 đã ghi, 1 kế hoạch không có danh sách đơn vị, 2 không đọc được kế hoạch (hoặc
    tệp không phải sổ kế hoạch) hay không ghi được các mẫu.
    """
    from tdkt_xl.reports.template import template_paths, write_unit_reports

    plan = _load(plan_file, year, as_json=False)
    _refuse_what_is_not_a_plan(plan, plan_file)
    if not plan.units:
        click.echo(f'Lỗi: {plan_file}: kế hoạch không có sheet "Đơn vị" nên không biết gửi mẫu cho ai.',
                   err=True)
        sys.exit(EXIT_INVALID)
    with progress_on_stderr("Đang ghi mẫu báo cáo") as bar:
        written = write_unit_reports(plan, out_dir, progress=bar)
    click.echo(f"Đã ghi {len(written)} sổ báo cáo vào {out_dir}")
    kept = [path.name for _unit, path in template_paths(plan, out_dir) if path not in written]
    if kept:
        click.echo(f"Không ghi đè {len(kept)} tệp đã có nội dung (báo cáo đơn vị đã điền?): "
                   f"{', '.join(kept)}")


@cli.command()
@click.argument("inbox", metavar="HỘP_THƯ", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Sổ kế hoạch.")
@click.option("--out", "master", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Sổ tổng hợp sẽ ghi (bản cũ được giữ dạng .bak.xlsx).")
@click.option("--as-of", type=Day(),
              help="Ngày tính, dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: Cấu hình, rồi hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON.")
@click.option("--workers", type=int, default=2, show_default=True, help="Số tiến trình đọc tệp.")
@click.option("--timeout", type=float, default=60, show_default=True,
              help="Số giây tối đa để đọc một tệp.")
def consolidate(inbox: Path, plan_file: Path, master: Path, as_of: Any, as_json: bool,
                workers: int, timeout: float) -> None:
    """Tổng hợp mọi sổ báo cáo trong HỘP_THƯ (cả thư mục con) vào sổ tổng hợp.

    Mã thoát: 0 mọi tệp được dùng, 1 có tệp bị loại, 2 không đọc được sổ kế hoạch hoặc
    không ghi được sổ tổng hợp.
    """
    from tdkt_xl.consolidation.inbox import reading_ahead, run_consolidation

    with reading_ahead(inbox, workers=workers) as ahead:  # the reports are read while the plan loads
        plan = _load(plan_file, None, as_json=as_json)
        _refuse_what_is_not_a_plan(plan, plan_file)
        try:
            with progress_on_stderr("Đang đọc báo cáo", quiet=as_json) as bar:
                result = run_consolidation(plan, inbox, master, as_of=as_of.date() if as_of else None,
                                           workers=workers, timeout_s=timeout, progress=bar, ahead=ahead)
        except OSError as error:
            click.echo(f"Lỗi: không ghi được sổ tổng hợp {master}. {os_error_message(error)}", err=True)
            sys.exit(EXIT_UNREADABLE)
    if as_json:
        _dump(result.summary(str(master)))
    else:
        _print_consolidation(result, master)
    sys.exit(EXIT_INVALID if result.rejected else EXIT_OK)


@cli.command()
@click.argument("directory", metavar="THƯ_MỤC", type=click.Path(path_type=Path, file_okay=False),
                required=False)
def demo(directory: Path | None) -> None:
    """Chạy thử trọn quy trình trong THƯ_MỤC (mặc định ./tdkt_demo).

    Tạo kế hoạch mẫu, các sổ báo cáo đơn vị, điền như các đơn vị sẽ điền (phần lớn
    đúng hạn, vài đơn vị muộn, vài đơn vị chưa nộp, một tệp hỏng, một tệp có chữ
    giống công thức, một đơn vị gửi hai bản), rồi tổng hợp.
    """
    from tdkt_xl.demo.run import run_demo

    paths, result = run_demo(directory or Path("tdkt_demo"))
    click.echo(f"Kế hoạch: {paths.plan}")
    click.echo(f"Mẫu báo cáo: {paths.templates}")
    click.echo(f"Hộp thư (báo cáo các đơn vị gửi về): {paths.inbox}")
    _print_consolidation(result, paths.master)
    click.echo(f"Dự thảo báo cáo tổng kết: {paths.draft_report}")
    click.echo(f"Công văn đôn đốc: {paths.reminder_letter}")
    click.echo(f"Tập hợp ý kiến các đơn vị theo đề cương: {paths.opinions}")


cli.add_command(draft_report)  # (tdkt_xl/cli_documents.py)
cli.add_command(don_doc)

# the nightly run's phases, as its summary line names them
_PHASES = {"plan": "đọc kế hoạch", "scan": "quét hộp thư", "parse": "đọc báo cáo", "ledger": "ghi sổ cái",
           "consolidate": "tổng hợp", "write": "ghi sổ tổng hợp"}


def _print_nightly(summary: Any) -> None:
    counts = summary.counts()
    if summary.message:
        click.echo(("Lỗi: " if summary.exit_code == 2 else "") + summary.message)
    if summary.exit_code in (2, 3):  # failed, or another run holds the lock: nothing else to say
        return
    if summary.took_over_lock:
        click.echo(f"Đã tiếp quản khoá cũ của {summary.took_over_lock} (tiến trình đó không còn chạy).")
    click.echo(f"Lần chạy {summary.run}: {counts['new']} tệp mới, {counts['changed']} thay đổi, "
               f"{counts['unchanged']} không đổi, {counts['rejected']} bị loại, "
               f"{counts['superseded']} bị thay thế, {counts['deferred']} đang ghi dở (chờ lần sau), "
               f"{counts['gone']} không còn trong hộp thư, {counts['skipped']} bỏ qua.")
    for name in summary.files["rejected"]:
        click.echo(f"  Bị loại: {name}")
    units = summary.units
    if units:
        click.echo(f"Đơn vị: {units['submitted']}/{units['expected']} đã nộp, {len(units['late'])} nộp muộn, "
                   f"{len(units['missing'])} chưa nộp, {len(units.get('rejected', []))} có tệp bị loại.")
    phases = ", ".join(f"{_PHASES.get(k, k)} {v:.2f} giây" for k, v in summary.phases.items())
    click.echo(f"Thời gian: {phases}.")
    click.echo(f"Đã ghi: {summary.master}")


@cli.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Tệp TOML chứa các thiết lập dưới đây (khoá cùng tên).")
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False), help="Sổ kế hoạch.")
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), help="Thư mục hộp thư.")
@click.option("--out", metavar="TỆP", type=click.Path(path_type=Path),  # (a folder: the run says so)
              help="Sổ tổng hợp.")
@click.option("--state", type=click.Path(path_type=Path, dir_okay=False),
              help="Sổ cái SQLite (mặc định: <tên sổ tổng hợp>.tdkt.sqlite cạnh sổ tổng hợp).")
@click.option("--quarantine", type=click.Path(path_type=Path, file_okay=False),
              help="Thư mục chép các tệp bị loại (kèm tệp ghi lý do).")
@click.option("--fresh-seconds", type=float, help="Tệp sửa trong ngần ấy giây chờ lần sau (60).")
@click.option("--workers", type=int, help="Số tiến trình đọc tệp (2).")
@click.option("--timeout", type=float, help="Số giây tối đa để đọc một tệp (60).")
@click.option("--scheduler", metavar="ĐỊA_CHỈ", help="Địa chỉ Dask scheduler, ví dụ tcp://10.0.0.5:8786.")
@click.option("--as-of", type=Day(), help="Ngày tính, dd/mm/yyyy hoặc yyyy-mm-dd.")
@click.option("--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON.")
def nightly(config_file: Path | None, plan_file: Path | None, inbox: Path | None, out: Path | None,
            state: Path | None, quarantine: Path | None, fresh_seconds: float | None, workers: int | None,
            timeout: float | None, scheduler: str | None, as_of: Any, as_json: bool) -> None:
    """Tổng hợp hằng đêm: chỉ đọc tệp mới hoặc đã đổi, ghi sổ cái, dựng lại sổ tổng hợp.

    Mã thoát: 0 xong, 1 xong nhưng có tệp mới bị loại, 2 lỗi cần người xử lý (thiếu sổ
    kế hoạch hoặc hộp thư, sổ cái hỏng, thiết lập sai, không ghi được sổ tổng hợp), 3 đang
    có một lần chạy khác, 4 xong nhưng sổ tổng hợp đang mở nơi khác nên bản mới ghi vào
    <tên>.moi.xlsx.
    """
    from tdkt_xl.nightly.run import run_nightly
    from tdkt_xl.nightly.settings import NightlySettings

    given = {"plan": plan_file, "inbox": inbox, "out": out, "state": state, "quarantine": quarantine,
             "fresh_seconds": fresh_seconds, "workers": workers, "timeout": timeout,
             "scheduler": scheduler, "as_of": as_of.date() if as_of else None}
    try:
        if config_file is not None:
            settings = NightlySettings.from_toml(config_file, **given)
        else:
            missing = [f"--{k}" for k in ("plan", "inbox", "out") if given[k] is None]
            if missing:
                raise click.UsageError(f"Thiếu {', '.join(missing)} (hoặc dùng --config).")
            settings = NightlySettings(**{k: v for k, v in given.items() if v is not None})  # type: ignore[arg-type]
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    with progress_on_stderr("Đang đọc báo cáo", quiet=as_json) as bar:
        settings.progress = bar
        summary = run_nightly(settings)
    if as_json:
        _dump(summary.as_json())
    else:
        _print_nightly(summary)
    sys.exit(summary.exit_code)


@cli.command()
@click.argument("unit", metavar="MÃ_ĐƠN_VỊ")
@click.option("--state", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True,
              help="Sổ cái SQLite của lần tổng hợp hằng đêm.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
def history(unit: str, state: Path, as_json: bool) -> None:
    """Các lần đơn vị có mã MÃ_ĐƠN_VỊ gửi báo cáo, cũ trước mới sau."""
    import sqlite3
    from datetime import datetime as _dt

    from tdkt_xl.nightly.ledger import Ledger

    with state.open("rb") as handle:  # (the ledger would make any other file a new ledger)
        is_sqlite = handle.read(16) == b"SQLite format 3\0"
    try:
        if not is_sqlite:
            raise sqlite3.DatabaseError(state)
        with Ledger(state) as ledger:
            versions = ledger.history(unit)
            now_at = {v.path: v for v, _present in ledger.current().values()}
    except sqlite3.Error:
        click.echo(f"Lỗi: sổ cái {state} không đọc được: tệp không phải sổ cái SQLite của lần tổng hợp "
                   "hằng đêm, hoặc đã hỏng.", err=True)
        sys.exit(EXIT_UNREADABLE)
    def label(version: Any) -> str:
        if version.outcome == "rejected":
            return "bị loại"
        current = now_at.get(version.path)
        if current is not None and current.id == version.id:  # as the last run's master has it
            return "bị thay thế" if version.superseded_by else "đang được dùng"
        if current is not None and current.sha256 == version.sha256:
            return "bản đọc theo kế hoạch trước"  # the same file, checked again against a changed plan
        return "bản cũ (tệp đã đổi)"

    rows = [{"first_seen": _dt.fromtimestamp(v.first_seen).isoformat(timespec="seconds"),
             "last_seen": _dt.fromtimestamp(v.last_seen).isoformat(timespec="seconds"),
             "file": v.path, "sha256": v.sha256[:12], "report_date": v.report_date,
             "plan_id": v.plan_id, "template_version": v.template_version, "superseded_by": v.superseded_by,
             "outcome": v.outcome, "state": label(v), "reason": v.reason} for v in versions]
    if as_json:
        _dump({"unit": unit, "submissions": rows})
        return
    if not rows:
        click.echo(f"Chưa có báo cáo nào của đơn vị {unit} trong sổ cái {state}.")
        return
    click.echo(f"Các lần gửi báo cáo của đơn vị {unit}:")
    for version, row in zip(versions, rows, strict=True):
        made = f", ngày lập {shown_day(row['report_date'])}" if row["report_date"] else ""
        click.echo(f"  {shown_time(version.first_seen)}  {row['file']} ({row['sha256']}){made}: "
                   f"{row['state']}")


@cli.command()
@click.argument("out", metavar="TỆP", type=click.Path(path_type=Path, dir_okay=False), required=False)
def sample(out: Path | None) -> None:
    """Tạo sổ kế hoạch mẫu (từ hai kế hoạch thật) tại TỆP.

    TỆP mặc định: workbooks/ke_hoach_mau.xlsx của thư mục mã nguồn; khi cài bằng pip,
    ke_hoach_mau.xlsx ở thư mục hiện tại.
    """
    from tdkt_xl.demo.sample_plan import build_sample_plan, default_output

    written = build_sample_plan(out or default_output())
    click.echo(f"Đã ghi sổ mẫu: {written}")


cli.add_command(addin)  # (tdkt_xl/cli_addin.py)

# A command is one short process whose objects are seldom cycles: the collector need not look at
# what was imported, nor run every 700 new objects (a twentieth of the time of a nightly run that
# changed little, where tens of thousands of small objects are made). Fifty thousand saved more
# but let a full run's processes grow by 50 MB.
_COLLECT_AFTER = 10_000


def main() -> None:
    """Entry point of the ``tdkt-xl`` console script."""
    utf8_streams()
    gc.freeze()
    gc.set_threshold(_COLLECT_AFTER, 20, 20)
    try:
        cli(prog_name="tdkt-xl")
    finally:
        # What is left lives until the process ends: spare it the collector's passes at exit (a
        # tenth of a second after a nightly run of ten thousand reports)
        gc.freeze()
