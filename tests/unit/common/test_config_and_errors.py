from __future__ import annotations

import click
import pytest
from pydantic import ValidationError

from schemas import RawArticle
from services.common.config import KafkaSettings, TopicSettings
from services.common.entry import load_settings
from services.common.errors import (
    Outcome,
    SchemaInvalid,
    StorageUnavailable,
    UndecodableMessage,
    outcome_of,
    reason_of,
)
from services.common.serde import decode


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REGWIRE_KAFKA_ACKS": "1"}, "REGWIRE_KAFKA_ACKS must be 'all'"),
        ({"REGWIRE_KAFKA_ENABLE_IDEMPOTENCE": "false"}, "ENABLE_IDEMPOTENCE must be true"),
        ({"REGWIRE_KAFKA_ENABLE_AUTO_COMMIT": "true"}, "ENABLE_AUTO_COMMIT must be false"),
    ],
)
def test_unsafe_kafka_settings_are_refused_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match=message):
        KafkaSettings()


def test_a_refused_setting_is_explained_without_echoing_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGWIRE_KAFKA_SASL_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("REGWIRE_KAFKA_ACKS", "1")
    with pytest.raises(click.ClickException) as caught:
        load_settings(KafkaSettings)
    assert "REGWIRE_KAFKA_ACKS must be 'all'" in caught.value.message
    assert "hunter2" not in caught.value.message


def test_kafka_bootstrap_servers_honours_the_plain_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REGWIRE_KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    assert KafkaSettings().bootstrap_servers == "127.0.0.1:19092"


def test_sasl_ssl_options_reach_the_clients() -> None:
    settings = KafkaSettings(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="u",
        sasl_password="s3cr3t-value",  # type: ignore[arg-type]
    )
    opts = settings.client_options()
    assert opts["sasl_plain_password"] == "s3cr3t-value"
    assert opts["sasl_mechanism"] == "SCRAM-SHA-512"
    assert "ssl_context" in opts
    assert "s3cr3t-value" not in repr(settings)


def test_topics_have_dead_letter_twins() -> None:
    topics = TopicSettings()
    assert topics.dlq(topics.raw) == "news.raw.v1.dlq"
    assert len(topics.all()) == 6


def test_outcomes_follow_the_retriable_flag() -> None:
    assert outcome_of(StorageUnavailable("db down")) is Outcome.RETRY
    assert outcome_of(SchemaInvalid("bad")) is Outcome.DLQ
    assert outcome_of(ConnectionResetError()) is Outcome.RETRY
    assert outcome_of(KeyError("bug")) is Outcome.DLQ
    assert reason_of(SchemaInvalid("bad")) == "schema_invalid"
    assert reason_of(KeyError("x")) == "KeyError"


def test_decode_tells_undecodable_from_schema_invalid() -> None:
    with pytest.raises(UndecodableMessage, match="not JSON"):
        decode(RawArticle, b"\xff\xfe<html>")
    with pytest.raises(SchemaInvalid, match=r"fetched_at: Field required"):
        decode(RawArticle, b'{"article_id": "' + b"a" * 64 + b'", "text": "x", '
               b'"source": {"id": "s", "kind": "feed"}}')  # fmt: skip
    with pytest.raises(UndecodableMessage, match="tombstone"):
        decode(RawArticle, None)
