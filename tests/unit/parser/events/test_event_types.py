"""Each event type on real-style sentences, with the near misses it must not take."""

# ruff: noqa: E501 - one real-style sentence per line reads better than split strings

from __future__ import annotations

from datetime import date

import pytest

from schemas.models import EventType

from .conftest import events_of

E = EventType


@pytest.mark.parametrize(
    ("text", "event_type", "jurisdiction", "authority", "subjects", "event_date"),
    [
        # license_granted
        (
            "The FCA has granted Coinbase an e-money licence.",
            E.LICENSE_GRANTED,
            "GB",
            "FCA",
            ["Coinbase"],
            "2024-03-15",
        ),
        (
            "The New York Department of Financial Services granted Paxos a trust charter in 2015.",
            E.LICENSE_GRANTED,
            "US",
            "NYDFS",
            ["Paxos"],
            "2015",
        ),
        # license_revoked
        (
            "MAS revoked the licence of Three Arrows Capital last week.",
            E.LICENSE_REVOKED,
            "SG",
            "MAS",
            ["Three Arrows Capital"],
            "2024-03",
        ),
        # license_applied
        (
            "Binance has applied for a licence in Thailand.",
            E.LICENSE_APPLIED,
            "TH",
            None,
            ["Binance"],
            "2024-03-15",
        ),
        # registration
        (
            "Kraken has registered with the Central Bank of Ireland as a virtual asset service provider.",
            E.REGISTRATION,
            "IE",
            "Central Bank of Ireland",
            ["Kraken"],
            "2024-03-15",
        ),
        # enforcement_action
        (
            "The SEC sued Coinbase in June 2023 for operating an unregistered exchange.",
            E.ENFORCEMENT_ACTION,
            "US",
            "SEC",
            ["Coinbase"],
            "2023-06",
        ),
        (
            "OFAC sanctioned Garantex on Tuesday.",
            E.ENFORCEMENT_ACTION,
            "US",
            "OFAC",
            ["Garantex"],
            "2024-03-12",
        ),
        (
            "The DOJ charged Do Kwon with fraud.",
            E.ENFORCEMENT_ACTION,
            "US",
            "DOJ",
            ["Do Kwon"],
            "2024-03-15",
        ),
        (
            "The CFTC ordered Binance to pay $2.7 billion in a settlement announced on November 21, 2023.",
            E.ENFORCEMENT_ACTION,
            "US",
            "CFTC",
            ["Binance"],
            "2023-11-21",
        ),
        (
            "Thailand's SEC has filed a criminal complaint against Bybit.",
            E.ENFORCEMENT_ACTION,
            "TH",
            "Thai SEC",
            ["Bybit"],
            "2024-03-15",
        ),
        (
            "The SEC today suspended trading in the securities of Acme Corp. because of questions about its disclosures.",
            E.ENFORCEMENT_ACTION,
            "US",
            "SEC",
            ["Acme Corp."],
            "2024-03-15",
        ),
        (
            "The SFC has reprimanded and fined Acme Securities Limited $4 million for internal control failures.",
            E.ENFORCEMENT_ACTION,
            "HK",
            "SFC",
            ["Acme Securities Limited"],
            "2024-03-15",
        ),
        (
            "FINRA fined Robinhood $29.75 million in 2024.",
            E.ENFORCEMENT_ACTION,
            "US",
            "FINRA",
            ["Robinhood"],
            "2024",
        ),
        # a court decision obtained by an agency: the court acts
        (
            "The Securities and Futures Commission has obtained disqualification orders in the Court of First Instance against two former directors of Acme Holdings Limited.",
            E.ENFORCEMENT_ACTION,
            "HK",
            "HK Court of First Instance",
            ["Acme Holdings Limited"],
            "2024-03-15",
        ),
        # investigation
        (
            "South Korean regulators investigated Telegram in 2024.",
            E.INVESTIGATION,
            "KR",
            None,
            ["Telegram"],
            "2024",
        ),
        (
            "The FCA opened an investigation into the exchange yesterday.",
            E.INVESTIGATION,
            "GB",
            "FCA",
            [],
            "2024-03-14",
        ),
        # ban
        (
            "China banned all cryptocurrency transactions in September 2021.",
            E.BAN,
            "CN",
            None,
            [],
            "2021-09",
        ),
        ("Nigeria banned crypto trading in 2021.", E.BAN, "NG", None, [], "2021"),
        # bill_proposed / law_passed
        (
            "The bill passed the House in July 2025 with strong bipartisan support.",
            E.BILL_PROPOSED,
            "US",
            "US House of Representatives",
            [],
            "2025-07",
        ),
        (
            "In December, Hong Kong's Legislative Council passed an amendment introducing a licensing regime.",
            E.LAW_PASSED,
            "HK",
            "HK Legislative Council",
            [],
            "2023-12",
        ),
        (
            "President Putin signed a law legalizing crypto mining in August.",
            E.LAW_PASSED,
            "RU",
            "President of Russia",
            [],
            "2023-08",
        ),
        (
            "The Securities and Exchange Commission today adopted final rule amendments.",
            E.LAW_PASSED,
            "US",
            "SEC",
            [],
            "2024-03-15",
        ),
        # law_effective
        (
            "The EU's Markets in Crypto-Assets regulation took full effect on December 30, 2024.",
            E.LAW_EFFECTIVE,
            "EU",
            None,
            [],
            "2024-12-30",
        ),
        # consultation
        (
            "ESMA launched a consultation on MiCA rules earlier this month.",
            E.CONSULTATION,
            "EU",
            "ESMA",
            ["MiCA"],
            "2024-03",
        ),
        (
            "The SEC today proposed to rescind Rule 14a-8.",
            E.CONSULTATION,
            "US",
            "SEC",
            ["Rule 14a-8"],
            "2024-03-15",
        ),
        # guidance
        (
            # no name: the topic the guidance is on is its subject
            "The HKMA issued guidelines on stablecoin issuers yesterday.",
            E.GUIDANCE,
            "HK",
            "HKMA",
            ["stablecoin issuers"],
            "2024-03-14",
        ),
        (
            "In October, Hong Kong authorities released a series of policy statements about cryptocurrencies.",
            E.GUIDANCE,
            "HK",
            None,
            [],
            "2023-10",
        ),
        # product approval / rejection
        (
            "The SEC approved spot bitcoin ETFs on January 10, 2024.",
            E.PRODUCT_APPROVAL,
            "US",
            "SEC",
            ["ETFs"],
            "2024-01-10",
        ),
        (
            "The SEC delayed its decision on BlackRock's Ethereum ETF.",
            E.PRODUCT_REJECTION,
            "US",
            "SEC",
            ["BlackRock's Ethereum ETF"],
            "2024-03-15",
        ),
        # official_statement
        (
            "Senator Elizabeth Warren said crypto is used for money laundering.",
            E.OFFICIAL_STATEMENT,
            "US",
            "US Senator Elizabeth Warren",
            ["Elizabeth Warren"],
            "2024-03-15",
        ),
        (
            "A Hong Kong lawmaker said he hopes to explore links between crypto platforms.",
            E.OFFICIAL_STATEMENT,
            "HK",
            "HK Legislative Council",
            [],
            "2024-03-15",
        ),
    ],
)
def test_positive(
    text: str,
    event_type: EventType,
    jurisdiction: str,
    authority: str | None,
    subjects: list[str],
    event_date: str,
) -> None:
    (event,) = events_of(text)
    assert event.event_type is event_type
    assert event.jurisdiction == jurisdiction
    assert event.authority == authority
    assert event.subjects == subjects
    assert event.event_date == event_date


