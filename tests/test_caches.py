"""The nightly run's caches are data, never code (issue 15): no pickle anywhere in tdkt_xl, a
checked header on every cache file, a kept deflated piece reused only when its CRC is that of the
rows it stands for, and a hostile, damaged or foreign file where a cache lives ignored and made
again."""

from __future__ import annotations

import ast
import hashlib
import os
import pickle
import random
import shutil
import stat
import struct
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from test_nightly import _change_one, _consolidated_now, master_values

import tdkt_xl
from tdkt_xl.consolidation import cache_files
from tdkt_xl.consolidation.master_cells import Block, CellWriter, RowFormat, SheetRows
from tdkt_xl.errors import InvalidValue
from tdkt_xl.nightly.run import run_nightly
from tdkt_xl.nightly.settings import NightlySettings

PACKAGE = Path(tdkt_xl.__file__).parent
CODE_RUNNING_MODULES = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
CODE_RUNNING_CALLS = {"eval", "exec", "__import__"}


# --- no code-running deserialisation in the package -------------------------------------------------


def _offences(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] in CODE_RUNNING_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in CODE_RUNNING_MODULES:
            found.append(node.module or "")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in CODE_RUNNING_CALLS:
            found.append(f"{node.func.id}()")
    return found


def test_the_checker_finds_what_it_looks_for() -> None:
    code = "import pickle\nfrom marshal import loads\nimport shelve as s\nx = eval('1')\n"
    assert _offences(ast.parse(code)) == ["pickle", "marshal", "shelve", "eval()"]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_imports_pickle_marshal_shelve_or_calls_eval(path: Path) -> None:
    assert _offences(ast.parse(path.read_bytes(), filename=str(path))) == []


# --- the checked-header files and the codec ---------------------------------------------------------


def test_the_package_digest_covers_every_python_file_of_the_package(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Any .py file of the package changed (not only the three that make the master) changes the
    digest caches are kept under."""
    copy = tmp_path / "tdkt_xl"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    fake = copy / "consolidation" / "cache_files.py"

    def digest_of(root: Path) -> str:
        monkeypatch.setattr(cache_files, "__file__", str(root / "consolidation" / "cache_files.py"))
        cache_files.package_digest.cache_clear()
        try:
            return cache_files.package_digest()
        finally:
            cache_files.package_digest.cache_clear()

    first = digest_of(copy)
    assert fake.exists() and digest_of(copy) == first
    far = copy / "plans" / "text.py"  # a module far from the caches
    far.write_bytes(far.read_bytes() + b"\n# ")
    assert digest_of(copy) != first
    far.write_bytes(far.read_bytes()[:-3])
    assert digest_of(copy) == first
    (copy / "plans" / "new_module.py").write_text("x = 1\n")
    assert digest_of(copy) != first


VALUES: list[Any] = [
    None, True, 0, -(2**70), 1.5, "ệ", "", b"", b"\x00\xff" * 3, [1, [2]], (1, (2, "a")),
    {"a": {1: (date(2024, 7, 1), datetime(2024, 7, 1, 8, 30, tzinfo=UTC))}},
    {(date.min, datetime.min, False, "f"): [b"x"]}, {1, 2},
    ["Hòa", unicodedata.normalize("NFD", "Hòa"), "Hoa"],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_codec_gives_back_what_it_was_given(value: Any) -> None:
    back = cache_files.decode(b"".join(cache_files.encode(value, {})), {})
    assert back == value and type(back) is type(value)


def test_the_codec_makes_only_the_classes_it_is_given() -> None:
    block = Block.build([("A", b"<a/>"), ("B", b"<b/>")], RowFormat(4, b"<n>%d</n>"))
    payload = b"".join(cache_files.encode({"k": block}, {"Block": Block}))
    back = cache_files.decode(payload, {"Block": Block})["k"]
    assert back.data == block.data and back.keys == ["A", "B"] and back.cells(1) == b"<b/>"
    with pytest.raises(cache_files.CacheDamaged):
        cache_files.decode(payload, {})
    with pytest.raises(InvalidValue):
        cache_files.encode(object(), {})
    forged = b'{"o":"os.system","v":"touch x"}'
    with pytest.raises(cache_files.CacheDamaged):
        cache_files.decode(struct.pack("<QI", len(forged), 0) + forged, {"Block": Block})


def test_a_cache_file_is_read_back_only_whole_of_its_kind_and_key(tmp_path: Path) -> None:
    path = tmp_path / "c"
    key = cache_files.key_digest("thử", 1)
    payload = [b"abc", b"\x00" * 100]
    assert cache_files.write_file(path, b"TEST", key, payload)
    assert bytes(cache_files.read_file(path, b"TEST", key) or b"") == b"".join(payload)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cache_files.read_file(path, b"OTHR", key) is None
    assert cache_files.read_file(path, b"TEST", cache_files.key_digest("thử", 2)) is None
    data = path.read_bytes()
    rng = random.Random(15)
    for cut in sorted({0, 1, 7, 50, len(data) - 1, *rng.sample(range(len(data)), 10)}):
        path.write_bytes(data[:cut])
        assert cache_files.read_file(path, b"TEST", key) is None, cut
    for at in rng.sample(range(len(data)), 20):
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1:])
        assert cache_files.read_file(path, b"TEST", key) is None, at
    path.write_bytes(data + data)
    assert cache_files.read_file(path, b"TEST", key) is None
    path.write_bytes(data)
    assert cache_files.read_file(path, b"TEST", key) is not None


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes and FIFOs")
def test_a_cache_others_may_write_or_that_is_no_regular_file_is_not_read(tmp_path: Path) -> None:
    path, key = tmp_path / "c", cache_files.key_digest("k")
    assert cache_files.write_file(path, b"TEST", key, [b"data"])
    for mode in (0o620, 0o602, 0o666):
        path.chmod(mode)
        assert cache_files.read_file(path, b"TEST", key) is None, oct(mode)
    path.chmod(0o600)
    assert cache_files.read_file(path, b"TEST", key) is not None
    link = tmp_path / "link"
    link.symlink_to(path)
    assert cache_files.read_file(link, b"TEST", key) is None
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert cache_files.read_file(fifo, b"TEST", key) is None  # (returns at once: opened non-blocking)
    zero = tmp_path / "zero"
    zero.symlink_to("/dev/zero")
    assert cache_files.read_file(zero, b"TEST", key) is None


# --- the deflated pieces: reused only when their CRC matches ----------------------------------------


def _sheet(block: Block, writer: CellWriter) -> SheetRows:
    sheet = SheetRows("Dài", writer)
    sheet.heading("Tiêu đề", ["A", "B"])
    sheet.append_block(block)
    sheet.append(["cuối"])
    return sheet


def test_what_an_earlier_version_kept_apart_is_removed(setup: NightlySettings) -> None:
    """Before the twelfth session the long sheets' deflated pieces were kept in ``<ledger>.deflated``
    and the master's skeleton in ``<ledger>.skeleton``; the pieces are in the rebuild's cache now and
    the skeleton is made for each master: a run removes the old files (never read, whatever they
    hold)."""
    setup.state_path.parent.mkdir(parents=True, exist_ok=True)
    setup.pieces_path.write_bytes(b"pieces of an earlier version")
    setup.skeleton_path.write_bytes(b"a skeleton of an earlier version")
    run_nightly(setup)
    assert not setup.pieces_path.exists() and not setup.skeleton_path.exists() and setup.cache_path.exists()


# --- a hostile file where each cache lives -----------------------------------------------------------


class _Creates:
    """Unpickled, creates the file ``path`` (what anyone who can write the shared folder could do)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.path), "x"))


