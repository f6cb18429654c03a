"""The add-in's one error: :class:`AddinError`, raised by every step of building or installing it."""

from __future__ import annotations


class AddinError(Exception):
    """Building or installing the add-in failed; the message is for the user (Vietnamese)."""
