"""Resolve the date expressions of a sentence against the publication date.

Pure functions, no clock: "yesterday" means the day before ``published``, never before
today. Precision is what the text gives (day, month, year); a sentence with no date gives
none, and the extractor then says ``unknown`` instead of passing the publication date off
as the event's.

>>> from datetime import date
>>> resolve_date("In October", date(2023, 8, 3))
EventDate(value='2022-10', precision=<DatePrecision.MONTH: 'month'>)
>>> resolve_date("just yesterday", date(2023, 8, 3)).value
'2023-08-02'
>>> resolve_date("on June 1", date(2023, 8, 3)).value
'2023-06-01'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from schemas.models import DatePrecision

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?(?![a-z])"
)
_YEAR4 = r"(?:19|20)\d{2}"
_YEAR = _YEAR4 + r"(?![\d-])"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?![\d:])"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?:a|an|one|two|three|four|five|six|\d{1,2})"

# Every date expression starts a word: the leading \b lets the engine skip the rest.
_DATE = re.compile(
    r"\b(?:"
    + "|".join(
        [
            rf"(?P<iso>(?P<iy>{_YEAR4})-(?P<im>\d{{2}})-(?P<id>\d{{2}}))",
            rf"(?P<mdy>(?P<m1>{_MON})\s+(?P<d1>{_DAY}),?\s+(?P<y1>{_YEAR}))",
            rf"(?P<dmy>(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MON}),?\s+(?P<y2>{_YEAR}))",
            rf"(?P<my>(?P<m3>{_MON}),?\s+(?:of\s+)?(?P<y3>{_YEAR}))",
            rf"(?P<md>(?P<m4>{_MON})\s+(?P<d4>{_DAY}))",
            rf"(?P<dm>(?P<d5>{_DAY})\s+(?:of\s+)?(?P<m5>{_MON}))",
            rf"(?P<mo>(?i:\b(?:in|since|during|by|last|this|early|late|mid-?|until|from|"
            rf"through|of|before|after)\s+)(?P<m6>{_MON})(?!,?\s+(?:of\s+)?\d))",
            r"(?P<rel>(?i:\b(?:just\s+|earlier\s+|late\s+)?(?:yesterday|today|tonight|"
            r"tomorrow|this\s+(?:morning|afternoon|evening)|last\s+night|earlier\s+today)\b))",
            rf"(?P<wd>(?i:\b(?P<wdq>on|last|this|next|since|by|from)\s+)?(?P<wdn>{_WD})\b)",
            r"(?P<per>(?i:\b(?P<pq>earlier\s+this|later\s+this|this|last|next|past|"
            r"the\s+past|the\s+previous|previous)\s+(?P<pu>week|month|year)\b))",
            rf"(?P<ago>(?i:\b(?P<an>{_NUM})\s+(?P<au>days?|weeks?|months?|years?)\s+ago\b))",
            rf"(?P<yr>(?i:\b(?:in|since|during|by|until|from|early|late|mid-?|throughout|"
            rf"the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of)\s+)(?P<y6>{_YEAR}))",
        ]
    )
    + ")"
)
_FUTURE = re.compile(
    r"(?i:\b(?:will|shall|scheduled|set\s+to|due\s+to|upcoming|starting|effective|from|"
    r"until|by|next|coming|expected\s+to|planned|to\s+be|takes\s+effect|take\s+effect|"
    r"comes\s+into|come\s+into|enters\s+into|goes\s+into|goes\s+live|kicks\s+in|"
    r"applies|begins|starts)\b)"
)
# Dates that bound a period ("between March 2018 and August 2019", "ahead of the October
# 11 announcement") or sign an embedded post ("(@SenLummis) July 31, 2026") are rarely the
# date of an act.
_PERIOD = re.compile(
    r"(?i:(?:\b(?:from|between|through|until|ahead\s+of|prior\s+to)\s+"
    r"(?:approximately\s+|about\s+|around\s+|at\s+least\s+)?(?:the\s+)?"
    r"|\b(?:between|from)\b[^.;]{1,40}\b(?:and|to|through|until)\s+"
    r"|\(@\w+\)\s*)$)"
)


# "applies from 1 July", "effective from March": the date a rule starts, not a range
_EFFECTIVE_FROM = re.compile(
    r"(?i:\b(?:effect|effective|force|apply|applies|applied|applicable|live)\s+"
    r"(?:\w+\s+){0,2}from\s+$)"
)


@dataclass(frozen=True, slots=True)
class EventDate:
    value: str
    precision: DatePrecision


@dataclass(frozen=True, slots=True)
class DateMention:
    """A resolved date expression at [start, end) of the scanned text."""

    start: int
    end: int
    date: EventDate
    period: bool  # inside a range or "ahead of ...": rarely the date of the act


def unknown_date(published: date) -> EventDate:
    """The gold format: the publication date with precision ``unknown``."""
    return EventDate(published.isoformat(), DatePrecision.UNKNOWN)


def _day(d: date) -> EventDate:
    return EventDate(d.isoformat(), DatePrecision.DAY)


def _month(year: int, month: int) -> EventDate:
    return EventDate(f"{year:04d}-{month:02d}", DatePrecision.MONTH)


def _year(year: int) -> EventDate:
    return EventDate(f"{year:04d}", DatePrecision.YEAR)


def _month_num(token: str) -> int:
    return _MONTHS[token[:3].lower()]


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_num(token: str) -> int:
    return int(re.sub(r"\D", "", token))


def _resolve(m: re.Match[str], published: date, future: bool) -> EventDate | None:
    g = m.groupdict()
    if g["iso"]:
        d = _safe_day(int(g["iy"]), int(g["im"]), int(g["id"]))
        return _day(d) if d else None
    if g["mdy"] or g["dmy"]:
        mon, day, yr = (g["m1"], g["d1"], g["y1"]) if g["mdy"] else (g["m2"], g["d2"], g["y2"])
        d = _safe_day(int(yr), _month_num(mon), _day_num(day))
        return _day(d) if d else None
    if g["my"]:
        return _month(int(g["y3"]), _month_num(g["m3"]))
    if g["md"] or g["dm"]:
        mon, day = (g["m4"], g["d4"]) if g["md"] else (g["m5"], g["d5"])
        return _month_day(published, _month_num(mon), _day_num(day), future)
    if g["mo"]:
        return _month_only(published, _month_num(g["m6"]), future or "next" in g["mo"].lower())
    if g["rel"]:
        return _relative(g["rel"].lower(), published)
    if g["wd"]:
        return _weekday(published, g["wdn"].lower(), (g["wdq"] or "").lower(), future)
    if g["per"]:
        return _period(published, " ".join(g["pq"].lower().split()), g["pu"].lower())
    if g["ago"]:
        return _ago(published, g["an"].lower(), g["au"].lower())
    if g["yr"]:
        return _year(int(g["y6"]))
    return None


def _month_day(published: date, month: int, day: int, future: bool) -> EventDate | None:
    d = _safe_day(published.year, month, day)
    if d is None:
        return None
    if future and d < published:
        d = _safe_day(published.year + 1, month, day)
    elif not future and d > published:
        d = _safe_day(published.year - 1, month, day)
    return _day(d) if d else None


def _month_only(published: date, month: int, future: bool) -> EventDate:
    if future:
        year = published.year if month >= published.month else published.year + 1
    else:
        year = published.year if month <= published.month else published.year - 1
    return _month(year, month)


def _relative(word: str, published: date) -> EventDate:
    if "yesterday" in word or "last night" in word:
        return _day(published - timedelta(days=1))
    if "tomorrow" in word:
        return _day(published + timedelta(days=1))
    return _day(published)


def _weekday(published: date, name: str, qualifier: str, future: bool) -> EventDate:
    target = _WEEKDAYS.index(name)
    if qualifier == "next" or (future and qualifier != "last"):
        ahead = (target - published.weekday()) % 7
        return _day(published + timedelta(days=ahead or 7))
    back = (published.weekday() - target) % 7
    if qualifier == "last" and back == 0:
        back = 7
    return _day(published - timedelta(days=back))


def _period(published: date, qualifier: str, unit: str) -> EventDate:
    step = {"last": -1, "past": -1, "the past": -1, "previous": -1, "the previous": -1}.get(
        qualifier, 1 if qualifier == "next" else 0
    )
    if unit == "year":
        return _year(published.year + step)
    if unit == "month":
        month0 = published.year * 12 + published.month - 1 + step
        return _month(month0 // 12, month0 % 12 + 1)
    # A week has no precision of its own: say the month it (mostly) fell in.
    ref = published + timedelta(days=7 * step)
    return _month(ref.year, ref.month)


def _ago(published: date, amount: str, unit: str) -> EventDate:
    n = _NUMBERS.get(amount) or int(amount)
    if unit.startswith("day"):
        return _day(published - timedelta(days=n))
    if unit.startswith("week"):
        ref = published - timedelta(days=7 * n)
        return _month(ref.year, ref.month)
    if unit.startswith("month"):
        month0 = published.year * 12 + published.month - 1 - n
        return _month(month0 // 12, month0 % 12 + 1)
    return _year(published.year - n)


def _is_future(text: str, start: int) -> bool:
    return _FUTURE.search(text, max(0, start - 40), start) is not None


# Cheap anchors every date expression contains; the full regex only runs around them.
_ANCHOR = re.compile(
    r"\d+|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*|"
    r"(?i:yesterday|today|tonight|tomorrow|morning|afternoon|evening|night|week|month|year|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_BEFORE = 32  # the longest lead-in: "the beginning of ", "earlier this "
_WORD_START = re.compile(r"\b\w")


def _matches(text: str) -> list[re.Match[str]]:
    """Date expressions around each anchor: an anchored match at the few word starts
    just before it (for "in", "last", "the end of"), the earliest that covers it."""
    out: list[re.Match[str]] = []
    last_end = 0
    for anchor in _ANCHOR.finditer(text):
        if anchor.start() < last_end:
            continue
        lo = max(last_end, anchor.start() - _BEFORE)
        starts = [w.start() for w in _WORD_START.finditer(text, lo, anchor.start())]
        for start in (*starts, anchor.start()):
            m = _DATE.match(text, start)
            if m is not None and m.end() >= anchor.end():
                out.append(m)
                last_end = m.end()
                break
    return out


def find_dates(text: str, published: date) -> list[DateMention]:
    """Every date expression in ``text`` (a sentence), resolved, in order."""
    out: list[DateMention] = []
    matches = _matches(text)
    for m in matches:
        resolved = _resolve_safe(m, published, _is_future(text, m.start()))
        if resolved is None:
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        period = bool(_PERIOD.search(before)) and not _EFFECTIVE_FROM.search(before)
        out.append(DateMention(m.start(), m.end(), resolved, period))
    return out


def resolve_date(expression: str, published: date, *, future: bool = False) -> EventDate | None:
    """Resolve the first date expression in ``expression``; None when there is none."""
    m = _DATE.search(expression)
    if m is None:
        return None
    return _resolve_safe(m, published, future or _is_future(expression, m.start()))


def _resolve_safe(m: re.Match[str], published: date, future: bool) -> EventDate | None:
    """``_resolve``, with None when the arithmetic leaves the calendar (year 1 or 9999)."""
    try:
        return _resolve(m, published, future)
    except (OverflowError, ValueError):
        return None
