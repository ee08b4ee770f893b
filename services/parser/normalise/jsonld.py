"""Reading schema.org JSON-LD objects: types, the article object, names, plain strings."""

from __future__ import annotations

from typing import Any

from .text import clean_inline

JsonObject = dict[str, Any]

# Article-like schema.org types, most specific first; pages often carry several objects.
ARTICLE_TYPES = (
    "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "LiveBlogPosting", "Article", "BlogPosting",
    "SocialMediaPosting", "Report", "TechArticle", "ScholarlyArticle", "WebPage",
)  # fmt: skip
_RANK = {name: rank for rank, name in enumerate(ARTICLE_TYPES)}
ORGANISATION_TYPES = frozenset(
    {"Organization", "NewsMediaOrganization", "Corporation", "GovernmentOrganization",
     "EducationalOrganization", "NGO", "OnlineBusiness", "LocalBusiness", "Brand"}
)  # fmt: skip


def types_of(obj: JsonObject) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind.rsplit("/", 1)[-1]}
    if isinstance(kind, list):
        return {k.rsplit("/", 1)[-1] for k in kind if isinstance(k, str)}
    return set()


def article_objects(objects: list[JsonObject]) -> list[JsonObject]:
    """The article-like objects among ``objects``, the most specific type first (stable
    order). The page reads them once (``Page.articles``)."""
    ranked = []
    for index, obj in enumerate(objects):
        ranks = [_RANK[t] for t in types_of(obj) if t in _RANK]
        if ranks:
            ranked.append((min(ranks), index, obj))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [obj for _, _, obj in ranked]


def first_string(objects: list[JsonObject], key: str) -> str | None:
    """The first non-empty string under ``key`` among ``objects``."""
    for obj in objects:
        value = as_text(obj.get(key))
        if value:
            return value
    return None


def as_text(value: Any) -> str | None:
    """A JSON-LD value as one cleaned string: plain, ``{"@value"}``, ``{"name"}`` or a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        return clean_inline(value) or None
    return None