@pytest.mark.parametrize(
    "text",
    [
        "The SEC could approve the ETF next week, analysts said.",
        "Analysts expect the SEC to approve a spot Ether ETF by May.",
        "Coinbase shares rose 5% after the listing of the token.",
        "The firm has not been licensed by the FCA and is not authorized to offer services in the UK.",
        "If approved, the rules would take effect in 2026.",
        "Japan's Financial Services Agency plans to reclassify crypto assets as financial products.",
        "Lawmakers may vote on the stablecoin bill next week.",
        "Senators asked the SEC to investigate the memecoin.",
        "Will the SEC approve a Solana ETF this year?",
        "Former CFTC Chairman Chris Giancarlo said Washington fights crypto to keep its power.",
        "Bitcoin was rejected at $65,600 ahead of the Fed FOMC meeting, the report noted.",
        "Exchanges that are licensed in Hong Kong can serve retail investors.",
        "The complaint alleges that investor accounts were frozen by the platform.",
        "The ethics ban applies to conduct during the presidency.",
        "Strategy bought 5,000 bitcoin last week, the company said.",
        "Powell said the Fed would keep interest rates unchanged.",
        "Kremlin spokesman Dmitry Peskov said preparations for the talks are under way.",
        "The SFC will not hesitate to take enforcement action against unlicensed platforms.",
    ],
)
def test_negative(text: str) -> None:
    assert events_of(text) == []


