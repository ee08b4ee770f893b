"""Event ids come from what the act is; the extractor sits behind a small interface."""

from __future__ import annotations

from datetime import date

from schemas.models import Article, RegulatoryEvent
from services.parser.events import (
    EXTRACTOR_VERSION,
    EventExtractor,
    RuleBasedExtractor,
    default_extractor,
    extract,
    measure_throughput,
)
from services.parser.events.subjects import default_subjects
from services.parser.events.taxonomy import TAXONOMY

from .conftest import make_article

A = (
    "Hong Kong's SFC granted HashKey and OSL licences to offer retail trading on Tuesday, "
    "the first under the new regime."
)
B = (
    "Retail investors in Hong Kong can now trade bitcoin on two exchanges. On Tuesday the "
    "Securities and Futures Commission granted OSL and HashKey Exchange retail licences."
)


def test_same_act_in_two_articles_has_one_id() -> None:
    (a,) = extract(make_article(A, published=date(2023, 8, 3), outlet="The Block"))
    (b,) = extract(
        make_article(B, published=date(2023, 8, 4), outlet="CoinDesk", url="https://example.com/b")
    )
    assert a.event_type == b.event_type
    assert a.event_date == b.event_date == "2023-08-01"
    assert a.event_id == b.event_id
    assert a.sources[0].article_id != b.sources[0].article_id


def test_different_acts_have_different_ids() -> None:
    (a,) = extract(make_article("The SEC sued Coinbase in June 2023."))
    (b,) = extract(make_article("The SEC sued Binance in June 2023."))
    assert a.event_id != b.event_id


def test_extraction_is_deterministic() -> None:
    article = make_article(A + " " + B)
    first = [e.model_dump() for e in extract(article)]
    again = [e.model_dump() for e in RuleBasedExtractor()(article)]
    assert first == again


def test_aliases_canonicalise_subjects() -> None:
    subjects = default_subjects()
    assert subjects.canonical("Payward Inc.") == subjects.canonical("Kraken")
    assert subjects.canonical("HashKey Exchange") == subjects.canonical("HashKey")
    assert subjects.canonical("Meyer Global Management LLC (MGM)") == "meyer global management"


def test_interface() -> None:
    extractor = default_extractor()
    assert isinstance(extractor, EventExtractor)
    assert (extractor.name, extractor.version) == ("regwire-rules", EXTRACTOR_VERSION)
    assert default_extractor() is extractor  # built once, cached

    class Nothing:
        name = "nothing"
        version = "0"

        def __call__(self, article: Article) -> list[RegulatoryEvent]:
            return []

    assert isinstance(Nothing(), EventExtractor)


def test_every_type_is_documented() -> None:
    for definition in TAXONOMY.values():
        assert definition.definition
        assert definition.examples
        assert definition.not_examples


def test_throughput_function() -> None:
    articles = [make_article(A), make_article(B)]
    assert measure_throughput(articles, min_seconds=0.05) > 0
