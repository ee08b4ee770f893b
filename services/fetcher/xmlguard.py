"""Refuse hostile XML before any XML library builds anything from it.

Entity declarations (billion laughs, quadratic blow-up) and external references
are refused by defusedxml's expat hooks. Only the prolog matters: once the root
element starts there can be no more declarations, so the scan stops there, in
constant memory and time, whatever the document's size or encoding problems.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from services.fetcher.errors import FeedRejected

_CHUNK = 16 * 1024
_PROLOG_LIMIT = 256 * 1024
_SUSPECT = re.compile(r"<!ENTITY|<!DOCTYPE[^>]*\[|<!DOCTYPE[^>]*\bSYSTEM\b", re.IGNORECASE)


class _RootReached(Exception):
    pass


class _StopAtRoot:
    """An ElementTree target that stops the parse at the first element."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> Any:
        return None


def check_xml(body: bytes) -> None:
    """Raise ``FeedRejected`` when the document declares entities or external references."""
    parser = DefusedXMLParser(
        target=_StopAtRoot(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    try:
        for offset in range(0, min(len(body), _PROLOG_LIMIT), _CHUNK):
            parser.feed(body[offset : offset + _CHUNK])
    except _RootReached:
        return
    except DefusedXmlException as exc:
        raise FeedRejected(f"hostile XML refused: {type(exc).__name__}: {exc}") from None
    except ParseError:
        _scan_prolog(body)  # malformed before the root: decide on the raw prolog
        return
    if len(body) >= _PROLOG_LIMIT:
        raise FeedRejected(f"no root element in the first {_PROLOG_LIMIT} bytes")


def _scan_prolog(body: bytes) -> None:
    head = body[:_PROLOG_LIMIT]
    text = (
        head.decode("utf-16", "replace")
        if head[:2] in (b"\xff\xfe", b"\xfe\xff")
        else (head.decode("latin-1"))
    )
    if _SUSPECT.search(text):
        raise FeedRejected("malformed XML with a DTD or entity declarations refused")
