"""The sink's read-only HTTP API, served on its metrics/health port.

    GET /events?jurisdiction=HK&type=license_granted&from=2023&limit=50
    GET /events?cursor=<next_cursor from the previous page>
    GET /events/{event_id}

Filters mean exactly what they mean for ``regwire events`` (``filters.py``); the
schema is at ``/openapi.json`` and checked in as ``services/sink/openapi.json``.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import APIRouter, HTTPException, Path, Query

from schemas import EventType
from services.sink.filters import EventFilter
from services.sink.reader import InvalidCursor
from services.sink.store import DB_ERRORS
from services.sink.views import EventDetail, EventPage

MAX_LIMIT = 1000
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class EventReader(Protocol):
    async def query(
        self, flt: EventFilter, limit: int | None = None, cursor: str | None = None
    ) -> EventPage: ...

    async def get(self, event_id: str) -> EventDetail | None: ...


def build_router(reader: EventReader) -> APIRouter:
    router = APIRouter(tags=["events"])

    @router.get("/events", summary="Stored events, filtered, newest event date first")
    async def list_events(
        jurisdiction: Annotated[
            list[str] | None, Query(description="ISO 3166-1 alpha-2, EU or INTL; repeatable")
        ] = None,
        event_type: Annotated[
            list[EventType] | None, Query(alias="type", description="repeatable")
        ] = None,
        authority: Annotated[
            str | None, Query(description="short name (case-insensitive) or registry id")
        ] = None,
        subject: Annotated[str | None, Query(description="a subject, case-insensitive")] = None,
        date_from: Annotated[
            str | None,
            Query(alias="from", pattern=_DATE, description="event date from (YYYY[-MM[-DD]])"),
        ] = None,
        date_to: Annotated[
            str | None,
            Query(alias="to", pattern=_DATE, description="event date until (YYYY[-MM[-DD]])"),
        ] = None,
        q: Annotated[
            str | None, Query(description="text in the summary or the evidence, case-insensitive")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
        cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    ) -> EventPage:
        try:
            flt = EventFilter.build(
                jurisdiction=jurisdiction or (),
                event_type=[t.value for t in event_type or ()],
                authority=authority,
                subject=subject,
                date_from=date_from,
                date_to=date_to,
                text=q,
            )
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        try:
            return await reader.query(flt, limit, cursor)
        except InvalidCursor as exc:
            raise HTTPException(400, str(exc)) from None
        except DB_ERRORS as exc:
            raise HTTPException(503, f"database unavailable: {type(exc).__name__}") from None

    @router.get(
        "/events/{event_id}",
        summary="One event with every source that reported it",
        responses={404: {"description": "no such event"}},
    )
    async def get_event(
        event_id: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="sha256 hex")],
    ) -> EventDetail:
        try:
            found = await reader.get(event_id)
        except DB_ERRORS as exc:
            raise HTTPException(503, f"database unavailable: {type(exc).__name__}") from None
        if found is None:
            raise HTTPException(404, f"no event {event_id}")
        return found

    return router
