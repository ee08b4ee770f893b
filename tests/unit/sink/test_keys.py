from __future__ import annotations

from datetime import date

import pytest

from services.sink.keys import date_period, fold, strip_nul, version_key


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.9.0", "1.10.0"),
        ("0.9", "1.0"),
        ("1.0", "1.0.1"),
        ("2.0.0rc1", "2.0.0"),
        ("2.0.0a2", "2.0.0b1"),
        ("2.0.0b1", "2.0.0rc1"),
        ("2.0.0.dev3", "2.0.0a1"),
        ("2.0.0", "2.0.0.post1"),
        ("2.0.0-alpha.1", "2.0.0-beta.1"),
        ("1.2.3", "v1.2.4"),
        ("garbage", "0.0.1"),
    ],
)
def test_versions_sort_as_people_read_them(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)


@pytest.mark.parametrize(
    ("a", "b"), [("1.0", "1.0.0"), ("1.2.3+local.7", "1.2.3"), ("V1.2", "1.2")]
)
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert version_key(a) == version_key(b)


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-08-02", date(2023, 8, 2), date(2023, 8, 2)),
    ],
)
def test_date_period(value: str, start: date, end: date) -> None:
    assert date_period(value) == (start, end)


@pytest.mark.parametrize("value", ["2023-02-30", "2023-13", "23-1", "", "2023/08/01"])
def test_date_period_rejects_non_dates(value: str) -> None:
    with pytest.raises(ValueError):
        date_period(value)


def test_fold_and_nul() -> None:
    assert fold("  Hash\tKEY ") == "hash key"
    assert strip_nul("a\x00b") == "ab"
