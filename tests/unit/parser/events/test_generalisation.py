"""Rules that carry beyond the dev articles: other regulators, other phrasings, general news.

Each case is a pattern seen in real releases and crypto-policy news of many countries; none
names a firm or copies a sentence of the dev set.
"""

# ruff: noqa: E501 - one real-style sentence per line reads better than split strings

from __future__ import annotations

from datetime import date

import pytest

from schemas.models import EventType
from services.parser.events.authorities import default_registry

from .conftest import events_of

E = EventType


@pytest.mark.parametrize(
    ("text", "event_type", "jurisdiction", "authority"),
    [
        # a country before a name another country's body bears
        (
            "Vietnam's National Assembly passed the Law on Digital Technology Industry in June.",
            E.LAW_PASSED,
            "VN",
            "National Assembly of Vietnam",
        ),
        (
            "Nigeria's Securities and Exchange Commission granted provisional approval to two exchanges.",
            E.LICENSE_GRANTED,
            "NG",
            "Nigerian SEC",
        ),
        (
            "In the Philippines, the SEC issued an advisory warning the public against an unregistered exchange.",
            E.OFFICIAL_STATEMENT,
            "PH",
            "Philippine SEC",
        ),
        (
            "Ghana's Financial Intelligence Unit issued show-cause notices to nine offshore exchanges.",
            E.ENFORCEMENT_ACTION,
            "GH",
            "Ghana Financial Intelligence Unit",
        ),
        # generic bodies a country qualifies
        (
            "Brazil's central bank published a consultation on rules for virtual asset service providers.",
            E.CONSULTATION,
            "BR",
            "Central Bank of Brazil",
        ),
        # phrasings of many regulators
        (
            "The Financial Services Agency today issued a business improvement order to Hoshi Exchange Co., Ltd.",
            E.ENFORCEMENT_ACTION,
            "JP",
            "Japan FSA",
        ),
        (
            "The Commodity Futures Trading Commission today issued an order filing and settling charges against Ardent Trading LLC.",
            E.ENFORCEMENT_ACTION,
            "US",
            "CFTC",
        ),
        (
            "ASIC has commenced civil penalty proceedings in the Federal Court against Bitland Pty Ltd.",
            E.ENFORCEMENT_ACTION,
            "AU",
            "ASIC",
        ),
        (
            "The Ontario Securities Commission today approved a settlement agreement with Polar Digital Inc.",
            E.ENFORCEMENT_ACTION,
            "CA",
            "OSC",
        ),
        (
            "MAS has issued prohibition orders against two former senior managers, Tan Wei Ling and Marcus Goh.",
            E.ENFORCEMENT_ACTION,
            "SG",
            "MAS",
        ),
        (
            "The Treasury's Office of Foreign Assets Control today designated Vostok Exchange for facilitating ransomware payments.",
            E.ENFORCEMENT_ACTION,
            "US",
            "OFAC",
        ),
        (
            "CySEC has decided to suspend the authorisation of Eurovale Markets Ltd.",
            E.LICENSE_REVOKED,
            "CY",
            "CySEC",
        ),
        (
            "The Reserve Bank of India issued draft guidelines on digital lending apps and invited comments.",
            E.CONSULTATION,
            "IN",
            "RBI",
        ),
        (
            "The Thai SEC banned crypto platforms from offering leveraged products to retail customers.",
            E.BAN,
            "TH",
            "Thai SEC",
        ),
        (
            "Consob ordered internet providers to black out five websites offering unauthorised crypto services.",
            E.BAN,
            "IT",
            "CONSOB",
        ),
        (
            "The Office of the Comptroller of the Currency conditionally approved a national trust bank charter for Keystone Digital Trust.",
            E.LICENSE_GRANTED,
            "US",
            "OCC",
        ),
        (
            "Japan's cabinet approved a bill that would move crypto assets under the securities law.",
            E.BILL_PROPOSED,
            "JP",
            None,
        ),
    ],
)
def test_other_regulators_and_phrasings(
    text: str, event_type: EventType, jurisdiction: str, authority: str | None
) -> None:
    got = [(e.event_type, e.jurisdiction) for e in events_of(text)]
    assert (event_type, jurisdiction) in got
    if authority is not None:
        (event,) = [e for e in events_of(text) if e.event_type is event_type]
        assert event.authority == authority


