"""Command-line entry points of the fetcher service (added to the `regwire` CLI)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
