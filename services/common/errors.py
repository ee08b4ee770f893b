"""One error tree for the whole pipeline.

Each class says whether it is *retriable* (a transient condition: block, back off and
try the same work again, never dead-letter) or *poison* (this input can never succeed:
send it to the DLQ with the reason and move on). ``outcome_of`` is the single place
that turns any exception into one of those decisions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class Outcome(StrEnum):
    """Every processed message ends in exactly one of these (one metric label each)."""

    OK = "ok"
    RETRY = "retry"
    DLQ = "dlq"


class RegwireError(Exception):
    retriable: ClassVar[bool] = False
    reason: ClassVar[str] = "error"


class ConfigError(RegwireError):
    """Settings that are invalid or unsafe; the service refuses to start."""

    reason = "config"


class PoisonMessage(RegwireError):
    """The input itself is bad; retrying cannot help."""

    reason = "poison"


class UndecodableMessage(PoisonMessage):
    reason = "undecodable"


class SchemaInvalid(PoisonMessage):
    reason = "schema_invalid"


class ContentRejected(PoisonMessage):
    """Decoded and valid, but the content cannot be processed (empty, binary junk...)."""

    reason = "content_rejected"


class OversizeMessage(PoisonMessage):
    reason = "oversize"


class TransientError(RegwireError):
    """Something outside us is down or slow; the same work will succeed later."""

    retriable = True
    reason = "transient"


class StorageUnavailable(TransientError):
    reason = "storage_unavailable"


class BrokerUnavailable(TransientError):
    reason = "broker_unavailable"


def is_retriable(exc: BaseException) -> bool:
    """Our own flag first; aiokafka's errors carry the same ``retriable`` attribute."""
    if isinstance(exc, RegwireError):
        return exc.retriable
    return bool(getattr(exc, "retriable", False)) or isinstance(exc, (TimeoutError, OSError))


def outcome_of(exc: BaseException) -> Outcome:
    return Outcome.RETRY if is_retriable(exc) else Outcome.DLQ


def reason_of(exc: BaseException) -> str:
    return exc.reason if isinstance(exc, RegwireError) else type(exc).__name__
