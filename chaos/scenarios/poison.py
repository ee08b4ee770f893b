"""Scenario 9: poison at 1 % among good input, plus hostile pages that are still good.

Poison (must each reach a DLQ, untouched, with its reason and its origin):
  raw topic: binary junk instead of HTML, a page with no text at all, bytes that are
  not JSON, JSON that is not a RawArticle, a tombstone, and oversize bodies (a 10 MB
  page of junk, a page whose text is too large to publish as an Article);
  events topic: a RegulatoryEvent missing fields, one with an impossible date.
Hostile but good (must be parsed, never dead-lettered): 30,000 nested divs around the
lead, markup with no closing tags, megabytes of navigation around a short article.
"""

from __future__ import annotations

import gzip
import random
from collections import Counter
from dataclasses import dataclass

import orjson

from chaos import kafkaio
from chaos.corpus import Corpus, KnownArticle, firm, known, page
from chaos.report import Result
from chaos.scenarios.base import Ctx, guarded, rig
from schemas.ids import article_id

OVERSIZE_BYTES = 10 * 1024 * 1024
LARGE_REQUESTS = 48 * 1024 * 1024  # the seeder's client limit for the oversize kinds


@dataclass(frozen=True, slots=True)
class Poison:
    kind: str
    topic: str  # "raw" or "events"
    key: bytes
    value: bytes | None


def _raw_json(rng: random.Random, html: str, n: int) -> bytes:
    url = f"https://poison.example/{n}"
    return orjson.dumps(
        {
            "article_id": article_id(url),
            "url": url,
            "html": html,
            "fetched_at": "2024-05-01T10:00:00Z",
            "source": {"id": "chaos-poison", "kind": "feed"},
        }
    )


def _junk(rng: random.Random, size: int) -> str:
    return "".join(chr(rng.randrange(1, 32)) for _ in range(size))


