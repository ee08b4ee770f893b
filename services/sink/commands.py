"""Command-line entry points of the sink service (added to the `regwire` CLI).

    regwire sink                                  # the service (REGWIRE_SINK_* settings)
    regwire migrate [--dsn DSN]                   # apply the schema migrations
    regwire events -j HK --type license_granted --from 2023 --format json
    regwire tail --subject HashKey --format json  # follow regulatory.events.v1 live

``events`` and ``tail`` take the same filters (``filters.py``), as does ``GET /events``.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy.engine import make_url

from schemas import EventType, RegulatoryEvent
from services.common.config import KafkaSettings, TopicSettings
from services.common.entry import load_settings, run_service
from services.common.lifecycle import install_stop_signals
from services.sink import render
from services.sink.config import SinkSettings
from services.sink.engine import DsnError, backend_of, sqlite_path
from services.sink.filters import EventFilter
from services.sink.store import DB_ERRORS, Store

F = TypeVar("F", bound=Callable[..., Any])


def _settings(**overrides: Any) -> SinkSettings:
    return load_settings(SinkSettings, **{k: v for k, v in overrides.items() if v is not None})


def _safe(dsn: str) -> str:
    return make_url(dsn).render_as_string(hide_password=True)


def filter_options(fn: F) -> F:
    """The filters shared by ``events`` and ``tail``; they arrive as ``flt``."""
    options = [
        click.option("--jurisdiction", "-j", multiple=True, help="HK, US, EU, INTL…; repeatable"),
        click.option(
            "--type",
            "event_type",
            multiple=True,
            type=click.Choice([t.value for t in EventType]),
            help="event type; repeatable",
        ),
        click.option("--authority", help="short name (case-insensitive) or registry id"),
        click.option("--subject", help="a firm, person or product, case-insensitive"),
        click.option("--from", "date_from", metavar="YYYY[-MM[-DD]]", help="event date from"),
        click.option("--to", "date_to", metavar="YYYY[-MM[-DD]]", help="event date until"),
        click.option("--text", "-q", help="text in the summary or evidence"),
    ]

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Any:
        names = ("jurisdiction", "event_type", "authority", "subject", "date_from", "date_to")
        picked = {n: kwargs.pop(n) for n in (*names, "text")}
        try:
            kwargs["flt"] = EventFilter.build(**picked)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        return fn(**kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


@click.command("sink")
@click.option("--dsn", help="overrides REGWIRE_SINK_DSN")
def sink_command(dsn: str | None) -> None:
    """Run the sink: Kafka -> PostgreSQL / SQLite, with its API on REGWIRE_SINK_PORT."""
    from services.sink.app import run

    settings = _settings(dsn=dsn)

    async def main(stop: asyncio.Event) -> None:
        await run(settings, stop)

    run_service(settings, main)


@click.command("migrate")
@click.option("--dsn", help="overrides REGWIRE_SINK_DSN")
@click.option("--revision", default="head", show_default=True)
def migrate_command(dsn: str | None, revision: str) -> None:
    """Create or upgrade the store's tables (the sink also does this at start-up)."""
    settings = _settings(dsn=dsn)

    async def main() -> tuple[str | None, str | None]:
        async with Store(settings.dsn, timeout=settings.db_timeout_seconds) as store:
            return await store.migrate(revision)

    try:
        before, after = asyncio.run(main())
    except DB_ERRORS as exc:
        raise click.ClickException(f"migration failed on {_safe(settings.dsn)}: {exc}") from None
    click.echo(f"{_safe(settings.dsn)}: revision {before or '(empty)'} -> {after}")


@click.command("events")
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--dsn", help="default: REGWIRE_SINK_DSN, else sqlite+aiosqlite:///var/regwire.db")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many (default: all)")
def events_command(flt: EventFilter, fmt: str, dsn: str | None, limit: int | None) -> None:
    """Query the stored events, newest event date first."""
    dsn = dsn or _settings().dsn
    try:
        backend = backend_of(dsn)
    except DsnError as exc:
        raise click.BadParameter(str(exc), param_hint="--dsn") from None
    path = sqlite_path(dsn)
    if backend == "sqlite" and path is not None and not path.exists():
        raise click.ClickException(
            f"no database at {path}: run the sink (or `regwire migrate`), or pass --dsn"
        )

    async def main() -> list[RegulatoryEvent]:
        async with Store(dsn) as store:
            return (await store.query(flt, limit)).items

    try:
        found = asyncio.run(main())
    except DB_ERRORS as exc:
        raise click.ClickException(
            f"cannot read events from {_safe(dsn)} ({type(exc).__name__}: {exc}); "
            "is the schema there (`regwire migrate`)?"
        ) from None
    if fmt == "json":
        sys.stdout.buffer.write(render.json_array(found) + b"\n")
        sys.stdout.flush()
    else:
        render.table(found, sys.stdout)


@click.command("tail")
@filter_options
@click.option("--format", "fmt", type=click.Choice(["line", "json"]), default="line")
@click.option("--from-beginning", is_flag=True, help="start at the oldest message, not the end")
@click.option("--group", "group_id", help="consume as this consumer group (default: none)")
@click.option("--max-events", type=click.IntRange(min=1), help="exit after printing this many")
@click.option("--bootstrap-servers", help="default: REGWIRE_KAFKA_BOOTSTRAP_SERVERS")
@click.option("--topic", help="default: REGWIRE_TOPIC_EVENTS or regulatory.events.v1")
def tail_command(
    flt: EventFilter,
    fmt: str,
    from_beginning: bool,
    group_id: str | None,
    max_events: int | None,
    bootstrap_servers: str | None,
    topic: str | None,
) -> None:
    """Follow regulatory.events.v1 live, printing each matching event."""
    from services.sink.tail import tail

    kafka = load_settings(KafkaSettings)
    if bootstrap_servers:
        kafka = kafka.model_copy(update={"bootstrap_servers": bootstrap_servers})
    topic = topic or load_settings(TopicSettings).events

    def emit(event: RegulatoryEvent) -> None:
        print(render.json_line(event) if fmt == "json" else render.line(event), flush=True)

    def warn(message: str) -> None:
        click.echo(message, err=True)

    async def main() -> int:
        stop = asyncio.Event()
        install_stop_signals(stop)
        return await tail(
            kafka,
            topic,
            flt,
            emit,
            stop,
            warn=warn,
            group_id=group_id,
            from_beginning=from_beginning,
            max_events=max_events,
        )

    try:
        asyncio.run(main())
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None


COMMANDS: list[click.Command] = [sink_command, migrate_command, events_command, tail_command]
