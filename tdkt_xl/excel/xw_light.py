"""xlwings, imported without the optional libraries it would load and the add-in does not use.

xlwings imports pandas, numpy, polars, matplotlib and PIL when they are installed, for converters
the add-in never asks for (the handlers read and write lists of plain values): pandas and numpy
alone are half a second, at every button press, since every ``RunPython`` starts a Python. While
xlwings is imported here they are marked absent, as xlwings allows (each is a ``try: import``);
afterwards they can be imported as usual by whoever needs them (xlwings keeps doing without).
When xlwings is imported already, it is used as it is.

>>> from tdkt_xl.excel.xw_light import xw
>>> xw.__name__
'xlwings'
"""

from __future__ import annotations

import sys

OPTIONAL = ("pandas", "numpy", "polars", "matplotlib", "PIL")

_absent = [] if "xlwings" in sys.modules else [name for name in OPTIONAL if name not in sys.modules]
for _name in _absent:
    sys.modules[_name] = None  # type: ignore[assignment]  # import of a None entry: ImportError
try:
    import xlwings as xw
finally:
    for _name in _absent:
        if _name in sys.modules and sys.modules[_name] is None:
            del sys.modules[_name]

__all__ = ["OPTIONAL", "xw"]
