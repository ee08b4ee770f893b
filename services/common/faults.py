"""Fault injection for the chaos suite: off unless two settings agree, loud when on.

The chaos suite (``python -m chaos``) needs the sink to die at the one moment an
outside ``kill`` cannot aim at: after the batch's database commit, before its offset
commit. That crash is built in here, behind two ``REGWIRE_FAULT_*`` settings that must
both be set, one of them to an exact phrase, so no typo, default or leftover
variable can enable it in production:

    REGWIRE_FAULT_INJECTION_ACK=i-understand-this-process-will-crash-itself
    REGWIRE_FAULT_SINK_KILL_AFTER_DB_COMMITS=3   # SIGKILL itself after its 3rd committed batch

A fault set without the phrase refuses to start (``ConfigError``). When a fault is on,
the service logs it at CRITICAL when it starts and again just before it fires.

>>> faults = FaultSettings.load()              # doctest: +SKIP
>>> hook = faults.after_db_commit_hook("sink")  # None unless enabled
"""

from __future__ import annotations

import os
import signal
from collections.abc import Awaitable, Callable
from typing import Self

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.errors import ConfigError
from services.common.logging import get_logger

log = get_logger(__name__)

ACK_PHRASE = "i-understand-this-process-will-crash-itself"
ACK_VARIABLE = "REGWIRE_FAULT_INJECTION_ACK"

Hook = Callable[[], Awaitable[None]]


class FaultSettings(BaseSettings):
    """``REGWIRE_FAULT_*``: every fault is off by default."""

    model_config = SettingsConfigDict(env_prefix="REGWIRE_FAULT_", extra="ignore")

    injection_ack: str | None = Field(
        default=None, description=f"must be exactly {ACK_PHRASE!r} for any fault to fire"
    )
    sink_kill_after_db_commits: int | None = Field(
        default=None,
        ge=1,
        description="SIGKILL the sink after this many batches are committed to the database "
        "and before their offsets are committed",
    )

    @model_validator(mode="after")
    def _acknowledged(self) -> Self:
        if self.enabled and self.injection_ack != ACK_PHRASE:
            raise ValueError(
                "REGWIRE_FAULT_SINK_KILL_AFTER_DB_COMMITS is set, which makes the service kill "
                f"itself on purpose; it only works with {ACK_VARIABLE}={ACK_PHRASE} "
                "(chaos tests only; unset REGWIRE_FAULT_* in production)"
            )
        return self

    @property
    def enabled(self) -> bool:
        return self.sink_kill_after_db_commits is not None

    @classmethod
    def load(cls) -> FaultSettings:
        """Read the environment; an unacknowledged fault is a ``ConfigError``."""
        try:
            return cls()
        except ValidationError as exc:
            raise ConfigError("; ".join(str(e["msg"]) for e in exc.errors())) from None

    def after_db_commit_hook(self, service: str) -> Hook | None:
        """The ``BatchConsumer(after_handle=...)`` hook of the sink, or None when off."""
        if self.sink_kill_after_db_commits is None:
            return None
        log.critical(
            "FAULT INJECTION ENABLED: this process will SIGKILL itself between a database "
            "commit and the offset commit; never run this in production",
            service=service,
            kill_after_db_commits=self.sink_kill_after_db_commits,
            variable="REGWIRE_FAULT_SINK_KILL_AFTER_DB_COMMITS",
        )
        return KillAfterCommits(self.sink_kill_after_db_commits, service)


class KillAfterCommits:
    """Counts committed batches; SIGKILLs the process at the n-th (no cleanup at all)."""

    def __init__(self, after: int, service: str, kill: Callable[[], None] | None = None) -> None:
        self._after = after
        self._service = service
        self._kill = kill or _sigkill_self
        self.batches = 0

    async def __call__(self) -> None:
        self.batches += 1
        if self.batches < self._after:
            return
        log.critical(
            "FAULT INJECTION: SIGKILL after the database commit, before the offset commit",
            service=self._service,
            batches_committed=self.batches,
        )
        self._kill()


def _sigkill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