def make_poison(rng: random.Random, count: int, good_event: bytes) -> list[Poison]:
    """``count`` poison messages, every kind at least once."""
    event = orjson.loads(good_event)
    kinds = [
        "binary", "no-text", "not-json", "schema-invalid", "tombstone",
        "oversize-junk", "oversize-text", "event-missing-fields", "event-impossible-date",
    ]  # fmt: skip
    out: list[Poison] = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        key = f"poison-{n}-{kind}".encode()
        value: bytes | None
        topic = "raw"
        if kind == "binary":
            value = _raw_json(rng, _junk(rng, 3000), n)
        elif kind == "no-text":
            value = _raw_json(rng, "<html><head></head><body><div> </div><br></body></html>", n)
        elif kind == "not-json":
            value = b'{"article_id": ' + bytes(rng.randrange(256) for _ in range(200))
        elif kind == "schema-invalid":
            value = orjson.dumps({"article_id": "not-a-sha", "html": 42, "fetched_at": "soon"})
        elif kind == "tombstone":
            value = None
        elif kind == "oversize-junk":
            # Binary at the start (what the parser checks), then megabytes of word salad.
            words = [f"x{rng.randrange(500):03d}" for _ in range(2000)]
            salad = " ".join(words)
            value = _raw_json(rng, _junk(rng, 4096) + salad * (OVERSIZE_BYTES // len(salad)), n)
        elif kind == "oversize-text":
            # 3 bytes per character: the Article's text is larger than any message may be.
            para = "<p>" + "监管机构发布了关于虚拟资产交易平台的新规定。" * 200 + "</p>"
            value = _raw_json(rng, para * (OVERSIZE_BYTES // len(para.encode())), n)
        elif kind == "event-missing-fields":
            topic = "events"
            value = orjson.dumps({k: v for k, v in event.items() if k not in ("sources",)})
        else:
            topic = "events"
            value = orjson.dumps({**event, "event_date": "2023-02-30", "date_precision": "day"})
        out.append(Poison(kind, topic, key, value))
    return out


def hostile_good(rng: random.Random, start: int) -> list[KnownArticle]:
    """Pages built to be hard, which must still be parsed (and their events found)."""
    out = []
    for n, shape in enumerate(("deep", "unclosed", "huge-chrome")):
        i = start + n
        raw = page(i, 0, rng)
        html = raw.html or ""
        if shape == "deep":
            html = html.replace("<article>", "<article>" + "<div>" * 30_000, 1).replace(
                "</article>", "</div>" * 30_000 + "</article>", 1
            )
        elif shape == "unclosed":
            html = html.replace("</p>", "").replace("</article>", "").replace("</main>", "")
        else:
            nav = "".join(f'<li><a href="/tag/{k}">Topic {k}</a></li>' for k in range(60_000))
            html = html.replace("</header>", f"<ul class='menu'>{nav}</ul></header>", 1)
        url = f"https://hostile.example/{shape}/{i}"
        doc = known(
            raw.model_copy(update={"html": html, "url": url, "article_id": article_id(url)}),
            firm(i),
        )
        if doc is not None:
            out.append(doc)
    return out


async def poison(ctx: Ctx) -> Result:
    async def body(result: Result) -> None:
        rng = ctx.rng(result.key)
        good = ctx.corpus.articles
        count = max(9, len(good) // 100)  # 1 %, and every kind at least once
        sample_event = _an_event(ctx.corpus)
        bad = make_poison(rng, count, sample_event)
        hostile = hostile_good(rng, 50_000)
        expected = Corpus(ctx.corpus.seed, [*good, *hostile])
        raw_mix: list[tuple[bytes, bytes | None]] = [*expected.messages()]
        small = [p for p in bad if p.topic == "raw" and not p.kind.startswith("oversize")]
        for p in small:
            raw_mix.insert(rng.randrange(len(raw_mix) + 1), (p.key, p.value))
        async with rig(ctx, result) as r:
            await r.start()
            report = kafkaio.SeedReport()
            half = len(raw_mix) // 2
            await kafkaio.seed(r.infra.bootstrap, r.topics["raw"], raw_mix[:half], report=report)
            large = [(p.key, p.value) for p in bad if p.kind.startswith("oversize")]
            await kafkaio.seed(r.infra.bootstrap, r.topics["raw"], large, report=report,
                               max_request_size=LARGE_REQUESTS, chunk=1)  # fmt: skip
            await kafkaio.seed(r.infra.bootstrap, r.topics["raw"], raw_mix[half:], report=report)
            events_report = kafkaio.SeedReport()
            await kafkaio.seed(
                r.infra.bootstrap,
                r.topics["events"],
                [(p.key, p.value) for p in bad if p.topic == "events"],
                report=events_report,
            )
            raw_total = len(raw_mix) + len(large)
            idle = await r.wait_idle(raw_total, within=900)
            codes = await r.stop_all()
            result.audit = await r.audit(expected, poison_events=len(events_report.acknowledged))
        result.faults = len(bad)
        result.recover.append(idle)
        dlq = result.audit.dlq
        found, problems = _check_dlq(bad, dlq, report, events_report, r.topics)
        kinds = Counter(p.kind for p in bad)
        result.check(
            "every poison message in a DLQ with reason and origin",
            not problems,
            f"{found}/{len(bad)} found; " + "; ".join(problems[:5]),
        )
        expected_keys = {a.article_id.encode() for a in expected.articles}
        good_in_dlq = sum(1 for recs in dlq.values() for m in recs if m.key in expected_keys)
        result.check("no good message dead-lettered", good_in_dlq == 0, f"{good_in_dlq}")
        result.check(
            "hostile but valid pages parsed", len(hostile) == 3, f"{len(hostile)} of 3 kept"
        )
        result.check("clean exits", set(codes.values()) == {0}, str(codes))
        result.notes.append(f"poison kinds: {dict(kinds)}; {len(good)} good articles + "
                            f"{len(hostile)} hostile-but-valid pages")  # fmt: skip
        result.notes.append("recover: seeding done -> every lag back to 0")

    return await guarded("poison", "poison input at 1 %", body)


def _original(m: kafkaio.Rec) -> bytes:
    """The dead-lettered bytes as they were (gzipped when too large to forward as is)."""
    value = m.value or b""
    return gzip.decompress(value) if m.header("dlq_value_encoding") == "gzip" else value


def _an_event(corpus: Corpus) -> bytes:
    from services.common.serde import encode
    from services.parser.app import parse_raw

    return encode(parse_raw(corpus.articles[0].raw).events[0])


def _check_dlq(
    bad: list[Poison],
    dlq: dict[str, list[kafkaio.Rec]],
    raw_report: kafkaio.SeedReport,
    events_report: kafkaio.SeedReport,
    topics: dict[str, str],
) -> tuple[int, list[str]]:
    problems: list[str] = []
    found = 0
    for p in bad:
        report = raw_report if p.topic == "raw" else events_report
        where = report.acknowledged.get(p.key)
        if where is None:
            problems.append(f"{p.kind}: never acknowledged by the broker")
            continue
        matches = [m for m in dlq[p.topic] if m.key == p.key]
        if not matches:
            problems.append(f"{p.kind}: not in {topics[p.topic]}.dlq")
            continue
        m = matches[0]
        origin = (
            m.header("dlq_original_topic"),
            m.header("dlq_original_partition"),
            m.header("dlq_original_offset"),
        )
        if origin != (topics[p.topic], str(where[0]), str(where[1])):
            problems.append(f"{p.kind}: origin {origin}, expected {where}")
        elif not m.header("dlq_reason"):
            problems.append(f"{p.kind}: no dlq_reason")
        elif _original(m) != (p.value or b""):
            problems.append(f"{p.kind}: value changed ({len(m.value or b'')} bytes)")
        elif len(matches) > 1:
            problems.append(f"{p.kind}: dead-lettered {len(matches)} times")
        else:
            found += 1
    return found, problems
