"""Jurisdictions and authorities: the gazetteer and the registry data files."""

from __future__ import annotations

import re

import pytest

from services.parser.events.authorities import default_registry
from services.parser.events.places import default_gazetteer
from services.parser.events.resources import load_yaml

ISO_ALPHA2 = re.compile(r"^(?:[A-Z]{2}|EU|INTL)$")


def test_registry_size_and_ids() -> None:
    raw = load_yaml("authorities.yaml")["authorities"]
    ids = [a["id"] for a in raw]
    assert len(ids) >= 80
    assert len(set(ids)) == len(ids)
    assert len({a["jurisdiction"] for a in raw}) >= 30
    assert all(ISO_ALPHA2.match(a["jurisdiction"]) for a in raw)
    assert all(re.fullmatch(r"[a-z]{2,4}(?:-[a-z0-9]+)+", i) for i in ids)


@pytest.mark.parametrize(
    ("text", "authority_id", "name", "jurisdiction"),
    [
        ("the SEC", "us-sec", "SEC", "US"),
        ("the Commodity Futures Trading Commission", "us-cftc", "CFTC", "US"),
        ("the Justice Department", "us-doj", "DOJ", "US"),
        ("OFAC", "us-ofac", "OFAC", "US"),
        ("FinCEN", "us-fincen", "FinCEN", "US"),
        ("the New York Department of Financial Services", "us-nydfs", "NYDFS", "US"),
        ("the OCC", "us-occ", "OCC", "US"),
        ("the Federal Reserve", "us-fed", "Fed", "US"),
        ("the Fed", "us-fed", "Fed", "US"),
        ("the FCA", "gb-fca", "FCA", "GB"),
        ("the Prudential Regulation Authority", "gb-pra", "PRA", "GB"),
        ("the Bank of England", "gb-boe", "Bank of England", "GB"),
        ("ESMA", "eu-esma", "ESMA", "EU"),
        ("the European Banking Authority", "eu-eba", "EBA", "EU"),
        ("the ECB", "eu-ecb", "ECB", "EU"),
        ("the European Commission", "eu-commission", "European Commission", "EU"),
        ("BaFin", "de-bafin", "BaFin", "DE"),
        ("the AMF", "fr-amf", "AMF", "FR"),
        ("CONSOB", "it-consob", "CONSOB", "IT"),
        ("the Securities and Futures Commission", "hk-sfc", "SFC", "HK"),
        ("the HKMA", "hk-hkma", "HKMA", "HK"),
        ("the Legislative Council", "hk-legco", "HK Legislative Council", "HK"),
        ("the People's Bank of China", "cn-pboc", "PBoC", "CN"),
        ("the CSRC", "cn-csrc", "CSRC", "CN"),
        ("the Monetary Authority of Singapore", "sg-mas", "MAS", "SG"),
        ("Japan's Financial Services Agency", "jp-fsa", "Japan FSA", "JP"),
        ("the Financial Services Commission", "kr-fsc", "Korea FSC", "KR"),
        ("the Financial Supervisory Service", "kr-fss", "Korea FSS", "KR"),
        ("ASIC", "au-asic", "ASIC", "AU"),
        ("AUSTRAC", "au-austrac", "AUSTRAC", "AU"),
        ("FINMA", "ch-finma", "FINMA", "CH"),
        ("Dubai's VARA", "ae-vara", "VARA", "AE"),
        ("SEBI", "in-sebi", "SEBI", "IN"),
        ("the Reserve Bank of India", "in-rbi", "RBI", "IN"),
        ("Brazil's CVM", "br-cvm", "CVM", "BR"),
        ("the Bank of Russia", "ru-cbr", "Bank of Russia", "RU"),
        ("the Financial Action Task Force", "intl-fatf", "FATF", "INTL"),
        ("the BIS", "intl-bis", "BIS", "INTL"),
        ("IOSCO", "intl-iosco", "IOSCO", "INTL"),
        ("the Financial Stability Board", "intl-fsb", "FSB", "INTL"),
        ("the Senate Banking Committee", "us-senate-banking", "US Senate Banking Committee", "US"),
        ("the House of Representatives", "us-house", "US House of Representatives", "US"),
        ("Congress", "us-congress", "US Congress", "US"),
        ("Vladimir Putin", "ru-president", "President of Russia", "RU"),
        ("Seoul Metropolitan Police Agency", "kr-smpa", "Seoul Metropolitan Police Agency", "KR"),
    ],
)
def test_authorities(text: str, authority_id: str, name: str, jurisdiction: str) -> None:
    (mention,) = default_registry().find(text)
    assert mention.authority.id == authority_id
    assert mention.authority.name == name
    assert mention.authority.jurisdiction == jurisdiction


