"""A button press as a fresh Python runs it (issue 18): "Kiểm tra" on the sample plan gives the
actions it gives in the test process, without importing pandas, numpy or openpyxl (xlwings is
imported without its optional libraries, :mod:`tdkt_xl.excel.xw_light`), nor the modules of the
reports and their consolidation; afterwards they import as usual. Speed is measured in
``bench/bench_click.py``, never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_excel_handlers import remote_engine  # noqa: F401  (autouse here too)
from xlwings_remote import actions, open_book, payload

from tdkt_xl.consolidation import master
from tdkt_xl.excel import handlers

ROOT = Path(__file__).resolve().parents[1]

CLICK = """
import json, sys
from tdkt_xl.excel import handlers
from tdkt_xl.excel.xw_light import xw
book = xw.Book(json=json.loads(open(sys.argv[1], encoding="utf-8").read()))
book.set_mock_caller()
message = handlers.kiem_tra()
loaded = sorted(m for m in ("pandas", "numpy", "openpyxl", "polars", "tdkt_xl.consolidation.aggregate",
                            "tdkt_xl.intake.unit_report") if m in sys.modules)
import numpy  # still importable after the press
print(json.dumps({"message": message, "actions": book.json()["actions"], "loaded": loaded,
                  "numpy": numpy.__name__}, ensure_ascii=False))
"""


def test_a_press_in_a_fresh_python_gives_the_same_actions_without_pandas(sample_plan: Path,
                                                                          tmp_path: Path) -> None:
    source = tmp_path / "payload.json"
    source.write_text(json.dumps(payload(sample_plan), ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", handlers.LOG_ENV: str(tmp_path / "log"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", CLICK, str(source)], capture_output=True, text=True,
                          env=env, check=True)
    fresh = json.loads(done.stdout)
    book = open_book(sample_plan)
    message = handlers.kiem_tra()
    assert (fresh["message"], fresh["actions"]) == (message, actions(book))
    assert fresh["loaded"] == []
    assert fresh["numpy"] == "numpy"


def test_the_master_sheets_the_buttons_know_are_the_master_s() -> None:
    assert (handlers.SUBMISSIONS_SHEET, handlers.TOTALS_DETAIL_SHEET) == (
        master.SUBMISSIONS_SHEET, master.TOTALS_DETAIL_SHEET)


@pytest.mark.parametrize(("letters", "number"), [("A", 1), ("Z", 26), ("AA", 27), ("XFD", 16384)])
def test_column_letters(letters: str, number: int) -> None:
    assert handlers._column_number(letters) == number


@pytest.mark.parametrize(("before", "flag", "after"), [
    ("", True, "True"), ('"USE UDF SERVER","False"\r\n', True, "True"),
    ('"Use UDF Server","True"\r\n', False, "False"), ('"USE UDF SERVER","True"\r\n', None, "True"),
    ("", None, None)])
def test_install_can_turn_the_udf_server_on_and_off(tmp_path: Path, before: str, flag: bool | None,
                                                     after: str | None) -> None:
    """``addin install --udf-server``: RunPython runs in xlwings' COM server, one Python kept open
    (what only Windows Excel can show working: docs/excel-addin.md); without the flag the file's
    own setting stays."""
    from tdkt_xl.excel.addin.install import UDF_SERVER_KEY, install_addin, read_config

    config = tmp_path / "tdkt_xl.conf"
    config.write_bytes(('"SHOW CONSOLE","False"\r\n' + before).encode("cp1252"))
    report = install_addin(None, target_dir=tmp_path / "AddIns", config_file=config,
                           interpreter=Path("C:/py/pythonw.exe"), pythonpath=None, register=False,
                           udf_server=flag)
    settings = {key.upper(): value for key, value in read_config(config, "cp1252")}
    assert settings.get(UDF_SERVER_KEY) == after
    assert settings["SHOW CONSOLE"] == "False"
    assert (UDF_SERVER_KEY in {key.upper() for key in report.settings}) == (after is not None)