def _cache_places(settings: NightlySettings) -> dict[str, Path]:
    cache = settings.cache_path
    return {"cache": cache, "journal": cache.with_name(cache.name + ".journal")}


def _hostile(kind: str, place: Path, marker: Path) -> bytes:
    rng = random.Random(kind)
    if kind == "pickle":
        return pickle.dumps(_Creates(marker)) * 2  # (the old reader loaded a key, then the cache)
    if kind == "random":
        return rng.randbytes(5000)
    data = place.read_bytes()  # a valid file of this code, made for other contents
    magic, found, version, key, length, digest = struct.unpack_from("<8s4sI32sQ32s", data)
    payload = data[88:88 + length]
    if kind == "other-key":  # a valid-looking header, payload and its digest, for another key
        return struct.pack("<8s4sI32sQ32s", magic, found, version, rng.randbytes(32), length,
                           hashlib.sha256(payload).digest()) + payload
    assert kind == "wrong-digest"  # the right key, the payload not the one its digest is of
    changed = payload[:-1] + bytes([payload[-1] ^ 1])
    return struct.pack("<8s4sI32sQ32s", magic, found, version, key, length, digest) + changed


@pytest.mark.parametrize("kind", ["pickle", "random", "other-key", "wrong-digest"])
@pytest.mark.parametrize("which", ["cache", "journal"])
def test_a_hostile_file_where_a_cache_lives_is_ignored(setup: NightlySettings, demo_source: Path,
                                                       tmp_path: Path, which: str, kind: str) -> None:
    """A pickle that would create a file when loaded, random bytes, or a header for another key
    or with a wrong digest, put where a cache lives: the run makes the master a fresh
    consolidation makes, runs no code of it, and writes its own cache there again (mode 0o600)."""
    marker = tmp_path / "da_chay_ma.txt"
    live = tmp_path / "bom_that.txt"
    pickle.loads(pickle.dumps(_Creates(live)))  # the bomb is live: it creates its file
    assert live.exists()

    run_nightly(setup)
    _change_one(setup, demo_source, 1)
    run_nightly(setup)  # a journal entry
    place = _cache_places(setup)[which]
    assert place.exists()
    hostile = _hostile(kind, place, marker)
    place.write_bytes(hostile)
    _change_one(setup, demo_source, 2)
    run_nightly(setup)
    assert not marker.exists()
    assert master_values(setup.out) == _consolidated_now(setup, tmp_path, "truc_tiep.xlsx")
    for path in _cache_places(setup).values():
        if path.exists():
            assert path.read_bytes()[:8] == cache_files.MAGIC
            if os.name == "posix":
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not place.exists() or place.read_bytes() != hostile
    _change_one(setup, demo_source, 3)
    run_nightly(setup)
    assert not marker.exists()
    assert master_values(setup.out) == _consolidated_now(setup, tmp_path, "truc_tiep_2.xlsx")


@pytest.mark.skipif(os.name != "posix" or not hasattr(os, "getuid"), reason="POSIX modes")
@pytest.mark.parametrize("which", ["cache", "journal"])
def test_a_cache_made_writable_by_others_is_made_again(setup: NightlySettings, demo_source: Path,
                                                       tmp_path: Path, which: str) -> None:
    """A cache file of this code, but that others may now write: not trusted, made again."""
    run_nightly(setup)
    _change_one(setup, demo_source, 1)
    run_nightly(setup)
    place = _cache_places(setup)[which]
    place.chmod(0o666)
    _change_one(setup, demo_source, 2)
    run_nightly(setup)
    assert master_values(setup.out) == _consolidated_now(setup, tmp_path, "truc_tiep.xlsx")
    assert not place.exists() or stat.S_IMODE(place.stat().st_mode) == 0o600
