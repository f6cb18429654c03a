"""The Excel add-in's Python side: the handlers the TĐKT ribbon buttons call through xlwings.

:mod:`tdkt_xl.excel.handlers` has one function per button (``kiem_tra``,
``cap_nhat_trang_thai``, ``tao_mau_bao_cao``, ``tong_hop``, ``don_doc``, ``du_thao_bao_cao``,
``huong_dan``);
:mod:`tdkt_xl.excel.xw_io` reads and writes an open workbook in batched calls;
:mod:`tdkt_xl.excel.content` holds what they write and say, as plain values. The core
(:mod:`tdkt_xl.plans.reader`, :mod:`tdkt_xl.plans.status` …) never imports xlwings; only this package does,
and only when a handler is used.

>>> import tdkt_xl.excel as excel
>>> callable(excel.kiem_tra)
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["cap_nhat_trang_thai", "don_doc", "du_thao_bao_cao", "huong_dan", "kiem_tra", "tao_mau_bao_cao",
           "tong_hop"]


def __getattr__(name: str) -> Any:
    """The handlers, imported on first use (so that importing the package needs no xlwings)."""
    if name in __all__:
        from tdkt_xl.excel import handlers

        return getattr(handlers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
