"""The Windows offline bundle ``tdkt_xl-<version>-windows.zip``: every wheel tdkt_xl needs on
64-bit Windows for CPython 3.11, 3.12 and 3.13 (``pip download --only-binary=:all:`` for each
target, plus tdkt_xl's own wheel built from the source), ``CAI_DAT.bat`` and ``GO_CAI_DAT.bat``
(package data in ``windows/``, written with CRLF line ends, UTF-8 without BOM, ``chcp 65001``
first) and the staff guide (HTML, and PDF printed by LibreOffice).

pip evaluates the environment markers of requirements (``pywin32; platform_system ==
"Windows"`` of xlwings, ``colorama`` of click) on the machine it runs on, whatever
``--platform`` says: run on Linux, it would leave out every Windows-only dependency. So pip is run
with the markers' environment of the target (:func:`windows_environment`), patched into its
vendored ``packaging`` (:data:`_WINDOWS_PIP`).

Building needs the internet (PyPI); installing from the bundle does not: ``CAI_DAT.bat`` makes a
venv under ``%LOCALAPPDATA%\\tdkt_xl`` with the Python from python.org already on the machine
and installs with ``pip --no-index --find-links wheels``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from tdkt_xl.atomic import atomic_path
from tdkt_xl.excel.addin.errors import AddinError
from tdkt_xl.excel.addin.guide import find_soffice, guide_html, html_to_pdf
from tdkt_xl.plans.text import os_error_reason

#: The CPython versions a bundle carries wheels for, and its platform.
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
PLATFORM = "win_amd64"
#: The batch files (package data ``tdkt_xl/excel/addin/windows/``) and the guide's names in the bundle.
BATCH_FILES = ("CAI_DAT.bat", "GO_CAI_DAT.bat")
GUIDE_SOURCE = Path("docs") / "huong-dan.md"
GUIDE_NAME = "HUONG_DAN"
WHEELS = "wheels"
#: What of the source tree a wheel is built from (copied first: pip builds in the tree it is given).
_SOURCE_PARTS = ("pyproject.toml", "README.md", "tdkt_xl")
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
_VERSION_MARK = "@VERSION@"
#: pip with the marker environment of the target Windows: ``default_environment`` of its vendored
#: packaging, which every marker evaluation starts from, gets the target's values.
_WINDOWS_PIP = """\
import sys
from pip._vendor.packaging import markers
_host = markers.default_environment
def _target():
    found = _host()
    found.update({environment!r})
    return found
markers.default_environment = _target
from pip._internal.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def windows_environment(python_version: str) -> dict[str, str]:
    """The environment markers of CPython ``python_version`` on 64-bit Windows 10 or later.

    >>> windows_environment("3.12")["platform_system"], windows_environment("3.12")["python_full_version"]
    ('Windows', '3.12.0')
    """
    return {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
            "platform_machine": "AMD64", "platform_release": "10", "platform_version": "10.0.19045",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "python_version": python_version, "python_full_version": f"{python_version}.0",
            "implementation_version": f"{python_version}.0"}


def bundle_name(version: str) -> str:
    """The bundle's file name.

    >>> bundle_name("0.1.0")
    'tdkt_xl-0.1.0-windows.zip'
    """
    return f"tdkt_xl-{version}-windows.zip"


