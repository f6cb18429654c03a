"""Time a button press of the add-in: a fresh Python from its start to the actions of "Kiểm tra" on
the sample plan, as the remote-engine tests run it (``xw.Book(json=…)``, ``book.json()``), in
alternating rounds with the floor (a Python that starts and imports nothing) and the import of
xlwings as it comes (with pandas and numpy). Also the import time of ``tdkt_xl.excel.handlers``
(``python -X importtime``). Medians and spread (min–max) of the rounds.

    python bench/bench_click.py [--rounds 7]

Every RunPython call of the add-in starts a Python (``pythonw.exe -c "…; kiem_tra()"``), so this
is what a staff member waits for on each press, less Excel's own part (reading the used range,
applying the actions), which only Windows can measure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the payload as the handler tests make it
from bench_consolidate import byte_compile_package  # noqa: E402
from xlwings_remote import payload  # noqa: E402

SAMPLE = ROOT / "workbooks" / "ke_hoach_mau.xlsx"

CLICK = """
import time
start = time.perf_counter()
import json, sys
from tdkt_xl.excel import handlers
from tdkt_xl.excel.xw_light import xw
imported = time.perf_counter()
book = xw.Book(json=json.loads(open(sys.argv[1], encoding="utf-8").read()))
book.set_mock_caller()
message = handlers.kiem_tra()
actions = book.json()["actions"]
done = time.perf_counter()
print(json.dumps({"import_s": imported - start, "handler_s": done - imported, "actions": len(actions),
                  "message": message, "loaded": sorted(m for m in ("pandas", "numpy", "openpyxl")
                                                       if m in sys.modules)}, ensure_ascii=False))
"""


def run(code: str, *args: str, env: dict[str, str]) -> tuple[float, str]:
    """Wall time of a fresh Python running ``code``, from its start to its end, and its output."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          check=True)
    return time.perf_counter() - start, done.stdout


def handlers_import_time(env: dict[str, str]) -> float:
    """``tdkt_xl.excel.handlers``' cumulative import time (``-X importtime``), in seconds."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import tdkt_xl.excel.handlers"],
                          capture_output=True, text=True, env=env, check=True)
    lines = done.stderr.splitlines()
    line = next(line for line in lines if line.rstrip().endswith("| tdkt_xl.excel.handlers"))
    return int(line.split("|")[1]) / 1e6


def spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    byte_compile_package()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "payload.json"
        source.write_text(json.dumps(payload(SAMPLE), ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "TDKT_XL_LOG": str(Path(folder) / "log"),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        times: dict[str, list[float]] = {"python_floor": [], "import_xlwings_as_it_comes": [],
                                        "click_kiem_tra": [], "click_import": [], "click_handler": [],
                                        "handlers_importtime": []}
        last: dict[str, Any] = {}
        for _ in range(args.rounds):  # alternating: each round runs each once
            times["python_floor"].append(run("pass", env=env)[0])
            times["import_xlwings_as_it_comes"].append(run("import xlwings", env=env)[0])
            wall, out = run(CLICK, str(source), env=env)
            last = json.loads(out)
            times["click_kiem_tra"].append(wall)
            times["click_import"].append(last["import_s"])
            times["click_handler"].append(last["handler_s"])
            times["handlers_importtime"].append(handlers_import_time(env))
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
                   f"{platform.python_version()}",
        "rounds": args.rounds,
        "seconds": {name: spread(values) for name, values in times.items()},
        "actions": last.get("actions"), "message": last.get("message"),
        "libraries_loaded_by_the_click": last.get("loaded"),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
