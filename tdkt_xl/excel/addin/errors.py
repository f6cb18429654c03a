"""The add-in's one error: :class:`AddinError`, raised by every step of building or installing it."""

from __future__ import annotations

from tdkt_xl.errors import TdktError


class AddinError(TdktError):
    """Building or installing the add-in failed; the message is for the user (Vietnamese)."""
