"""Regulatory events from normalised articles (the parser's second stage).

>>> from services.parser.events import extract, EventExtractor, RuleBasedExtractor
>>> isinstance(RuleBasedExtractor(), EventExtractor)
True

``extract`` uses one cached RuleBasedExtractor: the data files are read once, on first
use, and every call after that is pure and deterministic.

Layout: ``extractor.py`` (the interface, the pipeline, event building), ``context.py``
(per-article look-ups computed once), ``candidates.py`` (trigger -> who, where, when, whom),
``statements.py`` (officials' statements), ``merge.py`` (one event per act), ``rules.py``,
``modality.py``, ``dates.py``, ``sentences.py``, ``places.py``, ``authorities.py``,
``subjects.py`` (one pure concern each), ``taxonomy.py`` (what each type means), ``bench.py``
(throughput), and ``data/*.yaml``: the rules, lexicons, authority registry, gazetteer and
subject aliases, reviewed like code.
"""

from __future__ import annotations

from functools import lru_cache

from schemas.models import Article, RegulatoryEvent

from .bench import measure_throughput
from .extractor import EXTRACTOR_NAME, EXTRACTOR_VERSION, EventExtractor, RuleBasedExtractor

__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "EventExtractor",
    "RuleBasedExtractor",
    "default_extractor",
    "extract",
    "measure_throughput",
]


@lru_cache(maxsize=1)
def default_extractor() -> RuleBasedExtractor:
    return RuleBasedExtractor()


def extract(article: Article) -> list[RegulatoryEvent]:
    """The regulatory events ``article`` reports, one per distinct act."""
    return default_extractor()(article)
