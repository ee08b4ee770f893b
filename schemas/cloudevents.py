"""CloudEvents 1.0 in Kafka binary content mode: attributes travel as ``ce_*`` headers.

See the CloudEvents Kafka protocol binding: the value is the event data, the
headers carry ``ce_specversion``, ``ce_id``, ``ce_source``, ``ce_type``,
``ce_time`` and ``content-type``, so any CloudEvents SDK can read our topics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"

# ce_type per topic contract; the version suffix tracks the topic version.
TYPE_RAW_ARTICLE = "io.regwire.news.raw.v1"
TYPE_ARTICLE = "io.regwire.news.article.v1"
TYPE_REGULATORY_EVENT = "io.regwire.regulatory.event.v1"

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class CloudEventHeaders:
    id: str
    source: str
    type: str
    time: datetime
    subject: str | None = None


def ce_headers(
    *, id: str, source: str, type: str, time: datetime | None = None, subject: str | None = None
) -> Headers:
    """Kafka headers for one message, in binary content mode."""
    when = (time or datetime.now(UTC)).astimezone(UTC)
    headers: Headers = [
        ("ce_specversion", SPECVERSION.encode()),
        ("ce_id", id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", type.encode()),
        ("ce_time", when.isoformat().replace("+00:00", "Z").encode()),
        ("content-type", CONTENT_TYPE.encode()),
    ]
    if subject is not None:
        headers.append(("ce_subject", subject.encode()))
    return headers


def parse_ce_headers(headers: Headers | tuple[tuple[str, bytes], ...]) -> CloudEventHeaders:
    """Read the CloudEvents attributes back; raises ``ValueError`` when one is missing."""
    found = {k: v.decode("utf-8", "replace") for k, v in headers}
    if found.get("ce_specversion") != SPECVERSION:
        raise ValueError(f"unsupported ce_specversion {found.get('ce_specversion')!r}")
    try:
        return CloudEventHeaders(
            id=found["ce_id"],
            source=found["ce_source"],
            type=found["ce_type"],
            time=datetime.fromisoformat(found["ce_time"].replace("Z", "+00:00")),
            subject=found.get("ce_subject"),
        )
    except KeyError as missing:
        raise ValueError(f"missing CloudEvents header {missing.args[0]}") from None
