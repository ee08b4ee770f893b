"""The v1 event taxonomy: what each type means, with examples on both sides of the line.

These are the definitions the rules in data/rules.yaml implement and the gold events in
tests/fixtures/events/ were annotated with (see GUIDELINES.md there). The one rule above
all: an event is an *act* of an authority (or a licensing outcome) that the text states
happened, or that a law schedules. Hopes, forecasts, proposals by officials, questions,
conditionals and negations are not the act; company news and market moves are not events.

>>> TAXONOMY[EventType.BAN].label
'ban'
>>> len(TAXONOMY) == len(EventType)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.models import EventType


@dataclass(frozen=True, slots=True)
class TypeDefinition:
    label: str
    definition: str
    examples: tuple[str, ...]
    not_examples: tuple[str, ...]
    verb: str  # for the one-sentence summary: "<authority> <verb> <subjects>"


TAXONOMY: dict[EventType, TypeDefinition] = {
    EventType.LICENSE_GRANTED: TypeDefinition(
        "licence granted",
        "A licence, charter, authorisation or approval to operate was granted to a firm.",
        (
            "HashKey and OSL became the first two exchanges to obtain licenses to offer "
            "retail trading.",
            "NYDFS granted a trust charter to Acme.",
            "The exchange was approved to offer crypto trading in the UK.",
        ),
        ("Acme plans to apply for a MiCA licence.", "Exchanges licensed in Hong Kong ..."),
        "granted a licence to",
    ),
    EventType.LICENSE_REVOKED: TypeDefinition(
        "licence revoked",
        "A licence, registration or authorisation was withdrawn, suspended or refused.",
        ("The FCA revoked the firm's registration.", "Its licence was suspended in May."),
        ("The regulator could suspend the licence.",),
        "withdrew the licence of",
    ),
    EventType.LICENSE_APPLIED: TypeDefinition(
        "licence applied for",
        "A firm applied for a licence, charter, registration or authorisation.",
        ("Acme has applied for a national trust charter with the OCC.",),
        ("Acme intends to apply for a licence next year.",),
        "received a licence application from",
    ),
    EventType.REGISTRATION: TypeDefinition(
        "registration",
        "A firm registered with a regulator or was added to its register (VASP etc.).",
        ("Acme has registered with the FIU as a virtual asset service provider.",),
        ("a registered investment adviser", "claims to be registered with the SEC"),
        "registered",
    ),
    EventType.ENFORCEMENT_ACTION: TypeDefinition(
        "enforcement action",
        "An authority charged, sued, fined, settled with, sanctioned, barred, arrested, "
        "convicted, froze or seized, or a court ruled or entered judgment in its case.",
        (
            "The SEC today charged Daniel Chu with fraud.",
            "The SFC has banned a former trader from re-entering the industry for life.",
            "Police arrested three suspects.",
        ),
        (
            "The SEC will not hesitate to take enforcement action.",
            "The complaint alleges that the firm misled investors.",
        ),
        "took enforcement action against",
    ),
    EventType.INVESTIGATION: TypeDefinition(
        "investigation",
        "An authority opened a probe, investigation or inquiry, or issued a subpoena.",
        ("South Korean regulators investigated Telegram in 2024.",),
        ("Senators asked the SEC to investigate the token.",),
        "opened an investigation into",
    ),
    EventType.BAN: TypeDefinition(
        "ban",
        "An authority prohibited an activity or a product (not a person: that is "
        "enforcement_action).",
        ("China banned all cryptocurrency transactions in September 2021.",),
        ("Lawmakers could ban stablecoin yield.", "The ethics ban applies to ..."),
        "banned",
    ),
    EventType.BILL_PROPOSED: TypeDefinition(
        "bill proposed",
        "A bill was introduced or drafted, or passed one chamber or a committee, but is "
        "not yet law.",
        ("The bill passed the House in July 2025.", "The Senate Banking Committee advanced it."),
        ("The Senate is expected to vote next week.",),
        "advanced",
    ),
    EventType.LAW_PASSED: TypeDefinition(
        "law passed",
        "A law was finally enacted, signed or adopted; a regulator's final rule adopted.",
        (
            "Hong Kong's Legislative Council passed an amendment introducing a licensing regime.",
            "The SEC today adopted final rule amendments.",
        ),
        ("If the law passes, markets could move.",),
        "passed",
    ),
    EventType.LAW_EFFECTIVE: TypeDefinition(
        "law effective",
        "A law, regime or rule takes or took effect on a date.",
        ("Hong Kong's new licensing regime kicked off on June 1.",),
        ("The rules could take effect next year if approved.",),
        "brought into effect",
    ),
    EventType.CONSULTATION: TypeDefinition(
        "consultation",
        "A regulator launched a consultation, request for comment or proposed rule for comment.",
        ("The SEC today proposed to rescind Rule 14a-8.",),
        ("A proposed rule change filed by FICC was approved.",),
        "opened a consultation on",
    ),
    EventType.GUIDANCE: TypeDefinition(
        "guidance",
        "A regulator or government issued guidance, policy statements, circulars, "
        "interpretations, exemptive relief, or set up a new division or framework.",
        ("In October, Hong Kong authorities released a series of policy statements.",),
        ("The SFC's circular says ...",),
        "issued guidance on",
    ),
    EventType.PRODUCT_APPROVAL: TypeDefinition(
        "product approval",
        "A regulator approved a product: an ETF, a fund, a stablecoin, a listing.",
        ("The SEC approved spot bitcoin ETFs.",),
        ("Analysts expect the SEC to approve the ETF.",),
        "approved",
    ),
    EventType.PRODUCT_REJECTION: TypeDefinition(
        "product rejection",
        "A regulator rejected or delayed a product.",
        ("The SEC delayed its decision on the ETF.",),
        ("The SEC may reject the ETF.",),
        "rejected",
    ),
    EventType.OFFICIAL_STATEMENT: TypeDefinition(
        "official statement",
        "An official (regulator, minister, lawmaker, central banker) made a notable "
        "non-binding statement, proposal, warning or promise; a regulator issued a warning.",
        (
            "A Hong Kong lawmaker said he hopes to explore interconnectivity.",
            "The SFC wishes to make it clear that no entity in the group is licensed.",
        ),
        (
            "Former CFTC Chairman Chris Giancarlo said ...",
            "An analyst said the SEC will approve.",
        ),
        "made a statement about",
    ),
}