def test_background_mention_has_its_own_date() -> None:
    text = (
        "Hong Kong granted retail licences to two exchanges yesterday. China banned all "
        "cryptocurrency transactions in September 2021, but trading of NFTs remains active."
    )
    got = {
        (e.event_type, e.event_date, e.date_precision.value)
        for e in events_of(text, published=date(2023, 8, 3))
    }
    assert (E.BAN, "2021-09", "month") in got


def test_several_acts_in_one_sentence() -> None:
    text = (
        "This came after the bill passed the House of Representatives and was approved by "
        "the Senate Banking Committee."
    )
    got = [(e.event_type, e.authority) for e in events_of(text)]
    assert got == [
        (E.BILL_PROPOSED, "US House of Representatives"),
        (E.BILL_PROPOSED, "US Senate Banking Committee"),
    ]


def test_same_act_twice_is_one_event() -> None:
    text = (
        "The SEC today charged Daniel Chu with fraud. The SEC's complaint, filed in the U.S. "
        "District Court for the Southern District of New York, charges Chu with violating the "
        "antifraud provisions."
    )
    (event,) = events_of(text, outlet="SEC", url="https://www.sec.gov/newsroom/press-releases/x")
    assert event.authority == "SEC"
    assert event.date_precision.value == "day"


def test_statements_by_one_official_are_one_event() -> None:
    text = (
        "Senator Cynthia Lummis said the bill is ready. Lummis added that the Senate will "
        "vote on the bill. Lummis also warned that delay could push the bill to 2030."
    )
    (event,) = events_of(text)
    assert event.event_type is E.OFFICIAL_STATEMENT
    assert event.authority == "US Senator Cynthia Lummis"


def test_a_regulator_release_says_today() -> None:
    text = "The Securities and Futures Commission today banned a former trader from re-entering the industry for life."
    (event,) = events_of(text, outlet="SFC", published=date(2021, 7, 16))
    assert (event.event_type, event.jurisdiction, event.authority) == (
        E.ENFORCEMENT_ACTION,
        "HK",
        "SFC",
    )
    assert (event.event_date, event.date_precision.value) == ("2021-07-16", "day")


def test_no_date_is_unknown_with_the_publication_date() -> None:
    (event,) = events_of("The FCA fined the exchange for anti-money-laundering failures.")
    assert (event.event_date, event.date_precision.value) == ("2024-03-15", "unknown")


def test_us_state_regulator_keeps_the_state() -> None:
    (event,) = events_of(
        "The New York Department of Financial Services fined the exchange on Monday."
    )
    assert (event.jurisdiction, event.region) == ("US", "US-NY")
