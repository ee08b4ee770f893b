"""Scenario 3: full replay. Reset the sink's group (then the parser's) to the earliest
offset; the whole topic is reprocessed and the stored rows do not change."""

from __future__ import annotations

import asyncio

import asyncpg

from chaos import kafkaio
from chaos.report import Result
from chaos.rig import Rig, plain_dsn
from chaos.scenarios.base import Ctx, guarded, rig

# Every column but updated_at (which records when a row was last upserted).
SNAPSHOT = {
    "events": "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', event_id, event_type, "
    "jurisdiction, region, authority, authority_id, subjects, event_date, date_precision, "
    "summary, evidence, confidence, extractor_key, primary_article_id, body, first_seen, "
    "last_seen), ',' ORDER BY event_id), '')) FROM events",
    "event_sources": "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', event_id, "
    "article_id, url, outlet, published_at, evidence, evidence_spans), ',' "
    "ORDER BY event_id, article_id), '')) FROM event_sources",
    "event_subjects": "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', event_id, "
    "subject_key), ',' ORDER BY event_id, subject_key), '')) FROM event_subjects",
    "articles": "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', article_id, url, "
    "title, outlet, published_at, body, first_seen, last_seen), ',' ORDER BY article_id), ''))"
    " FROM articles",
}


async def snapshot(dsn: str) -> dict[str, tuple[int, str]]:
    conn = await asyncpg.connect(plain_dsn(dsn))
    try:
        out = {}
        for table, sql in SNAPSHOT.items():
            row = await conn.fetchrow(sql)
            assert row is not None
            out[table] = (int(row[0]), str(row[1]))
        return out
    finally:
        await conn.close()


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
                counts = {t: (before[t][0], after[t][0]) for t in before}
                result.check(
                    f"{service} replay: row counts unchanged",
                    all(b == a for b, a in counts.values()),
                    ", ".join(f"{t} {b}->{a}" for t, (b, a) in counts.items()),
                )
                changed = [t for t in before if before[t][1] != after[t][1]]
                result.check(f"{service} replay: row contents unchanged", not changed, str(changed))
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
