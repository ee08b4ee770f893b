"""Command-line entry points of the sink service (added to the `regwire` CLI)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
