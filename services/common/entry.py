"""Running a service's async main from a command: logging, signals, exit code."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from services.common.config import ServiceSettings
from services.common.errors import ConfigError
from services.common.lifecycle import install_stop_signals
from services.common.logging import configure_logging, get_logger

log = get_logger(__name__)
S = TypeVar("S", bound=BaseSettings)


def load_settings(factory: type[S], **overrides: Any) -> S:
    """Build settings from the environment (and ``overrides``), turning a validation
    error into a clear exit. Only each field's message is shown: pydantic's own text
    repeats the input, which may hold a password."""
    try:
        return factory(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "(settings)"
            lines.append(f"  {field}: {err['msg']}")
        raise click.ClickException(
            f"invalid configuration for {factory.__name__} (REGWIRE_* environment):\n"
            + "\n".join(lines)
        ) from None


def run_service(
    settings: ServiceSettings, main: Callable[[asyncio.Event], Awaitable[None]]
) -> None:
    """Configure logging, install SIGTERM/SIGINT handling, run until stopped. A
    ``ConfigError`` found while starting (sources.yaml, fault settings) is a clean exit."""
    configure_logging(settings.log_level, settings.log_format)

    async def _main() -> None:
        stop = asyncio.Event()
        install_stop_signals(stop)
        await main(stop)

    try:
        asyncio.run(_main())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
