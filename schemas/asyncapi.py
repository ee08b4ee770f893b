"""The AsyncAPI 3.0 document for regwire's topics, generated from the models.

Teams that subscribe read ``schemas/asyncapi.yaml``: every topic and its dead-letter
topic, the message key, the CloudEvents attributes carried as Kafka headers (binary
content mode) and the payload schema. Regenerate it with ``make schemas``::

    >>> doc = build()
    >>> doc["channels"]["regulatoryEvents"]["address"]
    'regulatory.events.v1'

Topic names and consumer groups here are the defaults of the services' settings;
a unit test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from schemas.cloudevents import (
    CONTENT_TYPE,
    SPECVERSION,
    TYPE_ARTICLE,
    TYPE_RAW_ARTICLE,
    TYPE_REGULATORY_EVENT,
)
from schemas.models import Article, EventType, RawArticle, RegulatoryEvent

ASYNCAPI_PATH = Path(__file__).parent / "asyncapi.yaml"
ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING = "0.5.0"
DLQ_SUFFIX = ".dlq"
PARTITIONS = 3  # what regwire creates by default (REGWIRE_KAFKA_PARTITIONS)
HEADER = (
    "# Generated from schemas/models.py by `make schemas` (python -m schemas.generate).\n"
    "# Do not edit: a test fails when this file and the models disagree.\n"
)
DLQ_HEADERS = {
    "dlq_reason": "why it was dead-lettered, e.g. undecodable, schema_invalid, content_rejected",
    "dlq_error_class": "the exception class",
    "dlq_error_message": "the error message, at most 1000 characters",
    "dlq_stage": "the stage that failed, e.g. decode, parse, store",
    "dlq_service": "the service that dead-lettered it: fetcher, parser or sink",
    "dlq_original_topic": "the topic the message was read from",
    "dlq_original_partition": "its partition, as a decimal string",
    "dlq_original_offset": "its offset, as a decimal string",
    "dlq_failed_at": "when it failed, ISO 8601 in UTC",
}


@dataclass(frozen=True)
class Topic:
    """One v1 topic as downstream teams see it."""

    channel: str
    address: str
    model: type[BaseModel]
    ce_type: str
    key: str
    ce_id: str
    producer: str
    consumers: tuple[tuple[str, str], ...]  # (service, consumer group)
    summary: str


TOPICS = (
    Topic(
        channel="newsRaw",
        address="news.raw.v1",
        model=RawArticle,
        ce_type=TYPE_RAW_ARTICLE,
        key="article id",
        ce_id="the article id",
        producer="fetcher",
        consumers=(("parser", "regwire-parser"),),
        summary="Fetched or replayed documents, before any parsing.",
    ),
    Topic(
        channel="newsArticles",
        address="news.articles.v1",
        model=Article,
        ce_type=TYPE_ARTICLE,
        key="article id",
        ce_id="the article id",
        producer="parser",
        consumers=(("sink", "regwire-sink"),),
        summary="Normalised articles: main text and metadata.",
    ),
    Topic(
        channel="regulatoryEvents",
        address="regulatory.events.v1",
        model=RegulatoryEvent,
        ce_type=TYPE_REGULATORY_EVENT,
        key="event id",
        ce_id="`<event id>:<article id>` (one message per event and reporting article)",
        producer="parser",
        consumers=(("sink", "regwire-sink"),),
        summary="Regulatory events, one message per event and reporting article.",
    ),
)


def build() -> dict[str, Any]:
    """The AsyncAPI document as plain data, in a stable order."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas = _payload_schemas()
    for topic in TOPICS:
        name = topic.model.__name__
        dlq_name = f"{name}DeadLetter"
        schemas[f"{name}Headers"] = _ce_headers_schema(topic)
        messages[name] = _message(topic)
        messages[dlq_name] = _dead_letter_message(topic)
        channels[topic.channel] = _channel(topic.address, name, topic.summary)
        dlq_channel = f"{topic.channel}DeadLetters"
        channels[dlq_channel] = _channel(
            topic.address + DLQ_SUFFIX,
            dlq_name,
            f"Messages of {topic.address} that could not be processed, with the reason.",
        )
        operations[f"{topic.producer}Sends{name}"] = _operation(
            "send", topic.channel, name, f"The {topic.producer} publishes {topic.address}."
        )
        for service, group in topic.consumers:
            operations[f"{service}Receives{name}"] = _operation(
                "receive", topic.channel, name, f"The {service} consumes {topic.address}.", group
            )
            operations[f"{service}DeadLetters{name}"] = _operation(
                "send",
                dlq_channel,
                dlq_name,
                f"The {service} dead-letters poison messages of {topic.address}.",
            )
    schemas["DeadLetterHeaders"] = _dead_letter_headers_schema()
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": _info(),
        "defaultContentType": CONTENT_TYPE,
        "servers": _servers(),
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "messages": messages,
            "securitySchemes": {
                "saslScram": {
                    "type": "scramSha512",
                    "description": "SASL/SCRAM-SHA-512 (REGWIRE_KAFKA_SASL_MECHANISM).",
                },
            },
        },
    }