def find_source_dir(given: Path | None = None) -> Path:
    """The source tree (the folder with tdkt_xl's ``pyproject.toml``): ``given``, else the checkout
    this module runs from."""
    folder = given if given is not None else Path(__file__).resolve().parents[3]
    project = folder / "pyproject.toml"
    try:
        name = tomllib.loads(project.read_text(encoding="utf-8"))["project"]["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        name = None
    if name != "tdkt_xl":
        raise AddinError(f"{folder} không phải thư mục mã nguồn tdkt_xl (không có pyproject.toml của "
                         "tdkt_xl); hãy chỉ rõ bằng --source THƯ_MỤC.")
    return folder


def project_version(source_dir: Path) -> str:
    """The version in ``pyproject.toml``."""
    project = tomllib.loads((source_dir / "pyproject.toml").read_text(encoding="utf-8"))
    return str(project["project"]["version"])


def batch_text(name: str, version: str) -> bytes:
    """The batch file ``name`` as the bundle holds it: UTF-8 without BOM, CRLF line ends.

    >>> text = batch_text("CAI_DAT.bat", "9.9")
    >>> text.startswith(b"@echo off\\r\\nchcp 65001"), b"\\n" in text.replace(b"\\r\\n", b"")
    (True, False)
    """
    packaged = resources.files("tdkt_xl.excel.addin").joinpath("windows").joinpath(name)
    source = packaged.read_text(encoding="utf-8")
    lines = source.replace("\r\n", "\n").replace(_VERSION_MARK, version).split("\n")
    return "\r\n".join(lines).encode("utf-8")


def _pip(arguments: Sequence[str], step: str, target: str | None = None) -> None:
    """Run pip with ``arguments``; with ``target`` (a Python version), as on 64-bit Windows."""
    start = ["-c", _WINDOWS_PIP.format(environment=windows_environment(target))] if target else ["-m", "pip"]
    command = [sys.executable, *start, "--disable-pip-version-check", *arguments]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    except (OSError, subprocess.SubprocessError) as error:
        raise AddinError(f"{step}: không chạy được pip ({error}).") from error
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise AddinError(f"{step}: pip báo lỗi (mã {done.returncode}); máy đóng gói cần Internet tới "
                         f"PyPI.\n{tail}")


def build_project_wheel(source_dir: Path, wheels: Path) -> Path:
    """tdkt_xl's own wheel, built from a copy of ``source_dir`` into ``wheels``."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "tdkt_xl-src"
        copy.mkdir()
        for part in _SOURCE_PARTS:
            origin = source_dir / part
            if origin.is_dir():
                shutil.copytree(origin, copy / part, ignore=_SKIPPED)
            elif origin.is_file():
                shutil.copy2(origin, copy / part)
        _pip(["wheel", "--no-deps", "--wheel-dir", str(wheels), str(copy)], "Dựng gói wheel của tdkt_xl")
    built = sorted(wheels.glob("tdkt_xl-*.whl"))
    if not built:
        raise AddinError("Dựng gói wheel của tdkt_xl: pip không tạo ra tệp .whl nào.")
    return built[-1]


def download_dependencies(project_wheel: Path, wheels: Path,
                          versions: Sequence[str] = PYTHON_VERSIONS) -> None:
    """Every wheel ``project_wheel`` needs on 64-bit Windows for each CPython of ``versions``."""
    for version in versions:
        _pip(["download", "--only-binary=:all:", "--platform", PLATFORM, "--python-version", version,
              "--implementation", "cp", "--dest", str(wheels), str(project_wheel)],
             f"Tải các gói cho Python {version} (Windows 64-bit)", target=version)


def _guide(source_dir: Path, folder: Path, guide_pdf: Path | None, say: Callable[[str], None]) -> list[Path]:
    """The guide's files for the bundle: its HTML page, and its PDF (given, or printed now)."""
    markdown = source_dir / GUIDE_SOURCE
    if not markdown.is_file():
        raise AddinError(f"Không có hướng dẫn {markdown}.")
    page = guide_html(markdown, folder / f"{GUIDE_NAME}.html")
    pdf = folder / f"{GUIDE_NAME}.pdf"
    if guide_pdf is not None:
        shutil.copyfile(guide_pdf, pdf)
        return [page, pdf]
    soffice = find_soffice()
    if soffice is None:
        say("Không có LibreOffice: bộ cài chỉ có hướng dẫn dạng HTML (mở bằng trình duyệt).")
        return [page]
    return [page, html_to_pdf(page, pdf, soffice)]


def build_bundle(out_dir: Path, *, source_dir: Path | None = None, guide_pdf: Path | None = None,
                 versions: Sequence[str] = PYTHON_VERSIONS,
                 say: Callable[[str], None] = lambda _text: None) -> Path:
    """Build ``tdkt_xl-<version>-windows.zip`` in ``out_dir`` (written atomically) and return it.

    The zip holds one folder named like it: ``wheels/``, the batch files and the guide.
    """
    source_dir = find_source_dir(source_dir)
    version = project_version(source_dir)
    target = out_dir / bundle_name(version)
    top = target.stem
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wheels = folder / WHEELS
        wheels.mkdir()
        say(f"Dựng gói wheel của tdkt_xl {version} …")
        project_wheel = build_project_wheel(source_dir, wheels)
        say(f"Tải các gói cho Windows 64-bit, Python {', '.join(versions)} …")
        download_dependencies(project_wheel, wheels, versions)
        guide = _guide(source_dir, folder, guide_pdf, say)
        files = [(f"{top}/{name}", batch_text(name, version)) for name in BATCH_FILES]
        files += [(f"{top}/{path.name}", path.read_bytes()) for path in guide]
        files += [(f"{top}/{WHEELS}/{path.name}", path.read_bytes()) for path in sorted(wheels.glob("*.whl"))]
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            with atomic_path(target) as temporary, zipfile.ZipFile(temporary, "w") as archive:
                for name, data in files:
                    kind = zipfile.ZIP_STORED if name.endswith(".whl") else zipfile.ZIP_DEFLATED
                    archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                                     compress_type=kind)
        except OSError as error:
            raise AddinError(f"Không ghi được {target}: {os_error_reason(error)}.") from error
    return target