@pytest.mark.parametrize(
    "text",
    [
        # general news: police and courts on crimes that are not about money
        "Police have made 378 arrests since last week after riots broke out across the country.",
        "He was found guilty of two counts of murder and sentenced to life in prison.",
        # an authority's name inside another organisation's name
        "National Bank of Canada also posted profits that beat analysts' expectations.",
        "It can be a double-edged sword, said the research director at the FINRA Investor Education Foundation.",
        # speech that is not the official's, or not about regulation
        "Republican pollster Paul Schumaker, an adviser to Sen. Thom Tillis, said turnout would decide the race.",
        "The May jobs report was strong, he said, and it should ease Bank of Canada worries about the economy.",
        "European Central Bank President Christine Lagarde said inflation was on track to return to 2% next year.",
        # typographic apostrophes in negations and conditions
        "These are measures that won’t come into full effect for two years.",
        "The rules will take effect once the government announces a commencement date.",
        # a firm's own acts
        "Prosecutors said he misled customers before the firm froze withdrawals in 2024.",
        "Facebook has banned all advertising for cryptocurrencies.",
    ],
)
def test_not_regulatory_events(text: str) -> None:
    assert [e.event_type for e in events_of(text)] == []


def test_what_a_rule_prohibits_is_no_ban() -> None:
    text = "The SEC proposed to rescind its rule that prohibits advisers from providing services to government clients."
    assert [e.event_type for e in events_of(text)] == [E.CONSULTATION]


def test_abbreviation_defined_in_the_text_names_the_body() -> None:
    text = (
        "Turkey's Capital Markets Board (CMB) revoked two licences on Monday. "
        "The CMB also banned crypto platforms from offering leveraged products in 2025."
    )
    bans = [e for e in events_of(text) if e.event_type is E.BAN]
    assert [(e.jurisdiction, e.authority, e.event_date) for e in bans] == [
        ("TR", "Capital Markets Board of Turkey", "2025")
    ]


def test_release_issuer_by_country_of_its_domain() -> None:
    registry = default_registry()
    nigeria = registry.issuer("SEC Nigeria", "https://sec.gov.ng/notice")
    korea = registry.issuer("FSC (Korea)", "https://www.fsc.go.kr/eng/x")
    assert nigeria is not None
    assert korea is not None
    assert (nigeria.jurisdiction, korea.jurisdiction) == ("NG", "KR")


def test_next_sentence_dates_the_act() -> None:
    text = (
        "The Cyprus Securities and Exchange Commission has decided to suspend the authorisation "
        "of Eurovale Markets Ltd. The decision was taken on 10 February 2025."
    )
    (event,) = events_of(text, outlet="CySEC", published=date(2025, 2, 12))
    assert (event.event_type, event.event_date) == (E.LICENSE_REVOKED, "2025-02-10")


def test_takes_effect_on_a_day_ahead_is_this_year() -> None:
    (event,) = events_of(
        "Korea's Virtual Asset User Protection Act takes effect on July 19.",
        published=date(2024, 5, 28),
    )
    assert (event.event_type, event.event_date) == (E.LAW_EFFECTIVE, "2024-07-19")


def test_federal_register_title_implies_the_sec() -> None:
    text = (
        "Self-Regulatory Organizations; Nasdaq ISE, LLC; Order Approving a Proposed Rule "
        "Change To Amend the Short Term Option Series Program.\n\nDate: 2026-01-22"
    )
    (event,) = events_of(text, outlet="Federal Register", published=date(2026, 1, 22))
    assert (event.event_type, event.authority, event.subjects, event.event_date) == (
        E.LAW_PASSED,
        "SEC",
        ["Nasdaq ISE, LLC"],
        "2026-01-22",
    )


def test_subjects_are_names_not_roles_or_headlines() -> None:
    text = (
        "The Securities and Exchange Commission today charged Dana Hale and Marco Rossi, the "
        "former CEO and CFO of Texas-based Orbit Holdings, LLC, with fraud."
    )
    (event,) = events_of(text, outlet="SEC", url="https://www.sec.gov/newsroom/press-releases/y")
    assert event.subjects == ["Dana Hale", "Marco Rossi"]


def test_subjects_of_a_bill_article_follow_its_name() -> None:
    text = (
        "Passing the Digital Asset Market Structure Act is the industry's priority. "
        "The Digital Asset Market Structure Act passed the House in July. "
        "The Senate Banking Committee advanced it in May."
    )
    got = {(e.authority, tuple(e.subjects)) for e in events_of(text, published=date(2025, 8, 1))}
    assert ("US Senate Banking Committee", ("Digital Asset Market Structure Act",)) in got


def test_topic_is_the_subject_of_a_consultation_without_names() -> None:
    (event,) = events_of(
        "The SEC today issued a request for public comment on exchange-traded funds (ETFs) seeking to invest in novel assets.",
        outlet="SEC",
    )
    assert event.subjects == ["exchange-traded funds (ETFs)"]
