"""Scenario 8: PostgreSQL stopped in immediate mode (no checkpoint) mid-run, then started.

While the database is down the sink's batches fail and are retried, blocking: its
committed offsets must not move, nothing may go to a DLQ, and once the server is back
(after crash recovery) everything is stored once.
"""

from __future__ import annotations

import asyncio
import time

from chaos.report import Result
from chaos.scenarios.base import Ctx, guarded, rig


async def postgres_restart(ctx: Ctx) -> Result:
    async def body(result: Result) -> None:
        server = ctx.infra.postgres
        if server is None:
            result.skipped = "PostgreSQL is external (REGWIRE_TEST_POSTGRES_DSN)"
            return
        rng = ctx.rng(result.key)
        faults = min(ctx.faults, 5)
        total = len(ctx.corpus.articles)
        rate = max(5.0, total / (faults * 20.0 + 10.0))
        async with rig(ctx, result) as r:
            await r.start()
            seeding = asyncio.create_task(r.seed(ctx.corpus, rate=rate, chunk=20))
            failures = 0.0
            for i in range(faults):
                while not seeding.done():
                    lags = await r.lags()
                    if lags and lags["sink"] > 0 and await r.row_writes() > 0:
                        break  # the sink is storing: stop the database under it
                    await asyncio.sleep(0.1)
                await asyncio.to_thread(server.stop, "immediate")
                result.faults += 1
                await asyncio.sleep(1.0)  # a commit already under way may land
                held = (await r.group_state("sink")).committed
                await asyncio.sleep(rng.uniform(2.0, 6.0))
                moved = (await r.group_state("sink")).committed - held
                failures = r.metric(r.sink, "regwire_sink_batch_failures_total")
                result.check(
                    f"outage {i + 1}: no offsets committed while the database was down",
                    moved == 0,
                    f"committed offsets moved by {moved}",
                )
                await asyncio.to_thread(server.start)
                up = time.monotonic()
                result.recover.append(await r.progress_after("sink", up))
            await seeding
            await r.wait_idle(total, within=600)
            codes = await r.stop_all()
            result.audit = await r.audit(ctx.corpus)
        dlq = {t: len(v) for t, v in result.audit.dlq.items() if v}
        result.check("batches failed during the outages", failures > 0, f"{failures:.0f} failed")
        result.check("nothing dead-lettered", not dlq, str(dlq))
        result.check("the sink never died", not r.unexpected_exits, str(r.unexpected_exits))
        result.check("clean exits at the end", set(codes.values()) == {0}, str(codes))
        result.notes.append(
            "recover: server accepting connections again -> the sink's group commits progress"
        )

    return await guarded("postgres-restart", "PostgreSQL restarted (immediate) mid-run", body)
