"""Hypothesis strategies for hostile input: real documents mutated, and generated ones.

Every strategy mixes three sources, because each finds different bugs: the project's
own fixtures (real pages, feeds, articles) cut, spliced and salted with hostile
snippets; documents generated from a small grammar; and plain noise.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from functools import lru_cache

from hypothesis import strategies as st

from chaos import ROOT

FIXTURES = ROOT / "tests" / "fixtures"

# Any code point but lone surrogates: no decoded message can hold one (the JSON parser
# refuses "\ud800", the fetcher decodes with errors="replace"); raw bytes cover the rest.
ANY_CHAR = st.characters(exclude_categories=["Cs"])
TEXT = st.text(ANY_CHAR, max_size=200)
WORDS = st.text(st.characters(categories=["L", "N", "Zs", "P"]), min_size=1, max_size=40)

HOSTILE_HTML = [
    "<div>" * 20_000,
    "<table><tr><td>" * 3_000,
    "<p>" * 40_000,
    "<!--",
    "<script>",
    "<style>",
    "<![CDATA[",
    "<?xml version='1.0'?>",
    "<!DOCTYPE html SYSTEM 'http://evil/x.dtd'>",
    "&#x110000;&#0;&#xD800;&#99999999999;&amp&lt",
    "\x00\x01\x02\x1b[31m",
    "\ufffe\uffff\U0010ffff\U000e0001",
    "\u202e\u200b\u200d\ufeff",
    "e" + "\u0301" * 5_000,
    "<" * 50_000,
    "<a href='javascript:alert(1)'>x</a><a href='//evil.example'>y</a>",
    "<base href='http://169.254.169.254/'><link rel=canonical href='file:///etc/passwd'>",
    "<meta property='article:published_time' content='9999-12-31T23:59:59+14:00'>",
    "<meta property='article:published_time' content='0001-01-01T00:00:00-12:00'>",
    "<meta name='date' content='2023-02-30'><time datetime='99999-01-01'>x</time>",
    '<script type=\'application/ld+json\'>{"@type":"NewsArticle","datePublished":[[[[]]]]}'
    "</script>",
    '<script type="application/ld+json">' + "[" * 5_000 + "]" * 5_000 + "</script>",
    "<div class='" + "x" * 500_000 + "'>",
    "<svg><foreignObject><math><mtext><table><mglyph><style><img src=x>",
    "<template><frameset><select><option><textarea><noscript><iframe srcdoc='<p>x'>",
    "<html lang='" + "zz-" * 1_000 + "'>",
    "<title>" + "T" * 100_000 + "</title>",
    "<p>" + "word " * 200_000 + "</p>",
]
TAGS = [
    "html",
    "head",
    "body",
    "title",
    "meta",
    "link",
    "script",
    "style",
    "div",
    "p",
    "span",
    "a",
    "article",
    "main",
    "section",
    "header",
    "footer",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "th",
    "br",
    "img",
    "time",
    "figure",
    "figcaption",
    "blockquote",
    "pre",
    "code",
    "b",
    "i",
    "em",
    "strong",
    "svg",
    "math",
    "template",
    "noscript",
    "iframe",
    "form",
    "select",
    "option",
    "textarea",
    "frameset",
    "base",
]
ATTRS = [
    "class",
    "id",
    "href",
    "src",
    "content",
    "property",
    "name",
    "rel",
    "itemprop",
    "datetime",
    "lang",
    "charset",
    "style",
    "type",
    "http-equiv",
    "itemtype",
    "datePublished",
]


@lru_cache(maxsize=1)
def real_pages() -> list[str]:
    """The fixture pages (decoded), a sample of them: real structure to mutate."""
    pages = sorted((FIXTURES / "pages").glob("*/page.html.gz"))[::6]
    return [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in pages]


@lru_cache(maxsize=1)
def real_texts() -> list[str]:
    out: list[str] = []
    for name in ("articles.jsonl", "releases.jsonl"):
        for line in (FIXTURES / "events" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(str(json.loads(line).get("text") or ""))
    seed = (FIXTURES / "seed" / "theblock-2023-08-03.txt").read_text(encoding="utf-8")
    out.append(seed)
    return [t for t in out if t]


@lru_cache(maxsize=1)
def real_feeds() -> list[bytes]:
    feeds = FIXTURES / "feeds"
    return [
        p.read_bytes() for p in sorted(feeds.iterdir()) if p.suffix in (".xml", ".rss", ".atom")
    ]


@st.composite
def mutated(draw: st.DrawFn, base: str, snippets: list[str]) -> str:
    """``base`` with a few random cuts, splices, duplications and hostile insertions."""
    doc = base
    for _ in range(draw(st.integers(0, 4))):
        n = len(doc)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 20_000)))
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "replace", "truncate"]))
        if op == "insert":
            doc = doc[:i] + draw(st.sampled_from(snippets) | TEXT) + doc[i:]
        elif op == "delete":
            doc = doc[:i] + doc[j:]
        elif op == "duplicate":
            doc = doc[:j] + doc[i:j] * draw(st.integers(1, 50)) + doc[j:]
        elif op == "replace":
            doc = doc[:i] + draw(TEXT) + doc[j:]
        else:
            doc = doc[:i]
    return doc


def _element(tag: str, attrs: dict[str, str], children: list[str], closed: bool) -> str:
    attr = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<{tag}{attr}>{''.join(children)}" + (f"</{tag}>" if closed else "")


HTML_NODE = st.recursive(
    TEXT | st.sampled_from(HOSTILE_HTML[3:20]),
    lambda children: st.builds(
        _element,
        st.sampled_from(TAGS),
        st.dictionaries(st.sampled_from(ATTRS), TEXT, max_size=3),
        st.lists(children, max_size=6),
        st.booleans(),
    ),
    max_leaves=40,
)


def html_documents() -> st.SearchStrategy[str]:
    pages = st.sampled_from(real_pages()).flatmap(lambda p: mutated(p, HOSTILE_HTML))
    generated = st.lists(HTML_NODE, max_size=8).map("".join)
    return st.one_of(pages, generated, st.sampled_from(HOSTILE_HTML), TEXT)


PUBLISHED = st.one_of(
    st.none(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(
        # Hypothesis takes naive bounds and adds the time zone itself.
        min_value=datetime(1, 1, 2),  # noqa: DTZ001
        max_value=datetime(9999, 12, 30),  # noqa: DTZ001
        timezones=st.sampled_from([UTC]),
    ),
)


# Sentences a regulatory-news extractor reacts to, to be shuffled with noise.
AUTHORITIES = [
    "The Securities and Exchange Commission", "SEC", "the CFTC", "Hong Kong's SFC",
    "The Monetary Authority of Singapore", "BaFin", "the FCA", "The European Commission",
    "The People's Bank of China", "Congress", "the Legislative Council", "The U.S. Senate",
    "The Department of Justice", "OFAC", "ESMA", "the Reserve Bank of India", "FINMA",
]  # fmt: skip
ACTS = [
    "granted a licence to", "fined", "charged", "banned", "approved", "rejected", "sued",
    "registered", "revoked the licence of", "opened an investigation into", "proposed a bill on",
    "passed a law on", "issued guidance on", "launched a consultation on", "said it would ban",
    "warned about", "will take effect for",
]  # fmt: skip
WHEN = [
    "on June 31", "yesterday", "last Tuesday", "in 1066", "on 2023-13-45", "in Q3 2024",
    "next year", "on February 29, 2023", "in December", "this week", "on 31/12/9999",
    "in the year 0", "tomorrow", "on Monday, January 1, 10000", "earlier this month", "",
]  # fmt: skip


@st.composite
def regulatory_text(draw: st.DrawFn) -> str:
    sentences = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            sentences.append(draw(TEXT))
        else:
            who = draw(st.sampled_from(AUTHORITIES) | WORDS)
            act = draw(st.sampled_from(ACTS) | WORDS)
            whom = draw(st.lists(WORDS, min_size=0, max_size=4).map(" and ".join))
            when = draw(st.sampled_from(WHEN))
            sentences.append(f"{who} {when} {act} {whom}.")
    sep = draw(st.sampled_from([" ", "\n\n", "", "\u2029", "\r\n", " ; "]))
    return sep.join(sentences)


def article_texts() -> st.SearchStrategy[str]:
    real = st.sampled_from(real_texts()).flatmap(lambda t: mutated(t, WHEN + AUTHORITIES))
    return st.one_of(real, regulatory_text(), TEXT)


# --- dumps, feeds, messages -------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from([*"abc", "id", "url", "html", "text", "published"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@st.composite
def dump_lines(draw: st.DrawFn, fmt: str) -> bytes:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        if fmt == "line":
            day = draw(st.sampled_from(["2023-08-03", "2023-02-30", "9999-99-99", "", "date"]))
            lines.append(f"{draw(st.sampled_from([' ', '', '  ']))}date {day} {draw(TEXT)}")
        elif fmt == "jsonl":
            doc = draw(
                st.fixed_dictionaries(
                    {},
                    optional=dict.fromkeys(
                        ("id", "url", "title", "published", "html", "text"), JSON_VALUES | TEXT
                    ),
                )
            )
            raw = json.dumps(doc)
            lines.append(draw(mutated(raw, ["{", "}", '"', "\\", "\x00", "[" * 500])))
        else:
            row = draw(st.lists(TEXT | st.sampled_from(['"', '""', "\x00", "\r", ","]), max_size=6))
            lines.append(",".join(row))
    header = "id,url,title,published,html,text\n" if fmt == "csv" else ""
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    body = header + sep.join(lines)
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]))
    return prefix + body.encode("utf-8", "surrogatepass")


def dump_files() -> st.SearchStrategy[tuple[str, bytes]]:
    fmt = st.sampled_from(["auto", "line", "jsonl", "csv"])
    noise = st.binary(max_size=2_000)
    return fmt.flatmap(
        lambda f: st.tuples(st.just(f), dump_lines("line" if f == "auto" else f) | noise)
    )


def _feed_entry(title: str, link: str, date_text: str, content: str) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date_text}</pubDate>"
        f"<description>{content}</description><guid isPermaLink='true'>{link}</guid></item>"
    )


FEED_SNIPPETS = [
    "<!DOCTYPE rss [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]>",
    "<!DOCTYPE rss SYSTEM 'http://evil.example/rss.dtd'>",
    "<?xml version='1.0' encoding='ebcdic-cp-us'?>",
    "<?xml version='1.0' encoding='utf-16'?>",
    "<![CDATA[" + "]]>" * 3,
    "<link>javascript:alert(1)</link>",
    "<link>//no-scheme.example/x</link>",
    "<link>http://[::1]:99999/</link>",
    "<pubDate>Mon, 99 Foo 99999 99:99:99 +9999</pubDate>",
    "<updated>0000-00-00T00:00:00Z</updated>",
    "<entry><link rel='alternate'/></entry>",
    "<item>" * 5_000,
    "\x00\xff",
]


@st.composite
def feeds(draw: st.DrawFn) -> tuple[bytes, str | None]:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        base = draw(st.sampled_from(real_feeds())).decode("utf-8", "replace")
        body = draw(mutated(base, FEED_SNIPPETS)).encode("utf-8", "surrogatepass")
    elif kind == 1:
        entries = draw(
            st.lists(
                st.builds(
                    _feed_entry,
                    TEXT,
                    st.sampled_from(["https://x.example/a", "/rel", "", "mailto:a@b", "http://"])
                    | TEXT,
                    st.sampled_from(["Tue, 01 Aug 2023 10:00:00 GMT", "2023-02-30", ""]) | TEXT,
                    TEXT | st.sampled_from(HOSTILE_HTML[3:16]),
                ),
                max_size=10,
            )
        )
        prolog = draw(st.sampled_from(["", *FEED_SNIPPETS[:4]]))
        doc = f"{prolog}<rss version='2.0'><channel><title>t</title>{''.join(entries)}"
        doc += draw(st.sampled_from(["</channel></rss>", "", "</rss>"]))
        body = doc.encode("utf-8", "surrogatepass")
    else:
        body = draw(st.binary(max_size=3_000))
    content_type = draw(
        st.sampled_from([None, "application/rss+xml", "text/xml; charset=iso-8859-1", "text/html"])
    )
    return body, content_type


def _valid_messages() -> dict[str, list[bytes]]:
    from chaos.corpus import build

    corpus = build(3, seed=1)
    from services.common.serde import encode
    from services.parser.app import parse_raw

    out: dict[str, list[bytes]] = {"RawArticle": [], "Article": [], "RegulatoryEvent": []}
    for a in corpus.articles:
        parsed = parse_raw(a.raw)
        out["RawArticle"].append(a.value)
        out["Article"].append(encode(parsed.article))
        out["RegulatoryEvent"].extend(encode(e) for e in parsed.events)
    return out


@lru_cache(maxsize=1)
def valid_messages() -> dict[str, list[bytes]]:
    return _valid_messages()


JSON_SNIPPETS = [
    "null", "[]", "{}", '""', "1e999", "-0", "NaN", '"\\ud800"', "[" * 3_000 + "]" * 3_000,
    '{"a":' * 3_000 + "1" + "}" * 3_000, "123456789012345678901234567890", "\x00", "\xff",
    '"2023-02-30T25:61:61Z"', '"0000-00-00"', "true", '"' + "A" * 70 + '"',
]  # fmt: skip


@st.composite
def _message(draw: st.DrawFn, valid: dict[str, list[bytes]]) -> tuple[str, bytes | None]:
    model = draw(st.sampled_from(sorted(valid)))
    kind = draw(st.integers(0, 3))
    value: bytes | None
    if kind == 0:
        base = draw(st.sampled_from(valid[model])).decode()
        value = draw(mutated(base, JSON_SNIPPETS)).encode("utf-8", "surrogatepass")
    elif kind == 1:
        value = json.dumps(draw(JSON_VALUES)).encode()
    elif kind == 2:
        value = draw(st.binary(max_size=2_000))
    else:
        value = None
    return model, value


def messages() -> st.SearchStrategy[tuple[str, bytes | None]]:
    # Built here, not while drawing: building the corpus seeds its own Random.
    return _message(valid_messages())
