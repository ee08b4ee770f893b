"""schemas/asyncapi.yaml: generated, valid AsyncAPI 3.0, and true to what the code sends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from prometheus_client import CollectorRegistry

from schemas import RawArticle, Source, SourceKind, article_id, ce_headers
from schemas.asyncapi import ASYNCAPI_PATH, DLQ_HEADERS, TOPICS, render
from schemas.cloudevents import TYPE_ARTICLE, TYPE_RAW_ARTICLE, TYPE_REGULATORY_EVENT
from services.common.config import TopicSettings
from services.common.kafka import DeadLetters, Headers
from services.common.metrics import Metrics
from services.parser.config import ParserSettings
from services.sink.config import SinkSettings

VENDOR = Path(__file__).parent / "vendor"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    return loaded


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node: Any = doc
    for part in ref[2:].split("/"):
        assert part in node, f"dangling $ref {ref}"
        node = node[part]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_the_checked_in_document_matches_the_models() -> None:
    current = ASYNCAPI_PATH.read_text(encoding="utf-8") if ASYNCAPI_PATH.exists() else ""
    assert current == render(), (
        "schemas/asyncapi.yaml drifted from schemas/models.py: run `make schemas`"
    )


def test_the_document_is_valid_asyncapi_3(doc: dict[str, Any]) -> None:
    spec = json.loads((VENDOR / "asyncapi-3.0.0.schema.json").read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in Draft7Validator(spec).iter_errors(doc)
    ]
    assert doc["asyncapi"] == "3.0.0"
    assert not errors, errors


def test_every_reference_resolves_and_operations_use_their_channels_messages(
    doc: dict[str, Any],
) -> None:
    for ref in refs(doc):
        resolve(doc, ref)
    for name, op in doc["operations"].items():
        channel_ref = op["channel"]["$ref"]
        channel = resolve(doc, channel_ref)
        for message in op["messages"]:
            assert message["$ref"].startswith(channel_ref + "/messages/"), name
        assert op["action"] in ("send", "receive")
        assert channel["address"] == channel["bindings"]["kafka"]["topic"]


def test_every_topic_and_its_dead_letter_topic_is_a_channel(doc: dict[str, Any]) -> None:
    topics = TopicSettings.model_fields
    defaults = [topics[n].default for n in ("raw", "articles", "events")]
    suffix = topics["dlq_suffix"].default
    addresses = sorted(c["address"] for c in doc["channels"].values())
    assert addresses == sorted(defaults + [t + suffix for t in defaults])
    assert [t.address for t in TOPICS] == defaults


def test_consumer_groups_are_the_services_defaults(doc: dict[str, Any]) -> None:
    groups = {
        op["bindings"]["kafka"]["groupId"]["enum"][0]
        for op in doc["operations"].values()
        if op["action"] == "receive"
    }
    assert groups == {
        ParserSettings.model_fields["group_id"].default,
        SinkSettings.model_fields["group_id"].default,
    }


def test_each_message_declares_key_cloudevents_headers_and_payload(doc: dict[str, Any]) -> None:
    expected_types = {
        "RawArticle": TYPE_RAW_ARTICLE,
        "Article": TYPE_ARTICLE,
        "RegulatoryEvent": TYPE_REGULATORY_EVENT,
    }
    sent = [k for k, _ in ce_headers(id="x", source="/t", type="t")]
    for name, ce_type in expected_types.items():
        message = doc["components"]["messages"][name]
        headers = resolve(doc, message["headers"]["$ref"])
        assert headers["required"] == sent
        assert headers["properties"]["ce_type"]["const"] == ce_type
        assert message["bindings"]["kafka"]["key"]["pattern"] == "^[0-9a-f]{64}$"
        assert resolve(doc, message["payload"]["$ref"])["title"] == name


def test_schemas_are_valid_json_schema(doc: dict[str, Any]) -> None:
    for schema in doc["components"]["schemas"].values():
        # AsyncAPI's schema object is a draft-07 superset; pydantic emits 2020-12.
        Draft7Validator.check_schema(schema)
        Draft202012Validator.check_schema(schema)


def test_a_real_message_validates_against_its_payload_schema(doc: dict[str, Any]) -> None:
    raw = RawArticle(
        article_id=article_id("https://x.test/a"),
        url="https://x.test/a",
        html="<p>The SEC fined a firm.</p>",
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        source=Source(id="t", kind=SourceKind.FEED),
    )
    schema = {"components": doc["components"], "$ref": "#/components/schemas/RawArticle"}
    validator = Draft202012Validator(schema)
    assert not list(validator.iter_errors(json.loads(raw.model_dump_json())))
    assert list(validator.iter_errors({"article_id": "not-a-hash"}))


class CapturingPublisher:
    def __init__(self) -> None:
        self.sent: list[Headers] = []

    async def send(self, topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        self.sent.append(headers)


class Poison:
    topic: str = "news.raw.v1"
    partition: int = 0
    offset: int = 7
    timestamp: int = 0
    key: bytes | None = b"k"
    value: bytes | None = b"{"
    headers: Sequence[tuple[str, bytes]] = (("ce_id", b"x"),)


async def test_dead_letter_headers_are_what_the_code_writes(doc: dict[str, Any]) -> None:
    publisher = CapturingPublisher()
    letters = DeadLetters(
        publisher,  # type: ignore[arg-type]
        TopicSettings(),
        Metrics(CollectorRegistry(), "t"),
        "parser",
    )
    await letters.send(Poison(), "undecodable", ValueError("bad"), "decode")
    written = {k for k, _ in publisher.sent[0] if k.startswith("dlq_")}
    assert written == set(DLQ_HEADERS)
    assert doc["components"]["schemas"]["DeadLetterHeaders"]["required"] == list(DLQ_HEADERS)
