"""URL canonicalisation and rel=canonical."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.fetcher.urls import absolute, canonical_link, canonicalize, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=1&gclid=2", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/%7euser", "https://example.com/~user"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


@pytest.mark.parametrize("url", ["ftp://example.com/", "/relative", "mailto:a@b.c", "javascript:x"])
def test_only_absolute_http_urls(url: str) -> None:
    with pytest.raises(ValueError):
        canonicalize(url)


def test_absolute_resolves_relative_links() -> None:
    assert absolute("https://x.com/news/", "../a?utm_campaign=z#c") == "https://x.com/a"
    assert absolute("https://x.com/", "javascript:void(0)") is None


def test_canonical_link_same_site_only() -> None:
    html = '<html><head><link rel="canonical" href="https://www.x.com/story?utm_source=a"></head>'
    assert canonical_link(html, "https://amp.x.com/story/amp") == "https://www.x.com/story"
    other = '<link rel="canonical" href="https://evil.example/story">'
    assert canonical_link(other, "https://x.com/story") is None
    assert canonical_link("<p>no head</p>", "https://x.com/") is None
    assert same_site("https://news.x.com/a", "https://x.com/b")


hosts = st.from_regex(r"[a-zA-Z][a-zA-Z0-9-]{0,10}(\.[a-zA-Z]{2,5}){1,2}", fullmatch=True)
segments = st.lists(
    st.text(st.characters(codec="utf-8", exclude_characters="?#/\\"), max_size=8), max_size=4
)
params = st.lists(
    st.tuples(
        st.sampled_from(["a", "id", "utm_source", "q", "fbclid", "page"]), st.text(max_size=6)
    ),
    max_size=4,
)


@given(
    st.sampled_from(["http", "https", "HTTP"]),
    hosts,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    segments,
    params,
    st.text(max_size=5),
)
def test_canonicalize_is_idempotent_and_drops_tracking(
    scheme: str, host: str, port: str, path: list[str], query: list[tuple[str, str]], frag: str
) -> None:
    from urllib.parse import quote, urlencode

    url = f"{scheme}://{host}{port}/{'/'.join(quote(p) for p in path)}?{urlencode(query)}#{frag}"
    once = canonicalize(url)
    assert canonicalize(once) == once
    assert "utm_source" not in once
    assert "fbclid" not in once
    assert "#" not in once
    assert once.startswith(("http://", "https://"))
    assert once.split("/")[2] == once.split("/")[2].lower()