def render() -> str:
    """The exact text of ``schemas/asyncapi.yaml``."""
    body = yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def _info() -> dict[str, Any]:
    return {
        "title": "regwire",
        "version": "1.0.0",
        "description": (
            "News in, regulatory events out. regwire's services talk only through these "
            "Kafka topics. Values are JSON documents validated by the payload schemas; "
            "CloudEvents 1.0 attributes travel as Kafka headers in binary content mode "
            "(ce_specversion, ce_id, ce_source, ce_type, ce_time, content-type), so any "
            "CloudEvents SDK can read them. Delivery is at least once: ids are "
            "deterministic, so a consumer deduplicates on the key. v1 topics only ever "
            "gain optional fields; anything else is a v2 topic. Poison input goes to "
            f"`<topic>{DLQ_SUFFIX}` with its original bytes and dlq_* headers."
        ),
        "license": {"name": "Apache-2.0"},
    }


def _servers() -> dict[str, Any]:
    return {
        "local": {
            "host": "localhost:9092",
            "protocol": "kafka",
            "description": "The single-node broker of `make run` (PLAINTEXT).",
        },
        "production": {
            "host": "{bootstrap}",
            "protocol": "kafka-secure",
            "description": "A TLS cluster; SASL/SCRAM when REGWIRE_KAFKA_SECURITY_PROTOCOL "
            "is SASL_SSL.",
            "variables": {
                "bootstrap": {"description": "REGWIRE_KAFKA_BOOTSTRAP_SERVERS of the deployment"}
            },
            "security": [{"$ref": "#/components/securitySchemes/saslScram"}],
        },
    }


def _payload_schemas() -> dict[str, Any]:
    models = [(t.model, "validation") for t in TOPICS]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    defs: dict[str, Any] = top["$defs"]
    return defs


def _key_schema(topic: Topic) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": "^[0-9a-f]{64}$",
        "description": f"The {topic.key} (sha256, lowercase hex), UTF-8 encoded.",
    }


def _ce_headers_schema(topic: Topic) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "ce_specversion": {"type": "string", "const": SPECVERSION},
        "ce_id": {"type": "string", "minLength": 1, "description": topic.ce_id},
        "ce_source": {
            "type": "string",
            "format": "uri-reference",
            "description": "the producing service, e.g. /regwire/parser",
        },
        "ce_type": {"type": "string", "const": topic.ce_type},
        "ce_time": {"type": "string", "format": "date-time", "description": "UTC, `Z`"},
        "content-type": {"type": "string", "const": CONTENT_TYPE},
    }
    if topic.model is RegulatoryEvent:
        properties["ce_subject"] = {
            "type": "string",
            "enum": [t.value for t in EventType],
            "description": "the event_type, so a subscriber can filter without parsing",
        }
    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes, Kafka binary content mode (UTF-8 values).",
        "required": list(properties)[:6],
        "properties": properties,
    }


def _dead_letter_headers_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The original message's headers (ce_* included), plus why it failed.",
        "required": list(DLQ_HEADERS),
        "properties": {
            name: {"type": "string", "description": text} for name, text in DLQ_HEADERS.items()
        },
        "additionalProperties": {"type": "string"},
    }


def _message(topic: Topic) -> dict[str, Any]:
    name = topic.model.__name__
    return {
        "name": name,
        "title": name,
        "summary": topic.summary,
        "contentType": CONTENT_TYPE,
        "headers": {"$ref": f"#/components/schemas/{name}Headers"},
        "payload": {"$ref": f"#/components/schemas/{name}"},
        "bindings": {
            "kafka": {
                # Inline: the binding schema's oneOf(Reference, Schema) matches a $ref twice.
                "key": _key_schema(topic),
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _dead_letter_message(topic: Topic) -> dict[str, Any]:
    name = topic.model.__name__
    return {
        "name": f"{name}DeadLetter",
        "title": f"{name} (dead letter)",
        "summary": f"A message of {topic.address} that its consumer could not process.",
        "contentType": "application/octet-stream",
        "headers": {"$ref": "#/components/schemas/DeadLetterHeaders"},
        "payload": {
            "description": (
                f"The original value bytes, untouched: usually a {name} document, but "
                "possibly invalid JSON or invalid against the schema (that is why it is here)."
            )
        },
        "bindings": {
            "kafka": {
                "key": _key_schema(topic),
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _channel(address: str, message: str, description: str) -> dict[str, Any]:
    return {
        "address": address,
        "description": description,
        "messages": {_lower_first(message): {"$ref": f"#/components/messages/{message}"}},
        "bindings": {
            "kafka": {
                "topic": address,
                "partitions": PARTITIONS,
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _operation(
    action: str, channel: str, message: str, summary: str, group: str | None = None
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel}"},
        "summary": summary,
        "messages": [{"$ref": f"#/channels/{channel}/messages/{_lower_first(message)}"}],
    }
    if group is not None:
        op["bindings"] = {
            "kafka": {
                "groupId": {"type": "string", "enum": [group]},
                "bindingVersion": KAFKA_BINDING,
            }
        }
    return op


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]
