"""A known set: synthetic-but-realistic articles whose events are known in advance.

Each article is a regulator-action news story (a templated lead sentence naming a
distinct firm and a distinct date, wrapped in filler paragraphs and page chrome), so
each yields its own event id. About one event in eight is reported by a second
outlet too: same act, same event id, a second source. The expected sets are not
written by hand: ``build`` runs the parser's pure core (``parse_raw``) in-process on
every article, and keeps only articles whose lead event it finds.

>>> corpus = build(200, seed=7)              # doctest: +SKIP
>>> len(corpus.articles), len(corpus.event_ids)  # doctest: +SKIP
(200, 178)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from schemas import RawArticle, Source, SourceKind
from schemas.ids import article_id
from services.common.serde import encode
from services.parser.app import parse_raw

# (jurisdiction, lead sentence, event type): each one checked to be found by the
# extractor; ``build`` re-checks every article anyway.
LEADS: list[tuple[str, str, str]] = [
    ("US", "The U.S. Securities and Exchange Commission on {d} charged {f} with operating an "
     "unregistered crypto asset exchange.", "enforcement_action"),
    ("US", "The Commodity Futures Trading Commission on {d} ordered {f} to pay a $4 million civil "
     "penalty for offering illegal off-exchange digital asset derivatives.", "enforcement_action"),
    ("HK", "Hong Kong's Securities and Futures Commission on {d} granted {f} a licence to operate "
     "a virtual asset trading platform.", "license_granted"),
    ("SG", "The Monetary Authority of Singapore on {d} granted {f} a licence to provide digital "
     "payment token services.", "license_granted"),
    ("AU", "The Australian Securities and Investments Commission on {d} sued {f} in the Federal "
     "Court over its crypto lending product.", "enforcement_action"),
    ("DE", "Germany's financial regulator BaFin on {d} granted {f} a licence for crypto custody "
     "business.", "license_granted"),
    ("US", "The New York Department of Financial Services on {d} fined {f} $3 million for "
     "anti-money laundering failures.", "enforcement_action"),
    ("CA", "The Ontario Securities Commission on {d} fined {f} for operating an unregistered "
     "crypto trading platform.", "enforcement_action"),
    ("FR", "France's market regulator AMF on {d} fined {f} 1 million euros for breaching its "
     "professional obligations.", "enforcement_action"),
    ("GB", "The UK Financial Conduct Authority on {d} fined {f} £2 million for financial crime "
     "control failings.", "enforcement_action"),
    ("JP", "Japan's Financial Services Agency on {d} granted {f} a licence to operate a crypto "
     "exchange.", "license_granted"),
    ("AE", "Dubai's Virtual Assets Regulatory Authority on {d} granted {f} a licence to offer "
     "virtual asset exchange services.", "license_granted"),
    ("US", "The U.S. Department of Justice on {d} charged {f} with running an unlicensed money "
     "transmitting business.", "enforcement_action"),
]  # fmt: skip

_NAMES = [
    "Arden",
    "Bexley",
    "Corvin",
    "Dalton",
    "Everly",
    "Fenwick",
    "Galloway",
    "Harlow",
    "Ingram",
    "Jessup",
    "Kestrel",
    "Linwood",
    "Marlow",
    "Norcross",
    "Oakley",
    "Prescott",
    "Quill",
    "Radley",
    "Sutter",
    "Thorne",
    "Upton",
    "Vance",
    "Whitlock",
    "Yardley",
    "Zephyr",
    "Ashby",
    "Brennan",
    "Calder",
    "Dunmore",
    "Ellison",
]
_KINDS = [
    "Digital",
    "Capital",
    "Markets",
    "Exchange",
    "Payments",
    "Custody",
    "Finance",
    "Labs",
    "Trading",
    "Assets",
    "Ledger",
]
_FORMS = ["Ltd", "Inc", "Group", "Holdings", "AG", "Pte"]
_FILLER = [
    "The company did not immediately respond to a request for comment.",
    "Trading volumes across the sector have fallen sharply since the start of the year.",
    "Analysts expect further scrutiny of digital asset platforms in the coming months.",
    "The firm said it would continue to serve its existing customers.",
    "Bitcoin traded slightly higher on the day, according to market data.",
    "Shares of listed crypto companies were little changed in early trading.",
    "Industry groups have asked for clearer rules on how tokens are classified.",
    "The platform has more than 200,000 registered users, according to its website.",
]
_OUTLETS = [("Chaos Wire", "chaos-wire.example"), ("Ledger Daily", "ledger-daily.example")]
_FIRST_DAY = date(2015, 1, 5)


def firm(i: int) -> str:
    """A distinct, plausible firm name for each i below 59,400."""
    n = len(_NAMES)
    return (
        f"{_NAMES[i % n]} {_NAMES[(i // n) % n]} {_KINDS[(i // n**2) % len(_KINDS)]} "
        f"{_FORMS[(i // (n**2 * len(_KINDS))) % len(_FORMS)]}"
    )


@dataclass(frozen=True, slots=True)
class KnownArticle:
    raw: RawArticle
    value: bytes  # the RawArticle as it goes on the wire
    event_ids: frozenset[str]

    @property
    def article_id(self) -> str:
        return self.raw.article_id


@dataclass
class Corpus:
    seed: int
    articles: list[KnownArticle] = field(default_factory=list)
    rejected: int = 0  # generated articles the extractor did not find the lead event in

    @property
    def article_ids(self) -> set[str]:
        return {a.article_id for a in self.articles}

    @property
    def event_ids(self) -> set[str]:
        return {e for a in self.articles for e in a.event_ids}

    @property
    def pairs(self) -> set[tuple[str, str]]:
        """(event id, article id): one event_sources row each."""
        return {(e, a.article_id) for a in self.articles for e in a.event_ids}

    def messages(self) -> list[tuple[bytes, bytes]]:
        """(key, value) for news.raw.v1, in seeding order."""
        return [(a.article_id.encode(), a.value) for a in self.articles]


def page(i: int, outlet: int, rng: random.Random) -> RawArticle:
    """Article ``i`` as reported by ``outlet``: a full news page, published a day later."""
    jurisdiction, lead, _ = LEADS[i % len(LEADS)]
    name, host = _OUTLETS[outlet]
    when = _FIRST_DAY + timedelta(days=i % 3500)
    subject = firm(i)
    headline = f"{subject} faces regulator action" if outlet else f"Regulator acts on {subject}"
    paragraphs = [lead.format(d=when.strftime("%B %-d, %Y"), f=subject), *rng.sample(_FILLER, 3)]
    # A quarter of the pages carry the literal "\r\n" escapes of the seed dump.
    sep = "\\r\\n" if rng.random() < 0.25 else "\n"
    body = sep.join(f"<p>{p}</p>" for p in paragraphs)
    published = datetime.combine(when + timedelta(days=1), datetime.min.time(), UTC)
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{headline} - {name}</title><meta property="og:site_name" content="{name}">
<meta property="article:published_time" content="{published.isoformat()}">
<script>window.dataLayer=[{{"section":"policy","region":"{jurisdiction}"}}];</script></head>
<body><header><nav><a href="/">Home</a> <a href="/markets">Markets</a> <a href="/policy">Policy</a>
</nav></header><main><article><h1>{headline}</h1><p class="byline">By Staff Reporter</p>
{body}</article><aside><h3>Related</h3><ul><li><a href="/news/{i + 1}">More regulation news</a>
</li></ul></aside></main><footer><p>© {published.year} {name}. All rights reserved.</p>
<div class="cookie">We use cookies to improve your experience.</div></footer></body></html>"""
    url = f"https://{host}/policy/{published:%Y/%m}/{i}-{outlet}"
    return RawArticle(
        article_id=article_id(url),
        url=url,
        html=html,
        published=published,
        fetched_at=published + timedelta(hours=2),
        source=Source(id=f"chaos-{host}", kind=SourceKind.FEED, outlet=name),
    )


