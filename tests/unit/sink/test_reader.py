from __future__ import annotations

from datetime import date

import pytest

from services.sink.reader import InvalidCursor, decode_cursor, encode_cursor
from tests.unit.sink.factory import event_id


def test_cursor_round_trip() -> None:
    cursor = encode_cursor(date(2023, 8, 2), event_id(1))
    assert decode_cursor(cursor) == (date(2023, 8, 2), event_id(1))


@pytest.mark.parametrize("cursor", ["", "%%%", "bm90IGpzb24", "WzFd"])
def test_bad_cursor(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)
