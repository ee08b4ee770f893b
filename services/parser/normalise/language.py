"""Language: py3langid on the text, with the page's own declaration as a hint.

A declaration the text's function words bear out is taken as it is; otherwise py3langid
decides, and the declaration only breaks its doubts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .document import Page
from .jsonld import first_string

# Enough text for a confident guess; more only costs time (py3langid walks every byte
# in Python). A page that declares its language only needs the guess to agree.
_SAMPLE_CHARS = 240
_CHECK_CHARS = 80
_CONFIDENT = 0.9
_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")
# Function words make up a fifth or more of any running text in their language: text full
# of its declared language's (and no other's) needs no statistical guess, which is costly.
_FUNCTION_WORDS = {
    language: frozenset(words.split())
    for language, words in {
        "en": "the and of to in is that for on with was as it by are from this be at",
        "de": "der die und das ist nicht ein eine zu den mit von sich auf dem im des auch",
        "fr": "le les des et est une un du que dans pour pas sur au qui ne se ce avec",
        "es": "el los las que y en un una por con para se del al es lo como su más",
        "it": "il di che e un una per non del della sono con le gli nel alla è si",
        "pt": "o os de que e do da em um uma para com não no na dos das ao se",
        "nl": "het een en van is dat op te niet zijn met voor die ook als aan er",
    }.items()
}  # fmt: skip
# Word -> the languages it is a function word of ("de" is French and Spanish and Italian...).
_LANGUAGES_OF = {
    word: tuple(code for code, words in _FUNCTION_WORDS.items() if word in words)
    for word in frozenset().union(*_FUNCTION_WORDS.values())
}
_CONFIRM_CHARS = 400
_CONFIRM_SHARE = 0.15


@cache
def _identifier() -> LanguageIdentifier:
    """The model is read once per process and never changes: a constant, loaded lazily."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(page: Page | None, text: str) -> tuple[str | None, str]:
    """ISO 639-1 code and its source: 'langid', or the declaration ('html:lang'...)."""
    declared = _declared(page) if page is not None else None
    if declared is not None and _confirmed(declared[0], text[:_CONFIRM_CHARS]):
        return declared
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


def _confirmed(language: str, sample: str) -> bool:
    """The sample is full of the language's function words, more than of any other's."""
    if language not in _FUNCTION_WORDS:
        return False
    words = sample.lower().split()
    hits = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in words:
        for code in _LANGUAGES_OF.get(word, ()):
            hits[code] += 1
    own = hits.pop(language)
    return own > 0 and own >= _CONFIRM_SHARE * len(words) and own > max(hits.values())


def iso639_1(value: str) -> str | None:
    """``"en-GB"`` -> ``"en"``; None when ``value`` is not a language tag."""
    match = _CODE.match(value.strip())
    if not match or len(match.group(1)) != 2:
        return None
    return match.group(1).lower()


def _declared(page: Page) -> tuple[str, str] | None:
    """The page's own language tag: <html lang>, JSON-LD inLanguage, then meta tags."""
    for value, source in _declarations(page):
        code = iso639_1(value) if value else None
        if code:
            return code, source
    return None


def _declarations(page: Page) -> Iterator[tuple[str | None, str]]:
    """Lazily, in order of trust: most pages stop at the first."""
    yield page.html_lang, "html:lang"
    yield first_string(page.articles, "inLanguage"), "json-ld:inLanguage"
    found = page.first_meta("content-language", "og:locale", "language", "dc.language")
    if found:
        yield found[1], f"meta:{found[0]}"
