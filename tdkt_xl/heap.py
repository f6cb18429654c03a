"""Memory a long run has freed, given back to the system between its stages.

A nightly run over ten thousand reports frees megabytes between its stages (the inbox's listing
and digests, the results parsed, the rows of the master once deflated into pieces). The C library's
allocator keeps freed blocks for later use, so the process would hold each stage's peak until it
ends and the next stage would start from there. :func:`give_back_freed_memory` asks glibc to return
the free pages it holds (``malloc_trim``: a millisecond or two). Elsewhere (Windows, macOS, a C
library without it) it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


@functools.cache
def _trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # another C library (musl), or none by that name
        return None


def give_back_freed_memory() -> bool:
    """Return the free memory the C library holds to the system; whether it could be asked.

    >>> give_back_freed_memory() == sys.platform.startswith("linux")
    True
    """
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
