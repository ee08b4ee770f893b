"""Input guards: bound the work one document can cost before lexbor sees it.

lexbor is linear on almost everything, but each block-level start tag scans the stack
of open elements, so a document nested 100,000 divs deep takes seconds to parse.
"""

from __future__ import annotations

import re

from .errors import NormaliseError

MAX_HTML_CHARS = 6_000_000
MAX_DEPTH = 1_500
# Below this many tags no document can nest deep enough to cost lexbor more than ~0.3 s,
# and real pages stay far below it (the dev pages: 700 to 8,100).
_TAG_BUDGET = 16_000
_SCRIPT_START = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
_SCRIPT_END = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    }
)  # fmt: skip
_JUNK_SAMPLE = 4_096
# Control characters (other than whitespace) and U+FFFD are rare in any real text; bytes
# decoded as Latin-1 or with errors="replace" are full of them.
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def guard_html(html: str) -> bytes:
    """The HTML made safe to parse: bounded size and depth, valid UTF-8.

    Raises NormaliseError when the input is empty or looks like binary data.
    """
    if not html or html.isspace():
        raise NormaliseError("empty document")
    reject_binary(html)
    if len(html) > MAX_HTML_CHARS:
        html = drop_scripts(html)[:MAX_HTML_CHARS]
    # Lone surrogates (bytes decoded with surrogateescape) cannot reach lexbor or orjson.
    data = html.encode("utf-8", errors="replace")
    if data.count(b"<") > _TAG_BUDGET:
        data = flatten_deep_nesting(html, MAX_DEPTH).encode("utf-8", errors="replace")
    return data


def reject_binary(value: str) -> None:
    """Raise NormaliseError when the start of ``value`` is mostly control characters."""
    sample = value[:_JUNK_SAMPLE]
    junk = len(_JUNK.findall(sample))
    if junk > 0.1 * len(sample):
        raise NormaliseError(f"binary data, not text ({junk} of {len(sample)} chars junk)")


def flatten_deep_nesting(html: str, max_depth: int) -> str:
    """Drop the start and end tags nested deeper than ``max_depth``, keeping their text."""
    out: list[str] = []
    depth = 0
    last = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
            keep = depth < max_depth
        else:
            keep = depth < max_depth
            depth += 1
        if not keep:
            out.append(html[last : match.start()])
            last = match.end()
    out.append(html[last:])
    return "".join(out)


def drop_scripts(html: str) -> str:
    """``html`` without script and style elements, JSON-LD excepted (one linear pass)."""
    out: list[str] = []
    pos = 0
    while match := _SCRIPT_START.search(html, pos):
        if "ld+json" in match.group(2).lower():
            out.append(html[pos : match.end()])
            pos = match.end()
            continue
        out.append(html[pos : match.start()])
        end = _SCRIPT_END[match.group(1).lower()].search(html, match.end())
        if end is None:
            return "".join(out)
        pos = end.end()
    out.append(html[pos:])
    return "".join(out)
