"""The Windows offline bundle (``tdkt-xl addin bundle``): built once per content (pip downloads
from PyPI, so the tests that need it are ``slow``), then checked here on Linux: pip resolves the
whole set offline for each target Python, an independent walk of the wheels' metadata finds every
requirement with Windows' environment markers, the batch files are CRLF UTF-8 that cmd.exe reads
after ``chcp 65001``, the project's wheel finds its VBA source from any install, and the guide is
there as HTML and PDF.

What only Windows can show (cmd.exe running the batch files, the venv, Excel loading the add-in)
is listed in docs/huong-dan.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from paper_pdf import pdf_info, pdf_text

from tdkt_xl.excel.addin.bundle import (
    _WINDOWS_PIP,
    BATCH_FILES,
    PYTHON_VERSIONS,
    batch_text,
    build_bundle,
    bundle_name,
    project_version,
    windows_environment,
)
from tdkt_xl.excel.addin.guide import find_soffice

ROOT = Path(__file__).resolve().parent.parent
VERSION = project_version(ROOT)
TOP = Path(bundle_name(VERSION)).stem


def _inputs_digest() -> str:
    """A digest of everything the bundle is made from (a changed input builds it anew)."""
    digest = hashlib.sha256()
    files = [ROOT / "pyproject.toml", ROOT / "README.md", *sorted((ROOT / "docs").rglob("*")),
             *sorted((ROOT / "tdkt_xl").rglob("*"))]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The bundle, unpacked: built once per session, and kept by the digest of its inputs in a
    cache folder so that a second session with the same sources reuses it."""
    cache = Path(tempfile.gettempdir()) / "tdkt_xl-bundle-cache" / _inputs_digest()
    unpacked = cache / "unpacked"
    if not (unpacked / TOP / "CAI_DAT.bat").is_file():
        for stale in cache.parent.glob("*") if cache.parent.is_dir() else ():
            if stale != cache:
                shutil.rmtree(stale, ignore_errors=True)  # bundles of older sources (~200 MB each)
        cache.mkdir(parents=True, exist_ok=True)
        zipped = build_bundle(cache, source_dir=ROOT)  # (written atomically)
        staging = Path(tempfile.mkdtemp(dir=cache))  # unpacked aside, then renamed: another
        with zipfile.ZipFile(zipped) as archive:  # process may be doing the same
            archive.extractall(staging)
        try:
            staging.rename(unpacked)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return unpacked / TOP


def _wheels(bundle: Path) -> list[Path]:
    return sorted((bundle / "wheels").glob("*.whl"))


@pytest.mark.slow
def test_bundle_holds_the_batch_files_the_guide_and_the_wheels(bundle: Path) -> None:
    zipped = bundle.parent.parent / bundle_name(VERSION)
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
    assert all(name.startswith(f"{TOP}/") for name in names)  # one folder when unpacked
    expected = {"CAI_DAT.bat", "GO_CAI_DAT.bat", "HUONG_DAN.html"}
    expected |= {"HUONG_DAN.pdf"} if find_soffice() else set()
    assert expected <= {p.name for p in bundle.iterdir()}
    names = {parse_wheel_filename(p.name)[0] for p in _wheels(bundle)}
    assert {"tdkt-xl", "xlwings", "pywin32", "openpyxl", "pandas", "numpy", "pydantic-core"} <= names


def _target_tags(version: str) -> set[Tag]:
    python = tuple(int(part) for part in version.split("."))
    return {*cpython_tags(python, platforms=["win_amd64"]),
            *compatible_tags(python, interpreter=f"cp{python[0]}{python[1]}", platforms=["win_amd64"])}


def _metadata(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode("utf-8")).get_all("Requires-Dist") or []


@pytest.mark.slow
@pytest.mark.parametrize("version", PYTHON_VERSIONS)
def test_every_requirement_has_a_wheel_for_windows(bundle: Path, version: str) -> None:
    """Independent of pip: from tdkt_xl's wheel, every requirement whose marker holds on 64-bit
    Windows with this Python has a wheel of a matching version and tags in the bundle."""
    tags, environment = _target_tags(version), windows_environment(version)
    available: dict[str, list[tuple[str, Path]]] = {}
    for wheel in _wheels(bundle):
        name, found, _, wheel_tags = parse_wheel_filename(wheel.name)
        if wheel_tags & tags:
            available.setdefault(name, []).append((str(found), wheel))
    todo, seen = [Requirement("tdkt_xl")], set()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        matches = [w for v, w in available.get(name, [])
                   if requirement.specifier.contains(v, prereleases=True)]
        assert matches, f"Python {version}: no wheel for {requirement} in the bundle"
        for line in _metadata(matches[-1]):
            needed = Requirement(line)
            if needed.marker is None or needed.marker.evaluate({**environment, "extra": ""}):
                todo.append(needed)
    assert {"pywin32", "xlwings", "tdkt-xl"} <= seen  # the Windows-only dependency was walked to


