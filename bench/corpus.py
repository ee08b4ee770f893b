"""The benchmark's input: the real dev pages and event articles, copied to any size.

The dev pages (``tests/fixtures/pages``, full HTML) and the event articles and
releases (``tests/fixtures/events``, text and HTML) are the templates. ``copies``
repeats them, in a fixed interleaved order, each copy with its own URL (so its own
article id) and ``fetched_at`` = when it is built, i.e. just before it is published.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from schemas import RawArticle, Source, SourceKind
from schemas.ids import article_id

BENCH_HOST = "https://bench.regwire.invalid"


@dataclass(frozen=True)
class Corpus:
    pages: tuple[RawArticle, ...]
    articles: tuple[RawArticle, ...]

    @property
    def mixed(self) -> tuple[RawArticle, ...]:
        """Pages and articles interleaved, so any prefix has both kinds in proportion."""
        out: list[RawArticle] = []
        pages, articles = list(self.pages), list(self.articles)
        step = max(1, round(len(pages) / max(1, len(articles))))
        while pages or articles:
            out.extend(pages[:step])
            del pages[:step]
            if articles:
                out.append(articles.pop(0))
        return tuple(out)


@lru_cache(maxsize=1)
def load() -> Corpus:
    from evaluation.events import load_docs
    from evaluation.extraction import load_cases, raw_article

    pages = tuple(raw_article(c) for c in load_cases())
    articles = tuple(d.raw for d in load_docs())
    return Corpus(pages, articles)


def copy_of(template: RawArticle, tag: str, index: int) -> RawArticle:
    url = f"{BENCH_HOST}/{tag}/{index}"
    return template.model_copy(
        update={
            "article_id": article_id(url, None),
            "url": url,
            "fetched_at": datetime.now(UTC),
            "source": Source(id=f"bench:{tag}", kind=SourceKind.DUMP, outlet="bench"),
        }
    )


def copies(
    count: int, tag: str, templates: tuple[RawArticle, ...] | None = None
) -> Iterator[RawArticle]:
    """``count`` raw articles with distinct URLs, cycling through ``templates``."""
    pool = templates or load().mixed
    for i in range(count):
        yield copy_of(pool[i % len(pool)], tag, i)
