"""Compile many literal names into one regex shaped like a trie.

A plain alternation of a thousand names makes the regex engine try every name at every
position; factoring common prefixes makes it test one character per branch instead,
which is what keeps the registry and gazetteer look-ups cheap on long articles.

>>> import re
>>> rx = re.compile(trie_regex(["SEC", "SEBI", "Securities and Exchange Commission"]))
>>> [m.group(0) for m in rx.finditer("SEBI and the SEC")]
['SEBI', 'SEC']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_Node = dict[str, "_Node"]
_END = ""


def _insert(root: _Node, word: str) -> None:
    node = root
    for ch in word:
        node = node.setdefault(ch, {})
    node[_END] = {}


def _build(node: _Node) -> str:
    branches = [re.escape(ch) + _build(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        # Greedy optional group: the longest name wins, shorter ones by backtracking.
        return "(?:" + body + ")?"
    return body


def trie_regex(words: Iterable[str], *, boundaries: bool = True) -> str:
    """One regex matching any of ``words`` exactly, longest first, on word boundaries."""
    root: _Node = {}
    for word in words:
        if word:
            _insert(root, word)
    if not root:
        return r"(?!x)x"
    body = _build(root)
    # the first letters up front let the engine skip, in C, every position no name starts at
    head = "(?=[" + re.escape("".join(sorted(root))) + "])"
    if not boundaries:
        return head + body
    return head + r"(?<![\w])" + body + r"(?![\w])"
