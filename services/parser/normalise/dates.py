"""Publication and modification times, never later than the fetch.

A value with a time zone stays a datetime; a day without a time zone (or without a time)
becomes a ``date`` rather than an invented midnight UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from dateutil import parser as dateutil_parser

from .datetext import find_date
from .document import Page
from .jsonld import as_text

PublishedAt = datetime | date
_EARLIEST = date(1995, 1, 1)
# A bare day may be given in the publisher's zone, up to UTC+14, ahead of the fetch.
_DAY_SLACK = timedelta(hours=14)
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished",
    "article.published", "published_time", "publish-date", "publish_date", "publishdate",
    "pubdate", "date.available", "sailthru.date", "parsely-pub-date",
    "cxenseparse:recs:publishtime", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "dc.date", "dcterms.date", "date", "originalpublicationdate", "article_date_original",
    "og:pubdate", "dc.date.created", "created",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "article.updated",
    "dcterms.modified", "last-modified", "lastmod", "dc.date.modified", "modified_time",
)  # fmt: skip
# Any other meta tag that names a publication date ("article:published:time"...).
_PUBLISHED_KEY = re.compile(r"publish|pubdate|issued|created|(?:^|[.:_-])date(?:$|[.:_-])")
_NOT_PUBLISHED_KEY = re.compile(r"modif|updat|expir|read|birth|valid|event|start|end")
# Elements whose text may be a date.
_DATE_ELEMENTS = (
    '[class*="publish" i], [class*="posted" i], [class*="date" i], [id*="date" i], '
    '[class*="time" i], time, [itemprop*="date" i]'
)
_PUBLICATION = re.compile(r"publish|posted|pubdate|created", re.IGNORECASE)
_NOT_ARTICLE_DATE = re.compile(r"weather|today|current|clock|event|reading", re.IGNORECASE)
_MAX_DATE_TEXT = 120
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[-_.]|$)"
)
_TIMESTAMP = re.compile(r"^\d{10}(?:\d{3})?$")
_DEFAULTS = (datetime(1, 1, 1), datetime(2, 2, 2))  # noqa: DTZ001 - never returned
_TZ_NAME = re.compile(r"\b[A-Z]{2,5}\b")
_ZONES = {
    name: offset * 3600
    for offset, names in {
        0: ("UTC", "GMT", "UT", "Z", "WET"), 1: ("BST", "CET", "WEST"), 2: ("CEST", "EET", "SAST"),
        3: ("EEST", "MSK"), 5: ("PKT",), 8: ("HKT", "SGT", "AWST"), 9: ("JST", "KST"),
        10: ("AEST",), 11: ("AEDT",), -3: ("ADT",), -4: ("EDT", "AST"), -5: ("EST", "CDT"),
        -6: ("MDT",), -7: ("MST", "PDT"), -8: ("PST",),
    }.items()
    for name in names
}  # fmt: skip
_CALENDAR_WORDS = frozenset(
    {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "am", "pm",
    }
)  # fmt: skip


def published_at(
    page: Page, fetched_at: datetime, hint: PublishedAt | None
) -> tuple[PublishedAt | None, str]:
    """The publication time and its source, falling back to the feed's ``hint``."""
    for raw, source in _published_candidates(page):
        value = parse_date(raw, fetched_at)
        if value is not None:
            return value, source
    if hint is not None and not _after(hint, fetched_at):
        return hint, "hint"
    return None, ""


def modified_at(page: Page, fetched_at: datetime) -> tuple[PublishedAt | None, str]:
    for raw, source in _modified_candidates(page):
        value = parse_date(raw, fetched_at)
        if value is not None:
            return value, source
    return None, ""


def parse_date(raw: str, fetched_at: datetime) -> PublishedAt | None:
    """A datetime (aware) or a date from ``raw``; None when unparsable or after the fetch."""
    value = _parse(raw.strip())
    if value is None or _after(value, fetched_at):
        return None
    day = value.date() if isinstance(value, datetime) else value
    return value if day >= _EARLIEST else None


