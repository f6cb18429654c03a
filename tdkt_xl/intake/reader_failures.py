"""What a reader that fails costs: the Vietnamese rejection of a file that could not be read,
that crashed its reader, took too long or needed too much memory (made by
:mod:`tdkt_xl.intake.worker_pool`, which reads each file in a worker process)."""

from __future__ import annotations

import logging

from tdkt_xl.errors import Code
from tdkt_xl.intake.safety.limits_and_rejections import Rejection

_log = logging.getLogger("tdkt_xl.intake.worker_pool")  # (the log the pool's messages go to)


def unreadable(error: BaseException) -> Rejection:
    text = str(error).strip() or type(error).__name__
    _log.warning("unreadable file: %s: %s", type(error).__name__, text[:300])  # (the class: for the log)
    return Rejection(
        Code.UNREADABLE,
        "Không đọc được tệp (chương trình đọc không hiểu cấu trúc tệp). Thử mở tệp bằng Excel: nếu mở được, "
        "lưu thành tệp mới (Lưu thành > Excel Workbook .xlsx) rồi gửi lại; nếu không, đề nghị đơn vị "
        "gửi lại tệp.",
    )


def crashed(detail: str) -> Rejection:
    return Rejection(
        Code.CRASHED_READER,
        f"Tệp làm chương trình đọc bị lỗi nghiêm trọng ({detail}) nên đã bỏ qua tệp này; các tệp khác "
        "vẫn được đọc. Tệp có thể bị hỏng hoặc có cấu trúc bất thường: mở bằng Excel, lưu thành tệp "
        ".xlsx mới rồi gửi lại; nếu Excel cũng không mở được, đề nghị đơn vị gửi lại tệp.",
    )


def timed_out(timeout_s: float) -> Rejection:
    return Rejection(
        Code.TIMEOUT,
        f"Đọc tệp quá {timeout_s:g} giây nên đã dừng; các tệp khác vẫn được đọc. Tệp có thể quá lớn "
        "hoặc có cấu trúc bất thường: xoá bớt sheet, dòng/cột trống và định dạng thừa, lưu lại rồi "
        "gửi; hoặc đề nghị đơn vị gửi lại tệp.",
    )


def out_of_memory(memory_mb: int | None) -> Rejection:
    limit = f" {memory_mb} MB" if memory_mb else ""
    return Rejection(
        Code.OUT_OF_MEMORY,
        f"Đọc tệp cần quá mức bộ nhớ cho phép{limit} nên đã dừng; các tệp khác vẫn được đọc. Tệp có "
        "thể quá lớn hoặc bị làm giả kích thước: xoá bớt dữ liệu, ảnh và định dạng thừa, lưu lại rồi "
        "gửi; hoặc đề nghị đơn vị gửi lại tệp.",
    )
