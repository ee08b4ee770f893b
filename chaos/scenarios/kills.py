"""Scenarios 1 and 2: SIGKILL the parser at random moments; crash the sink between commits."""

from __future__ import annotations

import asyncio
import time

from chaos.corpus import Corpus
from chaos.report import Result
from chaos.rig import Rig
from chaos.scenarios.base import Ctx, guarded, rig, split
from services.common.faults import ACK_PHRASE


async def parser_kill(ctx: Ctx) -> Result:
    """Seed a chunk, let the parser work, SIGKILL it at a random moment, restart it."""

    async def body(result: Result) -> None:
        rng = ctx.rng(result.key)
        chunks = split(ctx.corpus, ctx.faults + 1)
        # Small batches: more commit points, so kills land between and inside batches.
        async with rig(ctx, result, extra={"REGWIRE_PARSER_BATCH_SIZE": "10"}) as r:
            pending = list(chunks)
            for chunk in pending[:2]:  # a backlog: the parser is always mid-work
                await r.seed(chunk)
            del pending[:2]
            await r.start()
            mid_work = 0
            for _ in range(ctx.faults):
                # The moment: once a random share of the input in hand is committed, plus
                # a random delay, so some kills land mid-batch and some between batches.
                state = await r.group_state("parser")
                target = state.committed + int(state.lag * rng.uniform(0.1, 0.5))
                await _committed_at_least(r, "parser", target)
                await asyncio.sleep(rng.uniform(0.0, 0.05))
                lag = (await r.group_state("parser")).lag
                r.parser.kill()
                killed = time.monotonic()
                result.faults += 1
                mid_work += lag > 0
                if pending:
                    await r.seed(pending.pop(0))  # keep the backlog
                r.parser.start()
                result.recover.append(await r.progress_after("parser", killed))
            await r.wait_idle(len(ctx.corpus.articles))
            codes = await r.stop_all()
            result.audit = await r.audit(ctx.corpus)
        result.check(
            "kills landed with unprocessed input", mid_work > 0, f"{mid_work}/{ctx.faults}"
        )
        result.check("clean exits at the end", set(codes.values()) == {0}, str(codes))
        result.check("no unplanned exits", not r.unexpected_exits, str(r.unexpected_exits))
        result.notes.append("recover: SIGKILL -> the restarted parser's group commits again")

    return await guarded("parser-kill", "parser SIGKILLed at random moments", body)


async def sink_kill_between_commits(ctx: Ctx) -> Result:
    """The sink SIGKILLs itself after its k-th database commit, before the offset commit."""

    async def body(result: Result) -> None:
        rng = ctx.rng(result.key)
        chunks = split(ctx.corpus, 2 * ctx.faults + 1)
        pending = list(chunks)
        # Batches of 50 messages: a chunk is several batches, k of which commit first.
        async with rig(ctx, result, extra={"REGWIRE_SINK_BATCH_MAX_SIZE": "50"}) as r:
            await r.seed(pending.pop(0))
            await r.start(*r.parser_procs)
            crashed: tuple[float, int] | None = None  # (when, rows written by then)
            exits: list[int] = []
            for _ in range(ctx.faults):
                kill_after = rng.randint(1, 3)
                r.with_sink_env(
                    {
                        "REGWIRE_FAULT_INJECTION_ACK": ACK_PHRASE,
                        "REGWIRE_FAULT_SINK_KILL_AFTER_DB_COMMITS": str(kill_after),
                    }
                )
                resumed = asyncio.create_task(r.stored_after(*crashed)) if crashed else None
                r.sink.start()
                code = await _wait_exit(r, pending)
                if resumed is not None:
                    result.recover.append(await resumed)
                if code is None:
                    result.notes.append("ran out of input before every fault fired")
                    break
                result.faults += 1
                exits.append(code)
                crashed = (time.monotonic(), await r.row_writes())
            fault_lines = r.sink.log_file.read_text(errors="replace").count(
                "FAULT INJECTION: SIGKILL after the database commit"
            )
            r.with_sink_env({})
            for chunk in pending:
                await r.seed(chunk)
            resumed = asyncio.create_task(r.stored_after(*crashed)) if crashed else None
            r.sink.start()
            if resumed is not None:
                result.recover.append(await resumed)
            await r.wait_idle(len(ctx.corpus.articles))
            codes = await r.stop_all()
            result.audit = await r.audit(ctx.corpus)
        result.check(
            "every fault a SIGKILL of the sink by itself",
            exits.count(-9) == result.faults == ctx.faults,
            f"{exits.count(-9)} of {ctx.faults} exits by SIGKILL",
        )
        result.check("each fault logged loudly", fault_lines == result.faults, f"{fault_lines}")
        result.check(
            "batches committed to the database before the crash were written again",
            result.audit.sink_reprocessed >= result.faults,
            f"{result.audit.sink_reprocessed} rewrites for {result.faults} crashes",
        )
        result.check("clean exits at the end", set(codes.values()) == {0}, str(codes))
        result.notes.append("recover: crash -> the restarted sink commits its next database write")

    return await guarded(
        "sink-kill-between-commits", "sink SIGKILLed between DB commit and offset commit", body
    )


async def _committed_at_least(r: Rig, service: str, offset: int, within: float = 120.0) -> None:
    began = time.monotonic()
    while time.monotonic() - began < within:
        state = await r.group_state(service)
        if state.committed >= offset or state.lag == 0:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{service}: committed offsets stuck below {offset}")


async def _wait_exit(r: Rig, pending: list[Corpus], within: float = 300.0) -> int | None:
    """Wait for the sink to exit; feed it the next chunk whenever it runs dry."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        proc = r.sink.proc
        if proc is not None and proc.poll() is not None:
            return proc.returncode
        lags = await r.lags()
        if lags is not None and lags["parser"] == 0 and lags["sink"] == 0:
            if not pending:
                return None
            await r.seed(pending.pop(0))
        await asyncio.sleep(0.2)
    raise TimeoutError("the sink did not crash (or drain) in time")
