"""Events on a terminal: a table, one line per event, or JSON (a contract, see DESIGN.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

import orjson
from rich.console import Console
from rich.table import Table

from schemas import RegulatoryEvent


def json_array(events: Sequence[RegulatoryEvent]) -> bytes:
    """``regwire events --format json``: the stored events as one JSON array."""
    return orjson.dumps([e.model_dump(mode="json") for e in events], option=orjson.OPT_INDENT_2)


def json_line(event: RegulatoryEvent) -> str:
    return event.model_dump_json()


def line(event: RegulatoryEvent) -> str:
    """``2023-08-02  HK  license_granted  SFC  HashKey, OSL  — summary  [The Block]``"""
    outlet = event.sources[0].outlet or event.sources[0].article_id[:12]
    return "  ".join(
        [
            event.event_date.ljust(10),
            event.jurisdiction.ljust(4),
            event.event_type.value.ljust(18),
            (event.authority or "-"),
            ", ".join(event.subjects) or "-",
            f"— {event.summary}",
            f"[{outlet}]",
        ]
    )


def table(events: Sequence[RegulatoryEvent], out: TextIO) -> None:
    grid = Table(show_lines=False, expand=False)
    for name in ("date", "juris.", "type"):
        grid.add_column(name, no_wrap=True)
    for name in ("authority", "subjects", "summary"):
        grid.add_column(name, overflow="fold")
    grid.add_column("sources", justify="right")
    for e in events:
        grid.add_row(
            e.event_date,
            e.jurisdiction,
            e.event_type.value,
            e.authority or "",
            ", ".join(e.subjects),
            e.summary,
            str(len(e.sources)),
        )
    # A pipe or a file gets wide lines rather than rich's 80-column default.
    console = Console(file=out, soft_wrap=False, width=None if out.isatty() else 200)
    console.print(grid)
    console.print(f"{len(events)} event(s)")
