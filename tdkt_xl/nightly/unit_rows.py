"""The rows of the units a first nightly rebuild made, each held until its sheet takes it.

:func:`~tdkt_xl.nightly.rebuild.rebuild` makes every unit's rows of the master's long sheets
(its submission and its rows on each task) before it puts them in each sheet's order; the rows of
ten thousand units are megabytes, so each is given away once, to its sheet's
:class:`~tdkt_xl.consolidation.master_cells.Block`, and then no longer held here. (Its row of counts
is not held at all: the units are made in the order of that sheet, which takes each as it comes.)
"""

from __future__ import annotations

from collections.abc import Sequence


class UnitRows:
    """The units' rows, by unit code, each to be taken once.

    >>> rows = UnitRows()
    >>> rows.add("A", b"<s/>", (b"<d1/>", b"<d2/>"))
    >>> rows.submissions.pop("A"), rows.next_detail("A"), rows.next_detail("A"), rows.next_detail("G")
    (b'<s/>', b'<d1/>', b'<d2/>', None)
    """

    def __init__(self) -> None:
        self.submissions: dict[str, bytes] = {}
        self.detail: dict[str, list[bytes]] = {}  # the rows left, the next one last

    def add(self, code: str, submission: bytes, detail: Sequence[bytes]) -> None:
        self.submissions[code] = submission
        self.detail[code] = list(reversed(detail))

    def next_detail(self, code: str) -> bytes | None:
        """The unit's next row in "Chi tiết tiến độ", or None for a code that is no unit made (a
        group without listed members)."""
        left = self.detail.get(code)
        return left.pop() if left is not None else None