def _parse(raw: str) -> PublishedAt | None:
    if not raw or len(raw) > 64:
        return None
    if _TIMESTAMP.match(raw):
        seconds = int(raw[:10])
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        parsed = _parse_loosely(raw)
        if parsed is None:
            return None
        value = parsed
    if value.tzinfo is None:
        return value.date()
    return value


def _parse_loosely(raw: str) -> datetime | None:
    """dateutil's reading of ``raw``, only when it holds a year, a month and a day."""
    raw = _TZ_NAME.sub(_known_zone, raw)
    try:
        # Two defaults: a field that changes with them was not in the text.
        first = dateutil_parser.parse(raw, default=_DEFAULTS[0], tzinfos=_ZONES)
        second = dateutil_parser.parse(raw, default=_DEFAULTS[1], tzinfos=_ZONES)
    except (ValueError, OverflowError, TypeError):
        return None
    return first if first == second else None


def _known_zone(match: re.Match[str]) -> str:
    """Keep time zone names dateutil is told about, drop the others (it would warn)."""
    word = match.group(0)
    return word if word in _ZONES or word.lower()[:3] in _CALENDAR_WORDS else " "


def _after(value: PublishedAt, fetched_at: datetime) -> bool:
    if isinstance(value, datetime):
        return value > fetched_at
    return value > (fetched_at + _DAY_SLACK).date()


def _published_candidates(page: Page) -> Iterator[tuple[str, str]]:
    for obj in page.articles:
        for key in ("datePublished", "dateCreated", "uploadDate"):
            value = as_text(obj.get(key))
            if value:
                yield value, f"json-ld:{key}"
    yield from _meta_candidates(page, _PUBLISHED_META)
    yield from _time_elements(page, "datePublished", any_time=True)
    if page.url:
        match = _URL_DATE.search(page.url)
        if match:
            yield "-".join(match.groups()), "url"
    yield from _other_meta(page)
    yield from _written_dates(page)


def _modified_candidates(page: Page) -> Iterator[tuple[str, str]]:
    for obj in page.articles:
        value = as_text(obj.get("dateModified"))
        if value:
            yield value, "json-ld:dateModified"
    yield from _meta_candidates(page, _MODIFIED_META)
    yield from _time_elements(page, "dateModified", any_time=False)


def _meta_candidates(page: Page, keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for key in keys:
        for value in page.meta.get(key, ()):
            yield value, f"meta:{key}"


def _other_meta(page: Page) -> Iterator[tuple[str, str]]:
    for key, values in page.meta.items():
        if _PUBLISHED_KEY.search(key) and not _NOT_PUBLISHED_KEY.search(key):
            for value in values:
                yield value, f"meta:{key}"


def _written_dates(page: Page) -> Iterator[tuple[str, str]]:
    """Dates in the text of date-like elements, as ISO strings (day precision)."""
    month_first = (page.html_lang or "").lower() in ("en-us", "en")
    # Explicit "published" elements first, then any other in reading order (the first date
    # on a page is its own far more often than a related article's).
    tiers: tuple[list[date], list[date]] = ([], [])
    for node in page.tree.css(_DATE_ELEMENTS):
        attrs = node.attributes
        label = f"{attrs.get('class')} {attrs.get('id')} {attrs.get('itemprop')}"
        text = node.text()
        if len(text) > _MAX_DATE_TEXT or _NOT_ARTICLE_DATE.search(label):
            continue
        day = find_date(text, month_first=month_first)
        if day is not None:
            tiers[0 if _PUBLICATION.search(label) else 1].append(day)
    for day in (*tiers[0], *tiers[1]):
        yield day.isoformat(), "text"


def _time_elements(page: Page, itemprop: str, *, any_time: bool) -> Iterator[tuple[str, str]]:
    """``datetime`` of elements with that itemprop, then (``any_time``) of any <time>."""
    wanted = itemprop.lower()
    for node in page.times:
        attrs = node.attributes
        if (attrs.get("itemprop") or "").lower() == wanted and attrs.get("datetime"):
            yield attrs["datetime"] or "", "time"
    if any_time:
        for node in page.times:
            value = node.attributes.get("datetime")
            if node.tag == "time" and value:
                yield value, "time"
