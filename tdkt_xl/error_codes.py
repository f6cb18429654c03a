"""The registry of codes: every code tdkt_xl gives, described once.

A code is a member of :class:`Code`; :data:`CODES` says where it arises (the plan validator, a
unit report's content, a file's safety, format or reading, the run), how bad it is, its
Vietnamese title, its message template, what the user should do, and whether the nightly run
reads a file rejected so again. The checks give ``Code`` members, the catalogs the modules
format messages from are made from it, and ``docs/ma-loi.md`` is written from it
(``scripts/write_error_codes_page.py``). :mod:`tdkt_xl.errors` is the front: import from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

Severity = Literal["error", "warning"]
# Where a code arises: the plan validator, a unit report's content, a file's safety, format or
# reading, the consolidation or nightly run.
Stage = Literal["plan", "report", "file", "run"]
STAGES: tuple[Stage, ...] = ("plan", "report", "file", "run")


class Code(StrEnum):
    """Every code the library gives; the value is the code as written in outputs and the ledger.

    A member is its string everywhere (compared, hashed, formatted, stored, even its repr), so a
    literal code and its member can stand for each other.

    >>> Code.FILE_LOCKED == "file-locked", f"{Code.NOT_A_DATE}", [Code.XLSB]
    (True, 'not-a-date', ['xlsb'])
    """

    def __repr__(self) -> str:
        return repr(self.value)

    # the plan validator (tdkt_xl.plans.reader)
    FILE_UNREADABLE = "file-unreadable"
    SHEET_NOT_FOUND = "sheet-not-found"
    HEADER_NOT_FOUND = "header-not-found"
    NO_TASK_TABLE = "no-task-table"
    HIDDEN_SHEET = "hidden-sheet"
    DUPLICATE_HEADER = "duplicate-header"
    SECOND_TABLE = "second-table"
    NO_TASKS = "no-tasks"
    MISSING_NUMBER = "missing-number"
    NUMBER_GAP = "number-gap"
    DUPLICATE_NUMBER = "duplicate-number"
    NUMBER_OUT_OF_ORDER = "number-out-of-order"
    NUMBER_UNREADABLE = "number-unreadable"
    SECTION_OUT_OF_ORDER = "section-out-of-order"
    DUPLICATE_SECTION = "duplicate-section"
    EMPTY_CONTENT = "empty-content"
    EMPTY_UNIT = "empty-unit"
    UNKNOWN_UNIT = "unknown-unit"
    NO_UNIT_LIST = "no-unit-list"
    DEADLINE_UNREADABLE = "deadline-unreadable"
    DEADLINE_IMPOSSIBLE = "deadline-impossible"
    DEADLINE_EMPTY = "deadline-empty"
    NO_DEADLINE = "no-deadline"
    QUARTER_UNREADABLE = "quarter-unreadable"
    CONFLICTING_DEADLINES = "conflicting-deadlines"
    DEADLINE_OUTSIDE_QUARTER = "deadline-outside-quarter"
    DEADLINE_OUTSIDE_YEAR = "deadline-outside-year"
    COMPLETION_DATE_UNREADABLE = "completion-date-unreadable"
    LEGACY_ENCODING = "legacy-encoding"
    EXCEL_ERROR = "excel-error"
    FORMULA_NO_VALUE = "formula-no-value"
    HIDDEN_ROW = "hidden-row"
    CONFIG_UNREADABLE = "config-unreadable"
    # plan layouts (issue 14: headers by role, groups, sections)
    STRAY_TEXT_IN_SECTION = "stray-text-in-section"
    # issue 14, deadline phrases: a deadline counted from the plan's issue date
    DEADLINE_RELATIVE = "deadline-relative"
    # issue 14, deadline cells and workbook kinds (tdkt_xl.plans.deadline_cells, .workbook_kind)
    DEADLINE_NOTE = "deadline-note"
    NOT_A_PLAN = "not-a-plan"
    # issue 16 (H5 chase): the groups a unit belongs to (tdkt_xl.plans.unit_list)
    GROUP_NOT_FOUND = "group-not-found"
    # a unit report's cells (tdkt_xl.consolidation.aggregate)
    NO_IDENTITY = "no-identity"
    UNKNOWN_TASK = "unknown-task"
    BAD_PROGRESS = "bad-progress"
    DATE_AS_TEXT = "date-as-text"
    NOT_A_DATE = "not-a-date"
    NUMBER_AS_TEXT = "number-as-text"
    TEXT_IN_NUMBER = "text-in-number"
    NEGATIVE_NUMBER = "negative-number"
    NOT_WHOLE_NUMBER = "not-whole-number"
    TOTAL_MISMATCH = "total-mismatch"
    UNKNOWN_FORM = "unknown-form"
    MISSING_FORM = "missing-form"
    CONTROL_CHARACTERS = "control-characters"
    TEXT_TOO_LONG = "text-too-long"
    MISSING_UNIT_CODE = "missing-unit-code"
    DUPLICATE_TASK = "duplicate-task"
    ROW_WITHOUT_TASK = "row-without-task"
    MISSING_TASK = "missing-task"
    DATE_NOT_DONE = "date-not-done"
    DUPLICATE_FORM = "duplicate-form"
    DUPLICATE_YEAR = "duplicate-year"
    UNKNOWN_YEAR = "unknown-year"
    REPORT_DATE_AFTER_SAVED = "report-date-after-saved"
    EARLIER_PLAN = "earlier-plan"
    # issue 17 (H4 unitdocs), a unit's Word report (tdkt_xl.documents.unit_documents)
    UNIT_NOT_IDENTIFIED = "unit-not-identified"
    HEADING_NOT_FOUND = "heading-not-found"
    # issue 15, a value typed into a heading row of "Số liệu" (tdkt_xl.intake.report_statistics)
    COUNT_IN_HEADING = "count-in-heading"
    # a unit report turned away as a whole (ReportRejected)
    OTHER_PLAN = "other-plan"
    TEMPLATE_VERSION = "template-version"
    CHANGED_LAYOUT = "changed-layout"
    UNIT_MISMATCH = "unit-mismatch"
    EMPTY_REPORT = "empty-report"
    # a file turned away before or while it is read (tdkt_xl.intake: Rejection)
    MISSING = "missing"
    EMPTY_FILE = "empty-file"
    NOT_EXCEL_HTML = "not-excel-html"
    NOT_EXCEL_CSV = "not-excel-csv"
    NOT_EXCEL = "not-excel"
    ENCRYPTED = "encrypted"
    LEGACY_XLS = "legacy-xls"
    XLSB = "xlsb"
    TOO_LARGE = "too-large"
    CORRUPT_ZIP = "corrupt-zip"
    NOT_A_WORKBOOK = "not-a-workbook"
    TOO_MANY_MEMBERS = "too-many-members"
    BAD_MEMBER_NAME = "bad-member-name"
    ZIP_BOMB = "zip-bomb"
    XML_ENTITIES = "xml-entities"
    OVERSIZED_SHEET = "oversized-sheet"
    BAD_SHARED_STRINGS = "bad-shared-strings"
    UNREADABLE = "unreadable"
    CRASHED_READER = "crashed-reader"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out-of-memory"
    # issue 17 (H4 unitdocs), a unit's Word report turned away (tdkt_xl.intake.safety.word_package)
    LEGACY_DOC = "legacy-doc"
    ENCRYPTED_WORD = "encrypted-word"
    NOT_A_WORD_DOCUMENT = "not-a-word-document"
    OVERSIZED_WORD_DOCUMENT = "oversized-word-document"
    # the nightly run
    FILE_LOCKED = "file-locked"
    # issue 15, the inbox walk: entries skipped (tdkt_xl.intake.inbox_entries)
    SYMLINK_LOOP = "symlink-loop"
    DANGLING_LINK = "dangling-link"
    NOT_A_REGULAR_FILE = "not-a-regular-file"
    ENTRY_UNREADABLE = "entry-unreadable"
    # issue 17 (H6 results), the nightly ledger read back for documents and analysts
    # (tdkt_xl.nightly.from_ledger)
    LEDGER_MISSING = "ledger-missing"
    LEDGER_DAMAGED = "ledger-damaged"
    # issue 17 (H3 report): the đề cương given to the draft report (tdkt_xl.documents.outline_files)
    OUTLINE_UNREADABLE = "outline-unreadable"
    OUTLINE_EMPTY = "outline-empty"


@dataclass(frozen=True)
class Use:
    """How a code is given at one stage: its severity, message template and advice there.

    ``rejects``: the whole file is left out (a rejection), not one cell or row (a problem).
    """

    stage: Stage
    severity: Severity
    template: str
    advice: str
    rejects: bool = False


@dataclass(frozen=True)
class CodeInfo:
    """One code: where it arises, how bad it is, its title, message template and advice.

    ``template`` uses str.format fields (plan problems also get ``sheet`` and ``row``);
    ``"{reason}"`` where the module words the message case by case. ``retried``: a file
    rejected so is read again at the next nightly run (the cause may pass). ``also``: the same
    code given at another stage (or as a rejection), with that stage's wording.

    >>> CODES[Code.TIMEOUT].retried, CODES[Code.EXCEL_ERROR].at("report").template
    (True, 'Ô có lỗi Excel {value}.')
    """

    code: Code
    stage: Stage
    severity: Severity
    title: str
    template: str
    advice: str
    rejects: bool = False
    retried: bool = False
    also: tuple[Use, ...] = ()

    def uses(self) -> tuple[Use, ...]:
        """Every way the code is given, the main one first."""
        return (Use(self.stage, self.severity, self.template, self.advice, self.rejects), *self.also)

    def at(self, stage: Stage, *, rejects: bool | None = None) -> Use | None:
        """How the code is given at ``stage`` (as a rejection or not, when said); None if it is not."""
        return next((u for u in self.uses()
                     if u.stage == stage and (rejects is None or u.rejects == rejects)), None)


def _rejection(code: Code, stage: Stage, title: str, template: str, advice: str, *,
               retried: bool = False) -> CodeInfo:
    return CodeInfo(code, stage, "error", title, template, advice, rejects=True, retried=retried)


# The codes stage by stage: CodeInfo(…) for a problem (the file still counts), _rejection(…) for a
# report or file left out. Plan and report templates are the messages, byte for byte.
_RESAVE = "Mở tệp bằng Excel, lưu thành tệp mới (Lưu thành > Excel Workbook .xlsx) rồi gửi lại"
_DO_NOT_OPEN = "Không nên mở tệp này; đề nghị đơn vị gửi lại tệp được lưu trực tiếp từ Excel (.xlsx)"
_XLSX_ONLY = ("Chương trình chủ ý chỉ đọc sổ .xlsx/.xlsm để mọi tệp được kiểm tra an toàn theo cùng một "
              "cách. Mở tệp bằng Excel, chọn Lưu thành > Excel Workbook (.xlsx) rồi gửi lại tệp .xlsx.")

_PLAN = (
    CodeInfo(Code.FILE_UNREADABLE, "plan", "error", "Không đọc được tệp kế hoạch",
             "Không đọc được tệp: {reason}.",
             "Mở thử tệp bằng Excel, lưu lại thành .xlsx rồi kiểm tra lại."),
    CodeInfo(Code.SHEET_NOT_FOUND, "plan", "error", "Không tìm thấy bảng nhiệm vụ",
             "Không tìm thấy bảng nhiệm vụ (dòng tiêu đề có các cột {expected}). "
             "Các sheet hiện có: {sheets}.{candidates}",
             "Mở đúng sổ kế hoạch, hoặc thêm dòng tiêu đề có các cột được nêu trong thông báo."),
    CodeInfo(Code.HEADER_NOT_FOUND, "plan", "error", "Không có dòng tiêu đề bảng",
             "Sheet \"{sheet}\" không có dòng tiêu đề bảng. Cần các cột: {expected}; "
             "trong {rows} dòng đầu chỉ thấy: {seen}.",
             "Thêm dòng tiêu đề có đủ các cột được nêu, ở gần đầu sheet."),
    CodeInfo(Code.NO_TASK_TABLE, "plan", "warning", "Sheet không có bảng nhiệm vụ",
             "Sheet \"{sheet}\" có tên như bảng nhiệm vụ nhưng không có dòng tiêu đề bảng nhiệm vụ "
             "(cần các cột {expected}; trong {rows} dòng đầu chỉ thấy: {seen}): sheet này không được đọc.",
             "Nếu sheet có nhiệm vụ, thêm dòng tiêu đề đúng mẫu; nếu không, có thể bỏ qua cảnh báo."),
    CodeInfo(Code.HIDDEN_SHEET, "plan", "warning", "Sheet nhiệm vụ bị ẩn",
             "Sheet \"{sheet}\" có bảng nhiệm vụ nhưng đang bị ẩn{action}.",
             "Bỏ ẩn sheet (chuột phải vào tên sheet > Bỏ ẩn) nếu nhiệm vụ trong đó cần được tính, "
             "hoặc xoá sheet nếu không dùng."),
    CodeInfo(Code.DUPLICATE_HEADER, "plan", "warning", "Hai cột cùng vai trò",
             "Cột \"{label}\" trùng vai trò với cột {used} (\"{used_label}\"){why}: dùng cột {used}, "
             "cột này không được đọc.",
             "Đổi tiêu đề hoặc xoá cột thừa để mỗi vai trò chỉ có một cột."),
    CodeInfo(Code.SECOND_TABLE, "plan", "warning", "Có bảng khác bên dưới",
             "Dòng tiêu đề của một bảng khác: các dòng từ đây trở xuống không được đọc là nhiệm vụ.",
             "Chuyển bảng kia sang sheet riêng nếu các dòng bên dưới là nhiệm vụ."),
    CodeInfo(Code.NO_TASKS, "plan", "warning", "Bảng chưa có nhiệm vụ",
             "Sheet \"{sheet}\" có dòng tiêu đề nhưng không có nhiệm vụ nào.",
             "Nhập nhiệm vụ dưới dòng tiêu đề, hoặc bỏ qua nếu sheet chưa dùng."),
    CodeInfo(Code.MISSING_NUMBER, "plan", "error", "Thiếu số thứ tự",
             "Dòng có nội dung và đơn vị/thời hạn nhưng không có số thứ tự; "
             "cần đánh số tiếp theo {expected}.",
             "Ghi số thứ tự cho dòng nhiệm vụ (số tiếp theo được nêu trong thông báo)."),
    CodeInfo(Code.NUMBER_GAP, "plan", "warning", "Số thứ tự bị nhảy",
             "Thiếu số thứ tự {missing}: sau {previous} là {number}.",
             "Kiểm tra xem có nhiệm vụ bị xoá hay đánh số nhầm không; đánh số lại nếu cần."),
    CodeInfo(Code.DUPLICATE_NUMBER, "plan", "error", "Trùng số thứ tự",
             "Số thứ tự {number} bị trùng (đã dùng ở ô {first_cell}); mỗi nhiệm vụ cần một số riêng.",
             "Đổi số của một trong hai nhiệm vụ để mỗi nhiệm vụ có một số riêng."),
    CodeInfo(Code.NUMBER_OUT_OF_ORDER, "plan", "warning", "Số thứ tự không tăng dần",
             "Số thứ tự {number} đứng sau {previous}: thứ tự không tăng dần.",
             "Sắp xếp lại các dòng hoặc đánh số lại theo thứ tự tăng dần."),
    CodeInfo(Code.NUMBER_UNREADABLE, "plan", "error", "Số thứ tự không đọc được",
             "Không đọc được số thứ tự \"{value}\"; cần số (1, 2, …), số phụ (6.1) "
             "hoặc số La Mã cho dòng quý (I, II, …).",
             "Ghi số thứ tự dạng 1, 2, … (số phụ 6.1), hoặc I, II, … cho dòng quý."),
    CodeInfo(Code.SECTION_OUT_OF_ORDER, "plan", "error", "Các quý không theo thứ tự",
             "Dòng \"{section}\" đứng sau \"{previous}\": các quý phải theo thứ tự I, II, III, IV.",
             "Sắp xếp các dòng quý theo thứ tự I, II, III, IV."),
    CodeInfo(Code.DUPLICATE_SECTION, "plan", "error", "Dòng quý bị lặp",
             "Dòng \"{section}\" xuất hiện lần thứ hai (lần đầu ở ô {first_cell}).",
             "Đưa các nhiệm vụ về dưới một dòng quý và xoá dòng lặp."),
    CodeInfo(Code.EMPTY_CONTENT, "plan", "error", "Nhiệm vụ không có nội dung",
             "Nhiệm vụ {number} không có nội dung.",
             "Nhập nội dung nhiệm vụ, hoặc xoá dòng nếu không dùng."),
    CodeInfo(Code.EMPTY_UNIT, "plan", "error", "Chưa có đơn vị thực hiện",
             "Nhiệm vụ {number} chưa có đơn vị thực hiện.",
             "Nhập đơn vị chủ trì thực hiện nhiệm vụ."),
    CodeInfo(Code.UNKNOWN_UNIT, "plan", "warning", "Đơn vị không có trong danh sách",
             "Đơn vị \"{unit}\" không có trong danh sách Đơn vị{suggestion}",
             "Sửa tên đơn vị cho khớp với sheet \"Đơn vị\" (xem gợi ý trong thông báo), hoặc thêm "
             "đơn vị vào danh sách."),
    CodeInfo(Code.NO_UNIT_LIST, "plan", "warning", "Không có danh sách đơn vị",
             "Không có sheet \"Đơn vị\": tên đơn vị không được đối chiếu với danh sách.",
             "Thêm sheet \"Đơn vị\" (mã, tên, tên gọi khác) để tên đơn vị được đối chiếu."),
    CodeInfo(Code.DEADLINE_UNREADABLE, "plan", "error", "Thời hạn không đọc được",
             "Không đọc được thời hạn \"{value}\"; viết ví dụ \"Tháng 7\", \"Trước ngày 15/6\", "
             "\"Quý III\", \"30/11/2024\".",
             "Ghi thời hạn theo một trong các cách trong thông báo."),
    CodeInfo(Code.DEADLINE_IMPOSSIBLE, "plan", "error", "Ngày không tồn tại",
             "Thời hạn \"{value}\" có ngày không tồn tại ({detail}).",
             "Sửa ngày trong thời hạn (ví dụ 31/4 thành 30/4)."),
    CodeInfo(Code.DEADLINE_EMPTY, "plan", "warning", "Chưa ghi thời hạn",
             "Nhiệm vụ {number} chưa ghi thời hạn.",
             "Ghi thời hạn để tính được trạng thái của nhiệm vụ."),
    CodeInfo(Code.NO_DEADLINE, "plan", "warning", "Không tính được thời hạn",
             "Nhiệm vụ {number} không có thời hạn: bảng không có cột thời hạn và nhiệm vụ không nằm dưới "
             "dòng quý nào (\"I | Quý I\" …), nên không tính được trạng thái.",
             "Thêm cột thời hạn, hoặc đặt nhiệm vụ dưới dòng quý."),
    CodeInfo(Code.QUARTER_UNREADABLE, "plan", "error", "Quý không đọc được",
             "Không đọc được quý \"{value}\"; ghi I, II, III, IV (hoặc 1–4, \"Quý II\").",
             "Ghi quý là I, II, III hoặc IV."),
    CodeInfo(Code.CONFLICTING_DEADLINES, "plan", "warning", "Ô gộp có nhiều thời hạn",
             "Ô số thứ tự của nhiệm vụ {number} gộp nhiều dòng có thời hạn khác nhau: \"{first}\" "
             "(ô {first_cell}) và \"{value}\"; chỉ dùng \"{first}\". Hãy tách thành các nhiệm vụ "
             "con ({number}.1, {number}.2) nếu mỗi dòng có hạn riêng.",
             "Tách thành các nhiệm vụ con (số phụ) nếu mỗi dòng có hạn riêng."),
    CodeInfo(Code.DEADLINE_OUTSIDE_QUARTER, "plan", "warning", "Thời hạn ngoài quý",
             "Thời hạn \"{value}\" ({due}) nằm ngoài {section} ({start} – {end}).",
             "Kiểm tra lại thời hạn, hoặc chuyển nhiệm vụ sang đúng quý."),
    CodeInfo(Code.DEADLINE_OUTSIDE_YEAR, "plan", "warning", "Thời hạn ngoài năm kế hoạch",
             "Thời hạn \"{value}\" ({due}) không thuộc năm kế hoạch {year}.",
             "Kiểm tra lại năm của thời hạn, hoặc năm kế hoạch trong sheet Cấu hình."),
    CodeInfo(Code.COMPLETION_DATE_UNREADABLE, "plan", "error", "Ngày hoàn thành không phải ngày",
             "Ngày hoàn thành \"{value}\" không phải là ngày; nhập dạng 15/06/2024.",
             "Nhập ngày hoàn thành dạng 15/06/2024 vào ô định dạng ngày."),
    CodeInfo(Code.LEGACY_ENCODING, "plan", "warning", "Chữ gõ bằng bảng mã cũ",
             "Chữ gõ bằng bảng mã cũ {encoding} (phông .VnTime/VNI): \"{value}\"; "
             "đọc theo Unicode là \"{reading}\". Hãy chuyển sang Unicode.",
             "Chuyển văn bản sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi lưu lại."),
    CodeInfo(Code.EXCEL_ERROR, "plan", "error", "Ô có lỗi Excel",
             "Ô có lỗi Excel {value}; hãy sửa công thức hoặc nhập lại giá trị.",
             "Sửa công thức hoặc nhập lại giá trị cho ô."),
    CodeInfo(Code.FORMULA_NO_VALUE, "plan", "error", "Công thức không có kết quả",
             "Ô có công thức {value} nhưng tệp không lưu kết quả của nó (tệp do một chương trình không "
             "tính công thức tạo ra): mở tệp bằng Excel rồi lưu lại, hoặc nhập giá trị thay cho công thức.",
             "Mở tệp bằng Excel rồi lưu lại, hoặc nhập giá trị thay cho công thức."),
    CodeInfo(Code.HIDDEN_ROW, "plan", "warning", "Nhiệm vụ ở dòng bị ẩn",
             "Dòng {row} đang bị ẩn nhưng vẫn được tính là nhiệm vụ {number}.",
             "Bỏ ẩn dòng để kiểm tra, hoặc xoá dòng nếu nhiệm vụ không còn dùng."),
    CodeInfo(Code.CONFIG_UNREADABLE, "plan", "warning", "Giá trị cấu hình không hợp lệ",
             "Giá trị \"{value}\" của \"{label}\" trong sheet Cấu hình không hợp lệ; "
             "dùng mặc định {default}.",
             "Sửa giá trị trong sheet Cấu hình; nếu để nguyên, giá trị mặc định được dùng."),
    # plan layouts (issue 14: headers by role, groups, sections)
    CodeInfo(Code.STRAY_TEXT_IN_SECTION, "plan", "warning", "Chữ thừa ở dòng mục",
             "Dòng mục (số La Mã) có chữ \"{value}\" ở ô này: không đọc là nhiệm vụ hay thời hạn "
             "(thường là phần chữ bị tách khi ngắt trang).",
             "Chuyển chữ này về đúng ô của nhiệm vụ nó thuộc về, hoặc xoá nếu thừa."),
    # issue 14, deadline phrases: "100 ngày kể từ ngày ban hành Kế hoạch" with no issue date
    CodeInfo(Code.DEADLINE_RELATIVE, "plan", "warning", "Thời hạn tính từ ngày ban hành",
             "Thời hạn \"{value}\" tính từ ngày ban hành kế hoạch, nhưng không tìm thấy ngày ban "
             "hành (dòng \"<nơi ban hành>, ngày … tháng … năm …\" ở đầu văn bản hoặc \"Ngày ban hành\" "
             "trong sheet Cấu hình): chưa tính được hạn của nhiệm vụ.",
             "Ghi \"Ngày ban hành\" của kế hoạch trong sheet Cấu hình (ví dụ 10/06/2024) để tính "
             "được hạn."),
    # issue 14, deadline cells and workbook kinds
    CodeInfo(Code.DEADLINE_NOTE, "plan", "warning", "Ô thời hạn có ghi chú kèm theo",
             "Ô thời hạn có ghi chú kèm theo: \"{note}\"; chỉ dùng thời hạn \"{value}\".",
             "Chuyển ghi chú sang cột Ghi chú để ô thời hạn chỉ ghi thời hạn; nếu đề xuất đổi hạn "
             "được chấp nhận, sửa lại thời hạn."),
    CodeInfo(Code.NOT_A_PLAN, "plan", "error", "Tệp không phải sổ kế hoạch",
             "Tệp này không phải sổ kế hoạch mà là {what}: có các sheet {sheets}. {todo}",
             "Mở sổ kế hoạch (sổ có bảng nhiệm vụ Phụ lục hoặc Phân công) rồi kiểm tra lại."),
    # issue 16 (H5 chase): a "Thuộc nhóm" cell of the "Đơn vị" sheet naming no group of the list
    CodeInfo(Code.GROUP_NOT_FOUND, "plan", "warning", "Nhóm không có trong danh sách",
             "Đơn vị \"{unit}\" ghi thuộc nhóm \"{value}\", nhưng danh sách đơn vị không có nhóm "
             "này (các nhóm có: {groups}).",
             "Ghi mã hoặc tên một dòng có Loại \"Nhóm …\" trong sheet \"Đơn vị\", hoặc thêm nhóm đó "
             "vào danh sách."),
)

_REPORT = (
    CodeInfo(Code.NO_IDENTITY, "report", "warning", "Không có thông tin nhận dạng mẫu",
             "Không có thông tin nhận dạng mẫu (sheet ẩn \"{sheet}\"): tệp có thể không "
             "được tạo từ mẫu của kế hoạch này; vẫn đọc theo sheet \"Thông tin\".",
             "Đề nghị đơn vị dùng mẫu báo cáo gửi kèm kế hoạch (không chép sang sổ mới)."),
    CodeInfo(Code.UNKNOWN_TASK, "report", "error", "Mã nhiệm vụ không có trong kế hoạch",
             "Mã nhiệm vụ \"{value}\" không có trong kế hoạch (hoặc không giao cho đơn vị "
             "này); dòng bị bỏ qua.",
             "Không sửa hay thêm mã nhiệm vụ; đơn vị dùng mẫu báo cáo của chính mình."),
    CodeInfo(Code.BAD_PROGRESS, "report", "error", "Tình trạng không hợp lệ",
             "Tình trạng \"{value}\" không hợp lệ; chọn một trong: {choices}.",
             "Chọn tình trạng trong danh sách thả xuống của ô."),
    CodeInfo(Code.DATE_AS_TEXT, "report", "error", "Ngày nhập dạng chữ",
             "\"{value}\" là chữ, không phải ngày; nhập ngày dạng 15/06/2024 (ô định dạng "
             "ngày).",
             "Nhập lại ngày dạng 15/06/2024 trong ô định dạng ngày."),
    CodeInfo(Code.NOT_A_DATE, "report", "error", "Không phải ngày",
             "\"{value}\" không phải là ngày.",
             "Nhập ngày dạng 15/06/2024 trong ô định dạng ngày."),
    CodeInfo(Code.NUMBER_AS_TEXT, "report", "error", "Số nhập dạng chữ",
             "Số \"{value}\" được nhập dạng chữ; nhập lại dạng số.",
             "Nhập lại số trong ô định dạng số (không có dấu ' ở đầu)."),
    CodeInfo(Code.TEXT_IN_NUMBER, "report", "error", "Chữ trong ô số liệu",
             "Ô số liệu chứa chữ \"{value}\"; chỉ nhập số nguyên không âm.",
             "Chỉ nhập số nguyên không âm; để trống nếu không có."),
    CodeInfo(Code.NEGATIVE_NUMBER, "report", "error", "Số âm",
             "Số âm {value}; chỉ nhập số nguyên không âm.",
             "Nhập số nguyên không âm."),
    CodeInfo(Code.NOT_WHOLE_NUMBER, "report", "error", "Số không nguyên",
             "Số {value} không phải số nguyên.",
             "Nhập số nguyên."),
    CodeInfo(Code.TOTAL_MISMATCH, "report", "warning", "Tổng không khớp",
             "Ô \"Tổng\" ghi {value} nhưng cộng các năm được {expected}; dùng {expected}.",
             "Kiểm tra lại số liệu các năm và ô \"Tổng\"."),
    CodeInfo(Code.UNKNOWN_FORM, "report", "warning", "Hình thức khen thưởng lạ",
             "Dòng \"{value}\" không phải hình thức khen thưởng của mẫu; bị bỏ qua.",
             "Không thêm dòng vào bảng số liệu; ghi số liệu vào đúng dòng của mẫu."),
    CodeInfo(Code.MISSING_FORM, "report", "warning", "Thiếu dòng hình thức khen thưởng",
             "Thiếu dòng \"{value}\"; coi như không có số liệu.",
             "Không xoá dòng của bảng số liệu; dùng mẫu mới nếu đã xoá."),
    CodeInfo(Code.CONTROL_CHARACTERS, "report", "warning", "Ký tự điều khiển trong ô",
             "Đã bỏ ký tự điều khiển không hợp lệ trong ô.",
             "Thường không cần làm gì; nếu nội dung sai, gõ lại ô đó thay vì dán từ phần mềm khác."),
    CodeInfo(Code.TEXT_TOO_LONG, "report", "warning", "Nội dung quá dài",
             "Nội dung dài quá {limit} ký tự của Excel; đã cắt bớt.",
             "Rút gọn nội dung của ô."),
    CodeInfo(Code.DUPLICATE_TASK, "report", "error", "Nhiệm vụ bị lặp",
             "Mã nhiệm vụ \"{value}\" đã có ở dòng {first}; dòng này bị bỏ qua.",
             "Xoá dòng lặp, giữ một dòng cho mỗi nhiệm vụ."),
    CodeInfo(Code.ROW_WITHOUT_TASK, "report", "warning", "Dòng không có mã nhiệm vụ",
             "Dòng có nội dung nhưng không có mã nhiệm vụ; bị bỏ qua.",
             "Không thêm dòng vào bảng tiến độ; ghi vào dòng của nhiệm vụ tương ứng."),
    CodeInfo(Code.MISSING_TASK, "report", "warning", "Thiếu dòng nhiệm vụ",
             "Nhiệm vụ {value} được giao cho đơn vị nhưng không có dòng trong sheet "
             "\"{sheet}\"; coi như chưa báo cáo.",
             "Không xoá dòng của bảng tiến độ; dùng mẫu mới nếu đã xoá."),
    CodeInfo(Code.DATE_NOT_DONE, "report", "warning", "Có ngày hoàn thành nhưng chưa xong",
             "Có ngày hoàn thành {value} nhưng tình trạng là \"{status}\"; ngày này "
             "không được tính.",
             "Chọn tình trạng \"Đã hoàn thành\", hoặc xoá ngày hoàn thành."),
    CodeInfo(Code.DUPLICATE_FORM, "report", "error", "Hình thức khen thưởng bị lặp",
             "Dòng \"{value}\" đã có ở dòng {first}; số liệu dòng này không được cộng "
             "(nếu là số bổ sung, cộng vào dòng {first}).",
             "Cộng số liệu vào dòng đầu tiên và xoá dòng lặp."),
    CodeInfo(Code.DUPLICATE_YEAR, "report", "warning", "Cột năm bị lặp",
             "Cột năm {value} đã có ở cột {first}; số liệu cột này không được cộng.",
             "Xoá cột năm lặp, cộng số liệu vào cột đầu tiên."),
    CodeInfo(Code.UNKNOWN_YEAR, "report", "warning", "Năm ngoài mẫu",
             "Cột năm {value} không thuộc các năm của mẫu ({first}–{last}); số liệu cột "
             "này không được cộng.",
             "Không thêm cột năm; ghi số liệu vào các cột năm của mẫu."),
    CodeInfo(Code.REPORT_DATE_AFTER_SAVED, "report", "warning", "Ngày lập sau ngày lưu tệp",
             "Ngày lập {value} sau ngày tệp được lưu ({saved}): có thể nhập "
             "nhầm; dùng ngày lưu tệp.",
             "Kiểm tra lại ô \"Ngày lập\" trong sheet \"Thông tin\"."),
    CodeInfo(Code.EARLIER_PLAN, "report", "warning", "Mẫu của phiên bản kế hoạch trước",
             "Mẫu báo cáo làm từ một phiên bản trước của kế hoạch này (mã {value}); "
             "vẫn được tổng hợp. Nhiệm vụ giao thêm sau đó không có trong tệp: gửi "
             "mẫu mới cho đơn vị nếu cần.",
             "Gửi mẫu báo cáo mới cho đơn vị nếu cần báo cáo các nhiệm vụ giao thêm."),
    # issue 15, a value typed into a heading row of "Số liệu" (a unit that unprotected the sheet)
    CodeInfo(Code.COUNT_IN_HEADING, "report", "error", "Số liệu ghi ngoài dòng hình thức khen thưởng",
             "Ô {cell} ghi \"{value}\" ở {where}, không thuộc dòng của hình thức khen "
             "thưởng nào: giá trị này không được tính. Nhập số vào ô nền vàng ở dòng của hình "
             "thức khen thưởng tương ứng.",
             "Xoá giá trị đó và nhập số vào ô nền vàng của đúng dòng hình thức khen thưởng "
             "(không mở khoá sheet để ghi vào dòng tiêu đề)."),
    # issue 17 (H4 unitdocs), a unit's Word report: its text is still gathered
    CodeInfo(Code.UNIT_NOT_IDENTIFIED, "report", "warning", "Không xác định được đơn vị gửi văn bản",
             "Không xác định được đơn vị gửi văn bản: tên cơ quan ở đầu văn bản ({header}) và tên "
             "tệp ({file_name}) không khớp đơn vị nào trong sheet \"Đơn vị\" của kế hoạch.",
             "Sửa tên cơ quan ban hành ở đầu văn bản cho đúng tên trong sheet \"Đơn vị\", hoặc đặt "
             "tên tệp là mã đơn vị (ví dụ SGTVT.docx)."),
    CodeInfo(Code.HEADING_NOT_FOUND, "report", "warning", "Văn bản thiếu đề mục của đề cương",
             "Không tìm thấy đề mục \"{heading}\" của đề cương trong văn bản.",
             "Kiểm tra văn bản của đơn vị có nội dung cho đề mục này không (có thể đơn vị đặt tên "
             "khác hoặc gộp vào đề mục khác)."),
    # turned away as a whole (ReportRejected): the unit counts as not having reported
    _rejection(Code.OTHER_PLAN, "report", "Mẫu của kế hoạch khác",
               "Tệp là mẫu báo cáo của một kế hoạch khác ({which}mã kế hoạch {declared}); hãy "
               "dùng mẫu được gửi kèm kế hoạch này (năm {year}).",
               "Đề nghị đơn vị dùng mẫu báo cáo gửi kèm kế hoạch này."),
    _rejection(Code.TEMPLATE_VERSION, "report", "Phiên bản mẫu không còn dùng",
               "Mẫu báo cáo phiên bản {version} không còn dùng được; "
               "hãy dùng mẫu phiên bản {current}.",
               "Gửi mẫu báo cáo mới cho đơn vị và đề nghị báo cáo lại."),
    _rejection(Code.CHANGED_LAYOUT, "report", "Mẫu báo cáo bị sửa cấu trúc", "{reason}",
               "Đề nghị đơn vị dùng mẫu gốc: không xoá, đổi tên sheet, dòng tiêu đề hay cột."),
    _rejection(Code.MISSING_UNIT_CODE, "report", "Thiếu mã đơn vị",
               "Ô \"Mã đơn vị\" (sheet \"Thông tin\") trống.",
               "Đề nghị đơn vị nhập mã đơn vị trong sheet \"Thông tin\" rồi gửi lại."),
    _rejection(Code.UNIT_MISMATCH, "report", "Mẫu của đơn vị khác",
               "Mã đơn vị \"{unit}\" (sheet \"Thông tin\", ô B{row}) nhưng tệp là mẫu báo cáo của "
               "{other} ({other_name}): ô mã đã bị sửa, hoặc đơn vị dùng mẫu của đơn vị khác. Mỗi "
               "đơn vị dùng mẫu của mình (có các nhiệm vụ giao cho đơn vị đó); tệp không được tổng hợp "
               "để không thay báo cáo của {unit}.",
               "Đề nghị mỗi đơn vị dùng mẫu báo cáo của chính mình, không sửa ô mã đơn vị."),
    _rejection(Code.EMPTY_REPORT, "report", "Báo cáo chưa điền",
               "Tệp là mẫu báo cáo chưa điền (không có người lập, ngày lập, tình trạng "
               "nhiệm vụ hay số liệu nào): đơn vị vẫn được coi là chưa nộp.",
               "Đề nghị đơn vị điền báo cáo rồi gửi lại."),
)

_FILE = (
    _rejection(Code.MISSING, "file", "Không tìm thấy tệp",
               "Không tìm thấy tệp: kiểm tra lại đường dẫn, tệp có thể đã bị chuyển đi hoặc bị xoá.",
               "Kiểm tra đường dẫn; tệp vừa bị chuyển đi sẽ được tìm lại ở lần chạy sau.", retried=True),
    _rejection(Code.EMPTY_FILE, "file", "Tệp rỗng",
               "Tệp rỗng (0 byte), không có dữ liệu: có thể tệp chưa tải về xong hoặc gửi nhầm. "
               "Đề nghị đơn vị gửi lại tệp báo cáo.",
               "Đề nghị đơn vị gửi lại tệp báo cáo."),
    _rejection(Code.NOT_EXCEL_HTML, "file", "Trang HTML, không phải Excel",
               "Tệp là trang HTML (thường do tải từ web/phần mềm về rồi đặt đuôi .xlsx), không phải sổ "
               f"Excel. {_RESAVE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
               f"{_RESAVE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo."),
    _rejection(Code.NOT_EXCEL_CSV, "file", "Tệp văn bản/CSV, không phải Excel",
               "Tệp là văn bản/CSV được đặt đuôi Excel, không phải sổ Excel. "
               f"{_RESAVE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo.",
               f"{_RESAVE}, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo."),
    _rejection(Code.NOT_EXCEL, "file", "Không phải tệp Excel", "{reason}",
               "Đề nghị đơn vị gửi lại đúng tệp báo cáo (.xlsx, hoặc .ods lưu từ LibreOffice Calc)."),
    _rejection(Code.ENCRYPTED, "file", "Sổ Excel có mật khẩu", "{reason}",
               "Đề nghị đơn vị gỡ mật khẩu mở tệp rồi gửi lại."),
    _rejection(Code.LEGACY_XLS, "file", "Sổ Excel 97-2003 (.xls)",
               f"Tệp là sổ Excel 97-2003 (.xls). {_XLSX_ONLY}",
               "Mở tệp bằng Excel, lưu thành Excel Workbook (.xlsx) rồi gửi lại."),
    _rejection(Code.XLSB, "file", "Sổ Excel nhị phân (.xlsb)",
               f"Tệp là sổ Excel nhị phân (.xlsb). {_XLSX_ONLY}",
               "Mở tệp bằng Excel, lưu thành Excel Workbook (.xlsx) rồi gửi lại."),
    _rejection(Code.TOO_LARGE, "file", "Tệp quá lớn",
               "Tệp nặng {size} MB, vượt mức tối đa {limit} MB cho một sổ "
               "báo cáo. Xoá bớt ảnh, sheet hoặc dữ liệu thừa, lưu lại rồi gửi.",
               "Xoá bớt ảnh, sheet hoặc dữ liệu thừa, lưu lại rồi gửi."),
    _rejection(Code.CORRUPT_ZIP, "file", "Tệp hỏng hoặc bị cắt cụt",
               "{what} bị hỏng hoặc bị cắt cụt ({detail}); thường do tải về hoặc đính kèm thư chưa "
               "xong. Thử mở bằng {program}; nếu không mở được, đề nghị đơn vị gửi lại tệp.",
               "Thử mở tệp; nếu không mở được, đề nghị đơn vị gửi lại tệp."),
    _rejection(Code.NOT_A_WORKBOOK, "file", "Tệp nén không chứa sổ Excel", "{reason}",
               "Giải nén và gửi từng tệp .xlsx, hoặc đề nghị đơn vị gửi lại đúng tệp báo cáo."),
    _rejection(Code.TOO_MANY_MEMBERS, "file", "Quá nhiều thành phần bên trong",
               "Tệp có {count} thành phần bên trong (tối đa {limit}), bất thường với một "
               f"sổ báo cáo. {_RESAVE}.",
               f"{_RESAVE}."),
    _rejection(Code.BAD_MEMBER_NAME, "file", "Tên thành phần bất thường",
               "Bên trong tệp có thành phần tên bất thường {name!r} ({why}) — Excel không bao giờ "
               f"tạo ra tên như vậy, tệp có thể đã bị chỉnh sửa có chủ đích. {_DO_NOT_OPEN}.",
               f"{_DO_NOT_OPEN}."),
    _rejection(Code.ZIP_BOMB, "file", "Bom nén",
               "Tệp nén bất thường: {detail} — dấu hiệu \"bom nén\" hoặc tệp bị làm giả kích thước. "
               f"{_DO_NOT_OPEN}.",
               f"{_DO_NOT_OPEN}."),
    _rejection(Code.XML_ENTITIES, "file", "Khai báo DOCTYPE/ENTITY",
               "Phần {part} trong tệp có khai báo DOCTYPE/ENTITY — Excel không bao giờ tạo ra "
               f"khai báo này; đây là dấu hiệu tệp bị chỉnh sửa để tấn công (XXE). {_DO_NOT_OPEN}.",
               f"{_DO_NOT_OPEN}."),
    _rejection(Code.OVERSIZED_SHEET, "file", "Sheet quá lớn",
               "Một sheet trong tệp (phần {part}) {detail}. Xoá các dòng/cột thừa ở cuối sheet (nhấn "
               "Ctrl+End để xem ô cuối cùng Excel ghi nhận), lưu lại rồi gửi. Nếu tệp không do đơn vị tạo "
               "bằng Excel, không nên mở tệp này và đề nghị đơn vị gửi lại.",
               "Xoá các dòng/cột thừa ở cuối sheet (Ctrl+End cho thấy ô cuối cùng), lưu lại rồi gửi."),
    _rejection(Code.BAD_SHARED_STRINGS, "file", "Bảng chuỗi dùng chung bất thường",
               "Bảng chuỗi dùng chung ({part}) {detail} — tệp bị hỏng hoặc bị chỉnh sửa. "
               f"{_RESAVE}; nếu không mở được, đề nghị đơn vị gửi lại tệp.",
               f"{_RESAVE}; nếu không mở được, đề nghị đơn vị gửi lại tệp."),
    _rejection(Code.UNREADABLE, "file", "Không đọc được tệp", "{reason}",
               "Kiểm tra quyền đọc tệp và thử mở bằng Excel; lần chạy hằng đêm sau sẽ đọc lại.",
               retried=True),
    _rejection(Code.CRASHED_READER, "file", "Tệp làm chương trình đọc bị lỗi",
               "Tệp làm chương trình đọc bị lỗi nghiêm trọng ({detail}) nên đã bỏ qua tệp này; các tệp khác "
               "vẫn được đọc. Tệp có thể bị hỏng hoặc có cấu trúc bất thường: mở bằng Excel, lưu thành tệp "
               ".xlsx mới rồi gửi lại; nếu Excel cũng không mở được, đề nghị đơn vị gửi lại tệp.",
               "Mở tệp bằng Excel, lưu thành tệp .xlsx mới rồi gửi lại.", retried=True),
    _rejection(Code.TIMEOUT, "file", "Đọc quá thời gian",
               "Đọc tệp quá {seconds:g} giây nên đã dừng; các tệp khác vẫn được đọc. Tệp có thể quá lớn "
               "hoặc có cấu trúc bất thường: xoá bớt sheet, dòng/cột trống và định dạng thừa, lưu lại rồi "
               "gửi; hoặc đề nghị đơn vị gửi lại tệp.",
               "Xoá bớt sheet, dòng/cột trống và định dạng thừa, lưu lại rồi gửi.", retried=True),
    _rejection(Code.OUT_OF_MEMORY, "file", "Đọc quá bộ nhớ",
               "Đọc tệp cần quá mức bộ nhớ cho phép{limit} nên đã dừng; các tệp khác vẫn được đọc. Tệp có "
               "thể quá lớn hoặc bị làm giả kích thước: xoá bớt dữ liệu, ảnh và định dạng thừa, lưu lại rồi "
               "gửi; hoặc đề nghị đơn vị gửi lại tệp.",
               "Xoá bớt dữ liệu, ảnh và định dạng thừa, lưu lại rồi gửi.", retried=True),
    # issue 17 (H4 unitdocs), a unit's Word report (.docx) turned away before it is read
    _rejection(Code.LEGACY_DOC, "file", "Văn bản Word 97-2003 (.doc)",
               "Tệp là văn bản Word 97-2003 (.doc), dạng chương trình không đọc. Mở tệp bằng Word, "
               "chọn Lưu thành > Word Document (.docx) rồi gửi lại tệp .docx.",
               "Mở tệp bằng Word, lưu thành Word Document (.docx) rồi gửi lại."),
    _rejection(Code.ENCRYPTED_WORD, "file", "Văn bản Word có mật khẩu",
               "Văn bản Word có đặt mật khẩu mở tệp (nội dung đã mã hoá) nên không đọc được. Đề nghị "
               "đơn vị gỡ mật khẩu (Tệp > Thông tin > Bảo vệ tài liệu > Mã hoá bằng mật khẩu, xoá "
               "mật khẩu, Lưu) rồi gửi lại.",
               "Đề nghị đơn vị gỡ mật khẩu mở tệp rồi gửi lại."),
    _rejection(Code.NOT_A_WORD_DOCUMENT, "file", "Không phải văn bản Word .docx", "{reason}",
               "Đề nghị đơn vị gửi lại đúng văn bản báo cáo dạng .docx (Word hoặc LibreOffice Writer "
               "lưu thành .docx)."),
    _rejection(Code.OVERSIZED_WORD_DOCUMENT, "file", "Nội dung văn bản Word quá lớn",
               "Phần nội dung văn bản ({part}) dài {size} MB, vượt mức tối đa {limit} MB cho một văn "
               "bản báo cáo: tệp bất thường hoặc bị chỉnh sửa. Đề nghị đơn vị gửi lại văn bản được lưu "
               "trực tiếp từ Word.",
               "Đề nghị đơn vị gửi lại văn bản được lưu trực tiếp từ Word (.docx)."),
)

_RUN = (
    _rejection(Code.FILE_LOCKED, "run", "Tệp đang bị khoá",
               "Không mở được tệp để đọc ({error}): có thể tệp đang được chép "
               "vào, đang bị khoá hoặc không có quyền đọc. Sẽ đọc lại ở lần chạy sau.",
               "Thường không cần làm gì; nếu lặp lại nhiều đêm, kiểm tra quyền đọc tệp.", retried=True),
    # issue 15, the inbox walk: entries left out (skipped) without being opened
    _rejection(Code.SYMLINK_LOOP, "run", "Liên kết vòng lặp",
               "Liên kết tượng trưng (symlink) vòng lặp hoặc nối quá {depth} tầng, không trỏ tới tệp "
               "nào, nên bỏ qua. Xoá liên kết và chép tệp báo cáo thật vào hộp thư.",
               "Xoá liên kết và chép tệp báo cáo thật vào hộp thư."),
    _rejection(Code.DANGLING_LINK, "run", "Liên kết tới tệp không còn",
               "Liên kết tượng trưng (symlink) trỏ tới {target}, nơi không còn tệp nào, nên bỏ qua. "
               "Xoá liên kết và chép tệp báo cáo thật vào hộp thư.",
               "Xoá liên kết và chép tệp báo cáo thật vào hộp thư."),
    _rejection(Code.NOT_A_REGULAR_FILE, "run", "Không phải tệp thường",
               "Không phải tệp thường mà là {kind}: không mở để khỏi treo chương trình, nên bỏ qua. "
               "Xoá mục này khỏi hộp thư và chép tệp báo cáo thật vào.",
               "Xoá mục này (ống dẫn, tệp thiết bị, socket) khỏi hộp thư và chép tệp báo cáo thật vào."),
    _rejection(Code.ENTRY_UNREADABLE, "run", "Không đọc được tệp hoặc thư mục",
               "Không đọc được {what} ({error}). Cấp quyền đọc {what} cho tài khoản chạy chương trình "
               "rồi chạy lại.",
               "Cấp quyền đọc tệp hoặc thư mục cho tài khoản chạy chương trình rồi chạy lại; các tệp "
               "khác vẫn được đọc."),
    # issue 17 (H6 results): the nightly ledger read back instead of the inbox
    _rejection(Code.LEDGER_MISSING, "run", "Không có sổ cái",
               "Không có sổ cái {path}: lần tổng hợp hằng đêm chưa chạy với sổ cái này, hoặc đường dẫn "
               "sai.",
               "Kiểm tra đường dẫn sổ cái (tệp .tdkt.sqlite bên cạnh sổ tổng hợp của lần tổng hợp hằng "
               "đêm), hoặc đọc thẳng hộp thư."),
    _rejection(Code.LEDGER_DAMAGED, "run", "Sổ cái không đọc được",
               "Sổ cái {path} không đọc được: {reason}",
               "Kiểm tra đường dẫn; nếu sổ cái đã hỏng, đọc thẳng hộp thư, hoặc chạy lần tổng hợp hằng "
               "đêm với một sổ cái mới."),
    # issue 17 (H3 report): the đề cương given to the draft report
    _rejection(Code.OUTLINE_UNREADABLE, "run", "Không đọc được đề cương",
               "Không đọc được đề cương {path}: {reason}",
               "Lưu đề cương thành tệp .txt (mỗi đề mục một dòng, đánh số như I., 1., a), -), tệp .xlsx "
               "có sheet \"Đề cương\" hoặc tệp .docx, rồi chạy lại; bỏ --de-cuong để dùng đề cương trong sổ "
               "kế hoạch hoặc đề cương mặc định."),
    _rejection(Code.OUTLINE_EMPTY, "run", "Đề cương không có đề mục",
               "Đề cương {path} không có đề mục nào được đánh số (như \"I.\", \"1.\", \"a)\", \"-\").",
               "Đánh số mỗi đề mục ở đầu dòng như đề cương mẫu (I. … ; 1. … ; a) … ; - …) rồi chạy lại."),
)

# The same codes given at a second stage, with that stage's wording.
_ALSO: tuple[tuple[Code, Use], ...] = (
    (Code.EXCEL_ERROR, Use("report", "error", "Ô có lỗi Excel {value}.",
                           "Sửa công thức hoặc nhập lại giá trị cho ô rồi gửi lại báo cáo.")),
    (Code.FORMULA_NO_VALUE, Use(
        "report", "error", "Ô có công thức {value} nhưng tệp không lưu kết quả của nó (tệp không "
                           "được lưu bằng Excel): mở tệp bằng Excel, lưu lại rồi gửi. Ô này không "
                           "được tính.",
        "Mở tệp bằng Excel, lưu lại rồi gửi.")),
    (Code.MISSING_UNIT_CODE, Use("report", "error", "Ô \"Mã đơn vị\" trống.",
                                 "Nhập mã đơn vị trong sheet \"Thông tin\".")),
    (Code.UNKNOWN_UNIT, Use(
        "report", "error", "Mã đơn vị \"{code}\" (sheet \"Thông tin\", ô B{row}) không có "
                           "trong danh sách đơn vị của kế hoạch.",
        "Kiểm tra mã đơn vị trong sheet \"Thông tin\" của báo cáo, hoặc thêm đơn vị vào sheet "
        "\"Đơn vị\" của kế hoạch.", rejects=True)),
    (Code.UNKNOWN_UNIT, Use(
        "run", "error", "Đơn vị {unit} không còn trong danh sách đơn vị của kế hoạch (hoặc "
                        "nay là một nhóm); báo cáo không được tổng hợp.",
        "Không cần làm gì nếu đơn vị đã được bỏ khỏi kế hoạch; nếu không, thêm lại vào sheet "
        "\"Đơn vị\".", rejects=True)),
    (Code.OTHER_PLAN, Use(
        "run", "error", "Báo cáo đã được kiểm tra theo {which} và tệp không còn trong hộp thư để "
                        "kiểm tra lại; không tổng hợp vào kế hoạch năm {year}.",
        "Chép lại tệp vào hộp thư nếu cần kiểm tra theo kế hoạch này.", rejects=True)),
)


def _registry(infos: Iterable[CodeInfo], also: Iterable[tuple[Code, Use]]) -> dict[Code, CodeInfo]:
    codes: dict[Code, CodeInfo] = {info.code: info for info in infos}  # tests: none given twice
    for code, use in also:
        codes[code] = replace(codes[code], also=(*codes[code].also, use))
    return {code: codes[code] for code in Code}  # in the order of Code (KeyError: one not described)


ENTRIES: tuple[CodeInfo, ...] = (*_PLAN, *_REPORT, *_FILE, *_RUN)
CODES: dict[Code, CodeInfo] = _registry(ENTRIES, _ALSO)


def catalog(stage: Stage, *, rejects: bool = False) -> dict[str, tuple[Severity, str]]:
    """code -> (severity, message template) of the codes given at ``stage`` (as rejections or not)."""
    return {code.value: (use.severity, use.template) for code, info in CODES.items()
            if (use := info.at(stage, rejects=rejects)) is not None}


def titles(stage: Stage) -> dict[str, str]:
    """code -> Vietnamese title of the codes given at ``stage`` (``"file"``: the rejection titles)."""
    return {code.value: info.title for code, info in CODES.items() if info.at(stage) is not None}


# code -> (severity, message template). Templates use str.format fields.
CATALOG: dict[str, tuple[Severity, str]] = catalog("plan")  # the plan validator's problems
REPORT_CATALOG: dict[str, tuple[Severity, str]] = catalog("report")  # a unit report's cell problems
# Rejections whose cause may pass (the file was being copied, the share blinked, the machine was
# busy): the nightly run reads a file rejected so again at its next run.
RETRIED_CODES: frozenset[Code] = frozenset(code for code, info in CODES.items() if info.retried)
# the codes a Problem may carry (given as a problem at some stage, not only as a rejection)
PROBLEM_CODES = frozenset(code.value for code, info in CODES.items()
                          if any(not use.rejects for use in info.uses()))
