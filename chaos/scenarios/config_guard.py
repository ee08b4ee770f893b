"""Scenario 10: each service refuses to start, with a clear error, on unsafe settings."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from pipeline import PORT_VARIABLE, ROOT, PipelineEnv

from chaos.report import Result
from chaos.scenarios.base import Ctx, guarded
from services.common.faults import ACK_VARIABLE

UNSAFE: dict[str, tuple[str, str]] = {
    "acks=1": ("REGWIRE_KAFKA_ACKS", "1"),
    "idempotence off": ("REGWIRE_KAFKA_ENABLE_IDEMPOTENCE", "false"),
    "auto-commit on": ("REGWIRE_KAFKA_ENABLE_AUTO_COMMIT", "true"),
}
FAULT_WITHOUT_ACK = ("REGWIRE_FAULT_SINK_KILL_AFTER_DB_COMMITS", "1")


def attempt(
    env: PipelineEnv, service: str, variable: str, value: str, timeout: float = 90.0
) -> tuple[int | None, float, str]:
    """(exit code or None if still running at ``timeout``, seconds, output)."""
    environ = env.for_service(service, 0)
    environ[variable] = value
    environ.pop(ACK_VARIABLE, None)
    began = time.monotonic()
    proc = subprocess.Popen(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "services.cli", service],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return None, time.monotonic() - began, out.decode(errors="replace")
    return proc.returncode, time.monotonic() - began, out.decode(errors="replace")


async def config_guard(ctx: Ctx) -> Result:
    async def body(result: Result) -> None:
        env = PipelineEnv(ctx.infra.bootstrap, "chaos-config-guard", ctx.infra.base_dsn)
        cases = [(s, label, *UNSAFE[label]) for s in PORT_VARIABLE for label in UNSAFE]
        if ctx.quick:  # each unsafe setting once, on a different service
            cases = [
                (s, label, *UNSAFE[label]) for s, label in zip(PORT_VARIABLE, UNSAFE, strict=True)
            ]
        cases.append(("sink", "fault hook without its acknowledgement", *FAULT_WITHOUT_ACK))
        limit = asyncio.Semaphore(3)

        async def one(case: tuple[str, str, str, str]) -> tuple[int | None, float, str]:
            async with limit:
                return await asyncio.to_thread(attempt, env, case[0], case[2], case[3])

        outcomes = await asyncio.gather(*(one(c) for c in cases))
        refused = 0
        for (service, label, variable, _), (code, took, out) in zip(cases, outcomes, strict=True):
            named = variable in out
            ok = code not in (None, 0) and named
            refused += ok
            said = [line for line in out.splitlines() if variable in line] or ["(no output)"]
            result.check(
                f"{service} refuses {label}",
                ok,
                f"exit {code} in {took:.1f}s; says: {said[-1].strip()[:200]}",
            )
        result.runs = len(cases)
        result.faults = len(cases)
        result.expected = len(cases)
        result.stored = refused
        result.notes.append("expected/stored here: unsafe start-ups attempted / refused")

    return await guarded("config-guard", "services refuse unsafe settings", body)
