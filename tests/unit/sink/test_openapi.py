"""Drift test: the checked-in OpenAPI document is the one the sink serves."""

from __future__ import annotations

from services.sink import openapi


def test_openapi_file_is_current() -> None:
    assert openapi.PATH.exists(), f"missing {openapi.PATH}; run: {openapi.COMMAND}"
    assert openapi.PATH.read_bytes() == openapi.render(), (
        f"{openapi.PATH} is stale; run: {openapi.COMMAND}"
    )


def test_openapi_documents_the_event_routes() -> None:
    doc = openapi.document()
    assert set(doc["paths"]) == {"/events", "/events/{event_id}"}
    params = {p["name"] for p in doc["paths"]["/events"]["get"]["parameters"]}
    assert params == {
        "jurisdiction", "type", "authority", "subject", "from", "to", "q", "limit", "cursor",
    }  # fmt: skip
    ok = doc["paths"]["/events/{event_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/EventDetail")
