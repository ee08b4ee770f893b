"""The date resolver: every expression the guidelines name, resolved against publication."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.models import DatePrecision
from services.parser.events.dates import find_dates, resolve_date, unknown_date

PUB = date(2023, 8, 3)  # a Thursday
DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


@pytest.mark.parametrize(
    ("expression", "value", "precision"),
    [
        ("In October", "2022-10", MONTH),  # the most recent October before publication
        ("In December,", "2022-12", MONTH),
        ("in May", "2023-05", MONTH),
        ("in August", "2023-08", MONTH),  # the publication month itself
        ("in September 2021", "2021-09", MONTH),
        ("in May 2024", "2024-05", MONTH),
        ("September 2021", "2021-09", MONTH),
        ("on June 1", "2023-06-01", DAY),
        ("on September 30", "2022-09-30", DAY),  # later in the year: last year's
        ("July 30, 2026", "2026-07-30", DAY),
        ("Dec. 18, 2025", "2025-12-18", DAY),
        ("Sept. 12, 2025", "2025-09-12", DAY),
        ("1 June 2018", "2018-06-01", DAY),
        ("2026-07-30", "2026-07-30", DAY),
        ("just yesterday", "2023-08-02", DAY),
        ("yesterday", "2023-08-02", DAY),
        ("today", "2023-08-03", DAY),
        ("earlier today", "2023-08-03", DAY),
        ("on Tuesday", "2023-08-01", DAY),  # most recent Tuesday on or before
        ("on Thursday", "2023-08-03", DAY),  # publication day is a Thursday
        ("last Thursday", "2023-07-27", DAY),
        ("next Monday", "2023-08-07", DAY),
        ("last week", "2023-07", MONTH),  # a week has no precision of its own
        ("this week", "2023-08", MONTH),
        ("earlier this month", "2023-08", MONTH),
        ("last month", "2023-07", MONTH),
        ("this year", "2023", YEAR),
        ("last year", "2022", YEAR),
        ("in 2019", "2019", YEAR),
        ("since its adoption in 2010", "2010", YEAR),
        ("two weeks ago", "2023-07", MONTH),
        ("three days ago", "2023-07-31", DAY),
        ("six months ago", "2023-02", MONTH),
    ],
)
def test_resolves_against_publication(
    expression: str, value: str, precision: DatePrecision
) -> None:
    resolved = resolve_date(expression, PUB)
    assert resolved is not None
    assert (resolved.value, resolved.precision) == (value, precision)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("will take effect on June 1", "2024-06-01"),  # upcoming: the next June 1
        ("the vote is scheduled for Tuesday", "2023-08-08"),
        ("rules effective from March", "2024-03"),
    ],
)
def test_future_context_resolves_forward(expression: str, value: str) -> None:
    resolved = resolve_date(expression, PUB)
    assert resolved is not None
    assert resolved.value == value


def test_explicit_future_flag() -> None:
    resolved = resolve_date("on June 1", PUB, future=True)
    assert resolved is not None
    assert resolved.value == "2024-06-01"


@pytest.mark.parametrize(
    "text",
    [
        "The SEC charged the firm.",
        "Analysts may raise targets.",  # "may" is a verb, not the month
        "Rule 14a-8 under the Securities Exchange Act of 1934",  # "Act of 1934" is no date
        "a $40,000,000 civil penalty",
    ],
)
def test_no_date(text: str) -> None:
    assert resolve_date(text, PUB) is None


def test_unknown_is_the_publication_date() -> None:
    unknown = unknown_date(PUB)
    assert (unknown.value, unknown.precision) == ("2023-08-03", DatePrecision.UNKNOWN)


def test_find_dates_keeps_offsets_and_marks_periods() -> None:
    text = "On July 17, 2026, the court ruled; from June 2017 to January 2018 they sold."
    found = find_dates(text, date(2026, 9, 30))
    assert [text[d.start : d.end] for d in found] == [
        "July 17, 2026",
        "June 2017",
        "January 2018",
    ]
    assert [d.period for d in found] == [False, True, True]


def test_embedded_post_signature_is_a_period() -> None:
    text = "— Senator Cynthia Lummis (@SenLummis) July 31, 2026 Lummis said"
    (mention,) = find_dates(text, date(2026, 8, 2))
    assert mention.period


def test_and_alone_does_not_make_a_period() -> None:
    text = "in 2020 it cooperated, and in 2024 the company was investigated"
    assert [d.period for d in find_dates(text, date(2026, 8, 4))] == [False, False]
