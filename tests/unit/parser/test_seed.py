"""The seed: a dump line from The Block, HTML with literal backslash escapes, no URL."""

from __future__ import annotations

from datetime import date

from services.parser.normalise import normalise

from .conftest import MakeRaw


def _split_dump_line(line: str) -> tuple[date, str]:
    # " date 2023-08-03 <html>": services/fetcher/dumps.py owns the real reader.
    _, keyword, day, html = line.split(" ", 3)
    assert keyword == "date"
    return date.fromisoformat(day), html


def test_seed_text_is_the_article_alone(raw: MakeRaw, seed_line: str) -> None:
    day, html = _split_dump_line(seed_line)
    article = normalise(raw(html, published=day))

    assert article.text.startswith("A Hong Kong lawmaker said he hopes")
    assert article.text.endswith("licensing regime that kicked off on June 1.")
    assert "\\r\\n" not in article.text
    assert "\\n" not in article.text
    assert "©" not in article.text
    assert "All Rights Reserved" not in article.text
    assert len(article.text.split("\n\n")) == 10  # 9 paragraphs and one heading
    assert "\n\nHong Kong’s Web3 push\n\n" in article.text


def test_seed_metadata(raw: MakeRaw, seed_line: str) -> None:
    day, html = _split_dump_line(seed_line)
    article = normalise(raw(html, published=day))

    assert article.published_at == date(2023, 8, 3)
    assert article.provenance["published_at"] == "hint"
    assert article.language == "en"
    assert article.title is None
    assert [link.text for link in article.links][:2] == [
        "interview",
        "as encouraging banks to work with them",
    ]
    assert article.links[0].url == "https://www.thepaper.cn/newsDetail_forward_24097251"


def test_seed_is_deterministic(raw: MakeRaw, seed_line: str) -> None:
    day, html = _split_dump_line(seed_line)
    assert normalise(raw(html, published=day)) == normalise(raw(html, published=day))
