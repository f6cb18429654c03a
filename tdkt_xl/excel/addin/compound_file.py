"""An [MS-CFB] compound file writer (version 3, 512-byte sectors): :class:`Stream`,
:class:`Storage` and :func:`write_compound_file`, which the VBA project (``vbaProject.bin``)
is written with.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from tdkt_xl.excel.addin.errors import AddinError

_SECTOR = 512
_MINI = 64
_MINI_CUTOFF = 4096
_FREESECT, _ENDOFCHAIN, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_RED, _BLACK = 0, 1


@dataclass
class Stream:
    """A stream of a compound file."""

    name: str
    data: bytes


@dataclass
class Storage:
    """A storage (folder) of a compound file; the root storage is named ``Root Entry``."""

    name: str
    children: list[Stream | Storage] = field(default_factory=list)


@dataclass
class _Entry:
    node: Stream | Storage
    kind: int
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN
    size: int = 0


def _cfb_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4 order of sibling names: shorter first, then by upper-case code points."""
    return len(name.encode("utf-16-le")), name.upper()


def _sibling_tree(ids: list[int], entries: list[_Entry]) -> int:
    """Link sorted sibling ``ids`` as a balanced binary search tree colored red-black."""
    ordered = sorted(ids, key=lambda i: _cfb_key(entries[i].node.name))
    depth_of: dict[int, int] = {}

    def link(low: int, high: int, depth: int) -> int:
        if low > high:
            return _NOSTREAM
        middle = (low + high + 1) // 2
        node = ordered[middle]
        depth_of[node] = depth
        entries[node].left = link(low, middle - 1, depth + 1)
        entries[node].right = link(middle + 1, high, depth + 1)
        return node

    root = link(0, len(ordered) - 1, 0)
    deepest = max(depth_of.values(), default=0)
    perfect = len(ordered) == (1 << (deepest + 1)) - 1
    for node, depth in depth_of.items():
        entries[node].color = _RED if depth == deepest and not perfect else _BLACK
    return root


def _chain(fat: list[int], start: int, count: int) -> None:
    for index in range(count):
        fat[start + index] = start + index + 1 if index < count - 1 else _ENDOFCHAIN


def _directory_entries(root: Storage) -> list[_Entry]:
    """The directory entries of ``root`` and everything under it, root first, siblings linked."""
    entries: list[_Entry] = []

    def add(node: Stream | Storage) -> int:
        index = len(entries)
        entries.append(_Entry(node, 5 if index == 0 else (1 if isinstance(node, Storage) else 2)))
        if isinstance(node, Storage):
            if len({_cfb_key(c.name) for c in node.children}) != len(node.children):
                raise AddinError(f"Trùng tên trong storage {node.name}.")
            children = [add(child) for child in node.children]
            entries[index].child = _sibling_tree(children, entries) if children else _NOSTREAM
        return index

    add(root)
    for entry in entries:
        if len(entry.node.name) > 31:
            raise AddinError(f"Tên stream quá dài: {entry.node.name}.")
    return entries


