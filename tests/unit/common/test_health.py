from __future__ import annotations

import asyncio

from services.common.health import Health


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_loop_with_work_and_no_progress_is_not_alive() -> None:
    clock = Clock()
    health = Health(stall_seconds=10, clock=clock)
    health.register_loop("parser")
    clock.now = 100  # idle for long: fine, there is nothing to do
    assert health.liveness()[0]
    health.pending("parser", True)
    clock.now = 105
    assert health.liveness()[0]
    clock.now = 111
    assert health.liveness() == (False, {"parser": "stalled"})
    health.progress("parser")
    assert health.liveness()[0]


async def test_readiness_runs_real_checks_with_a_timeout() -> None:
    health = Health()

    async def ok() -> None:
        return None

    async def hangs() -> None:
        await asyncio.sleep(10)

    async def fails() -> None:
        raise ConnectionRefusedError("nobody home")

    health.add_check("kafka", ok)
    assert await health.readiness(1.0) == (True, {"kafka": "ok"})
    health.add_check("database", hangs)
    health.add_check("other", fails)
    ready, report = await health.readiness(0.05)
    assert not ready
    assert report["database"] == "timeout"
    assert report["other"].startswith("error: ConnectionRefusedError")
