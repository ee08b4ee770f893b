"""Write the sink API's OpenAPI document to ``services/sink/openapi.json``.

    uv run python -m services.sink.openapi          # regenerate
    uv run python -m services.sink.openapi --check  # exit 1 when the file is stale

The document is the one the running sink serves at ``/openapi.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import CollectorRegistry

from services.common.health import Health
from services.common.http import build_app
from services.common.metrics import Metrics
from services.sink.api import build_router
from services.sink.filters import EventFilter
from services.sink.views import EventDetail, EventPage

PATH = Path(__file__).parent / "openapi.json"
COMMAND = "uv run python -m services.sink.openapi"


class _NoStore:
    """Routes are only described here, never called."""

    async def query(
        self, flt: EventFilter, limit: int | None = None, cursor: str | None = None
    ) -> EventPage:
        raise NotImplementedError

    async def get(self, event_id: str) -> EventDetail | None:
        raise NotImplementedError


def document() -> dict[str, Any]:
    app = build_app(
        Metrics(CollectorRegistry(), "sink"), Health(), 1.0, [build_router(_NoStore())], "sink"
    )
    schema: dict[str, Any] = app.openapi()
    return schema


def render() -> bytes:
    return orjson.dumps(document(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args(argv)
    fresh = render()
    if args.check:
        if not PATH.exists() or PATH.read_bytes() != fresh:
            print(f"{PATH} is stale; run: {COMMAND}", file=sys.stderr)
            return 1
        return 0
    PATH.write_bytes(fresh)
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