def known(raw: RawArticle, subject: str | None) -> KnownArticle | None:
    """The article with its events, or None when the lead event (naming ``subject``,
    when given) is not found."""
    try:
        events = parse_raw(raw).events
    except Exception:  # the parser would dead-letter it: not part of a known set
        return None
    if not any(subject is None or subject in e.subjects for e in events):
        return None
    return KnownArticle(raw, encode(raw), frozenset(e.event_id for e in events))


def build(n: int, seed: int, start: int = 0) -> Corpus:
    """``n`` known articles (events ``start``, ``start+1``...), shuffled by ``seed``."""
    rng = random.Random(seed)
    corpus = Corpus(seed)
    i = start
    while len(corpus.articles) < n:
        if corpus.rejected > n + 100:
            raise RuntimeError(
                f"the extractor finds the lead event in too few synthetic articles "
                f"({len(corpus.articles)} kept, {corpus.rejected} rejected): is the parser broken?"
            )
        outlets = [0, 1] if i % 8 == 3 else [0]
        for outlet in outlets:
            if len(corpus.articles) == n:
                break
            doc = known(page(i, outlet, rng), firm(i))
            if doc is None:
                corpus.rejected += 1
            else:
                corpus.articles.append(doc)
        i += 1
    rng.shuffle(corpus.articles)
    return corpus
