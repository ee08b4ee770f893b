"""Bytes on the wire <-> contract models, with the failure kinds the DLQ records."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from services.common.errors import SchemaInvalid, UndecodableMessage

M = TypeVar("M", bound=BaseModel)


def encode(model: BaseModel) -> bytes:
    return model.model_dump_json(exclude_none=False).encode()


def decode(model: type[M], value: bytes | None) -> M:
    """Validate a message value; raise a poison error that says what was wrong."""
    if value is None:
        raise UndecodableMessage("message has no value (tombstone)")
    try:
        return model.model_validate_json(value)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise UndecodableMessage(f"not JSON: {exc.errors()[0]['msg']}") from None
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise SchemaInvalid(
            f"not a valid {model.__name__}: {where}: {first['msg']} ({exc.error_count()} error(s))"
        ) from None
