"""Liveness and readiness, as the ops team and Kubernetes read them.

* Liveness (``/healthz``): every loop that has work pending made progress within
  ``stall_seconds``. A consumer that sits on lag and commits nothing is not alive,
  so an orchestrator restarts it (the known "stuck after a broker restart" case).
* Readiness (``/readyz``): each dependency (Kafka, the database) answers a real
  request within a timeout.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Check = Callable[[], Awaitable[object]]


@dataclass
class _LoopState:
    last_progress: float
    pending: bool = False


@dataclass
class Health:
    stall_seconds: float = 120.0
    clock: Callable[[], float] = time.monotonic
    _loops: dict[str, _LoopState] = field(default_factory=dict)
    _checks: dict[str, Check] = field(default_factory=dict)

    def register_loop(self, name: str) -> None:
        self._loops[name] = _LoopState(last_progress=self.clock())

    def progress(self, name: str) -> None:
        """The loop did useful work (or confirmed it has none)."""
        state = self._loops.setdefault(name, _LoopState(self.clock()))
        state.last_progress = self.clock()

    def pending(self, name: str, has_work: bool) -> None:
        """Whether the loop knows of work it has not done yet (lag, due polls)."""
        state = self._loops.setdefault(name, _LoopState(self.clock()))
        if has_work and not state.pending:
            # The stall clock starts when work appears, not at the last idle beat.
            state.last_progress = self.clock()
        state.pending = has_work

    def add_check(self, name: str, check: Check) -> None:
        self._checks[name] = check

    def liveness(self) -> tuple[bool, dict[str, str]]:
        now = self.clock()
        report: dict[str, str] = {}
        for name, state in self._loops.items():
            stalled = state.pending and now - state.last_progress > self.stall_seconds
            report[name] = "stalled" if stalled else "ok"
        return all(v == "ok" for v in report.values()), report

    async def readiness(self, limit_seconds: float) -> tuple[bool, dict[str, str]]:
        names = list(self._checks)
        results = await asyncio.gather(
            *(_timed(self._checks[n], limit_seconds) for n in names), return_exceptions=False
        )
        report = dict(zip(names, results, strict=True))
        return all(v == "ok" for v in report.values()), report


async def _timed(check: Check, limit_seconds: float) -> str:
    try:
        async with asyncio.timeout(limit_seconds):
            await check()
    except TimeoutError:
        return "timeout"
    except Exception as exc:  # a readiness probe reports any failure, it never raises
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"
