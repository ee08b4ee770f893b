"""The ``regwire`` command: one entry point for every service and tool.

Each service contributes its own commands (``services/<service>/commands.py``);
this module only assembles them, so the CLI stays as thin as the entry points of
the services it starts.
"""

from __future__ import annotations

import click

from services.fetcher.commands import COMMANDS as FETCHER_COMMANDS
from services.parser.commands import COMMANDS as PARSER_COMMANDS
from services.run import run_command
from services.sink.commands import COMMANDS as SINK_COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="regwire")
def main() -> None:
    """regwire: news in, regulatory events out (fetcher -> parser -> sink over Kafka)."""


for command in [*FETCHER_COMMANDS, *PARSER_COMMANDS, *SINK_COMMANDS, run_command]:
    main.add_command(command)


if __name__ == "__main__":
    main()
