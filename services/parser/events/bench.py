"""Throughput of extraction alone, for `make bench` and the benchmark suite."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from schemas.models import Article, RegulatoryEvent


def measure_throughput(
    articles: Sequence[Article],
    extractor: Callable[[Article], list[RegulatoryEvent]] | None = None,
    *,
    min_seconds: float = 1.0,
) -> float:
    """Articles per CPU-second over repeated passes of ``articles`` (after a warm-up pass).

    CPU time of this process, not wall time, so that a busy machine does not move the
    figure: the target is one core's worth of extraction.
    """
    if not articles:
        raise ValueError("measure_throughput needs at least one article")
    if extractor is None:
        from . import extract as extractor_fn

        extractor = extractor_fn
    for article in articles:
        extractor(article)
    done, started = 0, time.process_time()
    while True:
        for article in articles:
            extractor(article)
        done += len(articles)
        elapsed = time.process_time() - started
        if elapsed >= min_seconds:
            return done / elapsed
