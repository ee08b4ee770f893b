"""Pure keys the store sorts and filters on: versions, date periods, folded names.

>>> version_key("1.10.0") > version_key("1.9.2")
True
>>> version_key("2.0.0rc1") < version_key("2.0.0") < version_key("2.0.0.post1")
True
>>> date_period("2023-08")
(datetime.date(2023, 8, 1), datetime.date(2023, 8, 31))
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from datetime import date

_RELEASE = re.compile(r"^\s*[vV]?(\d+(?:\.\d+)*)(.*?)\s*$")
_TOKEN = re.compile(r"\d+|[a-zA-Z]+")
# PEP 440 spellings of the same pre-release stage, and where each sorts.
_PRE_ALIASES = {"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}
_POST = {"post", "rev", "r"}
_WIDTH = 10
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@functools.lru_cache(maxsize=1024)  # a handful of versions are live at any time
def version_key(version: str) -> str:
    """A string that sorts extractor versions the way people read them.

    Numeric parts compare as numbers (``1.10`` after ``1.9``); ``dev`` < ``a`` <
    ``b`` < ``rc`` < the release < ``post``; ``+local`` labels are ignored. A
    version with no leading number sorts below every numbered one.
    """
    match = _RELEASE.match(version)
    if match is None:
        return "!" + version.strip().casefold()
    numbers = [int(n) for n in match.group(1).split(".")]
    numbers += [0] * (4 - len(numbers))
    release = ".".join(f"{n:0{_WIDTH}d}" for n in numbers)
    suffix = match.group(2).split("+", 1)[0].strip("-_. ").casefold()
    tokens = [_pad(t) for t in _TOKEN.findall(suffix)]
    if not tokens:
        return release + "~"
    tokens = [_PRE_ALIASES.get(t, t) for t in tokens]
    if tokens[0] in _POST:
        return release + "~post" + "".join(tokens[1:])
    if tokens[0] == "dev":
        return release + "-0dev" + "".join(tokens[1:])
    return release + "-" + "".join(tokens)


def _pad(token: str) -> str:
    return f"{int(token):0{_WIDTH}d}" if token.isdigit() else token


@functools.lru_cache(maxsize=8192)
def date_period(value: str) -> tuple[date, date]:
    """First and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ValueError if invalid."""
    if not _DATE.match(value.strip()):
        raise ValueError(f"not a YYYY[-MM[-DD]] date: {value!r}")
    parts = value.strip().split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = int(parts[1])
    if len(parts) == 2:
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return date(year, month, 1), date(year, month, last)
    day = date(year, month, int(parts[2]))
    return day, day


def fold(value: str) -> str:
    """Case- and whitespace-insensitive form of a name (subjects, authorities)."""
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def strip_nul(value: str) -> str:
    """PostgreSQL text cannot hold U+0000; no reader needs it either."""
    return value.replace("\x00", "") if "\x00" in value else value