def _sectors(size: int) -> int:
    """How many sectors ``size`` bytes take."""
    return -(-size // _SECTOR)


@dataclass
class _StreamData:
    """Where the streams' bytes go: the small ones packed into the mini stream (chained by the
    mini FAT), the others (with their entries) each in sectors of their own."""

    mini: bytearray = field(default_factory=bytearray)
    mini_fat: list[int] = field(default_factory=list)
    big: list[tuple[_Entry, bytes]] = field(default_factory=list)


def _sort_stream_data(entries: list[_Entry]) -> _StreamData:
    """Set every stream entry's size, place the small streams in the mini stream (setting
    their start), and list the others."""
    placed = _StreamData()
    for entry in entries:
        if not isinstance(entry.node, Stream):
            continue
        data = entry.node.data
        entry.size = len(data)
        if not data:
            continue
        if len(data) < _MINI_CUTOFF:
            first, count = len(placed.mini_fat), -(-len(data) // _MINI)
            placed.mini_fat += [first + i + 1 for i in range(count - 1)] + [_ENDOFCHAIN]
            entry.start = first
            placed.mini += data + bytes(count * _MINI - len(data))
        else:
            placed.big.append((entry, data))
    return placed


def _fat_sector_count(other_sectors: int) -> int:
    """How many FAT sectors a file with ``other_sectors`` more sectors needs (the FAT maps
    itself too); at most 109, the ones the header lists."""
    fat_sectors = 1
    while True:
        total = fat_sectors + other_sectors
        if _sectors(total * 4) <= fat_sectors:
            break
        fat_sectors += 1
    if fat_sectors > 109:
        raise AddinError("Dự án VBA quá lớn cho tệp add-in.")
    return fat_sectors


class _SectorAllocator:
    """The FAT being filled: sectors handed out in file order after the FAT's own, each run
    chained to an end of chain."""

    def __init__(self, fat_sectors: int) -> None:
        self.fat = [_FREESECT] * (fat_sectors * _SECTOR // 4)
        self.fat[:fat_sectors] = [_FATSECT] * fat_sectors
        self.next_sector = fat_sectors

    def allocate(self, count: int) -> int:
        """The first of the next ``count`` sectors, now chained."""
        start = self.next_sector
        _chain(self.fat, start, count)
        self.next_sector += count
        return start


def _directory_bytes(entries: list[_Entry]) -> bytes:
    """The directory sectors: one 128-byte entry each, padded with empty entries."""
    directory = bytearray()
    for entry in entries:
        name = entry.node.name.encode("utf-16-le")
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name) + 2, entry.kind, entry.color,
                                 entry.left, entry.right, entry.child, bytes(16), 0, 0, 0,
                                 entry.start if entry.kind != 1 else 0, entry.size)
    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM,
                        bytes(16), 0, 0, 0, 0, 0)
    while len(directory) % _SECTOR:
        directory += empty
    return bytes(directory)


def _header(fat_sectors: int, dir_start: int, mini_fat_start: int, mini_fat_sectors: int) -> bytes:
    """The 512-byte header, its DIFAT listing the FAT sectors (the first ones of the file)."""
    difat = list(range(fat_sectors)) + [_FREESECT] * (109 - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), bytes(16),
                         0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6), 0, fat_sectors, dir_start, 0,
                         _MINI_CUTOFF, mini_fat_start, mini_fat_sectors, _ENDOFCHAIN, 0)
    return header + struct.pack("<109I", *difat)


def write_compound_file(root: Storage) -> bytes:
    """Serialize ``root`` as an [MS-CFB] version 3 compound file, deterministically.

    Streams under 4096 bytes live in the mini stream; every storage's children form a
    red-black tree in the order the specification requires; times and CLSIDs are zero.

    >>> data = write_compound_file(Storage("Root Entry", [Stream("A", b"x" * 5000)]))
    >>> len(data)
    6656
    """
    entries = _directory_entries(root)
    placed = _sort_stream_data(entries)
    mini, mini_fat = placed.mini, placed.mini_fat

    dir_sectors = _sectors(len(entries) * 128)
    mini_fat_sectors = _sectors(len(mini_fat) * 4)
    mini_stream_sectors = _sectors(len(mini))
    data_sectors = sum(_sectors(len(d)) for _, d in placed.big)
    fat_sectors = _fat_sector_count(dir_sectors + mini_fat_sectors + mini_stream_sectors + data_sectors)

    sectors = _SectorAllocator(fat_sectors)
    dir_start = sectors.allocate(dir_sectors)
    mini_fat_start = sectors.allocate(mini_fat_sectors) if mini_fat_sectors else _ENDOFCHAIN
    if mini:
        entries[0].start, entries[0].size = sectors.allocate(mini_stream_sectors), len(mini)
    body = bytearray()
    for entry, data in placed.big:
        count = _sectors(len(data))
        entry.start = sectors.allocate(count)
        body += data + bytes(count * _SECTOR - len(data))

    fat = sectors.fat
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_bytes += b"\xff" * (mini_fat_sectors * _SECTOR - len(mini_fat_bytes))
    mini_bytes = bytes(mini) + bytes(mini_stream_sectors * _SECTOR - len(mini))
    header = _header(fat_sectors, dir_start, mini_fat_start, mini_fat_sectors)
    out = (header + struct.pack(f"<{len(fat)}I", *fat) + _directory_bytes(entries) + mini_fat_bytes
           + mini_bytes + body)
    assert len(out) == _SECTOR * (1 + sectors.next_sector)
    return out
