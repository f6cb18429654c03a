"""What a workbook may cost (:class:`Limits`), how a refusal is told (:class:`Rejection`,
:class:`RejectedFile`, their short titles) and what a full scan learned (:class:`PackageScan`).

The small builders here make the rejections several checks give (a broken file, a zip bomb,
a DOCTYPE, an oversized sheet…), so that each message is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tdkt_xl.errors import Code, TdktError, titles

MB = 1 << 20
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """How much one workbook may cost before it is refused.

    ``max_ratio`` (total uncompressed size / file size) is only enforced once the
    content is larger than ``ratio_min_uncompressed``: small workbooks compress
    very well and are harmless.

    >>> Limits().max_cells, Limits(max_cells=1000).max_cells
    (5000000, 1000)
    """

    max_file_bytes: int = 100 * MB
    max_total_uncompressed: int = 200 * MB
    max_ratio: float = 100.0
    ratio_min_uncompressed: int = 5 * MB
    max_members: int = 2_000
    max_cells: int = 5_000_000
    max_unique_strings: int = 2_000_000
    head_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Rejection:
    """Why a file is not read: a stable ``code`` and a Vietnamese ``reason``.

    >>> r = Rejection("empty-file", "Tệp rỗng."); r.code, str(r)
    ('empty-file', 'Tệp rỗng.')
    """

    code: str
    reason: str

    def __str__(self) -> str:
        return self.reason


class RejectedFile(TdktError):
    """Raised by :func:`~tdkt_xl.intake.safety.examine.scan_package` (and the readers) with the
    :class:`Rejection` inside."""

    def __init__(self, rejection: Rejection, detail: str = "") -> None:
        super().__init__(f"{rejection.code}: {rejection.reason}")
        self.rejection = rejection
        self.detail = detail  # what is broken, for a "corrupt-zip" (told again for an .ods)


OdsCells = tuple[int, int, int, int, str]  # first row, first column, rows, columns, text (1-based)


@dataclass(frozen=True)
class PackageScan:
    """What a full scan learned that a reader can use.

    ``error_parts``: worksheet parts that hold cells of type error (``t="e"``);
    ``relationships``: the workbook's relationship ids and the parts they point to;
    ``content``: when :func:`~tdkt_xl.intake.safety.examine.quick_scan` read the file whole, the
    package for a reader: the file's bytes, an .xlsx's with the parts the scan inflated stored
    uncompressed (the same members, names and CRCs: a reader does not inflate them again);
    ``formula_cells``: see :func:`~tdkt_xl.intake.safety.xlsx_parts.formula_cells_without_value`
    (parts read whole only).
    ``ods``: the file is an OpenDocument spreadsheet; ``ods_errors`` and ``ods_formulas`` are
    then, by sheet name, the blocks of cells calamine reads as empty that hold an error value
    (its text, "#N/A") or a formula without a value (its text, "=A1+1"): (first row, first
    column, rows, columns, text), 1-based (a cell may be repeated over rows and columns).
    """

    error_parts: frozenset[str] = frozenset()
    relationships: dict[str, str] = field(default_factory=dict)
    content: bytes | None = field(default=None, repr=False, compare=False)
    # per worksheet part, the cells (row, column, formula) whose formula has no computed value
    formula_cells: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, compare=False)
    ods: bool = False
    ods_errors: dict[str, list[OdsCells]] = field(default_factory=dict, compare=False)
    ods_formulas: dict[str, list[OdsCells]] = field(default_factory=dict, compare=False)


# Short Vietnamese titles of every code the safety checks and the readers (tdkt_xl.intake.book_readers,
# tdkt_xl.intake.worker_pool) give, for summaries.
REJECTION_TITLES: dict[str, str] = titles("file")

RESAVE_ADVICE = "Mở tệp bằng Excel, lưu thành tệp mới (Lưu thành > Excel Workbook .xlsx) rồi gửi lại"
DO_NOT_OPEN_ADVICE = (
    "Không nên mở tệp này; đề nghị đơn vị gửi lại tệp được lưu trực tiếp từ Excel (.xlsx)"
)


def thousands(number: int) -> str:
    """12.345.678: thousands as written in Vietnamese."""
    return f"{number:,}".replace(",", ".")


def megabytes(size: float) -> str:
    """A size in MB to one decimal, as written in Vietnamese (1,5)."""
    return f"{size / MB:,.1f}".replace(",", " ").replace(".", ",")


def rejected_file(code: str, reason: str) -> RejectedFile:
    """The exception that carries a :class:`Rejection` with this code and reason."""
    return RejectedFile(Rejection(code, reason))


def empty_file() -> RejectedFile:
    return rejected_file(
        Code.EMPTY_FILE,
        "Tệp rỗng (0 byte), không có dữ liệu: có thể tệp chưa tải về xong hoặc gửi nhầm. "
        "Đề nghị đơn vị gửi lại tệp báo cáo.",
    )


def missing_file() -> RejectedFile:
    return rejected_file(Code.MISSING, "Không tìm thấy tệp: kiểm tra lại đường dẫn, tệp có thể đã bị "
                                       "chuyển đi hoặc bị xoá.")


def corrupt_file(detail: str, *, ods: bool = False) -> RejectedFile:
    what, program = ("Bảng tính .ods", "LibreOffice Calc") if ods else ("Tệp Excel", "Excel")
    return RejectedFile(Rejection(
        Code.CORRUPT_ZIP,
        f"{what} bị hỏng hoặc bị cắt cụt ({detail}); thường do tải về hoặc đính kèm thư chưa "
        f"xong. Thử mở bằng {program}; nếu không mở được, đề nghị đơn vị gửi lại tệp.",
    ), detail)


def too_many_members(count: int, limits: Limits) -> RejectedFile:
    return rejected_file(
        Code.TOO_MANY_MEMBERS,
        f"Tệp có {thousands(count)} thành phần bên trong (tối đa {thousands(limits.max_members)}), "
        f"bất thường với một sổ báo cáo. {RESAVE_ADVICE}.",
    )


def zip_bomb(detail: str) -> RejectedFile:
    return rejected_file(
        Code.ZIP_BOMB,
        f"Tệp nén bất thường: {detail} — dấu hiệu \"bom nén\" hoặc tệp bị làm giả kích thước. "
        f"{DO_NOT_OPEN_ADVICE}.",
    )


def xml_entities(part: str) -> RejectedFile:
    return rejected_file(
        Code.XML_ENTITIES,
        f"Phần {part} trong tệp có khai báo DOCTYPE/ENTITY — Excel không bao giờ tạo ra "
        f"khai báo này; đây là dấu hiệu tệp bị chỉnh sửa để tấn công (XXE). {DO_NOT_OPEN_ADVICE}.",
    )


def oversized_sheet(part: str, detail: str) -> RejectedFile:
    return rejected_file(
        Code.OVERSIZED_SHEET,
        f"Một sheet trong tệp (phần {part}) {detail}. Xoá các dòng/cột thừa ở cuối sheet (nhấn "
        "Ctrl+End để xem ô cuối cùng Excel ghi nhận), lưu lại rồi gửi. Nếu tệp không do đơn vị tạo "
        "bằng Excel, không nên mở tệp này và đề nghị đơn vị gửi lại.",
    )
