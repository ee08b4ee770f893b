"""Scenarios 4 and 5: the broker SIGKILLed during production; restarted cleanly under load.

Both need the rig's own broker (not an external cluster). The services are not
restarted by the suite while it watches whether they recover by themselves; only
when one makes no progress does the suite look at its liveness, as Kubernetes would,
and restart it if liveness fails (reported).
"""

from __future__ import annotations

import asyncio
import time

from chaos import kafkaio
from chaos.report import Result
from chaos.rig import Rig
from chaos.scenarios.base import Ctx, guarded, rig

OUTAGES_S = [(1.0, 4.0), (8.0, 15.0), (35.0, 45.0)]
QUICK_OUTAGES_S = [(1.0, 3.0)]
SELF_RECOVERY_S = 120.0  # longer than REGWIRE_STALL_SECONDS, so liveness has failed by then


async def broker_kill(ctx: Ctx) -> Result:
    return await guarded(
        "broker-kill",
        "broker SIGKILLed during production, restarted",
        lambda result: _broker_faults(ctx, result, kill=True),
    )


async def broker_restart(ctx: Ctx) -> Result:
    return await guarded(
        "broker-restart",
        "broker restarted cleanly while consumers run",
        lambda result: _broker_faults(ctx, result, kill=False),
    )


async def _broker_faults(ctx: Ctx, result: Result, kill: bool) -> None:
    broker = ctx.infra.kafka
    if broker is None:
        result.skipped = "the broker is external (KAFKA_BOOTSTRAP_SERVERS): it is not ours to kill"
        return
    rng = ctx.rng(result.key)
    faults = min(ctx.faults, 5)
    total = len(ctx.corpus.articles)
    outages = QUICK_OUTAGES_S if ctx.quick else OUTAGES_S
    # Production spans every fault: about 25 s of seeding per fault (8 s when quick).
    rate = max(5.0, total / (faults * (8.0 if ctx.quick else 25.0) + 10.0))
    async with rig(ctx, result) as r:
        await r.start()
        report = kafkaio.SeedReport()
        seeding = asyncio.create_task(
            kafkaio.seed(
                r.infra.bootstrap,
                r.topics["raw"],
                ctx.corpus.messages(),
                rate=rate,
                chunk=20,
                report=report,
            )
        )
        stuck: list[str] = []
        lengths: list[float] = []
        for i in range(faults):
            # Let a share of the seed through before each fault: production is under way.
            # Polled, not awaited: the seeding task only exposes its counter.
            while report.sent < (i + 1) * total // (faults + 1) and not seeding.done():  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            if kill:
                await asyncio.to_thread(broker.kill)
            else:
                await asyncio.to_thread(broker.stop)
            result.faults += 1
            # Short, medium and long outages in turn: the long one outlasts the session
            # timeout (6 s) and the clients' request timeout (30 s).
            low, high = outages[i % len(outages)]
            lengths.append(rng.uniform(low, high))
            await asyncio.sleep(lengths[-1])
            await asyncio.to_thread(broker.start)
            up = time.monotonic()
            for service in ("parser", "sink"):
                took, how = await _resumed(r, service, up)
                result.recover.append(took)
                if how != "by itself":
                    stuck.append(f"fault {i + 1}: {service} {how}")
        await seeding
        missing = await kafkaio.missing_acknowledged(r.infra.bootstrap, r.topics["raw"], report)
        await r.wait_idle(total, within=600)
        alive = all(s.alive() for s in r.services() if s.proc is not None)
        codes = await r.stop_all()
        result.audit = await r.audit(ctx.corpus)
    result.check(
        "acknowledged-but-missing", missing == 0, f"{missing} of {len(report.acknowledged)}"
    )
    result.check(
        "the producer recovered by itself",
        len(report.acknowledged) == total,
        f"{report.failed_attempts} sends failed during the outages and were retried",
    )
    result.check("consumers resumed by themselves", not stuck, "; ".join(stuck))
    result.check("no service died", alive and not r.unexpected_exits, str(r.unexpected_exits))
    result.check("clean exits at the end", set(codes.values()) == {0}, str(codes))
    result.notes.append("outages (s): " + ", ".join(f"{o:.1f}" for o in lengths))
    result.notes.append(
        "recover: broker answering again -> each consumer group commits progress "
        "(parser and sink, per fault)"
    )


async def _resumed(r: Rig, service: str, since: float) -> tuple[float, str]:
    """(seconds to progress, how): by itself, or restarted after liveness failed."""
    try:
        return await r.progress_after(service, since, SELF_RECOVERY_S, supervise=False), "by itself"
    except TimeoutError:
        pass
    procs = r.parser_procs if service == "parser" else [r.sink]
    live = [await asyncio.to_thread(p.status, "/healthz") for p in procs]
    if any(code == 503 for code in live):
        await r.supervise()  # liveness failed: the orchestrator restarts it
        took = await r.progress_after(service, since, 300.0)
        return took, "restarted after liveness failed"
    took = await r.progress_after(service, since, 300.0)
    return took, f"stuck with liveness still OK ({live})"
