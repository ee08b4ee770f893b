"""The series regwire exports and the ones a PromQL text names, for the drift tests."""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry

from services.common.metrics import Metrics

SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
    "summary": ("", "_sum", "_count", "_created"),
    "info": ("_info",),
}
NAME = re.compile(r"\bregwire_[a-z0-9_]+\b")


def exported_families() -> dict[str, set[str]]:
    """Family name -> the sample names it exposes, from a fresh Metrics instance."""
    registry = CollectorRegistry()
    Metrics(registry, "x")
    return {
        family.name: {family.name + suffix for suffix in SUFFIXES[family.type]}
        for family in registry.collect()
    }


def exported_series() -> set[str]:
    return {name for names in exported_families().values() for name in names}


def names_in(promql: str) -> set[str]:
    """regwire_* metric names an expression reads (label values never start so)."""
    return set(NAME.findall(re.sub(r'"[^"]*"', '""', promql)))