@pytest.mark.slow
@pytest.mark.parametrize("version", PYTHON_VERSIONS)
def test_pip_resolves_the_whole_set_offline(bundle: Path, version: str, tmp_path: Path) -> None:
    """What CAI_DAT.bat runs, as pip on this machine can: --no-index from the wheels folder, for
    win_amd64 and this Python, with Windows' environment markers (pip's own are this machine's)."""
    arguments = ["install", "--dry-run", "--no-index", "--find-links", str(bundle / "wheels"),
                 "--platform", "win_amd64", "--python-version", version, "--implementation", "cp",
                 "--only-binary=:all:", "--target", str(tmp_path / "x"), "--disable-pip-version-check",
                 "tdkt_xl"]
    for start in (["-m", "pip"], ["-c", _WINDOWS_PIP.format(environment=windows_environment(version))]):
        done = subprocess.run([sys.executable, *start, *arguments], capture_output=True, text=True,
                              timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert re.search(rf"Would install .*\btdkt_xl-{re.escape(VERSION)}\b", done.stdout), done.stdout
    assert "pywin32-" in done.stdout and "xlwings-" in done.stdout  # the Windows resolution


@pytest.mark.slow
def test_the_project_wheel_finds_its_vba_source_wherever_installed(bundle: Path, tmp_path: Path) -> None:
    """A per-user or --target install puts tdkt_xl outside sys.prefix: the VBA source is package
    data, found by importlib.resources next to the code."""
    wheel = next(p for p in _wheels(bundle) if p.name.startswith("tdkt_xl-"))
    target = tmp_path / "người dùng" / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--disable-pip-version-check", "--target", str(target), str(wheel)],
                   check=True, timeout=300)
    probe = ("from tdkt_xl.excel.addin.source import find_source; s = find_source(); "
             "print(s.folder); print(*sorted(m.name for m in s.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)})
    folder, modules = done.stdout.strip().splitlines()
    assert Path(folder) == target / "tdkt_xl" / "excel" / "addin" / "macros"
    assert modules == "TDKT xlwings"


@pytest.mark.slow
def test_the_bundle_batch_files_are_the_packaged_ones(bundle: Path) -> None:
    for name in BATCH_FILES:
        assert (bundle / name).read_bytes() == batch_text(name, VERSION)


@pytest.mark.slow
def test_the_guide_pdf_has_the_guide_and_its_pictures(bundle: Path) -> None:
    pdf = bundle / "HUONG_DAN.pdf"
    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    text = pdf_text(pdf)
    headings = ("Cài đặt từ bộ cài", "Gỡ cài đặt", "Khi có trục trặc",
                "chỉ Excel trên Windows mới xác nhận được")
    for heading in headings:
        assert heading in text, heading
    pictures = pdf_info(pdf).images
    guide = (ROOT / "docs" / "huong-dan.md").read_text("utf-8")
    referenced = set(re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", guide))
    assert pictures >= len({p for p in referenced if (ROOT / "docs" / p).is_file()}) > 0


# --- the batch files, as packaged (fast) -----------------------------------------------------


@pytest.mark.parametrize("name", BATCH_FILES)
def test_batch_files_are_crlf_utf8_that_cmd_reads_after_chcp(name: str) -> None:
    raw = batch_text(name, VERSION)
    assert not raw.startswith(b"\xef\xbb\xbf")  # a BOM would make "@echo off" an unknown command
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    lines = raw.decode("utf-8").split("\r\n")  # strict: the file is UTF-8
    assert lines[:2] == ["@echo off", "chcp 65001 >nul"]  # read in the OEM code page: ASCII only
    assert "@VERSION@" not in raw.decode("utf-8") and VERSION in lines[2]
    assert any(not line.isascii() for line in lines)  # the Vietnamese is there, after chcp
    labels = {line[1:].strip().lower() for line in lines if line.startswith(":")}
    gotos = {target.lower() for target in re.findall(r"\bgoto :(\w+)", "\n".join(lines), re.I)}
    assert gotos <= labels, gotos - labels
    checks = "\n".join(lines)
    assert 'tasklist /FI "IMAGENAME eq EXCEL.EXE"' in checks and "goto :excel_running" in checks
    for line in lines:
        # every ( … ) block closes on its own line, and holds no echo: cmd.exe ends a block at the
        # first ")" outside quotes, so a message with parentheses inside one would cut it short
        unquoted = re.sub(r'"[^"]*"', "", line)
        assert unquoted.count("(") == unquoted.count(")"), line
        if re.match(r"\s*(if|for)\b.*\(", unquoted, re.I):
            assert not re.search(r"\becho\b", unquoted, re.I), line
        if re.match(r"\s*echo\b", unquoted, re.I):  # a message is no command: no & | < > ^ in it
            assert not re.search(r"[&|<>^]", unquoted), line


def test_cai_dat_installs_offline_into_localappdata_and_then_the_addin() -> None:
    text = batch_text("CAI_DAT.bat", VERSION).decode("utf-8")
    assert 'set "HOME_DIR=%LOCALAPPDATA%\\tdkt_xl"' in text
    assert '-m pip install --no-index --find-links "%~dp0wheels"' in text
    assert '"%VENV%\\Scripts\\python.exe" -m tdkt_xl addin install' in text
    steps = re.findall(r"^echo \[(\d)/5\] (.+)$", text, re.M)
    assert [number for number, _ in steps] == list("12345")
    assert all(not words.isascii() for _, words in steps)  # each step said in Vietnamese
    uninstall = batch_text("GO_CAI_DAT.bat", VERSION).decode("utf-8")
    assert "-m tdkt_xl addin uninstall" in uninstall and 'rmdir /s /q "%VENV%"' in uninstall
