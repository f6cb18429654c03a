"""The ``tdkt-xl addin`` commands (added to the group by :mod:`tdkt_xl.cli`): building the Excel
add-in without Excel, installing and uninstalling it for a Windows user, and the Windows offline
bundle. Light at import: the builder and the installer are imported when a command runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tdkt_xl.cli_output import CommandGroup

EXIT_INVALID, EXIT_UNREADABLE = 1, 2  # as tdkt_xl.cli's


@click.group(cls=CommandGroup)
def addin() -> None:
    """Add-in Excel "TĐKT": dựng tệp tdkt_xl.xlam từ macros/ và cài cho người dùng Windows."""


@addin.command("build")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("tdkt_xl.xlam"),
              show_default=True, help="Tệp add-in sẽ ghi.")
@click.option("--macros", "macros_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Thư mục mã VBA (.bas) và customUI.xml (mặc định: macros/ của bộ cài).")
def addin_build(out: Path, macros_dir: Path | None) -> None:
    """Dựng add-in từ mã nguồn VBA và ribbon, không cần Excel.

    Mã thoát: 0 đã ghi, 1 mã nguồn có lỗi hoặc không ghi được tệp.
    """
    from tdkt_xl.excel.addin.errors import AddinError
    from tdkt_xl.excel.addin.package import build_addin

    try:
        written = build_addin(out, macros_dir)
    except AddinError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"Đã ghi add-in: {written}")


@addin.command("install")
@click.option("--xlam", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Add-in đã dựng sẵn (mặc định: dựng mới từ macros/).")
@click.option("--macros", "macros_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Thư mục mã VBA và customUI.xml khi dựng mới.")
@click.option("--xlstart", is_flag=True,
              help="Chép vào thư mục XLSTART (Excel tự mở khi khởi động) thay vì AddIns và đăng ký.")
@click.option("--no-register", is_flag=True, help="Không ghi khoá OPEN của Excel trong registry.")
@click.option("--dry-run", is_flag=True, help="Chỉ in những gì sẽ làm, không ghi gì.")
@click.option("--udf-server/--no-udf-server", default=None,
              help="Chạy các nút trong một Python mở sẵn (máy chủ UDF của xlwings): từ lần bấm thứ hai "
                   "không phải chờ Python khởi động (mặc định: giữ như tệp cấu hình đang ghi).")
def addin_install(xlam: Path | None, macros_dir: Path | None, xlstart: bool, no_register: bool,
                  dry_run: bool, udf_server: bool | None) -> None:
    """Cài add-in cho người dùng Windows hiện tại: chép tệp, ghi cấu hình xlwings, đăng ký với Excel.

    Hãy đóng Excel trước khi cài; mở lại Excel sẽ thấy thẻ TĐKT trên ribbon.

    Mã thoát: 0 xong, 2 không cài được (ví dụ không phải Windows).
    """
    from tdkt_xl.excel.addin.errors import AddinError
    from tdkt_xl.excel.addin.install import install_addin

    try:
        report = install_addin(xlam, macros_dir=macros_dir, xlstart=xlstart, register=not no_register,
                               dry_run=dry_run, udf_server=udf_server)
    except AddinError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    for line in report.lines():
        click.echo(line)


@addin.command("uninstall")
@click.option("--dry-run", is_flag=True, help="Chỉ in những gì sẽ làm, không xoá gì.")
def addin_uninstall(dry_run: bool) -> None:
    """Gỡ add-in cho người dùng Windows hiện tại: xoá tệp add-in, bỏ đăng ký với Excel, xoá cấu hình.

    Hãy đóng Excel trước khi gỡ. Mã thoát: 0 xong, 2 không gỡ được.
    """
    from tdkt_xl.excel.addin.errors import AddinError
    from tdkt_xl.excel.addin.install import uninstall_addin

    try:
        lines = uninstall_addin(dry_run=dry_run)
    except AddinError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    for line in lines:
        click.echo(line)


@addin.command("bundle")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="Thư mục sẽ ghi tệp tdkt_xl-<phiên bản>-windows.zip.")
@click.option("--source", "source_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Thư mục mã nguồn tdkt_xl (có pyproject.toml; mặc định: thư mục mã nguồn đang chạy).")
@click.option("--guide", "guide_pdf", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Tệp PDF hướng dẫn đã dựng sẵn (mặc định: dựng từ docs/huong-dan.md bằng LibreOffice).")
def addin_bundle(out_dir: Path, source_dir: Path | None, guide_pdf: Path | None) -> None:
    """Đóng gói bộ cài Windows không cần Internet: mọi gói wheel cho Windows 64-bit và Python
    3.11, 3.12, 3.13, CAI_DAT.bat, GO_CAI_DAT.bat và hướng dẫn.

    Cần Internet (pip tải các gói từ PyPI) trên máy đóng gói, không cần trên máy cài.
    Mã thoát: 0 đã ghi, 2 không đóng gói được.
    """
    from tdkt_xl.excel.addin.bundle import build_bundle
    from tdkt_xl.excel.addin.errors import AddinError

    try:
        written = build_bundle(out_dir, source_dir=source_dir, guide_pdf=guide_pdf, say=click.echo)
    except AddinError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"Đã ghi bộ cài: {written}")
