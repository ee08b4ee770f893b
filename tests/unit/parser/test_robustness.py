"""Hostile input: a clear NormaliseError or a best-effort Article, in bounded time, always.

The bounds are pytest-timeout limits, not timed assertions: a regression that makes one
of these quadratic hangs the test and fails it, without making the suite flaky.
"""

from __future__ import annotations

import random

import orjson
import psutil
import pytest

from schemas.models import Article
from services.parser.normalise import NormaliseError, normalise

from .conftest import MakeRaw

PARAGRAPH = (
    "<p>The regulator said on Tuesday that it had granted two exchanges licences to serve "
    "retail investors, the first such approvals under the new regime.</p>"
)


def _article_or_error(raw: MakeRaw, html: str) -> Article | None:
    """The Article, or None for a NormaliseError that says what is wrong."""
    try:
        article = normalise(raw(html))
    except NormaliseError as error:
        message = str(error)
    else:
        orjson.loads(article.model_dump_json())  # serialisable, whatever came in
        return article
    assert message
    return None


@pytest.mark.parametrize("html", ["", " \n\t ", "<html><head></head><body></body></html>"])
def test_empty_documents_are_an_error(raw: MakeRaw, html: str) -> None:
    with pytest.raises(NormaliseError):
        normalise(raw(html))


@pytest.mark.timeout(10)
@pytest.mark.parametrize("codec", ["latin-1", "utf-8"])
def test_binary_junk_is_an_error(raw: MakeRaw, codec: str) -> None:
    junk = random.Random(7).randbytes(200_000).decode(codec, errors="replace")
    with pytest.raises(NormaliseError, match="binary"):
        normalise(raw(junk))


@pytest.mark.timeout(10)
def test_junk_after_a_real_start_is_survived(raw: MakeRaw) -> None:
    junk = random.Random(8).randbytes(300_000).decode("latin-1")
    article = _article_or_error(raw, f"<html><body>{PARAGRAPH * 40}{junk}</body></html>")
    assert article is not None
    assert "granted two exchanges" in article.text


@pytest.mark.timeout(20)
def test_a_20_mb_page_of_scripts(raw: MakeRaw) -> None:
    script = "<script>var x = '" + "a" * 20_000_000 + "';</script>"
    html = f"<html><head>{script}</head><body><article>{PARAGRAPH * 30}</article></body></html>"
    article = _article_or_error(raw, html)
    assert article is not None
    assert "granted two exchanges" in article.text


@pytest.mark.timeout(20)
def test_a_20_mb_page_of_markup_is_cut(raw: MakeRaw) -> None:
    padding = "<div class='teaser'><a href='/x'>Another story</a> and its summary.</div>" * 300_000
    html = f"<html><body><article>{PARAGRAPH * 30}</article>{padding}</body></html>"
    assert len(html) > 20_000_000
    article = _article_or_error(raw, html)
    assert article is not None
    assert "granted two exchanges" in article.text


@pytest.mark.timeout(10)
@pytest.mark.parametrize("tag", ["div", "span", "section", "b", "table"])
def test_100_000_deep_nesting(raw: MakeRaw, tag: str) -> None:
    depth = 100_000
    html = f"<html><body>{f'<{tag}>' * depth}{PARAGRAPH}{f'</{tag}>' * depth}</body></html>"
    article = _article_or_error(raw, html)
    assert article is not None
    assert "granted two exchanges" in article.text


@pytest.mark.timeout(10)
def test_deeply_nested_json_ld(raw: MakeRaw) -> None:
    ld = '{"@type":"NewsArticle","a":' + "[" * 50_000 + "]" * 50_000 + "}"
    script = f'<script type="application/ld+json">{ld}</script>'
    html = f"<html><head>{script}</head><body>{PARAGRAPH}</body></html>"
    assert _article_or_error(raw, html) is not None


@pytest.mark.parametrize(
    "html",
    [
        # UTF-8 bytes read as Windows-1252, and Windows-1252 read as Latin-1.
        "<p>Itâ€™s the regulatorâ€™s first licence in SÃ£o Paulo, officials said today.</p>",
        "<p>\x93The regulator\x94 granted the licence \x96 its first \x96 officials said.</p>",
        # Lone surrogates from bytes decoded with surrogateescape; NULs; a stray BOM.
        "<p>The regulator\udce9 granted\x00 the \ufefflicence today, officials said.</p>",
        # Unclosed everything, and a declared charset that does not match.
        '<meta charset="shift_jis"><p>The regulator <b><i>granted <div>the licence today',
    ],
)
def test_broken_encodings_give_clean_text(raw: MakeRaw, html: str) -> None:
    article = _article_or_error(raw, html)
    assert article is not None
    assert "regulator" in article.text
    assert not any(ch in article.text for ch in "\x00\x93\x94\x96\ufeff\ud800\udce9")
    assert "â€" not in article.text


@pytest.mark.timeout(60)
def test_memory_stays_flat(raw: MakeRaw) -> None:
    # Each document is ~25 KB of HTML: a leak of even one tree per call would show.
    nav = "<a href=/x>x</a>" * 200
    html = f"<html><body><nav>{nav}</nav><article>{PARAGRAPH * 120}</article></body></html>"
    document = raw(html)
    process = psutil.Process()
    for _ in range(30):  # warm up allocators and caches
        normalise(document)
    before = process.memory_info().rss
    for _ in range(150):
        normalise(document)
    growth = process.memory_info().rss - before
    assert growth < 6 * 1024 * 1024, f"RSS grew {growth / 1e6:.1f} MB over 150 documents"
