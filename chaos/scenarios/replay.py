"""Scenario 3: full replay. Reset the sink's group (then the parser's) to the earliest
offset; the whole topic is reprocessed and the stored rows do not change."""

from __future__ import annotations

import asyncio

import asyncpg

from chaos import kafkaio
from chaos.report import Result
from chaos.rig import Rig, plain_dsn
from chaos.scenarios.base import Ctx, guarded, rig

# The columns compared, per table (updated_at records when a row was last upserted and
# always moves; last_seen moves when the same report arrives again in a new message).
COLUMNS = {
    "events": ("event_id", "event_id, event_type, jurisdiction, region, authority, authority_id, "
               "subjects, event_date, date_precision, summary, evidence, confidence, "
               "extractor_key, primary_article_id, body, first_seen, last_seen"),
    "event_sources": ("event_id, article_id", "event_id, article_id, url, outlet, published_at, "
                      "evidence, evidence_spans, first_seen, last_seen"),
    "event_subjects": ("event_id, subject_key", "event_id, subject_key"),
    "articles": ("article_id", "article_id, url, title, outlet, published_at, body, "
                 "first_seen, last_seen"),
}  # fmt: skip
Snapshot = dict[str, dict[str, str]]  # table -> column -> digest ("rows": the count)


async def snapshot(dsn: str) -> Snapshot:
    conn = await asyncpg.connect(plain_dsn(dsn))
    try:
        out: Snapshot = {}
        for table, (order, columns) in COLUMNS.items():
            names = [c.strip() for c in columns.split(",")]
            digests = ", ".join(
                f"md5(coalesce(string_agg({c}::text, ',' ORDER BY {order}), ''))" for c in names
            )
            row = await conn.fetchrow(f"SELECT count(*)::text, {digests} FROM {table}")  # noqa: S608
            assert row is not None
            out[table] = {"rows": row[0], **dict(zip(names, row[1:], strict=True))}
        return out
    finally:
        await conn.close()


def changed(before: Snapshot, after: Snapshot, allowed: set[str]) -> list[str]:
    return [
        f"{t}.{c}"
        for t in before
        for c in before[t]
        if c != "rows" and c not in allowed and before[t][c] != after[t][c]
    ]


async def full_replay(ctx: Ctx) -> Result:
    async def body(result: Result) -> None:
        async with rig(ctx, result) as r:
            await r.seed(ctx.corpus)
            await r.start()
            await r.wait_idle(len(ctx.corpus.articles))
            before = await snapshot(r.dsn)
            for service in ("sink", "parser"):
                await _replay(r, service, result, len(ctx.corpus.articles))
                after = await snapshot(r.dsn)
                counts = {t: (before[t]["rows"], after[t]["rows"]) for t in before}
                result.check(
                    f"{service} replay: row counts unchanged",
                    all(b == a for b, a in counts.values()),
                    ", ".join(f"{t} {b}->{a}" for t, (b, a) in counts.items()),
                )
                # A parser replay publishes every report again, later: last_seen moves.
                allowed = {"last_seen"} if service == "parser" else set()
                moved = changed(before, after, allowed)
                result.check(
                    f"{service} replay: row contents unchanged"
                    + (" (but last_seen)" if allowed else ""),
                    not moved,
                    ", ".join(moved),
                )
            codes = await r.stop_all()
            result.audit = await r.audit(ctx.corpus)
        result.check("clean exits", set(codes.values()) == {0}, str(codes))
        result.notes.append(
            "runs: the sink's group reset to earliest, then the parser's (every raw article "
            "parsed and published again, so the sink stores each message twice); "
            "recover: time to reprocess everything"
        )

    return await guarded("full-replay", "consumer groups reset to earliest: rows unchanged", body)


async def _replay(r: Rig, service: str, result: Result, seeded: int) -> None:
    svc = r.sink if service == "sink" else r.parser
    code = await asyncio.to_thread(svc.terminate, 60.0)
    result.check(f"{service} stopped cleanly before the reset", code == 0, f"exit {code}")
    group, topics = r.groups[service]
    await kafkaio.reset_group_to_earliest(r.infra.bootstrap, group, topics)
    state = await r.group_state(service)
    result.check(f"{service} group reset to earliest", state.committed == 0, f"lag {state.lag}")
    result.faults += 1
    result.runs += 1
    svc.start()
    result.recover.append(await r.wait_idle(seeded))
