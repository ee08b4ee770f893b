"""Bytes -> text for HTML: charset from the BOM, the HTTP header, ``<meta>``, then detection.

A BOM is checked first because it cannot be wrong (the HTML standard does the
same); a declared charset that does not decode the bytes is not trusted blindly;
``iso-8859-1`` and ``us-ascii`` labels decode as windows-1252, as browsers do.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email.message import Message

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([a-zA-Z0-9_\-.]+)""")
_BROWSER_ALIASES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}
_SNIFF_BYTES = 4096
_DETECT_BYTES = 256 * 1024
_MIN_DETECT_BYTES = 1024
# Legacy encodings by how common they are on the web, to break detection ties.
_WEB_COMMON = (
    "cp1252", "cp1251", "gb18030", "gbk", "shift_jis", "euc_jp", "euc_kr", "big5",
    "cp1250", "iso8859_15", "iso8859_2", "koi8_r", "cp1256", "cp1253", "cp1254", "cp874",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    charset: str
    origin: str  # bom | header | meta | detected | fallback


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    value = message.get_param("charset")
    return value.strip() if isinstance(value, str) and value.strip() else None


def normalise_label(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown.

    >>> normalise_label("ISO-8859-1"), normalise_label("UTF8"), normalise_label("x-bogus")
    ('cp1252', 'utf-8', None)
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _BROWSER_ALIASES.get(name, name)


def _clean(body: bytes, codec: str | None) -> str | None:
    """The text when ``codec`` decodes ``body`` (a stray bad byte or two is tolerated)."""
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        text = body.decode(codec, "replace")
    except LookupError:
        return None
    return text if text.count("\ufffd") <= max(2, len(text) // 10_000) else None


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(bom_codec, "replace"), bom_codec.removesuffix("-sig"), "bom")
    head = body[:_SNIFF_BYTES]
    candidates = (
        ("header", charset_from_content_type(content_type)),
        ("meta", _first(_META, head)),
        ("meta", _first(_XML_DECL, head)),
    )
    for origin, label in candidates:
        codec = normalise_label(label)
        declared = _clean(body, codec)
        if declared is not None and codec is not None:
            return Decoded(declared, codec, origin)
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii", "detected")
    utf8 = _clean(body, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", "detected")
    if len(body) < _MIN_DETECT_BYTES:  # too little text to detect: the web's usual legacy charset
        return Decoded(body.decode("cp1252", "replace"), "cp1252", "fallback")
    detected = normalise_label(detect(body[:_DETECT_BYTES]))
    if detected is not None:
        return Decoded(body.decode(detected, "replace"), detected, "detected")
    return Decoded(body.decode("utf-8", "replace"), "utf-8", "fallback")


def detect(sample: bytes) -> str | None:
    """charset-normalizer's guess; among equally good guesses, the one the web uses most."""
    matches = list(charset_normalizer.from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    ties = [m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    return next((e for e in _WEB_COMMON if e in ties), best.encoding)


def _first(pattern: re.Pattern[bytes], head: bytes) -> str | None:
    found = pattern.search(head)
    return found.group(1).decode("ascii", "replace") if found else None
