"""Dates as people write them: "Jan 18, 2019", "8 January 2020", "05.04.2025", "2023年11月8日".

Only the day is read (the time zone of a written time is unknown), so these give a
``date``. Numeric dates are read day-first unless the page is American English.
"""

from __future__ import annotations

import re
from datetime import date

# Month names and their common abbreviations in the languages of the news we read.
_MONTHS = {
    1: "january jan januar janvier enero gennaio janeiro januari januar stycznia ocak",
    2: "february feb februar février fevrier febrero febbraio fevereiro februari lutego şubat",
    3: "march mar märz mars marzo março maart maret marca mart",
    4: "april apr avril abril aprile kwietnia nisan",
    5: "may mai mayo maggio maio mei maja mayıs",
    6: "june jun juni juin junio giugno junho czerwca haziran",
    7: "july jul juli juillet julio luglio julho lipca temmuz",
    8: "august aug august août aout agosto augustus agustus sierpnia ağustos",
    9: "september sep sept septembre septiembre settembre setembro września eylül",
    10: "october oct oktober octobre octubre ottobre outubro października ekim okt",
    11: "november nov novembre noviembre novembro listopada kasım",
    12: "december dec dezember décembre decembre diciembre dicembre dezembro grudnia aralık dez",
}
_MONTH = {name: number for number, names in _MONTHS.items() for name in names.split()}
MONTH_NAMES = frozenset(_MONTH)
_NAME = r"([^\W\d_]{3,12})\.?"
_PATTERNS = (
    # 2023-11-08, 2023/11/08, 2023.11.08
    ("ymd", re.compile(r"\b((?:19|20)\d{2})[-/.]\s?(\d{1,2})[-/.]\s?(\d{1,2})\b")),
    # 2023年11月8日 (Chinese, Japanese), 2023년 11월 8일 (Korean)
    ("ymd", re.compile(r"((?:19|20)\d{2})\s?[年년]\s?(\d{1,2})\s?[月월]\s?(\d{1,2})\s?[日일]")),
    # 05.04.2025, 02/10/2020
    ("numeric", re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\b")),
    # January 8, 2020 / Jan. 18 2019 / November 9th 2023
    ("mdy", re.compile(rf"{_NAME}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b")),
    # 8 January 2020 / 23. Oktober 2024 / 4 de mayo de 2025
    ("dmy", re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?{_NAME}\s+(?:de\s+)?((?:19|20)\d{{2}})\b")),
)


def find_date(text: str, *, month_first: bool = False) -> date | None:
    """The first real calendar day written in ``text``, or None."""
    if "19" not in text and "20" not in text:  # every pattern holds a year, 19xx or 20xx
        return None
    best: tuple[int, date] | None = None
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            day = _to_date(kind, match.groups(), month_first)
            if day is not None:
                if best is None or match.start() < best[0]:
                    best = (match.start(), day)
                break
    return best[1] if best else None


def _to_date(kind: str, groups: tuple[str, ...], month_first: bool) -> date | None:
    if kind == "ymd":
        year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
    elif kind == "numeric":
        first, second, year = int(groups[0]), int(groups[1]), int(groups[2])
        day_first = second <= 12 and (first > 12 or not month_first)
        day, month = (first, second) if day_first else (second, first)
    elif kind == "mdy":
        month, day, year = _MONTH.get(groups[0].lower(), 0), int(groups[1]), int(groups[2])
    else:
        day, month, year = int(groups[0]), _MONTH.get(groups[1].lower(), 0), int(groups[2])
    try:
        return date(year, month, day)
    except ValueError:
        return None
