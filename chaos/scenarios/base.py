"""What every scenario shares: the run's context, chunked seeding, a guarded runner."""

from __future__ import annotations

import contextlib
import random
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from chaos.corpus import Corpus
from chaos.report import Result
from chaos.rig import Infra, Rig


@dataclass
class Ctx:
    infra: Infra
    corpus: Corpus
    faults: int  # faults per scenario (20 in make chaos)
    seed: int
    churn_seconds: float = 180.0
    keep: bool = False  # keep each scenario's database (debugging)
    quick: bool = False  # make test's subset: shorter outages and pacing, fewer cases

    def rng(self, scenario: str) -> random.Random:
        """A scenario's own random stream: the same seed gives the same faults."""
        return random.Random(f"{self.seed}:{scenario}")


def split(corpus: Corpus, parts: int) -> list[Corpus]:
    """``corpus`` as ``parts`` consecutive sub-corpora (seeded one after another)."""
    size = -(-len(corpus.articles) // parts)
    return [
        Corpus(corpus.seed, corpus.articles[i : i + size])
        for i in range(0, len(corpus.articles), size)
    ]


@contextlib.asynccontextmanager
async def rig(ctx: Ctx, result: Result, **kwargs: object) -> AsyncIterator[Rig]:
    """A set-up rig that is always stopped (and its database dropped) afterwards."""
    r = Rig(ctx.infra, result.key, **kwargs)  # type: ignore[arg-type]
    try:
        await r.setup()
        yield r
    finally:
        await r.close(keep_database=ctx.keep)
        result.notes.append(f"logs: {r.log_dir}")
        if r.unexpected_exits:
            result.notes.append(f"unexpected exits: {r.unexpected_exits}")


async def guarded(key: str, title: str, body: Callable[[Result], Awaitable[None]]) -> Result:
    """Run ``body``; an exception is recorded as the scenario's error, never raised."""
    result = Result(key, title)
    began = time.monotonic()
    try:
        await body(result)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
        result.notes.append(traceback.format_exc()[-3000:])
    result.seconds = time.monotonic() - began
    return result
