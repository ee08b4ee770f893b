"""sources.yaml validation: errors name the bad entry; the shipped file is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.errors import ConfigError
from services.fetcher.sources import load_sources, parse_sources

ROOT = Path(__file__).parents[3]


def test_the_default_sources_file_is_valid() -> None:
    sources = load_sources(ROOT / "sources.yaml")
    assert len(sources) >= 15
    ids = {s.id for s in sources}
    assert {"us-sec-press", "us-cftc-press", "hk-sfc-news", "uk-fca-news", "theblock"} <= ids
    assert all(s.url.startswith("https://") for s in sources)


def good(**extra: object) -> dict[str, object]:
    return {"id": "x", "kind": "feed", "url": "https://x.com/feed", **extra}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (good(url="ftp://x.com/feed"), "entry #2 (id 'x'): url"),
        (good(kind="podcast"), "kind"),
        (good(id="Bad Id"), "id"),
        (good(kind="listing"), "needs link_pattern"),
        (good(kind="listing", link_pattern="(unclosed"), "not a valid regex"),
        (good(interval_seconds=-1), "interval_seconds"),
        (good(colour="blue"), "colour"),
        ({"kind": "feed", "url": "https://x.com/"}, "entry #2: id"),
    ],
)
def test_errors_name_the_entry(entry: dict[str, object], message: str) -> None:
    document = {"sources": [good(id="fine"), entry]}
    with pytest.raises(ConfigError) as caught:
        parse_sources(document, "s.yaml")
    assert message in str(caught.value)
    assert "s.yaml: entry #2" in str(caught.value)


def test_duplicate_ids() -> None:
    with pytest.raises(ConfigError, match="duplicate id 'x'"):
        parse_sources({"sources": [good(), good()]})


@pytest.mark.parametrize("document", [None, [], {"source": []}, {"sources": "x"}])
def test_the_document_shape(document: object) -> None:
    with pytest.raises(ConfigError, match="'sources' list"):
        parse_sources(document)


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_sources(bad)
