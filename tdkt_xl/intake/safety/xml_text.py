"""Small helpers for the text of XML parts, read without a parser: a cell's column letters as a
number, entities unescaped, a tag's attributes, and the DOCTYPE/ENTITY declaration no workbook
part may hold.
"""

from __future__ import annotations

import re

ENTITY_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def column_number(letters: str) -> int:
    """1 for "A", 16384 for "XFD".

    >>> column_number("A"), column_number("AA"), column_number("XFD")
    (1, 27, 16384)
    """
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def unescape_xml(text: str, *, quotes: bool = False) -> str:
    """&lt;, &gt; (and &quot;, &apos;), then &amp; replaced: what xml.sax.saxutils.unescape does
    (which would import urllib.request, http and ssl: a twentieth of a second at every start).

    >>> print(unescape_xml("a &lt;b&gt; &amp;lt; &quot;"), unescape_xml("&quot;x&apos;", quotes=True))
    a <b> &lt; &quot; "x'
    """
    text = text.replace("&lt;", "<").replace("&gt;", ">")
    if quotes:
        text = text.replace("&quot;", '"').replace("&apos;", "'")
    return text.replace("&amp;", "&")


def xml_attributes(raw: bytes) -> dict[str, str]:
    """The attributes of a tag (the bytes between its name and its end), values unescaped."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        text = value.decode("utf-8", "replace")
        found[match.group(1).decode("utf-8", "replace")] = (
            unescape_xml(text, quotes=True) if "&" in text else text
        )
    return found
