"""``regwire run``: the whole pipeline in one process, for a laptop.

Starts the fetcher, the parser and the sink side by side (each with its own HTTP
port and metrics registry, exactly as when they run apart), optionally replays
dumps once all three are ready, and tells the user where to look.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click
import httpx
from prometheus_client import CollectorRegistry

from services.common.entry import load_settings, run_service
from services.common.lifecycle import wait_or_stop
from services.common.logging import get_logger
from services.fetcher.config import FetcherSettings
from services.parser.config import ParserSettings
from services.sink.config import SinkSettings

log = get_logger(__name__)


async def wait_ready(ports: list[int], stop: asyncio.Event, deadline_s: float = 120.0) -> bool:
    """Poll each service's ``/readyz`` until all answer 200 (or stop / deadline)."""
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline_s
    async with httpx.AsyncClient(timeout=2.0) as client:
        while loop.time() < until:
            codes = []
            for port in ports:
                try:
                    codes.append((await client.get(f"http://127.0.0.1:{port}/readyz")).status_code)
                except httpx.HTTPError:
                    codes.append(0)
            if all(c == 200 for c in codes):
                return True
            if await wait_or_stop(stop, 0.3):
                return False
    return False


def _sample(registry: CollectorRegistry, name: str) -> float:
    return sum(s.value for metric in registry.collect() for s in metric.samples if s.name == name)


async def wait_idle(
    parser: CollectorRegistry, sink: CollectorRegistry, stop: asyncio.Event
) -> None:
    """Until the parser and the sink have no lag and their counters stop moving."""
    previous: tuple[float, ...] = ()
    while not await wait_or_stop(stop, 1.5):
        current = (
            _sample(parser, "regwire_messages_consumed_total"),
            _sample(sink, "regwire_messages_consumed_total"),
            _sample(parser, "regwire_consumer_lag_messages"),
            _sample(sink, "regwire_consumer_lag_messages"),
        )
        if current == previous and current[2] == 0 and current[3] == 0:
            return
        previous = current


def _guide(fetcher: FetcherSettings, parser: ParserSettings, sink: SinkSettings) -> str:
    return "\n".join(
        [
            "",
            "regwire is running: fetcher -> parser -> sink over Kafka "
            f"({sink.kafka.bootstrap_servers}).",
            f"  data:    {sink.dsn}",
            "  query:   uv run regwire events --format table   (or --format json)",
            f"  API:     http://127.0.0.1:{sink.port}/events   (OpenAPI: /docs)",
            "  follow:  uv run regwire tail",
            f"  metrics: http://127.0.0.1:{fetcher.port}/metrics (fetcher), "
            f":{parser.port}/metrics (parser), :{sink.port}/metrics (sink)",
            "  health:  /healthz and /readyz on the same ports",
            "Stop with Ctrl-C.",
            "",
        ]
    )


@click.command("run")
@click.option(
    "--replay",
    "replays",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="Dump(s) to replay into news.raw.v1 once the services are ready.",
)
@click.option("--no-fetch", is_flag=True, help="Do not poll the sources (replay only).")
@click.option("--until-idle", is_flag=True, help="Exit once the replayed input is stored.")
def run_command(replays: tuple[Path, ...], no_fetch: bool, until_idle: bool) -> None:
    """Run fetcher, parser and sink in one process (embedded defaults: SQLite, local Kafka)."""
    from services.fetcher.app import run as run_fetcher
    from services.fetcher.replay import replay_file
    from services.parser.app import run as run_parser
    from services.sink.app import run as run_sink

    fetcher_s = load_settings(FetcherSettings)
    parser_s = load_settings(ParserSettings)
    sink_s = load_settings(SinkSettings)
    registries = {name: CollectorRegistry() for name in ("fetcher", "parser", "sink")}

    async def main(stop: asyncio.Event) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(run_sink(sink_s, stop, registries["sink"]))
            group.create_task(run_parser(parser_s, stop, registries["parser"]))
            if not no_fetch:
                group.create_task(run_fetcher(fetcher_s, stop, registries["fetcher"]))
            ports = [parser_s.port, sink_s.port] + ([] if no_fetch else [fetcher_s.port])
            if not await wait_ready(ports, stop):
                log.error("services did not become ready", ports=ports)
                stop.set()
                return
            for path in replays:
                summary = await replay_file(path, fetcher_s, progress=sys.stderr.isatty())
                log.info("replayed", file=str(path), summary=str(summary))
            if until_idle:
                await wait_idle(registries["parser"], registries["sink"], stop)
                stop.set()
            else:
                click.echo(_guide(fetcher_s, parser_s, sink_s), err=True)

    run_service(sink_s, main)
