"""Text normalisation shared by every field: one deterministic form of a string.

The event extractor computes character offsets into ``Article.text``, so the same
input must always give the same text: no locale, no time, no randomness here.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Dumps store HTML with its line breaks written as the two characters "\" "n".
_LITERAL_ESCAPES = re.compile(r"\\r\\n|\\[rnt]")
# Only entities with their semicolon: "R&D" or "&copy 2024" stay as written.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Characters that split words for a tokenizer but mean nothing: soft hyphen, zero-width
# space, word joiner, BOM, C0/C1 controls (tab, newline and our separator aside) and the
# private-use glyphs of icon fonts.
_INVISIBLE = re.compile(
    "[\u00ad\u200b\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1d\x1f\x7f-\x9f\ue000-\uf8ff]"
)
# Any character that one of the repairs below acts on.
_SUSPECT = re.compile(
    "[\\\\&\u00ad\u200b\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1d\x1f\x7f-\x9f\ue000-\uf8ffÃâÂ]"
)
# Joins paragraphs while they are cleaned in one pass; whitespace to str.split().
_SEPARATOR = "\x1e"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# Windows-1252 text read as Latin-1 leaves its curly quotes and dashes as C1 controls.
_C1 = re.compile("[\x80-\x9f]")
_CP1252 = {code: bytes([code]).decode("cp1252", "ignore") or None for code in range(0x80, 0xA0)}
# UTF-8 read as Windows-1252: "Ã©" for "é", "â€™" for "’".
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
    "\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]{1,3}"
)


def clean_inline(value: str) -> str:
    """One line of text: escapes and entities decoded, whitespace collapsed, NFC.

    >>> clean_inline("Hong&nbsp;Kong\\\\r\\\\n  lawmaker ")
    'Hong Kong lawmaker'
    """
    return " ".join(_decode(value).split())


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs as ``Article.text`` holds them: cleaned, non-empty, a blank line apart."""
    text = _decode(_SEPARATOR.join(paragraphs))
    cleaned = (" ".join(part.split()) for part in text.split(_SEPARATOR))
    return "\n\n".join(part for part in cleaned if part)


def word_count(text: str) -> int:
    """Words in a text ``join_paragraphs`` made: one space between words and a blank line
    between paragraphs are its only whitespace, so counting them is enough."""
    if not text:
        return 0
    return text.count(" ") + text.count("\n\n") + 1


def split_plain_text(value: str) -> list[str]:
    """Paragraphs of a plain-text article (news APIs deliver text without HTML).

    Blank lines separate paragraphs when there are any; otherwise every line break
    is one, since APIs that send single newlines use them between paragraphs.
    """
    value = value.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _BLANK_LINE.search(value):
        return _BLANK_LINE.split(value)
    return value.split("\n")


def repair_encoding(value: str) -> str:
    """Undo the two common misreadings of a page's bytes (see _C1 and _MOJIBAKE)."""
    if _C1.search(value):
        value = value.translate(_CP1252)
    if "Ã" in value or "â" in value or "Â" in value:
        value = _MOJIBAKE.sub(_redecode, value)
    return value


def _redecode(match: re.Match[str]) -> str:
    try:
        return match.group(0).encode("cp1252").decode("utf-8")
    except UnicodeError:
        return match.group(0)


def _decode(value: str) -> str:
    if _SUSPECT.search(value):  # one scan decides whether any repair can apply
        value = repair_encoding(value)
        if "\\" in value:
            value = _LITERAL_ESCAPES.sub(" ", value)
        if "&" in value:
            value = _ENTITY.sub(_unescape_match, value)
        value = _INVISIBLE.sub("", value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return value


def _unescape_match(match: re.Match[str]) -> str:
    return html.unescape(match.group(0))
