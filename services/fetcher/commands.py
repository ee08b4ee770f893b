"""Command-line entry points of the fetcher service (added to the `regwire` CLI)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from services.common.entry import load_settings, run_service
from services.common.logging import configure_logging
from services.fetcher.config import FetcherSettings
from services.fetcher.dumps import DumpFormat


@click.command("fetcher")
def fetcher_command() -> None:
    """Poll the sources in sources.yaml and publish new articles to news.raw.v1."""
    from services.fetcher.app import run

    settings = load_settings(FetcherSettings)

    async def main(stop: asyncio.Event) -> None:
        await run(settings, stop)

    run_service(settings, main)


@click.command("replay")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "line", "jsonl", "csv"]),
    default="auto",
    show_default=True,
    help="dump format; auto looks at the extension, then the first line",
)
@click.option("--source-id", default=None, help="source id on the messages [replay:<file name>]")
@click.option(
    "--progress/--no-progress", default=None, help="progress bar [on when stderr is a terminal]"
)
def replay_command(
    file: Path, fmt: DumpFormat, source_id: str | None, progress: bool | None
) -> None:
    """Publish a dump (seed line format, JSONL or CSV) to news.raw.v1."""
    from services.fetcher.replay import replay_file

    settings = load_settings(FetcherSettings)
    configure_logging(settings.log_level, settings.log_format)
    show = sys.stderr.isatty() if progress is None else progress
    summary = asyncio.run(replay_file(file, settings, progress=show, fmt=fmt, source_id=source_id))
    for line in summary.lines():
        click.echo(line, err=True)
    if summary.published == 0 and (summary.invalid or summary.oversize):
        sys.exit(1)


COMMANDS: list[click.Command] = [fetcher_command, replay_command]
