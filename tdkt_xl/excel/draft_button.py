"""What the "Dự thảo báo cáo" button does apart from the workbook (issue 17): the draft Báo cáo
tổng kết written beside the plan by :mod:`tdkt_xl.documents.draft_report` (atomically), then
opened in Word. The handler (:func:`tdkt_xl.excel.handlers.du_thao_bao_cao`) reads the plan and
the inbox and shows what this says.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tdkt_xl.errors import TdktError
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import os_error_reason

if TYPE_CHECKING:
    from tdkt_xl.consolidation.aggregate import Consolidation

DRAFT_REPORT_FILE = "du_thao_bao_cao.docx"

log = logging.getLogger("tdkt_xl.excel")


class DraftNotWritten(TdktError):
    """The draft report could not be written; the message (Vietnamese) says why and what to do."""


def write_draft(plan: Plan, result: Consolidation, folder: Path) -> Path:
    """Write the draft report of ``result`` in ``folder`` (:data:`DRAFT_REPORT_FILE`) and return
    it; raise :class:`DraftNotWritten`.

    >>> import tempfile
    >>> from datetime import date
    >>> folder = Path(tempfile.mkdtemp()); (folder / DRAFT_REPORT_FILE).mkdir()
    >>> from tdkt_xl.consolidation.aggregate import consolidate
    >>> empty = consolidate(Plan(year=2024), [], [], as_of=date(2024, 7, 1))
    >>> try:
    ...     write_draft(Plan(year=2024), empty, folder)
    ... except DraftNotWritten as error:
    ...     print(str(error)[:28])
    Không ghi được dự thảo báo c
    """
    from tdkt_xl.documents.draft_report import write_draft_report  # (python-docx: only here)

    target = folder / DRAFT_REPORT_FILE
    try:
        write_draft_report(plan, result, target)
    except OSError as error:
        raise DraftNotWritten(f"Không ghi được dự thảo báo cáo {target} ({os_error_reason(error)}): tệp "
                              "đang mở trong Word? Đóng tệp đó rồi bấm Dự thảo báo cáo lại.") from None
    except TdktError as error:  # the plan's own đề cương cannot be read: said as it is
        raise DraftNotWritten(str(error)) from None
    return target


def open_in_word(path: Path, *, local: bool) -> None:
    """Open a document just written in Word: on Windows, for a workbook on this computer
    (``local``); elsewhere nothing (the message names the file)."""
    start = getattr(os, "startfile", None)
    if start is None or not local:
        return
    try:
        start(str(path))
    except OSError:
        log.info("Cannot open %s", path, exc_info=True)
