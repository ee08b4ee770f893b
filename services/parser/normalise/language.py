"""Language: py3langid on the text, with the page's own declaration as a tie-breaker."""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .document import Page
from .jsonld import article_objects, first_string

# Enough text for a confident guess; more only costs time (py3langid walks every byte
# in Python). A page that declares its language only needs the guess to agree.
_SAMPLE_CHARS = 240
_CHECK_CHARS = 120
_CONFIDENT = 0.9
_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")


@cache
def _identifier() -> LanguageIdentifier:
    """The model is read once per process and never changes: a constant, loaded lazily."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(page: Page | None, text: str) -> tuple[str | None, str]:
    """ISO 639-1 code and its source: 'langid', or the declaration ('html:lang'...)."""
    declared = _declared(page) if page is not None else None
    sample = text[: _SAMPLE_CHARS if declared is None else _CHECK_CHARS]
    if len(sample) >= 40:
        guess, confidence = _identifier().classify(sample)
        if confidence >= _CONFIDENT or declared is None:
            return str(guess), "langid"
        if declared[0] == guess:
            return str(guess), "langid"
    if declared is not None:
        return declared
    return None, ""


def iso639_1(value: str) -> str | None:
    """``"en-GB"`` -> ``"en"``; None when ``value`` is not a language tag."""
    match = _CODE.match(value.strip())
    if not match or len(match.group(1)) != 2:
        return None
    return match.group(1).lower()


def _declared(page: Page) -> tuple[str, str] | None:
    sources = [
        (page.html_lang, "html:lang"),
        (first_string(article_objects(page), "inLanguage"), "json-ld:inLanguage"),
    ]
    found = page.first_meta("content-language", "og:locale", "language", "dc.language")
    if found:
        sources.append((found[1], f"meta:{found[0]}"))
    for value, source in sources:
        code = iso639_1(value) if value else None
        if code:
            return code, source
    return None
