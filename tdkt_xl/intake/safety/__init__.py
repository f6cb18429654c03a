"""Checks on a workbook file before any parser sees it (pure Python, stdlib zip).

Units send back hundreds of workbooks; some are not workbooks at all (HTML pages,
CSV, .xls, password-protected files) and a few are broken or hostile (zip bombs,
XML entities, sheets that claim a billion cells). Parsers react badly to those:
python-calamine aborts the whole process on a 2 KB file with a cell at XFD1048576,
openpyxl says "File is not a zip file" for all of the first kind alike. The checks
here turn each such file into a :class:`Rejection` with a stable code and a
Vietnamese reason that says what the file is and what to do.

An OpenDocument spreadsheet (.ods, as LibreOffice saves it; also one renamed .xlsx) is
checked as well and then read like an .xlsx.

The modules, by what they check:

- :mod:`~tdkt_xl.intake.safety.limits_and_rejections`: the limits, the rejections and their titles;
- :mod:`~tdkt_xl.intake.safety.zip_container`: the zip around a workbook (or what the file is instead);
- :mod:`~tdkt_xl.intake.safety.xml_text`: small helpers for the text of XML parts;
- :mod:`~tdkt_xl.intake.safety.xlsx_part_scan`: one XML part of an .xlsx;
- :mod:`~tdkt_xl.intake.safety.xlsx_parts`: all the parts of an .xlsx, which part is which sheet;
- :mod:`~tdkt_xl.intake.safety.ods`: an OpenDocument spreadsheet;
- :mod:`~tdkt_xl.intake.safety.examine`: :func:`check_package`, :func:`scan_package` and
  :func:`quick_scan`, which run them.
"""

from tdkt_xl.intake.safety.examine import check_package, quick_scan, scan_package
from tdkt_xl.intake.safety.limits_and_rejections import (
    REJECTION_TITLES,
    Limits,
    PackageScan,
    RejectedFile,
    Rejection,
)

__all__ = [
    "REJECTION_TITLES",
    "Limits",
    "PackageScan",
    "RejectedFile",
    "Rejection",
    "check_package",
    "quick_scan",
    "scan_package",
]
