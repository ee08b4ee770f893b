"""Command-line entry points of the parser: ``regwire parser`` and ``regwire extract``."""

from __future__ import annotations

import asyncio

import click

from services.common.entry import load_settings, run_service
from services.parser.config import ParserSettings


@click.command("parser")
def parser_command() -> None:
    """Run the parser service: news.raw.v1 -> news.articles.v1 + regulatory.events.v1."""
    from services.parser.app import run

    settings = load_settings(ParserSettings)

    async def main(stop: asyncio.Event) -> None:
        await run(settings, stop)

    run_service(settings, main)


COMMANDS: list[click.Command] = [parser_command]
