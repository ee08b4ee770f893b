"""Filters -> SQL on both dialects, and the same filters on a live event."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

from services.sink.filters import EventFilter
from services.sink.tables import events
from tests.unit.sink.factory import make_event


def sql(flt: EventFilter, dialect: sa.Dialect) -> str:
    stmt = sa.select(events.c.event_id).where(*flt.clauses())
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_no_filter_no_where() -> None:
    assert "WHERE" not in sql(EventFilter(), SQLiteDialect_aiosqlite())


def test_build_normalises_input() -> None:
    flt = EventFilter.build(
        jurisdiction=["hk", "HK", "us"],
        event_type=["BAN"],
        date_from="2021",
        date_to="2023-02",
        text="  licence ",
    )
    assert flt.jurisdictions == ("HK", "US")
    assert [t.value for t in flt.event_types] == ["ban"]
    assert flt.date_from == date(2021, 1, 1)
    assert flt.date_to == date(2023, 2, 28)
    assert flt.text == "licence"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"event_type": ["nope"]}, "unknown event type"), ({"date_from": "2023-1-x"}, "from:")],
)
def test_build_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EventFilter.build(**kwargs)  # type: ignore[arg-type]


def test_sql_for_every_filter() -> None:
    flt = EventFilter.build(
        jurisdiction=["HK"],
        event_type=["license_granted"],
        authority="sfc",
        subject="HashKey",
        date_from="2023-08",
        date_to="2023-08-31",
        text="50%_off",
    )
    pg = sql(flt, PGDialect_asyncpg())  # type: ignore[no-untyped-call]
    assert "events.jurisdiction IN ('HK')" in pg
    assert "events.event_type IN ('license_granted')" in pg
    assert "events.authority_key = 'sfc' OR events.authority_id = 'sfc'" in pg
    assert "event_subjects.subject_key = 'hashkey'" in pg
    assert "events.date_end >= '2023-08-01'" in pg
    assert "events.date_start <= '2023-08-31'" in pg
    assert "ILIKE '%%50\\%%\\_off%%' ESCAPE '\\'" in pg or "ILIKE '%50\\%\\_off%'" in pg
    lite = sql(flt, SQLiteDialect_aiosqlite())
    assert "lower(events.summary) LIKE lower(" in lite


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"jurisdiction": ["HK"]}, True),
        ({"jurisdiction": ["US", "CN"]}, False),
        ({"event_type": ["license_granted", "ban"]}, True),
        ({"event_type": ["ban"]}, False),
        ({"authority": "sfc"}, True),
        ({"authority": "hk-sfc"}, True),
        ({"authority": "SEC"}, False),
        ({"subject": "hashkey"}, True),
        ({"subject": "Hash"}, False),
        ({"date_from": "2023-08-02", "date_to": "2023-08-02"}, True),
        ({"date_from": "2023-08-03"}, False),
        ({"date_to": "2023-07"}, False),
        ({"date_from": "2023"}, True),
        ({"text": "GRANTED LICENCES"}, True),
        ({"text": "revoked"}, False),
    ],
)
def test_matches(kwargs: dict[str, object], expected: bool) -> None:
    assert EventFilter.build(**kwargs).matches(make_event(1)) is expected  # type: ignore[arg-type]


def test_year_precision_event_overlaps_a_month_range() -> None:
    event = make_event(1, event_date="2021", date_precision="year")
    assert EventFilter.build(date_from="2021-09-01", date_to="2021-09-30").matches(event)
    assert not EventFilter.build(date_from="2022").matches(event)