def test_abbreviations_are_case_sensitive() -> None:
    assert default_registry().find("the sec and the fed said, for the record") == []


def test_shared_abbreviation_follows_the_country_named_before_it() -> None:
    reg = default_registry()
    assert reg.find("Thailand's SEC")[0].authority.id == "th-sec"
    assert reg.find("the SEC")[0].authority.id == "us-sec"


def test_name_and_bracketed_abbreviation_are_one_mention() -> None:
    text = "The Securities and Exchange Commission (SEC) and the FSA"
    mentions = default_registry().find(text)
    assert text[mentions[0].start : mentions[0].end].endswith("(SEC)")
    assert len(mentions) == 2


@pytest.mark.parametrize(
    ("text", "name", "jurisdiction"),
    [
        (
            "the United States District Court for the Southern District of New York",
            "U.S. District Court for the Southern District of New York",
            "US",
        ),
        (
            "the U.S. Attorney’s Office for the District of Massachusetts",
            "U.S. Attorney's Office for the District of Massachusetts",
            "US",
        ),
        ("the Eighth Circuit", "U.S. Court of Appeals for the Eighth Circuit", "US"),
        ("The Munich Regional Court ruled", "Munich Regional Court", "DE"),
    ],
)
def test_families(text: str, name: str, jurisdiction: str) -> None:
    (mention,) = default_registry().find(text)
    assert (mention.authority.name, mention.authority.jurisdiction) == (name, jurisdiction)
    assert mention.authority.id == default_registry().find(text)[0].authority.id


def test_issuer_of_a_release() -> None:
    reg = default_registry()
    assert reg.issuer("SFC (Hong Kong)", None) is reg.get("hk-sfc")
    assert reg.issuer(None, "https://www.sec.gov/newsroom/press-releases/2026-1") is reg.get(
        "us-sec"
    )
    assert reg.issuer("CoinDesk", "https://www.coindesk.com/x") is None


@pytest.mark.parametrize(
    ("text", "code", "region"),
    [
        ("Hong Kong", "HK", None),
        ("Hong Kong's", "HK", None),
        ("Hong Kong’s", "HK", None),
        ("Chinese", "CN", None),
        ("the mainland", "CN", None),
        ("Shanghai", "CN", None),
        ("Macau", "MO", None),
        ("Taiwan", "TW", None),
        ("South Korean", "KR", None),
        ("Seoul", "KR", None),
        ("Munich", "DE", None),
        ("Dubai", "AE", None),
        ("the U.K.", "GB", None),
        ("British", "GB", None),
        ("Brussels", "EU", None),
        ("New York", "US", "US-NY"),
        ("Texas-based", "US", "US-TX"),
        ("Washington", "US", None),
        ("Norway", "NO", None),  # not YAML's boolean "NO"
    ],
)
def test_places(text: str, code: str, region: str | None) -> None:
    mentions = default_gazetteer().find(text)
    assert mentions, text
    assert (mentions[0].place.code, mentions[0].place.region) == (code, region)


def test_languages_and_first_names_are_not_places() -> None:
    g = default_gazetteer()
    assert g.find("reports filed in English by Jordan Morgan") == []
