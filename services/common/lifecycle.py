"""Graceful shutdown: SIGTERM and SIGINT set one event that every loop watches."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable

from services.common.logging import get_logger

log = get_logger(__name__)


def install_stop_signals(stop: asyncio.Event) -> None:
    """Make SIGTERM/SIGINT request a graceful stop; a second signal stops at once."""
    loop = asyncio.get_running_loop()

    def _request_stop(sig: signal.Signals) -> None:
        if stop.is_set():
            raise SystemExit(128 + sig.value)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _request_stop, sig)


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``; True when a stop was requested meanwhile."""
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return False
    return True


async def stop_within(stopping: Awaitable[object], seconds: float, what: str) -> None:
    """Await a client's ``stop()``, but never past ``seconds``.

    With the broker gone, aiokafka's stop waits for requests that cannot succeed
    (leave-group, final commits); SIGTERM must still end the process in time.
    """
    try:
        async with asyncio.timeout(seconds):
            await stopping
    except TimeoutError:
        log.warning("stop timed out, abandoning", client=what, seconds=seconds)
