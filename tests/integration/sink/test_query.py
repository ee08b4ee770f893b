"""Every filter and the pagination, on both backends, through the store and the HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry

from schemas import Article, RegulatoryEvent
from services.common.health import Health
from services.common.http import build_app
from services.common.metrics import Metrics
from services.sink.api import build_router
from services.sink.filters import EventFilter
from services.sink.store import Store
from tests.integration.sink.test_store import write
from tests.unit.sink.factory import event_id, make_event

# n -> fields; every filter below picks a known subset of these.
CORPUS: dict[int, dict[str, Any]] = {
    1: {},  # HK licence, SFC, HashKey+OSL, 2023-08-02
    2: {"jurisdiction": "US", "event_type": "enforcement_action", "authority": "SEC",
        "authority_id": "us-sec", "subjects": ["Binance"], "event_date": "2023-06-05",
        "summary": "The SEC sued Binance.", "evidence": "The SEC filed 13 charges."},
    3: {"jurisdiction": "CN", "event_type": "ban", "authority": "PBoC", "authority_id": "cn-pboc",
        "subjects": [], "event_date": "2021-09", "date_precision": "month",
        "summary": "China banned crypto transactions."},
    4: {"jurisdiction": "EU", "event_type": "law_passed", "authority": "European Parliament",
        "authority_id": "eu-parliament", "subjects": ["MiCA"], "event_date": "2023",
        "date_precision": "year", "summary": "MiCA passed 100% of votes_needed."},
    5: {"jurisdiction": "HK", "event_type": "license_granted", "authority": "sfc",
        "subjects": ["hashkey"], "event_date": "2024-01-15", "summary": "Another licence."},
}  # fmt: skip


@pytest.fixture
async def corpus(store: Store) -> Store:
    items: list[RegulatoryEvent | Article] = [make_event(n, **f) for n, f in CORPUS.items()]
    # A second outlet for event 2, whose evidence alone mentions "Wells notice".
    items.append(make_event(2, article=9, **{**CORPUS[2], "evidence": "A Wells notice came."}))
    await write(store, items)
    return store


FILTERS: list[tuple[dict[str, Any], set[int]]] = [
    ({}, {1, 2, 3, 4, 5}),
    ({"jurisdiction": ["HK"]}, {1, 5}),
    ({"jurisdiction": ["us", "CN"]}, {2, 3}),
    ({"event_type": ["license_granted"]}, {1, 5}),
    ({"event_type": ["ban", "law_passed"]}, {3, 4}),
    ({"authority": "SFC"}, {1, 5}),
    ({"authority": "us-sec"}, {2}),
    ({"authority": "european parliament"}, {4}),
    ({"subject": "HASHKEY"}, {1, 5}),
    ({"subject": "mica"}, {4}),
    ({"date_from": "2023-08-01"}, {1, 4, 5}),
    ({"date_to": "2021-12-31"}, {3}),
    ({"date_from": "2021-09-15", "date_to": "2021-09-15"}, {3}),
    ({"date_from": "2023-06", "date_to": "2023-06"}, {2, 4}),
    ({"text": "BANNED"}, {3}),
    ({"text": "wells notice"}, {2}),
    ({"text": "100%"}, {4}),
    ({"text": "votes_needed"}, {4}),
    ({"text": "votes%needed"}, set()),
    ({"jurisdiction": ["HK"], "date_from": "2024"}, {5}),
]


@pytest.mark.parametrize(("kwargs", "expected"), FILTERS)
async def test_filters(corpus: Store, kwargs: dict[str, Any], expected: set[int]) -> None:
    page = await corpus.query(EventFilter.build(**kwargs))
    assert {e.event_id for e in page.items} == {event_id(n) for n in expected}


async def test_pages_follow_the_cursor_newest_first(corpus: Store) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = await corpus.query(EventFilter(), limit=2, cursor=cursor)
        seen += [e.event_date for e in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["2024-01-15", "2023-08-02", "2023-06-05", "2023", "2021-09"]


@pytest.fixture
async def api(corpus: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(Metrics(CollectorRegistry(), "sink"), Health(), 2.0, [build_router(corpus)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sink") as client:
        yield client


async def test_api_filters_like_the_store(api: httpx.AsyncClient) -> None:
    r = await api.get("/events", params={"jurisdiction": ["US", "CN"], "from": "2021"})
    assert r.status_code == 200
    assert {e["event_id"] for e in r.json()["items"]} == {event_id(2), event_id(3)}
    r = await api.get("/events", params={"type": "license_granted", "subject": "osl", "q": "sfc"})
    assert [e["event_id"] for e in r.json()["items"]] == [event_id(1)]


async def test_api_paginates(api: httpx.AsyncClient) -> None:
    ids: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        body = (await api.get("/events", params=params)).json()
        ids += [e["event_id"] for e in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert sorted(ids) == sorted(event_id(n) for n in CORPUS)


async def test_api_event_with_sources(api: httpx.AsyncClient) -> None:
    r = await api.get(f"/events/{event_id(2)}")
    assert r.status_code == 200
    body = r.json()
    assert len(body["event"]["sources"]) == 2
    assert {s["evidence"] for s in body["sources"]} == {
        "The SEC filed 13 charges.",
        "A Wells notice came.",
    }
    RegulatoryEvent.model_validate(body["event"])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/events/{'0' * 64}", 404),
        ("/events/not-an-id", 422),
        ("/events?cursor=garbage", 400),
        ("/events?from=2023-1", 422),
        ("/events?type=nonsense", 422),
        ("/events?limit=0", 422),
    ],
)
async def test_api_errors(api: httpx.AsyncClient, path: str, status: int) -> None:
    assert (await api.get(path)).status_code == status
