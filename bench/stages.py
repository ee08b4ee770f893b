"""CPU-bound stages on one core: parse + normalise, event extraction, the parser's whole
per-message work, and serialisation; each beside its reference in the same run.

They run in a child process pinned to one CPU and are timed in that process's CPU
time (``evaluation.extraction.pages_per_second``, ``events.measure_throughput``), so
other load on a shared machine slows the wall clock but hardly moves the figures.
Within a run the contenders are measured back to back, and ratios are per run.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from bench.report import Report

Runs = dict[str, list[float]]


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})


def in_one_core(fn: Callable[..., Runs], *args: Any) -> Runs:
    """Run ``fn(*args)`` in a fresh process pinned to one CPU."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_pin_to_one_core) as pool:
        return pool.submit(fn, *args).result()


def _cpu_rate(work: Callable[[Any], object], items: list[Any], min_seconds: float) -> float:
    done, started = 0, time.process_time()
    while True:
        for item in items:
            work(item)
        done += len(items)
        elapsed = time.process_time() - started
        if elapsed >= min_seconds:
            return done / elapsed


# -- what runs in the child ------------------------------------------------------------


def parse_runs(runs: int, pages: int | None) -> Runs:
    from evaluation.extraction import load_cases, normalise_rate, selectolax_rate, trafilatura_rate

    htmls = [c.html for c in load_cases()][:pages]
    normalise_rate(htmls[:20], rounds=1)  # warm-up: lazy models and data files
    out: Runs = {"ours": [], "trafilatura": [], "selectolax": []}
    for _ in range(runs):
        out["ours"].append(normalise_rate(htmls, rounds=1))
        out["trafilatura"].append(trafilatura_rate(htmls, rounds=1))
        out["selectolax"].append(selectolax_rate(htmls, rounds=3))
    out["pages"] = [float(len(htmls))]
    return out


def extract_runs(runs: int, min_seconds: float) -> Runs:
    from evaluation.events import load_docs
    from services.parser.events import measure_throughput
    from services.parser.normalise import normalise

    articles = [normalise(d.raw) for d in load_docs()]
    rates = [measure_throughput(articles, min_seconds=min_seconds) for _ in range(runs)]
    return {"ours": rates, "articles": [float(len(articles))]}


def parser_core_runs(runs: int, min_seconds: float, docs: int | None) -> Runs:
    """The parser's whole work per message: bytes in -> decode, normalise, extract,
    encode every output. The single-process ceiling of the parser service."""
    from bench.corpus import copies, load
    from schemas import RawArticle
    from services.common.errors import PoisonMessage
    from services.common.serde import decode, encode
    from services.parser.app import parse_raw

    pool = load().mixed[:docs]
    values = [encode(r) for r in copies(len(pool), "core", pool)]

    def work(value: bytes) -> None:
        try:
            parsed = parse_raw(decode(RawArticle, value))
        except PoisonMessage:
            return
        encode(parsed.article)
        for event in parsed.events:
            encode(event)

    work(values[0])
    return {
        "ours": [_cpu_rate(work, values, min_seconds) for _ in range(runs)],
        "bytes": [sum(map(len, values)) / len(values)],
    }


def serde_runs(runs: int, min_seconds: float) -> Runs:
    """RawArticle decode and Article encode: pydantic's JSON against orjson + pydantic."""
    import orjson

    from bench.corpus import copies, load
    from schemas import Article, RawArticle
    from services.common.serde import encode
    from services.parser.normalise import normalise

    pool = load().mixed
    raws = list(copies(len(pool), "serde", pool))
    values = [encode(r) for r in raws]
    articles: list[Article] = [normalise(r) for r in raws[:60]]

    def orjson_decode(v: bytes) -> None:
        RawArticle.model_validate(orjson.loads(v))

    def orjson_encode(a: Article) -> None:
        orjson.dumps(a.model_dump(mode="json"))

    out: Runs = {
        "decode_pydantic": [],
        "decode_orjson": [],
        "encode_pydantic": [],
        "encode_orjson": [],
    }
    for _ in range(runs):
        out["decode_pydantic"].append(
            _cpu_rate(lambda v: RawArticle.model_validate_json(v), values, min_seconds)
        )
        out["decode_orjson"].append(_cpu_rate(orjson_decode, values, min_seconds))
        out["encode_pydantic"].append(_cpu_rate(encode, articles, min_seconds))
        out["encode_orjson"].append(_cpu_rate(orjson_encode, articles, min_seconds))
    return out


# -- into the report -------------------------------------------------------------------


def parse(report: Report, runs: int, quick: bool) -> None:
    s = report.stage("parse", "Parse + normalise (pages/s, one core, real dev pages)")
    r = in_one_core(parse_runs, runs, 40 if quick else None)
    s.add("ours", "pages/s", r["ours"], "regwire normalise (selectolax)")
    s.add("trafilatura", "pages/s", r["trafilatura"], "trafilatura bare_extraction (reference)")
    s.add("selectolax", "pages/s", r["selectolax"], "raw selectolax parse (ceiling)")
    s.ratio("vs_trafilatura", r["ours"], r["trafilatura"], "regwire / trafilatura")
    s.ratio("of_ceiling", r["ours"], r["selectolax"], "regwire / selectolax parse")
    s.notes.append(
        f"{int(r['pages'][0])} pages of tests/fixtures/pages, CPU time of one pinned core"
    )


def extract(report: Report, runs: int, quick: bool) -> None:
    s = report.stage("extract", "Event extraction (articles/s, one core, dev articles)")
    r = in_one_core(extract_runs, runs, 0.3 if quick else 1.0)
    s.add("ours", "articles/s", r["ours"], "regwire extract (normalised articles in)")
    s.notes.append(f"{int(r['articles'][0])} normalised articles of tests/fixtures/events")


def parser_core(report: Report, runs: int, quick: bool) -> None:
    s = report.stage(
        "parser_core", "Parser per message (one core): decode + normalise + extract + encode"
    )
    r = in_one_core(parser_core_runs, runs, 0.3 if quick else 2.0, 40 if quick else None)
    s.add("ours", "articles/s", r["ours"], "raw bytes -> article + events bytes")
    s.notes.append(
        f"the mixed e2e corpus (pages + event articles), {r['bytes'][0] / 1000:.0f} kB per "
        "raw message on average: the single-process ceiling of one parser"
    )
    r = in_one_core(serde_runs, runs, 0.2 if quick else 0.5)
    s.add(
        "decode_pydantic", "msgs/s", r["decode_pydantic"], "RawArticle decode: model_validate_json"
    )
    s.add(
        "decode_orjson", "msgs/s", r["decode_orjson"], "RawArticle decode: orjson + model_validate"
    )
    s.add("encode_pydantic", "msgs/s", r["encode_pydantic"], "Article encode: model_dump_json")
    s.add("encode_orjson", "msgs/s", r["encode_orjson"], "Article encode: orjson.dumps(model_dump)")
