"""Metadata fields, each with the source it came from (Article.provenance)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from selectolax.lexbor import LexborHTMLParser

from services.parser.normalise import authors, normalise
from services.parser.normalise.datetext import find_date
from services.parser.normalise.links import absolute_url

from .conftest import FETCHED_AT, MakeRaw

BODY = (
    "<p>The Securities and Futures Commission granted two exchanges licences on Tuesday, "
    "the first under a regime that took effect in June, officials said.</p>"
    "<p>The platforms may list large-cap tokens only, and must keep customer assets in "
    "custody with a trust company, the regulator said in a statement.</p>"
)


def page(head: str = "", body: str = "", *, lang: str = "en") -> str:
    return (
        f'<html lang="{lang}"><head>{head}</head>'
        f"<body>{body}<article>{BODY}</article></body></html>"
    )


# -- title ----------------------------------------------------------------------------


def test_title_is_the_metadata_title_the_h1_agrees_with(raw: MakeRaw) -> None:
    html = page(
        '<meta property="og:title" content="Two exchanges win licences">'
        "<title>HK grants first retail crypto licences | Example News</title>",
        "<h1>HK grants first retail crypto licences</h1>",
    )
    article = normalise(raw(html))
    assert article.title == "HK grants first retail crypto licences"
    assert article.provenance["title"] == "title"


def test_title_falls_back_to_og_title_then_title_without_site_name(raw: MakeRaw) -> None:
    og = page('<meta property="og:title" content="Two exchanges win licences">')
    assert normalise(raw(og)).title == "Two exchanges win licences"
    bare = page("<title>Two exchanges win licences - Example News</title>")
    article = normalise(raw(bare))
    assert (article.title, article.provenance["title"]) == ("Two exchanges win licences", "title")


def test_site_name_is_stripped_from_either_end(raw: MakeRaw) -> None:
    html = page(
        '<meta property="og:site_name" content="Example News">'
        "<title>Example News | Two exchanges win licences</title>"
    )
    assert normalise(raw(html)).title == "Two exchanges win licences"


def test_title_hint_when_the_page_has_none(raw: MakeRaw) -> None:
    article = normalise(raw(page(), title="From the feed"))
    assert (article.title, article.provenance["title"]) == ("From the feed", "hint")


# -- dates ----------------------------------------------------------------------------


def test_published_from_json_ld_is_timezone_aware(raw: MakeRaw) -> None:
    html = page(
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        '"@type":"NewsArticle","headline":"x","datePublished":"2024-05-07T09:30:00+08:00",'
        '"dateModified":"2024-05-07T11:00:00+08:00"}</script>'
    )
    article = normalise(raw(html))
    assert article.published_at == datetime(2024, 5, 7, 1, 30, tzinfo=UTC)
    assert isinstance(article.published_at, datetime)
    assert article.published_at.utcoffset() == timedelta(hours=8)
    assert article.modified_at == datetime(2024, 5, 7, 3, 0, tzinfo=UTC)
    assert article.provenance["published_at"] == "json-ld:datePublished"
    assert article.provenance["modified_at"] == "json-ld:dateModified"


def test_json_ld_in_a_graph_with_raw_newlines_is_read(raw: MakeRaw) -> None:
    html = page(
        '<script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"X"},'
        '{"@type":["NewsArticle"],"headline":"Line\none","datePublished":"2024-05-07"}]}'
        "</script>"
    )
    article = normalise(raw(html))
    assert article.published_at == date(2024, 5, 7)


def test_published_from_meta_then_time_then_url(raw: MakeRaw) -> None:
    meta = page('<meta property="article:published_time" content="2024-05-07T09:30:00Z">')
    assert normalise(raw(meta)).provenance["published_at"] == "meta:article:published_time"
    time = page(body='<time datetime="2024-05-06T10:00:00+02:00">6 May</time>')
    article = normalise(raw(time))
    assert article.published_at == datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    url = normalise(raw(page(), url="https://example.com/2024/05/05/story"))
    assert (url.published_at, url.provenance["published_at"]) == (date(2024, 5, 5), "url")


def test_published_from_written_dates(raw: MakeRaw) -> None:
    html = page(body='<div class="article-date">Published: 8 January 2020, 3:51 pm</div>')
    article = normalise(raw(html))
    assert (article.published_at, article.provenance["published_at"]) == (date(2020, 1, 8), "text")


def test_a_date_after_the_fetch_is_never_used(raw: MakeRaw) -> None:
    future = (FETCHED_AT + timedelta(days=3)).isoformat()
    html = page(f'<meta property="article:published_time" content="{future}">')
    article = normalise(raw(html, published=date(2025, 12, 1)))
    assert (article.published_at, article.provenance["published_at"]) == (date(2025, 12, 1), "hint")


def test_a_naive_time_becomes_a_day(raw: MakeRaw) -> None:
    html = page('<meta name="pubdate" content="2024-05-07 09:30">')
    assert normalise(raw(html)).published_at == date(2024, 5, 7)


def test_zone_names_are_understood_or_dropped(raw: MakeRaw) -> None:
    cest = page('<meta name="date" content="Wed, 23 Oct 2024 15:48:15 CEST">')
    assert normalise(raw(cest)).published_at == datetime(
        2024, 10, 23, 15, 48, 15, tzinfo=timezone(timedelta(hours=2))
    )
    unknown = page('<meta name="date" content="23 Oct 2024 15:48 XYZT">')
    assert normalise(raw(unknown)).published_at == date(2024, 10, 23)


@pytest.mark.parametrize(
    ("text", "month_first", "day"),
    [
        ("Jan. 18, 2019", False, date(2019, 1, 18)),
        ("Thursday, November 9th 2023", False, date(2023, 11, 9)),
        ("23. Oktober 2024, 15:48 Uhr", False, date(2024, 10, 23)),
        ("4 de mayo de 2025", False, date(2025, 5, 4)),
        ("02/10/2020", False, date(2020, 10, 2)),
        ("02/10/2020", True, date(2020, 2, 10)),
        ("25/10/2020", True, date(2020, 10, 25)),
        ("2023年11月8日 10:00", False, date(2023, 11, 8)),
        ("Updated 2024-02-30", False, None),
        ("no date here, 2024", False, None),
    ],
)
def test_written_dates(text: str, month_first: bool, day: date | None) -> None:
    assert find_date(text, month_first=month_first) == day


# -- authors --------------------------------------------------------------------------


def test_authors_from_json_ld_people_not_organisations(raw: MakeRaw) -> None:
    html = page(
        '<script type="application/ld+json">{"@type":"NewsArticle","author":['
        '{"@type":"Person","name":"Jane Doe"},{"@type":"Organization","name":"Example News"},'
        '{"@type":"Person","name":"Reuters"},{"@type":"Person","name":"john-roe"}]}</script>'
    )
    article = normalise(raw(html))
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.provenance["authors"] == "json-ld:author"


def test_authors_from_meta_skip_urls_and_the_site_itself(raw: MakeRaw) -> None:
    html = page(
        '<meta property="article:author" content="https://example.com/author/jane">'
        '<meta property="og:site_name" content="Example News">'
        '<meta name="author" content="Example News">'
        '<meta name="byl" content="By Jane Doe and John Roe">'
    )
    article = normalise(raw(html, url="https://example.com/a"))
    assert (article.authors, article.provenance["authors"]) == (
        ["Jane Doe", "John Roe"],
        "meta:byl",
    )


def test_authors_from_the_byline(raw: MakeRaw) -> None:
    html = page(body='<div class="byline">By <a rel="author" href="/a/j">Jane Doe (jd)</a></div>')
    article = normalise(raw(html))
    assert (article.authors, article.provenance["authors"]) == (["Jane Doe"], "byline")


BYLINE_LOOKALIKES = [
    'itemprop="author"', 'itemprop="AUTHOR"', 'itemprop="authors"', 'itemprop', 'rel="Author"',
    'rel="author me"', 'href="/Author/jane"', 'href="/authors/jane"', 'class="post-ByLine"',
    'class="authorName"', 'class="Author-name x"', 'class="author__name"', 'class="author"',
    'class="x\tAUTHOR"', 'class="author-box"', 'class="co-author"', 'class="author\xa0x"',
    'class=""', 'id="author"', 'id="Authors"', 'id="author-bio"', 'id="x author"',
    'class="byline" id="author"',
]  # fmt: skip


def test_byline_elements_are_what_the_byline_selector_matches() -> None:
    """The fast search (a superset, checked in Python) finds what the selector finds."""
    html = "".join(
        f"<{tag} {attrs}>Jane Doe</{tag}>" for tag in ("a", "div") for attrs in BYLINE_LOOKALIKES
    )
    tree = LexborHTMLParser(f"<body>{html}</body>")
    expected = list(dict.fromkeys(node.mem_id for node in tree.css(authors.BYLINE_SELECTOR)))
    found = [
        node for node in tree.css(authors._BYLINE_CANDIDATES) if authors.is_byline_element(node)
    ]
    assert list(dict.fromkeys(node.mem_id for node in found)) == expected
    assert len(expected) > 20


def test_a_desk_is_not_an_author(raw: MakeRaw) -> None:
    html = page('<meta name="author" content="Staff and news service reports">')
    assert normalise(raw(html)).authors == []


# -- the rest ---------------------------------------------------------------------------


def test_canonical_url_site_name_description(raw: MakeRaw) -> None:
    html = page(
        '<link rel="canonical" href="/2024/05/07/licences?ref=rss#top">'
        '<meta property="og:site_name" content="Example News">'
        '<meta name="description" content="Two exchanges &amp; a regulator.">'
    )
    article = normalise(raw(html, url="https://news.example.com/amp/licences"))
    assert article.canonical_url == "https://news.example.com/2024/05/07/licences?ref=rss"
    assert article.site_name == "Example News"
    assert article.description == "Two exchanges & a regulator."
    assert article.provenance["canonical_url"] == "link:canonical"
    assert article.provenance["site_name"] == "og:site_name"
    assert article.provenance["description"] == "description"


def test_language_from_the_text_with_the_declaration_as_hint(raw: MakeRaw) -> None:
    german = (
        "<p>Die Finanzaufsicht hat am Dienstag zwei Handelsplattformen eine Lizenz erteilt, "
        "wie die Behörde in einer Mitteilung bekanntgab.</p>"
    )
    wrong_declaration = f'<html lang="en"><body><article>{german}</article></body></html>'
    article = normalise(raw(wrong_declaration))
    assert (article.language, article.provenance["language"]) == ("de", "langid")
    declared_only = '<html lang="fr-FR"><head><title>Un titre</title></head><body></body></html>'
    article = normalise(raw(declared_only))
    assert (article.language, article.provenance["language"]) == ("fr", "html:lang")


def test_extractor_and_copied_fields(raw: MakeRaw) -> None:
    article = normalise(raw(page(), url="https://example.com/x"))
    assert article.extractor.name == "regwire-normalise"
    assert article.url == "https://example.com/x"
    assert article.article_id == "a" * 64
    assert article.fetched_at == FETCHED_AT
    assert article.word_count == len(article.text.split())


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("/a/b?c=1#frag", "https://example.com/a/b?c=1"),
        ("https://sec.gov/x.pdf", "https://sec.gov/x.pdf"),
        ("//cdn.example.org/y", "https://cdn.example.org/y"),
        ("javascript:void(0)", None),
        ("mailto:desk@example.com", None),
        ("#comments", None),
        ("ftp://example.com/f", None),
        ("", None),
    ],
)
def test_absolute_url(href: str, url: str | None) -> None:
    assert absolute_url(href, "https://example.com/news/story") == url
