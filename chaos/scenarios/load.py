"""Scenarios 6 and 7: consumer-group churn; SIGTERM to each service under load."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator

from chaos import kafkaio
from chaos.report import Result
from chaos.rig import Rig
from chaos.scenarios.base import Ctx, guarded, rig
from chaos.site import Site

GRACE_S = 25.0  # REGWIRE_SHUTDOWN_GRACE_SECONDS' default


async def consumer_churn(ctx: Ctx) -> Result:
    """A second and third parser join and leave every few seconds while input flows."""

    async def body(result: Result) -> None:
        rng = ctx.rng(result.key)
        total = len(ctx.corpus.articles)
        # Batches of 10: commits are frequent, so some are refused by a rebalance.
        async with rig(ctx, result, parsers=3, extra={"REGWIRE_PARSER_BATCH_SIZE": "10"}) as r:
            await r.start()
            seeding = asyncio.create_task(
                r.seed(ctx.corpus, rate=total / ctx.churn_seconds, chunk=10)
            )
            extras = r.parser_procs[1:]
            running: set[int] = set()
            term_codes: list[int | None] = []
            unready: list[int | None] = []  # stopped before they were ever ready
            commit_failures = 0.0
            began = time.monotonic()
            leaves = 0
            while time.monotonic() - began < ctx.churn_seconds:
                await asyncio.sleep(rng.uniform(2.0, 6.0))
                await r.supervise()
                i = rng.randrange(len(extras))
                svc = extras[i]
                if i in running:
                    # It leaves once it has joined (a SIGTERM while the interpreter is still
                    # importing ends it with -15 before it has touched Kafka at all).
                    try:
                        await asyncio.to_thread(svc.wait_ready, 90.0)
                        ready = True
                    except (RuntimeError, TimeoutError):
                        ready = False
                    leaves += 1
                    commit_failures += r.metric(svc, "regwire_offset_commit_failures_total")
                    kill = leaves % 5 == 0  # one leave in five is a crash, not a goodbye
                    code = await r.stop(svc, kill=kill, within=GRACE_S + 10)
                    if not ready:
                        unready.append(code)
                    elif not kill:
                        term_codes.append(code)
                    running.discard(i)
                else:
                    r.launch(svc)
                    running.add(i)
                result.faults += 1
            await seeding
            for i in sorted(running):
                commit_failures += r.metric(extras[i], "regwire_offset_commit_failures_total")
                term_codes.append(await r.stop(extras[i], within=GRACE_S + 10))
            result.recover.append(await r.wait_idle(total, within=600))
            commit_failures += r.metric(r.parser, "regwire_offset_commit_failures_total")
            first_parser_starts = r.parser.starts
            codes = await r.stop_all()
            result.audit = await r.audit(ctx.corpus)
        result.runs = 1 + sum(p.starts for p in r.parser_procs[1:])
        result.check("the steady parser never exited", first_parser_starts == 1)
        result.check("no service died", not r.unexpected_exits, str(r.unexpected_exits))
        result.check(
            "leaving parsers exited 0 (SIGTERM)",
            all(c == 0 for c in term_codes),
            f"{len(term_codes)} SIGTERMs, exit codes {Counter(term_codes)}",
        )
        result.check("clean exits at the end", set(codes.values()) == {0}, str(codes))
        result.notes.append(
            f"{result.faults} joins and leaves in {ctx.churn_seconds:.0f}s (one leave in five a "
            f"SIGKILL); offset commits refused during rebalances: {commit_failures:.0f} "
            "(counted, logged, never fatal)"
        )
        if unready:
            result.notes.append(
                f"{len(unready)} parser(s) not ready within 90 s when their leave came, stopped "
                f"anyway (exit codes {unready}; -15: before the signal handlers exist)"
            )
        result.notes.append("recover: end of the churn -> the pipeline idle")

    return await guarded("group-churn", "parsers joining and leaving the group", body)


@contextlib.asynccontextmanager
async def releasing(site: Site, rate: float) -> AsyncIterator[None]:
    """Announce the site's articles in its feed at ``rate`` per second."""

    async def run() -> None:
        began = time.monotonic()
        while site.released < len(site.corpus.articles):
            site.release(int((time.monotonic() - began) * rate) + 1)
            await asyncio.sleep(0.1)

    task = asyncio.create_task(run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def sigterm_under_load(ctx: Ctx) -> Result:
    """SIGTERM the fetcher, the parser and the sink in turn while articles flow."""

    async def body(result: Result) -> None:
        rng = ctx.rng(result.key)
        rounds = max(1, min(ctx.faults, 12) // 3)
        total = len(ctx.corpus.articles)
        site = await asyncio.to_thread(Site, ctx.corpus)
        site.start()
        rate = max(10.0, total / (rounds * 3 * 12.0 + 10.0))
        try:
            async with rig(ctx, result) as r:
                r.fetch_from(f"{site.base}/feed.xml")
                await r.start(r.sink, r.parser, r.fetcher)
                exits: list[str] = []
                atomic: list[str] = []
                async with releasing(site, rate):
                    for n in range(rounds * 3):
                        service = ("fetcher", "parser", "sink")[n % 3]
                        await asyncio.sleep(rng.uniform(1.0, 4.0))
                        await _under_load(r, site, service)
                        svc = {"fetcher": r.fetcher, "parser": r.parser, "sink": r.sink}[service]
                        began = time.monotonic()
                        code = await r.stop(svc, within=GRACE_S + 10)
                        took = time.monotonic() - began
                        result.faults += 1
                        exits.append(f"{service} {code} in {took:.1f}s")
                        result.check(
                            f"{service} exits 0 within the grace period",
                            code == 0 and took <= GRACE_S,
                            f"exit {code} after {took:.1f}s",
                        )
                        if service != "fetcher":
                            atomic.append(await _committed_matches_output(r, service))
                        stopped = time.monotonic()
                        await r.start(svc)
                        if service == "fetcher":
                            result.recover.append(time.monotonic() - stopped)
                        else:
                            result.recover.append(await r.progress_after(service, stopped))
                    while site.released < total:  # noqa: ASYNC110 (the site's own thread)
                        await asyncio.sleep(0.5)
                await r.wait_idle(total, within=600)
                codes = await r.stop_all()
                raw = await kafkaio.read_topic(r.infra.bootstrap, r.topics["raw"])
                result.audit = await r.audit(site.corpus)
        finally:
            site.stop()
        republished = len(raw) - len({m.key for m in raw})
        result.check("fetcher: nothing published twice after a restart", republished == 0,
                     f"{republished} raw articles published again")  # fmt: skip
        result.check(
            "parser: nothing redelivered after a restart",
            result.audit.parser_reprocessed == 0,
            f"{result.audit.parser_reprocessed} raw articles parsed again",
        )
        result.check(
            "sink: nothing redelivered after a restart",
            result.audit.sink_reprocessed == 0,
            f"{result.audit.sink_reprocessed} messages stored again",
        )
        result.check("offsets committed for every output at exit", all(a == "" for a in atomic),
                     "; ".join(a for a in atomic if a))  # fmt: skip
        result.check("clean exits at the end", set(codes.values()) == {0}, str(codes))
        result.notes.append("stops: " + ", ".join(exits))
        result.notes.append(
            "recover: SIGTERM exit -> the restarted consumer's group commits again "
            "(fetcher: until ready)"
        )

    return await guarded("sigterm", "SIGTERM to each service under load", body)


async def _under_load(r: Rig, site: Site, service: str, within: float = 30.0) -> None:
    """Wait (briefly) until ``service`` has work in hand, so the stop lands mid-flow."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        if service == "fetcher":
            fetched = await r.watcher.end_offsets(r.topics["raw"]) if r.watcher else 0
            if site.released - fetched > 5:
                return
        else:
            lags = await r.lags()
            if lags and lags[service] > 0:
                return
        await asyncio.sleep(0.05)


async def _committed_matches_output(r: Rig, service: str) -> str:
    """After a clean exit, the committed offsets account for exactly the output made.

    Parser: one article message per raw message, so the articles topic's size equals the
    raw offsets committed. Sink: one row write per message, so the rows written equal
    the events and articles offsets committed. Returns "" or what differs.
    """
    state = await r.group_state(service)
    if service == "parser":
        assert r.watcher is not None
        made = await r.watcher.end_offsets(r.topics["articles"])
    else:
        made = await r.row_writes()
    if made == state.committed:
        return ""
    return f"{service}: committed {state.committed}, output {made}"
