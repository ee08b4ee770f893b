"""Site-specific rules, registered by host. None is needed for the score; they only fix
what the generic extractor cannot know about one site."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class SiteRule:
    """CSS for the article body and for furniture inside it, on one site."""

    body: str | None = None
    drop: str | None = None


# host (without "www.") -> rule. Keep each entry one line and justified by a comment.
RULES: Mapping[str, SiteRule] = {}


def rule_for(url: str | None) -> SiteRule | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return RULES.get(host.removeprefix("www."))
