"""The one definition of "which events": used by ``regwire events``, ``regwire tail``
and ``GET /events``.

``EventFilter.clauses()`` says it in SQL for the store; ``EventFilter.matches()``
says the same in Python for a live stream. Semantics:

* ``jurisdiction`` / ``event_type``: any of the given values (none given: all).
* ``authority``: the short name, case-insensitively, or the registry id (``us-sec``).
* ``subject``: one of the event's subjects, case-insensitively.
* ``date_from`` / ``date_to``: the event's date period overlaps the range. An event
  dated ``2021`` (year precision) is in "from 2021-09-01"; one dated ``2021-08-31``
  is not. Bounds may themselves be ``YYYY`` or ``YYYY-MM``: ``--to 2021`` means
  until 2021-12-31.
* ``text``: a case-insensitive substring of the summary or of any source's evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from schemas import EventType, RegulatoryEvent
from services.sink.keys import date_period, fold
from services.sink.tables import event_sources, event_subjects, events


@dataclass(frozen=True, slots=True)
class EventFilter:
    jurisdictions: tuple[str, ...] = ()
    event_types: tuple[EventType, ...] = ()
    authority: str | None = None
    subject: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None

    @classmethod
    def build(
        cls,
        *,
        jurisdiction: Iterable[str] = (),
        event_type: Iterable[str] = (),
        authority: str | None = None,
        subject: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        text: str | None = None,
    ) -> EventFilter:
        """From user input (strings); ValueError says which value is wrong."""
        return cls(
            jurisdictions=tuple(dict.fromkeys(j.strip().upper() for j in jurisdiction)),
            event_types=tuple(dict.fromkeys(_event_type(t) for t in event_type)),
            authority=(authority or "").strip() or None,
            subject=(subject or "").strip() or None,
            date_from=_bound(date_from, "from", 0),
            date_to=_bound(date_to, "to", 1),
            text=(text or "").strip() or None,
        )

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        """SQL conditions on ``events`` (AND them together)."""
        e = events.c
        out: list[sa.ColumnElement[bool]] = []
        if self.jurisdictions:
            out.append(e.jurisdiction.in_(self.jurisdictions))
        if self.event_types:
            out.append(e.event_type.in_([t.value for t in self.event_types]))
        if self.authority:
            out.append(
                sa.or_(
                    e.authority_key == fold(self.authority),
                    e.authority_id == self.authority.lower(),
                )
            )
        if self.subject:
            s = event_subjects.c
            out.append(
                sa.exists().where(s.event_id == e.event_id, s.subject_key == fold(self.subject))
            )
        if self.date_from:
            out.append(e.date_end >= self.date_from)
        if self.date_to:
            out.append(e.date_start <= self.date_to)
        if self.text:
            pattern = "%" + _escape_like(self.text) + "%"
            src = event_sources.c
            out.append(
                sa.or_(
                    e.summary.ilike(pattern, escape="\\"),
                    e.evidence.ilike(pattern, escape="\\"),
                    sa.exists().where(
                        src.event_id == e.event_id, src.evidence.ilike(pattern, escape="\\")
                    ),
                )
            )
        return out

    def matches(self, event: RegulatoryEvent) -> bool:
        """The same conditions on one event as it arrives (``regwire tail``)."""
        if self.jurisdictions and event.jurisdiction not in self.jurisdictions:
            return False
        if self.event_types and event.event_type not in self.event_types:
            return False
        if self.authority and not (
            (event.authority and fold(event.authority) == fold(self.authority))
            or event.authority_id == self.authority.lower()
        ):
            return False
        if self.subject and fold(self.subject) not in {fold(s) for s in event.subjects}:
            return False
        if self.date_from or self.date_to:
            start, end = date_period(event.event_date)
            if self.date_from and end < self.date_from:
                return False
            if self.date_to and start > self.date_to:
                return False
        if self.text:
            needle = self.text.casefold()
            if needle not in event.summary.casefold() and needle not in event.evidence.casefold():
                return False
        return True


def _event_type(value: str) -> EventType:
    try:
        return EventType(value.strip().lower())
    except ValueError:
        known = ", ".join(t.value for t in EventType)
        raise ValueError(f"unknown event type {value!r} (one of: {known})") from None


def _bound(value: str | None, name: str, end: int) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date_period(value)[end]
    except ValueError:
        raise ValueError(f"{name}: expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}") from None


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
