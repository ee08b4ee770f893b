"""Command-line entry points of the parser: ``regwire parser`` and ``regwire extract``."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

import click
import orjson

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


@click.command("extract")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.option("--jsonl", is_flag=True, help="One document per line: id, html|text, url, …")
@click.option("--url", default=None, help="The document's URL (single document).")
@click.option("--title", default=None, help="A title hint (single document).")
@click.option("--published", default=None, help="Publication date, ISO 8601 (single document).")
def extract_command(
    source: TextIO, jsonl: bool, url: str | None, title: str | None,
    published: str | None,
) -> None:  # fmt: skip
    """Normalise and extract FILE (a page, a dump line, or '-' for stdin); print JSON."""
    from services.fetcher.items import parse_when
    from services.parser.extract_cli import document_to_raw, extract_jsonl, result, write_lines

    if jsonl:
        write_lines(extract_jsonl(source))
        return
    when = parse_when(published)
    if published and when is None:
        raise click.BadParameter(f"not an ISO 8601 date: {published!r}", param_hint="--published")
    raw = document_to_raw(source.read(), url, when, title)
    sys.stdout.buffer.write(orjson.dumps(result(raw), option=orjson.OPT_INDENT_2) + b"\n")


COMMANDS: list[click.Command] = [parser_command, extract_command]
