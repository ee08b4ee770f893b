"""``normalise(raw) -> Article``: the composition of the field functions."""

from __future__ import annotations

from schemas.models import Article, Extractor, RawArticle

from .authors import authors_from_bylines, extract_authors
from .dates import modified_at, parse_date, published_at
from .document import parse_page
from .errors import NormaliseError
from .guard import reject_binary
from .language import detect_language
from .links import body_links
from .maintext import extract_main_text
from .metadata import canonical_url, description, site_name
from .overrides import rule_for
from .text import clean_inline, join_paragraphs, split_plain_text, word_count
from .title import extract_title

VERSION = "0.1.0"
EXTRACTOR = Extractor(name="regwire-normalise", version=VERSION)


def normalise(raw: RawArticle) -> Article:
    """Main text and metadata of ``raw``; NormaliseError when it holds no article at all."""
    # isspace(), not strip(): no copy of a page that ends with a newline.
    has_text = bool(raw.text and not raw.text.isspace())
    if raw.html and not raw.html.isspace():
        try:
            return _from_html(raw, raw.html)
        except NormaliseError:
            if not has_text:
                raise
    if raw.text is not None and has_text:
        return _from_text(raw, raw.text)
    raise NormaliseError("empty document: neither html nor text has any content")


def _from_html(raw: RawArticle, html: str) -> Article:
    page = parse_page(html, raw.url)
    provenance: dict[str, str] = {}
    canonical, provenance["canonical_url"] = canonical_url(page)
    site, provenance["site_name"] = site_name(page)
    title, provenance["title"] = extract_title(page, site, raw.title)
    authors, provenance["authors"] = extract_authors(page, site)
    published, provenance["published_at"] = published_at(page, raw.fetched_at, raw.published)
    modified, provenance["modified_at"] = modified_at(page, raw.fetched_at)
    summary, provenance["description"] = description(page)
    # Mutates the tree: every other field is read first.
    main = extract_main_text(page, rule_for(canonical or raw.url))
    text = join_paragraphs(main.paragraphs)
    if not authors and main.bylines:
        authors = authors_from_bylines(main.bylines, page, site)
        provenance["authors"] = "byline:text" if authors else ""
    if not text and not title:
        raise NormaliseError("no text: the document has neither a body nor a title")
    language, provenance["language"] = detect_language(page, text or title or "")
    provenance["text"] = main.source
    return Article(
        article_id=raw.article_id,
        url=raw.url,
        canonical_url=canonical,
        title=title,
        text=text,
        authors=authors,
        published_at=published,
        modified_at=modified,
        language=language,
        site_name=site,
        description=summary,
        links=body_links(main.links, canonical or raw.url),
        provenance={field: source for field, source in provenance.items() if source},
        word_count=word_count(text),
        source=raw.source,
        fetched_at=raw.fetched_at,
        extractor=EXTRACTOR,
    )


def _from_text(raw: RawArticle, body: str) -> Article:
    reject_binary(body)
    text = join_paragraphs(split_plain_text(body.encode("utf-8", "replace").decode("utf-8")))
    title = clean_inline(raw.title) if raw.title else None
    published = None
    if raw.published is not None:
        published = parse_date(raw.published.isoformat(), raw.fetched_at)
    language, language_source = detect_language(None, text)
    provenance = {"text": "raw:text", "language": language_source}
    if title:
        provenance["title"] = "hint"
    if published is not None:
        provenance["published_at"] = "hint"
    return Article(
        article_id=raw.article_id,
        url=raw.url,
        title=title or None,
        text=text,
        published_at=published,
        language=language,
        provenance={field: source for field, source in provenance.items() if source},
        word_count=word_count(text),
        source=raw.source,
        fetched_at=raw.fetched_at,
        extractor=EXTRACTOR,
    )
