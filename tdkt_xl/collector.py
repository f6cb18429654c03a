"""Python's cycle collector paused while many small objects are made at once.

Reading a plan of ten thousand tasks, writing its status copy, or a nightly run's stored state
makes hundreds of thousands of small objects (models, cells, lists, strings) and keeps them until
the work is done. The cycle collector runs every 700 new objects and each time goes over them
again: a fifth of the time of reading a large plan. Pausing it loses nothing: nothing made there
is garbage before the end, and the cycles among it (an openpyxl cell and its sheet) are collected
once the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block (as it was after it: a block inside another leaves it
    off for the outer one).

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
